import { useEffect, useId, useState } from "react";
import { useApi } from "../api/api-context.js";
import { humanTaskStatuses } from "../api/api-types.js";
import { type InboxFilters, openHumanTaskFilter } from "../lib/inbox-query.js";

const statusChoices: { value: string; label: string }[] = [
  { value: openHumanTaskFilter, label: "open" },
  { value: "completed,rejected", label: "answered (completed, rejected)" },
  { value: "", label: "any status" },
  ...humanTaskStatuses
    .filter((status) => status !== openHumanTaskFilter)
    .map((status) => ({ value: status, label: status.replace("_", " ") })),
];

/** A text filter sent after a short pause in typing (and at once when the filter changes from elsewhere). */
function useTypedFilter(value: string, send: (next: string) => void): [string, (next: string) => void] {
  const [typed, setTyped] = useState(value);
  useEffect(() => setTyped(value), [value]);
  useEffect(() => {
    if (typed.trim() === value) return;
    const timer = setTimeout(() => send(typed.trim()), 300);
    return () => clearTimeout(timer);
  }, [typed, value, send]);
  return [typed, setTyped];
}

/**
 * The filters of the inbox: assignee and role (exact, sent after a short
 * pause in typing), "Mine" (the human tasks assigned to the caller's
 * identity) and status. `onChange` gets the whole new set.
 */
export function InboxFiltersForm({ filters, onChange }: { filters: InboxFilters; onChange(next: InboxFilters): void }) {
  const ids = useId();
  const { name } = useApi();
  const [assignee, setAssignee] = useTypedFilter(filters.assignee, (next) => onChange({ ...filters, assignee: next }));
  const [role, setRole] = useTypedFilter(filters.role, (next) => onChange({ ...filters, role: next }));
  const mine = name !== undefined && filters.assignee === name;
  const statuses = statusChoices.some((c) => c.value === filters.status)
    ? statusChoices
    : [...statusChoices, { value: filters.status, label: filters.status.replaceAll(",", ", ") }];
  return (
    <form className="filters" aria-label="Filters" onSubmit={(e) => e.preventDefault()}>
      <button
        type="button"
        className={`button ${mine ? "primary" : "plain"}`}
        aria-pressed={mine}
        disabled={name === undefined}
        title={name === undefined ? undefined : `human tasks assigned to ${name}`}
        onClick={() => onChange({ ...filters, assignee: mine ? "" : (name ?? "") })}
      >
        Mine
      </button>
      <label htmlFor={`${ids}-assignee`}>Assignee</label>
      <input
        id={`${ids}-assignee`}
        type="search"
        placeholder="anyone"
        value={assignee}
        onChange={(e) => setAssignee(e.target.value)}
        spellCheck={false}
      />
      <label htmlFor={`${ids}-role`}>Role</label>
      <input
        id={`${ids}-role`}
        type="search"
        placeholder="any role"
        value={role}
        onChange={(e) => setRole(e.target.value)}
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
