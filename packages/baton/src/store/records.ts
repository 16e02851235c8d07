/**
 * The records the store's verbs take and answer: runs, leases, signals,
 * events and their waits, claims, inboxes, signal waits and registrations,
 * as the store keeps them (times in epoch milliseconds). Never public: the
 * engine maps them to the domain types of types.ts.
 */
import type { HistoryRecord } from "../history-record.js";
import type { ErrorInfo, EventMatch, RunStatus } from "../types.js";
import type { HumanTaskRecord } from "./human-task-records.js";
import type { TaskRecord } from "./task-records.js";

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
  /** Queue of the run (`default`: no limits). */
  queue: string;
  /** Key of the run's per-key limits, when it has one. */
  concurrencyKey?: string;
  /** Higher first among runnable runs of a queue. */
  priority: number;
  /** When a worker first took the run. */
  startedAt?: number;
  /** Raised by every external change (signal, cancel, child finished). */
  pokeSeq: number;
  /** `pokeSeq` the lease holder has handled. */
  seenPokeSeq: number;
  lastSeq: number;
  leaseOwner?: string;
  leaseToken: number;
  leaseExpiresAt?: number;
  /** The schedule that started the run. */
  scheduleId?: string;
  /** The fire time the run is for. */
  scheduledAt?: number;
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
  history: Omit<HistoryRecord, "seq">[];
  /** Queue of the run. Default `default`. */
  queue?: string;
  /** Key of the run's per-key limits. */
  concurrencyKey?: string;
  /** Higher first; default 0. */
  priority?: number;
  /** No worker takes the run before this time (a delayed start or a debounce). */
  startAt?: number;
  /**
   * Debounce key: when a run of the workflow with this key is pending and no
   * worker took it yet, that run takes this input and `startAt` instead, and
   * no run is created.
   */
  debounceKey?: string;
  /**
   * Created already leased to this owner (status `running`, lease token 1),
   * for a worker that executes the run at once: no claim, no notice.
   */
  lease?: { owner: string; expiresAt: number };
  /** The schedule that starts the run, and the fire time it is for. */
  scheduleId?: string;
  scheduledAt?: number;
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

/** What `sendEvent` needs. */
export interface NewEventRecord {
  id: string;
  name: string;
  payload: unknown;
  /** Runs to start with the event (an existing id is kept as it is). */
  runs: NewRun[];
}

/** Result of `sendEvent`. */
export interface SendEventResult {
  /** False when an event with that id existed (nothing was written); `event` is that one. */
  created: boolean;
  event: EventRecord;
}

/** A run claimed by a worker, with what it needs to execute it. */
export interface ClaimedRun {
  run: RunRecord;
  lease: Lease;
  history: HistoryRecord[];
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
  /** The run's tasks that completed or failed for good and whose outcome its history does not hold yet. */
  finishedTasks: TaskRecord[];
  /** The run's human tasks a person answered, whose answer its history does not hold yet. */
  answeredHumanTasks: HumanTaskRecord[];
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
   * Named queues the worker takes runs of, within the limits the store holds
   * for them (see `registerQueues`). Runs of the `default` queue are always taken.
   */
  queues?: string[];
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
 * missed: look again), `schedules` (a schedule was created, changed or deleted).
 */
export type StoreNotice =
  | { kind: "runnable" }
  | { kind: "task"; queue: string }
  | { kind: "schedules" }
  | { kind: "definitions" }
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
  /** The run a finish handed its queue slot on to (see `SlotHandoff`), now leased to the writer. */
  handedOff?: ClaimResult;
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
  /** Queue of its runs, when not `default`. */
  queue?: string;
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
  queue?: string;
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
  /** False when a run with that id existed already (nothing was written), or a debounced run took the input. */
  created: boolean;
  /** True when a pending run of the same debounce key took the input and start time. */
  debounced?: boolean;
}

/** The limits of a named queue, as a worker declares them (`registerQueues`). */
export interface QueueLimits {
  name: string;
  /** Runs of the queue executing at once, across every worker. */
  concurrency?: number;
  /** Runs of one concurrency key executing at once. */
  perKey?: number;
  /** Starts per `periodMs`, for the queue or (`perKey`) for each key. */
  rateLimit?: { limit: number; periodMs: number; perKey: boolean };
  /** A waiting run keeps its slot. */
  holdWhileWaiting: boolean;
}

/** A registered queue, with who declared its limits last and when. */
export interface QueueRecord extends QueueLimits {
  registeredBy: string;
  registeredAt: number;
}

/** A queue as `listQueues` reads it: its limits and its runs now. */
export interface QueueStateRecord extends QueueRecord {
  pending: number;
  /** Runs holding a slot (executing, or waiting under `holdWhileWaiting`). */
  running: number;
  /** Runs started within the rate window that ends now. */
  startedInWindow: number;
  /** Runs of the queue that finished in the minute that ends now. */
  finishedLastMinute: number;
  /** Creation time of the oldest pending run. */
  oldestPendingAt?: number;
}
