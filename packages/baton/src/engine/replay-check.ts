/**
 * `engine.replayCheck`: the stored histories of runs re-executed against
 * code (this engine's, or other code about to be deployed), reporting every
 * run whose history the code would not follow.
 */
import { BatonError } from "../errors.js";
import { type ReplayDivergence, replayHistory } from "../replay-history.js";
import type { Store } from "../store/store.js";
import { activeStatuses, finishedStatuses, type RunFilter } from "../types.js";
import type { Workflow } from "../workflow.js";

/** Options of `engine.replayCheck`. */
export interface ReplayCheckOptions {
  /** The code to check against (every version given). Default: this engine's workflows. */
  // biome-ignore lint/suspicious/noExplicitAny: workflows of any input and output
  workflows?: Workflow<any, any>[];
  /** Which runs: a workflow, a queue, a time range... Default: every open run (pending, running, waiting, compensating). */
  filter?: Omit<RunFilter, "limit" | "cursor">;
  /** Check finished runs too (when `filter.status` does not say). Default false. */
  includeFinished?: boolean;
  /** At most this many runs checked. Default 100,000. */
  limit?: number;
}

/** One run whose history the code would not follow. */
export interface ReplayCheckDivergence extends ReplayDivergence {
  runId: string;
  workflow: string;
  version: string;
}

/** What `engine.replayCheck` found. */
export interface ReplayCheckResult {
  /** Runs replayed. */
  checked: number;
  /** Runs of a workflow version the code does not have (not checked), by `name@version`. */
  skipped: Record<string, number>;
  /** The runs that would diverge, each with where and how. */
  divergences: ReplayCheckDivergence[];
}

/** Histories replayed at once. */
const inFlight = 200;

/** Runs the check (see `ReplayCheckOptions`). */
export async function replayCheck(
  store: Store,
  code: readonly Workflow[],
  options: ReplayCheckOptions = {},
): Promise<ReplayCheckResult> {
  const limit = options.limit ?? 100_000;
  if (!Number.isSafeInteger(limit) || limit < 1) {
    throw new BatonError(
      "INVALID_LIMIT",
      `invalid limit ${JSON.stringify(options.limit)}: expected a whole number >= 1`,
    );
  }
  const workflows = new Map((options.workflows ?? code).map((w) => [`${w.name}@${w.version}`, w as Workflow]));
  const status =
    options.filter?.status ??
    (options.includeFinished ? [...activeStatuses, ...finishedStatuses] : [...activeStatuses]);
  const result: ReplayCheckResult = { checked: 0, skipped: {}, divergences: [] };
  let cursor: string | undefined;
  do {
    const page = await store.listRuns({ ...options.filter, status, limit: 1000, ...(cursor ? { cursor } : {}) });
    cursor = page.nextCursor;
    const runs = page.runs.filter((run) => {
      const key = `${run.workflow}@${run.version}`;
      if (workflows.has(key)) return true;
      result.skipped[key] = (result.skipped[key] ?? 0) + 1;
      return false;
    });
    for (let i = 0; i < runs.length && result.checked < limit; i += inFlight) {
      const batch = runs.slice(i, i + Math.min(inFlight, limit - result.checked));
      await Promise.all(
        batch.map(async (run) => {
          const history = await store.getHistory(run.id);
          const workflow = workflows.get(`${run.workflow}@${run.version}`) as Workflow;
          const replayed = await replayHistory(workflow, history, { runId: run.id });
          if (replayed.divergence) {
            result.divergences.push({
              runId: run.id,
              workflow: run.workflow,
              version: run.version,
              ...replayed.divergence,
            });
          }
        }),
      );
      result.checked += batch.length;
    }
  } while (cursor && result.checked < limit);
  result.divergences.sort((a, b) => a.runId.localeCompare(b.runId));
  return result;
}
