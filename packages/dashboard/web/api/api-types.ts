/**
 * What the HTTP API answers, as JSON: the wire types of `@baton/server`
 * (one definition, checked against the server's schemas), and the few
 * values the dashboard computes from them. The nouns are those of the
 * glossary: run, step, attempt, timer, signal, event, child, compensation,
 * history, task, task worker, task queue, human task.
 */
import type { AnyHistoryEvent, HumanTaskStatus, RunStatus, TaskStatus } from "@baton/server/wire-types";

export type {
  AttemptInfo,
  CallInfo,
  CallKind,
  ErrorInfo,
  ForkRequest,
  ForkResult,
  HumanTask,
  HumanTaskPage,
  HumanTaskStatus,
  Issue,
  Queue,
  QueueList,
  Run,
  RunPage,
  RunStatus,
  RunSummary,
  Schedule,
  ScheduleList,
  SignalWait,
  SignalWaitPage,
  Task,
  TaskPage,
  TaskStatus,
  TriggerResult,
  WhoAmI,
  WorkflowInfo,
  WorkflowList,
} from "@baton/server/wire-types";

/**
 * One entry of a run's history, every field of every type optional (the
 * views read fields without narrowing on `type` first).
 */
export type HistoryEvent = AnyHistoryEvent;

/** Whether each status has finished (a `failed` run may still be resumed), in the order the dashboard lists them. */
const finished = {
  pending: false,
  running: false,
  waiting: false,
  completed: true,
  failed: true,
  compensating: false,
  compensated: true,
  cancelled: true,
} as const satisfies Record<RunStatus, boolean>;

/** Every run status, in the order the dashboard lists them (a status the type gains fails the type check above). */
export const runStatuses = Object.keys(finished) as readonly RunStatus[];

/** True when a run in this status has finished (a `failed` run may still be resumed). */
export function isFinished(status: RunStatus): boolean {
  return finished[status];
}

/** Whether each task status is open (the task waits for a task worker, or one holds it), in the order the dashboard lists them. */
const openTask = {
  queued: true,
  leased: true,
  completed: false,
  failed: false,
  cancelled: false,
} as const satisfies Record<TaskStatus, boolean>;

/** Every task status, in the order the dashboard lists them. */
export const taskStatuses = Object.keys(openTask) as readonly TaskStatus[];

/** The statuses of open tasks: `queued` and `leased`. */
export const openTaskStatuses = taskStatuses.filter((status) => openTask[status]);

/** Whether each human task status is open (it waits for a person), in the order the dashboard lists them. */
const openHumanTask = {
  open: true,
  completed: false,
  rejected: false,
  timed_out: false,
  cancelled: false,
} as const satisfies Record<HumanTaskStatus, boolean>;

/** Every human task status, in the order the dashboard lists them. */
export const humanTaskStatuses = Object.keys(openHumanTask) as readonly HumanTaskStatus[];
