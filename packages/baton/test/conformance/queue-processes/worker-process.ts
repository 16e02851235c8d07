/**
 * One worker process of the queue test.
 *
 * Usage: node --import tsx --conditions=development worker-process.ts <store address> <ledger path> <generation>
 *
 * Starts an engine on the shared store with the test's queue and reports
 * ready; each step body counts itself in the ledger while it runs. SIGTERM
 * stops the engine gracefully.
 */
import { createEngine } from "baton";
import { runWorker, warningsToStderr } from "../../process-harness.js";
import { openConcurrencyLedger } from "./concurrency-ledger.js";
import { createQueuedWorkflow, queueLimits } from "./queued-workflow.js";

const [address, ledgerPath, generation] = process.argv.slice(2);
if (address === undefined || ledgerPath === undefined || generation === undefined) {
  throw new Error("usage: worker-process.ts <store address> <ledger path> <generation>");
}
const ledger = openConcurrencyLedger(ledgerPath);
const engine = createEngine({
  workflows: [createQueuedWorkflow(ledger)],
  queues: queueLimits,
  store: address,
  workerId: `queue-worker-${generation}-${process.pid}`,
  pollInterval: "200ms",
  logger: warningsToStderr,
});
await runWorker(engine, () => ledger.close());
