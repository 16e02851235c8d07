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
import { BatonError, LeaseLostError, ValidationError } from "../errors.js";
import { roundTrip, toErrorInfo } from "../json.js";
import { nextTurn } from "../next-turn.js";
import { stepRetryPolicy } from "../retry-policy.js";
import type { CallOutcome } from "../runtime/history-state.js";
import type { IssuedCall, RuntimeOutcome } from "../runtime/workflow-runtime.js";
import type { SchemaIssue } from "../schema-check.js";
import type { HistoryRecord, SignalRecord } from "../store/store.js";
import { validateInput } from "../validate-input.js";
import type { StepContext } from "../workflow.js";
import { compensateRun } from "./compensate-run.js";
import { HumanTaskWaits } from "./human-task-waits.js";
import type { JournalExtras } from "./run-journal.js";
import { RunLifecycle } from "./run-lifecycle.js";
import { type AttemptOutcome, currentStepKey, runAttempts } from "./step-attempts.js";
import { TaskWaits } from "./task-waits.js";

export type { ExecutorHost, RunEnd } from "./executor-host.js";

type NewEvent = Omit<HistoryRecord, "seq" | "at">;

/** No fields besides the event (shared: the journal only reads them). */
const noExtras: JournalExtras = Object.freeze({});

/**
 * One run in a worker's memory, at work: the calls the runtime asks for
 * (steps, timers, signal and event waits, children), and what happens when
 * the workflow function settles (the run's end, its compensations). Its
 * state and lifecycle are `RunLifecycle`'s.
 */
export class RunExecutor extends RunLifecycle {
  /** Enters the compensating phase (the next write records the status). */
  beginCompensation(): void {
    this.phase = "compensating";
  }

  /** Records a compensation event; resolves once committed. */
  recordCompensation(event: NewEvent): Promise<void> {
    return this.record(event).committed;
  }

  /** `ctx.onSignal` was registered (`RuntimeHost`): pending signals may go to it now. */
  override handlerRegistered(): void {
    this.signals.match();
  }

  /** The workflow function settled (`RuntimeHost`). */
  override workflowSettled(outcome: RuntimeOutcome): void {
    void this.settle(outcome).catch((error) => this.fail(error));
  }

  /** Every queued resolution was delivered (`RuntimeHost`). */
  override quiet(): void {
    this.journal.sync();
  }

  /** The time now (`RuntimeHost`). */
  override now(): number {
    return this.clock.now();
  }

  /** The key of the step whose body is executing here (`RuntimeHost`). */
  override stepKey(): string | undefined {
    return currentStepKey(this.runId, this.inFlight);
  }

  /** SHA-256 of `text` (`RuntimeHost`). */
  override digest(text: string): Uint8Array {
    return createHash("sha256").update(text).digest();
  }

  /** False once the run stopped or settled (`SignalHost`). */
  override signalsActive(): boolean {
    return !this.isStopped && this.phase === "running" && !this.runtime.settled;
  }

  /** Signal names with an `onSignal` handler (`SignalHost`). */
  override handlerNames(): string[] {
    return this.runtime.handlerNames();
  }

  /** Records and delivers the outcome of a signal wait (`SignalHost`). */
  override resolveSignal(call: IssuedCall, outcome: CallOutcome, extras: JournalExtras, event: NewEvent): void {
    this.resolveCall(call.position, outcome, extras, event);
  }

  /** Records a refused signal, consuming it (`SignalHost`). */
  override refuseSignal(signal: SignalRecord, issues: SchemaIssue[]): void {
    this.record(
      { type: "signal.refused", name: signal.name, payload: signal.payload, issues, signalId: signal.id },
      { consumedSignals: [signal.id] },
    );
  }

  /** A schema threw while checking a signal (`SignalHost`): the run stops and is tried again later. */
  override checkFailed(error: unknown): void {
    this.fail(error);
  }

  /** Records a signal and gives it to its handler (`SignalHost`). */
  override deliverToHandler(name: string, payload: unknown, signalId: number): void {
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

  /**
   * Reads what changed for this run (signals, cancel, finished children), as
   * of `pokeSeq` when the poke's seq is known: a poke already read is not
   * read again, and one that comes while a read is under way waits for it and
   * is read after it only when that read did not see it.
   */
  override refresh(pokeSeq?: number): Promise<void> {
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
        if (inbox.finishedTasks.length > 0) this.tasks.add(inbox.finishedTasks);
        if (inbox.answeredHumanTasks.length > 0) this.humanTasks.add(inbox.answeredHumanTasks);
        this.journal.handledPoke(inbox.pokeSeq);
      } while ((this.refreshAgain || this.wantedPokeSeq > this.journal.handledPokeSeq) && !this.isStopped);
    })().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  /** The run's task calls, made on first use. */
  protected get tasks(): TaskWaits {
    this.taskWaits ??= new TaskWaits({
      active: () => !this.isStopped && this.phase === "running" && !this.runtime.settled,
      schedule: (event, task) =>
        this.record(event, { tasks: [task] }).committed.then(() => this.host.taskQueued(task.queue)),
      register: (task) => this.journal.note({ tasks: [task] }).then(() => this.host.taskQueued(task.queue)),
      stored: () => this.host.store.listTasks({ runId: this.runId, limit: 10_000 }),
      resolve: (call, outcome, extras, event) => this.resolveCall(call.position, outcome, extras, event),
      failed: (error) => this.fail(error),
    });
    return this.taskWaits;
  }

  /** The run's human task calls, made on first use. */
  protected get humanTasks(): HumanTaskWaits {
    this.humanTaskWaits ??= new HumanTaskWaits({
      active: () => !this.isStopped && this.phase === "running" && !this.runtime.settled,
      recording: () => !this.isStopped && !this.isDraining,
      waits: this.waits,
      now: () => this.clock.now(),
      record: (event, extras) => this.record(event, extras).committed,
      stored: () => this.host.store.listHumanTasks({ runId: this.runId, limit: 10_000 }),
      close: (position) => this.host.store.closeHumanTask(this.lease, position, this.clock.now()),
      resolve: (call, outcome, extras, event) => this.resolveCall(call.position, outcome, extras, event),
      failed: (error) => this.fail(error),
    });
    return this.humanTaskWaits;
  }

  // ---- calls ------------------------------------------------------------------

  /** Does the real work of a call (`RuntimeHost`). */
  override startCall(call: IssuedCall): void {
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
              : call.kind === "task"
                ? Promise.resolve(this.tasks.wait(call))
                : call.kind === "human_task"
                  ? Promise.resolve(this.humanTasks.wait(call))
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

  protected override armDeadline(deadlineAt: number): void {
    void this.waits.until("deadline", deadlineAt).then((fired) => {
      if (!fired || this.isStopped || this.runtime.settled || this.phase !== "running") return;
      const { seq, at } = this.record({ type: "run.timed_out" });
      this.runtime.deliver({ kind: "timeout", seq, at });
    });
  }

  private async settle(outcome: RuntimeOutcome): Promise<void> {
    if (this.isStopped) return;
    const ended = outcome.kind === "cancelled" ? "was cancelled" : "finished";
    this.dropWork(() => new BatonError("RUN_FINISHED", `run "${this.runId}" ${ended}`));
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
    this.failedPosition = failedAt[0];
    await compensateRun(this, this.runtime.calls, this.state, {
      cancelled: outcome.kind === "cancelled",
      error: outcome.kind === "failed" ? toErrorInfo(outcome.error) : undefined,
      positions: [...failedAt, ...this.lateFailures],
    });
  }
}
