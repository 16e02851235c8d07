import { useState } from "react";
import type { HistoryEvent } from "../api/api-types.js";
import { JsonView } from "../components/json-view.js";
import { formatDuration, previewJson, toMillis } from "../lib/format.js";
import { describeHumanTaskEvent } from "../lib/human-task-calls.js";

const pageSize = 200;
const listed = new Set(["seq", "type", "at", "position", "name", "attempt"]);
const families = new Set(["run", "step", "timer", "signal", "event", "child", "task", "human_task", "compensation"]);

/** Why a signal was refused, in one line: `ok: expected boolean; n: required`. */
function refusalOf(event: HistoryEvent): string | undefined {
  if (event.type !== "signal.refused") return undefined;
  const issues = event.issues ?? [];
  if (issues.length === 0) return "payload refused";
  return issues.map((issue) => (issue.path ? `${issue.path}: ${issue.message}` : issue.message)).join("; ");
}

/** The fields of an event beyond its type, time, position, name and attempt. */
function detailsOf(event: HistoryEvent): Record<string, unknown> | undefined {
  const rest = Object.fromEntries(Object.entries(event).filter(([key]) => !listed.has(key)));
  return Object.keys(rest).length > 0 ? rest : undefined;
}

function HistoryItem({ event, origin }: { event: HistoryEvent; origin: number }) {
  const [open, setOpen] = useState(false);
  const details = detailsOf(event);
  const offset = (toMillis(event.at) ?? origin) - origin;
  const family = event.type.split(".")[0] ?? "";
  const refusal = refusalOf(event);
  const human = family === "human_task" ? describeHumanTaskEvent(event) : undefined;
  return (
    <li className="history-event">
      <span className="muted seq">{event.seq}</span>
      <span className="muted at" title={event.at}>
        +{formatDuration(offset)}
      </span>
      <span className={`history-type type-${refusal ? "refused" : families.has(family) ? family : "other"}`}>
        {event.type}
      </span>
      <span>
        {event.position !== undefined && <span className="muted">#{event.position} </span>}
        {event.name}
        {event.attempt !== undefined && <span className="muted"> attempt {event.attempt}</span>}
        {event.workerId !== undefined && <span className="muted"> by {event.workerId}</span>}
        {event.type === "task.scheduled" && <span className="muted"> in task queue {event.queue}</span>}
        {human && <span className="muted"> {human}</span>}
        {refusal && <span className="history-refusal"> refused: {refusal}</span>}
      </span>
      {details && (
        <span className="history-details">
          <button type="button" className="link-button" aria-expanded={open} onClick={() => setOpen(!open)}>
            {open ? "hide" : previewJson(details, 90)}
          </button>
          {open && <JsonView value={details} />}
        </span>
      )}
    </li>
  );
}

/** A run's history, oldest first, times as offsets from its start; each event's other fields open as JSON. */
export function HistoryList({ events }: { events: readonly HistoryEvent[] }) {
  const [shown, setShown] = useState(pageSize);
  if (events.length === 0) return <p className="muted">No history yet.</p>;
  const origin = toMillis(events[0]?.at) ?? 0;
  return (
    <>
      <ol className="history">
        {events.slice(0, shown).map((event) => (
          <HistoryItem key={event.seq} event={event} origin={origin} />
        ))}
      </ol>
      {shown < events.length && (
        <button type="button" className="button plain" onClick={() => setShown(shown + pageSize)}>
          Show {Math.min(pageSize, events.length - shown)} more of {events.length - shown}
        </button>
      )}
    </>
  );
}
