import { AssertionError } from "node:assert";
import { inspect, isDeepStrictEqual } from "node:util";
import type { Engine } from "../engine/engine.js";
import type { HistoryEvent, HistoryEventType } from "../types.js";

/**
 * An expected history event: its type alone, or the fields to check, each a
 * value (compared deeply; dates by time) or a predicate on the event's value.
 * (Give a check of `at` its parameter type, `(at: Date) => ...`: TypeScript
 * otherwise takes it for a string's `at` method.)
 *
 * @example
 * const expected: ExpectedEvent[] = [
 *   "run.started",
 *   { type: "step.completed", name: "charge", output: { chargeId: "c-1" } },
 *   { type: "step.failed", error: (error) => error?.message === "declined" },
 * ];
 */
export type ExpectedEvent =
  | HistoryEventType
  | { [K in keyof HistoryEvent]?: HistoryEvent[K] | ((value: HistoryEvent[K], event: HistoryEvent) => boolean) };

/**
 * Options of `assertHistory`.
 *
 * @example
 * await assertHistory(engine, run.id, ["timer.set", "timer.fired"], { partial: true });
 */
export interface AssertHistoryOptions {
  /**
   * The expected events need only appear in this order, other events between
   * and around them; otherwise the history must be exactly these events.
   * Default false.
   */
  partial?: boolean;
}

/**
 * Checks the history of run `runId` against `expected`, in order, and
 * returns it. A mismatch throws an `AssertionError` that lists the history
 * and points at the first event that differs, naming the fields.
 *
 * @example
 * await assertHistory(engine, run.id, [
 *   "run.started",
 *   { type: "step.completed", name: "charge", output: { chargeId: "c-1" } },
 *   { type: "timer.fired", at: (at) => at.getTime() === start + 30 * 86_400_000 },
 *   "run.completed",
 * ], { partial: true });
 * @throws AssertionError when the history does not match; BatonError `RUN_NOT_FOUND`.
 */
export async function assertHistory(
  engine: Pick<Engine, "getHistory">,
  runId: string,
  expected: ExpectedEvent[],
  options: AssertHistoryOptions = {},
): Promise<HistoryEvent[]> {
  const history = await engine.getHistory(runId);
  const failure = options.partial ? matchPartial(history, expected) : matchExact(history, expected);
  if (failure) {
    const lines = history.map((event, i) => `${i === failure.at ? "  > " : "    "}${describeEvent(event)}`);
    throw new AssertionError({
      message: [
        `history of run "${runId}" does not match: ${failure.reason}`,
        `expected${options.partial ? " (in this order, among others)" : ""}:`,
        ...expected.map((entry, i) => `${i === failure.entry ? "  > " : "    "}${describeExpected(entry)}`),
        "history:",
        ...(lines.length > 0 ? lines : ["    (none)"]),
      ].join("\n"),
      actual: history.map(describeEvent),
      expected: expected.map(describeExpected),
      operator: "assertHistory",
    });
  }
  return history;
}

interface Failure {
  reason: string;
  /** Index of the expected entry at fault. */
  entry: number;
  /** Index in the history to point at. */
  at?: number;
}

function matchExact(history: HistoryEvent[], expected: ExpectedEvent[]): Failure | undefined {
  for (const [i, entry] of expected.entries()) {
    const event = history[i];
    if (!event) return { reason: `expected ${expected.length} events, the run has ${history.length}`, entry: i };
    const differences = differ(event, entry);
    if (differences.length > 0) {
      return { reason: `event ${event.seq} (${event.type}): ${differences.join("; ")}`, entry: i, at: i };
    }
  }
  if (history.length > expected.length) {
    return {
      reason: `expected ${expected.length} events, the run has ${history.length}`,
      entry: expected.length,
      at: expected.length,
    };
  }
  return undefined;
}

function matchPartial(history: HistoryEvent[], expected: ExpectedEvent[]): Failure | undefined {
  let from = 0;
  for (const [i, entry] of expected.entries()) {
    const found = history.findIndex((event, j) => j >= from && differ(event, entry).length === 0);
    if (found === -1) {
      const after = history[from - 1];
      const where = after ? `after event ${after.seq} (${after.type})` : "in the history";
      return { reason: `no event ${describeExpected(entry)} ${where}`, entry: i, at: from - 1 };
    }
    from = found + 1;
  }
  return undefined;
}

/** How `event` differs from `entry`, one phrase per field. */
function differ(event: HistoryEvent, entry: ExpectedEvent): string[] {
  const fields = typeof entry === "string" ? { type: entry } : entry;
  const differences: string[] = [];
  for (const [key, want] of Object.entries(fields)) {
    const value = event[key as keyof HistoryEvent];
    if (typeof want === "function") {
      if (!(want as (v: unknown, e: HistoryEvent) => boolean)(value, event)) {
        differences.push(`${key} ${show(value)} fails its check`);
      }
    } else if (!isDeepStrictEqual(value, want)) {
      differences.push(`${key} is ${show(value)}, expected ${show(want)}`);
    }
  }
  return differences;
}

function show(value: unknown): string {
  if (value instanceof Date) return value.toISOString();
  return inspect(value, { depth: 4, breakLength: Number.POSITIVE_INFINITY });
}

/** One line for an event: seq, type, then its name, attempt and other fields. */
function describeEvent(event: HistoryEvent): string {
  const { seq, type, at, ...rest } = event;
  const { name, position, attempt, ...others } = rest;
  const fields = Object.entries({ name, position, attempt, ...others })
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => `${key}=${show(value)}`);
  return [`${seq} ${type}`, ...fields, `at=${at.toISOString()}`].join(" ");
}

function describeExpected(entry: ExpectedEvent): string {
  if (typeof entry === "string") return entry;
  const { type, ...rest } = entry;
  const fields = Object.entries(rest).map(([key, value]) =>
    typeof value === "function" ? `${key}=<check>` : `${key}=${show(value)}`,
  );
  return [typeof type === "function" ? "<type check>" : (type ?? "<any type>"), ...fields].join(" ");
}
