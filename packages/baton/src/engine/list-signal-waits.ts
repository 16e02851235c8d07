import type { SignalWaitRecord, Store } from "../store/store.js";
import type { SignalWait, SignalWaitFilter, SignalWaitPage } from "../types.js";

const approvalName = /approv/i;

/** True when a signal of this name asks a person for an approval (its name contains "approv", in any case). */
export function isApprovalSignal(name: string): boolean {
  return approvalName.test(name);
}

/** A stored open signal wait as a public one. */
export function toSignalWait(record: SignalWaitRecord): SignalWait {
  const wait: SignalWait = {
    runId: record.runId,
    workflow: record.workflow,
    version: record.version,
    runStatus: record.runStatus,
    position: record.position,
    name: record.name,
    since: new Date(record.since),
    approval: isApprovalSignal(record.name),
  };
  if (record.dueAt !== undefined) wait.dueAt = new Date(record.dueAt);
  return wait;
}

/**
 * The open signal waits of every run that has not finished (pending, running
 * or waiting; a run that is compensating waits for nothing any more), the
 * longest waiting first, across the whole store, filtered and paged. A
 * `running` run is listed when one of its branches waits for a signal while
 * another runs; a resumed run's unanswered waits are open again.
 *
 * @example
 * const { waits, nextCursor } = await listSignalWaits(store, { name: "approve", limit: 20 });
 * @throws BatonError `INVALID_LIMIT`, `INVALID_CURSOR`.
 */
export async function listSignalWaits(store: Store, filter: SignalWaitFilter = {}): Promise<SignalWaitPage> {
  const page = await store.listSignalWaits(filter);
  return { waits: page.waits.map(toSignalWait), ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
}
