/**
 * Fills a store with finished runs, as a store that has served for a while
 * holds them: one engine runs runs of `noop` (no step: `run.started`,
 * `run.completed`), 1,000 in flight, until there are that many.
 */
import { createEngine } from "baton";
import { noop } from "../workflows.js";
import type { EngineWarnings } from "./engine-warnings.js";
import { runInFlight } from "./in-flight.js";
import type { ScenarioContext } from "./scenario.js";
import { countByStatus } from "./wait-for-status.js";

/**
 * Creates `runs` completed runs of `noop` in `store` (which must hold none);
 * the time it took, in ms.
 * @throws when a run returns something else, or the store then holds another number of completed runs.
 */
export async function populateFinishedRuns(
  context: ScenarioContext,
  warnings: EngineWarnings,
  store: string,
  runs: number,
): Promise<number> {
  await using engine = createEngine({ store, workflows: [noop], logger: warnings.logger });
  await engine.start();
  const began = performance.now();
  let done = 0;
  await runInFlight(runs, 1000, async (n) => {
    const run = await engine.startRun(noop, { n });
    const output = await run.result();
    if (output.n !== n || !output.ok) throw new Error(`run ${run.id} returned ${JSON.stringify(output)}`);
    if (++done % 20_000 === 0) context.log(`${done} of ${runs} finished runs created`);
  });
  const completed = (await countByStatus(engine)).get("completed") ?? 0;
  if (completed !== runs) throw new Error(`the store holds ${completed} completed runs, expected ${runs}`);
  return performance.now() - began;
}
