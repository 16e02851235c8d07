/**
 * A bench worker process: an engine on one store, executing runs of every
 * bench workflow until SIGTERM.
 *
 * Usage: node --expose-gc --import tsx --conditions=development bench/worker.ts
 *   <store address> [worker id] [--lease <ms>] [--max-runs-in-memory <n>]
 *
 * Prints `{"event":"ready"}` on standard output once the engine executes
 * runs. On SIGUSR2 prints `{"event":"memory",...}` with `process.memoryUsage()`
 * (after a full garbage collection when run with `--expose-gc`). Engine
 * warnings go to standard error, one line each. SIGTERM stops the engine
 * (in-flight steps finish, runs are released) and exits 0.
 */
import { createEngine } from "baton";
import { benchWorkflows } from "./workflows.js";

const usage = "usage: worker.ts <store address> [worker id] [--lease <ms>] [--max-runs-in-memory <n>]";
const positional: string[] = [];
const flags = new Map<string, number>();
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const arg = argv[i] as string;
  if (!arg.startsWith("--")) positional.push(arg);
  else {
    const value = Number(argv[++i]);
    if (!Number.isInteger(value) || value < 1) throw new Error(`${arg} needs a positive integer\n${usage}`);
    flags.set(arg.slice(2), value);
  }
}
const [store, workerId] = positional;
if (store === undefined) throw new Error(usage);
const lease = flags.get("lease");
const maxRunsInMemory = flags.get("max-runs-in-memory");

const engine = createEngine({
  store,
  workflows: benchWorkflows,
  ...(workerId ? { workerId } : {}),
  ...(lease ? { lease } : {}),
  ...(maxRunsInMemory ? { maxRunsInMemory } : {}),
  logger: {
    warn: (message, error) =>
      process.stderr.write(
        `${message}${error === undefined ? "" : `: ${error instanceof Error ? error.message : String(error)}`}\n`,
      ),
  },
});

let stopping = false;
process.on("SIGTERM", () => {
  if (stopping) return;
  stopping = true;
  void engine[Symbol.asyncDispose]().then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`stop failed: ${String(error)}\n`);
      process.exit(2);
    },
  );
});

process.on("SIGUSR2", () => {
  (globalThis as { gc?: () => void }).gc?.();
  const { rss, heapUsed, heapTotal, external } = process.memoryUsage();
  process.stdout.write(`${JSON.stringify({ event: "memory", rss, heapUsed, heapTotal, external })}\n`);
});

await engine.start();
process.stdout.write(`${JSON.stringify({ event: "ready" })}\n`);
