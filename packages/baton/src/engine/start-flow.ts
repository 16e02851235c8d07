/**
 * The flow-control options of a start (`startRun`): queue, key, priority,
 * delayed start and debounce, checked and turned into the fields of a new run.
 */
import { type Duration, toMilliseconds } from "../duration.js";
import { BatonError } from "../errors.js";
import { flowKeyMaxLength, isStorableText, queueNamePattern } from "../names.js";
import type { NewRun } from "../store/store.js";
import { defaultQueue } from "./queue-options.js";

/** The flow-control options of `startRun`. */
export interface StartFlowOptions {
  /** Queue of the run. Default: the workflow's `queue`, else `default`. */
  queue?: string;
  /** Key of the queue's per-key limits (`perKey`, a per-key `rateLimit`), e.g. a customer id. */
  concurrencyKey?: string;
  /** Higher first among the runnable runs of the queue; among equals, oldest first. An integer; default 0. */
  priority?: number;
  /** Start no earlier than this time. Not with `delay`. */
  startAt?: Date | number;
  /** Start no earlier than this long from now. Not with `startAt`. */
  delay?: Duration;
  /**
   * Start one run after `period` without another start of the same `key`
   * (per workflow), with the latest input: a start within the period gives
   * its input to the pending run and pushes its start back, and returns that
   * run. Not with `id`, `startAt` or `delay`.
   */
  debounce?: { key: string; period: Duration };
}

/** The fields of a new run that flow control sets. */
export type FlowFields = Pick<NewRun, "queue" | "concurrencyKey" | "priority" | "startAt" | "debounceKey">;

const invalid = (message: string) => new BatonError("INVALID_START_OPTIONS", message);

/** The furthest a start may be put off: 100 years (dates stay within what ISO 8601 writes with four digits). */
const maxPutOffMs = 100 * 365.25 * 86_400_000;

const checkKey = (value: unknown, what: string): string => {
  if (typeof value !== "string" || value.length === 0 || value.length > flowKeyMaxLength || !isStorableText(value)) {
    throw invalid(
      `${what} must be a string of 1 to ${flowKeyMaxLength} characters (no NUL, no lone surrogate), got ${JSON.stringify(value)}`,
    );
  }
  return value;
};

const durationMs = (value: Duration, what: string): number => {
  try {
    return toMilliseconds(value);
  } catch {
    throw invalid(`${what} is not a duration: ${JSON.stringify(value)}`);
  }
};

/**
 * Checks the flow-control options of a start and gives the new run's fields
 * (`workflowQueue` is the workflow's own queue).
 * @throws BatonError `INVALID_START_OPTIONS` naming the option and its value.
 */
export function toFlowFields(
  options: StartFlowOptions & { id?: string },
  workflowQueue: string | undefined,
  now: number,
): FlowFields {
  const fields: FlowFields = {};
  const queue = options.queue ?? workflowQueue;
  if (queue !== undefined && queue !== defaultQueue) {
    if (typeof queue !== "string" || !queueNamePattern.test(queue))
      throw invalid(`invalid queue ${JSON.stringify(queue)}`);
    fields.queue = queue;
  }
  if (options.concurrencyKey !== undefined) fields.concurrencyKey = checkKey(options.concurrencyKey, "concurrencyKey");
  if (options.priority !== undefined) {
    if (!Number.isSafeInteger(options.priority) || Math.abs(options.priority) > 1_000_000) {
      throw invalid(`priority must be an integer from -1000000 to 1000000, got ${JSON.stringify(options.priority)}`);
    }
    if (options.priority !== 0) fields.priority = options.priority;
  }
  if (options.startAt !== undefined && options.delay !== undefined) throw invalid("startAt and delay are exclusive");
  if (options.startAt !== undefined) {
    const at = options.startAt instanceof Date ? options.startAt.getTime() : options.startAt;
    if (typeof at !== "number" || !Number.isFinite(at)) {
      throw invalid(`startAt must be a Date or epoch milliseconds, got ${JSON.stringify(options.startAt)}`);
    }
    if (at > now) fields.startAt = at;
  }
  if (options.delay !== undefined) {
    const ms = durationMs(options.delay, "delay");
    if (ms > 0) fields.startAt = now + ms;
  }
  if (fields.startAt !== undefined && fields.startAt - now > maxPutOffMs) {
    throw invalid(
      `a start may be put off by 100 years at most, not until ${JSON.stringify(options.startAt ?? options.delay)}`,
    );
  }
  if (options.debounce !== undefined) {
    const { debounce } = options;
    if (typeof debounce !== "object" || debounce === null) throw invalid("debounce must be { key, period }");
    if (options.id !== undefined) throw invalid("debounce and id are exclusive: a debounced run gets a new id");
    if (options.startAt !== undefined || options.delay !== undefined) {
      throw invalid("debounce and startAt or delay are exclusive: the period sets the start");
    }
    fields.debounceKey = checkKey(debounce.key, "debounce.key");
    const ms = durationMs(debounce.period, "debounce.period");
    if (ms < 1) throw invalid(`debounce.period must be at least 1ms, got ${JSON.stringify(debounce.period)}`);
    if (ms > maxPutOffMs)
      throw invalid(`debounce.period may be 100 years at most, got ${JSON.stringify(debounce.period)}`);
    fields.startAt = now + ms;
  }
  return fields;
}
