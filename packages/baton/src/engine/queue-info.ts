import type { QueueLimits, QueueRecord, QueueStateRecord } from "../store/store.js";
import type { QueueInfo } from "../types.js";

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
