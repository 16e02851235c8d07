/**
 * Executes one claimed run: does the real work the runtime asks for (steps,
 * timers, signal and event waits, children), records it through the run's
 * journal, and delivers results back to the workflow in order.
 *
 * Invariants:
 * - A result is delivered to the workflow as soon as its history event is
 *   recorded, so the code runs ahead to its next durable call while the
 *   write is under way; the start of that call then shares the write.
 * - Nothing outside the run's memory happens before the events that led to
 *   it are committed: a step body starts only after every event recorded
 *   before its start (see `runAttempts`), a child is claimed only after its
 *   row is written, children are cancelled only after the run's end is. If
 *   a write fails, the run leaves memory and is executed again from what
 *   was committed, so the code's run-ahead is never seen.
 * - Nothing new starts after a cancel was recorded or while the worker stops.
 * - Once the lease is lost or given up, nothing more is written.
 */

import { createHash } from "node:crypto";
import type { Clock } from "../clock.js";
import { BatonError, LeaseLostError, ValidationError } from "../errors.js";
import { roundTrip, toErrorInfo } from "../json.js";
import { nextTurn } from "../next-turn.js";
import { stepRetryPolicy } from "../retry-policy.js";
import { type CallOutcome, foldHistory, type HistoryState } from "../runtime/history-state.js";
import {
  type IssuedCall,
  type RuntimeHost,
  type RuntimeOutcome,
  WorkflowRuntime,
} from "../runtime/workflow-runtime.js";
import type { SchemaIssue } from "../schema-check.js";
import type { ClaimedRun, HistoryRecord, Lease, SignalRecord, Store } from "../store/store.js";
import type { ErrorInfo, RunStatus } from "../types.js";
import { validateInput } from "../validate-input.js";
import type { StepContext, Workflow } from "../workflow.js";
import { ChildWaits } from "./child-waits.js";
import { ClockWaits } from "./clock-waits.js";
import { compensateRun } from "./compensate-run.js";
import { EventWaits } from "./event-waits.js";
import {
  type JournalCreation,
  type JournalExtras,
  type JournalHooks,
  type Recorded,
  RunJournal,
} from "./run-journal.js";
import { type SignalHost, SignalWaits } from "./signal-waits.js";
import {
  type AttemptHost,
  type AttemptOutcome,
  currentStepKey,
  InFlightAttempts,
  runAttempts,
} from "./step-attempts.js";

/** How a run ended, as its last write recorded it. */
export interface RunEnd {
  status: RunStatus;
  output?: unknown;
  error?: ErrorInfo;
  parentId?: string;
}

/** What an executor needs from its worker. */
export interface ExecutorHost {
  store: Store;
  clock: Clock;
  /** Length of a lease, in ms. */
  leaseMs: number;
  /** Registered workflows by name. */
  workflows: Map<string, Workflow>;
  /**
   * The run left this worker: finished (with how it ended), released, or
   * lost; `error` when it stopped on an error other than a lost lease (the
   * worker logs it and tries the run again later).
   */
  detached(runId: string, end: RunEnd | undefined, error?: unknown): void;
  /** A child run was created: claim it soon. */
  childCreated(): void;
  /** Cancels child run `childId` of `parentId` (ignoring runs that have ended, and a run of another parent). */
  cancelChild(childId: string, parentId: string): Promise<void>;
  log(message: string, error?: unknown): void;
}

type NewEvent = Omit<HistoryRecord, "seq" | "at">;

/** No fields besides the event (shared: the journal only reads them). */
const noExtras: JournalExtras = Object.freeze({});

/** One run in a worker's memory. */
export class RunExecutor implements AttemptHost, JournalHooks, RuntimeHost, SignalHost {
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
  private readonly journal: RunJournal;
  private readonly state: HistoryState;
  private readonly runtime: WorkflowRuntime;
  private readonly signals: SignalWaits;
  /** Made on first use (most runs wait for no event and start no child): see `events`, `children`. */
  private eventMatcher?: EventWaits;
  private childWaits?: ChildWaits;
  private readonly lease: Lease;
  /** Final step failures recorded after the workflow settled (a resume retries them). */
  private readonly lateFailures: number[] = [];
  /** Not in the store yet: the journal's first write creates the run. */
  private readonly creating: boolean;
  private isStopped = false;
  private isDraining = false;
  private phase: "running" | "compensating" | "finished" = "running";
  private cancelRecorded: boolean;
  private refreshing?: Promise<void>;
  private refreshAgain = false;
  /** The highest `pokeSeq` a notice or `pokedRuns` announced. */
  private wantedPokeSeq = 0;
  /** The run's id and the input its workflow function gets. */
  private readonly runInput: { id: string; input: unknown };

  constructor(
    private readonly host: ExecutorHost,
    private readonly workflow: Workflow,
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
    this.runInput = { id: claimed.run.id, input: claimed.run.input };
    this.runtime = new WorkflowRuntime(workflow, this.runInput, this.state, this);
    this.signals = new SignalWaits(this.state.consumedSignals, this, workflow.options.signals);
    this.signals.add(claimed.signals);
    if (claimed.eventWaits.length > 0) this.events.add(claimed.eventWaits);
    if (claimed.run.deadlineAt !== undefined) this.armDeadline(claimed.run.deadlineAt);
    if (claimed.run.cancelRequested && !this.cancelRecorded) this.cancel();
  }

  /** The run's event waits, made on first use. */
  private get events(): EventWaits {
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
  private get children(): ChildWaits {
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

  /** Something the run waits for besides its timers: a signal, an event or a child. */
  private get awaitsOthers(): boolean {
    return this.signals.waiting || (this.eventMatcher?.waiting ?? false) || (this.childWaits?.size ?? 0) > 0;
  }

  // ---- what the journal, the runtime and the signal matcher ask of the run ----

  /** Status and next wake-up to write (`JournalHooks`). */
  snapshot(): { status: RunStatus | undefined; wakeAt: number | undefined } {
    return { status: this.status(), wakeAt: this.waits.next() };
  }

  /** A write failed (`JournalHooks`): the run leaves memory. */
  writeFailed(error: unknown): void {
    this.fail(error);
  }

  /** A write found runs holding the ids of children it was to create (`JournalHooks`). */
  childrenExisted(ids: string[]): void {
    this.children.check(ids);
    void this.refresh(); // a child this run asked for again (same id) may have ended already
  }

  /** `ctx.onSignal` was registered (`RuntimeHost`): pending signals may go to it now. */
  handlerRegistered(): void {
    this.signals.match();
  }

  /** The workflow function settled (`RuntimeHost`). */
  workflowSettled(outcome: RuntimeOutcome): void {
    void this.settle(outcome).catch((error) => this.fail(error));
  }

  /** Every queued resolution was delivered (`RuntimeHost`). */
  quiet(): void {
    this.journal.sync();
  }

  /** The time now (`RuntimeHost`). */
  now(): number {
    return this.clock.now();
  }

  /** The key of the step whose body is executing here (`RuntimeHost`). */
  stepKey(): string | undefined {
    return currentStepKey(this.runId, this.inFlight);
  }

  /** SHA-256 of `text` (`RuntimeHost`). */
  digest(text: string): Uint8Array {
    return createHash("sha256").update(text).digest();
  }

  /** False once the run stopped or settled (`SignalHost`). */
  signalsActive(): boolean {
    return !this.isStopped && this.phase === "running" && !this.runtime.settled;
  }

  /** Signal names with an `onSignal` handler (`SignalHost`). */
  handlerNames(): string[] {
    return this.runtime.handlerNames();
  }

  /** Records and delivers the outcome of a signal wait (`SignalHost`). */
  resolveSignal(call: IssuedCall, outcome: CallOutcome, extras: JournalExtras, event: NewEvent): void {
    this.resolveCall(call.position, outcome, extras, event);
  }

  /** Records a refused signal, consuming it (`SignalHost`). */
  refuseSignal(signal: SignalRecord, issues: SchemaIssue[]): void {
    this.record(
      { type: "signal.refused", name: signal.name, payload: signal.payload, issues, signalId: signal.id },
      { consumedSignals: [signal.id] },
    );
  }

  /** A schema threw while checking a signal (`SignalHost`): the run stops and is tried again later. */
  checkFailed(error: unknown): void {
    this.fail(error);
  }

  /** Records a signal and gives it to its handler (`SignalHost`). */
  deliverToHandler(name: string, payload: unknown, signalId: number): void {
    const { seq, at } = this.record(
      { type: "signal.received", name, payload, signalId },
      { consumedSignals: [signalId] },
    );
    this.runtime.deliver({ kind: "handler", seq, at, name, payload });
  }

  /** Starts (or re-executes) the workflow function. */
  start(): void {
    // A run not in the store yet is created by the first write, whatever the
    // code records; taken before the code runs, that write is what its first
    // step body waits for.
    if (this.creating) void this.journal.flush().catch(() => {});
    if (this.state.inputUnchecked && this.workflow.options.input) {
      void this.startChecked().catch((error) => this.fail(error));
      return;
    }
    this.runtime.start();
    if (this.journal.pokeUnwritten) void this.refresh();
  }

  /** Starts a run whose input no schema checked yet (see `HistoryState.inputUnchecked`): refused, it fails. */
  private async startChecked(): Promise<void> {
    let input: unknown;
    try {
      input = await validateInput(this.workflow, this.runInput.input);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      const info = toErrorInfo(error);
      this.waits.cancelAll(); // the run's deadline
      await this.finish("failed", { type: "run.failed", error: info }, { error: info });
      return;
    }
    if (this.isStopped) return;
    this.runInput.input = input;
    this.runtime.start();
    if (this.journal.pokeUnwritten) void this.refresh();
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
   * Reads what changed for this run (signals, cancel, finished children), as
   * of `pokeSeq` when the poke's seq is known: a poke already read is not
   * read again, and one that comes while a read is under way waits for it and
   * is read after it only when that read did not see it.
   */
  refresh(pokeSeq?: number): Promise<void> {
    if (pokeSeq !== undefined) {
      if (this.journal.handledPokeSeq >= pokeSeq) return this.refreshing ?? Promise.resolve();
      this.wantedPokeSeq = Math.max(this.wantedPokeSeq, pokeSeq);
    }
    if (this.refreshing) {
      if (pokeSeq === undefined) this.refreshAgain = true;
      return this.refreshing;
    }
    this.refreshing = (async () => {
      do {
        this.refreshAgain = false;
        const inbox = await this.host.store.readInbox(this.runId);
        if (this.isStopped) return;
        if (inbox.cancelRequested) this.cancel();
        this.signals.add(inbox.signals);
        this.signals.match();
        if (inbox.eventWaits.length > 0 || this.eventMatcher) {
          this.events.add(inbox.eventWaits);
          this.events.match();
        }
        for (const child of inbox.finishedChildren) this.children.finished(child);
        this.journal.handledPoke(inbox.pokeSeq);
      } while ((this.refreshAgain || this.wantedPokeSeq > this.journal.handledPokeSeq) && !this.isStopped);
    })().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
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

  /** Enters the compensating phase (the next write records the status). */
  beginCompensation(): void {
    this.phase = "compensating";
  }

  /** Records a compensation event; resolves once committed. */
  recordCompensation(event: NewEvent): Promise<void> {
    return this.record(event).committed;
  }

  /** Records the run's last event and status, then leaves memory. */
  async finish(status: RunStatus, event: NewEvent, fields: JournalExtras = {}): Promise<void> {
    if (this.isStopped) return;
    this.phase = "finished";
    await this.record(event, { ...fields, status }).committed;
    this.journal.close();
    this.isStopped = true;
    this.host.detached(this.runId, { status, output: fields.output, error: fields.error, parentId: this.parentId });
  }

  // ---- state ------------------------------------------------------------------

  private status(): RunStatus | undefined {
    if (this.phase === "compensating") return "compensating";
    if (this.phase === "finished") return undefined;
    if (this.inFlight.size > 0) return "running";
    const waiting = this.waits.size > 0 || this.awaitsOthers;
    return waiting && !this.runtime.settled ? "waiting" : "running";
  }

  /** Stops all work of this run in this worker. */
  private stop(reason: unknown): void {
    this.isStopped = true;
    this.dropWork(() => reason);
  }

  /** Cancels every wait and aborts the attempts in flight (with `reason()`, made only if there are some). */
  private dropWork(reason: () => unknown): void {
    this.waits.cancelAll();
    this.signals.clearWaits();
    this.eventMatcher?.clearWaits();
    this.childWaits?.clear();
    if (this.inFlight.size > 0) this.inFlight.abortAll(reason());
  }

  /** The lease is gone or the store refused a write: drop the run from memory. */
  private fail(error: unknown): void {
    if (this.isStopped) return;
    this.stop(error);
    this.journal.close();
    this.host.detached(this.runId, undefined, error instanceof LeaseLostError ? undefined : error);
  }

  /** Waits until every event recorded so far is committed; false when the run stopped instead. */
  private async committed(): Promise<boolean> {
    const pending = this.journal.uncommitted();
    const ok = await pending?.then(
      () => true,
      () => false,
    );
    return ok !== false && !this.isStopped;
  }

  private deliverAfter(committed: Promise<void>, deliver: () => void): void {
    committed.then(deliver, () => {});
  }

  /** Records `event` (taking the object) as the outcome of the call at `position` and delivers it. */
  private resolveCall(position: number, outcome: CallOutcome, extras: JournalExtras, event: NewEvent): void {
    event.position = position;
    const { seq, at } = this.record(event, extras);
    this.outcomes.set(position, { seq, outcome });
    this.runtime.deliver({ kind: "call", seq, at, position, outcome });
  }

  // ---- calls ------------------------------------------------------------------

  /** Does the real work of a call (`RuntimeHost`). */
  startCall(call: IssuedCall): void {
    if (this.cancelRecorded) return; // the run stops here: nothing new starts after a cancel
    const work =
      call.kind === "step"
        ? this.runStep(call)
        : call.kind === "timer"
          ? this.runTimer(call)
          : call.kind === "signal"
            ? Promise.resolve(this.waitSignal(call))
            : call.kind === "event"
              ? Promise.resolve(this.waitEvent(call))
              : this.children.start(call);
    work.catch((error) => {
      if (!(error instanceof LeaseLostError)) this.fail(error);
    });
  }

  /** Runs attempts of a step or a compensation under its retry policy. */
  attempts(
    call: IssuedCall,
    kind: "step" | "compensation",
    fn: (step: StepContext) => unknown,
  ): Promise<AttemptOutcome | undefined> {
    const policy = stepRetryPolicy(call.options?.retry, this.workflow.options.retry);
    const recorded = this.state.calls.get(call.position);
    const state = kind === "step" ? call.recorded?.attempts : recorded?.compensation?.attempts;
    return runAttempts(this, call, policy, state, kind, fn);
  }

  private runStep(call: IssuedCall): Promise<void> {
    let attempts: Promise<AttemptOutcome | undefined>;
    try {
      attempts = this.attempts(call, "step", call.fn as (step: StepContext) => unknown);
    } catch (error) {
      return Promise.reject(error); // a throw stays a rejection, as from an async function
    }
    return attempts.then((outcome) => {
      if (!outcome) return;
      call.fn = undefined; // run for good: what the step's function holds need not stay in memory
      const { name } = call;
      const { attempt } = outcome;
      if (outcome.ok) {
        this.resolveCall(call.position, outcome, noExtras, {
          type: "step.completed",
          name,
          attempt,
          output: outcome.value,
        });
        return;
      }
      if (this.runtime.settled) this.lateFailures.push(call.position);
      this.resolveCall(call.position, outcome, noExtras, {
        type: "step.failed",
        name,
        attempt,
        error: outcome.error,
        final: true,
      });
    });
  }

  private async runTimer(call: IssuedCall): Promise<void> {
    const dueAt = call.dueAt as number;
    if (!call.recorded) this.record({ type: "timer.set", position: call.position, name: call.name, dueAt });
    if (!(await this.waits.until(`timer:${call.position}`, dueAt))) return;
    if (this.isStopped || this.isDraining) return;
    this.resolveCall(call.position, { ok: true, value: undefined }, {}, { type: "timer.fired", name: call.name });
  }

  private waitSignal(call: IssuedCall): void {
    if (!call.recorded) {
      this.record({ type: "signal.waiting", position: call.position, name: call.name, dueAt: call.dueAt });
    }
    this.signals.wait(call, () => this.isStopped || this.isDraining);
  }

  private waitEvent(call: IssuedCall): void {
    if (call.recorded) {
      this.events.wait(call);
      return;
    }
    const wait = { position: call.position, name: call.name, match: call.match, dueAt: call.dueAt };
    this.events.wait(call, this.record({ type: "event.waiting", ...wait }, { eventWaits: [wait] }).committed);
  }

  // ---- run-level --------------------------------------------------------------

  private armDeadline(deadlineAt: number): void {
    void this.waits.until("deadline", deadlineAt).then((fired) => {
      if (!fired || this.isStopped || this.runtime.settled || this.phase !== "running") return;
      const { seq, at } = this.record({ type: "run.timed_out" });
      this.runtime.deliver({ kind: "timeout", seq, at });
    });
  }

  private async settle(outcome: RuntimeOutcome): Promise<void> {
    if (this.isStopped) return;
    const ended = outcome.kind === "cancelled" ? "was cancelled" : "ended";
    this.dropWork(() => new BatonError("RUN_ENDED", `run "${this.runId}" ${ended}`));
    if (outcome.kind === "failed" || outcome.kind === "cancelled") {
      // What led here (a failed step, the cancel) is committed before other runs are touched.
      if (!(await this.committed())) return;
      // A run that fails or is cancelled takes its unfinished children down with it.
      // (A run stopped by a nondeterminism error does not come here: it waits for
      // a fix and a resume, which delivers what its children did meanwhile.)
      for (const call of this.runtime.calls) {
        if (call.kind === "child" && call.child && !this.outcomes.has(call.position)) {
          await this.host.cancelChild(call.child.id, this.runId);
        }
      }
    }
    if (outcome.kind === "completed") {
      let output: unknown;
      try {
        output = roundTrip(outcome.output, `output of run "${this.runId}"`);
      } catch (error) {
        return this.settle({ kind: "failed", error });
      }
      return this.finish("completed", { type: "run.completed", output }, { output });
    }
    if (outcome.kind === "nondeterminism") {
      const error = toErrorInfo(outcome.error);
      return this.finish("failed", { type: "run.failed", error }, { error });
    }
    await this.inFlight.idle();
    await nextTurn(); // outcomes of the attempts that just ended get recorded
    await this.journal.settled();
    if (this.isStopped) return;
    const failedAt = outcome.kind === "failed" && outcome.position !== undefined ? [outcome.position] : [];
    await compensateRun(this, this.runtime.calls, this.state, {
      cancelled: outcome.kind === "cancelled",
      error: outcome.kind === "failed" ? toErrorInfo(outcome.error) : undefined,
      positions: [...failedAt, ...this.lateFailures],
    });
  }
}
