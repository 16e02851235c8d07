import type { QueueLimits, QueueRecord, QueueStateRecord } from "../store/store.js";

/**
 * A named queue: its limits, as the worker started last declared them, and
 * its runs now (`engine.listQueues`).
 */
export interface QueueInfo {
  name: string;
  /** Runs of the queue executing at once, at most. */
  concurrency?: number;
  /** Runs of one concurrency key executing at once, at most. */
  perKey?: number;
  /** At most `limit` starts per `periodMs`, for the queue or (`perKey`) for each key. */
  rateLimit?: { limit: number; periodMs: number; perKey: boolean };
  /** A waiting run keeps its slot. */
  holdWhileWaiting: boolean;
  /** Runs waiting for their first start (delayed ones included). */
  pending: number;
  /** Runs holding a slot: executing, or waiting under `holdWhileWaiting`. */
  running: number;
  /** Starts within the rate window that ends now (0 without `rateLimit`). */
  startedInWindow: number;
  /** Runs of the queue that finished in the minute that ends now: its throughput. */
  finishedLastMinute: number;
  /** How long the oldest pending run has waited, when there is one. */
  oldestPendingAgeMs?: number;
  /** The worker whose limits hold, and when it registered them. */
  registeredBy: string;
  registeredAt: Date;
}

/** A queue as the engine shows it (`listQueues`), read at `now`. */
export function toQueueInfo(queue: QueueStateRecord, now: number): QueueInfo {
  return {
    name: queue.name,
    ...(queue.concurrency === undefined ? {} : { concurrency: queue.concurrency }),
    ...(queue.perKey === undefined ? {} : { perKey: queue.perKey }),
    ...(queue.rateLimit ? { rateLimit: { ...queue.rateLimit } } : {}),
    holdWhileWaiting: queue.holdWhileWaiting,
    pending: queue.pending,
    running: queue.running,
    startedInWindow: queue.startedInWindow,
    finishedLastMinute: queue.finishedLastMinute,
    ...(queue.oldestPendingAt === undefined ? {} : { oldestPendingAgeMs: Math.max(0, now - queue.oldestPendingAt) }),
    registeredBy: queue.registeredBy,
    registeredAt: new Date(queue.registeredAt),
  };
}

/** A queue's limits in a few words, for a warning. */
const describeLimits = (limits: QueueLimits) =>
  JSON.stringify({
    concurrency: limits.concurrency,
    perKey: limits.perKey,
    rateLimit: limits.rateLimit,
    holdWhileWaiting: limits.holdWhileWaiting,
  });

/**
 * Warns of each queue whose limits this engine replaced with others: two
 * workers with different limits for one queue. The last one started wins.
 */
export function reportReplacedLimits(
  declared: QueueLimits[],
  replaced: QueueRecord[],
  logger: { warn(message: string): void },
): void {
  for (const old of replaced) {
    const now = declared.find((queue) => queue.name === old.name);
    if (!now) continue;
    logger.warn(
      `queue "${old.name}": this worker's limits ${describeLimits(now)} replace ${describeLimits(old)} registered by ` +
        `worker "${old.registeredBy}" at ${new Date(old.registeredAt).toISOString()}; every worker now claims within ` +
        "this worker's limits (declare the same limits in every worker)",
    );
  }
}
