/**
 * The step timeline as data: one row per step (in the order the run issued
 * them, so steps of parallel branches sit on rows of their own, side by
 * side in time), then one row per compensation in the order they ran. A
 * row holds segments on one time axis:
 *
 * - `attempt`: one try of a step (retries are separate segments), or of a compensation;
 * - `backoff`: the wait between a failed attempt and the next one;
 * - `wait`: a signal or event wait, a task waiting for a task worker, or a
 *   human task waiting for a person; `sleep`: a timer; `child`: a child run.
 *
 * A task's row holds its attempts (each held by a task worker), the wait
 * for a task worker before the first, and the retry waits between them;
 * an open task's attempts come from its live state (`tasks`, by position).
 * Open segments (still running or waiting) end at `now`.
 */
import type { AttemptInfo, CallInfo, Run, Task } from "../api/api-types.js";
import { formatDuration, toMillis } from "./format.js";
import { taskAttempts } from "./task-attempts.js";

/** The kind of a timeline segment: work, a retry's wait, or a wait of the run. */
export type SegmentKind = "attempt" | "backoff" | "wait" | "sleep" | "child";

/** One bar on a row. Times are milliseconds since the epoch. */
export interface TimelineSegment {
  kind: SegmentKind;
  status: "running" | "waiting" | "completed" | "failed";
  start: number;
  end: number;
  /** Still going on: it ends at `now`. */
  open: boolean;
  /** Attempt number, for `attempt` segments. */
  attempt?: number;
  /** Short description, for a tooltip. */
  label: string;
}

/** One row of the timeline: a step, or the compensation of a step. */
export interface TimelineRow {
  key: string;
  position: number;
  name: string;
  kind: CallInfo["kind"] | "compensation";
  status: string;
  segments: TimelineSegment[];
}

/** The whole timeline: its time range, axis ticks and rows. */
export interface TimelineLayout {
  start: number;
  end: number;
  ticks: { at: number; label: string }[];
  rows: TimelineRow[];
}

const tickSteps = [
  1, 2, 5, 10, 20, 50, 100, 200, 500, 1e3, 2e3, 5e3, 1e4, 15e3, 3e4, 6e4, 12e4, 3e5, 6e5, 9e5, 18e5, 36e5, 72e5, 216e5,
  432e5, 864e5, 1728e5, 6048e5, 2592e6,
];

/** About `count` round ticks across `[start, end]`, labelled as offsets from `start`. */
export function computeTicks(start: number, end: number, count = 6): { at: number; label: string }[] {
  const span = Math.max(1, end - start);
  const step = tickSteps.find((s) => span / s <= count) ?? span / count;
  const ticks: { at: number; label: string }[] = [];
  for (let offset = 0; offset <= span; offset += step)
    ticks.push({ at: start + offset, label: `+${formatDuration(offset)}` });
  return ticks;
}

/** Where a row without recorded attempts is drawn. */
interface Fallback {
  start: number;
  end: number;
  open: boolean;
  status: TimelineSegment["status"];
}

function attemptSegments(attempts: AttemptInfo[], fallback: Fallback, now: number) {
  const segments: TimelineSegment[] = [];
  attempts.forEach((attempt, index) => {
    const start = toMillis(attempt.startedAt) ?? fallback.start;
    const finished = toMillis(attempt.finishedAt);
    const open = attempt.status === "running";
    const end = finished ?? (open ? now : start);
    const verb = attempt.status === "failed" ? `failed: ${attempt.error?.message ?? ""}` : attempt.status;
    segments.push({
      kind: "attempt",
      status: attempt.status,
      start,
      end,
      open,
      attempt: attempt.attempt,
      label: `attempt ${attempt.attempt}, ${formatDuration(end - start)}, ${verb}`,
    });
    if (attempt.status === "failed" && finished !== undefined) {
      const next = attempts[index + 1];
      const nextStart = toMillis(next?.startedAt);
      const retryAt = toMillis(attempt.retryAt);
      const backoffEnd = nextStart ?? retryAt;
      if (backoffEnd !== undefined && backoffEnd > finished) {
        const waiting = nextStart === undefined;
        segments.push({
          kind: "backoff",
          status: waiting ? "waiting" : "completed",
          start: finished,
          end: waiting ? Math.max(now, finished) : backoffEnd,
          open: waiting,
          label: `retry wait, ${formatDuration(backoffEnd - finished)}`,
        });
      }
    }
  });
  if (segments.length === 0) {
    segments.push({
      kind: "attempt",
      ...fallback,
      label: `${fallback.status}, ${formatDuration(fallback.end - fallback.start)}`,
    });
  }
  return segments;
}

/** The segments of a task call: its attempts, and the waits for a task worker around them. */
function taskSegments(step: CallInfo, fallback: Fallback, now: number, task: Task | undefined): TimelineSegment[] {
  const segments: TimelineSegment[] = [];
  const where = `task "${step.name}" in task queue ${step.queue ?? "?"}`;
  let free = fallback.start;
  let failed = 0;
  const waitFor = (end: number, open: boolean) => {
    const took = formatDuration(end - free);
    segments.push({
      kind: failed > 0 ? "backoff" : "wait",
      status: open ? "waiting" : "completed",
      start: free,
      end,
      open,
      label:
        failed > 0
          ? `retry wait after attempt ${failed}, ${took}`
          : `${where}, ${open ? "waiting for a task worker" : "queued"}, ${took}`,
    });
  };
  const attempts = taskAttempts(step, [], task);
  for (const attempt of attempts) {
    const start = toMillis(attempt.startedAt) ?? free;
    if (start > free) waitFor(start, false);
    const open = attempt.status === "running";
    const end = toMillis(attempt.finishedAt) ?? (open ? now : start);
    const by = attempt.workerId ? ` by ${attempt.workerId}` : "";
    const verb = attempt.status === "failed" ? `failed: ${attempt.error?.message ?? ""}` : attempt.status;
    segments.push({
      kind: "attempt",
      status: attempt.status,
      start,
      end,
      open,
      attempt: attempt.attempt,
      label: `attempt ${attempt.attempt}${by}, ${formatDuration(end - start)}, ${verb}`,
    });
    free = Math.max(free, end);
    failed = attempt.status === "failed" ? attempt.attempt : 0;
  }
  if (fallback.open && attempts[attempts.length - 1]?.status !== "running") {
    const availableAt = toMillis(task?.availableAt);
    if (failed > 0 && availableAt !== undefined) {
      // The retry wait lasts until the task is available again; then it waits for a task worker.
      if (availableAt > free) {
        waitFor(Math.min(availableAt, Math.max(now, free)), availableAt > now);
        free = availableAt;
      }
      failed = 0;
    }
    if (now > free || segments.length === 0) waitFor(Math.max(now, free), true);
  }
  if (segments.length === 0) waitFor(fallback.end, false);
  return segments;
}

const waitKinds: Record<string, SegmentKind> = { signal: "wait", event: "wait", timer: "sleep", child: "child" };
const waitWords: Record<string, string> = { timer: "sleep", child: "child run", human_task: "human task" };

function stepRow(step: CallInfo, now: number, task: Task | undefined): TimelineRow {
  const start = toMillis(step.startedAt) ?? now;
  const finished = toMillis(step.finishedAt);
  const open = finished === undefined && (step.status === "running" || step.status === "waiting");
  const end = finished ?? (open ? now : start);
  const base = { key: `step-${step.position}`, position: step.position, name: step.name, status: step.status };
  if (step.kind === "step") {
    return {
      ...base,
      kind: "step",
      segments: attemptSegments(step.attempts, { start, end, open, status: step.status }, now),
    };
  }
  if (step.kind === "task") {
    return {
      ...base,
      kind: "task",
      segments: taskSegments(step, { start, end, open, status: step.status }, now, task),
    };
  }
  const what = waitWords[step.kind] ?? `${step.kind} wait`;
  const state = step.kind === "human_task" && open ? "waiting for a person" : step.status;
  const segment: TimelineSegment = {
    kind: waitKinds[step.kind] ?? "wait",
    status: step.status,
    start,
    end,
    open,
    label: `${what} "${step.name}", ${formatDuration(end - start)}, ${state}`,
  };
  return { ...base, kind: step.kind, segments: [segment] };
}

/**
 * Lays out the timeline of `run` as seen at `now` (milliseconds); `tasks`
 * (the run's open tasks by position) places the attempts of open task calls.
 */
export function layoutTimeline(
  run: Pick<Run, "createdAt" | "finishedAt" | "steps">,
  now: number,
  tasks: ReadonlyMap<number, Task> = new Map(),
): TimelineLayout {
  const rows = run.steps.map((step) => stepRow(step, now, step.kind === "task" ? tasks.get(step.position) : undefined));
  const compensated = run.steps
    .filter((step) => step.compensation && step.compensation.attempts.length > 0)
    .map((step) => ({ step, start: toMillis(step.compensation?.attempts[0]?.startedAt) ?? now }))
    .sort((a, b) => a.start - b.start || b.step.position - a.step.position);
  for (const { step, start } of compensated) {
    const compensation = step.compensation as NonNullable<CallInfo["compensation"]>;
    rows.push({
      key: `compensation-${step.position}`,
      position: step.position,
      name: step.name,
      kind: "compensation",
      status: compensation.status,
      segments: attemptSegments(
        compensation.attempts,
        { start, end: start, open: false, status: compensation.status },
        now,
      ),
    });
  }
  const created = toMillis(run.createdAt) ?? now;
  let end = toMillis(run.finishedAt) ?? now;
  let start = created;
  for (const row of rows) {
    for (const segment of row.segments) {
      start = Math.min(start, segment.start);
      end = Math.max(end, segment.end);
    }
  }
  if (end <= start) end = start + 1;
  return { start, end, ticks: computeTicks(start, end), rows };
}
