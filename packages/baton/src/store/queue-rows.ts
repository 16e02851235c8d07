import type { QueueLimits, QueueRecord } from "./records.js";

/** A `queues` row, as either backend reads it. */
export interface QueueRow {
  name: string;
  concurrency: number | null;
  per_key: number | null;
  rate_limit: number | null;
  rate_period_ms: number | string | null;
  rate_per_key: number | boolean;
  hold_while_waiting: number | boolean;
  registered_by: string;
  registered_at: number | string;
}

/** Maps a `queues` row to a record. */
export function toQueueRecord(row: QueueRow): QueueRecord {
  return {
    name: row.name,
    ...(row.concurrency === null ? {} : { concurrency: row.concurrency }),
    ...(row.per_key === null ? {} : { perKey: row.per_key }),
    ...(row.rate_limit === null
      ? {}
      : {
          rateLimit: {
            limit: row.rate_limit,
            periodMs: Number(row.rate_period_ms),
            perKey: Boolean(row.rate_per_key),
          },
        }),
    holdWhileWaiting: Boolean(row.hold_while_waiting),
    registeredBy: row.registered_by,
    registeredAt: Number(row.registered_at),
  };
}

/** True when two declarations of a queue set the same limits. */
export function sameLimits(a: QueueLimits, b: QueueLimits): boolean {
  return (
    a.concurrency === b.concurrency &&
    a.perKey === b.perKey &&
    a.holdWhileWaiting === b.holdWhileWaiting &&
    a.rateLimit?.limit === b.rateLimit?.limit &&
    a.rateLimit?.periodMs === b.rateLimit?.periodMs &&
    Boolean(a.rateLimit?.perKey) === Boolean(b.rateLimit?.perKey)
  );
}
