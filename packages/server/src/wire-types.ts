/**
 * The JSON the HTTP API reads and answers, as TypeScript types, for clients
 * (the dashboard, the CLI, yours): `import type { Run } from "@baton/server/wire-types"`.
 * Times are ISO 8601 strings in UTC (`2026-11-29T10:00:00.000Z`). The nouns
 * are those of the library's glossary: run, step, attempt, timer, signal,
 * event, child, compensation, history.
 *
 * This module imports nothing and holds nothing but types, so a browser
 * build can load it. The server checks at compile time that each type is
 * what its schema (which validates requests and writes the OpenAPI
 * document) infers: see wire-types-check.ts.
 */

export type * from "./definition-wire-types.js";
export type * from "./human-task-wire-types.js";
export type * from "./schedule-wire-types.js";
export type * from "./task-wire-types.js";
export type * from "./worker-wire-types.js";

/** Status of a run. */
export type RunStatus =
  | "pending"
  | "running"
  | "waiting"
  | "completed"
  | "failed"
  | "compensating"
  | "compensated"
  | "cancelled";

/** An error as recorded in a run's history; its `cause` is an error of the same shape, to any depth. */
export interface ErrorInfo {
  name: string;
  message: string;
  stack?: string;
  code?: string;
  cause?: ErrorInfo;
}

/** The kind of durable call made at a position. */
export type CallKind = "step" | "timer" | "signal" | "child" | "event" | "task" | "human_task";

/** One attempt of a step or of a compensation. */
export interface AttemptInfo {
  attempt: number;
  startedAt?: string;
  finishedAt?: string;
  status: "running" | "completed" | "failed";
  error?: ErrorInfo;
  /** When the next attempt is due, after a failed one. */
  retryAt?: string;
}

/** What a run did at one position. */
export interface CallInfo {
  position: number;
  kind: CallKind;
  name: string;
  status: "running" | "waiting" | "completed" | "failed";
  startedAt: string;
  finishedAt?: string;
  output?: unknown;
  error?: ErrorInfo;
  attempts: AttemptInfo[];
  /** When a timer fires, or a wait times out. */
  dueAt?: string;
  childId?: string;
  /** Task queue, for a task. */
  queue?: string;
  compensation?: { status: "running" | "completed" | "failed"; attempts: AttemptInfo[] };
}

/** A run without its steps (`GET /api/runs`, the watch stream). */
export interface RunSummary {
  id: string;
  workflow: string;
  version: string;
  status: RunStatus;
  parentId?: string;
  createdAt: string;
  updatedAt: string;
  finishedAt?: string;
  queue: string;
  concurrencyKey?: string;
  priority: number;
  startedAt?: string;
  startAt?: string;
  /** The schedule that started the run. */
  scheduleId?: string;
  /** The fire time the run is for. */
  scheduledAt?: string;
}

/** A signal sent to a run and not yet received by it. */
export interface PendingSignal {
  name: string;
  payload: unknown;
  sentAt: string;
}

/** A run with everything known about it (`GET /api/runs/{id}`). */
export interface Run extends RunSummary {
  input: unknown;
  output?: unknown;
  error?: ErrorInfo;
  /**
   * The run's durable calls in order of position: its steps and the timers,
   * signal and event waits and children between them (`kind` tells which).
   */
  steps: CallInfo[];
  /** Oldest first: all the children, or the 1,000 created last when there are more (see `childCount`). */
  children: RunSummary[];
  /** How many children the run has; `GET /api/runs?parentId=` pages them all. */
  childCount: number;
  pendingSignals: PendingSignal[];
  cancelRequested: boolean;
}

/** One page of runs, newest first (`GET /api/runs`); `nextCursor` is absent on the last page. */
export interface RunPage {
  runs: RunSummary[];
  nextCursor?: string;
}

/** An open signal wait of a run that has not finished (`GET /api/signal-waits`). */
export interface SignalWait {
  runId: string;
  workflow: string;
  version: string;
  /** `running` when another branch of the run runs meanwhile. */
  runStatus: RunStatus;
  position: number;
  /** Name of the signal awaited. */
  name: string;
  /** When the run began to wait. */
  since: string;
  /** When the wait times out, if it has a timeout. */
  dueAt?: string;
  /** The signal's name asks a person for an approval (it contains "approv", any case). */
  approval: boolean;
}

/** One page of open signal waits, the longest waiting first; `nextCursor` is absent on the last page. */
export interface SignalWaitPage {
  waits: SignalWait[];
  nextCursor?: string;
}

/** Why a payload or a request was refused, field by field. */
export interface Issue {
  path: string;
  message: string;
}

/** The fields of a history event type that has none beyond `seq`, `type` and `at`. */
type NoFields = Record<never, never>;

interface Call {
  position: number;
  name: string;
}
interface AttemptCall extends Call {
  attempt: number;
}
interface FailedAttempt extends AttemptCall {
  error: ErrorInfo;
  /** Present when no attempt follows. */
  final?: true;
  /** When the next attempt is due. */
  dueAt?: string;
}

/** One finished attempt of a task, as its run's history shows it. */
export interface TaskAttempt {
  attempt: number;
  workerId: string;
  startedAt: string;
  finishedAt: string;
  error?: ErrorInfo;
}

/** The fields of each type of history event beyond `seq`, `type` and `at`. */
export interface HistoryEventFields {
  "run.started": { input?: unknown; eventId?: string; forkedFrom?: { runId: string; position: number } };
  /** The code took patch `name`'s new path (`ctx.patched`). */
  "patch.applied": { name: string };
  "step.started": AttemptCall;
  "step.completed": AttemptCall & { output?: unknown };
  "step.failed": FailedAttempt;
  "timer.set": Call & { dueAt: string };
  "timer.fired": Call;
  "signal.waiting": Call & { dueAt?: string };
  /** `position` is absent when a signal handler took the signal. */
  "signal.received": { position?: number; name: string; payload?: unknown };
  "signal.refused": { name: string; payload?: unknown; issues: Issue[]; signalId?: number };
  "signal.timed_out": Call;
  /** `match`: top-level payload fields the awaited event must have, with their values. */
  "event.waiting": Call & { match?: Record<string, string | number | boolean | null>; dueAt?: string };
  "event.received": Call & { payload?: unknown; eventId: string };
  "event.timed_out": Call;
  "child.started": Call & { childId: string; input?: unknown };
  "child.completed": Call & { childId: string; output?: unknown };
  "child.failed": Call & { childId: string; error: ErrorInfo };
  "task.scheduled": Call & { input?: unknown; queue: string };
  "task.completed": AttemptCall & { output?: unknown; workerId?: string; attempts: TaskAttempt[] };
  "task.failed": AttemptCall & { error: ErrorInfo; final: true; workerId?: string; attempts: TaskAttempt[] };
  /** `input`: what the person sees (title, description, assignee, role, context). */
  "human_task.created": Call & { input?: unknown; dueAt?: string };
  "human_task.reminded": Call;
  /** `input`: the new assignee and role. */
  "human_task.reassigned": Call & { input?: unknown; dueAt?: string };
  /** `output`: the answer (outcome, data, comment, completedBy, completedAt). */
  "human_task.completed": Call & { output?: unknown };
  "human_task.timed_out": Call & { error?: ErrorInfo };
  "run.cancel_requested": NoFields;
  "run.timed_out": NoFields;
  "compensation.started": AttemptCall;
  "compensation.completed": AttemptCall;
  "compensation.failed": FailedAttempt;
  "run.completed": { output?: unknown };
  /** `positions`: the positions a resume runs again. */
  "run.failed": { error: ErrorInfo; positions?: number[] };
  "run.compensated": { error: ErrorInfo };
  "run.cancelled": NoFields;
  "run.resumed": { positions: number[] };
}

/** The type of a history event. */
export type HistoryEventType = keyof HistoryEventFields;

/** One entry of a run's history (`GET /api/runs/{id}/history`), discriminated by `type`. */
export type HistoryEvent = {
  [T in HistoryEventType]: { seq: number; type: T; at: string } & HistoryEventFields[T];
}[HistoryEventType];

type KeysOfUnion<T> = T extends unknown ? keyof T : never;
type ValueOfUnion<T, K extends PropertyKey> = T extends unknown ? (K extends keyof T ? T[K] : never) : never;

/**
 * A history event with every field of every type, each optional but `seq`,
 * `type` and `at`: for a client that reads a field without first narrowing
 * on `type` (an absent field is `undefined`).
 */
export type AnyHistoryEvent = { seq: number; type: HistoryEventType; at: string } & {
  [K in Exclude<KeysOfUnion<HistoryEvent>, "seq" | "type" | "at">]?: ValueOfUnion<HistoryEvent, K>;
};

/** The history of a run, oldest first (`GET /api/runs/{id}/history`). */
export interface RunHistory {
  events: HistoryEvent[];
}

/** Counts of runs by status; a status without runs is absent. */
export type StatusCounts = Partial<Record<RunStatus, number>>;

/** A workflow: one the server has code for, or one that only has runs in the store (`GET /api/workflows`). */
export interface WorkflowInfo {
  name: string;
  /** The version the server has code for, else the latest version seen in runs. */
  version: string;
  /** True when this server has the workflow's code. */
  registered: boolean;
  validatesInput: boolean;
  counts: StatusCounts;
  versions: { version: string; counts: StatusCounts }[];
}

/** Answer of `GET /api/workflows`. */
export interface WorkflowList {
  workflows: WorkflowInfo[];
}

/** What the caller may do (`GET /api/whoami`); `auth` is false when the server has no tokens. */
export interface WhoAmI {
  role: "reader" | "operator" | "worker";
  /** The token's name (the identity recorded on human task answers), or the role's. */
  name: string;
  auth: boolean;
}

/** Body of `POST /api/runs`: `timeout` in milliseconds or as a duration such as "30s". */
export interface StartRunRequest {
  workflow: string;
  input?: unknown;
  id?: string;
  /** The version to start (default: the newest). */
  version?: string;
  timeout?: number | string;
  queue?: string;
  concurrencyKey?: string;
  priority?: number;
  startAt?: string;
  delay?: number | string;
  debounce?: { key: string; period: number | string };
}

/** Answer of `POST /api/runs`: `created` is false when a run with this id and input existed. */
export interface StartRunResult {
  created: boolean;
  run: RunSummary;
}

/** Body of `POST /api/runs/{id}/signals`. */
export interface SignalRequest {
  name: string;
  payload?: unknown;
}

/** Answer of `POST /api/runs/{id}/signals`. */
export interface SignalAccepted {
  runId: string;
  name: string;
}

/** Answer of `POST /api/runs/{id}/cancel` and `POST /api/runs/{id}/resume`. */
export interface RunAccepted {
  runId: string;
}

/** Body of `POST /api/runs/{id}/fork`: the step to run again from, by position or by name. */
export interface ForkRequest {
  fromStep: number | string;
  id?: string;
}

/** Answer of `POST /api/runs/{id}/fork`. */
export interface ForkResult {
  run: RunSummary;
}

/** Body of `POST /api/events`. */
export interface EventRequest {
  name: string;
  payload?: unknown;
  id?: string;
}

/** Answer of `POST /api/events`: the event's id, and the runs it started or was delivered to. */
export interface EventReceipt {
  id: string;
  /** False when an event with this id was sent before. */
  created: boolean;
  started: string[];
  delivered: string[];
  rejected?: { workflow: string; message: string }[];
  /** Why the event started no run (sent now). */
  reason?: string;
}

/** The body of every error answer. */
export interface ErrorBody {
  error: { code: string; message: string; issues?: Issue[] };
}

/** One message of a run's watch stream (`GET /api/runs/{id}/watch`), by its `event:` name; `data` is the parsed `data:` line. */
export type WatchEvent =
  | { event: "run"; id: string; data: RunSummary }
  | { event: "error"; id: string; data: ErrorBody };

/** A named queue: its limits and its runs now (`GET /api/queues`). */
export interface Queue {
  name: string;
  concurrency?: number;
  perKey?: number;
  rateLimit?: { limit: number; periodMs: number; perKey: boolean };
  holdWhileWaiting: boolean;
  pending: number;
  running: number;
  startedInWindow: number;
  finishedLastMinute: number;
  oldestPendingAgeMs?: number;
  registeredBy: string;
  registeredAt: string;
}

/** Answer of `GET /api/queues`. */
export interface QueueList {
  queues: Queue[];
}

/** Answer of `POST /api/schedules/{id}/trigger`: the run started now. */
export interface TriggerResult {
  created: boolean;
  run: RunSummary;
}
