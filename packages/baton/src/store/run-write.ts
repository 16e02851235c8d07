/**
 * The write vocabulary of a run's progress: each write of a lease holder is
 * one of these verbs, classified once by the worker's journal
 * (`classifyWrite`) and implemented by each backend.
 */
import type { HistoryRecord } from "../history-record.js";
import type { ErrorInfo, RunStatus } from "../types.js";
import type { HumanTaskReassignment, NewHumanTaskRecord } from "./human-task-records.js";
import type { NewEventWait, NewRun } from "./records.js";
import type { NewTaskRecord } from "./task-records.js";

/** What every write of a run's progress carries. */
interface RunWriteBase {
  /** Events to append; their seqs follow the run's `lastSeq` without gaps. */
  events: HistoryRecord[];
  /** `pokeSeq` the holder has now handled. */
  seenPokeSeq?: number;
  now: number;
}

/**
 * Attempt starts (`step.started`, `compensation.started`) and nothing else
 * but the run's status and next timer when they changed. The body of an
 * attempt may wait for this write (see `sharedAcrossMachines`), so a backend
 * may commit it without waiting for the disk (PostgreSQL does): the run's
 * next write makes it durable.
 */
export interface StartsWrite extends RunWriteBase {
  kind: "starts";
  /** A status of a run that has not finished, when it changed. */
  status?: RunStatus;
  /** Next timer of the run; `null` clears it. */
  wakeAt?: number | null;
}

/** The common write of a step: events, the run's status and next timer when they changed, the signals the events consumed. */
export interface ProgressWrite extends RunWriteBase {
  kind: "progress";
  /** A status of a run that has not finished, when it changed. */
  status?: RunStatus;
  /** Next timer of the run; `null` clears it. */
  wakeAt?: number | null;
  /** Signals consumed by these events. */
  consumedSignals?: number[];
}

/**
 * The run's last write: its finished status with its output or error. It gives
 * the lease up, clears the run's timer, ends its event waits, cancels its
 * open tasks, and pokes its parent.
 */
export interface FinishWrite extends RunWriteBase {
  kind: "finish";
  status: RunStatus;
  output?: unknown;
  error?: ErrorInfo;
  /** Hands the slot the run frees in its named queue on to the queue's next run (see `SlotHandoff`). */
  handoff?: SlotHandoff;
  /** The run made task or human task calls: its queued and leased tasks and open human tasks are cancelled. */
  cancelTasks?: boolean;
}

/**
 * A finishing run of a named queue passes its slot on, in the same
 * transaction, to the queue's next runnable run (in claim order, of the
 * workflows given), leased to the same holder: the queue's count of runs
 * holding a slot does not change, so no claim has to count it, and the slot
 * is never idle between two runs. A backend hands on only within the
 * queue's limits, for queues without per-key or rate limits, and none
 * while the queue holds more runs than its concurrency (say after its limit
 * was lowered); it answers the run it handed on in
 * `AppendResult.handedOff`. Otherwise, and on a backend that does not hand
 * slots on, the slot is freed for any claim. (PostgreSQL hands slots on;
 * SQLite does not: its claims are reads of one local writer, and measured
 * side by side a claim after the write cost less there than a handoff.)
 */
export interface SlotHandoff {
  /** `name@version` of the workflows the holder executes. */
  workflows: string[];
  /** Length of the new run's lease, in ms (from the write's `now`). */
  leaseMs: number;
}

/** Gives the lease up (the run leaves the worker's memory, resumable by any worker), with its status and next timer. */
export interface ReleaseWrite extends RunWriteBase {
  kind: "release";
  status?: RunStatus;
  /** Next timer of the run; `null`: none. */
  wakeAt: number | null;
}

/**
 * Any other write: children to create, event waits to register or end,
 * tasks to register or mark recorded, an output, or a last write that also
 * consumes signals (which, like a finish, cancels the run's open tasks).
 */
export interface FullWrite extends RunWriteBase {
  kind: "full";
  status?: RunStatus;
  output?: unknown;
  error?: ErrorInfo;
  /** Next timer of the run; `null` clears it. */
  wakeAt?: number | null;
  /** Signals consumed by these events. */
  consumedSignals?: number[];
  /**
   * Child runs to create in the same transaction. A run that exists with one
   * of their ids is kept as it is, and its id is answered in
   * `AppendResult.existingChildren` (the caller decides whether it is that child).
   */
  children?: NewRun[];
  /** Event waits to register (an existing one is kept as it is); none when the run ends. */
  eventWaits?: NewEventWait[];
  /** Positions whose event waits these events end (received or timed out). */
  endedEventWaits?: number[];
  /**
   * Tasks to register and announce to their task queues. A live task at the
   * position is kept as it is; one whose outcome is recorded, or that was
   * cancelled, is replaced by the new one (a resumed run calls it again).
   */
  tasks?: NewTaskRecord[];
  /** Positions of tasks whose outcome these events record. */
  recordedTasks?: number[];
  /** With a finished status: the run made task calls, whose queued and leased tasks are cancelled. */
  cancelTasks?: boolean;
  /** Human tasks to register, as `tasks` are (a recorded or cancelled one at the position is replaced). */
  humanTasks?: NewHumanTaskRecord[];
  /** Positions of human tasks whose answer these events record. */
  recordedHumanTasks?: number[];
  /** Open human tasks their timeout reassigned. */
  reassignedHumanTasks?: HumanTaskReassignment[];
}

/**
 * One fenced write of a run's progress, one of the verbs above: the
 * worker's journal classifies each write once (`classifyWrite`), and each
 * backend implements each verb. Every one applies only under the run's lease
 * (see the invariants).
 */
export type RunWrite = StartsWrite | ProgressWrite | FinishWrite | ReleaseWrite | FullWrite;

/** The fields of any verb, all optional: what a statement that serves several verbs reads. */
export type RunWriteFields = Omit<FullWrite, "kind">;
