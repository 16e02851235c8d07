/** Milliseconds of an ISO time string; `undefined` for none or an unreadable one. */
export function toMillis(iso: string | undefined): number | undefined {
  if (!iso) return undefined;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? undefined : ms;
}

const pad = (n: number, width = 2) => String(n).padStart(width, "0");

/** A time in the browser's time zone: `2026-11-29 10:00:01.250`; `-` for none. */
export function formatTime(iso: string | undefined, withMillis = false): string {
  const ms = toMillis(iso);
  if (ms === undefined) return "-";
  const d = new Date(ms);
  const date = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
  const time = `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  return withMillis ? `${date} ${time}.${pad(d.getMilliseconds(), 3)}` : `${date} ${time}`;
}

/** A length of time for people: `850 ms`, `1.2 s`, `3 m 2 s`, `2 h 5 m`, `3 d 4 h`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return "-";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  const s = Math.floor(ms / 1000);
  if (s < 3600) return `${Math.floor(s / 60)} m ${s % 60} s`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} m`;
  return `${Math.floor(s / 86_400)} d ${Math.floor((s % 86_400) / 3600)} h`;
}

/** Time from `from` to `to` (or to `now` when `to` is missing), formatted; `-` when `from` is missing. */
export function formatSpan(from: string | undefined, to: string | undefined, now = Date.now()): string {
  const start = toMillis(from);
  if (start === undefined) return "-";
  return formatDuration((toMillis(to) ?? now) - start);
}

/** How far a time is from `now`: `in 42.0 s`, `3.20 s ago`; `-` for none. */
export function formatFromNow(iso: string | undefined, now: number): string {
  const ms = toMillis(iso);
  if (ms === undefined) return "-";
  return ms > now ? `in ${formatDuration(ms - now)}` : `${formatDuration(now - ms)} ago`;
}

/** A JSON value as one short line of text (for previews), cut at `max` characters. */
export function previewJson(value: unknown, max = 80): string {
  let text: string;
  try {
    text = value === undefined ? "" : (JSON.stringify(value) ?? String(value));
  } catch {
    text = String(value);
  }
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/**
 * A time read in an IANA time zone, with the zone: `2026-12-08 09:00 Europe/Paris`
 * (a schedule's fire times are shown in its own zone); `-` for none.
 */
export function formatZonedTime(iso: string | undefined, timezone: string): string {
  const ms = toMillis(iso);
  if (ms === undefined) return "-";
  let parts: Record<string, string>;
  try {
    parts = Object.fromEntries(
      new Intl.DateTimeFormat("en-CA", {
        timeZone: timezone,
        year: "numeric",
        month: "2-digit",
        day: "2-digit",
        hour: "2-digit",
        minute: "2-digit",
        second: "2-digit",
        hourCycle: "h23",
      })
        .formatToParts(new Date(ms))
        .map((part) => [part.type, part.value]),
    );
  } catch {
    return formatTime(iso);
  }
  const seconds = parts.second === "00" ? "" : `:${parts.second}`;
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}${seconds} ${timezone}`;
}

/** A call's kind in words: `human_task` is "human task". */
export function kindLabel(kind: string): string {
  return kind.replaceAll("_", " ");
}
