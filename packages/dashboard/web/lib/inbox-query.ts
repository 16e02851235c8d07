/**
 * The filters of the inbox, as kept in the URL's hash query, and the
 * `GET /api/human-tasks` path they ask for. With no status in the hash the
 * inbox shows the open human tasks (the API's default too); `status=any`
 * shows every human task, which the API is asked for by naming every status.
 */
import { type HumanTaskStatus, humanTaskStatuses } from "../api/api-types.js";

/** Human tasks on one page. */
export const inboxPageSize = 50;

/** The status of the default filter. */
export const openHumanTaskFilter = "open";

/** The filters of the inbox. Empty strings mean "any". */
export interface InboxFilters {
  /** Human task statuses separated by commas; empty for any status. */
  status: string;
  /** Only the human tasks assigned to this person (exact identity). */
  assignee: string;
  /** Only the human tasks of this role (exact name). */
  role: string;
  /** Only the human tasks of this run. */
  runId: string;
}

const statusSet = new Set<string>(humanTaskStatuses);

/** Reads the filters from the hash query, dropping values that are not valid (a status left empty is the default). */
export function readInboxFilters(query: URLSearchParams): InboxFilters {
  const asked = query.get("status") ?? "";
  const status =
    asked === "any"
      ? ""
      : asked
          .split(",")
          .filter((s): s is HumanTaskStatus => statusSet.has(s))
          .join(",") || openHumanTaskFilter;
  return {
    status,
    assignee: query.get("assignee") ?? "",
    role: query.get("role") ?? "",
    runId: query.get("runId") ?? "",
  };
}

/** The filters as hash query values (the default status left out, any status as `any`). */
export function inboxFilterValues(filters: Partial<InboxFilters>): Record<string, string | undefined> {
  const status = filters.status ?? openHumanTaskFilter;
  return {
    status: status === openHumanTaskFilter ? undefined : status || "any",
    assignee: filters.assignee,
    role: filters.role,
    runId: filters.runId,
  };
}

/** True when the filters may list human tasks that are no longer open (answered, timed out, cancelled). */
export function listsClosedTasks(filters: Pick<InboxFilters, "status">): boolean {
  return filters.status !== openHumanTaskFilter;
}

/** The `GET /api/human-tasks` path of one page, oldest human tasks first. */
export function listHumanTasksPath(filters: InboxFilters, cursor: string | undefined, limit = inboxPageSize): string {
  const query = new URLSearchParams();
  // The API lists the open ones when no status is given: any status is every status, named.
  query.set("status", filters.status || humanTaskStatuses.join(","));
  if (filters.assignee) query.set("assignee", filters.assignee);
  if (filters.role) query.set("role", filters.role);
  if (filters.runId) query.set("runId", filters.runId);
  query.set("limit", String(limit));
  if (cursor) query.set("cursor", cursor);
  return `/api/human-tasks?${query.toString()}`;
}
