import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

/** The `baton` command as users run it: the bin shim, without a build. */
export const batonBin = fileURLToPath(new URL("../bin/baton.js", import.meta.url));

/** How a `baton` process ended, with everything it printed. */
export interface BatonResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Options of `runBaton` and `spawnBaton`. */
export interface BatonOptions {
  /** Working directory. Default: this process's. */
  cwd?: string;
  /** Extra environment (BATON_STORE is removed unless given here). */
  env?: Record<string, string>;
  /** Kill the process with SIGKILL after this long. Default 60 s. */
  timeoutMs?: number;
}

/** A running `baton` process. */
export interface BatonProcess {
  readonly child: ChildProcess;
  /** Output so far. */
  readonly stdout: () => string;
  readonly stderr: () => string;
  /**
   * Resolves with the first line of standard output that matches (among
   * the output after the first `after` characters), or rejects when the
   * process ends first.
   */
  waitForLine(pattern: RegExp, after?: number): Promise<string>;
  /** Sends SIGTERM and resolves when the process has finished. */
  stop(): Promise<BatonResult>;
  /** Resolves when the process ends. */
  readonly exited: Promise<BatonResult>;
}

const alive = new Set<ChildProcess>();

/** Kills every process group started here that is still alive (when a test failed before stopping it). */
function killAll(): void {
  for (const child of alive) {
    try {
      process.kill(-(child.pid as number), "SIGKILL");
    } catch {}
  }
}
process.on("exit", killAll);

/**
 * Starts `node bin/baton.js ...args` in a child process, in a process group
 * of its own: the group (the processes it started included) is killed after
 * `timeoutMs`, and when this process exits.
 *
 * @example
 * const worker = spawnBaton(["worker", "flows.ts"], { cwd });
 * await worker.waitForLine(/^worker .* running /);
 */
export function spawnBaton(args: string[], options: BatonOptions = {}): BatonProcess {
  const env: NodeJS.ProcessEnv = { ...process.env, ...options.env };
  if (!options.env?.BATON_STORE) delete env.BATON_STORE;
  const child = spawn(process.execPath, [batonBin, ...args], { cwd: options.cwd, env, detached: true });
  alive.add(child);
  let stdout = "";
  let stderr = "";
  const lineWaiters = new Set<() => void>();
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    stdout += chunk;
    for (const check of lineWaiters) check();
  });
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
  });
  const timer = setTimeout(() => {
    try {
      process.kill(-(child.pid as number), "SIGKILL");
    } catch {}
  }, options.timeoutMs ?? 60_000);
  const exited = new Promise<BatonResult>((resolve) => {
    child.on("close", (code, signal) => {
      alive.delete(child);
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    exited,
    stop() {
      child.kill("SIGTERM");
      return exited;
    },
    waitForLine(pattern, after = 0) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const line = stdout
            .slice(after)
            .split("\n")
            .find((candidate) => pattern.test(candidate));
          if (line === undefined) return;
          lineWaiters.delete(check);
          resolve(line);
        };
        lineWaiters.add(check);
        check();
        void exited.then((result) => {
          if (!lineWaiters.has(check)) return;
          lineWaiters.delete(check);
          reject(
            new Error(
              `baton ${args.join(" ")} ended (code ${result.code}, signal ${result.signal}) before printing a line matching ${pattern}\nstdout: ${result.stdout}\nstderr: ${result.stderr}`,
            ),
          );
        });
      });
    },
  };
}

/** Runs `node bin/baton.js ...args` to its end. */
export function runBaton(args: string[], options: BatonOptions = {}): Promise<BatonResult> {
  return spawnBaton(args, options).exited;
}
