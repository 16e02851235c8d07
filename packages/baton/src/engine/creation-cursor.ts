/**
 * Paging of lists ordered by creation, run id and position (tasks and human
 * tasks): the cursor (the last item of a page, as base64url JSON), and the
 * checks of a page's size and statuses.
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

/**
 * Checks the statuses a list filters on (one, or several).
 * @throws BatonError `INVALID_STATUS` naming the first unknown one and the `noun`'s statuses.
 */
export function checkStatuses<S extends string>(given: S | S[], known: readonly S[], noun: string): S[] {
  const statuses: S[] = Array.isArray(given) ? given : [given];
  for (const status of statuses) {
    if (!known.includes(status)) {
      throw new BatonError(
        "INVALID_STATUS",
        `invalid ${noun} status ${JSON.stringify(status)}: expected one of ${known.join(", ")}`,
      );
    }
  }
  return statuses;
}
