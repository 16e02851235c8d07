/**
 * Queues as users declare them (`createEngine({ queues })`), checked and
 * turned into the limits the store enforces.
 */
import { type Duration, toMilliseconds } from "../duration.js";
import { BatonError } from "../errors.js";
import { queueNamePattern } from "../names.js";
import type { QueueLimits } from "../store/store.js";

/**
 * The limits of a named queue. Every limit holds across every worker sharing
 * the store. A queue declared without limits still orders its runs by priority.
 *
 * @example
 * createEngine({ workflows, queues: { emails: { concurrency: 5, perKey: 1, rateLimit: { limit: 100, period: "1m" } } } });
 */
export interface QueueOptions {
  /** Runs of the queue executing at once. Default: no limit. */
  concurrency?: number;
  /** Runs of one `concurrencyKey` executing at once. Default: no limit. */
  perKey?: number;
  /**
   * At most `limit` runs start per `period` (a sliding window): for the whole
   * queue, or for each `concurrencyKey` with `perKey: true`. Runs beyond it
   * stay pending and start as the window allows. Default: none.
   */
  rateLimit?: { limit: number; period: Duration; perKey?: boolean };
  /**
   * A run waiting on a timer, signal, event or child keeps its slot. Default
   * false: a waiting run gives its slot up and takes one again to go on.
   */
  holdWhileWaiting?: boolean;
}

/** The queue every run joins unless told otherwise; it has no limits. */
export const defaultQueue = "default";

const positiveInteger = (value: unknown) => Number.isSafeInteger(value) && (value as number) > 0;

/**
 * Checks the queues of `createEngine` and turns them into store limits.
 * @throws BatonError `INVALID_QUEUE` naming the queue and the value at fault.
 */
export function toQueueLimits(queues: Record<string, QueueOptions> | undefined): QueueLimits[] {
  if (queues === undefined) return [];
  if (typeof queues !== "object" || queues === null) {
    throw new BatonError("INVALID_QUEUE", `queues must be an object of queue options, got ${JSON.stringify(queues)}`);
  }
  return Object.entries(queues).map(([name, options]) => {
    const fail = (what: string): never => {
      throw new BatonError("INVALID_QUEUE", `queue "${name}": ${what}`);
    };
    if (name === defaultQueue) fail(`the ${defaultQueue} queue has no limits: declare a queue of another name`);
    if (!queueNamePattern.test(name)) {
      fail("a queue name is a letter or digit, then letters, digits, '.', '_', ':' or '-' (at most 128)");
    }
    if (typeof options !== "object" || options === null) fail(`expected options, got ${JSON.stringify(options)}`);
    const { concurrency, perKey, rateLimit, holdWhileWaiting } = options;
    if (concurrency !== undefined && !positiveInteger(concurrency)) {
      fail(`concurrency must be a positive integer, got ${JSON.stringify(concurrency)}`);
    }
    if (perKey !== undefined && !positiveInteger(perKey)) {
      fail(`perKey must be a positive integer, got ${JSON.stringify(perKey)}`);
    }
    if (holdWhileWaiting !== undefined && typeof holdWhileWaiting !== "boolean") {
      fail(`holdWhileWaiting must be a boolean, got ${JSON.stringify(holdWhileWaiting)}`);
    }
    let rate: QueueLimits["rateLimit"];
    if (rateLimit !== undefined) {
      if (typeof rateLimit !== "object" || rateLimit === null) fail(`rateLimit must be { limit, period }`);
      if (!positiveInteger(rateLimit.limit)) {
        fail(`rateLimit.limit must be a positive integer, got ${JSON.stringify(rateLimit.limit)}`);
      }
      let periodMs = 0;
      try {
        periodMs = toMilliseconds(rateLimit.period);
      } catch {
        fail(`rateLimit.period is not a duration: ${JSON.stringify(rateLimit.period)}`);
      }
      if (periodMs < 1) fail(`rateLimit.period must be at least 1ms, got ${JSON.stringify(rateLimit.period)}`);
      rate = { limit: rateLimit.limit, periodMs, perKey: rateLimit.perKey === true };
    }
    return {
      name,
      ...(concurrency === undefined ? {} : { concurrency }),
      ...(perKey === undefined ? {} : { perKey }),
      ...(rate ? { rateLimit: rate } : {}),
      holdWhileWaiting: holdWhileWaiting === true,
    };
  });
}
