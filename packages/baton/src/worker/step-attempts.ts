/**
 * Attempts of a step or compensation: each attempt is recorded as
 * `<kind>.started`, runs under its timeout with an AbortSignal, and a failed
 * one is recorded as `<kind>.failed` with the time of the next attempt, which
 * waits on the clock (durably: the time is in the history).
 */
import type { Clock } from "../clock.js";
import { toMilliseconds } from "../duration.js";
import { TimeoutError } from "../errors.js";
import { roundTrip, toErrorInfo } from "../json.js";
import { isFatal, type ResolvedRetryPolicy, retryDelay } from "../retry-policy.js";
import type { AttemptState, CallOutcome } from "../runtime/history-state.js";
import type { IssuedCall } from "../runtime/workflow-runtime.js";
import type { HistoryRecord } from "../store/store.js";
import type { StepContext } from "../workflow.js";
import type { ClockWaits } from "./clock-waits.js";
import { runScoped, scopedStepKey } from "./step-scope.js";

/**
 * An attempt's abort signal, made only when the body asks for it (most never
 * do): aborting one nobody asked for just records the reason.
 */
export class AttemptAbort {
  private controller?: AbortController;
  private reason?: { value: unknown };

  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.reason) this.controller.abort(this.reason.value);
    }
    return this.controller.signal;
  }

  abort(reason: unknown): void {
    if (this.reason) return;
    this.reason = { value: reason };
    this.controller?.abort(reason);
  }
}

/** Attempts executing now, with their abort signals. */
export class InFlightAttempts {
  /**
   * The abort handle of each attempt executing now. An array, not a map: a
   * run has one attempt at a time in the common case, and a map that
   * empties after every attempt allocates again as it shrinks and grows.
   */
  private readonly active: AttemptAbort[] = [];
  /**
   * The body running without a scope (see `step-scope.ts`), if any: until
   * the body itself settles, which may be after its attempt ended (a body
   * that timed out and goes on).
   */
  private unscoped?: { key: string };
  private idleWaiters: (() => void)[] = [];

  get size(): number {
    return this.active.length;
  }

  /** Notes an attempt executing; `end` takes the handle returned. */
  begin(): AttemptAbort {
    const abort = new AttemptAbort();
    this.active.push(abort);
    return abort;
  }

  /** True when a new body may run without a scope: no other body of the run is running. */
  get alone(): boolean {
    return this.active.length === 0 && !this.unscoped;
  }

  /** Notes the body of step `key` running without a scope; the function returned says it settled. */
  runUnscoped(key: string): () => void {
    const entry = { key };
    this.unscoped = entry;
    return () => {
      if (this.unscoped === entry) this.unscoped = undefined;
    };
  }

  /** The step key of the body running without a scope. */
  get unscopedKey(): string | undefined {
    return this.unscoped?.key;
  }

  end(abort: AttemptAbort): void {
    const i = this.active.indexOf(abort);
    if (i === -1) return;
    const last = this.active.pop() as AttemptAbort;
    if (i < this.active.length) this.active[i] = last;
    if (this.active.length === 0 && this.idleWaiters.length > 0) for (const wake of this.idleWaiters.splice(0)) wake();
  }

  /** Resolves once no attempt is executing. */
  idle(): Promise<void> {
    if (this.active.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  abortAll(reason: unknown): void {
    for (const abort of [...this.active]) abort.abort(reason);
  }
}

/** What attempts need from the run executing them. */
export interface AttemptHost {
  readonly runId: string;
  readonly clock: Clock;
  readonly waits: ClockWaits;
  readonly inFlight: InFlightAttempts;
  /** Commit an attempt's start before running its body (when `Store.sharedAcrossMachines`). */
  readonly startsBeforeBody: boolean;
  /** Resolves once every event recorded so far is committed; undefined when none waits. */
  uncommitted(): Promise<void> | undefined;
  record(event: Omit<HistoryRecord, "seq" | "at"> & { at?: number }): { committed: Promise<void> };
  /** The run stopped (lease gone, finished): abandon quietly. */
  stopped(): boolean;
  /** False (and the run stops) when this worker's lease may have finished: a body must not start then. */
  leaseHeld(): boolean;
  /** The worker is stopping: start no new attempt, leave retries to the next worker. */
  draining(): boolean;
  /** The workflow function has settled: a failed step is not retried. */
  runSettled(): boolean;
}

const yes = () => true;
const no = () => false;

/** A final outcome with the attempt that produced it. */
export type AttemptOutcome = CallOutcome & { attempt: number };

/**
 * Attempts `fn` under `policy` until it succeeds, fails for good, or the run
 * stops (then resolves undefined). `recorded` continues the attempts of a
 * previous execution.
 */
export async function runAttempts(
  host: AttemptHost,
  call: IssuedCall,
  policy: ResolvedRetryPolicy,
  recorded: AttemptState | undefined,
  kind: "step" | "compensation",
  fn: (step: StepContext) => unknown,
): Promise<AttemptOutcome | undefined> {
  // An attempt left open by a dead worker ran at most partly: it runs again
  // (at-least-once) without using up the retry budget.
  let used = (recorded?.used ?? 0) - (recorded?.open ? 1 : 0);
  let last = recorded?.last ?? 0;
  let retryAt = recorded?.retryAt;
  const key = kind === "step" ? `${host.runId}:${call.position}` : `${host.runId}:${call.position}:compensation`;
  for (;;) {
    if (retryAt !== undefined && retryAt > host.clock.now()) {
      if (!(await host.waits.until(`retry:${kind}:${call.position}`, retryAt))) return undefined;
    }
    if (host.stopped() || host.draining()) return undefined;
    used++;
    last++;
    // The body acts on the results that led to it (delivered before their
    // commit): it waits until they are committed, and with `startsBeforeBody`
    // until its own start is, so a worker that takes the run over sees this
    // attempt and begins the next one. Both usually share one write.
    const before = host.uncommitted();
    const started = host.record({ type: `${kind}.started`, position: call.position, name: call.name, attempt: last });
    const gate = host.startsBeforeBody ? started.committed : before;
    if (gate) {
      const committed = await gate.then(yes, no);
      if (!committed || host.stopped()) return undefined;
    }
    const result = await attempt(host, call, kind, key, last, fn);
    if (result === notStarted || host.stopped()) return undefined;
    if (result.ok) {
      try {
        return { ok: true, value: roundTrip(result.value, `result of ${kind} "${call.name}"`), attempt: last };
      } catch (notJson) {
        return { ok: false, error: toErrorInfo(notJson), attempt: last };
      }
    }
    const error = result.error;
    const retryable = !isFatal(error) && used < policy.maxAttempts;
    if (retryable && host.draining()) return undefined; // the next worker retries it
    if (!retryable || (kind === "step" && host.runSettled())) {
      return { ok: false, error: toErrorInfo(error), attempt: last };
    }
    const at = host.clock.now();
    retryAt = at + retryDelay(policy, used, error);
    const info = toErrorInfo(error);
    host.record({
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

type AttemptResult = { ok: true; value: unknown } | { ok: false; error: unknown };

/** What `attempt` answers when the body did not start: the lease may have finished. */
const notStarted: AttemptResult = { ok: false, error: undefined };

function attempt(
  host: AttemptHost,
  call: IssuedCall,
  kind: string,
  key: string,
  number: number,
  fn: (step: StepContext) => unknown,
): Promise<AttemptResult> {
  // Alone in its run, the body needs no scope for `ctx.stepKey()` to find it.
  const scoped = !host.inFlight.alone;
  const abort = host.inFlight.begin();
  const timeoutMs = call.options?.timeout === undefined ? undefined : toMilliseconds(call.options.timeout);
  return new Promise((resolve) => {
    let done = false;
    let cancelTimeout: (() => void) | undefined;
    const finish = (result: AttemptResult) => {
      if (done) return;
      done = true;
      cancelTimeout?.();
      host.inFlight.end(abort);
      resolve(result);
    };
    if (timeoutMs !== undefined) {
      cancelTimeout = host.clock.setTimer(host.clock.now() + timeoutMs, () => {
        const error = new TimeoutError(
          "STEP_TIMEOUT",
          `attempt ${number} of ${kind} "${call.name}" timed out after ${timeoutMs} ms`,
        );
        abort.abort(error);
        finish({ ok: false, error });
      });
    }
    const step: StepContext = {
      key,
      attempt: number,
      get signal() {
        return abort.signal;
      },
    };
    /** Calls the step's function; `settled` once it settled (after a timeout, it may go on). */
    const body = (settled: () => void) => {
      // A worker frozen or paused past its lease may have lost the run while
      // it was stopped: the lease is looked at right before the body, the
      // latest it can be. (One stopped between this look and the body's first
      // line still starts the body as it resumes; no lease rules that out.)
      if (!host.leaseHeld()) {
        settled();
        finish(notStarted);
        return;
      }
      try {
        Promise.resolve(fn(step)).then(
          (value) => {
            settled();
            finish({ ok: true, value });
          },
          (error) => {
            settled();
            finish({ ok: false, error });
          },
        );
      } catch (error) {
        settled();
        finish({ ok: false, error });
      }
    };
    if (scoped) runScoped(host.runId, key, body);
    else body(host.inFlight.runUnscoped(key));
  });
}

/**
 * The key of run `runId`'s step (or compensation) whose body is executing in
 * the current async context: its scope's, or else the run's body running
 * without a scope. Undefined outside every body (then code of the workflow
 * function is asking).
 */
export function currentStepKey(runId: string, inFlight: InFlightAttempts): string | undefined {
  return scopedStepKey(runId) ?? inFlight.unscopedKey;
}
