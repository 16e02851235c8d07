/**
 * What both backends share to list open signal waits: the filter and cursor
 * as SQL terms, and the mapping of a result row. A wait's place in the
 * order is (since, run id, position); the cursor holds the last one listed.
 */
import { BatonError } from "../errors.js";
import type { RunStatus, SignalWaitFilter } from "../types.js";
import { pageSize } from "./rows.js";
import type { SignalWaitRecord } from "./store.js";

/** The extra terms and page size of a signal wait listing. */
export interface SignalWaitSql {
  /** Terms to add with `AND` (empty, or starting with ` AND `), with the backend's placeholders. */
  where: string;
  params: unknown[];
  limit: number;
}

/** How a backend spells the parts of the listing query that differ. */
export interface SignalWaitDialect {
  /** The n-th parameter (1-based): `?` for SQLite, `$n` for PostgreSQL. */
  placeholder(n: number): string;
  /** The signal's name, read from the `signal.waiting` row `w`. */
  name: string;
  /** The run id, compared byte by byte. */
  id: string;
}

/**
 * Builds the filter of `listSignalWaits` on the `runs` row `r` and the
 * `signal.waiting` row `w`.
 * @throws BatonError `INVALID_LIMIT`, `INVALID_CURSOR`.
 */
export function signalWaitSql(filter: SignalWaitFilter, dialect: SignalWaitDialect): SignalWaitSql {
  const limit = pageSize(filter.limit);
  const where: string[] = [];
  const params: unknown[] = [];
  const param = (value: unknown) => {
    params.push(value);
    return dialect.placeholder(params.length);
  };
  if (filter.workflow !== undefined) where.push(`r.workflow = ${param(filter.workflow)}`);
  if (filter.name !== undefined) where.push(`${dialect.name} = ${param(filter.name)}`);
  if (filter.cursor !== undefined) {
    const cursor = decodeSignalWaitCursor(filter.cursor);
    where.push(
      `(w.at, ${dialect.id}, w.position) > (${param(cursor.since)}, ${param(cursor.runId)}, ${param(cursor.position)})`,
    );
  }
  return { where: where.map((term) => ` AND ${term}`).join(""), params, limit };
}

/** A row of the listing (integers may arrive as strings from PostgreSQL). */
export interface SignalWaitRow {
  id: string;
  workflow: string;
  version: string;
  status: string;
  position: number | string;
  at: number | string;
  data: string | null;
}

/** Maps a listing row to a record. */
export function toSignalWaitRecord(row: SignalWaitRow): SignalWaitRecord {
  const data = (row.data === null ? {} : JSON.parse(row.data)) as { name?: string; dueAt?: number };
  const wait: SignalWaitRecord = {
    runId: row.id,
    workflow: row.workflow,
    version: row.version,
    runStatus: row.status as RunStatus,
    position: Number(row.position),
    name: data.name ?? "",
    since: Number(row.at),
  };
  if (data.dueAt !== undefined) wait.dueAt = data.dueAt;
  return wait;
}

/** A page of the listing from `rows` (one more than `limit` when there is a next page). */
export function signalWaitPage(
  rows: SignalWaitRow[],
  limit: number,
): { waits: SignalWaitRecord[]; nextCursor?: string } {
  const waits = rows.slice(0, limit).map(toSignalWaitRecord);
  const last = waits[waits.length - 1];
  return rows.length > limit && last ? { waits, nextCursor: encodeSignalWaitCursor(last) } : { waits };
}

/** Opaque cursor of a signal waits page: the last wait's time, run id and position. */
export function encodeSignalWaitCursor(wait: Pick<SignalWaitRecord, "since" | "runId" | "position">): string {
  return Buffer.from(JSON.stringify([wait.since, wait.runId, wait.position])).toString("base64url");
}

/** Reads a cursor made by `encodeSignalWaitCursor`. @throws BatonError `INVALID_CURSOR`. */
export function decodeSignalWaitCursor(cursor: string): { since: number; runId: string; position: number } {
  try {
    const [since, runId, position] = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (
      Number.isSafeInteger(since) &&
      typeof runId === "string" &&
      /^[^\0]{1,1000}$/.test(runId) &&
      Number.isSafeInteger(position) &&
      position >= 0 &&
      position <= 2 ** 31 - 1
    ) {
      return { since, runId, position };
    }
  } catch {
    // reported below
  }
  throw new BatonError(
    "INVALID_CURSOR",
    `invalid cursor ${JSON.stringify(cursor)}: pass a nextCursor from a previous page of signal waits`,
  );
}
