import type { Schedule } from "@baton/server/wire-types";
import type { Colors } from "./colors.js";
import { formatTable } from "./format-table.js";

/**
 * An ISO time as `YYYY-MM-DD HH:MM:SS <zone>`, read in `timezone` (a
 * schedule's fire times are shown in its own time zone).
 *
 * @example
 * formatZoned("2026-12-08T08:00:00.000Z", "Europe/Paris"); // "2026-12-08 09:00:00 Europe/Paris"
 */
export function formatZoned(iso: string, timezone: string): string {
  const parts = Object.fromEntries(
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
      .formatToParts(new Date(iso))
      .map((part) => [part.type, part.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}:${parts.second} ${timezone}`;
}

/** When a schedule fires, in a few words: `0 9 * * 1-5 Europe/Paris`, or `every 30s`. */
export function describeWhen(schedule: Pick<Schedule, "cron" | "every" | "timezone">): string {
  return schedule.cron !== undefined ? `${schedule.cron} ${schedule.timezone}` : `every ${schedule.every}`;
}

/** A table of schedules: id, workflow, when, next fire time (in its time zone), last run, state. */
export function formatScheduleTable(c: Colors, schedules: Schedule[]): string[] {
  const header = ["ID", "WORKFLOW", "WHEN", "NEXT", "LAST RUN", "STATE"].map((title) => c.dim(title));
  const rows = schedules.map((schedule) => [
    schedule.id,
    schedule.workflow,
    describeWhen(schedule),
    schedule.nextFireAt ? formatZoned(schedule.nextFireAt, schedule.timezone) : c.dim("none"),
    schedule.lastRunId ?? c.dim("none"),
    schedule.paused ? c.yellow("paused") : c.green("active"),
  ]);
  return formatTable([header, ...rows]);
}
