import type { EngineOptions, EventReceipt, Run, RunStatus, RunSummary, SignalWait } from "baton";

/** A type as it reads back from JSON: dates become ISO strings. */
export type Wire<T> = T extends Date
  ? string
  : T extends (infer U)[]
    ? Wire<U>[]
    : T extends object
      ? { [K in keyof T]: Wire<T[K]> }
      : T;

/** A run summary as the HTTP API answers it. */
export type RunSummaryJson = Wire<RunSummary>;
/** A run with its steps, children and pending signals, as the HTTP API answers it. */
export type RunJson = Wire<Run>;

/** Filter and page of `listRuns`, as the query of `GET /api/runs`. */
export interface RunQuery {
  workflow?: string;
  status?: RunStatus[];
  parentId?: string;
  /** A part of the run id (any case). */
  q?: string;
  createdAfter?: string;
  createdBefore?: string;
  limit?: number;
  cursor?: string;
}

/** An open signal wait as the HTTP API answers it. */
export type SignalWaitJson = Wire<SignalWait>;

/** Filter and page of `listSignalWaits`, as the query of `GET /api/signal-waits`. */
export interface SignalWaitQuery {
  workflow?: string;
  /** The signal's name (exact). */
  name?: string;
  limit?: number;
  cursor?: string;
}

/** Body of `POST /api/runs`. */
export interface StartRequest {
  workflow: string;
  input?: unknown;
  id?: string;
  timeout?: number | string;
}

/** What `POST /api/events` answers: the event's id, and the runs it started or was delivered to. */
export type EventReceiptJson = Wire<EventReceipt>;

/**
 * What the `baton runs` and `baton events` commands need, answered in the
 * shapes of the HTTP API. Two implementations: `createApiClient` (a server
 * at a URL) and `createStoreClient` (a store opened in this process).
 * Failures are `CliError`s whose message is `CODE: message`.
 */
export interface BatonClient {
  listRuns(query: RunQuery): Promise<{ runs: RunSummaryJson[]; nextCursor?: string }>;
  getRun(id: string): Promise<RunJson>;
  /** Open signal waits of the runs not ended, the longest waiting first. */
  listSignalWaits(query: SignalWaitQuery): Promise<{ waits: SignalWaitJson[]; nextCursor?: string }>;
  startRun(request: StartRequest): Promise<{ created: boolean; run: RunSummaryJson }>;
  signal(id: string, name: string, payload?: unknown): Promise<{ runId: string; name: string }>;
  cancel(id: string): Promise<{ runId: string }>;
  resume(id: string): Promise<{ runId: string }>;
  fork(id: string, request: { fromStep: number | string; id?: string }): Promise<{ run: RunSummaryJson }>;
  sendEvent(request: { name: string; payload?: unknown; id?: string }): Promise<EventReceiptJson>;
  /**
   * Calls `onChange` with the run's summary now and at every change, and
   * resolves once the run has ended.
   */
  watchRun(id: string, onChange: (run: RunSummaryJson) => void | Promise<void>): Promise<void>;
  close(): Promise<void>;
}

/** The workflows a store client loads for `runs start` and `events send`. */
export type ClientWorkflows = NonNullable<EngineOptions["workflows"]>;
