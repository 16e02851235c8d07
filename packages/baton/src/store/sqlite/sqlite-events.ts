import type Database from "better-sqlite3";
import { LeaseLostError } from "../../errors.js";
import { matchesEvent } from "../../event-match.js";
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

/** The event verbs of the SQLite store; each runs inside the caller's transaction. */
export interface SqliteEvents {
  /** Stores an event, gives it to the matching waits, pokes their runs and starts `event.runs`. */
  publish(event: NewEventRecord, now: number): SendEventResult;
  /** Ends a timed-out wait unless an event reached it first (then returns that event). */
  close(lease: Lease, position: number): ReceivedEvent | undefined;
  /** The registered event waits of a run. */
  waitsOf(runId: string): EventWaitRecord[];
  /** Registers waits (existing positions are kept as they are). */
  register(runId: string, waits: NewEventWait[]): void;
  /** Removes the waits at `positions`, or every wait of the run. */
  end(runId: string, positions: number[] | "all"): void;
}

const columns = "position, name, match, due_at, event_id, payload, received_at";

/**
 * Prepares the event statements on a migrated database. Matching happens in
 * JavaScript inside the write transaction (`matchesEvent`), which SQLite runs
 * alone: no other write sees a wait between its read and its update.
 */
export function createSqliteEvents(
  db: Database.Database,
  runs: {
    /** Creates a run (false when its id exists). */
    insertRun(run: NewRun, now: number): boolean;
    /** Raises a run's poke_seq and announces it. */
    pokeRun(runId: string, now: number): void;
  },
): SqliteEvents {
  const { insertRun, pokeRun } = runs;
  const sql = {
    insert: db.prepare(
      `INSERT INTO events (id, name, payload, sent_at, started, delivered) VALUES (?, ?, ?, ?, ?, '[]')
       ON CONFLICT (id) DO NOTHING`,
    ),
    get: db.prepare("SELECT id, name, payload, sent_at, started, delivered FROM events WHERE id = ?"),
    setDelivered: db.prepare("UPDATE events SET delivered = ? WHERE id = ?"),
    open: db.prepare(
      `SELECT w.run_id, w.position, w.match FROM event_waits w JOIN runs r ON r.id = w.run_id
       WHERE w.name = ? AND w.event_id IS NULL AND (w.due_at IS NULL OR w.due_at > ?)
         AND r.status IN ('pending', 'running', 'waiting')`,
    ),
    receive: db.prepare(
      `UPDATE event_waits SET event_id = ?, payload = ?, received_at = ?
       WHERE run_id = ? AND position = ? AND event_id IS NULL`,
    ),
    held: db.prepare("SELECT 1 FROM runs WHERE id = ? AND lease_owner = ? AND lease_token = ?"),
    closeOpen: db.prepare("DELETE FROM event_waits WHERE run_id = ? AND position = ? AND event_id IS NULL"),
    wait: db.prepare(`SELECT ${columns} FROM event_waits WHERE run_id = ? AND position = ?`),
    waitsOf: db.prepare(`SELECT ${columns} FROM event_waits WHERE run_id = ? ORDER BY position`),
    register: db.prepare(
      `INSERT INTO event_waits (run_id, position, name, match, due_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (run_id, position) DO NOTHING`,
    ),
    end: db.prepare("DELETE FROM event_waits WHERE run_id = ? AND position = ?"),
    endAll: db.prepare("DELETE FROM event_waits WHERE run_id = ?"),
  };

  return {
    publish(event, now) {
      const payload = encodeJson(event.payload, `payload of event "${event.name}"`);
      const started = event.runs.map((run) => run.id);
      if (sql.insert.run(event.id, event.name, payload, now, JSON.stringify(started)).changes === 0) {
        return { created: false, event: toEventRecord(sql.get.get(event.id) as EventRow) };
      }
      const delivered = new Set<string>();
      const open = sql.open.all(event.name, now) as { run_id: string; position: number; match: string | null }[];
      for (const wait of open) {
        if (!matchesEvent(wait.match === null ? undefined : JSON.parse(wait.match), event.payload)) continue;
        if (sql.receive.run(event.id, payload, now, wait.run_id, wait.position).changes > 0) delivered.add(wait.run_id);
      }
      for (const runId of delivered) pokeRun(runId, now);
      for (const run of event.runs) insertRun(run, now);
      const ids = [...delivered].sort();
      sql.setDelivered.run(JSON.stringify(ids), event.id);
      return {
        created: true,
        event: { id: event.id, name: event.name, payload: event.payload, sentAt: now, started, delivered: ids },
      };
    },

    close(lease, position) {
      if (!sql.held.get(lease.runId, lease.owner, lease.token)) throw new LeaseLostError(lease.runId);
      if (sql.closeOpen.run(lease.runId, position).changes > 0) return undefined;
      const row = sql.wait.get(lease.runId, position) as EventWaitRow | undefined;
      return row ? toEventWaitRecord(row).received : undefined;
    },

    waitsOf(runId) {
      return (sql.waitsOf.all(runId) as EventWaitRow[]).map(toEventWaitRecord);
    },

    register(runId, waits) {
      for (const wait of waits) {
        const match = wait.match === undefined ? null : JSON.stringify(wait.match);
        sql.register.run(runId, wait.position, wait.name, match, wait.dueAt ?? null);
      }
    },

    end(runId, positions) {
      if (positions === "all") sql.endAll.run(runId);
      else for (const position of positions) sql.end.run(runId, position);
    },
  };
}
