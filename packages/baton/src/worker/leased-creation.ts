import { LeaseLostError } from "../errors.js";
import { eventsOnly } from "../store/events-only.js";
import { newRunRecord } from "../store/new-run-record.js";
import type { ClaimedRun, CreateRunResult, Lease, NewRun, Store } from "../store/store.js";
import type { JournalCreation } from "./run-journal.js";
import type { StartLease } from "./worker-options.js";

/** A new run as the store will hold it once created under `lease` at `now`, with its history. */
export function leasedRun(newRun: NewRun, now: number, lease: StartLease): ClaimedRun {
  return {
    run: newRunRecord({ ...newRun, lease }, now),
    lease: { runId: newRun.id, owner: lease.owner, token: 1 },
    history: newRun.history.map((event, i) => ({ ...event, seq: i + 1 })),
    signals: [],
    eventWaits: [],
  };
}

/**
 * How a run this process creates under a lease gets into the store: its
 * creation is its journal's first write (with the events of that write when
 * they only append history, else followed by it). `answer` hears the
 * creation's result once; `created` is told when an abandoned run was
 * created for any worker (claim it soon).
 */
export function createLeasedCreation(
  store: Store,
  newRun: NewRun,
  now: number,
  lease: Lease,
  answer: (result: CreateRunResult | undefined, error?: unknown) => void,
  created: () => void,
): JournalCreation {
  const runId = newRun.id;
  return {
    create: async (write) => {
      const together = eventsOnly(write);
      let result: CreateRunResult;
      try {
        result = await store.createRun(
          together ? { ...newRun, history: [...newRun.history, ...write.events] } : newRun,
          now,
        );
      } catch (error) {
        answer(undefined, error);
        throw new LeaseLostError(runId); // this execution leaves memory unseen
      }
      answer(result);
      // (A write retried after an ambiguous commit reads as "existed" although
      // it created the run under this lease: the next renewal finds it.)
      if (!result.created) throw new LeaseLostError(runId);
      return together ? undefined : store.appendHistory(lease, write);
    },
    // Dropped before its first write (a claim took a run of that id, or the
    // worker stops): the run is created for any worker, or found.
    abandon: () => {
      const { lease: _lease, ...unleased } = newRun;
      store.createRun(unleased, now).then(
        (result) => {
          answer(result);
          if (result.created) created();
        },
        (error) => answer(undefined, error),
      );
    },
  };
}
