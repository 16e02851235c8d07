/**
 * What the HTTP API answers, as JSON: the library's `Run`, `StepInfo`,
 * `AttemptInfo`, `HistoryEvent` and `RunSummary` with ISO time strings.
 * The nouns are those of the glossary: run, step, attempt, timer, signal,
 * event, child, compensation, history.
 */

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

/** Every run status, in the order the dashboard lists them. */
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

/** True when a run in this status has finished (a `failed` run may still be resumed). */
export function isTerminal(status: RunStatus): boolean {
  return status === "completed" || status === "failed" || status === "compensated" || status === "cancelled";
}

/** An error as recorded in a run's history. */
export interface ErrorInfo {
  name: string;
  message: string;
  stack?: string;
  code?: string;
  cause?: ErrorInfo;
}

/** The kind of durable call made at a position. */
export type CallKind = "step" | "timer" | "signal" | "event" | "child";

/** One attempt of a step or compensation. */
export interface AttemptInfo {
  attempt: number;
  startedAt?: string;
  finishedAt?: string;
  status: "running" | "completed" | "failed";
  error?: ErrorInfo;
  retryAt?: string;
}

/** What a run did at one position. */
export interface StepInfo {
  position: number;
  kind: CallKind;
  name: string;
  status: "running" | "waiting" | "completed" | "failed";
  startedAt: string;
  finishedAt?: string;
  output?: unknown;
  error?: ErrorInfo;
  attempts: AttemptInfo[];
  dueAt?: string;
  childId?: string;
  compensation?: { status: "running" | "completed" | "failed"; attempts: AttemptInfo[] };
}

/** A run without its steps. */
export interface RunSummary {
  id: string;
  workflow: string;
  version: string;
  status: RunStatus;
  parentId?: string;
  createdAt: string;
  updatedAt: string;
  finishedAt?: string;
}

/** A run with everything known about it. */
export interface Run extends RunSummary {
  input: unknown;
  output?: unknown;
  error?: ErrorInfo;
  steps: StepInfo[];
  /** Oldest first: all the children, or the 1,000 created last when there are more (see `childCount`). */
  children: RunSummary[];
  /** How many children the run has. */
  childCount: number;
  pendingSignals: { name: string; payload: unknown; sentAt: string }[];
  cancelRequested: boolean;
}

/** One page of runs, newest first. */
export interface RunPage {
  runs: RunSummary[];
  nextCursor?: string;
}

/** An open signal wait of a run that has not ended (`GET /api/signal-waits`). */
export interface SignalWait {
  runId: string;
  workflow: string;
  version: string;
  runStatus: RunStatus;
  position: number;
  name: string;
  since: string;
  dueAt?: string;
  /** The signal's name asks a person for an approval (it contains "approv"). */
  approval: boolean;
}

/** One page of open signal waits, the longest waiting first. */
export interface SignalWaitPage {
  waits: SignalWait[];
  nextCursor?: string;
}

/** One entry of a run's history. */
export interface HistoryEvent {
  seq: number;
  type: string;
  at: string;
  position?: number;
  name?: string;
  attempt?: number;
  input?: unknown;
  output?: unknown;
  error?: ErrorInfo;
  dueAt?: string;
  final?: boolean;
  payload?: unknown;
  /** Why a signal's payload was refused (`signal.refused`). */
  issues?: { path: string; message: string }[];
  /** Id of the refused signal (`signal.refused`). */
  signalId?: number;
  match?: Record<string, unknown>;
  eventId?: string;
  childId?: string;
  positions?: number[];
  forkedFrom?: { runId: string; position: number };
}

/** A workflow as `GET /api/workflows` lists it. `registered` and `counts` may be missing on older servers. */
export interface WorkflowInfo {
  name: string;
  version: string;
  validatesInput: boolean;
  registered?: boolean;
  counts?: Partial<Record<RunStatus, number>>;
}

/** What the caller may do (`GET /api/whoami`). */
export interface WhoAmI {
  role: "reader" | "operator";
  auth: boolean;
}
