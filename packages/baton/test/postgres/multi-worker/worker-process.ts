/**
 * One worker process of the multi-worker test.
 *
 * Usage: node --import tsx --conditions=development worker-process.ts <store address> <ledger dir> <generation>
 *
 * Opens an engine on the shared PostgreSQL store (short lease, polling every
 * few hundred ms) and starts it; it executes whatever runs it claims. Step
 * bodies append to the ledger of this generation in `<ledger dir>`, stamped
 * with the store's database clock. Prints `{"event":"ready"}` on standard
 * output once the engine runs; engine warnings go to standard error, one JSON
 * object a line. SIGTERM stops the engine gracefully and exits 0; the test
 * also kills this process with SIGKILL and freezes it with SIGSTOP.
 */
import { createEngine } from "baton";
import { openLedger, runWorker, warningsToStderr } from "../../process-harness.js";
import { createChainWorkflow } from "./workflow.js";

const [address, dir, generationArg] = process.argv.slice(2);
if (address === undefined || dir === undefined || generationArg === undefined) {
  throw new Error("usage: worker-process.ts <store address> <ledger dir> <generation>");
}
const generation = Number(generationArg);

let databaseNow = () => Date.now();
const ledger = openLedger(dir, generation, () => databaseNow());
const workflow = createChainWorkflow({
  generation,
  bodyStarted: (start) => ledger.append(start),
  // Long enough that a worker usually has bodies in flight when a kill or a
  // freeze reaches it (with shorter ones, a fast worker was often between steps).
  workMs: () => 20 + Math.floor(Math.random() * 61),
});
const engine = createEngine({
  workflows: [workflow],
  store: address,
  workerId: `multi-worker-${generation}-${process.pid}`,
  lease: "2s",
  pollInterval: "300ms",
  logger: warningsToStderr,
});
const clock = engine.store.clock;
if (!clock) throw new Error("the PostgreSQL store has no database clock");
databaseNow = () => clock.now();

await runWorker(engine, () => ledger.close());
