/**
 * Worker processes of a measurement: `bench/worker.ts` children on one store
 * (`startWorkers`), or `bench/task-worker.ts` children polling the task
 * routes of one server (`startTaskWorkers`), started together and stopped
 * (or killed) together. Their standard error is
 * passed on (the first 20 lines of a group), each line prefixed with the
 * worker's name, and kept for the result (the first 1,000 lines; all are
 * counted). Each can report on SIGUSR2: an engine worker its memory (after a
 * garbage collection), a task worker what it did since its last report.
 *
 * Workers run compiled JavaScript, as a deployed worker does: the engine's
 * build (`packages/baton/dist`) and the worker script's (`bench/dist`, from
 * `bench/tsconfig.worker.json`) when both are newer than their sources, and
 * the TypeScript sources through tsx otherwise (`npm run bench` builds both
 * first; the smoke tests may run either). tsx alone adds about 30 MB to a
 * process's resident memory.
 *
 * `BATON_BENCH_WORKER_NODE_ARGS` adds Node options to every worker process,
 * split on spaces (e.g. `--cpu-prof --cpu-prof-dir=/tmp/profiles`).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

const workerSource = fileURLToPath(new URL("../worker.ts", import.meta.url));
const workflowsSource = fileURLToPath(new URL("../workflows.ts", import.meta.url));
const workerBuilt = fileURLToPath(new URL("../dist/worker.js", import.meta.url));
const taskWorkerSource = fileURLToPath(new URL("../task-worker.ts", import.meta.url));
const taskWorkerBuilt = fileURLToPath(new URL("../dist/task-worker.js", import.meta.url));
const nodeArgs = (process.env.BATON_BENCH_WORKER_NODE_ARGS ?? "").split(" ").filter((arg) => arg !== "");
const engineSource = fileURLToPath(new URL("../../packages/baton/src", import.meta.url));
const engineBuilt = fileURLToPath(new URL("../../packages/baton/dist/index.js", import.meta.url));

const newestIn = (dir: string): number =>
  Math.max(
    ...readdirSync(dir, { withFileTypes: true }).map((entry) =>
      entry.isDirectory() ? newestIn(join(dir, entry.name)) : statSync(join(dir, entry.name)).mtimeMs,
    ),
  );

const builtAfter = (built: string, newestSource: number): boolean => {
  const at = statSync(built, { throwIfNoEntry: false })?.mtimeMs;
  return at !== undefined && at >= newestSource;
};

/** What the workers run: `compiled` when the engine's and the worker scripts' builds are newer than their sources, else `source`. */
export function workerEngine(): "compiled" | "source" {
  const worker = Math.max(statSync(workerSource).mtimeMs, statSync(workflowsSource).mtimeMs);
  return builtAfter(engineBuilt, newestIn(engineSource)) &&
    builtAfter(workerBuilt, worker) &&
    builtAfter(taskWorkerBuilt, statSync(taskWorkerSource).mtimeMs)
    ? "compiled"
    : "source";
}
const repositoryRoot = fileURLToPath(new URL("../../", import.meta.url));

/** Longest wait for a worker to report ready, for one to exit after SIGTERM, and for a report (memory, stats). */
const readyTimeoutMs = 30_000;
const stopTimeoutMs = 15_000;
const reportTimeoutMs = 30_000;
/** Standard error lines of a group passed on, and kept. */
const echoedLines = 20;
const keptLines = 1000;

const alive = new Set<ChildProcess>();
process.on("exit", () => {
  for (const child of alive) child.kill("SIGKILL");
});

/** Memory of a worker process, in bytes (`process.memoryUsage()` after a full garbage collection). */
export interface WorkerMemory {
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
}

/** Running worker processes. */
export interface WorkerProcesses {
  readonly count: number;
  /** Their process ids, in order. */
  readonly pids: number[];
  /** Lines the workers wrote to standard error so far, prefixed with their name (the first 1,000). */
  readonly stderr: string[];
  /** How many lines the workers wrote to standard error so far. */
  readonly stderrCount: number;
  /** The memory of each worker, in order (engine workers). */
  memory(): Promise<WorkerMemory[]>;
  /** The report of each worker, in order: SIGUSR2, then its line `{"event":"<event>",...}`, parsed. */
  report(event: string): Promise<Record<string, unknown>[]>;
  /** SIGKILL to each, waiting for their exit; resolves to their exit descriptions. */
  kill(): Promise<string[]>;
  /** SIGTERM to each, waiting for their exit (SIGKILL after 15 s); resolves to their exit descriptions. */
  stop(): Promise<string[]>;
}

/** Engine options of the workers (`bench/worker.ts` flags). */
export interface WorkerOptions {
  /** Names are `<prefix>1` to `<prefix><count>`. Default `worker-`. */
  prefix?: string;
  /** Pass their standard error on (default true). */
  echo?: boolean;
  /** The engine's `lease`, in ms. Default: the engine's. */
  leaseMs?: number;
  /** The engine's `maxRunsInMemory`. Default: the engine's. */
  maxRunsInMemory?: number;
}

/** Standard error of a group of workers. */
interface ErrorLines {
  kept: string[];
  count: number;
  echo: boolean;
}

interface Child {
  name: string;
  process: ChildProcess;
  exited: Promise<string>;
  /** Listeners of standard output lines. */
  lines: Set<(line: string) => void>;
}

/** A worker script: its source and its build. */
interface Program {
  source: string;
  built: string;
}

function spawnWorker(name: string, program: Program, args: string[], stderr: ErrorLines): Child {
  const script =
    workerEngine() === "compiled" ? [program.built] : ["--import", "tsx", "--conditions=development", program.source];
  const child = spawn(process.execPath, [...nodeArgs, "--expose-gc", ...script, ...args], {
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
    stderr.count++;
    if (stderr.kept.length < keptLines) stderr.kept.push(`[${name}] ${line}`);
    if (stderr.echo && stderr.count <= echoedLines) process.stderr.write(`[${name}] ${line}\n`);
    if (stderr.echo && stderr.count === echoedLines + 1) {
      process.stderr.write(`[${name}] (further lines of the workers are counted, the first ${keptLines} kept)\n`);
    }
  });
  const lines = new Set<(line: string) => void>();
  createInterface({ input: child.stdout as NodeJS.ReadableStream }).on("line", (line) => {
    for (const listener of lines) listener(line);
  });
  return { name, process: child, exited, lines };
}

/** Resolves with the first standard output line of `child` that holds `"event":"<event>"`, parsed. */
function nextEvent(
  child: Child,
  event: string,
  timeoutMs: number,
  stderr: ErrorLines,
): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const done = () => {
      clearTimeout(timer);
      child.lines.delete(listener);
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error(`${child.name}: no "${event}" within ${timeoutMs} ms`));
    }, timeoutMs);
    const listener = (line: string) => {
      if (!line.includes(`"event":"${event}"`)) return;
      done();
      resolve(JSON.parse(line) as Record<string, unknown>);
    };
    child.lines.add(listener);
    void child.exited.then((exit) => {
      if (!child.lines.has(listener)) return;
      done();
      reject(new Error(`${exit} before its "${event}": ${stderr.kept.join("\n")}`));
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

function readReport(child: Child, event: string, stderr: ErrorLines): Promise<Record<string, unknown>> {
  const report = nextEvent(child, event, reportTimeoutMs, stderr);
  child.process.kill("SIGUSR2");
  return report;
}

/**
 * Starts `count` worker processes on `store` (named `<prefix>1` to `<prefix><count>`)
 * and resolves once every one is ready.
 */
export function startWorkers(count: number, store: string, options: WorkerOptions = {}): Promise<WorkerProcesses> {
  const flags = [
    ...(options.leaseMs ? ["--lease", String(options.leaseMs)] : []),
    ...(options.maxRunsInMemory ? ["--max-runs-in-memory", String(options.maxRunsInMemory)] : []),
  ];
  const program = { source: workerSource, built: workerBuilt };
  return startGroup(count, options, (name) => [program, [store, name, ...flags]]);
}

/** Options of task worker processes (`bench/task-worker.ts` flags). */
export interface TaskWorkerOptions {
  /** Names (their worker ids) are `<prefix>1` to `<prefix><count>`. Default `task-worker-`. */
  prefix?: string;
  /** Pass their standard error on (default true). */
  echo?: boolean;
  /** The task queue each polls. */
  queue: string;
  /** Most tasks each holds at once (its polls' `max`). Default 50. */
  max?: number;
  /** Wait of each long poll, in ms. Default 20000. */
  waitMs?: number;
}

/**
 * Starts `count` task worker processes polling the task routes of the server
 * at `url`, and resolves once every one is ready.
 */
export function startTaskWorkers(count: number, url: string, options: TaskWorkerOptions): Promise<WorkerProcesses> {
  const flags = [
    ...(options.max ? ["--max", String(options.max)] : []),
    ...(options.waitMs !== undefined ? ["--wait-ms", String(options.waitMs)] : []),
  ];
  const program = { source: taskWorkerSource, built: taskWorkerBuilt };
  return startGroup(count, { prefix: "task-worker-", ...options }, (name) => [
    program,
    [url, name, options.queue, ...flags],
  ]);
}

/** Starts `count` processes of the program and arguments `launch` gives each name, and waits until each is ready. */
async function startGroup(
  count: number,
  options: { prefix?: string; echo?: boolean },
  launch: (name: string) => [Program, string[]],
): Promise<WorkerProcesses> {
  const stderr: ErrorLines = { kept: [], count: 0, echo: options.echo ?? true };
  const prefix = options.prefix ?? "worker-";
  const children = Array.from({ length: count }, (_, i) => {
    const name = `${prefix}${i + 1}`;
    return spawnWorker(name, ...launch(name), stderr);
  });
  const stop = () => Promise.all(children.map(stopChild));
  try {
    await Promise.all(children.map((child) => nextEvent(child, "ready", readyTimeoutMs, stderr)));
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    count,
    pids: children.map((child) => child.process.pid as number),
    stderr: stderr.kept,
    get stderrCount() {
      return stderr.count;
    },
    stop,
    memory: () =>
      Promise.all(
        children.map(async (child) => {
          const { rss, heapUsed, heapTotal, external } = (await readReport(
            child,
            "memory",
            stderr,
          )) as unknown as WorkerMemory;
          return { rss, heapUsed, heapTotal, external };
        }),
      ),
    report: (event) => Promise.all(children.map((child) => readReport(child, event, stderr))),
    kill: () =>
      Promise.all(
        children.map((child) => {
          child.process.kill("SIGKILL");
          return child.exited;
        }),
      ),
  };
}
