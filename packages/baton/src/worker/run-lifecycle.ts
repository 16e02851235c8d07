/**
 * The state and lifecycle of one run in a worker's memory: its journal,
 * runtime and waits, its lease, and how it stops, leaves memory or ends.
 * `RunExecutor` (run-executor.ts) adds the work: the calls the runtime asks
 * for and what happens when the workflow function settles.
 */

import type { Clock } from "../clock.js";
import { BatonError, LeaseLostError } from "../errors.js";
import { nextTurn } from "../next-turn.js";
import { type CallOutcome, foldHistory, type HistoryState } from "../runtime/history-state.js";
import {
  type IssuedCall,
  type RuntimeHost,
  type RuntimeOutcome,
  WorkflowRuntime,
} from "../runtime/workflow-runtime.js";
import type { SchemaIssue } from "../schema-check.js";
import type { ClaimedRun, ClaimResult, HistoryRecord, Lease, SignalRecord } from "../store/store.js";
import type { RunStatus } from "../types.js";
import type { Workflow } from "../workflow.js";
import { ChildWaits } from "./child-waits.js";
import { ClockWaits } from "./clock-waits.js";
import { EventWaits } from "./event-waits.js";
import type { ExecutorHost } from "./executor-host.js";
import { failureHandlerRun } from "./failure-handler.js";
import type { HumanTaskWaits } from "./human-task-waits.js";
import { type QueueSlot, queueSlotOf } from "./queue-slot.js";
import {
  type JournalCreation,
  type JournalExtras,
  type JournalHooks,
  type Recorded,
  RunJournal,
} from "./run-journal.js";
import { type SignalHost, SignalWaits } from "./signal-waits.js";
import { InFlightAttempts } from "./step-attempts.js";
import { mayHaveOpenTasks, type TaskWaits } from "./task-waits.js";

type NewEvent = Omit<HistoryRecord, "seq" | "at">;

/** One run in a worker's memory: state and lifecycle (see `RunExecutor` for the work). */
export abstract class RunLifecycle implements JournalHooks, RuntimeHost, SignalHost {
  readonly runId: string;
  readonly parentId?: string;
  readonly clock: Clock;
  readonly waits: ClockWaits;
  readonly inFlight = new InFlightAttempts();
  readonly startsBeforeBody: boolean;
  /** Outcomes of calls, recorded or live, with the seq that recorded them. */
  readonly outcomes = new Map<number, { seq: number; outcome: CallOutcome }>();
  /** Last time the run made progress (for eviction order). */
  lastActive: number;
  /**
   * When this worker's lease on the run ends at the latest (`performance.now()`
   * time), as of the last claim or renewal: no attempt starts after it.
   */
  leaseUntil: number;
  protected readonly journal: RunJournal;
  protected readonly state: HistoryState;
  protected readonly runtime: WorkflowRuntime;
  protected readonly signals: SignalWaits;
  /** Made on first use (most runs wait for no event and start no child): see `events`, `children`. */
  protected eventMatcher?: EventWaits;
  protected childWaits?: ChildWaits;
  protected taskWaits?: TaskWaits;
  protected humanTaskWaits?: HumanTaskWaits;
  protected readonly lease: Lease;
  /** Final step failures recorded after the workflow settled (a resume retries them). */
  protected readonly lateFailures: number[] = [];
  /** The position of the call whose failure failed the run (for its failure handler). */
  protected failedPosition?: number;
  /** Not in the store yet: the journal's first write creates the run. */
  protected readonly creating: boolean;
  protected isStopped = false;
  protected isDraining = false;
  protected phase: "running" | "compensating" | "finished" = "running";
  protected cancelRecorded: boolean;
  protected refreshing?: Promise<void>;
  protected refreshAgain = false;
  /** The highest `pokeSeq` a notice or `pokedRuns` announced. */
  protected wantedPokeSeq = 0;
  private readonly slot?: QueueSlot; // of a named queue: let go while waiting, handed on at the finish
  /** The run's id and the input its workflow function gets. */
  protected readonly runInput: { id: string; input: unknown; scheduledAt?: number };

  constructor(
    protected readonly host: ExecutorHost,
    protected readonly workflow: Workflow,
    claimed: ClaimedRun,
    leaseUntil: number,
    creation?: JournalCreation,
  ) {
    this.creating = creation !== undefined;
    this.leaseUntil = leaseUntil;
    this.runId = claimed.run.id;
    this.parentId = claimed.run.parentId;
    this.clock = host.clock;
    this.startsBeforeBody = host.store.sharedAcrossMachines;
    this.slot = queueSlotOf(host, claimed.run.queue, this);
    this.waits = new ClockWaits(host.clock);
    this.lastActive = host.clock.now();
    this.state = foldHistory(claimed.history);
    this.cancelRecorded = this.state.cancelRequested;
    for (const call of this.state.calls.values()) {
      if (call.outcome) this.outcomes.set(call.position, { seq: call.outcomeSeq as number, outcome: call.outcome });
    }
    // The executor keeps `lease`, not `claimed`: the claimed history and run record are not kept in memory.
    this.lease = claimed.lease;
    this.journal = new RunJournal(host.store, this.lease, host.clock, claimed.run, this, creation);
    // The executor is the host of its journal, runtime and signal matcher
    // (rather than objects of closures: a run in memory keeps fewer objects).
    this.runInput = { id: claimed.run.id, input: claimed.run.input, scheduledAt: claimed.run.scheduledAt };
    this.runtime = new WorkflowRuntime(workflow, this.runInput, this.state, this);
    this.signals = new SignalWaits(this.state.consumedSignals, this, workflow.options.signals);
    this.signals.add(claimed.signals);
    if (claimed.eventWaits.length > 0) this.events.add(claimed.eventWaits);
    if (claimed.run.deadlineAt !== undefined) this.armDeadline(claimed.run.deadlineAt);
    if (claimed.run.cancelRequested && !this.cancelRecorded) this.cancel();
  }

  /** The run's event waits, made on first use. */
  protected get events(): EventWaits {
    this.eventMatcher ??= new EventWaits({
      active: () => !this.isStopped && this.phase === "running" && !this.runtime.settled,
      recording: () => !this.isStopped && !this.isDraining,
      waits: this.waits,
      register: (wait) => this.journal.note({ eventWaits: [wait] }),
      close: (position) => this.host.store.closeEventWait(this.lease, position),
      resolve: (call, outcome, extras, event) => this.resolveCall(call.position, outcome, extras, event),
      failed: (error) => this.fail(error),
    });
    return this.eventMatcher;
  }

  /** The run's children, made on first use. */
  protected get children(): ChildWaits {
    this.childWaits ??= new ChildWaits({
      runId: this.runId,
      clock: this.host.clock,
      workflows: this.host.workflows,
      stopped: () => this.isStopped,
      started: (event, child) =>
        this.deliverAfter(this.record(event, child && { children: [child] }).committed, () => this.host.childCreated()),
      resolve: (position, outcome, event) => this.resolveCall(position, outcome, {}, event),
      refresh: () => void this.refresh(),
      store: this.host.store,
      failed: (error) => this.fail(error),
    });
    return this.childWaits;
  }

  /** Something the run waits for besides its timers: a signal, an event, a child, a task or a person. */
  protected get awaitsOthers(): boolean {
    return (
      this.signals.waiting ||
      (this.eventMatcher?.waiting ?? false) ||
      (this.childWaits?.size ?? 0) > 0 ||
      (this.taskWaits?.waiting ?? false) ||
      (this.humanTaskWaits?.waiting ?? false)
    );
  }

  // ---- what the journal, the runtime and the signal matcher ask of the run ----

  /** Status and next wake-up to write (`JournalHooks`). */
  snapshot(): { status: RunStatus | undefined; wakeAt: number | undefined } {
    const status = this.status();
    if (status === "waiting") this.slot?.waiting();
    return { status, wakeAt: this.waits.next() };
  }

  /** A write failed (`JournalHooks`): the run leaves memory. */
  writeFailed(error: unknown): void {
    this.fail(error);
  }

  /** A write found runs holding the ids of children it was to create (`JournalHooks`). */
  childrenExisted(ids: string[]): void {
    this.children.check(ids);
    void this.refresh(); // a child this run asked for again (same id) may have finished already
  }

  /** The run's finish handed its queue slot on (`JournalHooks`). */
  handedOff(runs: ClaimResult, sentAt: number): void {
    this.slot?.handedOff(runs, sentAt);
  }

  /** True when the run only waits (nothing running): it may leave memory. */
  get evictable(): boolean {
    return (
      !this.isStopped &&
      this.phase === "running" &&
      !this.runtime.settled &&
      this.inFlight.size === 0 &&
      this.journal.idle &&
      (this.waits.size > 0 || this.awaitsOthers)
    );
  }

  /** True when nothing of the run is under way: no step body, no write, no read of its inbox. */
  get idle(): boolean {
    return this.inFlight.alone && this.journal.uncommitted() === undefined && !this.refreshing;
  }

  /** The run's next timer (sleep, retry, timeout or deadline), if any. */
  get nextWakeAt(): number | undefined {
    return this.waits.next();
  }

  stopped(): boolean {
    return this.isStopped;
  }

  leaseHeld(): boolean {
    // A margin for the difference between this worker's clock and the others'.
    const margin = Math.min(1000, this.host.leaseMs / 10);
    if (performance.now() < this.leaseUntil - margin) return true;
    this.leaseLost();
    return false;
  }

  draining(): boolean {
    return this.isDraining;
  }

  runSettled(): boolean {
    return this.runtime.settled;
  }

  uncommitted(): Promise<void> | undefined {
    return this.journal.uncommitted();
  }

  /** Records `event`, taking the object (see `RunJournal.record`). */
  record(event: NewEvent & { at?: number }, extras?: JournalExtras): Recorded {
    const recorded = this.journal.record(event, extras);
    this.lastActive = recorded.at;
    return recorded;
  }

  /**
   * Starts no new work from now on (no attempt, timer or signal): the worker
   * is stopping. Attempts in flight go on; `release` follows.
   */
  drain(): void {
    this.isDraining = true;
  }

  /**
   * Leaves memory, keeping the run resumable: in-flight attempts get until
   * `deadline` (epoch ms) to finish, then the lease is given up.
   */
  async release(deadline?: number): Promise<void> {
    if (this.isStopped) return;
    this.drain();
    if (deadline !== undefined && this.inFlight.size > 0) {
      await Promise.race([
        this.inFlight.idle(),
        new Promise((resolve) => setTimeout(resolve, Math.max(0, deadline - Date.now()))),
      ]);
    }
    await nextTurn(); // outcomes of the attempts that just ended get recorded
    await this.journal.settled();
    if (this.isStopped) return;
    const wakeAt = this.waits.next();
    const status = this.status();
    this.stop(new BatonError("WORKER_STOPPED", "the worker is stopping"));
    try {
      await this.journal.release(status, wakeAt);
    } catch (error) {
      if (!(error instanceof LeaseLostError)) this.host.log(`could not release run "${this.runId}"`, error);
    }
    this.host.detached(this.runId, undefined);
  }

  /** Another worker holds the run now: stop at once (in-flight attempts are aborted) and leave memory. */
  leaseLost(): void {
    if (this.isStopped || this.isDraining || this.phase === "finished") return;
    this.fail(new LeaseLostError(this.runId));
  }

  /** Records the cancellation; the run stops at its next delivery. */
  cancel(): void {
    if (this.cancelRecorded || this.isStopped || this.phase !== "running" || this.runtime.settled) return;
    this.cancelRecorded = true;
    const { seq, at } = this.record({ type: "run.cancel_requested" });
    this.runtime.deliver({ kind: "cancel", seq, at });
  }

  /** Records the run's last event and status, then leaves memory. */
  async finish(status: RunStatus, event: NewEvent, fields: JournalExtras = {}): Promise<void> {
    if (this.isStopped) return;
    this.phase = "finished";
    const handoff = this.slot?.handoff();
    const extras: JournalExtras = { ...fields, status, ...(handoff ? { handoff } : {}) };
    const handler = this.failureHandler(status, fields.error);
    if (handler) extras.children = [...(extras.children ?? []), handler];
    if (mayHaveOpenTasks(this.state, this.taskWaits?.made || this.humanTaskWaits?.made)) extras.cancelTasks = true;
    await this.record(event, extras).committed;
    this.journal.close();
    this.isStopped = true;
    const { output, error } = fields;
    this.host.detached(this.runId, { status, output, error, parentId: this.parentId, handedOn: this.slot?.handedOn });
  }

  /** The failure handler run this run's end creates, if any (see failure-handler.ts). */
  private failureHandler(status: RunStatus, error: JournalExtras["error"]) {
    if (status !== "failed" && status !== "compensated") return undefined;
    const call = this.failedPosition === undefined ? undefined : this.runtime.calls[this.failedPosition];
    const run = { id: this.runId, parentId: this.parentId, workflow: this.workflow, input: this.runInput.input };
    const failedStep = call ? { position: call.position, name: call.name } : undefined;
    return failureHandlerRun(
      { ...run, status, ...(error ? { error } : {}), ...(failedStep ? { failedStep } : {}) },
      this.host.onFailure,
      this.host.workflows,
      this.clock.now(),
    );
  }

  // ---- state ------------------------------------------------------------------

  protected status(): RunStatus | undefined {
    if (this.phase === "compensating") return "compensating";
    if (this.phase === "finished") return undefined;
    if (this.inFlight.size > 0) return "running";
    const waiting = this.waits.size > 0 || this.awaitsOthers;
    return waiting && !this.runtime.settled ? "waiting" : "running";
  }

  /** Stops all work of this run in this worker. */
  protected stop(reason: unknown): void {
    this.isStopped = true;
    this.dropWork(() => reason);
  }

  /** Cancels every wait and aborts the attempts in flight (with `reason()`, made only if there are some). */
  protected dropWork(reason: () => unknown): void {
    this.waits.cancelAll();
    this.signals.clearWaits();
    this.eventMatcher?.clearWaits();
    this.childWaits?.clear();
    this.taskWaits?.clearWaits();
    this.humanTaskWaits?.clearWaits();
    if (this.inFlight.size > 0) this.inFlight.abortAll(reason());
  }

  /** The lease is gone or the store refused a write: drop the run from memory. */
  protected fail(error: unknown): void {
    if (this.isStopped) return;
    this.stop(error);
    this.journal.close();
    this.host.detached(this.runId, undefined, error instanceof LeaseLostError ? undefined : error);
  }

  /** Waits until every event recorded so far is committed; false when the run stopped instead. */
  protected async committed(): Promise<boolean> {
    const ok = await this.journal.uncommitted()?.then(
      () => true,
      () => false,
    );
    return ok !== false && !this.isStopped;
  }

  protected deliverAfter(committed: Promise<void>, deliver: () => void): void {
    committed.then(deliver, () => {});
  }

  /** Records `event` (taking the object) as the outcome of the call at `position` and delivers it. */
  protected resolveCall(position: number, outcome: CallOutcome, extras: JournalExtras, event: NewEvent): void {
    event.position = position;
    const { seq, at } = this.record(event, extras);
    this.outcomes.set(position, { seq, outcome });
    this.runtime.deliver({ kind: "call", seq, at, position, outcome });
  }

  // ---- the work, done by `RunExecutor` ------------------------------------------

  /** Reads what changed for the run (see `RunExecutor.refresh`). */
  abstract refresh(pokeSeq?: number): Promise<void>;
  /** Arms the run's deadline: at it, the run times out. */
  protected abstract armDeadline(deadlineAt: number): void;
  abstract startCall(call: IssuedCall): void;
  abstract handlerRegistered(name: string): void;
  /** Records that the code applied a patch (`RuntimeHost`). */
  patchApplied(id: string): void {
    this.record({ type: "patch.applied", name: id });
  }
  abstract workflowSettled(outcome: RuntimeOutcome): void;
  abstract quiet(): void;
  abstract now(): number;
  abstract stepKey(): string | undefined;
  abstract digest(text: string): Uint8Array;
  abstract signalsActive(): boolean;
  abstract handlerNames(): string[];
  abstract resolveSignal(call: IssuedCall, outcome: CallOutcome, extras: JournalExtras, event: NewEvent): void;
  abstract refuseSignal(signal: SignalRecord, issues: SchemaIssue[]): void;
  abstract checkFailed(error: unknown): void;
  abstract deliverToHandler(name: string, payload: unknown, signalId: number): void;
}
