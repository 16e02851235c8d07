/**
 * A history event as it is recorded: what the runtime folds, the worker
 * writes and a store keeps. Times are epoch milliseconds; the public
 * `HistoryEvent` (types.ts) is the same with `Date`s.
 */
import type { ErrorInfo, EventMatch, HistoryEventType } from "./types.js";

/** A history event as the store keeps it (times in epoch milliseconds). */
export interface RecordedEvent {
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
  childId?: string;
  positions?: number[];
  forkedFrom?: { runId: string; position: number };
}
