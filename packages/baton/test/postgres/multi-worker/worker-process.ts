/**
 * One worker process of the multi-worker test.
 *
 * Usage: node --import tsx --conditions=development worker-process.ts <store address> <ledger dir> <generation>
 *
 * Opens an engine on the shared PostgreSQL store (short lease, polling every
 * few hundred ms) and starts it; it executes whatever runs it claims. Step
 * bodies append to `<ledger dir>/ledger-<generation>.db`, stamped with the
 * store's database clock. Prints `{"event":"ready"}` on standard output once
 * the engine runs; engine warnings go to standard error, one JSON object a
 * line. SIGTERM stops the engine gracefully and exits 0; the test also kills
 * this process with SIGKILL and freezes it with SIGSTOP.
 */
import { createEngine } from "baton";
import { stopOnSigterm } from "../../test-process.js";
import { ledgerPath, openLedger } from "./ledger.js";
import { createChainWorkflow } from "./workflow.js";

const [address, dir, generationArg] = process.argv.slice(2);
if (address === undefined || dir === undefined || generationArg === undefined) {
  throw new Error("usage: worker-process.ts <store address> <ledger dir> <generation>");
}
const generation = Number(generationArg);

const ledger = openLedger(ledgerPath(dir, generation));
let databaseNow = () => Date.now();
const workflow = createChainWorkflow({
  generation,
  bodyStarted: (start) => ledger.append({ ...start, generation, pid: process.pid, at: databaseNow() }),
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
  logger: {
    warn: (message, error) =>
      process.stderr.write(
        `${JSON.stringify({ warn: message, error: error === undefined ? undefined : String(error) })}\n`,
      ),
  },
});
const clock = engine.store.clock;
if (!clock) throw new Error("the PostgreSQL store has no database clock");
databaseNow = () => clock.now();

stopOnSigterm(engine, () => ledger.close());

await engine.start();
process.stdout.write(`${JSON.stringify({ event: "ready" })}\n`);
