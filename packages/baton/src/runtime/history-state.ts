/**
 * Folds a run's history into what re-execution needs: the calls recorded at
 * each position, and the resolutions to deliver, in history order.
 *
 * Invariants:
 * - A call's identity is its position plus (kind, name); re-execution must
 *   issue the same identity at the same position.
 * - Resolutions are delivered in the order of their seq, which is the order
 *   in which the first execution saw them. That order (not the order of the
 *   calls) decides which code runs next, so parallel branches replay exactly.
 * - `run.resumed` voids the final failures of the positions it names (those
 *   steps run again with a fresh attempt budget), every final compensation
 *   failure, and any run timeout before it.
 */
import type { HistoryRecord } from "../history-record.js";
import type { CallKind, ErrorInfo, EventMatch } from "../types.js";

/** The outcome of a call: a value, or an error. */
export type CallOutcome = { ok: true; value: unknown } | { ok: false; error: ErrorInfo };

/** Something re-execution delivers to the workflow code. */
export type Resolution =
  | { kind: "call"; seq: number; at: number; position: number; outcome: CallOutcome }
  | { kind: "handler"; seq: number; at: number; name: string; payload: unknown }
  | { kind: "cancel"; seq: number; at: number }
  | { kind: "timeout"; seq: number; at: number };

/** Attempts of a step or of a compensation. */
export interface AttemptState {
  /** Attempts counted against the retry budget (reset by a resume). */
  used: number;
  /** Highest attempt number recorded. */
  last: number;
  /** The last attempt started and has no outcome (the worker stopped or died). */
  open: boolean;
  /** When the next attempt is due, after a failed one. */
  retryAt?: number;
}

/** A call as recorded at one position. */
export interface RecordedCall {
  position: number;
  kind: CallKind;
  name: string;
  attempts: AttemptState;
  dueAt?: number;
  /** What the awaited event's payload must hold (`event`). */
  match?: EventMatch;
  childId?: string;
  /** A human task reassigned by its timeout (`human_task.reassigned`), or marked for a reminder. */
  reassigned?: boolean;
  reminded?: boolean;
  outcome?: CallOutcome;
  /** Seq of the outcome; orders compensations. */
  outcomeSeq?: number;
  compensation?: { attempts: AttemptState; done: boolean; failed: boolean };
}

/** Everything re-execution needs from a history. */
export interface HistoryState {
  startedAt: number;
  calls: Map<number, RecordedCall>;
  resolutions: Resolution[];
  /** Signals already consumed (by id). */
  consumedSignals: Set<number>;
  cancelRequested: boolean;
  lastSeq: number;
  /** No schema checked the input when the run was created (`run.started` says so): the worker checks it. */
  inputUnchecked?: boolean;
  /** Patches the run's code applied (`patch.applied`), by id. */
  patches: Set<string>;
  /** The highest position the history holds a call at (-1: none). */
  lastPosition: number;
}

const newAttempts = (): AttemptState => ({ used: 0, last: 0, open: false });

/** Builds the state of a run from its history. */
export function foldHistory(events: HistoryRecord[]): HistoryState {
  const state: HistoryState = {
    startedAt: events[0]?.at ?? 0,
    calls: new Map(),
    resolutions: [],
    consumedSignals: new Set(),
    cancelRequested: false,
    lastSeq: 0,
    patches: new Set(),
    lastPosition: -1,
  };
  const call = (event: HistoryRecord, kind: CallKind, name: string): RecordedCall => {
    const position = event.position as number;
    let found = state.calls.get(position);
    if (!found) {
      found = { position, kind, name, attempts: newAttempts() };
      state.calls.set(position, found);
      state.lastPosition = Math.max(state.lastPosition, position);
    }
    return found;
  };
  const existing = (event: HistoryRecord) => state.calls.get(event.position as number);
  const resolve = (event: HistoryRecord, outcome: CallOutcome) => {
    const target = existing(event);
    if (!target) return;
    target.outcome = outcome;
    target.outcomeSeq = event.seq;
    state.resolutions.push({ kind: "call", seq: event.seq, at: event.at, position: target.position, outcome });
  };

  for (const event of events) {
    state.lastSeq = event.seq;
    switch (event.type) {
      case "run.started":
        state.startedAt = event.at;
        if (event.unchecked) state.inputUnchecked = true;
        break;
      case "patch.applied":
        state.patches.add(event.name as string);
        break;
      case "step.started": {
        const step = call(event, "step", event.name as string);
        step.attempts.used++;
        step.attempts.last = event.attempt ?? step.attempts.last + 1;
        step.attempts.open = true;
        step.attempts.retryAt = undefined;
        break;
      }
      case "step.completed":
        if (existing(event)) (existing(event) as RecordedCall).attempts.open = false;
        resolve(event, { ok: true, value: event.output });
        break;
      case "step.failed": {
        const step = existing(event);
        if (!step) break;
        step.attempts.open = false;
        if (event.final) resolve(event, { ok: false, error: event.error as ErrorInfo });
        else step.attempts.retryAt = event.dueAt;
        break;
      }
      case "timer.set":
        call(event, "timer", event.name ?? "sleep").dueAt = event.dueAt;
        break;
      case "timer.fired":
      case "signal.timed_out":
      case "event.timed_out":
        resolve(event, { ok: true, value: undefined });
        break;
      case "event.waiting": {
        const wait = call(event, "event", event.name as string);
        wait.dueAt = event.dueAt;
        wait.match = event.match;
        break;
      }
      case "event.received":
        resolve(event, { ok: true, value: event.payload });
        break;
      case "signal.waiting":
        call(event, "signal", event.name as string).dueAt = event.dueAt;
        break;
      case "signal.received":
        if (event.signalId !== undefined) state.consumedSignals.add(event.signalId);
        if (event.position === undefined) {
          state.resolutions.push({
            kind: "handler",
            seq: event.seq,
            at: event.at,
            name: event.name as string,
            payload: event.payload,
          });
        } else resolve(event, { ok: true, value: event.payload });
        break;
      case "signal.refused":
        if (event.signalId !== undefined) state.consumedSignals.add(event.signalId);
        break;
      case "child.started":
        call(event, "child", event.name as string).childId = event.childId;
        break;
      case "child.completed":
      case "task.completed":
        resolve(event, { ok: true, value: event.output });
        break;
      case "task.scheduled":
        call(event, "task", event.name as string);
        break;
      case "task.failed":
        resolve(event, { ok: false, error: event.error as ErrorInfo });
        break;
      case "human_task.created":
        call(event, "human_task", event.name as string).dueAt = event.dueAt;
        break;
      case "human_task.reminded":
        if (existing(event)) (existing(event) as RecordedCall).reminded = true;
        break;
      case "human_task.reassigned": {
        const human = existing(event);
        if (human) Object.assign(human, { reassigned: true, dueAt: event.dueAt });
        break;
      }
      case "human_task.completed":
        resolve(event, { ok: true, value: event.output });
        break;
      case "human_task.timed_out":
        resolve(event, event.error ? { ok: false, error: event.error } : { ok: true, value: undefined });
        break;
      case "child.failed":
        resolve(event, { ok: false, error: event.error as ErrorInfo });
        break;
      case "run.cancel_requested":
        state.cancelRequested = true;
        state.resolutions.push({ kind: "cancel", seq: event.seq, at: event.at });
        break;
      case "run.timed_out":
        state.resolutions.push({ kind: "timeout", seq: event.seq, at: event.at });
        break;
      case "compensation.started":
      case "compensation.completed":
      case "compensation.failed":
        foldCompensation(existing(event), event);
        break;
      case "run.resumed":
        applyResume(state, event.positions ?? []);
        break;
      default:
        break;
    }
  }
  return state;
}

function foldCompensation(step: RecordedCall | undefined, event: HistoryRecord) {
  if (!step) return;
  step.compensation ??= { attempts: newAttempts(), done: false, failed: false };
  const attempts = step.compensation.attempts;
  if (event.type === "compensation.started") {
    attempts.used++;
    attempts.last = event.attempt ?? attempts.last + 1;
    attempts.open = true;
    attempts.retryAt = undefined;
  } else if (event.type === "compensation.completed") {
    attempts.open = false;
    step.compensation.done = true;
  } else {
    attempts.open = false;
    if (event.final) step.compensation.failed = true;
    else attempts.retryAt = event.dueAt;
  }
}

function applyResume(state: HistoryState, positions: number[]) {
  const retry = new Set(positions);
  state.resolutions = state.resolutions.filter((r) => {
    if (r.kind === "timeout") return false;
    return !(r.kind === "call" && retry.has(r.position) && !r.outcome.ok);
  });
  for (const position of retry) {
    const step = state.calls.get(position);
    if (step?.outcome && !step.outcome.ok) {
      step.outcome = undefined;
      step.outcomeSeq = undefined;
      step.attempts.used = 0;
      step.attempts.retryAt = undefined;
    }
  }
  for (const step of state.calls.values()) {
    if (step.compensation?.failed) {
      step.compensation.failed = false;
      step.compensation.attempts.used = 0;
      step.compensation.attempts.retryAt = undefined;
    }
  }
}
