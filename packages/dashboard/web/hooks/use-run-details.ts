import { useEffect, useState } from "react";
import { useApi } from "../api/api-context.js";
import type { Run, RunSummary } from "../api/api-types.js";

const parallel = 6;

/**
 * The detail (`GET /api/runs/{id}`) of each listed run, fetched a few at a
 * time, and again only when the run's `updatedAt` changes.
 */
export function useRunDetails(runs: readonly RunSummary[]): ReadonlyMap<string, Run> {
  const { api, session } = useApi();
  const [details, setDetails] = useState<ReadonlyMap<string, Run>>(new Map());
  const wanted = runs.map((run) => `${run.id}\n${run.updatedAt}`).join("\n");

  // biome-ignore lint/correctness/useExhaustiveDependencies: `wanted` stands for `runs`; a new token fetches again
  useEffect(() => {
    const controller = new AbortController();
    const stale = runs.filter((run) => details.get(run.id)?.updatedAt !== run.updatedAt);
    const fetched = new Map<string, Run>();
    const queue = [...stale];
    const worker = async () => {
      for (let run = queue.shift(); run; run = queue.shift()) {
        try {
          fetched.set(run.id, await api.get<Run>(`/api/runs/${encodeURIComponent(run.id)}`, controller.signal));
        } catch {
          // Gone or refused: left out until the next change.
        }
      }
    };
    void Promise.all(Array.from({ length: Math.min(parallel, queue.length) }, worker)).then(() => {
      if (controller.signal.aborted) return;
      setDetails((current) => {
        const next = new Map<string, Run>();
        for (const run of runs) {
          const detail = fetched.get(run.id) ?? current.get(run.id);
          if (detail) next.set(run.id, detail);
        }
        return next;
      });
    });
    return () => controller.abort();
  }, [api, wanted, session]);

  return details;
}
