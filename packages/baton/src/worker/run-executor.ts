/**
 * Executes one claimed run: does the real work the runtime asks for (steps
 * with retries and timeouts, timers, signal waits, children), records it in
 * the run's history under the lease, and delivers results back in order.
 *
 * Invariants:
 * - A result is delivered to the workflow only after its history event has
 *   been committed (checkpoint first, then continue).
 * - Writes of one run are sequential; the events of one turn of the event
 *   loop go out in one write.
 * - Once the lease is lost or given up, nothing more is written.
 */
import type { Clock } from "../clock.js";
import { toMilliseconds } from "../duration.js";
import { BatonError, LeaseLostError, TimeoutError } from "../errors.js";
import { roundTrip, toErrorInfo } from "../json.js";
import { type AttemptState, type CallOutcome, foldHistory, type HistoryState } from "../runtime/history-state.js";
import { stepScope } from "../runtime/step-scope.js";
import { type IssuedCall, type RuntimeOutcome, WorkflowRuntime } from "../runtime/workflow-runtime.js";
import type { ClaimedRun, Lease, NewRun, RecordedEvent, RunWrite, SignalRecord, Store } from "../store/store.js";
import type { ErrorInfo, RunStatus } from "../types.js";
import { validateInput } from "../validate-input.js";
import type { StepContext, Workflow } from "../workflow.js";
import { compensateRun } from "./compensate-run.js";
import { isFatal, type ResolvedRetryPolicy, resolveRetryPolicy, retryDelay } from "./retry-policy.js";

/** What an executor needs from its worker. */
export interface ExecutorHost {
  store: Store;
  clock: Clock;
  /** Registered workflows by name. */
  workflows: Map<string, Workflow>;
  /** The run left this worker (finished, released, or lost). */
  detached(runId: string, status: RunStatus | undefined): void;
  /** A child run was created: claim it soon. */
  childCreated(): void;
  /** Cancels a child run (ignoring runs that have ended). */
  cancelChild(childId: string): Promise<void>;
  log(message: string, error?: unknown): void;
}

type Extras = Pick<RunWrite, "status" | "output" | "error" | "consumedSignals" | "children">;

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

/** One run in a worker's memory. */
export class RunExecutor {
  readonly runId: string;
  /** Last time the run made progress (for eviction order). */
  lastActive: number;
  private readonly lease: Lease;
  private readonly state: HistoryState;
  private readonly runtime: WorkflowRuntime;
  private seq: number;
  private buffer: RecordedEvent[] = [];
  private extras: Required<Pick<RunWrite, "consumedSignals" | "children">> & Partial<Extras> = {
    consumedSignals: [],
    children: [],
  };
  private pendingFlush?: Promise<void>;
  private lastFlush: Promise<void> = Promise.resolve();
  private seenPokeSeq: number;
  private flushedPokeSeq: number;
  /** Lease lost, released or run finished: write nothing more. */
  private stopped = false;
  /** Graceful stop in progress: start no new attempts. */
  private draining = false;
  private phase: "running" | "compensating" | "finished" = "running";
  private cancelRecorded: boolean;
  readonly inFlight = new Map<string, AbortController>();
  private idleWaiters: (() => void)[] = [];
  private readonly waits = new Map<string, { at: number; cancel: () => void; resolve: (fired: boolean) => void }>();
  private readonly signalWaits: IssuedCall[] = [];
  private readonly signals: SignalRecord[] = [];
  private readonly knownSignals = new Set<number>();
  private readonly childWaits = new Map<string, IssuedCall>();
  /** Outcomes of calls, recorded or live, with the seq that recorded them. */
  readonly outcomes = new Map<number, { seq: number; outcome: CallOutcome }>();
  /** Final step failures recorded after the workflow settled (a resume retries them). */
  private readonly lateFailures: number[] = [];
  /** Status and next wake-up as last written. */
  private written: { status: RunStatus; wakeAt: number | undefined };
  private refreshing?: Promise<void>;
  private refreshAgain = false;

  constructor(
    private readonly host: ExecutorHost,
    private readonly workflow: Workflow,
    claimed: ClaimedRun,
  ) {
    this.runId = claimed.run.id;
    this.lease = claimed.lease;
    this.seq = claimed.run.lastSeq;
    this.written = { status: claimed.run.status, wakeAt: claimed.run.wakeAt };
    this.seenPokeSeq = claimed.run.pokeSeq;
    this.flushedPokeSeq = claimed.run.seenPokeSeq;
    this.lastActive = host.clock.now();
    this.state = foldHistory(claimed.history);
    this.cancelRecorded = this.state.cancelRequested;
    for (const call of this.state.calls.values()) {
      if (call.outcome) this.outcomes.set(call.position, { seq: call.outcomeSeq as number, outcome: call.outcome });
    }
    this.addSignals(claimed.signals);
    this.runtime = new WorkflowRuntime(workflow, { id: claimed.run.id, input: claimed.run.input }, this.state, {
      startCall: (call) => this.startCall(call),
      handlerRegistered: () => this.matchSignals(),
      settled: (outcome) => void this.settle(outcome).catch((error) => this.fail(error)),
      quiet: () => this.syncStatus(),
    });
    if (claimed.run.deadlineAt !== undefined) this.armDeadline(claimed.run.deadlineAt);
    if (claimed.run.cancelRequested && !this.cancelRecorded) this.cancel();
  }

  /** Starts (or re-executes) the workflow function. */
  start(): void {
    this.runtime.start();
    if (this.seenPokeSeq > this.flushedPokeSeq) void this.refresh();
  }

  /** True when the run only waits (nothing running): it may leave memory. */
  get evictable(): boolean {
    return (
      !this.stopped &&
      this.phase === "running" &&
      !this.runtime.settled &&
      this.inFlight.size === 0 &&
      this.buffer.length === 0 &&
      !this.pendingFlush &&
      (this.waits.size > 0 || this.signalWaits.length > 0 || this.childWaits.size > 0)
    );
  }

  /** Reads what changed for this run (signals, cancel, finished children). */
  refresh(): Promise<void> {
    if (this.refreshing) {
      this.refreshAgain = true;
      return this.refreshing;
    }
    this.refreshing = (async () => {
      do {
        this.refreshAgain = false;
        const inbox = await this.host.store.readInbox(this.runId);
        if (this.stopped) return;
        this.seenPokeSeq = Math.max(this.seenPokeSeq, inbox.pokeSeq);
        if (inbox.cancelRequested) this.cancel();
        this.addSignals(inbox.signals);
        this.matchSignals();
        for (const child of inbox.finishedChildren)
          this.childFinished(child.id, child.status, child.output, child.error);
        if (this.seenPokeSeq > this.flushedPokeSeq) void this.flush().catch(() => {});
      } while (this.refreshAgain && !this.stopped);
    })().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  /**
   * Leaves memory, keeping the run resumable: in-flight attempts get until
   * `deadline` to finish, then the lease is given up.
   */
  async release(deadline?: number): Promise<void> {
    if (this.stopped) return;
    this.draining = true;
    if (deadline !== undefined && this.inFlight.size > 0) {
      await Promise.race([
        this.idle(),
        new Promise((resolve) => setTimeout(resolve, Math.max(0, deadline - Date.now()))),
      ]);
    }
    await tick(); // outcomes of the attempts that just ended get recorded
    await this.pendingFlush?.catch(() => {});
    if (this.stopped) return;
    const wakeAt = this.nextWake();
    const status = this.status();
    this.stopWaits();
    this.stopped = true;
    for (const controller of this.inFlight.values())
      controller.abort(new BatonError("WORKER_STOPPED", "the worker is stopping"));
    try {
      await this.write([], { release: true, status, wakeAt: wakeAt ?? null });
    } catch (error) {
      if (!(error instanceof LeaseLostError)) this.host.log(`could not release run "${this.runId}"`, error);
    }
    this.host.detached(this.runId, undefined);
  }

  // ---- recording ------------------------------------------------------------

  private record(event: Omit<RecordedEvent, "seq" | "at"> & { at?: number }, extras: Extras = {}) {
    const recorded = { ...event, seq: ++this.seq, at: event.at ?? this.host.clock.now() } as RecordedEvent;
    this.buffer.push(recorded);
    if (extras.consumedSignals) this.extras.consumedSignals.push(...extras.consumedSignals);
    if (extras.children) this.extras.children.push(...extras.children);
    if (extras.status) this.extras.status = extras.status;
    if ("output" in extras) this.extras.output = extras.output;
    if (extras.error) this.extras.error = extras.error;
    this.lastActive = recorded.at;
    return { seq: recorded.seq, at: recorded.at, committed: this.flush() };
  }

  /** Writes buffered events after the current turn; resolves when they are committed. */
  private flush(): Promise<void> {
    this.pendingFlush ??= this.lastFlush.then(tick).then(() => {
      this.pendingFlush = undefined;
      const events = this.buffer;
      const extras = this.extras;
      this.buffer = [];
      this.extras = { consumedSignals: [], children: [] };
      const write = this.write(events, {
        ...extras,
        status: extras.status ?? this.status(),
        wakeAt: extras.status ? undefined : (this.nextWake() ?? null),
      });
      this.lastFlush = write.catch(() => {});
      return write;
    });
    return this.pendingFlush;
  }

  private async write(events: RecordedEvent[], fields: Omit<RunWrite, "events" | "now">): Promise<void> {
    if (this.stopped && !fields.release) throw new LeaseLostError(this.runId);
    const seenPokeSeq = this.seenPokeSeq;
    try {
      await this.host.store.appendHistory(this.lease, { ...fields, events, seenPokeSeq, now: this.host.clock.now() });
      this.flushedPokeSeq = seenPokeSeq;
      if (fields.status) this.written.status = fields.status;
      if (fields.wakeAt !== undefined) this.written.wakeAt = fields.wakeAt ?? undefined;
    } catch (error) {
      this.fail(error);
      throw error;
    }
  }

  /** The lease is gone or the store refused a write: drop the run from memory. */
  private fail(error: unknown): void {
    if (this.stopped) return;
    this.stopped = true;
    this.stopWaits();
    for (const controller of this.inFlight.values()) controller.abort(error);
    if (!(error instanceof LeaseLostError)) this.host.log(`run "${this.runId}" stopped on a store error`, error);
    this.host.detached(this.runId, undefined);
  }

  /** Writes status and wake-up when they changed without an event (after re-execution). */
  private syncStatus(): void {
    if (this.stopped || this.pendingFlush || this.phase !== "running") return;
    if (this.status() !== this.written.status || this.nextWake() !== this.written.wakeAt) {
      void this.flush().catch(() => {});
    }
  }

  private status(): RunStatus | undefined {
    if (this.phase === "compensating") return "compensating";
    if (this.phase === "finished") return undefined;
    if (this.inFlight.size > 0) return "running";
    const waiting = this.waits.size > 0 || this.signalWaits.length > 0 || this.childWaits.size > 0;
    return waiting && !this.runtime.settled ? "waiting" : "running";
  }

  private nextWake(): number | undefined {
    let next: number | undefined;
    for (const wait of this.waits.values()) if (next === undefined || wait.at < next) next = wait.at;
    return next;
  }

  private resolveCall(
    position: number,
    outcome: CallOutcome,
    extras: Extras,
    event: Omit<RecordedEvent, "seq" | "at">,
  ) {
    const { seq, at, committed } = this.record({ ...event, position }, extras);
    this.outcomes.set(position, { seq, outcome });
    committed.then(
      () => this.runtime.deliver({ kind: "call", seq, at, position, outcome }),
      () => {},
    );
  }

  // ---- waiting ----------------------------------------------------------------

  /** Waits on the clock until `at`; resolves false if the wait was cancelled. */
  private waitUntil(key: string, at: number): Promise<boolean> {
    return new Promise((resolve) => {
      const cancel = this.host.clock.setTimer(at, () => {
        this.waits.delete(key);
        resolve(true);
      });
      this.waits.set(key, { at, cancel, resolve });
    });
  }

  private cancelWait(key: string): void {
    const wait = this.waits.get(key);
    if (!wait) return;
    this.waits.delete(key);
    wait.cancel();
    wait.resolve(false);
  }

  private stopWaits(): void {
    for (const key of [...this.waits.keys()]) this.cancelWait(key);
    this.signalWaits.length = 0;
    this.childWaits.clear();
  }

  /** Resolves once no attempt is executing. */
  idle(): Promise<void> {
    if (this.inFlight.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  // ---- calls ------------------------------------------------------------------

  private startCall(call: IssuedCall): void {
    if (this.cancelRecorded) return; // the run stops here: nothing new starts after a cancel
    const work =
      call.kind === "step"
        ? this.runStep(call)
        : call.kind === "timer"
          ? this.runTimer(call)
          : call.kind === "signal"
            ? Promise.resolve(this.waitSignal(call))
            : this.startChild(call);
    work.catch((error) => {
      if (!(error instanceof LeaseLostError)) this.fail(error);
    });
  }

  /** Runs attempts of a step until one succeeds or none are left. */
  private async runStep(call: IssuedCall): Promise<void> {
    const policy = resolveRetryPolicy(call.options?.retry, this.workflow.options.retry);
    const fn = call.fn as (step: StepContext) => unknown;
    const outcome = await this.runAttempts(call, policy, call.recorded?.attempts, "step", fn);
    if (!outcome) return;
    if (outcome.ok) {
      this.resolveCall(
        call.position,
        outcome,
        {},
        { type: "step.completed", name: call.name, attempt: outcome.attempt, output: outcome.value },
      );
    } else {
      if (this.runtime.settled) this.lateFailures.push(call.position);
      this.resolveCall(
        call.position,
        outcome,
        {},
        { type: "step.failed", name: call.name, attempt: outcome.attempt, error: outcome.error, final: true },
      );
    }
  }

  /**
   * Attempts `fn` under `policy`, recording each attempt as `<kind>.started`
   * and `<kind>.failed`; returns the final outcome (success or last failure),
   * or nothing when the run stopped first. Used for steps and compensations.
   */
  async runAttempts(
    call: IssuedCall,
    policy: ResolvedRetryPolicy,
    recorded: AttemptState | undefined,
    kind: "step" | "compensation",
    fn: (step: StepContext) => unknown,
  ): Promise<(CallOutcome & { attempt: number }) | undefined> {
    let used = recorded?.used ?? 0;
    let last = recorded?.last ?? 0;
    let retryAt = recorded?.retryAt;
    const key = kind === "step" ? `${this.runId}:${call.position}` : `${this.runId}:${call.position}:compensation`;
    if (recorded?.open && used >= policy.maxAttempts) {
      const error = new BatonError(
        "ATTEMPT_INTERRUPTED",
        `attempt ${last} of ${kind} "${call.name}" was interrupted (its worker stopped) and no attempts are left`,
      );
      return { ok: false, error: toErrorInfo(error), attempt: last };
    }
    for (;;) {
      if (retryAt !== undefined && retryAt > this.host.clock.now()) {
        if (!(await this.waitUntil(`retry:${kind}:${call.position}`, retryAt))) return undefined;
      }
      if (this.stopped || this.draining) return undefined;
      used++;
      last++;
      this.record({ type: `${kind}.started`, position: call.position, name: call.name, attempt: last });
      const result = await this.attempt(call, kind, key, last, fn);
      if (this.stopped) return undefined;
      if (result.ok) {
        try {
          return { ok: true, value: roundTrip(result.value, `result of ${kind} "${call.name}"`), attempt: last };
        } catch (notJson) {
          return { ok: false, error: toErrorInfo(notJson), attempt: last };
        }
      }
      const error = result.error;
      const retryable = !isFatal(error) && used < policy.maxAttempts;
      if (retryable && this.draining) return undefined; // the next worker retries it
      if (!retryable || (kind === "step" && this.runtime.settled)) {
        return { ok: false, error: toErrorInfo(error), attempt: last };
      }
      const at = this.host.clock.now();
      retryAt = at + retryDelay(policy, used, error);
      const info = toErrorInfo(error);
      this.record({
        type: `${kind}.failed`,
        at,
        position: call.position,
        name: call.name,
        attempt: last,
        error: info,
        dueAt: retryAt,
      });
    }
  }

  private attempt(
    call: IssuedCall,
    kind: string,
    key: string,
    attempt: number,
    fn: (step: StepContext) => unknown,
  ): Promise<{ ok: true; value: unknown } | { ok: false; error: unknown }> {
    const controller = new AbortController();
    const slot = `${kind}:${call.position}`;
    this.inFlight.set(slot, controller);
    const timeoutMs = call.options?.timeout === undefined ? undefined : toMilliseconds(call.options.timeout);
    return new Promise((resolve) => {
      let done = false;
      let cancelTimeout: (() => void) | undefined;
      const finish = (result: { ok: true; value: unknown } | { ok: false; error: unknown }) => {
        if (done) return;
        done = true;
        cancelTimeout?.();
        this.inFlight.delete(slot);
        if (this.inFlight.size === 0) for (const wake of this.idleWaiters.splice(0)) wake();
        resolve(result);
      };
      if (timeoutMs !== undefined) {
        cancelTimeout = this.host.clock.setTimer(this.host.clock.now() + timeoutMs, () => {
          const error = new TimeoutError(
            "STEP_TIMEOUT",
            `attempt ${attempt} of ${kind} "${call.name}" timed out after ${timeoutMs} ms`,
          );
          controller.abort(error);
          finish({ ok: false, error });
        });
      }
      const step: StepContext = { key, attempt, signal: controller.signal };
      stepScope.run(step, () => {
        try {
          Promise.resolve(fn(step)).then(
            (value) => finish({ ok: true, value }),
            (error) => finish({ ok: false, error }),
          );
        } catch (error) {
          finish({ ok: false, error });
        }
      });
    });
  }

  private async runTimer(call: IssuedCall): Promise<void> {
    const dueAt = call.dueAt as number;
    if (!call.recorded) this.record({ type: "timer.set", position: call.position, name: call.name, dueAt });
    if (!(await this.waitUntil(`timer:${call.position}`, dueAt))) return;
    if (this.stopped || this.draining) return;
    this.resolveCall(call.position, { ok: true, value: undefined }, {}, { type: "timer.fired", name: call.name });
  }

  private waitSignal(call: IssuedCall): void {
    if (!call.recorded)
      this.record({ type: "signal.waiting", position: call.position, name: call.name, dueAt: call.dueAt });
    this.signalWaits.push(call);
    if (call.dueAt !== undefined) {
      void this.waitUntil(`signal:${call.position}`, call.dueAt).then((fired) => {
        const index = this.signalWaits.indexOf(call);
        if (!fired || index < 0 || this.stopped || this.draining) return;
        this.signalWaits.splice(index, 1);
        this.resolveCall(
          call.position,
          { ok: true, value: undefined },
          {},
          { type: "signal.timed_out", name: call.name },
        );
      });
    }
    this.matchSignals();
  }

  private addSignals(signals: SignalRecord[]): void {
    for (const signal of signals) {
      if (this.knownSignals.has(signal.id) || this.state.consumedSignals.has(signal.id)) continue;
      this.knownSignals.add(signal.id);
      this.signals.push(signal);
    }
  }

  /** Gives waiting signals to waits (oldest wait first) or handlers, in the order they were sent. */
  private matchSignals(): void {
    if (this.stopped || this.phase !== "running" || this.runtime.settled) return;
    const handlers = new Set(this.runtime.handlerNames());
    for (let i = 0; i < this.signals.length; ) {
      const signal = this.signals[i] as SignalRecord;
      const wait = this.signalWaits.find((w) => w.name === signal.name);
      if (wait) {
        this.signals.splice(i, 1);
        this.signalWaits.splice(this.signalWaits.indexOf(wait), 1);
        this.cancelWait(`signal:${wait.position}`);
        this.resolveCall(
          wait.position,
          { ok: true, value: signal.payload },
          { consumedSignals: [signal.id] },
          { type: "signal.received", name: signal.name, payload: signal.payload, signalId: signal.id },
        );
      } else if (handlers.has(signal.name)) {
        this.signals.splice(i, 1);
        const { seq, at, committed } = this.record(
          { type: "signal.received", name: signal.name, payload: signal.payload, signalId: signal.id },
          { consumedSignals: [signal.id] },
        );
        committed.then(
          () => this.runtime.deliver({ kind: "handler", seq, at, name: signal.name, payload: signal.payload }),
          () => {},
        );
      } else i++;
    }
  }

  private async startChild(call: IssuedCall): Promise<void> {
    const { workflow, input, id } = call.child as NonNullable<IssuedCall["child"]>;
    if (!call.recorded) {
      const registered = this.host.workflows.get(workflow.name) ?? workflow;
      let childInput: unknown;
      try {
        childInput = roundTrip(await validateInput(registered, input), `input of child "${id}"`);
      } catch (error) {
        this.resolveCall(
          call.position,
          { ok: false, error: toErrorInfo(error) },
          {},
          { type: "child.failed", name: call.name, childId: id, error: toErrorInfo(error) },
        );
        return;
      }
      if (this.stopped) return;
      const timeout = registered.options.timeout;
      const child: NewRun = {
        id,
        workflow: registered.name,
        version: registered.version,
        input: childInput,
        parentId: this.runId,
        timeoutMs: timeout === undefined ? undefined : toMilliseconds(timeout),
        history: [{ type: "run.started", at: this.host.clock.now(), input: childInput }],
      };
      const { committed } = this.record(
        { type: "child.started", position: call.position, name: call.name, childId: id, input: childInput },
        { children: [child] },
      );
      committed.then(
        () => this.host.childCreated(),
        () => {},
      );
    }
    this.childWaits.set(id, call);
    if (call.recorded) void this.refresh();
  }

  private childFinished(childId: string, status: RunStatus, output: unknown, error: ErrorInfo | undefined): void {
    const call = this.childWaits.get(childId);
    if (!call || this.stopped) return;
    this.childWaits.delete(childId);
    if (status === "completed") {
      this.resolveCall(
        call.position,
        { ok: true, value: output },
        {},
        { type: "child.completed", name: call.name, childId, output },
      );
    } else {
      const info = error ?? { name: "ChildFailedError", message: `child run "${childId}" ended ${status}` };
      this.resolveCall(
        call.position,
        { ok: false, error: info },
        {},
        { type: "child.failed", name: call.name, childId, error: info },
      );
    }
  }

  // ---- run-level --------------------------------------------------------------

  /** Called in-process when a child of this run finished. */
  childDone(): void {
    void this.refresh().catch(() => {});
  }

  private armDeadline(deadlineAt: number): void {
    void this.waitUntil("deadline", deadlineAt).then((fired) => {
      if (!fired || this.stopped || this.runtime.settled || this.phase !== "running") return;
      const { seq, at, committed } = this.record({ type: "run.timed_out" });
      committed.then(
        () => this.runtime.deliver({ kind: "timeout", seq, at }),
        () => {},
      );
    });
  }

  /** Records the cancellation; the run stops at its next delivery. */
  cancel(): void {
    if (this.cancelRecorded || this.stopped || this.phase !== "running" || this.runtime.settled) return;
    this.cancelRecorded = true;
    const { seq, at, committed } = this.record({ type: "run.cancel_requested" });
    committed.then(
      () => this.runtime.deliver({ kind: "cancel", seq, at }),
      () => {},
    );
  }

  private async settle(outcome: RuntimeOutcome): Promise<void> {
    if (this.stopped) return;
    this.stopWaits();
    const reason = new BatonError(
      "RUN_ENDED",
      `run "${this.runId}" ${outcome.kind === "cancelled" ? "was cancelled" : "ended"}`,
    );
    for (const controller of this.inFlight.values()) controller.abort(reason);
    if (outcome.kind === "cancelled") {
      for (const call of this.runtime.calls) {
        if (call.kind === "child" && !this.outcomes.has(call.position) && call.child) {
          await this.host.cancelChild(call.child.id);
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
    await this.idle();
    await tick(); // outcomes of the attempts that just ended get recorded
    await this.pendingFlush?.catch(() => {});
    if (this.stopped) return;
    await compensateRun(this, this.workflow, this.runtime.calls, this.state, {
      cancelled: outcome.kind === "cancelled",
      error: outcome.kind === "failed" ? toErrorInfo(outcome.error) : undefined,
      positions:
        outcome.kind === "failed" && outcome.position !== undefined
          ? [outcome.position, ...this.lateFailures]
          : [...this.lateFailures],
    });
  }

  /** Enters the compensating phase (the next write records the status). */
  beginCompensation(): void {
    this.phase = "compensating";
  }

  /** Records a compensation event under this run's lease. */
  recordCompensation(event: Omit<RecordedEvent, "seq" | "at">): Promise<void> {
    return this.record(event).committed;
  }

  /** Records the run's last event and status, then leaves memory. */
  async finish(status: RunStatus, event: Omit<RecordedEvent, "seq" | "at">, fields: Extras = {}): Promise<void> {
    if (this.stopped) return;
    this.phase = "finished";
    await this.record(event, { ...fields, status }).committed;
    this.stopped = true;
    this.host.detached(this.runId, status);
  }
}
