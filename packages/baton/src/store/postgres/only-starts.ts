import { isTerminal } from "../../types.js";
import type { RunWrite } from "../store.js";

/**
 * True when a write records only the starts of attempts (steps or
 * compensations) and changes nothing else of its run: such writes go
 * through a pool of their own whose commits do not wait for the disk (they
 * need only be visible to other workers; the run's next commit flushes them).
 */
export function onlyStarts(write: RunWrite): boolean {
  return (
    write.events.length > 0 &&
    write.events.every((event) => event.type === "step.started" || event.type === "compensation.started") &&
    !write.release &&
    !write.children?.length &&
    !write.consumedSignals?.length &&
    !write.eventWaits?.length &&
    !write.endedEventWaits?.length &&
    (write.status === undefined || !isTerminal(write.status))
  );
}
