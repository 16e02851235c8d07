import { type QueueRow, sameLimits, toQueueRecord } from "../queue-rows.js";
import { activeSql } from "../status-sql.js";
import type { QueueRecord, QueueStateRecord, Store } from "../store.js";
import type { SqliteContext } from "./sqlite-context.js";

/** The queue verbs of the SQLite store: register the limits of named queues, and read them with their runs. */
export function createSqliteQueues(ctx: SqliteContext): Pick<Store, "registerQueues" | "getQueue" | "listQueues"> {
  const sql = ctx.prepared((db) => ({
    get: db.prepare("SELECT * FROM queues WHERE name = ?"),
    all: db.prepare("SELECT * FROM queues ORDER BY name"),
    upsert: db.prepare(
      `INSERT INTO queues (name, concurrency, per_key, rate_limit, rate_period_ms, rate_per_key, hold_while_waiting,
         registered_by, registered_at)
       VALUES (@name, @concurrency, @perKey, @rateLimit, @ratePeriodMs, @ratePerKey, @hold, @owner, @now)
       ON CONFLICT (name) DO UPDATE SET concurrency = excluded.concurrency, per_key = excluded.per_key,
         rate_limit = excluded.rate_limit, rate_period_ms = excluded.rate_period_ms,
         rate_per_key = excluded.rate_per_key, hold_while_waiting = excluded.hold_while_waiting,
         registered_by = excluded.registered_by, registered_at = excluded.registered_at`,
    ),
    // The runs of the queue now: pending (and the oldest), holding a slot, started in the window.
    state: db.prepare(
      `SELECT
         (SELECT count(*) FROM runs WHERE queue = @queue AND status IN ${activeSql} AND status = 'pending') AS pending,
         (SELECT min(created_at) FROM runs WHERE queue = @queue AND status IN ${activeSql} AND status = 'pending')
           AS oldest,
         (SELECT count(*) FROM runs WHERE queue = @queue AND queue <> 'default'
           AND status IN ('running', 'waiting', 'compensating')
           AND (lease_owner IS NOT NULL OR (status = 'waiting' AND @hold))) AS running,
         (SELECT count(*) FROM runs WHERE queue = @queue AND queue <> 'default' AND started_at > @since) AS started,
         (SELECT count(*) FROM runs WHERE queue = @queue AND queue <> 'default' AND finished_at > @minuteAgo) AS finished`,
    ),
  }));

  return {
    registerQueues(queues, owner, now) {
      return ctx.batcher.write(() => {
        const replaced: QueueRecord[] = [];
        for (const queue of queues) {
          const before = sql().get.get(queue.name) as QueueRow | undefined;
          if (before && !sameLimits(toQueueRecord(before), queue)) replaced.push(toQueueRecord(before));
          sql().upsert.run({
            name: queue.name,
            concurrency: queue.concurrency ?? null,
            perKey: queue.perKey ?? null,
            rateLimit: queue.rateLimit?.limit ?? null,
            ratePeriodMs: queue.rateLimit?.periodMs ?? null,
            ratePerKey: queue.rateLimit?.perKey ? 1 : 0,
            hold: queue.holdWhileWaiting ? 1 : 0,
            owner,
            now,
          });
        }
        return replaced;
      });
    },

    async getQueue(name) {
      const row = sql().get.get(name) as QueueRow | undefined;
      return row ? toQueueRecord(row) : undefined;
    },

    async listQueues(now) {
      return (sql().all.all() as QueueRow[]).map((row): QueueStateRecord => {
        const queue = toQueueRecord(row);
        const state = sql().state.get({
          queue: queue.name,
          hold: queue.holdWhileWaiting ? 1 : 0,
          since: now - (queue.rateLimit?.periodMs ?? 0),
          minuteAgo: now - 60_000,
        }) as { pending: number; oldest: number | null; running: number; started: number; finished: number };
        return {
          ...queue,
          pending: state.pending,
          running: state.running,
          startedInWindow: queue.rateLimit ? state.started : 0,
          finishedLastMinute: state.finished,
          ...(state.oldest === null ? {} : { oldestPendingAt: state.oldest }),
        };
      });
    },
  };
}
