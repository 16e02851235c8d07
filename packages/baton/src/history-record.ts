/**
 * A history event as it is recorded: what the runtime folds, the worker
 * writes and a store keeps. Times are epoch milliseconds; the public
 * `HistoryEvent` (types.ts) is the same with `Date`s.
 */
import type { ErrorInfo, EventMatch, HistoryEventType } from "./types.js";

/** A history event as the store keeps it (times in epoch milliseconds). */
export interface HistoryRecord {
  seq: number;
  type: HistoryEventType;
  at: number;
  position?: number;
  name?: string;
  attempt?: number;
  input?: unknown;
  output?: unknown;
  error?: ErrorInfo;
  dueAt?: number;
  final?: boolean;
  payload?: unknown;
  match?: EventMatch;
  eventId?: string;
  signalId?: number;
  /** Why a signal was refused (`signal.refused`). */
  issues?: { path: string; message: string }[];
  /** The input was checked by no schema when the run was created (`run.started`): the worker checks it. */
  unchecked?: boolean;
  childId?: string;
  positions?: number[];
  forkedFrom?: { runId: string; position: number };
  /** Task queue (`task.scheduled`). */
  queue?: string;
  /** Task worker of the last attempt (`task.completed`, `task.failed`). */
  workerId?: string;
  /** Every attempt of a task, the last one included (`task.completed`, `task.failed`). */
  attempts?: TaskAttemptRecord[];
}

/** One finished attempt of a task (times in epoch milliseconds). */
export interface TaskAttemptRecord {
  attempt: number;
  workerId: string;
  startedAt: number;
  finishedAt: number;
  error?: ErrorInfo;
}
