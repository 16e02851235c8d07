/**
 * Worker processes of a measurement: `bench/worker.ts` children on one store,
 * started together and stopped together. Their standard error is passed on,
 * each line prefixed with the worker's name, and kept for the result.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

const workerScript = fileURLToPath(new URL("../worker.ts", import.meta.url));
const repositoryRoot = fileURLToPath(new URL("../../", import.meta.url));

/** Longest wait for a worker to report ready, and for one to exit after SIGTERM. */
const readyTimeoutMs = 30_000;
const stopTimeoutMs = 15_000;

const alive = new Set<ChildProcess>();
process.on("exit", () => {
  for (const child of alive) child.kill("SIGKILL");
});

/** Running worker processes. */
export interface WorkerProcesses {
  readonly count: number;
  /** Lines the workers wrote to standard error so far, prefixed with their name. */
  readonly stderr: string[];
  /** SIGTERM to each, waiting for their exit (SIGKILL after 15 s); resolves to their exit descriptions. */
  stop(): Promise<string[]>;
}

interface Child {
  name: string;
  process: ChildProcess;
  exited: Promise<string>;
}

function spawnWorker(name: string, store: string, stderr: string[], echo: boolean): Child {
  const child = spawn(process.execPath, ["--import", "tsx", "--conditions=development", workerScript, store, name], {
    cwd: repositoryRoot,
    stdio: ["ignore", "pipe", "pipe"],
  });
  alive.add(child);
  const exited = new Promise<string>((resolve) =>
    child.on("exit", (code, signal) => {
      alive.delete(child);
      resolve(signal ? `${name} killed by ${signal}` : `${name} exited with ${code}`);
    }),
  );
  createInterface({ input: child.stderr as NodeJS.ReadableStream }).on("line", (line) => {
    stderr.push(`[${name}] ${line}`);
    if (echo) process.stderr.write(`[${name}] ${line}\n`);
  });
  return { name, process: child, exited };
}

function whenReady(child: Child, stderr: string[]): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${child.name} not ready within ${readyTimeoutMs} ms`)),
      readyTimeoutMs,
    );
    createInterface({ input: child.process.stdout as NodeJS.ReadableStream }).on("line", (line) => {
      if (line.includes('"ready"')) {
        clearTimeout(timer);
        resolve();
      }
    });
    void child.exited.then((exit) => {
      clearTimeout(timer);
      reject(new Error(`${exit} before it was ready: ${stderr.join("\n")}`));
    });
  });
}

async function stopChild(child: Child): Promise<string> {
  if (!alive.has(child.process)) return child.exited;
  child.process.kill("SIGTERM");
  const timer = setTimeout(() => child.process.kill("SIGKILL"), stopTimeoutMs);
  const exit = await child.exited;
  clearTimeout(timer);
  return exit;
}

/**
 * Starts `count` worker processes on `store` (named `<prefix>1` to `<prefix><count>`)
 * and resolves once every one is ready. `echo: false` keeps their standard error quiet.
 */
export async function startWorkers(
  count: number,
  store: string,
  { prefix = "worker-", echo = true }: { prefix?: string; echo?: boolean } = {},
): Promise<WorkerProcesses> {
  const stderr: string[] = [];
  const children = Array.from({ length: count }, (_, i) => spawnWorker(`${prefix}${i + 1}`, store, stderr, echo));
  const stop = () => Promise.all(children.map(stopChild));
  try {
    await Promise.all(children.map((child) => whenReady(child, stderr)));
  } catch (error) {
    await stop();
    throw error;
  }
  return { count, stderr, stop };
}
