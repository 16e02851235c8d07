import { randomUUID } from "node:crypto";
import { BatonError } from "../../errors.js";
import { encodeJson } from "../../json.js";
import { type HistoryRow, type RunRow, runFinished, runNotFound, toHistoryColumns, toRunRecord } from "../rows.js";
import { finishedSql } from "../status-sql.js";
import type { HistoryRecord, Store } from "../store.js";
import { answered, createPostgresBatcher } from "./postgres-batcher.js";
import type { PostgresContext } from "./postgres-context.js";

/** A signal to send, as `sendSignals` reads it. */
interface SignalSend {
  run_id: string;
  name: string;
  payload: string | null;
  send_key: string;
  now: number;
}

/** The statements of the run actions, for tables in schema `t` (quoted). */
export function actionStatements(t: string) {
  return {
    // $1 run, $2 name, $3 payload, $4 key, $5 now, $6 channel
    sendSignal: `WITH run AS (
        UPDATE ${t}.runs SET poke_seq = poke_seq + 1, updated_at = $5::bigint
        WHERE id = $1 AND status NOT IN ${finishedSql} RETURNING id, poke_seq
      ),
      ins AS (
        INSERT INTO ${t}.signals (run_id, name, payload, sent_at, send_key)
        SELECT $1, $2, $3, $5::bigint, $4 FROM run ON CONFLICT (send_key) DO NOTHING RETURNING id
      ),
      note AS (SELECT pg_notify($6, 'k:' || poke_seq || ':' || id) FROM run)
      SELECT (SELECT count(*) FROM run)::int AS found, (SELECT count(*) FROM ins)::int AS inserted,
        (SELECT count(*) FROM note)::int AS notes`,

    // sendSignal of many signals at once (group commit): their runs are
    // locked in id order, as every statement locking several runs does; a
    // run's signals keep their order. $1 signals (i, run_id, name, payload,
    // send_key, now), $2 channel; returns the runs found unfinished.
    sendSignals: `WITH s AS (
        SELECT * FROM jsonb_to_recordset($1::jsonb)
          AS s(i integer, run_id text, name text, payload text, send_key text, now bigint)
      ),
      locked AS (
        SELECT r.id FROM ${t}.runs r
        WHERE r.id = ANY (ARRAY(SELECT run_id FROM s)) AND r.status NOT IN ${finishedSql}
        ORDER BY r.id FOR UPDATE OF r
      ),
      run AS (
        UPDATE ${t}.runs r SET poke_seq = r.poke_seq + 1, updated_at = c.now
        FROM (SELECT run_id, max(now) AS now FROM s GROUP BY run_id) c
        WHERE r.id = ANY (ARRAY(SELECT id FROM locked)) AND r.id = c.run_id AND r.status NOT IN ${finishedSql}
        RETURNING r.id, r.poke_seq
      ),
      ins AS (
        INSERT INTO ${t}.signals (run_id, name, payload, sent_at, send_key)
        SELECT s.run_id, s.name, s.payload, s.now, s.send_key FROM s
        WHERE s.run_id IN (SELECT id FROM run) ORDER BY s.i
        ON CONFLICT (send_key) DO NOTHING RETURNING id
      ),
      note AS (SELECT pg_notify($2, 'k:' || poke_seq || ':' || id) FROM run)
      SELECT id, (SELECT count(*) FROM ins)::int AS inserted, (SELECT count(*) FROM note)::int AS notes FROM run`,

    signalSent: `SELECT 1 FROM ${t}.signals WHERE send_key = $1`,

    // $1 run, $2 now, $3 channel
    cancel: `WITH run AS (
        UPDATE ${t}.runs SET cancel_requested = true, poke_seq = poke_seq + 1, updated_at = $2::bigint
        WHERE id = $1 AND status NOT IN ${finishedSql} RETURNING *
      ),
      note AS (SELECT pg_notify($3, 'k:' || poke_seq || ':' || id) FROM run)
      SELECT run.*, (SELECT count(*) FROM note)::int AS notes FROM run`,

    // $1 run, $2 deadline, $3 now, $4 type, $5 position, $6 at, $7 data, $8 channel
    resume: `WITH upd AS (
        UPDATE ${t}.runs SET status = 'pending', error = NULL, finished_at = NULL, wake_at = NULL,
          last_seq = last_seq + 1, deadline_at = $2::bigint, updated_at = $3::bigint
        WHERE id = $1 AND status = 'failed' RETURNING last_seq
      ),
      ins AS (
        INSERT INTO ${t}.history (run_id, seq, type, position, at, data)
        SELECT $1, upd.last_seq, $4, $5::integer, $6::bigint, $7 FROM upd
      ),
      note AS (SELECT pg_notify($8, 'r') FROM upd)
      SELECT (SELECT count(*) FROM upd)::int AS resumed, (SELECT count(*) FROM note)::int AS notes`,

    lastEvent: `SELECT seq, type, position, at, data FROM ${t}.history WHERE run_id = $1 ORDER BY seq DESC LIMIT 1`,
  };
}

/**
 * What others do to a run (they never write its history, except a resume):
 * send it a signal (signals sent at once share a statement), ask it to
 * cancel (both poke it), resume it once failed.
 */
export function createPostgresRunActions(
  ctx: PostgresContext,
): Pick<Store, "sendSignal" | "requestCancel" | "resumeRun"> {
  const sql = actionStatements(ctx.t);
  /** Signals sent at once share a statement (one commit, one notification lock); true when the run took it. */
  const signalBatcher = createPostgresBatcher<SignalSend, boolean>(async (sends) => {
    if (sends.length === 1) {
      const [send] = sends as [SignalSend];
      const [result] = await ctx.query<{ found: number }>(sql.sendSignal, [
        send.run_id,
        send.name,
        send.payload,
        send.send_key,
        send.now,
        ctx.channel,
      ]);
      return [Boolean(result?.found)];
    }
    const rows = await ctx.query<{ id: string }>(sql.sendSignals, [
      JSON.stringify(sends.map((send, i) => ({ i, ...send }))),
      ctx.channel,
    ]);
    return answered(rows, sends, (send) => send.run_id);
  }, ctx.batchesInFlight);

  return {
    sendSignal(runId, name, payload, now) {
      const encoded = encodeJson(payload, `payload of signal "${name}"`);
      const key = randomUUID();
      return ctx.run(async (attempt) => {
        if (await signalBatcher.add({ run_id: runId, name, payload: encoded, send_key: key, now })) return;
        if (attempt > 1 && (await ctx.query(sql.signalSent, [key])).length > 0) return;
        const existing = await ctx.loadRun(runId);
        if (!existing) throw runNotFound(runId);
        throw runFinished(runId, existing.status, `signal "${name}" to`);
      });
    },

    requestCancel(runId, now) {
      return ctx.run(async () => {
        const [row] = await ctx.query<RunRow>(sql.cancel, [runId, now, ctx.channel]);
        if (row) return toRunRecord(row);
        const existing = await ctx.loadRun(runId);
        if (!existing) throw runNotFound(runId);
        throw runFinished(runId, existing.status, "cancel");
      });
    },

    resumeRun(runId, event, deadlineAt, now) {
      const { data, position } = toHistoryColumns({ ...event, seq: 0 } as HistoryRecord);
      return ctx.run(async (attempt) => {
        const [result] = await ctx.query<{ resumed: number }>(sql.resume, [
          runId,
          deadlineAt ?? null,
          now,
          event.type,
          position,
          event.at,
          data,
          ctx.channel,
        ]);
        if (result?.resumed) return;
        const existing = await ctx.loadRun(runId);
        if (!existing) throw runNotFound(runId);
        if (attempt > 1 && existing.status !== "failed") {
          const [last] = await ctx.query<HistoryRow>(sql.lastEvent, [runId]);
          if (last && last.type === event.type && Number(last.at) === event.at) return;
        }
        throw new BatonError(
          "RUN_NOT_FAILED",
          `cannot resume run "${runId}": only failed runs can be resumed (it is ${existing.status})`,
        );
      });
    },
  };
}
