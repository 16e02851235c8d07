/**
 * The harness of the process tests (the SQLite crash test, the PostgreSQL
 * multi-worker and outage tests), from both sides.
 *
 * - Worker processes: the test spawns a TypeScript script (`spawnWorker`)
 *   that reports on standard output, one JSON object per line
 *   (`{"event":"ready"}` once its engine runs, then whatever it reports), and
 *   kills (`killWorker`), freezes (`freezeWorker`) or stops it gracefully
 *   (`stopWorker`); a replacement is a new generation. In the script,
 *   `runWorker` starts the engine, reports ready, and stops the engine
 *   gracefully on SIGTERM. Every process spawned here is killed (SIGKILL,
 *   which also ends a stopped process) when the test process exits.
 * - The ledger and the steps that write it: see `process-ledger.ts`
 *   (exported from here too).
 * - `waitForRuns`: waits until the runs of a load have finished.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { type Engine, isFinished } from "baton";

export * from "./process-ledger.js";

const packageDir = fileURLToPath(new URL("..", import.meta.url));

// ---- worker processes, from the test process ----------------------------------------------------------------------

/** How a process ended. */
export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A spawned worker script. */
export interface WorkerProcess {
  child: ChildProcess;
  /** 0 for the first process spawned, then 1, 2...: a replacement is a new generation. */
  generation: number;
  /** Resolves when the script reported `ready`; rejects if the process exits first. */
  ready: Promise<void>;
  isReady: boolean;
  /** True between SIGSTOP and SIGCONT. */
  frozen: boolean;
  /** Set once the process exited. */
  exit?: Exit;
  exited: Promise<Exit>;
  /** Every JSON line the script printed, in order. */
  reports: Record<string, unknown>[];
  /** Lines of standard error (engine warnings, crashes), and stray standard output. */
  stderr: string[];
}

const alive = new Set<ChildProcess>();

/** Kills every spawned process still alive (a frozen one too). */
export function killAllWorkers(): void {
  for (const child of alive) child.kill("SIGKILL");
}
process.on("exit", killAllWorkers);

/** Runs `script` with tsx in the package folder, with `args`, as worker generation `generation`. */
export function spawnWorker(script: string, args: string[], generation: number): WorkerProcess {
  const child = spawn(process.execPath, ["--import", "tsx", "--conditions=development", script, ...args], {
    cwd: packageDir,
    stdio: ["ignore", "pipe", "pipe"],
  });
  alive.add(child);
  const worker: WorkerProcess = {
    child,
    generation,
    isReady: false,
    frozen: false,
    reports: [],
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
      let message: Record<string, unknown>;
      try {
        message = JSON.parse(line);
      } catch {
        worker.stderr.push(`(stdout) ${line}`);
        return;
      }
      worker.reports.push(message);
      if (message.event === "ready") {
        worker.isReady = true;
        resolve();
      }
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
export function killWorker(worker: WorkerProcess): Promise<Exit> {
  worker.child.kill("SIGKILL");
  return worker.exited;
}

/**
 * SIGSTOPs a worker for `ms` (the freeze is the chaos itself), then SIGCONTs
 * it; resolves once it runs again, with the time (epoch ms) just before SIGCONT.
 */
export async function freezeWorker(worker: WorkerProcess, ms: number): Promise<number> {
  worker.frozen = true;
  worker.child.kill("SIGSTOP");
  await new Promise((resolve) => setTimeout(resolve, ms));
  const resumingAt = Date.now();
  worker.child.kill("SIGCONT");
  worker.frozen = false;
  return resumingAt;
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

// ---- worker processes, from the script -----------------------------------------------------------------------------

/** In a worker script: prints `message` as a report line. */
export function report(message: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(message)}\n`);
}

/** In a worker script: an engine logger writing each warning to standard error as a JSON line. */
export const warningsToStderr = {
  warn: (message: string, error?: unknown) =>
    process.stderr.write(
      `${JSON.stringify({ warn: message, error: error === undefined ? undefined : String(error) })}\n`,
    ),
};

/**
 * In a worker script: starts `engine` and reports ready. On SIGTERM it stops
 * the engine gracefully, runs `cleanup` and exits 0 (2 if stopping failed).
 */
export async function runWorker(engine: Engine, cleanup: () => void): Promise<void> {
  let stopping = false;
  process.on("SIGTERM", () => {
    if (stopping) return;
    stopping = true;
    void engine[Symbol.asyncDispose]().then(
      () => {
        cleanup();
        process.exit(0);
      },
      (error: unknown) => {
        process.stderr.write(`stop failed: ${String(error)}\n`);
        process.exit(2);
      },
    );
  });
  await engine.start();
  report({ event: "ready" });
}

// ---- the load ------------------------------------------------------------------------------------------------------

/** Options of `waitForRuns`. */
export interface WaitForRunsOptions {
  /** How many runs there are once every one is started. */
  expected: number;
  /** Only the runs of this workflow. Default: every run. */
  workflow?: string;
  timeoutMs: number;
  /** Fail on a run that finished otherwise than completed. Default false: any end will do. */
  mustComplete?: boolean;
  /** Fail as soon as one of these exits otherwise than by a SIGKILL of the test. */
  workers?: WorkerProcess[];
}

/**
 * Waits (polling through `client`) until the `expected` runs have all finished;
 * fails after `timeoutMs` naming runs that have not, with their open steps.
 */
export async function waitForRuns(client: Engine, options: WaitForRunsOptions): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    for (const worker of options.workers ?? []) {
      if (worker.exit && worker.exit.signal !== "SIGKILL") {
        throw new Error(
          `worker ${worker.generation} exited by itself (${JSON.stringify(worker.exit)}): ${worker.stderr.join("\n")}`,
        );
      }
    }
    const { runs } = await client.listRuns({ workflow: options.workflow, limit: 1000 });
    if (options.mustComplete) {
      const failed = runs.filter((run) => isFinished(run.status) && run.status !== "completed");
      if (failed.length > 0) {
        const first = await client.getRun((failed[0] as (typeof failed)[number]).id);
        throw new Error(
          `${failed.length} runs finished without completing; first: ${first.id} ${first.status} ${JSON.stringify(first.error)}`,
        );
      }
    }
    const open = runs.filter((run) => !isFinished(run.status));
    if (runs.length >= options.expected && open.length === 0) return;
    if (Date.now() > deadline) {
      const details = await Promise.all(
        open.slice(0, 5).map(async (run) => {
          const view = await client.getRun(run.id);
          const steps = view.steps
            .filter((s) => s.status !== "completed")
            .map((s) => `${s.position}:${s.name}:${s.status}`);
          return `${run.id} ${run.status} open=[${steps.join(" ")}] pendingSignals=${view.pendingSignals.length}`;
        }),
      );
      throw new Error(
        `after ${options.timeoutMs} ms, ${open.length} of ${runs.length} runs (${options.expected} expected) ` +
          `have not finished; first: ${details.join("; ")}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 100)); // polls: the runs end in other processes
  }
}
