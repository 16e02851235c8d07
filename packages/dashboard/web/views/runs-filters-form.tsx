import { useEffect, useId, useState } from "react";
import { type QueueList, runStatuses, type WorkflowList } from "../api/api-types.js";
import { useApiData } from "../hooks/use-api-data.js";
import { pageSizes, type RunFilters, timeRanges } from "../lib/runs-query.js";

const statusChoices: { value: string; label: string }[] = [
  { value: "", label: "any status" },
  { value: "pending,running,waiting,compensating", label: "not finished" },
  { value: "failed,compensated,cancelled", label: "did not complete" },
  ...runStatuses.map((status) => ({ value: status, label: status })),
];

/** The filters of the runs view; `onChange` gets the whole new set (the id text after a short pause in typing). */
export function RunsFiltersForm({ filters, onChange }: { filters: RunFilters; onChange(next: RunFilters): void }) {
  const ids = useId();
  const workflows = useApiData<WorkflowList>("/api/workflows");
  const names = [...new Set((workflows.data?.workflows ?? []).map((w) => w.name))].sort();
  if (filters.workflow && !names.includes(filters.workflow)) names.unshift(filters.workflow);
  const queues = useApiData<QueueList>("/api/queues");
  const queueNames = ["default", ...(queues.data?.queues ?? []).map((q) => q.name).sort()];
  if (filters.queue && !queueNames.includes(filters.queue)) queueNames.push(filters.queue);
  const statuses = statusChoices.some((c) => c.value === filters.status)
    ? statusChoices
    : [...statusChoices, { value: filters.status, label: filters.status }];
  const [idContains, setIdContains] = useState(filters.idContains);
  useEffect(() => setIdContains(filters.idContains), [filters.idContains]);
  useEffect(() => {
    if (idContains === filters.idContains) return;
    const timer = setTimeout(() => onChange({ ...filters, idContains }), 300);
    return () => clearTimeout(timer);
  }, [idContains, filters, onChange]);
  const set = (patch: Partial<RunFilters>) => onChange({ ...filters, ...patch });

  return (
    <form className="filters" aria-label="Filters" onSubmit={(e) => e.preventDefault()}>
      <label htmlFor={`${ids}-workflow`}>Workflow</label>
      <select id={`${ids}-workflow`} value={filters.workflow} onChange={(e) => set({ workflow: e.target.value })}>
        <option value="">any workflow</option>
        {names.map((name) => (
          <option key={name} value={name}>
            {name}
          </option>
        ))}
      </select>
      <label htmlFor={`${ids}-queue`}>Queue</label>
      <select id={`${ids}-queue`} value={filters.queue} onChange={(e) => set({ queue: e.target.value })}>
        <option value="">any queue</option>
        {queueNames.map((name) => (
          <option key={name} value={name}>
            {name}
          </option>
        ))}
      </select>
      <label htmlFor={`${ids}-status`}>Status</label>
      <select id={`${ids}-status`} value={filters.status} onChange={(e) => set({ status: e.target.value })}>
        {statuses.map((choice) => (
          <option key={choice.value} value={choice.value}>
            {choice.label}
          </option>
        ))}
      </select>
      <label htmlFor={`${ids}-range`}>Started</label>
      <select id={`${ids}-range`} value={filters.range} onChange={(e) => set({ range: e.target.value })}>
        <option value="">any time</option>
        {Object.entries(timeRanges).map(([value, { label }]) => (
          <option key={value} value={value}>
            {label}
          </option>
        ))}
        <option value="custom">between…</option>
      </select>
      {filters.range === "custom" && (
        <>
          <input
            type="datetime-local"
            aria-label="Started after"
            value={filters.from}
            onChange={(e) => set({ from: e.target.value })}
          />
          <input
            type="datetime-local"
            aria-label="Started before"
            value={filters.to}
            onChange={(e) => set({ to: e.target.value })}
          />
        </>
      )}
      <label htmlFor={`${ids}-id-contains`}>Run id</label>
      <input
        id={`${ids}-id-contains`}
        type="search"
        placeholder="contains…"
        value={idContains}
        onChange={(e) => setIdContains(e.target.value)}
        spellCheck={false}
      />
      <label htmlFor={`${ids}-limit`}>Per page</label>
      <select id={`${ids}-limit`} value={filters.limit} onChange={(e) => set({ limit: Number(e.target.value) })}>
        {pageSizes.map((size) => (
          <option key={size} value={size}>
            {size}
          </option>
        ))}
      </select>
    </form>
  );
}
