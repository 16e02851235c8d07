import type {
  BackfillRequest,
  BackfillResult,
  CreateScheduleRequest,
  Definition,
  DefinitionList,
  DefinitionVersions,
  DeployedDefinition,
  EventReceipt,
  EventRequest,
  ForkRequest,
  ForkResult,
  HumanTask,
  HumanTaskPage,
  QueueList,
  Run,
  RunAccepted,
  RunHistory,
  RunPage,
  RunStatus,
  RunSummary,
  Schedule,
  ScheduleDeleted,
  ScheduleList,
  SignalAccepted,
  SignalWaitPage,
  StartRunRequest,
  StartRunResult,
  Task,
  TaskPage,
  TriggerResult,
  WorkerList,
} from "@baton/server/wire-types";
import type { EngineOptions } from "baton";

/** Filter and page of `listRuns`, as the query of `GET /api/runs`. */
export interface RunQuery {
  workflow?: string;
  status?: RunStatus[];
  parentId?: string;
  /** The run's queue (`default` for runs of no named queue). */
  queue?: string;
  scheduleId?: string;
  /** A part of the run id (any case). */
  idContains?: string;
  createdAfter?: string;
  createdBefore?: string;
  limit?: number;
  cursor?: string;
}

/** Filter and page of `listSignalWaits`, as the query of `GET /api/signal-waits`. */
export interface SignalWaitQuery {
  workflow?: string;
  /** The signal's name (exact). */
  name?: string;
  limit?: number;
  cursor?: string;
}

/** Filter and page of `listTasks`, as the query of `GET /api/tasks`. */
export interface TaskQuery {
  queue?: string;
  /** One status, or several separated by commas. */
  status?: string;
  runId?: string;
  limit?: number;
  cursor?: string;
}

/** Filter and page of `listHumanTasks`, as the query of `GET /api/human-tasks`. */
export interface HumanTaskQuery {
  /** One status, or several separated by commas (default open). */
  status?: string;
  assignee?: string;
  role?: string;
  runId?: string;
  limit?: number;
  cursor?: string;
}

/**
 * What the `baton runs`, `baton events` and `baton schedules` commands need, answered in the
 * shapes of the HTTP API (the wire types of `@baton/server/wire-types`). Two implementations: `createApiClient` (a server
 * at a URL) and `createStoreClient` (a store opened in this process).
 * Failures are `CliError`s whose message is `CODE: message`.
 */
export interface BatonClient {
  listRuns(query: RunQuery): Promise<RunPage>;
  getRun(id: string): Promise<Run>;
  /** Open signal waits of the runs not finished, the longest waiting first. */
  listSignalWaits(query: SignalWaitQuery): Promise<SignalWaitPage>;
  startRun(request: StartRunRequest): Promise<StartRunResult>;
  /** The named queues: limits, pending and running runs, rate window. */
  listQueues(): Promise<QueueList>;
  /** Tasks, oldest first. */
  listTasks(query: TaskQuery): Promise<TaskPage>;
  /** A task by id (`<run id>:<position>`). */
  getTask(id: string): Promise<Task>;
  /** Human tasks, oldest first (the inbox). */
  listHumanTasks(query: HumanTaskQuery): Promise<HumanTaskPage>;
  /** A human task by id (`<run id>:<position>`). */
  getHumanTask(id: string): Promise<HumanTask>;
  /**
   * Completes or rejects a human task. Through a server the answer is the
   * token's identity; on a store it is `answer.as`.
   */
  answerHumanTask(
    id: string,
    outcome: "complete" | "reject",
    answer: { data?: unknown; comment?: string; as: string },
  ): Promise<HumanTask>;
  /** The live workers and the runs no live worker serves. */
  listWorkers(): Promise<WorkerList>;
  /** A run's history, oldest first. */
  getHistory(id: string): Promise<RunHistory>;
  /** Deploys a definition (its YAML or JSON text). */
  deployDefinition(source: string): Promise<DeployedDefinition>;
  /** Every definition, with its newest version. */
  listDefinitions(): Promise<DefinitionList>;
  /** A definition's versions and its newest version whole. */
  getDefinitionVersions(name: string): Promise<DefinitionVersions>;
  /** One version of a definition. */
  getDefinition(name: string, version: string): Promise<Definition>;
  signal(id: string, name: string, payload?: unknown): Promise<SignalAccepted>;
  cancel(id: string): Promise<RunAccepted>;
  resume(id: string): Promise<RunAccepted>;
  fork(id: string, request: ForkRequest): Promise<ForkResult>;
  sendEvent(request: EventRequest): Promise<EventReceipt>;
  /** Every schedule (of `workflow`, when given), by id. */
  listSchedules(query: { workflow?: string }): Promise<ScheduleList>;
  createSchedule(request: CreateScheduleRequest): Promise<Schedule>;
  pauseSchedule(id: string): Promise<Schedule>;
  resumeSchedule(id: string): Promise<Schedule>;
  /** Starts a run of the schedule now. */
  triggerSchedule(id: string): Promise<TriggerResult>;
  deleteSchedule(id: string): Promise<ScheduleDeleted>;
  /** Creates the run of every fire time in `[from, to)`. */
  backfillSchedule(id: string, request: BackfillRequest): Promise<BackfillResult>;
  /**
   * Calls `onChange` with the run's summary now and at every change, and
   * resolves once the run has finished.
   */
  watchRun(id: string, onChange: (run: RunSummary) => void | Promise<void>): Promise<void>;
  close(): Promise<void>;
}

/** The workflows a store client loads for `runs start` and `events send`. */
export type ClientWorkflows = NonNullable<EngineOptions["workflows"]>;
