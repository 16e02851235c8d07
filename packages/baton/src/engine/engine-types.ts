import type { Clock } from "../clock.js";
import type { TaskDefinition } from "../declarative/define-task.js";
import type { HostLookup } from "../declarative/http-request-types.js";
import type { Duration } from "../duration.js";
import type { FailureInput } from "../failure-input.js";
import type { Store } from "../store/store.js";
import type {
  HistoryEvent,
  Run,
  RunCount,
  RunFilter,
  RunPage,
  Schedule,
  ScheduleDefinition,
  SignalWaitFilter,
  SignalWaitPage,
} from "../types.js";
import type { Workflow } from "../workflow.js";
import type { EngineDefinitions } from "./definitions-api.js";
import type { EngineHumanTasks } from "./human-tasks-api.js";
import type { QueueInfo } from "./queue-info.js";
import type { QueueOptions } from "./queue-options.js";
import type { ReplayCheckOptions, ReplayCheckResult } from "./replay-check.js";
import type { EventReceipt, SendEventOptions } from "./send-event.js";
import type { StartFlowOptions } from "./start-flow.js";
import type { EngineTasks } from "./tasks-api.js";
import type { WorkerList } from "./worker-presence.js";

/** Options of the requests declarative `http` nodes send. */
export interface HttpOptions {
  /**
   * Loopback, private, link-local, metadata and other special addresses are
   * refused (checked after DNS, and again on every redirect) unless listed
   * here: host names (`api.internal`, `*.internal`), addresses or CIDR ranges
   * (`10.1.0.0/16`). Default: none.
   */
  allowedHosts?: string[];
  /** Resolves host names (tests stub it). Default: `dns.promises.lookup(host, { all: true })`. */
  lookup?: HostLookup;
}

/** Options of `createEngine`. */
export interface EngineOptions {
  // biome-ignore lint/suspicious/noExplicitAny: workflows of any input and output
  workflows?: Workflow<any, any>[];
  /** `sqlite:<path>`, `postgres://...` or a Store. Default `sqlite:.baton/baton.db`. */
  store?: string | Store;
  /**
   * Source of time. Default: the store's clock when it has one (PostgreSQL:
   * the database's clock, so workers agree on due timers whatever their own
   * clocks say), else the system clock. Tests pass `createTestClock()`.
   */
  clock?: Clock;
  /**
   * Apply the store's pending migrations on start (and, on PostgreSQL, on
   * first use). Default true. Turn it off where a deploy step runs
   * `baton migrate`; a store lacking migrations then fails with `MIGRATIONS_PENDING`.
   */
  migrate?: boolean;
  /** Name of this worker in leases. Default `<host>:<pid>:<random>`. */
  workerId?: string;
  /** Lease on a claimed run; a dead worker's runs are taken over after it. Default `"15s"`. */
  lease?: Duration;
  /** How often to look for due or abandoned runs. Default `"500ms"`. */
  pollInterval?: Duration;
  /** Runs kept in memory; waiting runs beyond it are evicted and reloaded when they wake. Default 10000. */
  maxRunsInMemory?: number;
  /** How long `stop()` waits for in-flight steps. Default `"10s"`. */
  stopTimeout?: Duration;
  /**
   * Named queues and their limits (see `QueueOptions`), which every worker
   * sharing the store enforces together. A run joins one by its workflow's
   * `queue` or its start's `queue`; the others join `default`, without
   * limits. A worker takes runs of the queues it declares. Default: none.
   */
  queues?: Record<string, QueueOptions>;
  /**
   * A workflow started when a run of a workflow without its own `onFailure`
   * ends `failed` or `compensated` (see `WorkflowOptions.onFailure`);
   * registered with the engine. Default: none.
   */
  // biome-ignore lint/suspicious/noExplicitAny: a handler of any output
  onFailure?: Workflow<FailureInput, any>;
  /** Task handlers declarative `task` nodes call by name (`defineTask`). Default: none. */
  // biome-ignore lint/suspicious/noExplicitAny: handlers of any input and output
  tasks?: TaskDefinition<any, any>[];
  /** Secrets declarative `http` nodes read as `$secrets.NAME` (never written to history). Default: none. */
  secrets?: Record<string, string>;
  /** Outbound requests of declarative `http` nodes (see `HttpOptions`). */
  http?: HttpOptions;
  /** Where warnings go. Default: standard error. */
  logger?: { warn(message: string, error?: unknown): void };
}

/** Options of `startRun`. */
export interface StartOptions extends StartFlowOptions {
  /** Id of the run, and its idempotency key. Default: a new time-sortable id. */
  id?: string;
  /**
   * Version of the workflow to start: one this engine has code for, or a
   * stored definition's. Default: the newest (`UNKNOWN_VERSION` when none has it).
   */
  version?: string;
  /** Limit of the whole run. Default: the workflow's `timeout`. */
  timeout?: Duration;
}

/** A started run. */
export interface RunHandle<O = unknown> {
  readonly id: string;
  /** False when `startRun` found the run already there (same id, same input). */
  readonly created: boolean;
  /** Waits for the run to end: its output, or a `RunFailedError`. */
  result(): Promise<O>;
  /** The run as it is now. */
  get(): Promise<Run>;
}

/** A workflow an engine has code for. */
export interface WorkflowInfo {
  name: string;
  version: string;
  /** True when the workflow checks its input against a schema. */
  validatesInput: boolean;
}

/** The engine: starts, inspects and steers runs, and (once started) executes them. */
export interface Engine extends AsyncDisposable {
  readonly store: Store;
  /** This engine's name as a worker (the owner of its leases). */
  readonly workerId: string;
  /**
   * Begins executing runs (claiming new, due and abandoned ones), after
   * registering in the store the workflows it has code for (versions, event
   * subscriptions, JSON Schemas of inputs and declared signals), so that
   * processes without their code can start them from events and check signals.
   */
  start(): Promise<void>;
  /** Stops executing: in-flight steps get `stopTimeout` to finish; every run stays resumable. */
  stop(): Promise<void>;
  /** Starts a run; with an existing `id` returns that run (same input) or throws `RUN_CONFLICT`. */
  startRun<I, O>(workflow: Workflow<I, O> | string, input: I, options?: StartOptions): Promise<RunHandle<O>>;
  /** The workflows this engine has code for, by name. */
  listWorkflows(): WorkflowInfo[];
  /** A handle on an existing run. */
  handle<O = unknown>(runId: string): RunHandle<O>;
  /** A run with its steps, attempts, children and pending signals. @throws `RUN_NOT_FOUND`; `UNREADABLE_RUN` when its stored rows are not JSON. */
  getRun(runId: string): Promise<Run>;
  /** Runs, newest first, filtered and paged. */
  listRuns(filter?: RunFilter): Promise<RunPage>;
  /** How many runs there are of each workflow version in each status. */
  countRuns(): Promise<RunCount[]>;
  /**
   * Open signal waits of the runs that have not finished, the longest waiting first, filtered and paged (see `listSignalWaits`).
   * @example
   * const { waits } = await engine.listSignalWaits({ name: "approve" });
   * @throws BatonError `INVALID_LIMIT`, `INVALID_CURSOR`.
   */
  listSignalWaits(filter?: SignalWaitFilter): Promise<SignalWaitPage>;
  /**
   * The named queues in the store, by name: limits, pending and running runs,
   * the rate window, and the age of the oldest pending run.
   */
  listQueues(): Promise<QueueInfo[]>;
  /** The ordered history of a run. @throws `RUN_NOT_FOUND`. */
  getHistory(runId: string): Promise<HistoryEvent[]>;
  /**
   * Sends a signal; durable once this resolves. A payload that fails the
   * schema the run's workflow declares for `name` (`signals`) is refused
   * when this process can check it (see `WorkflowOptions.signals`).
   * @throws `RUN_NOT_FOUND`, `RUN_FINISHED`, `INVALID_INPUT` (a `ValidationError` naming the failing fields).
   */
  signal(runId: string, name: string, payload?: unknown): Promise<void>;
  /**
   * Sends an event (to no run in particular): it reaches the runs already waiting for it whose
   * `match` the payload meets, and starts the workflows subscribed to `name` (see `sendEvent`).
   * @example
   * const receipt = await engine.sendEvent("payment.settled", { orderId: "o-1" }, { id: "pay-9f2c" });
   * @throws BatonError `INVALID_NAME`, `INVALID_EVENT_ID`, `NOT_SERIALIZABLE`.
   */
  sendEvent(name: string, payload?: unknown, options?: SendEventOptions): Promise<EventReceipt>;
  /** Cancels a run at its next durable point (compensations run). @throws `RUN_NOT_FOUND`, `RUN_FINISHED`. */
  cancel(runId: string): Promise<void>;
  /** Resumes a failed run from the step that failed. @throws `RUN_NOT_FOUND`, `RUN_NOT_FAILED`. */
  resume(runId: string): Promise<RunHandle>;
  /** Starts a new run that reuses the recorded results of `runId` before position `fromStep` (or the step of that name). */
  fork(runId: string, options: { fromStep: number | string; id?: string }): Promise<RunHandle>;
  /**
   * Schedules: workflows started at fire times, shared by every worker on the store.
   * @example
   * await engine.schedules.create({ id: "nightly", workflow: report, cron: "0 9 * * 1-5", timezone: "Europe/Paris" });
   */
  readonly schedules: EngineSchedules;
  /**
   * Tasks: work runs hand to task workers (`ctx.task`), which poll for it
   * (usually over HTTP, `POST /api/tasks/poll`) and report it.
   * @example
   * const [task] = await engine.tasks.poll({ workerId: "w1", queues: ["media"], waitMs: 20_000 });
   * if (task) await engine.tasks.complete(task.token, { ok: true });
   */
  readonly tasks: EngineTasks;
  /**
   * Human tasks: the inbox of tasks for people (`ctx.humanTask`) across the
   * store, and their answers.
   * @example
   * const [task] = (await engine.humanTasks.list({ role: "finance" })).humanTasks;
   * await engine.humanTasks.complete(task.id, { by: "ada", data: { approved: true } });
   */
  readonly humanTasks: EngineHumanTasks;
  /**
   * The live workers of the store (seen in the last 15 s) with the workflow
   * versions each serves, and the open runs of versions none of them
   * serves (they wait until a worker with that version starts).
   * @example
   * for (const { workflow, version, runs } of (await engine.listWorkers()).unserved)
   *   console.warn(`no worker serves ${workflow}@${version}: ${runs} runs wait`);
   */
  listWorkers(): Promise<WorkerList>;
  /**
   * Re-executes the stored histories of runs (default: the open ones)
   * against code (default: this engine's), doing nothing, and reports each
   * run the code would not follow: the check to run before a deploy.
   * @example
   * const { divergences } = await engine.replayCheck({ workflows: [orderV2] });
   */
  replayCheck(options?: ReplayCheckOptions): Promise<ReplayCheckResult>;
  /**
   * Declarative workflows: definitions deployed as YAML or JSON, run by
   * this engine like code workflows (`startRun(name, input)`).
   * @example
   * await engine.definitions.deploy(readFileSync("etl.yaml", "utf8"));
   */
  readonly definitions: EngineDefinitions;
}

/** Options of `engine.schedules.create`: a schedule definition, its workflow, and whether it starts paused. */
export interface ScheduleOptions extends ScheduleDefinition {
  // biome-ignore lint/suspicious/noExplicitAny: a workflow of any input and output
  workflow: Workflow<any, any> | string;
  /** Created paused (no fire time until resumed). Default false. */
  paused?: boolean;
}

/**
 * Changes of `engine.schedules.update`: the fields given replace the stored
 * ones (`cron` replaces `every` and the other way round; `null` clears
 * `startAt` or `endAt`).
 */
export type SchedulePatch = {
  [K in keyof Omit<ScheduleOptions, "id">]?: ScheduleOptions[K] | null;
};

/** Result of `engine.schedules.backfill`. */
export interface BackfillResult {
  /** The run of each fire time in the range, in order (created now or before). */
  runIds: string[];
  /** Those created by this call. */
  created: string[];
}

/**
 * `engine.schedules`. Errors: `INVALID_SCHEDULE` naming the bad value
 * (nothing is stored), `SCHEDULE_NOT_FOUND`, `SCHEDULE_EXISTS`.
 */
export interface EngineSchedules {
  /** Creates a schedule (its first fire time is the first at or after now); the same definition again returns it. */
  create(options: ScheduleOptions): Promise<Schedule>;
  /** Changes a schedule; its next fire time is computed again when when it fires changed. */
  update(id: string, patch: SchedulePatch): Promise<Schedule>;
  /** Pauses a schedule: no fire time (nor waiting run) until resumed. */
  pause(id: string): Promise<Schedule>;
  /** Resumes a schedule from its first fire time at or after now (those of the pause are not caught up). */
  resume(id: string): Promise<Schedule>;
  /** Starts a run now, id `<schedule id>@<ISO now>`, recorded as the schedule's latest run. */
  trigger(id: string): Promise<RunHandle>;
  /** Deletes a schedule; its runs stay. */
  delete(id: string): Promise<void>;
  get(id: string): Promise<Schedule>;
  /** Every schedule (of `workflow`, when given), by id. */
  list(filter?: { workflow?: string }): Promise<Schedule[]>;
  /**
   * Creates the run of every fire time in `[from, to)` (at most 1,000), with
   * the ids the schedule would have given them, whatever the overlap policy:
   * a second backfill of the range creates nothing. @throws `INVALID_BACKFILL`.
   */
  backfill(id: string, from: Date | number, to: Date | number): Promise<BackfillResult>;
}
