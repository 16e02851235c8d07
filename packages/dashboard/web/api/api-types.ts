/**
 * What the HTTP API answers, as JSON: the wire types of `@baton/server`
 * (one definition, checked against the server's schemas), and the few
 * values the dashboard computes from them. The nouns are those of the
 * glossary: run, step, attempt, timer, signal, event, child, compensation,
 * history, task, task worker, task queue, human task.
 */
import type {
  AnyHistoryEvent,
  HumanTaskStatus,
  NodeTrace,
  RunGraph,
  RunStatus,
  TaskStatus,
  Definition as WireDefinition,
  DefinitionVersions as WireDefinitionVersions,
} from "@baton/server/wire-types";

export type {
  AttemptInfo,
  CallInfo,
  CallKind,
  DefinitionList,
  DefinitionSummary,
  DefinitionVersion,
  ErrorInfo,
  ForkRequest,
  ForkResult,
  HumanTask,
  HumanTaskPage,
  HumanTaskStatus,
  Issue,
  NodeTrace,
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
  WorkerList,
  WorkflowInfo,
  WorkflowList,
} from "@baton/server/wire-types";

/**
 * Declarative workflows, as the API answers them: the server's wire types,
 * with the document typed as the dashboard reads it (the library's
 * `definition-types.ts`; only the fields the dashboard reads are spelled
 * out, a node keeps the rest as it came).
 */

/** How a node of a run's definition fared: see `NodeTrace`. */
export type NodeStatus = NodeTrace["status"];

/** A node of a definition document: an `id` and exactly one kind key. */
export type DefinitionNode = { id: string; description?: string } & (
  | { task: { name: string; queue?: string; [field: string]: unknown } }
  | { http: { method?: string; url: string; [field: string]: unknown } }
  | { wait: { signal?: string; event?: string; duration?: string | number; until?: string; [field: string]: unknown } }
  | { approval: { title: string; assignee?: string; role?: string; [field: string]: unknown } }
  | { parallel: { branches: DefinitionNode[][] } }
  | { forEach: { items: unknown; concurrency?: number; steps: DefinitionNode[] } }
  | { if: { condition: unknown; then: DefinitionNode[]; else?: DefinitionNode[] } }
  | { switch: { cases: { when: unknown; steps: DefinitionNode[] }[]; default?: DefinitionNode[] } }
  | { child: { workflow: string; input?: unknown } }
  | { fail: { error: string; code?: string } }
  | { succeed: { output?: unknown } }
);

/** A definition document (YAML or JSON): a name, its steps, and settings the dashboard shows as they are. */
export interface DefinitionDocument {
  name: string;
  version?: string | number;
  description?: string;
  steps: DefinitionNode[];
  [field: string]: unknown;
}

/** A stored definition version (`GET /api/definitions/{name}/versions/{version}`). */
export type Definition = Omit<WireDefinition, "document"> & { document: DefinitionDocument };

/** `GET /api/definitions/{name}`: its versions, newest first, and the latest in full. */
export type DefinitionVersions = Omit<WireDefinitionVersions, "latest"> & { latest: Definition };

/** `GET /api/runs/{id}/graph`: a run of a definition, node by node (404 `NOT_A_DEFINITION_RUN` for a code workflow's run). */
export type DefinitionRunGraph = Omit<RunGraph, "document"> & { document: DefinitionDocument };

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
