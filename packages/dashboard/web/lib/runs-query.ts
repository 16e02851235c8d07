/**
 * The filters of the runs view, as kept in the URL's hash query, and the
 * `GET /api/runs` path they ask for.
 */
import { type RunStatus, runStatuses } from "../api/api-types.js";

/** Time ranges offered, by how far back they reach (ms). */
export const timeRanges: Record<string, { label: string; ms: number }> = {
  "15m": { label: "last 15 minutes", ms: 15 * 60_000 },
  "1h": { label: "last hour", ms: 3_600_000 },
  "24h": { label: "last 24 hours", ms: 86_400_000 },
  "7d": { label: "last 7 days", ms: 7 * 86_400_000 },
  "30d": { label: "last 30 days", ms: 30 * 86_400_000 },
};

/** Page sizes offered. */
export const pageSizes = [50, 100, 500, 1000] as const;

/** The filters of the runs view. Empty strings mean "any". */
export interface RunFilters {
  workflow: string;
  /** A queue name (`default` for the runs of no named queue). */
  queue: string;
  /** Statuses separated by commas. */
  status: string;
  /** A key of `timeRanges`, `custom` (then `from`/`to`), or empty. */
  range: string;
  /** `datetime-local` values (the browser's time zone), for a custom range. */
  from: string;
  to: string;
  /** Text the run id contains. */
  idContains: string;
  /** Only runs of this schedule. */
  scheduleId: string;
  limit: number;
}

const statusSet = new Set<string>(runStatuses);

/** Reads the filters from the hash query, dropping values that are not valid. */
export function readFilters(query: URLSearchParams): RunFilters {
  const status = (query.get("status") ?? "")
    .split(",")
    .filter((s): s is RunStatus => statusSet.has(s))
    .join(",");
  const range = query.get("range") ?? "";
  const limit = Number(query.get("limit"));
  return {
    workflow: query.get("workflow") ?? "",
    queue: query.get("queue") ?? "",
    status,
    range: range === "custom" || range in timeRanges ? range : "",
    from: query.get("from") ?? "",
    to: query.get("to") ?? "",
    idContains: query.get("idContains") ?? "",
    scheduleId: query.get("scheduleId") ?? "",
    limit: (pageSizes as readonly number[]).includes(limit) ? limit : 50,
  };
}

/** The filters as hash query values (defaults left out). */
export function filterValues(filters: RunFilters): Record<string, string | undefined> {
  const custom = filters.range === "custom";
  return {
    workflow: filters.workflow,
    queue: filters.queue,
    status: filters.status,
    range: filters.range,
    from: custom ? filters.from : "",
    to: custom ? filters.to : "",
    idContains: filters.idContains,
    scheduleId: filters.scheduleId,
    limit: filters.limit === 50 ? "" : String(filters.limit),
  };
}

const isoOf = (local: string) => {
  const ms = Date.parse(local);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
};

/**
 * The `GET /api/runs` path of one page: `anchor` is the time a relative
 * range counts back from (when the filters were chosen), so every poll of
 * a page asks for the same runs.
 */
export function listRunsPath(filters: RunFilters, cursor: string | undefined, anchor: number): string {
  const query = new URLSearchParams();
  if (filters.workflow) query.set("workflow", filters.workflow);
  if (filters.queue) query.set("queue", filters.queue);
  if (filters.status) query.set("status", filters.status);
  if (filters.idContains) query.set("idContains", filters.idContains);
  if (filters.scheduleId) query.set("scheduleId", filters.scheduleId);
  const preset = timeRanges[filters.range];
  if (preset) query.set("createdAfter", new Date(anchor - preset.ms).toISOString());
  if (filters.range === "custom") {
    const from = isoOf(filters.from);
    const to = isoOf(filters.to);
    if (from) query.set("createdAfter", from);
    if (to) query.set("createdBefore", to);
  }
  query.set("limit", String(filters.limit));
  if (cursor) query.set("cursor", cursor);
  return `/api/runs?${query.toString()}`;
}
