/**
 * In-memory stand-ins for the external systems the example workflows talk to:
 * inventory, payments, shipping, email, provisioning, billing and research
 * sources. Every service
 *
 * - records every call it receives (in its own `calls` and in a shared
 *   `CallLog`, so tests can check the order across services);
 * - honours an idempotency key: a repeated call with a key it has already
 *   answered returns the first result and is counted as a duplicate, not as a
 *   new call;
 * - can be told to fail, permanently (a declined card, a region without
 *   capacity) or for the next few calls (a flaky gateway), so failures are
 *   deterministic in tests;
 * - can be held (`hold()`), so a test decides when in-flight calls finish.
 */

import { CallLog, type CallOptions, type ServiceCall } from "./call-log.js";
import { ServiceError } from "./service-error.js";

/** How a scheduled failure behaves. */
export interface FailureOptions {
  /** Error message. Default: a transient "temporarily unavailable". */
  message?: string;
  /** Worth retrying. Default true. */
  transient?: boolean;
  /**
   * The call takes effect, then the answer is lost (like a timeout after the
   * payment went through). A retry with the same idempotency key then gets
   * the first result. Default false.
   */
  afterEffect?: boolean;
  /** Only calls whose arguments pass this test fail (and use up the failure). Default: every call. */
  match?: (args: unknown) => boolean;
}

/** Options shared by every fake service. */
export interface ServiceOptions {
  /** Log shared with other services. Default: a log of its own. */
  log?: CallLog;
  /** Simulated latency of each call in ms (real time). Default 0. */
  latencyMs?: number;
  /**
   * Put into every id the service hands out (`ch_<scope>-0001`), so ids of
   * services created in different processes never collide. Default: none.
   */
  idScope?: string;
}

interface ScheduledFailure extends Required<Omit<FailureOptions, "match">> {
  remaining: number;
  match?: (args: unknown) => boolean;
}

const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const clone = <T>(value: T): T => (value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T));

/** Base of the fake services: call recording, idempotency, failures, latency and holds. */
export class FakeService {
  readonly calls: ServiceCall[] = [];
  readonly log: CallLog;
  /** Calls answered from the idempotency cache instead of being executed again. */
  duplicates = 0;
  latencyMs: number;
  private readonly answered = new Map<string, unknown>();
  private readonly failures = new Map<string, ScheduledFailure[]>();
  private readonly gates = new Set<Promise<void>>();
  private ids = 0;
  private readonly idScope: string;

  constructor(
    readonly name: string,
    options: ServiceOptions = {},
  ) {
    this.log = options.log ?? new CallLog();
    this.latencyMs = options.latencyMs ?? 0;
    this.idScope = options.idScope === undefined ? "" : `${options.idScope}-`;
  }

  /** Successful calls of `operation` (each idempotency key counted once). */
  count(operation: string): number {
    return this.calls.filter((c) => c.operation === operation && c.ok).length;
  }

  /** Every call of `operation`, failed ones included. */
  attempts(operation: string): ServiceCall[] {
    return this.calls.filter((c) => c.operation === operation);
  }

  /** Makes the next `times` calls of `operation` fail. */
  failNext(operation: string, times = 1, options: FailureOptions = {}): this {
    const list = this.failures.get(operation) ?? [];
    list.push({
      remaining: times,
      message: options.message ?? "temporarily unavailable",
      transient: options.transient ?? true,
      afterEffect: options.afterEffect ?? false,
      match: options.match,
    });
    this.failures.set(operation, list);
    return this;
  }

  /**
   * Holds every call that has not taken effect yet until the returned
   * function is called; lets a test act while work is in progress.
   */
  hold(): () => void {
    let release = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    this.gates.add(gate);
    return () => {
      this.gates.delete(gate);
      release();
    };
  }

  /** A new id with a prefix, unique within this service. */
  protected newId(prefix: string): string {
    this.ids++;
    return `${prefix}_${this.idScope}${String(this.ids).padStart(4, "0")}`;
  }

  /** A permanent (not retryable) error of this service. */
  protected refuse(operation: string, message: string): ServiceError {
    return new ServiceError(this.name, operation, message, false);
  }

  /**
   * Executes one call: answers a repeated idempotency key from the cache,
   * waits for latency and holds, applies scheduled failures, records it.
   */
  protected async call<T>(operation: string, args: unknown, options: CallOptions, effect: () => T): Promise<T> {
    const cacheKey = options.idempotencyKey === undefined ? undefined : `${operation}\u0000${options.idempotencyKey}`;
    if (cacheKey !== undefined && this.answered.has(cacheKey)) {
      this.duplicates++;
      return clone(this.answered.get(cacheKey) as T);
    }
    if (this.latencyMs > 0) await wait(this.latencyMs);
    while (this.gates.size > 0) await Promise.all(this.gates);
    if (cacheKey !== undefined && this.answered.has(cacheKey)) {
      this.duplicates++;
      return clone(this.answered.get(cacheKey) as T);
    }
    const record: ServiceCall = {
      seq: this.log.calls.length + 1,
      service: this.name,
      operation,
      args: clone(args),
      ok: true,
    };
    if (options.idempotencyKey !== undefined) record.idempotencyKey = options.idempotencyKey;
    this.calls.push(record);
    this.log.calls.push(record);
    const failure = this.nextFailure(operation, args);
    let tookEffect = false;
    try {
      if (failure && !failure.afterEffect) {
        throw new ServiceError(this.name, operation, failure.message, failure.transient);
      }
      const result = clone(effect());
      tookEffect = true;
      if (cacheKey !== undefined) this.answered.set(cacheKey, result);
      record.result = clone(result);
      // The effect happened, but the caller never hears of it.
      if (failure) throw new ServiceError(this.name, operation, failure.message, failure.transient);
      return result;
    } catch (error) {
      if (!tookEffect) {
        record.ok = false;
        record.error = error instanceof Error ? error.message : String(error);
      }
      throw error;
    }
  }

  private nextFailure(operation: string, args: unknown): ScheduledFailure | undefined {
    const list = this.failures.get(operation) ?? [];
    const index = list.findIndex((f) => !f.match || f.match(args));
    const failure = list[index];
    if (!failure) return undefined;
    failure.remaining--;
    if (failure.remaining <= 0) list.splice(index, 1);
    return failure;
  }
}
