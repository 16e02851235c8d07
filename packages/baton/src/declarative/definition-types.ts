/**
 * A declarative workflow: a document (YAML or JSON) that names a workflow,
 * its input's JSON Schema and its steps, run by the same engine as code
 * workflows.
 *
 * ## Words
 *
 * - **definition**: such a document, stored under its `name` and `version`.
 *   A stored version never changes once a run used it; runs keep the version
 *   they started on.
 * - **node**: one entry of `steps` (or of a branch): an `id`, unique in the
 *   whole definition, and exactly one kind (`task`, `http`, `wait`,
 *   `approval`, `parallel`, `forEach`, `if`, `switch`, `child`, `fail`,
 *   `succeed`).
 * - **expression**: a string that is wholly `{% ... %}`: JSONata, evaluated
 *   with `$input` (the run's input), `$steps` (each node's output by id),
 *   `$item` and `$index` (inside `forEach`), `$run` (`{ id, workflow,
 *   version }`) and, in an `http` node only, `$secrets`. Any other string is
 *   a literal. Expressions may appear in any value a node takes (nested in
 *   objects and arrays too), unless a field says otherwise.
 *
 * Each node becomes the durable calls its kind makes: `task` a step (a task
 * handler) or a remote task, `http` a step, `wait` a signal wait, an event
 * wait or a timer, `approval` a human task, `child` a child run; `if`,
 * `switch` and `forEach` record their decision (or their list) as a step
 * named after the node, so a run's history shows which way it went.
 */
import type { Duration } from "../duration.js";
import type { HumanTaskEscalation } from "../human-task-types.js";
import type { EventMatch } from "../types.js";
import type { RetryPolicy } from "../workflow.js";

/** A JSONata expression, `{% ... %}`. */
export type Expression = `{%${string}%}`;

/** A whole definition document. */
export interface DefinitionDocument {
  /** The workflow's name (as `defineWorkflow`'s): runs are listed under it. */
  name: string;
  /** Version: given, or the next whole number when omitted (`"1"`, `"2"`, ...). */
  version?: string | number;
  description?: string;
  /** JSON Schema (draft-07 or 2020-12) the run's input must pass. Default: any JSON. */
  input?: Record<string, unknown>;
  /** The run's output: a value or expression. Default: the output of the last node that ran. */
  output?: unknown;
  /** Default retry policy of `task` and `http` nodes. */
  retry?: RetryPolicy;
  /** Limit of a whole run. */
  timeout?: Duration;
  /** Queue the runs join (see flow control). Default `default`. */
  queue?: string;
  steps: DefinitionNode[];
}

/** A node: an id, and one kind. */
export type DefinitionNode = { id: string; description?: string } & (
  | { task: TaskNode }
  | { http: HttpNode }
  | { wait: WaitNode }
  | { approval: ApprovalNode }
  | { parallel: ParallelNode }
  | { forEach: ForEachNode }
  | { if: IfNode }
  | { switch: SwitchNode }
  | { child: ChildNode }
  | { fail: FailNode }
  | { succeed: SucceedNode }
);

/** The kinds of node, in the order the schema lists them. */
export const nodeKinds = [
  "task",
  "http",
  "wait",
  "approval",
  "parallel",
  "forEach",
  "if",
  "switch",
  "child",
  "fail",
  "succeed",
] as const;

/** One of `nodeKinds`. */
export type NodeKind = (typeof nodeKinds)[number];

/** What a node may undo itself with: a handler or an HTTP request, given `$result` (the node's output). */
export type CompensationNode = { id?: string } & (
  | { task: Omit<TaskNode, "queue" | "compensate"> }
  | { http: HttpNode }
);

/**
 * A task: a handler registered with `defineTask` (in the process that runs
 * the run), or, with `queue`, a remote task done by a task worker.
 */
export interface TaskNode {
  name: string;
  input?: unknown;
  /** Task queue of a remote task; without it, `name` is a handler of this engine. */
  queue?: string;
  retry?: RetryPolicy;
  timeout?: Duration;
  /** Remote tasks only: longest silence between heartbeats. */
  heartbeatTimeout?: Duration;
  /** Handler tasks only: the undo run when the run later fails or is cancelled. */
  compensate?: CompensationNode;
}

/** An HTTP request, made by the engine (see `sendHttpRequest` for its guard). */
export interface HttpNode {
  /** Default `GET`. */
  method?: "GET" | "POST" | "PUT" | "PATCH" | "DELETE" | "HEAD";
  url: string;
  headers?: Record<string, string>;
  query?: Record<string, string | number | boolean>;
  body?: unknown;
  /** Statuses that count as success. Default: any 2xx. */
  expect?: number[];
  /** Default 1 MiB. */
  maxResponseBytes?: number;
  /** Per attempt. Default `"30s"`. */
  timeout?: Duration;
  retry?: RetryPolicy;
  compensate?: CompensationNode;
}

/** A wait: exactly one of `signal`, `event`, `duration` or `until`. */
export interface WaitNode {
  signal?: string;
  event?: string;
  /** Event waits: top-level payload fields and their values (expressions allowed). */
  match?: EventMatch;
  /** Signal and event waits: the output is `null` when it passes first. */
  timeout?: Duration;
  duration?: Duration;
  /** An ISO 8601 time, or an expression giving one. */
  until?: string;
}

/** A human task (see `ctx.humanTask`); its output is the answer, or `null` on timeout. */
export interface ApprovalNode {
  title: string;
  description?: string;
  form?: Record<string, unknown>;
  assignee?: string;
  role?: string;
  context?: unknown;
  timeout?: Duration;
  reminder?: Duration;
  onTimeout?: HumanTaskEscalation;
}

/** Branches that run at once and join; the output is the list of each branch's output. */
export interface ParallelNode {
  branches: DefinitionNode[][];
}

/** The same steps for each item of a list, at most `concurrency` at once (default 1); the output lists each item's. */
export interface ForEachNode {
  items: unknown;
  concurrency?: number;
  steps: DefinitionNode[];
}

/** A choice between two branches; the output is the taken branch's. */
export interface IfNode {
  condition: unknown;
  then: DefinitionNode[];
  else?: DefinitionNode[];
}

/** The first case whose `when` holds, else `default`; the output is the taken branch's. */
export interface SwitchNode {
  cases: { when: unknown; steps: DefinitionNode[] }[];
  default?: DefinitionNode[];
}

/** A child run of another workflow (code or declarative, its latest version). */
export interface ChildNode {
  workflow: string;
  input?: unknown;
}

/** Ends the run as failed (compensations run). */
export interface FailNode {
  error: string;
  code?: string;
}

/** Ends the run as completed with `output` (default: the last node's output). */
export interface SucceedNode {
  output?: unknown;
}

/** A stored definition version. */
export interface Definition {
  name: string;
  version: string;
  description?: string;
  /** The document, checked, with its version filled in. */
  document: DefinitionDocument;
  /** The text deployed (YAML or JSON), when it came as text. */
  source?: string;
  createdAt: Date;
}

/** A definition's versions, newest first, as `engine.definitions.list` gives them. */
export interface DefinitionSummary {
  name: string;
  latestVersion: string;
  description?: string;
  versions: number;
  updatedAt: Date;
}

/**
 * How each node of a run's definition fared (the dashboard's overlay):
 * `pending` not reached yet, `skipped` in a branch not taken (or never
 * reached by a finished run), `running` (a step or task in flight),
 * `waiting` (a wait, a human task, a child), `completed`, `failed`.
 */
export type NodeStatus = "pending" | "skipped" | "running" | "waiting" | "completed" | "failed";

/** A node's part in one run. */
export interface NodeTrace {
  status: NodeStatus;
  /** Positions of the run's calls this node made (in the run's `steps`). */
  positions: number[];
  /** Times the node was entered (more than 1 inside `forEach`). */
  entered: number;
}

/** A run of a definition, node by node. */
export interface RunGraph {
  runId: string;
  name: string;
  version: string;
  document: DefinitionDocument;
  nodes: Record<string, NodeTrace>;
}
