/**
 * The filters of the tasks view, as kept in the URL's hash query, and the
 * `GET /api/tasks` path they ask for. With no status in the hash the view
 * shows the open tasks (`queued` and `leased`); `status=any` shows every
 * task.
 */
import { openTaskStatuses, type TaskStatus, taskStatuses } from "../api/api-types.js";

/** Tasks on one page. */
export const taskPageSize = 50;

/** The statuses of the default filter, as the API takes them: `queued,leased`. */
export const openStatusFilter = openTaskStatuses.join(",");

/** The filters of the tasks view. Empty strings mean "any". */
export interface TaskFilters {
  /** A task queue name (exact). */
  queue: string;
  /** Task statuses separated by commas; empty for any status. */
  status: string;
  /** Only the tasks of this run. */
  runId: string;
}

const statusSet = new Set<string>(taskStatuses);

/** Reads the filters from the hash query, dropping values that are not valid (a status left empty is the default). */
export function readTaskFilters(query: URLSearchParams): TaskFilters {
  const asked = query.get("status") ?? "";
  const status =
    asked === "any"
      ? ""
      : asked
          .split(",")
          .filter((s): s is TaskStatus => statusSet.has(s))
          .join(",") || openStatusFilter;
  return { queue: query.get("queue") ?? "", status, runId: query.get("runId") ?? "" };
}

/** The filters as hash query values (the default status left out, any status as `any`). */
export function taskFilterValues(filters: Partial<TaskFilters>): Record<string, string | undefined> {
  const status = filters.status ?? openStatusFilter;
  return {
    queue: filters.queue,
    status: status === openStatusFilter ? undefined : status || "any",
    runId: filters.runId,
  };
}

/** The `GET /api/tasks` path of one page, oldest tasks first. */
export function listTasksPath(filters: TaskFilters, cursor: string | undefined, limit = taskPageSize): string {
  const query = new URLSearchParams();
  if (filters.queue) query.set("queue", filters.queue);
  if (filters.status) query.set("status", filters.status);
  if (filters.runId) query.set("runId", filters.runId);
  query.set("limit", String(limit));
  if (cursor) query.set("cursor", cursor);
  return `/api/tasks?${query.toString()}`;
}
