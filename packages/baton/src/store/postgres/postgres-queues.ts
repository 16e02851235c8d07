import { type QueueRow, sameLimits, toQueueRecord } from "../queue-rows.js";
import { activeSql } from "../status-sql.js";
import type { QueueRecord, Store } from "../store.js";
import type { PostgresContext } from "./postgres-context.js";

/** The statements of the queue verbs, for tables in schema `t` (quoted). */
function queueStatements(t: string) {
  return {
    get: `SELECT * FROM ${t}.queues WHERE name = $1`,
    // Locks the rows to replace, so that the limits a registration reports replacing are those it replaced.
    lock: `SELECT * FROM ${t}.queues WHERE name = ANY($1::text[]) ORDER BY name FOR UPDATE`,
    // $1 queues (jsonb), $2 owner, $3 now
    upsert: `INSERT INTO ${t}.queues (name, concurrency, per_key, rate_limit, rate_period_ms, rate_per_key,
        hold_while_waiting, registered_by, registered_at)
      SELECT q.name, q.concurrency, q.per_key, q.rate_limit, q.rate_period_ms, q.rate_per_key, q.hold_while_waiting,
        $2, $3::bigint
      FROM jsonb_to_recordset($1::jsonb) AS q(name text, concurrency integer, per_key integer, rate_limit integer,
        rate_period_ms bigint, rate_per_key boolean, hold_while_waiting boolean)
      ON CONFLICT (name) DO UPDATE SET concurrency = excluded.concurrency, per_key = excluded.per_key,
        rate_limit = excluded.rate_limit, rate_period_ms = excluded.rate_period_ms,
        rate_per_key = excluded.rate_per_key, hold_while_waiting = excluded.hold_while_waiting,
        registered_by = excluded.registered_by, registered_at = excluded.registered_at`,
    // $1 now: every queue with its runs now
    all: `SELECT q.*,
        (SELECT count(*) FROM ${t}.runs r WHERE r.queue = q.name AND r.status IN ${activeSql}
          AND r.status = 'pending')::int AS pending,
        (SELECT min(created_at) FROM ${t}.runs r WHERE r.queue = q.name AND r.status IN ${activeSql}
          AND r.status = 'pending') AS oldest,
        (SELECT count(*) FROM ${t}.runs r WHERE r.queue = q.name AND r.queue <> 'default'
          AND r.status IN ('running', 'waiting', 'compensating')
          AND (r.lease_owner IS NOT NULL OR (r.status = 'waiting' AND q.hold_while_waiting)))::int AS running,
        (SELECT count(*) FROM ${t}.runs r WHERE r.queue = q.name AND r.queue <> 'default' AND q.rate_limit IS NOT NULL
          AND r.started_at > $1::bigint - q.rate_period_ms)::int AS started,
        (SELECT count(*) FROM ${t}.runs r WHERE r.queue = q.name AND r.queue <> 'default'
          AND r.finished_at > $1::bigint - 60000)::int AS finished
      FROM ${t}.queues q ORDER BY q.name`,
  };
}

/** The queue verbs of the PostgreSQL store: register the limits of named queues, and read them with their runs. */
export function createPostgresQueues(ctx: PostgresContext): Pick<Store, "registerQueues" | "getQueue" | "listQueues"> {
  const sql = queueStatements(ctx.t);
  return {
    registerQueues(queues, owner, now) {
      if (queues.length === 0) return Promise.resolve([]);
      return ctx.run(() =>
        ctx.transaction(async (query) => {
          const before = new Map(
            (await query<QueueRow>(sql.lock, [queues.map((q) => q.name)])).map((row) => [row.name, toQueueRecord(row)]),
          );
          const rows = queues.map((q) => ({
            name: q.name,
            concurrency: q.concurrency ?? null,
            per_key: q.perKey ?? null,
            rate_limit: q.rateLimit?.limit ?? null,
            rate_period_ms: q.rateLimit?.periodMs ?? null,
            rate_per_key: q.rateLimit?.perKey ?? false,
            hold_while_waiting: q.holdWhileWaiting,
          }));
          await query(sql.upsert, [JSON.stringify(rows), owner, now]);
          return queues.flatMap((q): QueueRecord[] => {
            const old = before.get(q.name);
            return old && !sameLimits(old, q) ? [old] : [];
          });
        }),
      );
    },

    getQueue(name) {
      return ctx.run(async () => {
        const [row] = await ctx.query<QueueRow>(sql.get, [name]);
        return row ? toQueueRecord(row) : undefined;
      });
    },

    listQueues(now) {
      return ctx.run(async () =>
        (
          await ctx.query<
            QueueRow & { pending: number; oldest: string | null; running: number; started: number; finished: number }
          >(sql.all, [now])
        ).map((row) => ({
          ...toQueueRecord(row),
          pending: row.pending,
          running: row.running,
          startedInWindow: row.started,
          finishedLastMinute: row.finished,
          ...(row.oldest === null ? {} : { oldestPendingAt: Number(row.oldest) }),
        })),
      );
    },
  };
}
