/**
 * A length of time for people: `850ms`, `4.2s`, `3m 5s`, `2h 10m`, `3d 4h`.
 *
 * @example
 * formatDuration(185_000); // "3m 5s"
 */
export function formatDuration(ms: number): string {
  if (ms < 999.5) return `${Math.max(0, Math.round(ms))}ms`;
  if (ms < 59_950) return `${(ms / 1000).toFixed(1).replace(/\.0$/, "")}s`;
  const rounded = Math.round(ms / 1000) * 1000;
  const units: [string, number][] = [
    ["d", 86_400_000],
    ["h", 3_600_000],
    ["m", 60_000],
    ["s", 1000],
  ];
  const index = units.findIndex(([, size]) => rounded >= size);
  const [bigName, bigSize] = units[index] as [string, number];
  const [smallName, smallSize] = units[index + 1] as [string, number];
  const big = Math.floor(rounded / bigSize);
  const small = Math.floor((rounded - big * bigSize) / smallSize);
  return small === 0 ? `${big}${bigName}` : `${big}${bigName} ${small}${smallName}`;
}

/**
 * An ISO time as local `YYYY-MM-DD HH:MM:SS` (or only `HH:MM:SS` with `timeOnly`).
 *
 * @example
 * formatTime("2025-06-01T10:00:01.000Z"); // "2025-06-01 12:00:01" in Paris
 */
export function formatTime(iso: string, timeOnly = false): string {
  const date = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, "0");
  const time = `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
  if (timeOnly) return time;
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${time}`;
}

/** Milliseconds from `from` to `to` (default now), both ISO times. */
export function elapsed(from: string, to?: string): number {
  return (to === undefined ? Date.now() : Date.parse(to)) - Date.parse(from);
}
