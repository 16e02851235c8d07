import { activeStatuses, finishedStatuses, type RunStatus } from "../types.js";

/** A SQL list of statuses, `('a', 'b')`, made from the status lists of types.ts (never typed out). */
export function statusList(statuses: readonly RunStatus[]): string {
  return `(${statuses.map((status) => `'${status}'`).join(", ")})`;
}

/** `status IN` this: a run that has not finished. */
export const activeSql = statusList(activeStatuses);
/** `status IN` this: a run that has finished. */
export const finishedSql = statusList(finishedStatuses);
