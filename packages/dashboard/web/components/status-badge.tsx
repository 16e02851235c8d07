import { humanTaskStatuses, runStatuses, taskStatuses } from "../api/api-types.js";

const known = new Set<string>([
  ...runStatuses,
  ...taskStatuses,
  ...humanTaskStatuses,
  "running",
  "waiting",
  "completed",
  "failed",
]);

/**
 * A run's, step's, attempt's, task's or human task's status as a coloured
 * label (the class comes from a fixed list, never from data).
 */
export function StatusBadge({ status }: { status: string }) {
  const tone = known.has(status) ? status : "unknown";
  return <span className={`status status-${tone}`}>{status}</span>;
}
