/**
 * The cursor of lists ordered by creation, run id and position (tasks and
 * human tasks): the last item of a page, as base64url JSON.
 */
import { BatonError } from "../errors.js";

/** Where a page ended. */
export interface CreationKey {
  createdAt: number;
  runId: string;
  position: number;
}

/** The cursor after `last`. */
export function writeCreationCursor(last: CreationKey): string {
  return Buffer.from(JSON.stringify([last.createdAt, last.runId, last.position])).toString("base64url");
}

/**
 * Reads a cursor of `writeCreationCursor`.
 * @throws BatonError `INVALID_CURSOR`.
 */
export function readCreationCursor(cursor: string): CreationKey {
  try {
    const [createdAt, runId, position] = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as unknown[];
    if (Number.isSafeInteger(createdAt) && typeof runId === "string" && Number.isSafeInteger(position)) {
      return { createdAt: createdAt as number, runId, position: position as number };
    }
  } catch {
    // reported below
  }
  throw new BatonError("INVALID_CURSOR", `invalid cursor ${JSON.stringify(cursor)}: expected the nextCursor of a page`);
}

/**
 * Checks a page size.
 * @throws BatonError `INVALID_LIMIT`.
 */
export function checkLimit(limit: number): number {
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
    throw new BatonError("INVALID_LIMIT", `invalid limit ${JSON.stringify(limit)}: expected an integer from 1 to 1000`);
  }
  return limit;
}
