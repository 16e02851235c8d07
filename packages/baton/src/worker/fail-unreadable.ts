import type { Clock } from "../clock.js";
import { UnreadableRunError } from "../errors.js";
import { toErrorInfo } from "../json.js";
import type { Store, UnreadableRun } from "../store/store.js";

/**
 * Fails a claimed run whose stored rows could not be read (it cannot be
 * executed, nor its steps undone): its end names why, and a parent
 * waiting on it learns of it (`parentChanged`). Resuming it once its rows
 * are mended runs it again.
 */
export function failUnreadableRun(
  worker: { store: Store; clock: Clock; log(message: string, error?: unknown): void },
  { lease, lastSeq, parentId, error }: UnreadableRun,
  parentChanged: (parentId: string) => void,
): void {
  const info = toErrorInfo(new UnreadableRunError(lease.runId, error));
  worker.log(`run "${lease.runId}" cannot be read from the store, and fails`, error);
  const now = worker.clock.now();
  worker.store
    .appendHistory(lease, {
      kind: "finish",
      events: [{ seq: lastSeq + 1, type: "run.failed", at: now, error: info }],
      status: "failed",
      error: info,
      now,
    })
    .then(
      () => {
        if (parentId) parentChanged(parentId);
      },
      (failure: unknown) => worker.log(`failing run "${lease.runId}" failed`, failure),
    );
}
