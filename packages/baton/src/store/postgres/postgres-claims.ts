import { type HumanTaskRow, humanTaskColumns, toHumanTaskRecord } from "../human-task-rows.js";
import {
  type EventWaitRow,
  type RunRow,
  runNotFound,
  type SignalRow,
  toEventWaitRecord,
  toRunRecord,
  toSignalRecord,
} from "../rows.js";
import { activeSql as active, finishedSql } from "../status-sql.js";
import type { ClaimResult, Store } from "../store.js";
import { type TaskRow, taskColumns, toTaskRecord } from "../task-rows.js";
import { createPostgresBatcher } from "./postgres-batcher.js";
import { createPostgresClaimedRuns } from "./postgres-claimed-runs.js";
import type { PostgresContext } from "./postgres-context.js";
import { createPostgresQueueClaims } from "./postgres-queue-claims.js";

/** The row of the inbox statement: the run's poke, with its signals, finished children and event waits as JSON. */
interface InboxRow {
  id: string;
  poke_seq: string;
  cancel_requested: boolean;
  signals: SignalRow[];
  children: RunRow[];
  event_waits: EventWaitRow[];
  tasks: TaskRow[];
  human_tasks: HumanTaskRow[];
}

/** The statements of the claims, for tables in schema `t` (quoted). */
function claimStatements(t: string) {
  return {
    // $1 owner, $2 now, $3 lease ms, $4 workflows, $5 reclaim, $6 limit
    // The default queue only: named queues are claimed within their limits (postgres-queue-claims.ts).
    claim: `WITH picked AS (
        SELECT id FROM ${t}.runs
        WHERE status IN ${active} AND queue = 'default'
          AND (lease_owner IS NULL OR (lease_owner <> $1 AND lease_expires_at < $2::bigint)
            OR (lease_owner = $1 AND id = ANY($5::text[])))
          AND CASE status WHEN 'waiting' THEN wake_at <= $2::bigint OR poke_seq > seen_poke_seq
            WHEN 'pending' THEN wake_at IS NULL OR wake_at <= $2::bigint ELSE true END
          AND (workflow || '@' || version) = ANY($4::text[])
        ORDER BY priority DESC, created_at
        LIMIT $6
        FOR UPDATE SKIP LOCKED
      )
      UPDATE ${t}.runs r SET lease_owner = $1, lease_token = r.lease_token + 1,
        lease_expires_at = $2::bigint + $3::bigint,
        status = CASE WHEN r.status = 'pending' THEN 'running' ELSE r.status END,
        started_at = coalesce(r.started_at, $2::bigint), debounce_key = NULL, updated_at = $2::bigint
      FROM picked WHERE r.id = picked.id
      RETURNING r.*`,

    // $1 now, $2 workflows
    nextWake: `SELECT min(wake_at) AS at FROM ${t}.runs
      WHERE lease_owner IS NULL AND (status = 'waiting' OR (status = 'pending' AND wake_at IS NOT NULL))
        AND wake_at > $1::bigint
        AND (workflow || '@' || version) = ANY($2::text[])`,

    // Locks in id order, as appendStepsBatch does.
    renew: `UPDATE ${t}.runs SET lease_expires_at = $2::bigint
      WHERE id IN (SELECT id FROM ${t}.runs WHERE lease_owner = $1 ORDER BY id FOR UPDATE)
        AND lease_owner = $1
      RETURNING id`,

    held: `SELECT id FROM ${t}.runs WHERE lease_owner = $1`,

    poked: `SELECT id, poke_seq FROM ${t}.runs WHERE lease_owner = $1 AND poke_seq > seen_poke_seq`,

    // One statement, one snapshot: the signals, children and event waits are as new as poke_seq.
    // The inboxes of the runs $1 (an array): read together for runs poked at once.
    inboxes: `SELECT r.id, r.poke_seq, r.cancel_requested,
        (SELECT coalesce(json_agg(s ORDER BY s.id), '[]') FROM (
          SELECT id, run_id, name, payload, sent_at FROM ${t}.signals WHERE run_id = r.id AND consumed_seq IS NULL
        ) s) AS signals,
        (SELECT coalesce(json_agg(c), '[]') FROM ${t}.runs c WHERE c.parent_id = r.id AND c.status IN ${finishedSql}) AS children,
        (SELECT coalesce(json_agg(w ORDER BY w.position), '[]') FROM (
          SELECT position, name, match, due_at, event_id, payload, received_at FROM ${t}.event_waits WHERE run_id = r.id
        ) w) AS event_waits,
        (SELECT coalesce(json_agg(k ORDER BY k.position), '[]') FROM (
          SELECT ${taskColumns} FROM ${t}.tasks
          WHERE run_id = r.id AND status IN ('completed', 'failed') AND NOT recorded
        ) k) AS tasks,
        (SELECT coalesce(json_agg(h ORDER BY h.position), '[]') FROM (
          SELECT ${humanTaskColumns} FROM ${t}.human_tasks
          WHERE run_id = r.id AND status IN ('completed', 'rejected') AND NOT recorded
        ) h) AS human_tasks
      FROM ${t}.runs r WHERE r.id = ANY($1::text[])`,
  };
}

/** What a worker asks of the store about the runs it executes: claim them, keep their leases, read their inboxes. */
export function createPostgresClaims(
  ctx: PostgresContext,
): Pick<Store, "claimRuns" | "renewLeases" | "heldRuns" | "pokedRuns" | "readInbox"> {
  const sql = claimStatements(ctx.t);
  const queueClaims = createPostgresQueueClaims(ctx);
  const readClaimed = createPostgresClaimedRuns(ctx);
  /** Reads the inboxes of runs poked at once in one statement. */
  const inboxBatcher = createPostgresBatcher<string, InboxRow | undefined>(async (runIds) => {
    const rows = await ctx.query<InboxRow>(sql.inboxes, [[...new Set(runIds)]]);
    const byId = new Map(rows.map((row) => [row.id, row]));
    return runIds.map((runId) => byId.get(runId));
  }, ctx.batchesInFlight);

  return {
    claimRuns(request): Promise<ClaimResult> {
      return ctx.run(async () => {
        const rows = await ctx.query<RunRow>(sql.claim, [
          request.owner,
          request.now,
          request.leaseMs,
          request.workflows,
          request.reclaim ?? [],
          request.limit,
        ]);
        const [next] = await ctx.query<{ at: string | null }>(sql.nextWake, [request.now, request.workflows]);
        let nextWakeAt = next?.at == null ? undefined : Number(next.at);
        if (request.queues?.length) {
          const taken = await queueClaims.claim(request, request.limit - rows.length);
          rows.push(...taken.rows);
          if (taken.nextAt !== undefined) nextWakeAt = Math.min(nextWakeAt ?? taken.nextAt, taken.nextAt);
        }
        return { ...(await readClaimed(rows, request.owner)), nextWakeAt };
      });
    },

    renewLeases(owner, now, leaseMs) {
      return ctx.run(async () =>
        (await ctx.urgentQuery<{ id: string }>(sql.renew, [owner, now + leaseMs])).map((row) => row.id),
      );
    },

    heldRuns(owner) {
      return ctx.run(async () => (await ctx.query<{ id: string }>(sql.held, [owner])).map((row) => row.id));
    },

    pokedRuns(owner) {
      return ctx.run(async () =>
        (await ctx.query<{ id: string; poke_seq: string }>(sql.poked, [owner])).map((row) => ({
          runId: row.id,
          pokeSeq: Number(row.poke_seq),
        })),
      );
    },

    readInbox(runId) {
      return ctx.run(async () => {
        const row = await inboxBatcher.add(runId);
        if (!row) throw runNotFound(runId);
        return {
          pokeSeq: Number(row.poke_seq),
          cancelRequested: row.cancel_requested,
          signals: row.signals.map(toSignalRecord),
          finishedChildren: row.children.map(toRunRecord),
          eventWaits: row.event_waits.map(toEventWaitRecord),
          finishedTasks: row.tasks.map(toTaskRecord),
          answeredHumanTasks: row.human_tasks.map(toHumanTaskRecord),
        };
      });
    },
  };
}
