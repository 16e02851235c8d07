/** Calls of the fake services, recorded in the order they were received. */

/** One call a service received. */
export interface ServiceCall {
  /** Order of the call across every service sharing the log, from 1. */
  seq: number;
  service: string;
  operation: string;
  args: unknown;
  idempotencyKey?: string;
  /** False when the call threw. */
  ok: boolean;
  result?: unknown;
  error?: string;
}

/** Options of one call: the key that makes it idempotent. */
export interface CallOptions {
  idempotencyKey?: string;
}

/** Calls of many services, in the order they were received. */
export class CallLog {
  readonly calls: ServiceCall[] = [];

  /** `service.operation` of every successful call, in order (e.g. `["payments.charge", "payments.refund"]`). */
  operations(): string[] {
    return this.calls.filter((c) => c.ok).map((c) => `${c.service}.${c.operation}`);
  }
}
