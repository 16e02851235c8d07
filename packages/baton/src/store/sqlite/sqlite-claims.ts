import type { RunRow } from "../rows.js";
import { runNotFound, toRunRecord } from "../rows.js";
import { activeSql, finishedSql } from "../status-sql.js";
import type { ClaimRequest, ClaimResult, RunInbox, Store } from "../store.js";
import { createSqliteClaimedRuns } from "./sqlite-claimed-runs.js";
import type { SqliteContext } from "./sqlite-context.js";
import { createSqliteQueueClaims } from "./sqlite-queue-claims.js";

/** What a worker asks of the store about the runs it executes: claim them, keep their leases, read their inboxes. */
export function createSqliteClaims(
  ctx: SqliteContext,
): Pick<Store, "claimRuns" | "renewLeases" | "heldRuns" | "pokedRuns" | "readInbox"> {
  const queueClaims = createSqliteQueueClaims(ctx);
  const readClaimed = createSqliteClaimedRuns(ctx);
  const sql = ctx.prepared((db) => ({
    // The default queue, and runs of named queues that a worker holds already
    // (a dead worker's, or this one's to reclaim): they hold their slot.
    claim: db.prepare(
      `UPDATE runs SET lease_owner = @owner, lease_token = lease_token + 1, lease_expires_at = @expiresAt,
         status = CASE WHEN status = 'pending' THEN 'running' ELSE status END,
         started_at = coalesce(started_at, @now), debounce_key = NULL, updated_at = @now
       WHERE id IN (
         SELECT id FROM runs
         WHERE status IN ${activeSql} AND queue = 'default'
           AND (lease_owner IS NULL OR (lease_owner <> @owner AND lease_expires_at < @now)
             OR (lease_owner = @owner AND id IN (SELECT value FROM json_each(@reclaim))))
           AND CASE status WHEN 'waiting' THEN wake_at <= @now OR poke_seq > seen_poke_seq
             WHEN 'pending' THEN wake_at IS NULL OR wake_at <= @now ELSE 1 END
           AND (workflow || '@' || version) IN (SELECT value FROM json_each(@workflows))
         ORDER BY priority DESC, created_at LIMIT @limit)
       RETURNING *`,
    ),
    // (SQLite, which keeps no statistics, would otherwise read the runs by status, pending ones included.)
    takeOver: db.prepare(
      `UPDATE runs SET lease_owner = @owner, lease_token = lease_token + 1, lease_expires_at = @expiresAt, updated_at = @now
       WHERE id IN (
         SELECT id FROM runs INDEXED BY runs_lease_owner
         WHERE lease_owner IS NOT NULL AND queue <> 'default' AND status IN ${activeSql}
           AND ((lease_owner <> @owner AND lease_expires_at < @now)
             OR (lease_owner = @owner AND id IN (SELECT value FROM json_each(@reclaim))))
           AND (workflow || '@' || version) IN (SELECT value FROM json_each(@workflows))
         LIMIT @limit)
       RETURNING *`,
    ),
    nextWake: db.prepare(
      `SELECT min(wake_at) AS at FROM runs INDEXED BY runs_wake
       WHERE lease_owner IS NULL AND (status = 'waiting' OR (status = 'pending' AND wake_at IS NOT NULL))
         AND wake_at > @now
         AND (workflow || '@' || version) IN (SELECT value FROM json_each(@workflows))`,
    ),
    renew: db.prepare("UPDATE runs SET lease_expires_at = ? WHERE lease_owner = ? RETURNING id"),
    held: db.prepare("SELECT id FROM runs WHERE lease_owner = ?"),
    poked: db.prepare("SELECT id, poke_seq FROM runs WHERE lease_owner = ? AND poke_seq > seen_poke_seq"),
    finishedChildren: db.prepare(`SELECT * FROM runs WHERE parent_id = ? AND status IN ${finishedSql}`),
  }));

  return {
    claimRuns(request: ClaimRequest): Promise<ClaimResult> {
      return ctx.batcher.write(() => {
        const workflows = JSON.stringify(request.workflows);
        const params = {
          owner: request.owner,
          expiresAt: request.now + request.leaseMs,
          now: request.now,
          workflows,
          reclaim: JSON.stringify(request.reclaim ?? []),
          limit: request.limit,
        };
        const rows = sql().claim.all(params) as RunRow[];
        let nextAt = (sql().nextWake.get({ now: request.now, workflows }) as { at: number | null }).at ?? undefined;
        if (request.queues?.length) {
          rows.push(...(sql().takeOver.all({ ...params, limit: request.limit - rows.length }) as RunRow[]));
          for (const queue of request.queues) {
            if (rows.length >= request.limit) break;
            const taken = queueClaims.claim(queue, { ...params, limit: request.limit - rows.length });
            rows.push(...taken.rows);
            if (taken.nextAt !== undefined) nextAt = Math.min(nextAt ?? taken.nextAt, taken.nextAt);
          }
        }
        return { ...readClaimed(rows, request.owner), nextWakeAt: nextAt };
      });
    },

    renewLeases(owner, now, leaseMs) {
      return ctx.batcher.write(() => (sql().renew.all(now + leaseMs, owner) as { id: string }[]).map((row) => row.id));
    },

    async heldRuns(owner) {
      return (sql().held.all(owner) as { id: string }[]).map((row) => row.id);
    },

    async pokedRuns(owner) {
      return (sql().poked.all(owner) as { id: string; poke_seq: number }[]).map((row) => ({
        runId: row.id,
        pokeSeq: row.poke_seq,
      }));
    },

    async readInbox(runId): Promise<RunInbox> {
      const run = ctx.loadRun(runId);
      if (!run) throw runNotFound(runId);
      return {
        pokeSeq: run.pokeSeq,
        cancelRequested: run.cancelRequested,
        signals: ctx.signalsOf(runId),
        finishedChildren: (sql().finishedChildren.all(runId) as RunRow[]).map(toRunRecord),
        eventWaits: ctx.events().waitsOf(runId),
        finishedTasks: ctx.tasks().finishedOf(runId),
        answeredHumanTasks: ctx.humanTasks().answeredOf(runId),
      };
    },
  };
}
