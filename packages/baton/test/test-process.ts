/**
 * Child processes of the process tests (the SQLite crash test, the
 * PostgreSQL multi-worker test), from both sides: the test process spawns a
 * TypeScript script that reports on standard output, one JSON object per line
 * (`{"event":"ready"}` once its engine runs); the script stops its engine
 * gracefully on SIGTERM. Every process spawned here is killed (SIGKILL, which
 * also ends a stopped process) when the test process exits.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import type { Engine } from "baton";

const packageDir = fileURLToPath(new URL("..", import.meta.url));

/** How a process ended. */
export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A spawned script. */
export interface TestProcess {
  child: ChildProcess;
  /** Set once the process exited. */
  exit?: Exit;
  exited: Promise<Exit>;
  /** Resolves when the script reported `ready`; rejects if the process exits first. */
  ready: Promise<void>;
  /** Lines of standard error (engine warnings, crashes), and stray standard output. */
  stderr: string[];
}

const alive = new Set<ChildProcess>();

/** Kills every spawned process still alive. */
export function killAllProcesses(): void {
  for (const child of alive) child.kill("SIGKILL");
}
process.on("exit", killAllProcesses);

/**
 * Runs `script` with tsx in the package folder. `onMessage` hears every JSON
 * line of standard output; `name` names the process in errors.
 */
export function spawnTestProcess(
  script: string,
  args: string[],
  name: string,
  onMessage: (message: Record<string, unknown>) => void = () => {},
): TestProcess {
  const child = spawn(process.execPath, ["--import", "tsx", "--conditions=development", script, ...args], {
    cwd: packageDir,
    stdio: ["ignore", "pipe", "pipe"],
  });
  alive.add(child);
  const spawned: TestProcess = {
    child,
    stderr: [],
    exited: new Promise<Exit>((resolve) => {
      child.on("exit", (code, signal) => {
        alive.delete(child);
        spawned.exit = { code, signal };
        resolve(spawned.exit);
      });
    }),
    ready: Promise.resolve(),
  };
  spawned.ready = new Promise<void>((resolve, reject) => {
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on("line", (line) => {
      let message: Record<string, unknown>;
      try {
        message = JSON.parse(line);
      } catch {
        spawned.stderr.push(`(stdout) ${line}`);
        return;
      }
      if (message.event === "ready") resolve();
      onMessage(message);
    });
    void spawned.exited.then((exit) =>
      reject(new Error(`${name} exited before it was ready (${JSON.stringify(exit)}): ${spawned.stderr.join("\n")}`)),
    );
  });
  spawned.ready.catch(() => {});
  createInterface({ input: child.stderr as NodeJS.ReadableStream }).on("line", (line) => spawned.stderr.push(line));
  return spawned;
}

/** In a spawned script: on SIGTERM, stops `engine` gracefully, runs `cleanup`, exits 0 (2 if stopping failed). */
export function stopOnSigterm(engine: Engine, cleanup: () => void): void {
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
}
