import { useEffect, useId, useState } from "react";
import { taskStatuses } from "../api/api-types.js";
import { openStatusFilter, type TaskFilters } from "../lib/tasks-query.js";

const statusChoices: { value: string; label: string }[] = [
  { value: openStatusFilter, label: "open (queued, leased)" },
  { value: "", label: "any status" },
  ...taskStatuses.map((status) => ({ value: status, label: status })),
];

/**
 * The filters of the tasks view: task queue (exact name, sent after a short
 * pause in typing) and status. `onChange` gets the whole new set.
 */
export function TasksFiltersForm({ filters, onChange }: { filters: TaskFilters; onChange(next: TaskFilters): void }) {
  const ids = useId();
  const [queue, setQueue] = useState(filters.queue);
  useEffect(() => setQueue(filters.queue), [filters.queue]);
  useEffect(() => {
    if (queue.trim() === filters.queue) return;
    const timer = setTimeout(() => onChange({ ...filters, queue: queue.trim() }), 300);
    return () => clearTimeout(timer);
  }, [queue, filters, onChange]);
  const statuses = statusChoices.some((c) => c.value === filters.status)
    ? statusChoices
    : [...statusChoices, { value: filters.status, label: filters.status.replaceAll(",", ", ") }];
  return (
    <form className="filters" aria-label="Filters" onSubmit={(e) => e.preventDefault()}>
      <label htmlFor={`${ids}-queue`}>Task queue</label>
      <input
        id={`${ids}-queue`}
        type="search"
        placeholder="any task queue"
        value={queue}
        onChange={(e) => setQueue(e.target.value)}
        spellCheck={false}
      />
      <label htmlFor={`${ids}-status`}>Status</label>
      <select
        id={`${ids}-status`}
        value={filters.status}
        onChange={(e) => onChange({ ...filters, status: e.target.value })}
      >
        {statuses.map((choice) => (
          <option key={choice.value} value={choice.value}>
            {choice.label}
          </option>
        ))}
      </select>
    </form>
  );
}
