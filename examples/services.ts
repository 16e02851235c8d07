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

import { FatalError } from "baton";

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

/**
 * Error of a fake service. `transient` errors are worth retrying (a timeout,
 * a 503); the others are not (a declined card).
 */
export class ServiceError extends Error {
  constructor(
    readonly service: string,
    readonly operation: string,
    message: string,
    readonly transient: boolean,
  ) {
    super(`${service}.${operation}: ${message}`);
    this.name = "ServiceError";
  }
}

/**
 * Calls `fn`, turning a permanent `ServiceError` into a `FatalError` so the
 * step that called it fails at once instead of retrying.
 *
 * @example
 * await ctx.step("charge", () => permanentIsFatal(() => payments.charge(...)));
 */
export async function permanentIsFatal<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof ServiceError && !error.transient) throw new FatalError(error.message, { cause: error });
    throw error;
  }
}

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

// ---- inventory -----------------------------------------------------------------

/** One line of an order. */
export interface OrderLine {
  sku: string;
  quantity: number;
}

/** Stock set aside for an order. */
export interface Hold {
  holdId: string;
  orderId: string;
  lines: OrderLine[];
}

/** Stock levels with reservations (holds) that can be released. */
export class Inventory extends FakeService {
  readonly stock = new Map<string, number>();
  readonly holds = new Map<string, Hold>();

  constructor(stock: Record<string, number> = {}, options?: ServiceOptions) {
    super("inventory", options);
    for (const [sku, quantity] of Object.entries(stock)) this.stock.set(sku, quantity);
  }

  /** Sets aside stock for an order; refuses when a line is out of stock. */
  reserve(orderId: string, lines: OrderLine[], options: CallOptions = {}): Promise<Hold> {
    return this.call("reserve", { orderId, lines }, options, () => {
      for (const line of lines) {
        const available = this.stock.get(line.sku) ?? 0;
        if (available < line.quantity) {
          throw this.refuse("reserve", `only ${available} of ${line.sku} in stock, ${line.quantity} wanted`);
        }
      }
      for (const line of lines) this.stock.set(line.sku, (this.stock.get(line.sku) ?? 0) - line.quantity);
      const hold = { holdId: this.newId("hold"), orderId, lines };
      this.holds.set(hold.holdId, hold);
      return hold;
    });
  }

  /** Puts the stock of a hold back. Releasing an unknown or released hold does nothing. */
  release(holdId: string, options: CallOptions = {}): Promise<{ released: boolean }> {
    return this.call("release", { holdId }, options, () => {
      const hold = this.holds.get(holdId);
      if (!hold) return { released: false };
      this.holds.delete(holdId);
      for (const line of hold.lines) this.stock.set(line.sku, (this.stock.get(line.sku) ?? 0) + line.quantity);
      return { released: true };
    });
  }
}

// ---- payments ------------------------------------------------------------------

/** A captured payment. */
export interface Charge {
  chargeId: string;
  orderId: string;
  amount: number;
}

/** Card payments with refunds; some cards are declined. */
export class Payments extends FakeService {
  readonly declinedCards = new Set<string>();
  /** Net amount captured per charge id (refunds subtract). */
  readonly balance = new Map<string, number>();

  constructor(options?: ServiceOptions) {
    super("payments", options);
  }

  /** Every charge on this card is declined from now on. */
  decline(card: string): this {
    this.declinedCards.add(card);
    return this;
  }

  /** Captures `amount` on `card`; a declined card is a permanent error. */
  charge(input: { orderId: string; amount: number; card: string }, options: CallOptions = {}): Promise<Charge> {
    return this.call("charge", input, options, () => {
      if (this.declinedCards.has(input.card)) throw this.refuse("charge", `card ${input.card} was declined`);
      const charge = { chargeId: this.newId("ch"), orderId: input.orderId, amount: input.amount };
      this.balance.set(charge.chargeId, input.amount);
      return charge;
    });
  }

  /** Refunds a charge in full. */
  refund(chargeId: string, options: CallOptions = {}): Promise<{ refundId: string; amount: number }> {
    return this.call("refund", { chargeId }, options, () => {
      const amount = this.balance.get(chargeId);
      if (amount === undefined) throw this.refuse("refund", `no charge ${chargeId}`);
      this.balance.set(chargeId, 0);
      return { refundId: this.newId("re"), amount };
    });
  }

  /** Sum of what is still captured. */
  captured(): number {
    let total = 0;
    for (const amount of this.balance.values()) total += amount;
    return total;
  }
}

// ---- shipping ------------------------------------------------------------------

/** Shipping labels. */
export class Shipping extends FakeService {
  constructor(options?: ServiceOptions) {
    super("shipping", options);
  }

  /** Buys a label for an order. */
  label(orderId: string, options: CallOptions = {}): Promise<{ trackingNumber: string }> {
    return this.call("label", { orderId }, options, () => ({ trackingNumber: this.newId("1Z") }));
  }
}

// ---- email ---------------------------------------------------------------------

/** A sent message. */
export interface Message {
  to: string;
  template: string;
  data?: Record<string, unknown>;
}

/** Transactional email. */
export class Email extends FakeService {
  readonly outbox: (Message & { messageId: string })[] = [];

  constructor(options?: ServiceOptions) {
    super("email", options);
  }

  /** Sends a templated message. */
  send(message: Message, options: CallOptions = {}): Promise<{ messageId: string }> {
    return this.call("send", message, options, () => {
      const messageId = this.newId("msg");
      this.outbox.push({ ...message, messageId });
      return { messageId };
    });
  }

  /** Templates sent to `to`, in order. */
  templatesSentTo(to: string): string[] {
    return this.outbox.filter((m) => m.to === to).map((m) => m.template);
  }
}

// ---- provisioning --------------------------------------------------------------

/** A tenant ready to use. */
export interface Tenant {
  tenantId: string;
  account: string;
  region: string;
  url: string;
}

/** Creates and deletes tenants; some regions have no capacity. */
export class Provisioning extends FakeService {
  readonly unavailableRegions = new Set<string>();
  readonly tenants = new Map<string, Tenant>();

  constructor(options?: ServiceOptions) {
    super("provisioning", options);
  }

  /** Every tenant in `region` fails to provision from now on. */
  failRegion(region: string): this {
    this.unavailableRegions.add(region);
    return this;
  }

  /** Creates a tenant for an account. */
  provision(input: { account: string; region: string }, options: CallOptions = {}): Promise<Tenant> {
    return this.call("provision", input, options, () => {
      if (this.unavailableRegions.has(input.region)) {
        throw this.refuse("provision", `no capacity in region ${input.region}`);
      }
      const tenantId = this.newId("tn");
      const tenant = {
        tenantId,
        account: input.account,
        region: input.region,
        url: `https://${input.account}.example.app`,
      };
      this.tenants.set(tenantId, tenant);
      return tenant;
    });
  }

  /** Deletes a tenant. */
  deprovision(tenantId: string, options: CallOptions = {}): Promise<{ deleted: boolean }> {
    return this.call("deprovision", { tenantId }, options, () => ({ deleted: this.tenants.delete(tenantId) }));
  }
}

// ---- billing -------------------------------------------------------------------

/** A subscription and its state. */
export interface Subscription {
  subscriptionId: string;
  account: string;
  plan: string;
  status: "active" | "paused";
}

/** Subscriptions that can be paused. */
export class Billing extends FakeService {
  readonly subscriptions = new Map<string, Subscription>();

  constructor(options?: ServiceOptions) {
    super("billing", options);
  }

  /** Starts billing an account on a plan. */
  subscribe(input: { account: string; plan: string }, options: CallOptions = {}): Promise<Subscription> {
    return this.call("subscribe", input, options, () => {
      const subscription: Subscription = {
        subscriptionId: this.newId("sub"),
        account: input.account,
        plan: input.plan,
        status: "active",
      };
      this.subscriptions.set(subscription.subscriptionId, subscription);
      return subscription;
    });
  }

  /** Stops charging a subscription (it can be resumed later). */
  pause(subscriptionId: string, options: CallOptions = {}): Promise<Subscription> {
    return this.call("pause", { subscriptionId }, options, () => {
      const subscription = this.subscriptions.get(subscriptionId);
      if (!subscription) throw this.refuse("pause", `no subscription ${subscriptionId}`);
      subscription.status = "paused";
      return subscription;
    });
  }

  /** Status of the subscriptions of an account. */
  statusOf(account: string): Subscription["status"][] {
    return [...this.subscriptions.values()].filter((s) => s.account === account).map((s) => s.status);
  }
}

// ---- research ------------------------------------------------------------------

/** One source's answer for one region. */
export interface Finding {
  source: string;
  region: string;
  /** Estimated market size, in billions of USD. */
  sizeBn: number;
  /** Direction of the market. */
  trend: "growing" | "flat" | "shrinking";
}

/** Market size per region in billions, the "truth" the sources approximate. */
const baseSize: Record<string, number> = { EU: 14, US: 9, APAC: 11, UK: 2.5, LATAM: 1.5 };
/** How each source skews its estimates, and which trend it reports where. */
const sourceTraits: Record<string, { bias: number; trend: (region: string) => Finding["trend"] }> = {
  web: { bias: 1.35, trend: () => "growing" },
  papers: { bias: 0.9, trend: (region) => (region === "EU" ? "flat" : "growing") },
  analysts: { bias: 1.0, trend: (region) => (region === "US" ? "flat" : "growing") },
};

/** Names of the research sources. */
export const researchSources = Object.keys(sourceTraits);

/**
 * Search-engine and language-model stand-ins: `search` returns one source's
 * (deliberately disagreeing) findings, `summarize` writes a report.
 */
export class ResearchSources extends FakeService {
  constructor(options?: ServiceOptions) {
    super("research", options);
  }

  /** Asks one source about one region. */
  search(input: { source: string; question: string; region: string }, options: CallOptions = {}): Promise<Finding> {
    return this.call("search", input, options, () => {
      const traits = sourceTraits[input.source];
      if (!traits) throw this.refuse("search", `unknown source ${input.source}`);
      const base = baseSize[input.region];
      if (base === undefined) throw this.refuse("search", `no data for region ${input.region}`);
      return {
        source: input.source,
        region: input.region,
        sizeBn: Math.round(base * traits.bias * 10) / 10,
        trend: traits.trend(input.region),
      };
    });
  }

  /** Writes a short report from reconciled figures (a language model in real life). */
  summarize(
    input: { question: string; regions: string[]; lines: string[] },
    options: CallOptions = {},
  ): Promise<{ report: string }> {
    return this.call("summarize", input, options, () => ({
      report: [`${input.question} (scope: ${input.regions.join(", ")})`, ...input.lines.map((l) => `- ${l}`)].join(
        "\n",
      ),
    }));
  }
}
