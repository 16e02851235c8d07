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
 * Declarative workflows, as the API answers them (the library's
 * `definition-types.ts`, dates as ISO strings). Only the fields the
 * dashboard reads are spelled out; a node keeps the rest as it came.
 */

/** How a node of a run's definition fared: see `NodeTrace`. */
export type NodeStatus = "pending" | "skipped" | "running" | "waiting" | "completed" | "failed";

/** A node's part in one run: its status, the positions of the calls it made, the times it was entered. */
export interface NodeTrace {
  status: NodeStatus;
  positions: number[];
  entered: number;
}

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
export interface Definition {
  name: string;
  version: string;
  description?: string;
  document: DefinitionDocument;
  /** The text deployed (YAML or JSON), when it came as text. */
  source?: string;
  createdAt: string;
}

/** One definition of the list: its latest version and how many it has. */
export interface DefinitionSummary {
  name: string;
  latestVersion: string;
  description?: string;
  versions: number;
  updatedAt: string;
}

/** `GET /api/definitions`. */
export interface DefinitionList {
  definitions: DefinitionSummary[];
}

/** `GET /api/definitions/{name}`: its versions, newest first, and the latest in full. */
export interface DefinitionDetail {
  name: string;
  versions: { version: string; createdAt: string; description?: string }[];
  latest: Definition;
}

/** `GET /api/runs/{id}/graph`: a run of a definition, node by node (404 `NOT_A_DEFINITION_RUN` for a code workflow's run). */
export interface DefinitionRunGraph {
  runId: string;
  name: string;
  version: string;
  document: DefinitionDocument;
  nodes: Record<string, NodeTrace>;
}

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
