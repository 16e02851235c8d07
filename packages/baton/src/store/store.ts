/**
 * The store: everything durable goes through these verbs, each one
 * transaction. Backends (SQLite, PostgreSQL) implement the same interface and
 * pass the same conformance suite.
 *
 * Invariants every backend keeps:
 * - A run's history is appended only by the holder of the run's lease:
 *   `appendHistory` checks the lease token and rejects a stale one with
 *   `LeaseLostError`, writing nothing (fencing). Seqs are unique per run.
 * - `claimRuns` gives each claimed run a new lease token, so a worker that
 *   lost a run can never write to it again.
 * - External actors (signals, events, cancel, child completion) never write a
 *   run's history; they "poke" it by raising `pokeSeq`. The lease holder reads
 *   what changed and records what it consumed in its own history.
 * - An event wait is registered (a row) by the write that records its
 *   `event.waiting`, and removed by the write that records its outcome or
 *   ends the run (a resumed run registers its open waits again). `sendEvent`
 *   gives an event to every registered wait that matches it, has received no
 *   event, is not due, and belongs to a run that is pending, running or
 *   waiting; at most one event per wait, whatever publishers race.
 *   `closeEventWait` ends a timed-out wait unless an event reached it first.
 * - Flow control: `claimRuns` takes a run of a named queue only within the
 *   limits registered for it (concurrency, per key, rate), counting the runs
 *   that hold a slot in the same transaction as it takes them, so workers
 *   that claim at once never exceed a limit together. A run holds a slot
 *   while it is running or compensating, or held by a worker, or (with
 *   `holdWhileWaiting`) waiting. A pending run with a start time (`startAt`)
 *   is not taken before it.
 * - Tasks: a task row is registered by the write that records its
 *   `task.scheduled` and lives on its own from then on: polls lease it under
 *   a new secret per attempt, and only a report carrying the current attempt
 *   and secret changes it (a token of an earlier attempt is refused). Its
 *   completion, or its failure for good, pokes its run; the holder records
 *   the outcome and marks the row `recorded` in the same write. A run that
 *   finishes cancels its queued and leased tasks. Statements that touch a
 *   run and its tasks lock the run's row first.
 * - All times are parameters (`now`). A store that many machines share
 *   offers its own `clock` (PostgreSQL: the database's clock), which the
 *   engine uses unless it was given one, so every worker agrees on when a
 *   timer is due and when a lease expires.
 */
import type { Clock } from "../clock.js";
import type { HistoryRecord } from "../history-record.js";
import type { RunCount, RunFilter, SignalWaitFilter } from "../types.js";
import type { DefinitionVerbs } from "./definition-records.js";
import type { HumanTaskAnswerRecord, HumanTaskListFilter, HumanTaskRecord } from "./human-task-records.js";
import type {
  AppendResult,
  ClaimRequest,
  ClaimResult,
  CreateRunResult,
  Lease,
  NewEventRecord,
  NewRun,
  PokedRun,
  QueueLimits,
  QueueRecord,
  QueueStateRecord,
  ReceivedEvent,
  RunInbox,
  RunRecord,
  SendEventResult,
  SignalRecord,
  SignalTarget,
  SignalWaitRecord,
  StoreNotice,
  SubscriptionRecord,
  WorkflowRegistration,
} from "./records.js";
import type { RunWrite } from "./run-write.js";
import type {
  DueSchedules,
  NewScheduleRecord,
  ScheduleFire,
  ScheduleFireResult,
  ScheduleRecord,
  ScheduleUpdate,
} from "./schedule-records.js";
import type {
  LeasedTaskRecord,
  TaskFailOutcome,
  TaskFailureRecord,
  TaskKey,
  TaskListFilter,
  TaskPollRecord,
  TaskRecord,
} from "./task-records.js";
import type { WorkerVerbs } from "./worker-records.js";

export type { HistoryRecord } from "../history-record.js";
export type * from "./definition-records.js";
export type * from "./human-task-records.js";
export type * from "./records.js";
export type * from "./run-write.js";
export type * from "./schedule-records.js";
export type * from "./task-records.js";
export type * from "./worker-records.js";

/** Storage of runs, history, signals and events. See the invariants above. */
export interface Store extends DefinitionVerbs, WorkerVerbs {
  /** `sqlite` or `postgres`. */
  readonly kind: string;
  /** The store's own time source, when it has one (see the invariants). */
  readonly clock?: Clock;
  /**
   * True when workers on several machines may share the store (PostgreSQL).
   * An attempt's body then waits for the commit of its start, so a worker
   * that takes a run over from a frozen one always begins a new attempt
   * number. When false (one machine holds every worker: SQLite), a body
   * waits only for the events recorded before its start, and a start with
   * nothing before it usually shares the write of its step's outcome.
   */
  readonly sharedAcrossMachines: boolean;
  /** Applies pending migrations; returns the versions applied. Safe to call from several processes at once. */
  migrate(): Promise<number[]>;
  close(): Promise<void>;
  /** `close()`, for `await using store = openStore(...)`. */
  [Symbol.asyncDispose](): Promise<void>;
  /**
   * Connects and checks the store (PostgreSQL: migrations, the offset of the
   * database's clock). Every operation does it first; callers that read the
   * store's `clock` before their first operation await it.
   */
  ready?(): Promise<void>;

  /**
   * Creates a run in status `pending` with its first history, or returns the
   * existing one. With `debounceKey`, a pending run of the workflow with that
   * key that no worker took yet takes the new input (its `run.started` too)
   * and start time instead (`debounced`).
   */
  createRun(run: NewRun, now: number): Promise<CreateRunResult>;
  getRun(id: string): Promise<RunRecord | undefined>;
  listRuns(filter: RunFilter): Promise<{ runs: RunRecord[]; nextCursor?: string }>;
  /** Runs by workflow, version and status. */
  countRuns(): Promise<RunCount[]>;
  getHistory(runId: string): Promise<HistoryRecord[]>;
  listPendingSignals(runId: string): Promise<SignalRecord[]>;

  // Signal waits.
  /**
   * Open signal waits of every run that is pending, running or waiting: a
   * `signal.waiting` with no `signal.received` or `signal.timed_out` at its
   * position. Oldest first (then by run id and position), paged; derived
   * from the history, so writes pay nothing for it.
   * @throws BatonError `INVALID_LIMIT`, `INVALID_CURSOR`.
   */
  listSignalWaits(filter: SignalWaitFilter): Promise<{ waits: SignalWaitRecord[]; nextCursor?: string }>;

  /**
   * Stores a signal and pokes its run.
   * @throws BatonError `RUN_NOT_FOUND`, or `RUN_FINISHED` when the run has finished.
   */
  sendSignal(runId: string, name: string, payload: unknown, now: number): Promise<void>;
  /**
   * Stores an event, unless one with its id exists (then nothing is written);
   * gives it to the matching event waits (see the invariants), pokes their
   * runs, and creates `event.runs`.
   */
  sendEvent(event: NewEventRecord, now: number): Promise<SendEventResult>;
  /**
   * Marks a run for cancellation and pokes it.
   * @throws BatonError `RUN_NOT_FOUND`, or `RUN_FINISHED`.
   */
  requestCancel(runId: string, now: number): Promise<RunRecord>;
  /**
   * Moves a `failed` run back to `pending`, appending `event` (a `run.resumed`).
   * @throws BatonError `RUN_NOT_FOUND`, or `RUN_NOT_FAILED`.
   */
  resumeRun(
    runId: string,
    event: Omit<HistoryRecord, "seq">,
    deadlineAt: number | undefined,
    now: number,
  ): Promise<void>;

  /**
   * Claims runnable runs (new, due, poked, abandoned by a dead worker, or held
   * by `owner` and listed in `reclaim`) under new leases.
   */
  claimRuns(request: ClaimRequest): Promise<ClaimResult>;
  /** Extends every lease `owner` holds. Returns the ids of the runs it holds (and only those were extended). */
  renewLeases(owner: string, now: number, leaseMs: number): Promise<string[]>;
  /** Ids of the runs `owner` holds. */
  heldRuns(owner: string): Promise<string[]>;
  /** The runs `owner` holds that were poked since it last wrote them, with their `pokeSeq`. */
  pokedRuns(owner: string): Promise<PokedRun[]>;
  /**
   * Writes a run's progress under its lease: one verb of `RunWrite`, one
   * transaction. Answers the children it did not create (undefined when
   * there are none).
   * @throws LeaseLostError when the lease is no longer held (nothing is written).
   */
  appendHistory(lease: Lease, write: RunWrite): Promise<AppendResult | undefined>;
  /**
   * The runs among `ids` whose parent is not `parentId` (none, or another
   * run): children a run asked for under an id another run held. Ids of no
   * run are left out.
   */
  findUnlinkedRuns(parentId: string, ids: string[]): Promise<RunRecord[]>;
  /**
   * Makes run `childId` a child of `parentId` when it has no parent (or has
   * that one already); pokes the parent when the child has finished. True when
   * `parentId` is now its parent.
   */
  linkChild(childId: string, parentId: string, now: number): Promise<boolean>;
  /** How many children run `parentId` has. */
  countChildren(parentId: string): Promise<number>;
  /**
   * Ends the event wait at `position` of a held run once its timeout passed:
   * returns the event that reached it first, if one did; otherwise removes
   * the wait, so that no event can reach it any more.
   * @throws LeaseLostError when the lease is no longer held.
   */
  closeEventWait(lease: Lease, position: number): Promise<ReceivedEvent | undefined>;
  /** What changed for a held run since it was claimed or last read. */
  readInbox(runId: string): Promise<RunInbox>;

  // ---- Registry: what workers write when they start, for senders without the workflow code ----

  /**
   * Records each workflow version (replacing what was registered for it,
   * subscriptions included: an event the version no longer lists stops
   * starting it) and marks it the newest registration of its workflow as of `now`.
   */
  registerWorkflows(workflows: WorkflowRegistration[], now: number): Promise<void>;
  /**
   * The subscriptions to `event` of the newest registration of each
   * workflow (the one registered last; ties go to the greater version text).
   * A workflow whose newest version does not list `event` has none.
   */
  listSubscriptions(event: string): Promise<SubscriptionRecord[]>;
  /** True when some registered workflow version stored a JSON Schema for a signal. */
  hasSignalSchemas(): Promise<boolean>;
  /** The workflow version of run `runId` and the stored schema of its signal `name`; undefined when no such run. */
  getSignalTarget(runId: string, name: string): Promise<SignalTarget | undefined>;

  // ---- Queues: the limits of named queues, enforced by `claimRuns` for every worker ----

  /**
   * Records the limits of each queue as `owner` declares them (the last
   * registration wins). Answers the registrations it replaced whose limits
   * differed, so that a worker can report a mix of limits.
   */
  registerQueues(queues: QueueLimits[], owner: string, now: number): Promise<QueueRecord[]>;
  /** A registered queue, or undefined. */
  getQueue(name: string): Promise<QueueRecord | undefined>;
  /** Every registered queue with its pending and running runs and its rate window at `now`, by name. */
  listQueues(now: number): Promise<QueueStateRecord[]>;

  // ---- Schedules: definitions shared by every worker; each fire time gets at most one run,
  // whose id is `<schedule id>@<ISO fire time>`, created with the schedule's advance.

  /**
   * Creates a schedule (revision 1), or answers the existing one of that id
   * (`created` false, nothing written). Announces a `schedules` notice.
   */
  createSchedule(schedule: NewScheduleRecord, now: number): Promise<{ schedule: ScheduleRecord; created: boolean }>;
  /**
   * Writes a schedule's definition, pause state and next fire time if its
   * revision is still `revision` (then raised); undefined when it is not, or
   * there is no such schedule. Announces a `schedules` notice.
   */
  updateSchedule(update: ScheduleUpdate, revision: number, now: number): Promise<ScheduleRecord | undefined>;
  /** Deletes a schedule (its runs stay); false when there was none. Announces a `schedules` notice. */
  deleteSchedule(id: string): Promise<boolean>;
  getSchedule(id: string): Promise<ScheduleRecord | undefined>;
  /** Every schedule (of `workflow`, when given), by id. */
  listSchedules(filter?: { workflow?: string }): Promise<ScheduleRecord[]>;
  /**
   * Keeps the code-declared schedules (`source` code) of `workflows` in step
   * with `schedules`: creates those missing, rewrites those whose definition
   * changed (with their `nextFireAt`; the pause state is kept), leaves the
   * unchanged ones as they are, and deletes the code-declared schedules of
   * `workflows` not listed. One transaction; announces a `schedules` notice.
   */
  upsertCodeSchedules(workflows: string[], schedules: NewScheduleRecord[], now: number): Promise<void>;
  /**
   * Unpaused schedules of `workflows` whose next fire time is at or before
   * `now`, or whose waiting run (buffer-one) may start as their latest run
   * finished: at most `limit`, the most overdue first, with the status of
   * their latest run. PostgreSQL skips schedules another worker is firing.
   */
  listDueSchedules(now: number, limit: number, workflows: string[]): Promise<DueSchedules>;
  /**
   * Fires schedules in one transaction: each one whose revision is still
   * `fire.revision` (on PostgreSQL: and that no other worker holds, `SKIP
   * LOCKED`) has its fire state advanced, `cancelRunId` asked to cancel (a
   * poke), and `fire.runs` created (an id that exists is left). Answers, in
   * the order of `fires`, what each did: undefined when its revision moved
   * on (another worker fired it, or it changed) and nothing was written.
   */
  fireSchedules(fires: ScheduleFire[], now: number): Promise<(ScheduleFireResult | undefined)[]>;
  /**
   * Creates runs of schedule `scheduleId` outside its fire times (trigger,
   * backfill); an id that exists is left. With `lastRunId`, records it as the
   * schedule's latest run. Answers the ids created.
   * @throws BatonError `SCHEDULE_NOT_FOUND`.
   */
  createScheduledRuns(
    scheduleId: string,
    runs: NewRun[],
    lastRunId: string | undefined,
    now: number,
  ): Promise<string[]>;

  // ---- Tasks: work a run hands to task workers (see the invariants) ----

  /**
   * Leases up to `limit` queued tasks of `queues` that are available at
   * `now`, the longest available first: each gets its next attempt number,
   * a new secret, and a lease until the earlier of its timeout and its
   * heartbeat timeout.
   */
  pollTasks(request: TaskPollRecord): Promise<LeasedTaskRecord[]>;
  /**
   * Records a heartbeat of the attempt `key`: its details, and (with a
   * heartbeat timeout) a lease extended to `now` plus it, never past the
   * attempt's timeout. Answers the task and whether its run was asked to cancel.
   * @throws BatonError `TASK_NOT_FOUND`, `TASK_LEASE_LOST` (not the current attempt, or its lease lapsed), `TASK_CANCELLED`.
   */
  heartbeatTask(key: TaskKey, details: unknown, now: number): Promise<{ task: TaskRecord; cancelRequested: boolean }>;
  /**
   * Completes the attempt `key` with `output` and pokes its run (answering
   * the run's new `pokeSeq` when the store knows it). `duplicate` when that
   * attempt had completed already (nothing changed).
   * @throws BatonError `TASK_NOT_FOUND`, `TASK_LEASE_LOST`, `TASK_CANCELLED`.
   */
  completeTask(key: TaskKey, output: unknown, now: number): Promise<{ duplicate: boolean; pokeSeq?: number }>;
  /**
   * Fails the attempt `key`: queued again after the policy's backoff (or
   * `retryAfterMs`) while attempts remain and the failure is retryable,
   * otherwise failed for good, poking its run.
   * @throws BatonError `TASK_NOT_FOUND`, `TASK_LEASE_LOST`, `TASK_CANCELLED`.
   */
  failTask(key: TaskKey, failure: TaskFailureRecord, now: number): Promise<TaskFailOutcome>;
  /**
   * Ends up to `limit` leases that lapsed by `now` as failed attempts
   * (`TASK_TIMEOUT`, `TASK_HEARTBEAT_TIMEOUT`), retried or failed for good as
   * `failTask` decides. Answers how many it ended, and when the next lease
   * held then lapses (undefined when none is held).
   */
  expireTasks(now: number, limit: number, spread: () => number): Promise<{ ended: number; nextLapse?: number }>;
  /** A task, or undefined. */
  getTask(runId: string, position: number): Promise<TaskRecord | undefined>;
  /** Tasks, oldest first (by creation, run id, position). */
  listTasks(filter: TaskListFilter): Promise<TaskRecord[]>;

  // ---- Human tasks: registered by a run's write like tasks; answered by people ----

  /**
   * Records a person's answer to an open human task (completed with its
   * data, or rejected) and pokes its run. The caller checked the data. The
   * same person giving the same outcome again (a retried request) gets the
   * task as it is.
   * @throws BatonError `HUMAN_TASK_NOT_FOUND`, `HUMAN_TASK_CLOSED` (answered, timed out or cancelled already).
   */
  answerHumanTask(
    runId: string,
    position: number,
    answer: HumanTaskAnswerRecord,
    now: number,
  ): Promise<HumanTaskRecord>;
  /**
   * Times out the open human task at `position` of a held run: answers
   * undefined; when a person answered first, answers the task with the answer.
   * @throws LeaseLostError when the lease is no longer held.
   */
  closeHumanTask(lease: Lease, position: number, now: number): Promise<HumanTaskRecord | undefined>;
  /** A human task, or undefined. */
  getHumanTask(runId: string, position: number): Promise<HumanTaskRecord | undefined>;
  /** Human tasks, oldest first (by creation, run id, position). */
  listHumanTasks(filter: HumanTaskListFilter): Promise<HumanTaskRecord[]>;

  /** Announces changes made by other processes, when the store can. Returns an unsubscribe function. */
  subscribe?(listener: (notice: StoreNotice) => void): () => void;
}

/** The task verbs of a store (each backend's `<backend>-tasks.ts`). */
export type TaskVerbs = Pick<
  Store,
  "pollTasks" | "heartbeatTask" | "completeTask" | "failTask" | "expireTasks" | "getTask" | "listTasks"
>;

/** The human task verbs of a store (each backend's `<backend>-human-tasks.ts`). */
export type HumanTaskVerbs = Pick<Store, "answerHumanTask" | "closeHumanTask" | "getHumanTask" | "listHumanTasks">;

/** The schedule verbs of a store (each backend's `<backend>-schedules.ts`). */
export type ScheduleVerbs = Pick<
  Store,
  | "createSchedule"
  | "updateSchedule"
  | "deleteSchedule"
  | "getSchedule"
  | "listSchedules"
  | "upsertCodeSchedules"
  | "listDueSchedules"
  | "fireSchedules"
  | "createScheduledRuns"
>;
