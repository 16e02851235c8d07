import type { RunWrite, RunWriteFields, SlotHandoff } from "../store/store.js";
import { isFinished } from "../types.js";

/** What the journal gathered for one write, before it is classified. */
export type JournalWrite = Omit<RunWriteFields, "now" | "seenPokeSeq"> & { release?: boolean; handoff?: SlotHandoff };

const isStart = (event: { type: string }) => event.type === "step.started" || event.type === "compensation.started";

/**
 * The verb of one write (see `RunWrite`): a release; the run's finish; attempt
 * starts alone; a step's progress; or, for anything else, a full write. The
 * object given becomes the write.
 */
export function classifyWrite(fields: JournalWrite, seenPokeSeq: number | undefined, now: number): RunWrite {
  const write = fields as JournalWrite & { kind: RunWrite["kind"]; seenPokeSeq?: number; now: number };
  write.seenPokeSeq = seenPokeSeq;
  write.now = now;
  const finished = write.status !== undefined && isFinished(write.status);
  const withOthers = Boolean(
    write.children?.length ||
      write.eventWaits?.length ||
      write.tasks?.length ||
      write.recordedTasks?.length ||
      write.humanTasks?.length ||
      write.recordedHumanTasks?.length ||
      write.reassignedHumanTasks?.length,
  );
  const consumes = Boolean(write.consumedSignals?.length);
  if (write.release) {
    delete write.release;
    write.kind = "release";
    write.wakeAt ??= null;
  } else if (finished && !withOthers && !consumes) {
    write.kind = "finish";
  } else if (
    !finished &&
    !withOthers &&
    !write.endedEventWaits?.length &&
    write.output === undefined &&
    write.error === undefined
  ) {
    write.kind = write.events.length > 0 && !consumes && write.events.every(isStart) ? "starts" : "progress";
  } else {
    write.kind = "full";
  }
  if (write.handoff && write.kind !== "finish") delete write.handoff; // a slot is handed on by a finish only
  if (write.cancelTasks && !finished) delete write.cancelTasks; // a run's tasks are cancelled by its end only
  return write as RunWrite;
}
