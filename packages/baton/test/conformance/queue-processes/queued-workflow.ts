import { setTimeout as sleep } from "node:timers/promises";
import { defineWorkflow } from "baton";

/** The queue of the test: at most 3 bodies at once, 1 per key. */
export const queueLimits = { limited: { concurrency: 3, perKey: 1 } };

/**
 * A run of the queue whose one step body counts itself in the ledger for
 * `workMs` of simulated work (`began`, `ended`: the ledger's calls).
 */
export function createQueuedWorkflow(ledger?: { began(key: string): void; ended(key: string): void }) {
  return defineWorkflow(
    "queued-work",
    async (ctx, input: { key: string; workMs: number }) =>
      ctx.step("work", async () => {
        ledger?.began(input.key);
        try {
          await sleep(input.workMs);
        } finally {
          ledger?.ended(input.key);
        }
        return input.key;
      }),
    { queue: "limited" },
  );
}
