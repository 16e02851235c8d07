import { byClaimOrder, hasKeyLimits, type KeyCounts, QueuePicker } from "../queue-picks.js";
import { type QueueRow, toQueueRecord } from "../queue-rows.js";
import type { RunRow } from "../rows.js";
import { activeSql as active } from "../status-sql.js";
import type { ClaimRequest } from "../store.js";
import type { PostgresContext } from "./postgres-context.js";

/** The runs a claim took of named queues, and when a rate window next lets one start. */
export interface QueueClaim {
  rows: RunRow[];
  nextAt?: number;
}

/** Runnable runs of a queue listed at a time while a claim picks among them. */
const page = 500;

/** The runs of queue $1 no worker holds (the condition of the index `runs_queue_keys`). */
const unheld = "queue = $1 AND queue <> 'default' AND status IN ('pending', 'waiting') AND lease_owner IS NULL";
/** Of those, the runs a worker may take now ($2 hold while waiting, $3 now, $5 workflows). */
const runnable = `CASE status WHEN 'waiting' THEN NOT $2::boolean AND (wake_at <= $3::bigint OR poke_seq > seen_poke_seq)
    ELSE wake_at IS NULL OR wake_at <= $3::bigint END
  AND (workflow || '@' || version) = ANY($5::text[])`;

/** The statements of the queue claims, for tables in schema `t` (quoted). */
function queueClaimStatements(t: string) {
  return {
    // Runs of named queues that a worker holds already (a dead worker's, or
    // this one's to reclaim): they hold their slot. $1 owner, $2 now, $3 lease ms,
    // $4 workflows, $5 reclaim, $6 limit
    takeOver: `WITH picked AS (
        SELECT id FROM ${t}.runs
        WHERE lease_owner IS NOT NULL AND queue <> 'default' AND status IN ${active}
          AND ((lease_owner <> $1 AND lease_expires_at < $2::bigint) OR (lease_owner = $1 AND id = ANY($5::text[])))
          AND (workflow || '@' || version) = ANY($4::text[])
        LIMIT $6
        FOR UPDATE SKIP LOCKED
      )
      UPDATE ${t}.runs r SET lease_owner = $1, lease_token = r.lease_token + 1,
        lease_expires_at = $2::bigint + $3::bigint, updated_at = $2::bigint
      FROM picked WHERE r.id = picked.id
      RETURNING r.*`,

    // The queue's row, locked: claims of one queue take turns, so each counts
    // the slots the one before it took.
    limits: `SELECT * FROM ${t}.queues WHERE name = $1 FOR UPDATE`,

    // $1 queue, $2 hold while waiting
    busy: `SELECT concurrency_key AS key, count(*)::int AS n FROM ${t}.runs
      WHERE queue = $1 AND queue <> 'default' AND status IN ('running', 'waiting', 'compensating')
        AND (lease_owner IS NOT NULL OR (status = 'waiting' AND $2::boolean))
      GROUP BY concurrency_key`,

    // $1 queue, $2 window start
    started: `SELECT concurrency_key AS key, count(*)::int AS n, min(started_at) AS oldest FROM ${t}.runs
      WHERE queue = $1 AND queue <> 'default' AND started_at > $2::bigint GROUP BY concurrency_key`,

    // Runnable runs of the queue that no worker holds, in claim order, but
    // those of keys at their limit. (Each statement repeats the condition of
    // the partial index it reads, which a generic plan can then use.) $1 queue, $2 hold, $3 now, $4 full keys,
    // $5 workflows, $6 after (priority, created_at, id), $7 page size
    candidates: `SELECT id, concurrency_key, status, priority, created_at FROM ${t}.runs
      WHERE queue = $1 AND status IN ${active} AND status IN ('pending', 'waiting') AND lease_owner IS NULL
        AND CASE status WHEN 'waiting' THEN NOT $2::boolean AND (wake_at <= $3::bigint OR poke_seq > seen_poke_seq)
          ELSE wake_at IS NULL OR wake_at <= $3::bigint END
        AND (concurrency_key IS NULL OR NOT (concurrency_key = ANY($4::text[])))
        AND (workflow || '@' || version) = ANY($5::text[])
        AND ($6::jsonb IS NULL OR (-priority, created_at, id) > ((-($6::jsonb->>0)::integer), ($6::jsonb->>1)::bigint, $6::jsonb->>2))
      ORDER BY priority DESC, created_at, id
      LIMIT $7`,

    // Queues with per-key limits: the keys with runs no worker holds (from
    // one to the next along runs_queue_keys), the first runs of each key
    // with room, and the first runs without a key: what it reads follows the
    // keys, not the runs pending. $1 queue, $2 hold, $3 now, $4 full keys,
    // $5 workflows, $6 room of each key, $7 limit
    keyHeads: `WITH RECURSIVE keys(key) AS (
        SELECT (SELECT concurrency_key FROM ${t}.runs WHERE ${unheld} AND concurrency_key IS NOT NULL
           ORDER BY concurrency_key LIMIT 1)
        UNION ALL
        SELECT (SELECT concurrency_key FROM ${t}.runs WHERE ${unheld} AND concurrency_key > keys.key
           ORDER BY concurrency_key LIMIT 1)
        FROM keys WHERE keys.key IS NOT NULL
      )
      SELECT h.* FROM keys CROSS JOIN LATERAL (
        SELECT id, concurrency_key, status, priority, created_at FROM ${t}.runs
        WHERE ${unheld} AND concurrency_key = keys.key AND ${runnable}
        ORDER BY priority DESC, created_at, id LIMIT $6
      ) h
      WHERE keys.key IS NOT NULL AND NOT (keys.key = ANY($4::text[]))
      UNION ALL
      (SELECT id, concurrency_key, status, priority, created_at FROM ${t}.runs
        WHERE ${unheld} AND concurrency_key IS NULL AND ${runnable}
        ORDER BY priority DESC, created_at, id LIMIT $7)`,

    // Runs of the queue a worker let go while running or compensating (it stopped): they hold no
    // slot, and are taken before new ones. $1 queue, $2 workflows, $3 limit
    stranded: `SELECT id, concurrency_key, status, priority, created_at FROM ${t}.runs
      WHERE queue = $1 AND queue <> 'default' AND status IN ('running', 'waiting', 'compensating')
        AND status IN ('running', 'compensating') AND lease_owner IS NULL
        AND (workflow || '@' || version) = ANY($2::text[])
      ORDER BY priority DESC, created_at, id LIMIT $3`,

    // $1 ids, $2 owner, $3 now, $4 lease ms
    take: `UPDATE ${t}.runs SET lease_owner = $2, lease_token = lease_token + 1,
        lease_expires_at = $3::bigint + $4::bigint,
        status = CASE WHEN status = 'pending' THEN 'running' ELSE status END,
        started_at = coalesce(started_at, $3::bigint), debounce_key = NULL, updated_at = $3::bigint
      WHERE id = ANY($1::text[]) AND lease_owner IS NULL
      RETURNING *`,
  };
}

interface CandidateRow {
  id: string;
  concurrency_key: string | null;
  status: string;
  priority: number;
  created_at: string;
}

/**
 * Claims of the runs of named queues within their limits (see
 * `QueuePicker`): each queue in a transaction that locks its row first, so
 * that the counts it reads include every run other claims took.
 */
export function createPostgresQueueClaims(ctx: PostgresContext): {
  claim(request: ClaimRequest, limit: number): Promise<QueueClaim>;
} {
  const sql = queueClaimStatements(ctx.t);
  const counts = (rows: { key: string | null; n: number }[]): KeyCounts => new Map(rows.map((r) => [r.key, r.n]));

  /** Claims up to `limit` runs of `queue` for `request`. */
  const claimQueue = (queue: string, request: ClaimRequest, limit: number): Promise<QueueClaim> =>
    ctx.transaction(async (query) => {
      const [row] = await query<QueueRow>(sql.limits, [queue]);
      if (!row) return { rows: [] };
      const limits = toQueueRecord(row);
      const rate = limits.rateLimit;
      const started = rate
        ? await query<{ key: string | null; n: number; oldest: string }>(sql.started, [
            queue,
            request.now - rate.periodMs,
          ])
        : [];
      const busy = await query<{ key: string | null; n: number }>(sql.busy, [queue, limits.holdWhileWaiting]);
      const picker = new QueuePicker(limits, { busy: counts(busy), started: counts(started) }, limit);
      const fullKeys = picker.fullKeys();
      const ids: string[] = [];
      /** Offers `listed` to the picker in order, until it is full. */
      const offer = (listed: CandidateRow[]) => {
        for (const candidate of listed) {
          if (!picker.open) return;
          const starts = candidate.status === "pending";
          if (picker.take({ id: candidate.id, concurrencyKey: candidate.concurrency_key, starts }))
            ids.push(candidate.id);
        }
      };
      if (picker.open) offer(await query<CandidateRow>(sql.stranded, [queue, request.workflows, limit]));
      const listing = [queue, limits.holdWhileWaiting, request.now, fullKeys, request.workflows];
      if (picker.open && hasKeyLimits(limits)) {
        const room = Math.min(limits.perKey ?? limits.rateLimit?.limit ?? limit, limit);
        offer((await query<CandidateRow>(sql.keyHeads, [...listing, room, limit])).sort(byClaimOrder));
      } else if (picker.open) {
        // Pages in claim order until the picker is full or the runnable runs are all read.
        for (let after: string | null = null; picker.open; ) {
          const listed: CandidateRow[] = await query<CandidateRow>(sql.candidates, [...listing, after, page]);
          offer(listed);
          const last: CandidateRow | undefined = listed[listed.length - 1];
          if (listed.length < page || !last) break;
          after = JSON.stringify([last.priority, last.created_at, last.id]);
        }
      }
      const rows =
        ids.length > 0 ? await query<RunRow>(sql.take, [ids, request.owner, request.now, request.leaseMs]) : [];
      // A run the rate window holds back starts when the oldest start leaves it.
      const oldest = started.length > 0 ? Math.min(...started.map((s) => Number(s.oldest))) : undefined;
      return { rows, nextAt: picker.nextRateStartAt(oldest, request.now) };
    });

  return {
    async claim(request, limit) {
      const rows = await ctx.query<RunRow>(sql.takeOver, [
        request.owner,
        request.now,
        request.leaseMs,
        request.workflows,
        request.reclaim ?? [],
        Math.max(0, limit),
      ]);
      let nextAt: number | undefined;
      for (const queue of request.queues ?? []) {
        if (rows.length >= limit) break;
        const taken = await claimQueue(queue, request, limit - rows.length);
        rows.push(...taken.rows);
        if (taken.nextAt !== undefined) nextAt = Math.min(nextAt ?? taken.nextAt, taken.nextAt);
      }
      return { rows, nextAt };
    },
  };
}
