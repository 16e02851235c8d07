import { byClaimOrder, hasKeyLimits, type KeyCounts, QueuePicker } from "../queue-picks.js";
import { type QueueRow, toQueueRecord } from "../queue-rows.js";
import type { RunRow } from "../rows.js";
import { activeSql } from "../status-sql.js";
import type { SqliteContext } from "./sqlite-context.js";

/** What a claim of one queue needs from the claim as a whole. */
export interface QueueClaimParams {
  owner: string;
  expiresAt: number;
  now: number;
  /** JSON array of `name@version`. */
  workflows: string;
  limit: number;
}

/** The runs a claim took of one queue, and when the queue's rate window lets the next one start. */
export interface QueueClaim {
  rows: RunRow[];
  nextAt?: number;
}

/**
 * Claims of the runs of named queues within their limits (see
 * `QueuePicker`). Runs inside the claim's write transaction: the counts and
 * the runs taken are one consistent view, whatever other processes do.
 */
/** The runs of the queue no worker holds (the condition of the index `runs_queue_keys`). */
const unheld = "queue = @queue AND queue <> 'default' AND status IN ('pending', 'waiting') AND lease_owner IS NULL";
/** Of those, the runs a worker may take now. */
const runnable = `CASE status WHEN 'waiting' THEN NOT @hold AND (wake_at <= @now OR poke_seq > seen_poke_seq)
    ELSE wake_at IS NULL OR wake_at <= @now END
  AND (workflow || '@' || version) IN (SELECT value FROM json_each(@workflows))`;

/** A runnable run as the statements list it. */
interface CandidateRow {
  id: string;
  concurrency_key: string | null;
  status: string;
  priority: number;
  created_at: number;
}

export function createSqliteQueueClaims(ctx: SqliteContext): {
  claim(queue: string, params: QueueClaimParams): QueueClaim;
} {
  const sql = ctx.prepared((db) => ({
    limits: db.prepare("SELECT * FROM queues WHERE name = ?"),
    busy: db.prepare(
      `SELECT concurrency_key AS key, count(*) AS n FROM runs
       WHERE queue = @queue AND queue <> 'default' AND status IN ('running', 'waiting', 'compensating')
         AND (lease_owner IS NOT NULL OR (status = 'waiting' AND @hold))
       GROUP BY concurrency_key`,
    ),
    started: db.prepare(
      `SELECT concurrency_key AS key, count(*) AS n, min(started_at) AS oldest FROM runs
       WHERE queue = @queue AND queue <> 'default' AND started_at > @since GROUP BY concurrency_key`,
    ),
    // Runnable runs of the queue that no worker holds, in claim order, but
    // those of keys at their limit. (Each statement repeats the condition of
    // the partial index it reads: SQLite uses one only then.)
    candidates: db.prepare(
      `SELECT id, concurrency_key, status FROM runs
       WHERE queue = @queue AND status IN ${activeSql} AND status IN ('pending', 'waiting') AND lease_owner IS NULL
         AND CASE status WHEN 'waiting' THEN NOT @hold AND (wake_at <= @now OR poke_seq > seen_poke_seq)
           ELSE wake_at IS NULL OR wake_at <= @now END
         AND (concurrency_key IS NULL OR concurrency_key NOT IN (SELECT value FROM json_each(@fullKeys)))
         AND (workflow || '@' || version) IN (SELECT value FROM json_each(@workflows))
       ORDER BY priority DESC, created_at`,
    ),
    // Queues with per-key limits: the keys with runs no worker holds (from
    // one to the next along runs_queue_keys), then the first runs of each.
    keys: db.prepare(
      `WITH RECURSIVE keys(key) AS (
         SELECT (SELECT concurrency_key FROM runs WHERE ${unheld} AND concurrency_key IS NOT NULL
           ORDER BY concurrency_key LIMIT 1)
         UNION ALL
         SELECT (SELECT concurrency_key FROM runs WHERE ${unheld} AND concurrency_key > keys.key
           ORDER BY concurrency_key LIMIT 1)
         FROM keys WHERE keys.key IS NOT NULL)
       SELECT key FROM keys WHERE key IS NOT NULL`,
    ),
    heads: db.prepare(
      `SELECT id, concurrency_key, status, priority, created_at FROM runs
       WHERE ${unheld} AND concurrency_key IS @key AND ${runnable}
       ORDER BY priority DESC, created_at, id LIMIT @room`,
    ),
    // Runs of the queue a worker let go while running or compensating (it stopped): they hold no
    // slot, and are taken before new ones. (From runs_queue_busy, whose condition is repeated:
    // not every run the queue ever had.)
    stranded: db.prepare(
      `SELECT id, concurrency_key, status FROM runs INDEXED BY runs_queue_busy
       WHERE queue = @queue AND queue <> 'default' AND status IN ('running', 'waiting', 'compensating')
         AND status IN ('running', 'compensating') AND lease_owner IS NULL
         AND (workflow || '@' || version) IN (SELECT value FROM json_each(@workflows))
       ORDER BY priority DESC, created_at, id`,
    ),
    take: db.prepare(
      `UPDATE runs SET lease_owner = @owner, lease_token = lease_token + 1, lease_expires_at = @expiresAt,
         status = CASE WHEN status = 'pending' THEN 'running' ELSE status END,
         started_at = coalesce(started_at, @now), debounce_key = NULL, updated_at = @now
       WHERE id IN (SELECT value FROM json_each(@ids)) AND lease_owner IS NULL
       RETURNING *`,
    ),
  }));
  const counts = (rows: { key: string | null; n: number }[]): KeyCounts => new Map(rows.map((row) => [row.key, row.n]));

  /**
   * The runnable runs of a queue with per-key limits, in claim order: the
   * first runs of each key with room (as many as its room), and the first
   * runs without a key; what it reads follows the keys, not the runs pending.
   */
  const keyHeads = (listing: Record<string, unknown>, picker: QueuePicker, limit: number): CandidateRow[] => {
    const rows = sql().heads.all({ ...listing, key: null, room: limit }) as CandidateRow[];
    for (const { key } of sql().keys.all(listing) as { key: string }[]) {
      const room = Math.min(picker.roomOf(key), limit);
      if (room > 0) rows.push(...(sql().heads.all({ ...listing, key, room }) as CandidateRow[]));
    }
    return rows.sort(byClaimOrder);
  };

  return {
    claim(queue, params) {
      const row = sql().limits.get(queue);
      if (!row || params.limit <= 0) return { rows: [] };
      const limits = toQueueRecord(row as QueueRow);
      const hold = limits.holdWhileWaiting ? 1 : 0;
      const rate = limits.rateLimit;
      const started = rate
        ? (sql().started.all({ queue, since: params.now - rate.periodMs }) as {
            key: string | null;
            n: number;
            oldest: number;
          }[])
        : [];
      const picker = new QueuePicker(
        limits,
        { busy: counts(sql().busy.all({ queue, hold }) as never), started: counts(started) },
        params.limit,
      );
      const ids: string[] = [];
      const stranded = sql().stranded.all({ queue, workflows: params.workflows }) as CandidateRow[];
      for (const candidate of stranded) {
        if (!picker.open) break;
        if (picker.take({ id: candidate.id, concurrencyKey: candidate.concurrency_key, starts: false }))
          ids.push(candidate.id);
      }
      if (picker.open) {
        const listing = { queue, hold, now: params.now, workflows: params.workflows };
        const listed: Iterable<CandidateRow> & { return?: () => unknown } = hasKeyLimits(limits)
          ? keyHeads(listing, picker, params.limit)
          : (sql().candidates.iterate({
              ...listing,
              fullKeys: JSON.stringify(picker.fullKeys()),
            }) as IterableIterator<CandidateRow>);
        for (const candidate of listed) {
          const starts = candidate.status === "pending";
          if (picker.take({ id: candidate.id, concurrencyKey: candidate.concurrency_key, starts }))
            ids.push(candidate.id);
          if (!picker.open) {
            listed.return?.();
            break;
          }
        }
      }
      const rows = ids.length > 0 ? (sql().take.all({ ...params, ids: JSON.stringify(ids) }) as RunRow[]) : [];
      // A run the rate window holds back starts when the oldest start leaves it.
      const oldest = started.length > 0 ? Math.min(...started.map((s) => s.oldest)) : undefined;
      const nextAt = picker.nextRateStartAt(oldest, params.now);
      return { rows, nextAt };
    },
  };
}
