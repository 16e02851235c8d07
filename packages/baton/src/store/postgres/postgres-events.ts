/**
 * The event verbs of the PostgreSQL store, each one statement.
 *
 * Race freedom with many workers and senders:
 * - A wait takes at most one event: an event takes a wait with an `UPDATE`
 *   guarded by `event_id IS NULL`; a second publisher blocked on the same
 *   row re-reads it once the first commits, and skips it.
 * - Locks are taken in a fixed order: the rows of the runs to poke, sorted by
 *   id, then their wait rows; a run's own writes also lock its row before its
 *   wait rows. A deadlock that remains (a child's last write locks its row,
 *   then its parent's) aborts one statement, which is retried whole.
 * - Two sends of one event id: at most one inserts the event; the other
 *   fails on the primary key and rolls back whole (its deliveries and runs
 *   with it), or finds the event and does nothing.
 * - A timed-out wait is closed by a `DELETE` guarded by `event_id IS NULL`:
 *   either the wait is gone before an event takes it, or the event wins and
 *   the wait returns it.
 */
import { randomUUID } from "node:crypto";
import type pg from "pg";
import { BatonError, LeaseLostError } from "../../errors.js";
import { matchableFields } from "../../event-match.js";
import { encodeJson } from "../../json.js";
import { type EventRow, type EventWaitRow, toEventRecord, toEventWaitRecord } from "../rows.js";
import type {
  EventWaitRecord,
  Lease,
  NewEventRecord,
  NewEventWait,
  NewRun,
  ReceivedEvent,
  SendEventResult,
} from "../store.js";
import { insertRuns } from "./postgres-runs.js";

/** What the event verbs need from their store. */
export interface PostgresEventsContext {
  /** Quoted schema. */
  t: string;
  channel: string;
  query<R extends pg.QueryResultRow>(text: string, values?: unknown[]): Promise<R[]>;
  /** Runs an operation when the store is ready, retrying through outages; `attempt` counts tries. */
  run<T>(operation: (attempt: number) => Promise<T>): Promise<T>;
  /** The `runs` and `events` jsonb arrays inserting new runs. */
  newRunsJson(runs: NewRun[], now: number): { runs: string; events: string };
}

/** The event verbs, and the read of registered waits that claims and inboxes share. */
export interface PostgresEvents {
  sendEvent(event: NewEventRecord, now: number): Promise<SendEventResult>;
  closeEventWait(lease: Lease, position: number): Promise<ReceivedEvent | undefined>;
  /** Registered event waits of the runs `ids`, by run id. */
  waitsOf(ids: string[]): Promise<Map<string, EventWaitRecord[]>>;
  /** The jsonb array of event waits a write registers (`$23` of the append statement). */
  waitsJson(waits: NewEventWait[]): string;
}

const waitColumns = "position, name, match, due_at, event_id, payload, received_at";

/** The statements, for tables in schema `t` (quoted). */
function eventsSql(t: string) {
  const open = `w.name = $2 AND w.event_id IS NULL AND (w.due_at IS NULL OR w.due_at > $5::bigint)
    AND (w.match IS NULL OR $4::jsonb @> w.match)`;
  return {
    // $1 id, $2 name, $3 payload, $4 matchable fields, $5 now, $6 started, $7 runs, $8 run events,
    // $9 channel, $10 send key
    publish: `WITH fresh AS (SELECT NOT EXISTS (SELECT 1 FROM ${t}.events WHERE id = $1) AS ok),
      candidates AS MATERIALIZED (
        SELECT DISTINCT w.run_id FROM ${t}.event_waits w WHERE (SELECT ok FROM fresh) AND ${open}
      ),
      locked AS (
        SELECT id FROM ${t}.runs
        WHERE id = ANY (ARRAY(SELECT run_id FROM candidates)) AND status IN ('pending', 'running', 'waiting')
        ORDER BY id FOR NO KEY UPDATE
      ),
      poked AS (
        UPDATE ${t}.runs SET poke_seq = poke_seq + 1, updated_at = $5::bigint
        WHERE id = ANY (ARRAY(SELECT id FROM locked)) RETURNING id, poke_seq
      ),
      taken AS (
        UPDATE ${t}.event_waits w SET event_id = $1, payload = $3, received_at = $5::bigint
        WHERE w.run_id IN (SELECT id FROM poked) AND ${open}
        RETURNING w.run_id
      ),
      ${insertRuns(t, "$7", "$8", "$5::bigint", "(SELECT ok FROM fresh)")},
      ins AS (
        INSERT INTO ${t}.events (id, name, payload, sent_at, started, delivered, send_key)
        SELECT $1, $2, $3, $5::bigint, $6,
          (SELECT coalesce(json_agg(DISTINCT run_id ORDER BY run_id), '[]')::text FROM taken), $10
        WHERE (SELECT ok FROM fresh)
        RETURNING delivered
      ),
      note_poked AS (SELECT pg_notify($9, 'k:' || poke_seq || ':' || id) FROM poked),
      note_runs AS (SELECT pg_notify($9, 'r') WHERE EXISTS (SELECT 1 FROM new_runs))
      SELECT (SELECT delivered FROM ins) AS delivered,
        (SELECT count(*) FROM note_poked)::int + (SELECT count(*) FROM note_runs)::int AS notes`,

    event: `SELECT id, name, payload, sent_at, started, delivered, send_key FROM ${t}.events WHERE id = $1`,

    // $1 run, $2 position, $3 owner, $4 token
    close: `WITH held AS (SELECT 1 FROM ${t}.runs WHERE id = $1 AND lease_owner = $3 AND lease_token = $4::bigint),
      gone AS (
        DELETE FROM ${t}.event_waits
        WHERE run_id = $1 AND position = $2 AND event_id IS NULL AND EXISTS (SELECT 1 FROM held)
        RETURNING 1
      )
      SELECT (SELECT count(*) FROM held)::int AS held, (SELECT count(*) FROM gone)::int AS closed`,

    wait: `SELECT ${waitColumns} FROM ${t}.event_waits WHERE run_id = $1 AND position = $2`,
    waitsOf: `SELECT run_id, ${waitColumns} FROM ${t}.event_waits WHERE run_id = ANY($1::text[]) ORDER BY run_id, position`,
  };
}

/** Creates the event verbs of a PostgreSQL store. */
export function createPostgresEvents(context: PostgresEventsContext): PostgresEvents {
  const { t, channel, query, run } = context;
  const sql = eventsSql(t);

  return {
    sendEvent(event, now) {
      const payload = encodeJson(event.payload, `payload of event "${event.name}"`);
      const fields = matchableFields(event.payload);
      const started = event.runs.map((newRun) => newRun.id);
      const runs = context.newRunsJson(event.runs, now);
      const key = randomUUID();
      const values = [
        event.id,
        event.name,
        payload,
        fields === null ? null : JSON.stringify(fields),
        now,
        JSON.stringify(started),
        runs.runs,
        runs.events,
        channel,
        key,
      ];
      return run(async (attempt) => {
        try {
          const [row] = await query<{ delivered: string | null }>(sql.publish, values);
          if (row?.delivered != null) {
            const delivered = JSON.parse(row.delivered) as string[];
            return {
              created: true,
              event: { id: event.id, name: event.name, payload: event.payload, sentAt: now, started, delivered },
            };
          }
        } catch (error) {
          // Another send of the same id committed first: this one rolled back whole.
          if ((error as { code?: unknown }).code !== "23505") throw error;
        }
        const [existing] = await query<EventRow & { send_key: string }>(sql.event, [event.id]);
        if (!existing) throw new BatonError("STORE_ERROR", `event "${event.id}" was neither stored nor found`);
        // A retry after an ambiguous failure finds its own first try.
        return { created: attempt > 1 && existing.send_key === key, event: toEventRecord(existing) };
      });
    },

    closeEventWait(lease, position) {
      return run(async () => {
        const [result] = await query<{ held: number; closed: number }>(sql.close, [
          lease.runId,
          position,
          lease.owner,
          lease.token,
        ]);
        if (!result?.held) throw new LeaseLostError(lease.runId);
        if (result.closed) return undefined;
        const [row] = await query<EventWaitRow>(sql.wait, [lease.runId, position]);
        return row ? toEventWaitRecord(row).received : undefined;
      });
    },

    async waitsOf(ids) {
      const waits = new Map<string, EventWaitRecord[]>();
      if (ids.length === 0) return waits;
      for (const row of await query<EventWaitRow & { run_id: string }>(sql.waitsOf, [ids])) {
        const list = waits.get(row.run_id) ?? [];
        list.push(toEventWaitRecord(row));
        waits.set(row.run_id, list);
      }
      return waits;
    },

    waitsJson(waits) {
      const rows = waits.map(({ position, name, match, dueAt }) => ({ position, name, match, due_at: dueAt }));
      return JSON.stringify(rows);
    },
  };
}
