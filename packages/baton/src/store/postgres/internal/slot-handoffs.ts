import type { RunRow } from "../../rows.js";
import { activeSql as active } from "../../status-sql.js";
import type { ClaimResult } from "../../store.js";

/**
 * The part of the statement of finishing writes that hands slots on (see
 * `SlotHandoff`), for tables in schema `t` (quoted): CTEs that read `w` (the
 * writes, with `lease_ms` and `workflows` set for a handoff) and `upd` (the
 * runs that finished, with their queue and parent), and end with `handed`,
 * the runs now leased to the writers.
 *
 * By queue and holder, as many runs as finished, in claim order, of queues
 * without per-key or rate limits that hold no more runs than their
 * concurrency (the finishing ones still counted): the queue's count of
 * runs holding a slot stays as it was, so no lock of its row is needed. A
 * run that one of the finishing runs pokes (its parent) is left to claims:
 * one statement updates a row once.
 */
export function slotHandoffCtes(t: string): string {
  return `handoffs AS (
        SELECT upd.queue, w.owner, count(*)::int AS n, max(w.now) AS now, max(w.lease_ms) AS lease_ms,
          min(w.workflows) AS workflows
        FROM upd JOIN w ON w.id = upd.id
        WHERE w.lease_ms IS NOT NULL AND upd.queue <> 'default'
        GROUP BY upd.queue, w.owner
      ),
      picked AS (
        SELECT p.id, h.owner, h.now, h.lease_ms FROM handoffs h
        JOIN ${t}.queues q ON q.name = h.queue AND q.per_key IS NULL AND q.rate_limit IS NULL
        CROSS JOIN LATERAL (
          SELECT r.id FROM ${t}.runs r
          WHERE r.queue = h.queue AND r.status IN ${active} AND r.status IN ('pending', 'waiting')
            AND r.lease_owner IS NULL
            AND CASE r.status WHEN 'waiting'
              THEN NOT q.hold_while_waiting AND (r.wake_at <= h.now OR r.poke_seq > r.seen_poke_seq)
              ELSE r.wake_at IS NULL OR r.wake_at <= h.now END
            AND (r.workflow || '@' || r.version) = ANY(h.workflows)
            AND r.id NOT IN (SELECT parent_id FROM upd WHERE parent_id IS NOT NULL)
          ORDER BY r.priority DESC, r.created_at
          LIMIT h.n
          FOR UPDATE OF r SKIP LOCKED
        ) p
        WHERE q.concurrency IS NULL OR q.concurrency >= (
          SELECT count(*) FROM ${t}.runs b
          WHERE b.queue = h.queue AND b.queue <> 'default' AND b.status IN ('running', 'waiting', 'compensating')
            AND (b.lease_owner IS NOT NULL OR (b.status = 'waiting' AND q.hold_while_waiting)))
      ),
      handed AS (
        UPDATE ${t}.runs r SET lease_owner = p.owner, lease_token = r.lease_token + 1,
          lease_expires_at = p.now + p.lease_ms,
          status = CASE WHEN r.status = 'pending' THEN 'running' ELSE r.status END,
          started_at = coalesce(r.started_at, p.now), debounce_key = NULL, updated_at = p.now
        FROM picked p WHERE r.id = p.id
        RETURNING r.*
      )`;
}

/** A finishing write as `handOutSlots` reads it. */
export interface HandingWrite {
  owner: string;
  /** Null when the write hands no slot on. */
  lease_ms: number | null;
  /** The run handed a slot through this write, read for its holder. */
  handedOff?: ClaimResult;
}

/**
 * Reads the runs handed a slot (`handed`, as the statement answered them)
 * for their holder, and gives each to one write of its holder whose fence
 * matched (`matched`, by index): any one, since the holder executes it. A
 * run that cannot be read now is given to none: it is held all the same,
 * and its holder's renewal finds it.
 */
export async function handOutSlots(
  handed: RunRow[],
  writes: HandingWrite[],
  matched: boolean[],
  readClaimed: (rows: RunRow[], owner: string) => Promise<Omit<ClaimResult, "nextWakeAt">>,
): Promise<void> {
  const takers = writes.filter((write, i) => matched[i] && write.lease_ms !== null);
  for (const owner of new Set(handed.map((row) => row.lease_owner))) {
    const rows = handed.filter((row) => row.lease_owner === owner);
    const read = owner === null ? undefined : await readClaimed(rows, owner).catch(() => undefined);
    const results: ClaimResult[] = [
      ...(read?.runs ?? []).map((run) => ({ runs: [run] })),
      ...(read?.unreadable ?? []).map((run) => ({ runs: [], unreadable: [run] })),
    ];
    for (const result of results) {
      const taker = takers.find((write) => !write.handedOff && write.owner === owner);
      if (taker) taker.handedOff = result;
    }
  }
}
