import type { RunWrite } from "./store.js";

/**
 * True when a write appends events and changes nothing else of its run (not
 * its status, timer or lease, and no signals consumed): a starts or
 * progress write that only appends history.
 */
export function eventsOnly(write: RunWrite): boolean {
  return (
    (write.kind === "starts" || (write.kind === "progress" && !write.consumedSignals?.length)) &&
    write.status === undefined &&
    write.wakeAt === undefined
  );
}
