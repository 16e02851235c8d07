/**
 * Public domain types of Baton.
 *
 * ## Glossary (these nouns are used with exactly this meaning everywhere:
 * types, tables, SQL, HTTP routes, CLI commands and the dashboard)
 *
 * - **workflow**: a named async function `(ctx, input) => output`, defined with
 *   `defineWorkflow`. It has a version; a run records the version it started with.
 * - **run**: one execution of a workflow with one input. Identified by its id,
 *   which is also its idempotency key. The SQLite store also gives each run a
 *   number (`runs.num`, in order of creation) that keys its history rows; it
 *   is never shown.
 * - **finished**: a run in a status it does not leave by itself: `completed`,
 *   `failed` (unless resumed), `compensated` or `cancelled` (`isFinished`,
 *   `finishedStatuses`, `Run.finishedAt`, the error code `RUN_FINISHED`). The
 *   one word for it: a run is never "ended" or "terminal".
 * - **position**: the order in which a run's workflow function issued a durable
 *   call (step, timer, signal wait, event wait, child). Position 0 is the first call.
 *   Re-execution must issue the same calls at the same positions.
 * - **call**: one durable call of a workflow function at a position: a step,
 *   a timer, a signal wait, an event wait or a child (`CallInfo`, whose
 *   `kind` tells which). A run's `steps` lists all its calls.
 * - **step**: a checkpointed call `ctx.step(name, fn)`. Its result is recorded
 *   once it completes and is never computed again for that run.
 * - **attempt**: one try of a step (or of a compensation). Attempts are
 *   numbered from 1; a failed attempt may be retried after a backoff.
 * - **timer**: a durable wait until a point in time (`ctx.sleep`), also used
 *   for retry backoff, signal and event wait timeouts and run deadlines.
 * - **signal**: a named message with a JSON payload sent to one run
 *   (`engine.signal`). Signals are kept in order until the run consumes them.
 * - **event**: a named message with a JSON payload not addressed to a run
 *   (`engine.sendEvent`). It reaches the runs waiting for it when it is sent
 *   (`ctx.waitForEvent`) and starts the workflows subscribed to its name; it is
 *   not kept for runs that wait later. Not to be confused with a history event.
 * - **child**: a run started by another run (`ctx.child`), linked both ways.
 * - **compensation**: the undo registered with a completed step; compensations
 *   run in reverse order of completion when a run fails or is cancelled.
 * - **history**: the ordered, append-only list of history events of one run,
 *   numbered by `seq`. Only the worker holding the run's lease appends to it.
 * - **worker**: a process (or part of one) that claims runs and executes them.
 * - **lease**: a worker's time-limited claim on a run, renewed while it works.
 *   Every write of a run's progress carries the lease token; a write with a
 *   stale token is rejected (fencing).
 * - **schedule**: a workflow started at fire times (a cron expression or a
 *   fixed interval), with one input; stored, so every worker shares it.
 * - **fire time**: one instant a schedule names; it gets at most one run,
 *   whose id is `<schedule id>@<ISO fire time>` (`Run.scheduledAt`).
 * - **task**: a unit of work a run hands to a task worker (`ctx.task`): a
 *   durable call like a step, whose attempts run outside the engine.
 *   Identified by `<run id>:<position>`.
 * - **task worker**: a program, in any language, that polls task queues over
 *   HTTP (`POST /api/tasks/poll`), does the work and reports it. Not a worker.
 * - **task queue**: the name a task is put under and task workers poll
 *   (`ctx.task(name, input, { queue })`); unrelated to a run's queue.
 * - **human task**: a task for a person (`ctx.humanTask`): listed in an
 *   inbox (the dashboard, `/api/human-tasks`) for its assignee or role, with
 *   a form (a JSON Schema) whose data is checked when a person completes it;
 *   who answered and when are recorded. Its timeout returns `undefined`,
 *   fails, or reassigns it.
 * - **task token**: the lease of one attempt of a task, given by the poll that
 *   took it; a heartbeat, completion or failure carries it, and a token of an
 *   earlier attempt is refused.
 * - **definition**: a workflow written as data (YAML or JSON), stored under
 *   its name and version; its **nodes** make the calls (declarative/definition-types.ts).
 *
 * Internal nouns (the engine's own machinery; see docs/architecture.md):
 *
 * - **claim**: a worker taking runnable runs (new, due, poked, abandoned)
 *   under new leases (`Store.claimRuns`).
 * - **fence**: the condition every write of a run's progress applies under:
 *   the run still has this lease's owner and token, and its history ends
 *   where the write begins. A write that fails it changes nothing.
 * - **journal**: the write side of one run in a worker (`RunJournal`): events
 *   numbered in memory, buffered for a turn of the event loop, written under
 *   the lease one write at a time.
 * - **poke**: what another process does to a run instead of writing its
 *   history: it raises the run's `poke_seq` (a signal, an event for one of
 *   its waits, a cancel, a child that finished). The lease holder sees
 *   `poke_seq` ahead of what it handled and reads the inbox.
 * - **inbox**: what changed for a held run since its holder last read it:
 *   unconsumed signals, a cancel, finished children, events that reached its
 *   waits (`Store.readInbox`).
 * - **notice**: a store's announcement to other processes that a run was
 *   created, poked or released (PostgreSQL `NOTIFY`, SQLite's `notices`
 *   table), so that workers act without polling (`StoreNotice`).
 * - **eviction**: a worker at its memory limit giving up the lease of a run
 *   that only waits; any worker claims it again when it is due or poked.
 * - **run number**: SQLite's `runs.num`, the row id of a run in order of
 *   creation, which keys its history rows; never shown.
 */

export * from "./human-task-types.js";
export * from "./schedule-types.js";
export * from "./signal-wait-types.js";
export * from "./task-types.js";

import type { TaskAttempt } from "./task-types.js";

/** Status of a run. `waiting` means blocked on a timer, a signal, an event or a child. */
export type RunStatus =
  | "pending"
  | "running"
  | "waiting"
  | "completed"
  | "failed"
  | "compensating"
  | "compensated"
  | "cancelled";

/** Every run status, in the order a run usually goes through them. */
export const runStatuses: readonly RunStatus[] = [
  "pending",
  "running",
  "waiting",
  "completed",
  "failed",
  "compensating",
  "compensated",
  "cancelled",
];

/** Statuses of a run that has not finished: it is claimed, executed, or waits. */
export const activeStatuses: readonly RunStatus[] = ["pending", "running", "waiting", "compensating"];

/** Statuses a run never leaves (except `failed`, through `resume`). */
export const finishedStatuses: readonly RunStatus[] = ["completed", "failed", "compensated", "cancelled"];

/** True when a run in this status has finished. */
export function isFinished(status: RunStatus): boolean {
  return finishedStatuses.includes(status);
}

/** An error as recorded in the history: plain data, safe to store and show. */
export interface ErrorInfo {
  name: string;
  message: string;
  stack?: string;
  /** Stable string code for Baton errors (`STEP_TIMEOUT`, `NONDETERMINISM`...). */
  code?: string;
  /** The error this one wraps, when there is one. */
  cause?: ErrorInfo;
}

/** The kind of durable call made at a position. */
export type CallKind = "step" | "timer" | "signal" | "event" | "child" | "task" | "human_task";

/**
 * Top-level payload fields an event must have, each with the value it must
 * equal (`ctx.waitForEvent`): an event matches when its payload is an object
 * holding every listed field with exactly that value.
 */
export type EventMatch = Record<string, string | number | boolean | null>;

/** Every type of history event, in the order they usually appear. */
export type HistoryEventType =
  | "run.started"
  | "patch.applied"
  | "step.started"
  | "step.completed"
  | "step.failed"
  | "timer.set"
  | "timer.fired"
  | "signal.waiting"
  | "signal.received"
  | "signal.refused"
  | "signal.timed_out"
  | "event.waiting"
  | "event.received"
  | "event.timed_out"
  | "child.started"
  | "child.completed"
  | "child.failed"
  | "task.scheduled"
  | "task.completed"
  | "task.failed"
  | "human_task.created"
  | "human_task.reminded"
  | "human_task.reassigned"
  | "human_task.completed"
  | "human_task.timed_out"
  | "run.cancel_requested"
  | "run.timed_out"
  | "compensation.started"
  | "compensation.completed"
  | "compensation.failed"
  | "run.completed"
  | "run.failed"
  | "run.compensated"
  | "run.cancelled"
  | "run.resumed";

/** Every history event type, in the order they usually appear (the list `HistoryEventType` names). */
export const historyEventTypes: readonly HistoryEventType[] = [
  "run.started",
  "patch.applied",
  "step.started",
  "step.completed",
  "step.failed",
  "timer.set",
  "timer.fired",
  "signal.waiting",
  "signal.received",
  "signal.refused",
  "signal.timed_out",
  "event.waiting",
  "event.received",
  "event.timed_out",
  "child.started",
  "child.completed",
  "child.failed",
  "task.scheduled",
  "task.completed",
  "task.failed",
  "human_task.created",
  "human_task.reminded",
  "human_task.reassigned",
  "human_task.completed",
  "human_task.timed_out",
  "run.cancel_requested",
  "run.timed_out",
  "compensation.started",
  "compensation.completed",
  "compensation.failed",
  "run.completed",
  "run.failed",
  "run.compensated",
  "run.cancelled",
  "run.resumed",
];

/**
 * One entry of a run's history. Fields beyond `seq`, `type` and `at` are
 * present when they apply to the type: `position` and `name` for calls,
 * `attempt` for step and compensation attempts, `output` for results,
 * `error` for failures, `dueAt` for timers and retry waits.
 */
export interface HistoryEvent {
  /** 1-based order of the event within its run. */
  seq: number;
  type: HistoryEventType;
  at: Date;
  position?: number;
  name?: string;
  attempt?: number;
  /**
   * Input of the run (`run.started`), of a child (`child.started`), of a task
   * (`task.scheduled`), or what a human task shows and whom it is for
   * (`human_task.created`, `human_task.reassigned`).
   */
  input?: unknown;
  output?: unknown;
  error?: ErrorInfo;
  /** When a timer is due, a retry will happen, or a signal or event wait times out. */
  dueAt?: Date;
  /** True on the `step.failed` / `compensation.failed` that ends retrying. */
  final?: boolean;
  /** Signal or event payload (`signal.received`, `signal.refused`, `event.received`). */
  payload?: unknown;
  /** Why a signal's payload was refused (`signal.refused`): each failing field (`a.b[0]`, empty for the whole payload) and why. */
  issues?: { path: string; message: string }[];
  /** Id of the signal refused (`signal.refused`). */
  signalId?: number;
  /** What the payload of the awaited event must hold (`event.waiting`). */
  match?: EventMatch;
  /** Id of the event received (`event.received`), or of the event that started the run (`run.started`). */
  eventId?: string;
  /** Id of the child run (`child.*`). */
  childId?: string;
  /** Positions a resume re-executes (`run.resumed`); positions to retry (`run.failed`). */
  positions?: number[];
  /** Where a forked run came from (`run.started` of a fork). */
  forkedFrom?: { runId: string; position: number };
  /** Task queue of a task (`task.scheduled`). */
  queue?: string;
  /** The task worker that completed or failed a task (`task.completed`, `task.failed`). */
  workerId?: string;
  /** Every attempt of a task, the last one included (`task.completed`, `task.failed`). */
  attempts?: TaskAttempt[];
}

/** One attempt of a step or compensation. */
export interface AttemptInfo {
  attempt: number;
  startedAt?: Date;
  finishedAt?: Date;
  status: "running" | "completed" | "failed";
  error?: ErrorInfo;
  /** When the next attempt is due, for a failed attempt that will be retried. */
  retryAt?: Date;
}

/** What a run did at one position: a step, timer, signal wait, event wait or child. */
export interface CallInfo {
  position: number;
  kind: CallKind;
  /** Step name, signal name, event name, child workflow name, task name, or `sleep`. */
  name: string;
  status: "running" | "waiting" | "completed" | "failed";
  startedAt: Date;
  finishedAt?: Date;
  output?: unknown;
  error?: ErrorInfo;
  attempts: AttemptInfo[];
  /** Timer due time, or signal or event wait timeout. */
  dueAt?: Date;
  /** Child run id, for `child`. */
  childId?: string;
  /** Task queue, for `task`. */
  queue?: string;
  /** Compensation of this step, once it started. */
  compensation?: { status: "running" | "completed" | "failed"; attempts: AttemptInfo[] };
}

/** A run without its steps, as listed. */
export interface RunSummary {
  id: string;
  workflow: string;
  version: string;
  status: RunStatus;
  parentId?: string;
  createdAt: Date;
  updatedAt: Date;
  finishedAt?: Date;
  /** Queue of the run: `default` unless it joined a named one. */
  queue: string;
  /** Key of the queue's per-key limits, when the start gave one. */
  concurrencyKey?: string;
  /** Higher first among the runnable runs of its queue. */
  priority: number;
  /** When a worker first took the run. */
  startedAt?: Date;
  /** A pending run starts no earlier than this (a delayed start or a debounce). */
  startAt?: Date;
  /** The schedule that started the run. */
  scheduleId?: string;
  /** The fire time the run is for (a triggered run: the time of the trigger). */
  scheduledAt?: Date;
}

/** A run with everything known about it (`engine.getRun`). */
export interface Run extends RunSummary {
  input: unknown;
  output?: unknown;
  error?: ErrorInfo;
  /**
   * The run's durable calls in order of position: its steps and the timers,
   * signal and event waits and children between them (`kind` tells which).
   */
  steps: CallInfo[];
  /**
   * The run's children, oldest first: all of them up to 1,000, else the
   * 1,000 created last (see `childCount`). `listRuns({ parentId })` pages
   * through all of them, newest first.
   */
  children: RunSummary[];
  /** How many children the run has (`children` lists at most 1,000 of them). */
  childCount: number;
  /** Signals sent to the run and not yet consumed, oldest first. */
  pendingSignals: { name: string; payload: unknown; sentAt: Date }[];
  cancelRequested: boolean;
}

/** Filter and page of `engine.listRuns`. */
export interface RunFilter {
  workflow?: string;
  status?: RunStatus | RunStatus[];
  parentId?: string;
  /** Only runs of this queue (`default` for the runs of no named queue). */
  queue?: string;
  /** Only runs of this schedule. */
  scheduleId?: string;
  /** Only runs whose id contains this text (case-insensitive). */
  idContains?: string;
  /** Only runs created at or after this time. */
  createdAfter?: Date;
  /** Only runs created before this time. */
  createdBefore?: Date;
  /** Page size, 1 to 1000. Default 50. */
  limit?: number;
  /** The `nextCursor` of the previous page. */
  cursor?: string;
}

/** How many runs of one workflow version are in one status (`engine.countRuns`). */
export interface RunCount {
  workflow: string;
  version: string;
  status: RunStatus;
  count: number;
}

/** One page of runs, newest first. */
export interface RunPage {
  runs: RunSummary[];
  /** Pass as `cursor` to get the next page; absent on the last page. */
  nextCursor?: string;
}
