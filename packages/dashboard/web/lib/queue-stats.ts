/**
 * What the Queues view computes from `GET /api/queues`: the figures of one
 * queue as short text, and its depth over time from successive polls.
 *
 * The API tells, at each poll, how many runs of a queue are pending and
 * how many hold a slot; it does not tell how many finished or arrived
 * between two polls. So the view shows what the polls measure: the number
 * of pending runs over time (a sparkline) and its net change per minute
 * (`depthTrend`), not a throughput it cannot know.
 */
import type { Queue } from "../api/api-types.js";

/** One poll's figures of one queue. */
export interface QueueSample {
  /** When the answer arrived (ms). */
  at: number;
  pending: number;
  running: number;
}

/** Samples by queue name, oldest first. */
export type QueueSamples = Readonly<Record<string, readonly QueueSample[]>>;

/** Samples kept per queue (at a poll every 3 s: the last 3 minutes). */
export const maxSamples = 60;

/**
 * Adds one poll's figures of every queue to `samples`, keeping the last
 * `keep` of each; queues that are no longer listed are dropped. A poll at
 * the time of the last sample (the same answer rendered again) adds nothing.
 */
export function addSamples(
  samples: QueueSamples,
  queues: readonly Queue[],
  at: number,
  keep = maxSamples,
): Record<string, QueueSample[]> {
  const next: Record<string, QueueSample[]> = {};
  for (const queue of queues) {
    const previous = samples[queue.name] ?? [];
    const last = previous[previous.length - 1];
    next[queue.name] =
      last && last.at >= at
        ? [...previous]
        : [...previous, { at, pending: queue.pending, running: queue.running }].slice(-keep);
  }
  return next;
}

/**
 * The net change of the number of pending runs per minute over the samples
 * (positive: the queue grows; negative: it drains), or `undefined` with
 * fewer than two samples or less than `minSpanMs` between the first and the
 * last. It is not a throughput: runs that arrive and start between two
 * polls leave no trace in it.
 */
export function depthTrend(samples: readonly QueueSample[], minSpanMs = 10_000): number | undefined {
  const first = samples[0];
  const last = samples[samples.length - 1];
  if (!first || !last || last.at - first.at < minSpanMs) return undefined;
  return ((last.pending - first.pending) * 60_000) / (last.at - first.at);
}

/** A trend per minute for people: `steady`, `+12/min`, `-0.5/min`, `-` for none. */
export function formatTrend(perMinute: number | undefined): string {
  if (perMinute === undefined || !Number.isFinite(perMinute)) return "-";
  const rounded = Math.abs(perMinute) >= 10 ? Math.round(perMinute) : Math.round(perMinute * 10) / 10;
  if (rounded === 0) return "steady";
  return `${rounded > 0 ? "+" : ""}${rounded}/min`;
}

/** A period as the docs write it: `1m`, `30s`, `1h`, `2d`, `1500ms`. */
export function formatPeriod(ms: number): string {
  for (const [unit, size] of [
    ["d", 86_400_000],
    ["h", 3_600_000],
    ["m", 60_000],
    ["s", 1000],
  ] as const) {
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}

/** Runs holding a slot against the limit: `3/5`, or `3` when the queue has no concurrency limit. */
export function formatRunning(queue: Pick<Queue, "running" | "concurrency">): string {
  return queue.concurrency === undefined ? String(queue.running) : `${queue.running}/${queue.concurrency}`;
}

/** How full the queue's slots are, from 0 to 1; `undefined` without a concurrency limit. */
export function slotShare(queue: Pick<Queue, "running" | "concurrency">): number | undefined {
  if (queue.concurrency === undefined) return undefined;
  if (queue.concurrency === 0) return 1;
  return Math.min(1, queue.running / queue.concurrency);
}

/**
 * The rate window: `4/100 per 1m` (starts in the window against the
 * limit), or for a per-key limit `100 per 1m per key, 4 started` (the API
 * counts the starts of all keys together), or `-` without a rate limit.
 */
export function formatRateWindow(queue: Pick<Queue, "rateLimit" | "startedInWindow">): string {
  const rate = queue.rateLimit;
  if (!rate) return "-";
  const period = formatPeriod(rate.periodMs);
  return rate.perKey
    ? `${rate.limit} per ${period} per key, ${queue.startedInWindow} started`
    : `${queue.startedInWindow}/${rate.limit} per ${period}`;
}

/**
 * The points of a sparkline of `values` in a box of `width` x `height`
 * (SVG `polyline` points, y down): the first value at the left edge, the
 * last at the right, 0 at the bottom and the largest value (at least 1) at
 * the top. Empty for no values; one value is a flat line.
 */
export function sparklinePoints(values: readonly number[], width: number, height: number): string {
  if (values.length === 0) return "";
  const top = Math.max(1, ...values);
  const y = (value: number) => round(height - (value / top) * height);
  if (values.length === 1) return `0,${y(values[0] as number)} ${width},${y(values[0] as number)}`;
  const step = width / (values.length - 1);
  return values.map((value, i) => `${round(i * step)},${y(value)}`).join(" ");
}

const round = (n: number) => Math.round(n * 10) / 10;
