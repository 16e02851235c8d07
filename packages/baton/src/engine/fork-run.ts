import { BatonError } from "../errors.js";
import type { HistoryRecord } from "../store/store.js";

const callEvents = /^(step|timer|signal|event|child)\./;

/** The position a fork starts from: a position the run reached, or the position of its step of that name. @throws BatonError `INVALID_STEP`. */
export function forkPosition(runId: string, history: HistoryRecord[], fromStep: number | string): number {
  if (typeof fromStep === "number") {
    if (Number.isInteger(fromStep) && fromStep >= 0 && history.some((e) => e.position === fromStep)) return fromStep;
    throw new BatonError("INVALID_STEP", `run "${runId}" has no step at position ${fromStep}`);
  }
  const found = history.find((e) => e.type === "step.started" && e.name === fromStep);
  if (found?.position === undefined)
    throw new BatonError("INVALID_STEP", `run "${runId}" has no step named "${fromStep}"`);
  return found.position;
}

/** The events of calls before `position`, and handler signals received before the first event at or after it. */
export function copyBefore(history: HistoryRecord[], position: number): Omit<HistoryRecord, "seq">[] {
  const firstAfter =
    history.find((e) => e.position !== undefined && e.position >= position)?.seq ?? Number.POSITIVE_INFINITY;
  return history
    .filter((e) =>
      e.position === undefined
        ? e.type === "signal.received" && e.seq < firstAfter
        : e.position < position && callEvents.test(e.type),
    )
    .map(({ seq: _seq, ...event }) => event);
}
