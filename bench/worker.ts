/**
 * A bench worker process: an engine on one store, executing runs of every
 * bench workflow until SIGTERM.
 *
 * Usage: node --import tsx --conditions=development bench/worker.ts <store address> [worker id]
 *
 * Prints `{"event":"ready"}` on standard output once the engine executes
 * runs. Engine warnings go to standard error, one line each. SIGTERM stops
 * the engine (in-flight steps finish, runs are released) and exits 0.
 */
import { createEngine } from "baton";
import { benchWorkflows } from "./workflows.js";

const [store, workerId] = process.argv.slice(2);
if (store === undefined) throw new Error("usage: worker.ts <store address> [worker id]");

const engine = createEngine({
  store,
  workflows: benchWorkflows,
  ...(workerId ? { workerId } : {}),
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

await engine.start();
process.stdout.write(`${JSON.stringify({ event: "ready" })}\n`);
