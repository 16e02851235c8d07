import { LeaseLostError } from "../../errors.js";
import { encodeJson } from "../../json.js";
import type { RunRow } from "../rows.js";
import { finishedSql } from "../status-sql.js";
import type { AppendResult, ClaimResult, Lease, RunWrite, RunWriteFields, Store } from "../store.js";
import { isAmbiguousError } from "./internal/connection-errors.js";
import { handOutSlots, slotHandoffCtes } from "./internal/slot-handoffs.js";
import { answered, createPostgresBatcher } from "./postgres-batcher.js";
import { createPostgresClaimedRuns } from "./postgres-claimed-runs.js";
import type { PostgresContext } from "./postgres-context.js";
import { createPostgresFullWrites } from "./postgres-full-writes.js";
import { eventColumns } from "./postgres-runs.js";

/** A run's lean write (events, status, next timer, poke seq, signals consumed), as `appendStepsBatch` reads it. */
interface StepBatchItem {
  id: string;
  owner: string;
  token: number;
  previous_seq: number;
  last_seq: number;
  status: string | null;
  set_wake: boolean;
  wake_at: number | null;
  seen_poke_seq: number | null;
  now: number;
  /** History rows (`run_id` set). */
  events: object[];
  /** Ids of the signals the write consumed. */
  consumed: number[];
  /** Only attempt starts: written alone, it need not wait for the disk. */
  startsOnly?: boolean;
  /** Sends the write as a statement of its own: true when its fence matched. */
  alone: () => Promise<boolean>;
}

/** A run's last write, as `appendEndsBatch` reads it. */
interface EndBatchItem {
  id: string;
  owner: string;
  token: number;
  previous_seq: number;
  last_seq: number;
  status: string;
  output: string | null;
  error: string | null;
  seen_poke_seq: number | null;
  now: number;
  /** A slot to hand on (see `SlotHandoff`): the new lease's length and the holder's workflows; null for none. */
  lease_ms: number | null;
  workflows: string[] | null;
  /** The run made task calls: its open tasks are cancelled (left out when not). */
  cancel_tasks?: true;
  /** History rows (`run_id` set). */
  events: object[];
  /** Sends the write as a statement of its own: true when its fence matched. */
  alone: () => Promise<boolean>;
  /** The run the write handed its slot on to, read for its holder. */
  handedOff?: ClaimResult;
}

/**
 * `appendSteps` of many runs at once (see `appendStepsBatch`); with
 * `consumes`, it also marks the signals each write consumed.
 */
function stepsBatch(t: string, consumes: boolean): string {
  const consumed = consumes
    ? `,
      consumed AS (
        UPDATE ${t}.signals sg SET consumed_seq = w.last_seq
        FROM w WHERE sg.run_id = w.id AND sg.id = ANY(w.consumed) AND w.id IN (SELECT id FROM upd)
      )`
    : "";
  return `WITH w AS (
        SELECT * FROM jsonb_to_recordset($1::jsonb) AS w(id text, owner text, token bigint, previous_seq integer,
          last_seq integer, status text, set_wake boolean, wake_at bigint, seen_poke_seq bigint, now bigint,
          consumed bigint[])
      ),
      locked AS (
        SELECT r.id FROM ${t}.runs r JOIN w ON r.id = w.id
        WHERE r.id = ANY (ARRAY(SELECT id FROM w))
          AND r.lease_owner = w.owner AND r.lease_token = w.token AND r.last_seq = w.previous_seq
        ORDER BY r.id FOR UPDATE OF r
      ),
      upd AS (
        UPDATE ${t}.runs r SET
          last_seq = w.last_seq,
          status = coalesce(w.status, r.status),
          wake_at = CASE WHEN w.set_wake THEN w.wake_at ELSE r.wake_at END,
          seen_poke_seq = coalesce(w.seen_poke_seq, r.seen_poke_seq),
          updated_at = w.now
        FROM w
        WHERE r.id = ANY (ARRAY(SELECT id FROM locked)) AND r.id = w.id
          AND r.lease_owner = w.owner AND r.lease_token = w.token AND r.last_seq = w.previous_seq
        RETURNING r.id
      ),
      hist AS (
        INSERT INTO ${t}.history (run_id, seq, type, position, at, data)
        SELECT e.run_id, e.seq, e.type, e.position, e.at, e.data
        FROM jsonb_to_recordset($2::jsonb) AS e(run_id text, ${eventColumns})
        WHERE e.run_id IN (SELECT id FROM upd)
      )${consumed}
      SELECT id FROM upd`;
}

/**
 * The statements of the writes, for tables in schema `t` (quoted). Each
 * write is one statement (one round trip, atomic on its own):
 * data-modifying CTEs apply every part of a write only when its fenced
 * `UPDATE` matched, and send notifications, which PostgreSQL delivers at commit.
 */
export function writeStatements(t: string) {
  return {
    lease: `SELECT lease_owner, lease_token, last_seq FROM ${t}.runs WHERE id = $1`,

    eventAt: `SELECT type FROM ${t}.history WHERE run_id = $1 AND seq = $2`,

    // The common write of a step (events, status, next timer, nothing else): the
    // lean form of `append`, with its parameters numbered alike where shared.
    // $1 run, $2 owner, $3 token, $4 previous seq, $5 last seq, $6 status,
    // $7 set wake_at, $8 wake_at, $9 seen poke seq, $10 now, $11 events
    appendSteps: `WITH upd AS (
        UPDATE ${t}.runs SET
          last_seq = $5::integer,
          status = coalesce($6::text, status),
          wake_at = CASE WHEN $7::boolean THEN $8::bigint ELSE wake_at END,
          seen_poke_seq = coalesce($9::bigint, seen_poke_seq),
          updated_at = $10::bigint
        WHERE id = $1 AND lease_owner = $2 AND lease_token = $3::bigint AND last_seq = $4::integer
        RETURNING id
      ),
      hist AS (
        INSERT INTO ${t}.history (run_id, seq, type, position, at, data)
        SELECT $1, e.seq, e.type, e.position, e.at, e.data
        FROM jsonb_to_recordset($11::jsonb) AS e(${eventColumns})
        WHERE EXISTS (SELECT 1 FROM upd)
      )
      SELECT (SELECT count(*) FROM upd)::int AS matched`,

    // appendSteps of many runs at once (group commit). Rows are locked in id
    // order, as renewals lock them, so two such statements never deadlock.
    // $1 writes (id, owner, token, previous_seq, last_seq, status, set_wake, wake_at, seen_poke_seq, now,
    // consumed: ids of the signals it consumed), $2 events (with run_id); returns the ids whose fence matched
    appendStepsBatch: stepsBatch(t, true),

    // The same when no write of the batch consumed a signal.
    appendStepsBatchNoSignals: stepsBatch(t, false),

    // The last write of many runs at once (group commit): each run's row and
    // its parent's are locked first, all in id order, as renewals and the
    // other batched writes lock theirs. A parent ending in the same statement
    // is not poked (one row is never updated twice in a statement).
    // $1 writes (id, owner, token, previous_seq, last_seq, status, output, error, seen_poke_seq, now,
    // lease_ms and workflows of a slot handoff), $2 events (with run_id), $3 channel; returns the ids whose
    // fence matched, and the runs handed a slot (`handed`, as JSON)
    appendEndsBatch: `WITH w AS (
        SELECT * FROM jsonb_to_recordset($1::jsonb) AS w(id text, owner text, token bigint, previous_seq integer,
          last_seq integer, status text, output text, error text, seen_poke_seq bigint, now bigint,
          lease_ms bigint, workflows text[], cancel_tasks boolean)
      ),
      locked AS (
        SELECT r.id FROM ${t}.runs r
        WHERE r.id = ANY (ARRAY(
          SELECT id FROM w
          UNION
          SELECT c.parent_id FROM ${t}.runs c WHERE c.id = ANY (ARRAY(SELECT id FROM w)) AND c.parent_id IS NOT NULL
        ))
        ORDER BY r.id FOR UPDATE OF r
      ),
      upd AS (
        UPDATE ${t}.runs r SET
          last_seq = w.last_seq,
          status = w.status,
          output = w.output,
          error = w.error,
          wake_at = NULL,
          seen_poke_seq = coalesce(w.seen_poke_seq, r.seen_poke_seq),
          finished_at = w.now,
          lease_owner = NULL,
          lease_expires_at = NULL,
          updated_at = w.now
        FROM w
        WHERE r.id = ANY (ARRAY(SELECT id FROM locked)) AND r.id = w.id
          AND r.lease_owner = w.owner AND r.lease_token = w.token AND r.last_seq = w.previous_seq
        RETURNING r.id, r.parent_id, w.now, r.queue
      ),
      hist AS (
        INSERT INTO ${t}.history (run_id, seq, type, position, at, data)
        SELECT e.run_id, e.seq, e.type, e.position, e.at, e.data
        FROM jsonb_to_recordset($2::jsonb) AS e(run_id text, ${eventColumns})
        WHERE e.run_id IN (SELECT id FROM upd)
      ),
      waits_ended AS (DELETE FROM ${t}.event_waits WHERE run_id IN (SELECT id FROM upd)),
      tasks_cancelled AS (
        UPDATE ${t}.tasks k SET status = 'cancelled', finished_at = u.now, updated_at = u.now
        FROM upd u JOIN w ON w.id = u.id
        WHERE w.cancel_tasks AND k.run_id = u.id AND k.status IN ('queued', 'leased')
      ),
      human_cancelled AS (
        UPDATE ${t}.human_tasks h SET status = 'cancelled', updated_at = u.now
        FROM upd u JOIN w ON w.id = u.id
        WHERE w.cancel_tasks AND h.run_id = u.id AND h.status = 'open'
      ),
      parent AS (
        UPDATE ${t}.runs p SET poke_seq = p.poke_seq + 1, updated_at = u.now
        FROM (SELECT parent_id, max(now) AS now FROM upd WHERE parent_id IS NOT NULL GROUP BY parent_id) u
        WHERE p.id = u.parent_id AND p.status NOT IN ${finishedSql} AND p.id NOT IN (SELECT id FROM upd)
        RETURNING p.id, p.poke_seq
      ),
      note_parent AS (SELECT pg_notify($3, 'k:' || poke_seq || ':' || id) FROM parent),
      ${slotHandoffCtes(t)},
      -- A run of a named queue that finishes frees its slot, unless it handed it on: claimers look again.
      note_queue AS (SELECT pg_notify($3, 'r')
        WHERE (SELECT count(*) FROM upd WHERE queue <> 'default') > (SELECT count(*) FROM handed))
      SELECT id, (SELECT count(*) FROM note_parent)::int + (SELECT count(*) FROM note_queue)::int AS notes,
        NULL::json AS handed
      FROM upd
      UNION ALL
      SELECT NULL, 0, row_to_json(handed) FROM handed`,
  };
}

/**
 * The writes of a run's progress under its lease (`RunWrite`): `starts` and
 * `progress` of concurrent runs share statements (starts on the pool whose
 * commits do not wait for the disk), `end`s share others, and `release` and
 * `full` go alone. A write whose commit was ambiguous is checked before it
 * is retried, so it never applies twice.
 */
export function createPostgresWrites(ctx: PostgresContext): Pick<Store, "appendHistory"> {
  const sql = writeStatements(ctx.t);
  const writeAlone = createPostgresFullWrites(ctx);
  const readClaimed = createPostgresClaimedRuns(ctx);
  /** The parameters of `appendSteps` for one run's lean write. */
  const stepValues = (w: StepBatchItem) => [
    w.id,
    w.owner,
    w.token,
    w.previous_seq,
    w.last_seq,
    w.status,
    w.set_wake,
    w.wake_at,
    w.seen_poke_seq,
    w.now,
    JSON.stringify(w.events),
  ];

  // Lean writes of concurrent runs share statements; at most half the
  // pool's connections carry each kind, so other operations keep theirs.
  const stepBatcher = createPostgresBatcher<StepBatchItem, boolean>(async (writes) => {
    if (writes.length === 1) {
      const [w] = writes as [StepBatchItem];
      if (w.consumed.length > 0) return [await w.alone()];
      const on = w.startsOnly ? ctx.startsPool : undefined;
      const [result] = await ctx.query<{ matched: number }>(sql.appendSteps, stepValues(w), on);
      return [Boolean(result?.matched)];
    }
    const consumes = writes.some((write) => write.consumed.length > 0);
    const rows = await ctx.query<{ id: string }>(consumes ? sql.appendStepsBatch : sql.appendStepsBatchNoSignals, [
      JSON.stringify(writes.map(({ events: _events, startsOnly: _startsOnly, alone: _alone, ...write }) => write)),
      JSON.stringify(writes.flatMap((write) => write.events)),
    ]);
    return answered(rows, writes, (write) => write.id);
  }, ctx.batchesInFlight);
  /** Last writes of concurrent runs (no children, signals or event waits in them) share statements. */
  const endBatcher = createPostgresBatcher<EndBatchItem, boolean>(async (writes) => {
    // One alone takes the single-run statement, cheaper than the batch's (which alone hands slots on).
    const [only] = writes;
    if (only && writes.length === 1 && only.lease_ms === null) return [await only.alone()];
    const rows = await ctx.query<{ id: string | null; handed: RunRow | null }>(sql.appendEndsBatch, [
      JSON.stringify(writes.map(({ events: _events, alone: _alone, ...write }) => write)),
      JSON.stringify(writes.flatMap((write) => write.events)),
      ctx.channel,
    ]);
    const matched = answered(
      rows.filter((row): row is { id: string; handed: null } => row.id !== null),
      writes,
      (write) => write.id,
    );
    await handOutSlots(
      rows.flatMap((row) => (row.handed ? [row.handed] : [])),
      writes,
      matched,
      readClaimed,
    );
    return matched;
  }, ctx.batchesInFlight);

  /** After an ambiguous failure: did this write commit? */
  const committedAlready = async (lease: Lease, write: RunWrite, previousSeq: number, lastSeq: number) => {
    const [row] = await ctx.query<{ lease_owner: string | null; lease_token: string; last_seq: number }>(sql.lease, [
      lease.runId,
    ]);
    if (!row || Number(row.lease_token) !== lease.token) return false;
    if (write.events.length === 0) {
      return row.last_seq === previousSeq && row.lease_owner === null && write.kind === "release";
    }
    if (row.last_seq < lastSeq) return false;
    const [event] = await ctx.query<{ type: string }>(sql.eventAt, [lease.runId, lastSeq]);
    return event?.type === write.events[write.events.length - 1]?.type;
  };

  return {
    appendHistory(lease, write): Promise<AppendResult | undefined> {
      const fields: RunWriteFields = write;
      const first = write.events[0];
      const last = write.events[write.events.length - 1];
      const children = ctx.newRunsJson(fields.children ?? [], write.now);
      const history = ctx.eventRows(write.events, lease.runId);
      const eventWaits = ctx.events.waitsJson(fields.eventWaits ?? []);
      // Attempt starts alone need not wait for the disk: the run's next write makes them durable.
      const on = write.kind === "starts" ? ctx.startsPool : undefined;
      let handedOff: ClaimResult | undefined;
      const written = ctx.run(async (attempt): Promise<AppendResult | undefined> => {
        const output = encodeJson(fields.output, `output of run "${lease.runId}"`);
        const error = encodeJson(fields.error, "error");
        let previousSeq = first ? first.seq - 1 : undefined;
        if (previousSeq === undefined) {
          const [row] = await ctx.query<{ last_seq: number }>(sql.lease, [lease.runId]);
          if (!row) throw new LeaseLostError(lease.runId);
          previousSeq = row.last_seq;
        }
        const lastSeq = last ? last.seq : previousSeq;
        let existingChildren: string[] | undefined;
        /** After an ambiguous failure, which children existed is unknown: each one is checked. */
        const unsure = (): AppendResult | undefined =>
          fields.children?.length ? { existingChildren: fields.children.map((child) => child.id) } : undefined;
        /** The write as one statement of its own (every kind of write). */
        const alone = async () => {
          const result = await writeAlone(lease, write, { previousSeq, lastSeq, history, children, eventWaits, on });
          if (result.existing?.length) existingChildren = result.existing;
          return result.matched;
        };
        try {
          if (write.kind === "starts" || write.kind === "progress") {
            const step: StepBatchItem = {
              id: lease.runId,
              owner: lease.owner,
              token: lease.token,
              previous_seq: previousSeq,
              last_seq: lastSeq,
              status: write.status ?? null,
              set_wake: write.wakeAt !== undefined,
              wake_at: write.wakeAt ?? null,
              seen_poke_seq: write.seenPokeSeq ?? null,
              now: write.now,
              events: history,
              consumed: fields.consumedSignals ?? [],
              startsOnly: write.kind === "starts",
              alone,
            };
            if (await stepBatcher.add(step)) return undefined;
          } else if (write.kind === "finish") {
            const end: EndBatchItem = {
              id: lease.runId,
              owner: lease.owner,
              token: lease.token,
              previous_seq: previousSeq,
              last_seq: lastSeq,
              status: write.status as string,
              output: output ?? null,
              error: error ?? null,
              seen_poke_seq: write.seenPokeSeq ?? null,
              now: write.now,
              lease_ms: write.handoff?.leaseMs ?? null,
              workflows: write.handoff?.workflows ?? null,
              ...(write.cancelTasks ? { cancel_tasks: true as const } : {}),
              events: history,
              alone,
            };
            if (await endBatcher.add(end)) {
              handedOff = end.handedOff;
              return undefined;
            }
          } else if (await alone()) {
            ctx.statistics.grew(fields.children?.length ?? 0);
            return existingChildren ? { existingChildren } : undefined;
          }
        } catch (error) {
          if (!isAmbiguousError(error)) throw error;
          // The commit may have happened: look before retrying.
          await ctx.ready();
          if (await committedAlready(lease, write, previousSeq, lastSeq).catch(() => false)) return unsure();
          throw error;
        }
        if (attempt > 1 && (await committedAlready(lease, write, previousSeq, lastSeq))) return unsure();
        throw new LeaseLostError(lease.runId);
      });
      if (write.kind !== "finish" || !write.handoff) return written;
      return written.then((result) => (handedOff ? { ...result, handedOff } : result));
    },
  };
}
