/**
 * Turns store records into the public domain objects: a run with its steps,
 * attempts, children and history. Steps are derived from the history; the
 * store keeps no second copy of them.
 */
import type { TaskAttemptRecord } from "../history-record.js";
import type { HistoryRecord, RunRecord, SignalRecord } from "../store/store.js";
import type { AttemptInfo, CallInfo, HistoryEvent, Run, RunSummary, TaskAttempt } from "../types.js";

const date = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms));

/** A run record as a public summary. */
export function toRunSummary(run: RunRecord): RunSummary {
  const summary: RunSummary = {
    id: run.id,
    workflow: run.workflow,
    version: run.version,
    status: run.status,
    createdAt: new Date(run.createdAt),
    updatedAt: new Date(run.updatedAt),
    queue: run.queue,
    priority: run.priority,
  };
  if (run.parentId !== undefined) summary.parentId = run.parentId;
  if (run.finishedAt !== undefined) summary.finishedAt = new Date(run.finishedAt);
  if (run.concurrencyKey !== undefined) summary.concurrencyKey = run.concurrencyKey;
  if (run.startedAt !== undefined) summary.startedAt = new Date(run.startedAt);
  if (run.status === "pending" && run.wakeAt !== undefined) summary.startAt = new Date(run.wakeAt);
  if (run.scheduleId !== undefined) summary.scheduleId = run.scheduleId;
  if (run.scheduledAt !== undefined) summary.scheduledAt = new Date(run.scheduledAt);
  return summary;
}

/** A recorded event as a public history event. */
export function toHistoryEvent(event: HistoryRecord): HistoryEvent {
  const { at, dueAt, signalId, unchecked: _unchecked, ...rest } = event;
  const { attempts, ...others } = rest;
  const out: HistoryEvent = { ...others, at: new Date(at) };
  if (attempts) out.attempts = attempts.map(toTaskAttempt);
  if (event.type === "signal.refused" && signalId !== undefined) out.signalId = signalId;
  if (dueAt !== undefined) out.dueAt = new Date(dueAt);
  return out;
}

/** A recorded task attempt with `Date`s. */
export function toTaskAttempt(attempt: TaskAttemptRecord): TaskAttempt {
  const out: TaskAttempt = {
    attempt: attempt.attempt,
    workerId: attempt.workerId,
    startedAt: new Date(attempt.startedAt),
    finishedAt: new Date(attempt.finishedAt),
  };
  if (attempt.error) out.error = attempt.error;
  return out;
}

/** The attempts of a task as attempts of its call. */
function taskAttempts(event: HistoryRecord): AttemptInfo[] {
  return (event.attempts ?? []).map((attempt) => ({
    attempt: attempt.attempt,
    startedAt: new Date(attempt.startedAt),
    finishedAt: new Date(attempt.finishedAt),
    status: attempt.error ? "failed" : "completed",
    ...(attempt.error ? { error: attempt.error } : {}),
  }));
}

const kindOf: Record<string, CallInfo["kind"]> = {
  "step.started": "step",
  "timer.set": "timer",
  "signal.waiting": "signal",
  "event.waiting": "event",
  "child.started": "child",
  "task.scheduled": "task",
  "human_task.created": "human_task",
};

function attemptOf(attempts: AttemptInfo[], attempt: number | undefined): AttemptInfo | undefined {
  return attempts.find((a) => a.attempt === attempt) ?? attempts[attempts.length - 1];
}

/** Folds a history into one `CallInfo` per position. */
export function toSteps(history: HistoryRecord[]): CallInfo[] {
  const steps = new Map<number, CallInfo>();
  for (const event of history) {
    if (event.position === undefined) continue;
    const at = new Date(event.at);
    let step = steps.get(event.position);
    const kind = kindOf[event.type];
    if (!step && kind) {
      step = {
        position: event.position,
        kind,
        name: event.name ?? "",
        status: kind === "step" ? "running" : "waiting",
        startedAt: at,
        attempts: [],
      };
      steps.set(event.position, step);
    }
    if (!step) continue;
    switch (event.type) {
      case "step.started":
        step.status = "running";
        step.error = undefined;
        step.finishedAt = undefined;
        step.attempts.push({ attempt: event.attempt ?? step.attempts.length + 1, startedAt: at, status: "running" });
        break;
      case "step.completed": {
        const attempt = attemptOf(step.attempts, event.attempt);
        if (attempt) Object.assign(attempt, { status: "completed", finishedAt: at });
        Object.assign(step, { status: "completed", finishedAt: at, output: event.output });
        break;
      }
      case "step.failed": {
        const attempt = attemptOf(step.attempts, event.attempt);
        if (attempt)
          Object.assign(attempt, { status: "failed", finishedAt: at, error: event.error, retryAt: date(event.dueAt) });
        if (event.final) Object.assign(step, { status: "failed", finishedAt: at, error: event.error });
        else step.status = "waiting";
        break;
      }
      case "timer.set":
      case "signal.waiting":
      case "event.waiting":
        step.dueAt = date(event.dueAt);
        break;
      case "child.started":
        step.childId = event.childId;
        step.status = "waiting";
        break;
      case "timer.fired":
      case "signal.timed_out":
      case "signal.received":
      case "event.timed_out":
      case "event.received":
      case "child.completed":
        Object.assign(step, { status: "completed", finishedAt: at, output: event.payload ?? event.output });
        break;
      case "child.failed":
        Object.assign(step, { status: "failed", finishedAt: at, error: event.error });
        break;
      case "task.scheduled":
        step.queue = event.queue;
        break;
      case "task.completed":
        Object.assign(step, { status: "completed", finishedAt: at, output: event.output });
        step.attempts = taskAttempts(event);
        break;
      case "task.failed":
        Object.assign(step, { status: "failed", finishedAt: at, error: event.error });
        step.attempts = taskAttempts(event);
        break;
      case "human_task.created":
      case "human_task.reassigned":
        Object.assign(step, { status: "waiting", dueAt: date(event.dueAt) });
        break;
      case "human_task.completed":
        Object.assign(step, { status: "completed", finishedAt: at, output: event.output });
        break;
      case "human_task.timed_out":
        Object.assign(
          step,
          event.error
            ? { status: "failed", finishedAt: at, error: event.error }
            : { status: "completed", finishedAt: at },
        );
        break;
      case "compensation.started":
        step.compensation ??= { status: "running", attempts: [] };
        step.compensation.status = "running";
        step.compensation.attempts.push({ attempt: event.attempt ?? 1, startedAt: at, status: "running" });
        break;
      case "compensation.completed":
      case "compensation.failed": {
        if (!step.compensation) break;
        const failed = event.type === "compensation.failed";
        const attempt = attemptOf(step.compensation.attempts, event.attempt);
        if (attempt)
          Object.assign(attempt, {
            status: failed ? "failed" : "completed",
            finishedAt: at,
            error: event.error,
            retryAt: date(event.dueAt),
          });
        if (!failed) step.compensation.status = "completed";
        else if (event.final) step.compensation.status = "failed";
        break;
      }
      default:
        break;
    }
  }
  return [...steps.values()].sort((a, b) => a.position - b.position);
}

/** Everything known about a run, as one object. */
export function toRun(
  run: RunRecord,
  history: HistoryRecord[],
  children: { runs: RunRecord[]; count: number },
  signals: SignalRecord[],
): Run {
  const view: Run = {
    ...toRunSummary(run),
    input: run.input,
    steps: toSteps(history),
    children: children.runs.map(toRunSummary),
    childCount: children.count,
    pendingSignals: signals.map((s) => ({ name: s.name, payload: s.payload, sentAt: new Date(s.sentAt) })),
    cancelRequested: run.cancelRequested,
  };
  if (run.output !== undefined) view.output = run.output;
  if (run.error !== undefined) view.error = run.error;
  return view;
}
