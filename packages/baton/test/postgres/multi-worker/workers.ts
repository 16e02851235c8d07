/**
 * Worker processes of the multi-worker test, seen from the test process:
 * spawning `worker-process.ts`, waiting for it to run, and killing, freezing
 * and continuing it. Every process spawned here is killed when the test
 * process exits, frozen or not.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

const workerScript = fileURLToPath(new URL("./worker-process.ts", import.meta.url));
const packageDir = fileURLToPath(new URL("../../..", import.meta.url));

/** How a process ended. */
export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A child process running `worker-process.ts`. */
export interface WorkerProcess {
  generation: number;
  child: ChildProcess;
  /** Set once the process exited. */
  exit?: Exit;
  exited: Promise<Exit>;
  /** Resolves when the engine runs; rejects if the process exits first. */
  ready: Promise<void>;
  isReady: boolean;
  /** True between SIGSTOP and SIGCONT. */
  frozen: boolean;
  /** Lines of standard error (engine warnings, crashes). */
  stderr: string[];
}

const alive = new Set<ChildProcess>();

/** Kills every worker process still alive (a frozen one too: SIGKILL ends a stopped process). */
export function killAllWorkers(): void {
  for (const child of alive) child.kill("SIGKILL");
}
process.on("exit", killAllWorkers);

/** Spawns worker generation `generation` on the store at `address`, writing its ledger in `ledgerDir`. */
export function spawnWorker(address: string, ledgerDir: string, generation: number): WorkerProcess {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", "--conditions=development", workerScript, address, ledgerDir, String(generation)],
    { cwd: packageDir, stdio: ["ignore", "pipe", "pipe"] },
  );
  alive.add(child);
  const worker: WorkerProcess = {
    generation,
    child,
    isReady: false,
    frozen: false,
    stderr: [],
    exited: new Promise<Exit>((resolve) => {
      child.on("exit", (code, signal) => {
        alive.delete(child);
        worker.exit = { code, signal };
        resolve(worker.exit);
      });
    }),
    ready: Promise.resolve(),
  };
  worker.ready = new Promise<void>((resolve, reject) => {
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on("line", (line) => {
      if (line.includes('"event":"ready"')) {
        worker.isReady = true;
        resolve();
      } else worker.stderr.push(`(stdout) ${line}`);
    });
    void worker.exited.then((exit) =>
      reject(
        new Error(
          `worker ${generation} exited before it was ready (${JSON.stringify(exit)}): ${worker.stderr.join("\n")}`,
        ),
      ),
    );
  });
  worker.ready.catch(() => {});
  createInterface({ input: child.stderr as NodeJS.ReadableStream }).on("line", (line) => worker.stderr.push(line));
  return worker;
}

/** SIGKILLs a worker and waits for it to be gone. */
export async function killWorker(worker: WorkerProcess): Promise<Exit> {
  worker.child.kill("SIGKILL");
  return worker.exited;
}

/** SIGSTOPs a worker for `ms`, then SIGCONTs it; resolves once it runs again. */
export async function freezeWorker(worker: WorkerProcess, ms: number): Promise<void> {
  worker.frozen = true;
  worker.child.kill("SIGSTOP");
  await new Promise((resolve) => setTimeout(resolve, ms));
  worker.child.kill("SIGCONT");
  worker.frozen = false;
}

/** Stops a worker with SIGTERM (a graceful stop); resolves with how it exited, or undefined after `timeoutMs`. */
export async function stopWorker(worker: WorkerProcess, timeoutMs: number): Promise<Exit | undefined> {
  worker.child.kill("SIGTERM");
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), timeoutMs);
  });
  try {
    return await Promise.race([worker.exited, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
