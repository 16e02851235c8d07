import type { RunWrite } from "./store.js";

/**
 * True when a write holds events and changes nothing else of its run: not
 * its status, timer, output, error or lease, and no children, signals or
 * event waits.
 */
export function eventsOnly(write: RunWrite): boolean {
  return (
    write.status === undefined &&
    write.wakeAt === undefined &&
    write.output === undefined &&
    write.error === undefined &&
    !write.release &&
    !write.children?.length &&
    !write.consumedSignals?.length &&
    !write.eventWaits?.length &&
    !write.endedEventWaits?.length
  );
}
