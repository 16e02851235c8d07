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
 *   ends the run (a resumed run registers its open waits again). `publishEvent`
 *   gives an event to every registered wait that matches it, has received no
 *   event, is not due, and belongs to a run that is pending, running or
 *   waiting; at most one event per wait, whatever publishers race.
 *   `closeEventWait` ends a timed-out wait unless an event reached it first.
 * - All times are parameters (`now`). A store that many machines share
 *   offers its own `clock` (PostgreSQL: the database's clock), which the
 *   engine uses unless it was given one, so every worker agrees on when a
 *   timer is due and when a lease expires.
 */
import type { Clock } from "../clock.js";
import type { RecordedEvent } from "../recorded-event.js";
import type { ErrorInfo, EventMatch, RunCount, RunFilter, RunStatus, SignalWaitFilter } from "../types.js";

export type { RecordedEvent } from "../recorded-event.js";

/** A run as the store keeps it. */
export interface RunRecord {
  id: string;
  workflow: string;
  version: string;
  status: RunStatus;
  input: unknown;
  output?: unknown;
  error?: ErrorInfo;
  parentId?: string;
  createdAt: number;
  updatedAt: number;
  finishedAt?: number;
  /** Run deadline (epoch ms), when the run has a timeout. */
  deadlineAt?: number;
  timeoutMs?: number;
  /** Earliest time the run needs a worker again (a timer), when waiting. */
  wakeAt?: number;
  cancelRequested: boolean;
  /** Raised by every external change (signal, cancel, child finished). */
  pokeSeq: number;
  /** `pokeSeq` the lease holder has handled. */
  seenPokeSeq: number;
  lastSeq: number;
  leaseOwner?: string;
  leaseToken: number;
  leaseExpiresAt?: number;
}

/** What `createRun` needs. */
export interface NewRun {
  id: string;
  workflow: string;
  version: string;
  input: unknown;
  parentId?: string;
  timeoutMs?: number;
  /** History to start with (a fork copies events of its origin). `run.started` comes first. */
  history: Omit<RecordedEvent, "seq">[];
  /**
   * Created already leased to this owner (status `running`, lease token 1),
   * for a worker that executes the run at once: no claim, no notice.
   */
  lease?: { owner: string; expiresAt: number };
}

/** A worker's hold on a run. */
export interface Lease {
  runId: string;
  owner: string;
  token: number;
}

/** A signal as the store keeps it. */
export interface SignalRecord {
  id: number;
  runId: string;
  name: string;
  payload: unknown;
  sentAt: number;
}

/** A run's wait for an event, as registered with the write of its `event.waiting`. */
export interface NewEventWait {
  position: number;
  name: string;
  match?: EventMatch;
  /** When the wait times out (no event reaches it from then on). */
  dueAt?: number;
}

/** The event that reached a wait. */
export interface ReceivedEvent {
  eventId: string;
  payload: unknown;
  /** When the event was sent (epoch ms). */
  at: number;
}

/** A registered event wait of a run, with the event that reached it, once one did. */
export interface EventWaitRecord extends NewEventWait {
  received?: ReceivedEvent;
}

/** An event as the store keeps it. */
export interface EventRecord {
  id: string;
  name: string;
  payload: unknown;
  sentAt: number;
  /** Ids of the runs the event started (those asked for when it was sent). */
  started: string[];
  /** Ids of the runs whose waits received it, sorted. */
  delivered: string[];
}

/** What `publishEvent` needs. */
export interface NewEventRecord {
  id: string;
  name: string;
  payload: unknown;
  /** Runs to start with the event (an existing id is kept as it is). */
  runs: NewRun[];
}

/** Result of `publishEvent`. */
export interface PublishResult {
  /** False when an event with that id existed (nothing was written); `event` is that one. */
  created: boolean;
  event: EventRecord;
}

/** What every write of a run's progress carries. */
interface RunWriteBase {
  /** Events to append; their seqs follow the run's `lastSeq` without gaps. */
  events: RecordedEvent[];
  /** `pokeSeq` the holder has now handled. */
  seenPokeSeq?: number;
  now: number;
}

/**
 * Attempt starts (`step.started`, `compensation.started`) and nothing else
 * but the run's status and next timer when they changed. The body of an
 * attempt may wait for this write (see `sharedAcrossMachines`), so a backend
 * may commit it without waiting for the disk (PostgreSQL does): the run's
 * next write makes it durable.
 */
export interface StartsWrite extends RunWriteBase {
  kind: "starts";
  /** A status of a run that has not ended, when it changed. */
  status?: RunStatus;
  /** Next timer of the run; `null` clears it. */
  wakeAt?: number | null;
}

/** The common write of a step: events, the run's status and next timer when they changed, the signals the events consumed. */
export interface ProgressWrite extends RunWriteBase {
  kind: "progress";
  /** A status of a run that has not ended, when it changed. */
  status?: RunStatus;
  /** Next timer of the run; `null` clears it. */
  wakeAt?: number | null;
  /** Signals consumed by these events. */
  consumedSignals?: number[];
}

/**
 * The run's last write: its ended status with its output or error. It gives
 * the lease up, clears the run's timer, ends its event waits, and pokes its parent.
 */
export interface EndWrite extends RunWriteBase {
  kind: "end";
  status: RunStatus;
  output?: unknown;
  error?: ErrorInfo;
}

/** Gives the lease up (the run leaves the worker's memory, resumable by any worker), with its status and next timer. */
export interface ReleaseWrite extends RunWriteBase {
  kind: "release";
  status?: RunStatus;
  /** Next timer of the run; `null`: none. */
  wakeAt: number | null;
}

/**
 * Any other write: children to create, event waits to register or end,
 * an output, or a last write that also consumes signals.
 */
export interface FullWrite extends RunWriteBase {
  kind: "full";
  status?: RunStatus;
  output?: unknown;
  error?: ErrorInfo;
  /** Next timer of the run; `null` clears it. */
  wakeAt?: number | null;
  /** Signals consumed by these events. */
  consumedSignals?: number[];
  /**
   * Child runs to create in the same transaction. A run that exists with one
   * of their ids is kept as it is, and its id is answered in
   * `AppendResult.existingChildren` (the caller decides whether it is that child).
   */
  children?: NewRun[];
  /** Event waits to register (an existing one is kept as it is); none when the run ends. */
  eventWaits?: NewEventWait[];
  /** Positions whose event waits these events end (received or timed out). */
  endedEventWaits?: number[];
}

/**
 * One fenced write of a run's progress, one of the verbs above: the
 * worker's journal classifies each write once (`classifyWrite`), and each
 * backend implements each verb. Every one applies only under the run's lease
 * (see the invariants).
 */
export type RunWrite = StartsWrite | ProgressWrite | EndWrite | ReleaseWrite | FullWrite;

/** The fields of any verb, all optional: what a statement that serves several verbs reads. */
export type RunWriteFields = Omit<FullWrite, "kind">;

/** A run claimed by a worker, with what it needs to execute it. */
export interface ClaimedRun {
  run: RunRecord;
  lease: Lease;
  history: RecordedEvent[];
  signals: SignalRecord[];
  /** The run's registered event waits. */
  eventWaits: EventWaitRecord[];
}

/** A held run with a poke its holder has not written as handled. */
export interface PokedRun {
  runId: string;
  pokeSeq: number;
}

/** What a lease holder reads when its run was poked. */
export interface RunInbox {
  pokeSeq: number;
  cancelRequested: boolean;
  signals: SignalRecord[];
  /** Children of the run that have finished. */
  finishedChildren: RunRecord[];
  /** The run's registered event waits (those an event reached have `received`). */
  eventWaits: EventWaitRecord[];
}

/** Filter of `claimRuns`. */
export interface ClaimRequest {
  owner: string;
  now: number;
  leaseMs: number;
  limit: number;
  /** `name@version` of the workflows the worker has code for. */
  workflows: string[];
  /**
   * Runs `owner` holds without executing them (their release failed, or an
   * earlier process of the same name held them): claimable by it again. The
   * other runs it holds are never returned.
   */
  reclaim?: string[];
}

/**
 * A run claimed under `lease` whose stored rows could not be read (a value
 * that is not JSON): claimed apart from the others so that it holds none of
 * them up. The worker fails it.
 */
export interface UnreadableRun {
  lease: Lease;
  /** The run's `lastSeq` as stored. */
  lastSeq: number;
  parentId?: string;
  /** Why it could not be read. */
  error: unknown;
}

/** Result of `claimRuns`. */
export interface ClaimResult {
  runs: ClaimedRun[];
  /** Runs claimed too whose rows could not be read; absent when there are none. */
  unreadable?: UnreadableRun[];
  /** Earliest timer of a waiting run no worker holds (for the workflows asked), if any. */
  nextWakeAt?: number;
}

/**
 * A change another process made, announced by a store that can (PostgreSQL
 * LISTEN/NOTIFY): `runnable` (a run was created, resumed or given up),
 * `poked` (a signal, event, cancel or finished child for `runId`), `wake` (a run
 * left memory with a timer due at `at`), `reconnected` (notices may have been
 * missed: look again).
 */
export type StoreNotice =
  | { kind: "runnable" }
  | { kind: "poked"; runId: string; pokeSeq?: number }
  | { kind: "wake"; at: number }
  | { kind: "reconnected" };

/** Result of `appendHistory`. */
export interface AppendResult {
  /**
   * Ids of `write.children` that were not created because a run with that id
   * existed. After a write whose commit the store could only confirm later
   * (an ambiguous failure), every child id of the write is listed.
   */
  existingChildren?: string[];
}

/** An open signal wait of a run, as `listSignalWaits` reads it (times in epoch milliseconds). */
export interface SignalWaitRecord {
  runId: string;
  workflow: string;
  version: string;
  runStatus: RunStatus;
  position: number;
  name: string;
  /** Time of the `signal.waiting` event. */
  since: number;
  dueAt?: number;
}

/** An event that starts runs of a workflow version, as registered. */
export interface SubscriptionEntry {
  /** Name of the event. */
  event: string;
  /** Top-level payload fields the event must hold (see `EventMatch`); absent: any payload. */
  match?: EventMatch;
}

/**
 * What a worker tells senders about one workflow version it serves, written
 * when it starts (`registerWorkflows`). JSON Schemas are absent when the
 * workflow's Standard Schema could not export one.
 */
export interface WorkflowRegistration {
  workflow: string;
  version: string;
  /** Limit of a run of it (ms), when it has one. */
  timeoutMs?: number;
  /** JSON Schema of its input. */
  inputSchema?: Record<string, unknown>;
  /** JSON Schemas of its declared signals, by signal name. */
  signalSchemas?: Record<string, Record<string, unknown>>;
  /** The events that start a run of it. */
  subscriptions: SubscriptionEntry[];
}

/** A subscription of the newest registered version of a workflow, with what a sender needs to start it. */
export interface SubscriptionRecord extends SubscriptionEntry {
  workflow: string;
  version: string;
  timeoutMs?: number;
  inputSchema?: Record<string, unknown>;
}

/** What the store knows of the workflow of a run, for checking a signal's payload. */
export interface SignalTarget {
  workflow: string;
  version: string;
  /** The stored JSON Schema of the signal, when a worker registered one for that version. */
  schema?: Record<string, unknown>;
}

/** Result of `createRun`. */
export interface CreateRunResult {
  run: RunRecord;
  /** False when a run with that id existed already (nothing was written). */
  created: boolean;
}

/** Storage of runs, history, signals and events. See the invariants above. */
export interface Store {
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

  /** Creates a run in status `pending` with its first history, or returns the existing one. */
  createRun(run: NewRun, now: number): Promise<CreateRunResult>;
  getRun(id: string): Promise<RunRecord | undefined>;
  listRuns(filter: RunFilter): Promise<{ runs: RunRecord[]; nextCursor?: string }>;
  /** Runs by workflow, version and status. */
  countRuns(): Promise<RunCount[]>;
  getHistory(runId: string): Promise<RecordedEvent[]>;
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
   * @throws BatonError `RUN_NOT_FOUND`, or `RUN_FINISHED` when the run has ended.
   */
  sendSignal(runId: string, name: string, payload: unknown, now: number): Promise<void>;
  /**
   * Stores an event, unless one with its id exists (then nothing is written);
   * gives it to the matching event waits (see the invariants), pokes their
   * runs, and creates `event.runs`.
   */
  publishEvent(event: NewEventRecord, now: number): Promise<PublishResult>;
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
    event: Omit<RecordedEvent, "seq">,
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
   * that one already); pokes the parent when the child has ended. True when
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

  /** Announces changes made by other processes, when the store can. Returns an unsubscribe function. */
  subscribe?(listener: (notice: StoreNotice) => void): () => void;
}
