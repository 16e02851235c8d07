/**
 * Conversions between database rows and store records, shared by every
 * backend. Rows use snake_case columns; JSON columns hold text.
 */
import { BatonError } from "../errors.js";
import { decodeJson, encodeJson } from "../json.js";
import { runIdPattern } from "../names.js";
import type { ErrorInfo, EventMatch, HistoryEventType, RunStatus } from "../types.js";
import type { EventRecord, EventWaitRecord, HistoryRecord, RunRecord, SignalRecord, UnreadableRun } from "./store.js";

/** A `runs` row. Integer columns may arrive as strings (PostgreSQL bigint). */
export interface RunRow {
  id: string;
  workflow: string;
  version: string;
  status: string;
  input: string | null;
  output: string | null;
  error: string | null;
  parent_id: string | null;
  created_at: number | string;
  updated_at: number | string;
  finished_at: number | string | null;
  timeout_ms: number | string | null;
  deadline_at: number | string | null;
  wake_at: number | string | null;
  cancel_requested: number | boolean;
  poke_seq: number | string;
  seen_poke_seq: number | string;
  last_seq: number | string;
  lease_owner: string | null;
  lease_token: number | string;
  lease_expires_at: number | string | null;
  queue: string;
  concurrency_key: string | null;
  priority: number | string;
  started_at: number | string | null;
  schedule_id?: string | null;
  scheduled_at?: number | string | null;
}

const num = (v: number | string) => Number(v);
const opt = (v: number | string | null) => (v === null ? undefined : Number(v));

/** Maps a `runs` row to a record. */
export function toRunRecord(row: RunRow): RunRecord {
  return {
    id: row.id,
    workflow: row.workflow,
    version: row.version,
    status: row.status as RunStatus,
    input: decodeJson(row.input),
    output: decodeJson(row.output),
    error: decodeJson(row.error) as ErrorInfo | undefined,
    parentId: row.parent_id ?? undefined,
    createdAt: num(row.created_at),
    updatedAt: num(row.updated_at),
    finishedAt: opt(row.finished_at),
    timeoutMs: opt(row.timeout_ms),
    deadlineAt: opt(row.deadline_at),
    wakeAt: opt(row.wake_at),
    cancelRequested: Boolean(row.cancel_requested),
    pokeSeq: num(row.poke_seq),
    seenPokeSeq: num(row.seen_poke_seq),
    lastSeq: num(row.last_seq),
    leaseOwner: row.lease_owner ?? undefined,
    leaseToken: num(row.lease_token),
    leaseExpiresAt: opt(row.lease_expires_at),
    queue: row.queue,
    concurrencyKey: row.concurrency_key ?? undefined,
    priority: num(row.priority),
    startedAt: opt(row.started_at),
    scheduleId: row.schedule_id ?? undefined,
    scheduledAt: opt(row.scheduled_at ?? null),
  };
}

/** A `history` row. */
export interface HistoryRow {
  seq: number | string;
  type: string;
  position: number | null;
  at: number | string;
  data: string | null;
}

/** The columns of an event: `data` holds every field but seq, type, position and at. */
export function toHistoryColumns(event: HistoryRecord): { data: string | null; position: number | null } {
  const { seq: _seq, type: _type, at: _at, position, ...rest } = event;
  return { data: hasKeys(rest) ? encodeJson(rest, `history event ${event.type}`) : null, position: position ?? null };
}

/** True when `value` has an own enumerable key (without listing them). */
function hasKeys(value: object): boolean {
  for (const key in value) if (Object.hasOwn(value, key)) return true;
  return false;
}

/** A run claimed by `owner` from `row` whose rows could not be read, with why. */
export function unreadableRun(row: RunRow, owner: string, error: unknown): UnreadableRun {
  return {
    lease: { runId: row.id, owner, token: num(row.lease_token) },
    lastSeq: num(row.last_seq),
    ...(row.parent_id === null ? {} : { parentId: row.parent_id }),
    error,
  };
}

/** Maps a `history` row to an event. */
export function toRecordedEvent(row: HistoryRow): HistoryRecord {
  const event: HistoryRecord = {
    seq: num(row.seq),
    type: row.type as HistoryEventType,
    at: num(row.at),
    ...(decodeJson(row.data) as object | undefined),
  };
  if (row.position !== null) event.position = Number(row.position);
  return event;
}

/** A `signals` row. */
export interface SignalRow {
  id: number | string;
  run_id: string;
  name: string;
  payload: string | null;
  sent_at: number | string;
}

/** Maps a `signals` row to a record. */
export function toSignalRecord(row: SignalRow): SignalRecord {
  return {
    id: num(row.id),
    runId: row.run_id,
    name: row.name,
    payload: decodeJson(row.payload),
    sentAt: num(row.sent_at),
  };
}

/** An `event_waits` row (`match` is text on SQLite, already parsed jsonb on PostgreSQL). */
export interface EventWaitRow {
  position: number;
  name: string;
  match: string | EventMatch | null;
  due_at: number | string | null;
  event_id: string | null;
  payload: string | null;
  received_at: number | string | null;
}

/** Maps an `event_waits` row to a record. */
export function toEventWaitRecord(row: EventWaitRow): EventWaitRecord {
  const wait: EventWaitRecord = { position: Number(row.position), name: row.name };
  if (row.match !== null) wait.match = typeof row.match === "string" ? JSON.parse(row.match) : row.match;
  if (row.due_at !== null) wait.dueAt = num(row.due_at);
  if (row.event_id !== null) {
    wait.received = { eventId: row.event_id, payload: decodeJson(row.payload), at: num(row.received_at ?? 0) };
  }
  return wait;
}

/** An `events` row. */
export interface EventRow {
  id: string;
  name: string;
  payload: string | null;
  sent_at: number | string;
  started: string;
  delivered: string;
}

/** Maps an `events` row to a record. */
export function toEventRecord(row: EventRow): EventRecord {
  return {
    id: row.id,
    name: row.name,
    payload: decodeJson(row.payload),
    sentAt: num(row.sent_at),
    started: JSON.parse(row.started),
    delivered: JSON.parse(row.delivered),
  };
}

/** Opaque cursor of a runs page: the last run's creation time and id. */
export function encodeCursor(createdAt: number, id: string): string {
  return Buffer.from(JSON.stringify([createdAt, id])).toString("base64url");
}

/** Reads a cursor made by `encodeCursor`. @throws BatonError `INVALID_CURSOR`. */
export function decodeCursor(cursor: string): { createdAt: number; id: string } {
  try {
    const [createdAt, id] = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (Number.isSafeInteger(createdAt) && typeof id === "string" && runIdPattern.test(id)) {
      return { createdAt, id };
    }
  } catch {
    // reported below
  }
  throw new BatonError(
    "INVALID_CURSOR",
    `invalid cursor ${JSON.stringify(cursor)}: pass a nextCursor from a previous page`,
  );
}

/** The page size of a listing: 1 to 1000, default 50. @throws BatonError `INVALID_LIMIT`. */
export function pageSize(limit: number | undefined): number {
  if (limit === undefined) return 50;
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
    throw new BatonError("INVALID_LIMIT", `invalid limit ${limit}: expected an integer from 1 to 1000`);
  }
  return limit;
}

export { runFinished, runNotFound } from "../errors.js";
export { newRunRecord } from "./new-run-record.js";
