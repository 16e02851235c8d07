import type { HistoryEvent } from "baton";

/** Seconds with one decimal: "1.5s". */
export const seconds = (ms: number) => `${(ms / 1000).toFixed(1)}s`;

/** A length of time for people: "900ms", "1.5s", "2m", "3d". */
function span(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return seconds(ms);
  if (ms < 3_600_000) return `${Math.round(ms / 60_000)}m`;
  if (ms < 86_400_000) return `${Math.round(ms / 3_600_000)}h`;
  return `${Math.round(ms / 86_400_000)}d`;
}

/** Time from an event to its `dueAt`. */
const dueIn = (event: HistoryEvent) => span((event.dueAt?.getTime() ?? event.at.getTime()) - event.at.getTime());

/** A scalar, or a list of scalars, as short text; nothing for other values. */
function plain(value: unknown): string | undefined {
  if (Array.isArray(value)) {
    const items = value.map(plain);
    return items.every((item) => item !== undefined) ? items.join(",") : `[${value.length} items]`;
  }
  if (value !== null && typeof value === "object") return undefined;
  const text = typeof value === "string" ? value : String(value);
  return text.length > 24 ? `${text.slice(0, 21)}...` : text;
}

/** The plain fields of a value as `key=value`, cut to `max` characters. */
function brief(value: unknown, max = 60): string {
  let text: string;
  if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    text = Object.entries(value)
      .map(([key, field]) => [key, plain(field)])
      .filter(([, field]) => field !== undefined)
      .map(([key, field]) => `${key}=${field}`)
      .join(" ");
  } else text = plain(value) ?? "";
  return text.length > max ? `${text.slice(0, max - 3)}...` : text;
}

/** One readable line for a history event, or nothing for events not worth a line. */
export function describeEvent(event: HistoryEvent): string | undefined {
  const name = event.name === undefined ? "" : `"${event.name}"`;
  switch (event.type) {
    case "run.started":
      return "started";
    case "step.completed":
      return `step ${name} done ${brief(event.output, 50)}`;
    case "step.failed":
      return event.final
        ? `step ${name} failed: ${event.error?.message}`
        : `step ${name} attempt ${event.attempt} failed (${event.error?.message}); retry in ${dueIn(event)}`;
    case "timer.set":
      return `sleeping ${dueIn(event)}`;
    case "timer.fired":
      return "timer fired";
    case "signal.waiting":
      return `waiting for signal ${name}${event.dueAt ? ` (times out in ${dueIn(event)})` : ""}`;
    case "signal.received":
      return `signal ${name} received: ${brief(event.payload)}`;
    case "signal.timed_out":
      return `signal ${name} timed out`;
    case "child.started":
      return `child ${name} started as ${event.childId}`;
    case "child.completed":
      return `child ${event.childId} done`;
    case "child.failed":
      return `child ${event.childId} failed: ${event.error?.message}`;
    case "compensation.completed":
      return `undid step ${name}`;
    case "compensation.failed":
      return `undo of step ${name} failed: ${event.error?.message}`;
    case "run.cancel_requested":
      return "cancel requested";
    case "run.timed_out":
      return "run timed out";
    case "run.completed":
      return "COMPLETED";
    case "run.compensated":
      return `COMPENSATED (${event.error?.message})`;
    case "run.failed":
      return `FAILED: ${event.error?.message}`;
    case "run.cancelled":
      return "CANCELLED";
    case "run.resumed":
      return "resumed";
    default:
      return undefined;
  }
}
