/**
 * One worker process of the crash test.
 *
 * Usage: node --import tsx --conditions=development worker-process.ts <dir> <generation> <runs>
 *
 * Opens an engine on `<dir>/baton.db` (short lease, fast polling), starts it,
 * then (re)starts runs 0 to `<runs>` - 1 of the chain workflow with their
 * fixed ids, which creates the new ones and leaves the existing ones alone.
 * Step bodies append to the ledger of this generation in `<dir>`. Reports on
 * standard output, one JSON object per line: `{"event":"ready"}` once the
 * engine executes runs, `{"event":"started","created":k,"existing":m}` once
 * every start returned. SIGTERM stops the engine gracefully and exits 0; the
 * test also kills this process with SIGKILL at random moments.
 */
import { join } from "node:path";
import { createEngine } from "baton";
import { openLedger, report, runWorker, warningsToStderr } from "../process-harness.js";
import { createChainWorkflow, runIdOf } from "./workflow.js";

const [dir, generationArg, runsArg] = process.argv.slice(2);
if (dir === undefined || generationArg === undefined || runsArg === undefined) {
  throw new Error("usage: worker-process.ts <dir> <generation> <runs>");
}
const generation = Number(generationArg);
const runs = Number(runsArg);

const ledger = openLedger(dir, generation);
const workflow = createChainWorkflow({
  generation,
  bodyStarted: (start) => ledger.append(start),
  workMs: () => 20 + Math.floor(Math.random() * 100),
});
const engine = createEngine({
  workflows: [workflow],
  store: `sqlite:${join(dir, "baton.db")}`,
  workerId: `crash-generation-${generation}`,
  lease: "1s",
  pollInterval: "50ms",
  logger: warningsToStderr,
});

await runWorker(engine, () => ledger.close());
const handles = await Promise.all(
  Array.from({ length: runs }, (_, n) => engine.startRun(workflow, { n }, { id: runIdOf(n) })),
);
const created = handles.filter((handle) => handle.created).length;
report({ event: "started", created, existing: handles.length - created });
