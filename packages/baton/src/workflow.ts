import type { StandardSchemaV1 } from "@standard-schema/spec";
import { type Duration, toMilliseconds } from "./duration.js";
import { BatonError } from "./errors.js";
import { checkEventMatch } from "./event-match.js";
import type { FailureInput } from "./failure-input.js";
import { workflowNamePattern } from "./names.js";
import { resolveRetryPolicy } from "./retry-policy.js";
import { checkScheduleDefinition } from "./schedule-definition.js";
import type { EventMatch, HumanTaskOptions, HumanTaskResult, ScheduleDefinition, TaskOptions } from "./types.js";

/**
 * Retry policy of a step or compensation. Attempt n (n >= 2) starts
 * `min(initialInterval * backoffCoefficient^(n-2), maxInterval)` after attempt
 * n-1 failed, spread by `jitter`.
 */
export interface RetryPolicy {
  /** Attempts in all, the first included. Default 3. `1` means no retry. */
  maxAttempts?: number;
  /** Wait before the second attempt. Default `"1s"`. */
  initialInterval?: Duration;
  /** Multiplier of the wait after each failure. Default 2. */
  backoffCoefficient?: number;
  /** Longest wait between attempts. Default `"1m"`. */
  maxInterval?: Duration;
  /** Random spread of each wait, as a fraction (0.2 = plus or minus 20%). Default 0.1. */
  jitter?: number;
}

/** What a step function receives. */
export interface StepContext {
  /** Stable idempotency key of this step: the same for every attempt and after a crash. */
  key: string;
  /** 1 for the first attempt. */
  attempt: number;
  /**
   * Aborted when the attempt times out, the run is cancelled, or this worker
   * lost the run to another one (its lease expired: a pause, a partition).
   */
  signal: AbortSignal;
}

/** Options of `ctx.step`. */
export interface StepOptions<T> {
  /** Retry policy; defaults to the workflow's `retry`, then to the defaults of `RetryPolicy`. */
  retry?: RetryPolicy;
  /** Limit of each attempt; a timed-out attempt counts as failed. Default: none. */
  timeout?: Duration;
  /**
   * Undo of this step, given its result. Runs (durably, with retries) when
   * the run later fails or is cancelled, in reverse order of completion.
   */
  compensate?: (result: T) => unknown;
}

/** Options of `ctx.waitForSignal`. */
export interface WaitOptions<T = unknown> {
  /** How long to wait; the wait returns `undefined` when it expires. Default: forever. */
  timeout?: Duration;
  /**
   * Standard Schema (zod, valibot, arktype...) the payload must pass: a signal
   * that fails it is recorded `signal.refused` and consumed, and the wait goes
   * on for a valid one. The payload is delivered as sent (a schema's
   * transforms are not applied). Default: none (the workflow's declared
   * `signals` schema still applies).
   */
  schema?: StandardSchemaV1<unknown, T>;
}

/** An event that starts runs of a workflow: its name, and what its payload must hold. */
export interface EventSubscription {
  /** Name of the event. */
  name: string;
  /** Top-level payload fields the event must have, with exact values (as in `ctx.waitForEvent`). Default: any payload. */
  match?: EventMatch;
}

/** Options of `ctx.waitForEvent`. */
export interface WaitForEventOptions {
  /**
   * Top-level payload fields the event must have, with the value each must
   * equal (strings, finite numbers, booleans or null): an event matches when
   * its payload is an object holding every one of them. Default: any event of the name.
   */
  match?: EventMatch;
  /** How long to wait; the wait returns `undefined` when it expires. Default: forever. */
  timeout?: Duration;
}

/**
 * What a workflow function uses to do durable work. Everything here is
 * recorded in the run's history and replayed after a crash.
 */
export interface WorkflowContext {
  /** Id of this run. */
  readonly runId: string;
  /** Name of this workflow. */
  readonly workflow: string;
  /** The fire time this run is for, when a schedule started it (`undefined` otherwise). */
  readonly scheduledAt?: Date;
  /**
   * Runs `fn` once and records its JSON result; on re-execution returns the
   * recorded result without calling `fn`. The result is returned as it reads
   * back from JSON (a `Date` becomes a string) on the first execution too.
   */
  step<T>(name: string, fn: (step: StepContext) => Promise<T> | T, options?: StepOptions<T>): Promise<T>;
  /**
   * Inside a step's (or compensation's) function, also after it awaited and
   * while other steps of the run are in flight: that step's idempotency key
   * (run id and position). Called by the workflow function itself, it
   * throws `NOT_IN_STEP` (it may instead name the run's step in flight when
   * exactly one is). The function's `step.key` is the same key.
   */
  stepKey(): string;
  /** Durable sleep. Survives restarts; never wakes early. */
  sleep(duration: Duration): Promise<void>;
  /** Durable sleep until a point in time. */
  sleepUntil(until: Date | number): Promise<void>;
  /** Waits for the next signal `name`; `undefined` if `timeout` passes first. */
  waitForSignal<T = unknown>(name: string, options?: WaitOptions<T>): Promise<T | undefined>;
  /**
   * Waits for an event `name` (sent with `engine.sendEvent`, to no run in
   * particular) whose payload matches `match`; returns the payload of the
   * first such event sent once the wait is recorded, or `undefined` if
   * `timeout` passes first. Events sent before the run reached the wait are
   * not kept for it: use a signal for a message addressed to one run.
   *
   * @example
   * const paid = await ctx.waitForEvent<{ orderId: string }>("payment.settled", {
   *   match: { orderId: input.orderId },
   *   timeout: "7d",
   * });
   * @throws BatonError `INVALID_NAME` or `INVALID_MATCH` (the returned promise rejects).
   */
  waitForEvent<T = unknown>(name: string, options?: WaitForEventOptions): Promise<T | undefined>;
  /** Every signal `name`, in order, as an endless async iterator. */
  signals<T = unknown>(name: string): AsyncIterable<T>;
  /**
   * Calls `handler` for every signal `name` (those already sent too), in
   * order, between durable calls. Use it for context updates that arrive while
   * a run works ("the user changed the scope").
   */
  onSignal<T = unknown>(name: string, handler: (payload: T) => void): void;
  /**
   * Hands a task to the task workers polling `options.queue` (in any
   * language, over HTTP: `POST /api/tasks/poll`) and waits for its output.
   * Durable like a step: recorded once done, never handed out again; a failed
   * or lapsed attempt is retried per `options.retry`, and the last failure
   * rejects with a `TaskFailedError`. The input must be JSON.
   *
   * @example
   * const thumb = await ctx.task<{ url: string }>("resize-image", { url }, { queue: "media", timeout: "2m" });
   * @throws BatonError `INVALID_NAME`, `INVALID_DURATION`, `INVALID_RETRY_POLICY` (the returned promise rejects).
   */
  task<T = unknown>(name: string, input?: unknown, options?: TaskOptions): Promise<T>;
  /**
   * Asks a person: a human task in the inbox of `options.assignee` or
   * `options.role` (the dashboard's inbox, `/api/human-tasks`), with a form
   * drawn from `options.form` (a JSON Schema the answer's data must pass).
   * Resolves with the answer (completed or rejected, by whom, when), or
   * `undefined` when `timeout` passes (unless `onTimeout` fails or reassigns).
   *
   * @example
   * const answer = await ctx.humanTask<{ approved: boolean }>("approve-refund", {
   *   title: `Refund ${input.amount} EUR to ${input.customer}?`,
   *   form: { type: "object", properties: { approved: { type: "boolean" } }, required: ["approved"] },
   *   role: "finance",
   *   timeout: "2d",
   * });
   * @throws BatonError `INVALID_HUMAN_TASK`, `INVALID_DURATION` (the returned promise rejects).
   */
  humanTask<T = unknown>(name: string, options: HumanTaskOptions): Promise<HumanTaskResult<T> | undefined>;
  /** Starts a child run and waits for its output. Id defaults to `<run id>-<position>`. */
  child<I, O>(workflow: Workflow<I, O>, input: I, options?: { id?: string }): Promise<O>;
  /**
   * For changing code under open runs: true when this run takes patch `id`'s
   * new path, false when it re-executes a history recorded before the patch
   * existed (which took the old one). The first time a run reaches it under
   * new code, `patch.applied` is recorded, so the answer stays true.
   *
   * @example
   * const tax = ctx.patched("vat-2027") ? await ctx.step("tax-2027", () => vat(input)) : await ctx.step("tax", () => oldVat(input));
   * @throws BatonError `INVALID_NAME` for an id of 0 or more than 200 characters.
   */
  patched(id: string): boolean;
  /**
   * Once no open run predates patch `id`, replace `if (ctx.patched(id)) new
   * else old` with `ctx.deprecatePatch(id); new`: it records the patch as
   * `patched` does, without branching. Remove it once no open run needs it.
   */
  deprecatePatch(id: string): void;
  /** Replay-safe current time: the time of the latest history event the run has seen. */
  now(): Date;
  /** Replay-safe random number in [0, 1). */
  random(): number;
  /** Replay-safe random UUID (v4 format). */
  uuid(): string;
}

/** Options of `defineWorkflow`. */
export interface WorkflowOptions<I> {
  /** Standard Schema (zod, valibot, arktype...) the input must pass. */
  input?: StandardSchemaV1<unknown, I>;
  /** Default retry policy of this workflow's steps. */
  retry?: RetryPolicy;
  /** Limit of a whole run; on expiry the run fails (and compensates). Default: none. */
  timeout?: Duration;
  /** Version recorded on each run. Default `"1"`. */
  version?: string;
  /**
   * Events that start a run of this workflow, with the event's payload as its
   * input: names, or `{ name, match }` to start only for payloads holding the
   * `match` fields. The payload is checked against `input` when there is one
   * (a payload it refuses starts no run). The run's id is
   * `<event id>:<workflow name>`. A worker registers these in the store when
   * its engine starts, so any process sending the event starts the run, with
   * or without this code. Default: none.
   */
  events?: (string | EventSubscription)[];
  /**
   * Standard Schemas of the signals this workflow takes, by signal name: a
   * payload that fails one is refused by `engine.signal` (`INVALID_INPUT`)
   * when the sender can check it (it has this code, or a worker stored the
   * schema as JSON Schema), else recorded `signal.refused` when it reaches a
   * wait or an `onSignal` handler. Default: none.
   */
  // biome-ignore lint/suspicious/noExplicitAny: schemas of any signal payload
  signals?: Record<string, StandardSchemaV1<unknown, any>>;
  /**
   * Queue the runs of this workflow join (see `EngineOptions.queues`), unless
   * a start names another. Default: `default`, without limits.
   */
  queue?: string;
  /**
   * Schedules that start runs of this workflow (cron or interval), stored on
   * `engine.start()`: a schedule declared here and changed is rewritten, one
   * no longer declared is deleted (see `ScheduleDefinition`). Default: none.
   */
  schedules?: ScheduleDefinition[];
  /**
   * A workflow started once when a run of this one ends `failed` or
   * `compensated` (after its retries and compensations): a child of the
   * failed run, id `<run id>:on-failure`, given a `FailureInput` (the run's
   * id, workflow, version, input, error and failed step). Register it with
   * the engine too. Default: the engine's `onFailure`, else none.
   */
  // biome-ignore lint/suspicious/noExplicitAny: a handler of any output
  onFailure?: Workflow<FailureInput, any>;
}

/** A workflow definition, as returned by `defineWorkflow`. */
export interface Workflow<I = unknown, O = unknown> {
  readonly name: string;
  readonly version: string;
  readonly options: WorkflowOptions<I>;
  readonly fn: (ctx: WorkflowContext, input: I) => Promise<O>;
}

/** Input type of a workflow. */
export type WorkflowInput<W> = W extends Workflow<infer I, unknown> ? I : never;
/** Output type of a workflow. */
export type WorkflowOutput<W> = W extends Workflow<unknown, infer O> ? O : never;

/** Marks the objects `defineWorkflow` returns (a registry symbol: it holds across copies of the library). */
const workflowBrand = Symbol.for("baton.workflow");

/** True for a value returned by `defineWorkflow` (a module's exports may be scanned with it). */
export function isWorkflow(value: unknown): value is Workflow {
  return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[workflowBrand] === true;
}

/**
 * Defines a workflow: an async function whose durable calls go through `ctx`.
 *
 * @example
 * export const greet = defineWorkflow("greet", async (ctx, input: { name: string }) => {
 *   const text = await ctx.step("compose", () => `Hello, ${input.name}`);
 *   await ctx.sleep("1h");
 *   return text;
 * });
 */
export function defineWorkflow<I, O>(
  name: string,
  fn: (ctx: WorkflowContext, input: I) => Promise<O>,
  options: WorkflowOptions<I> = {},
): Workflow<I, O> {
  if (!workflowNamePattern.test(name)) {
    throw new BatonError(
      "INVALID_WORKFLOW",
      `invalid workflow name ${JSON.stringify(name)}: use letters, digits, ".", "_", ":" or "-" (at most 128)`,
    );
  }
  if (options.events !== undefined && !Array.isArray(options.events)) {
    throw new BatonError("INVALID_WORKFLOW", `invalid events of workflow "${name}": expected an array of event names`);
  }
  const subscribed = new Set<string>();
  for (const entry of options.events ?? []) {
    const event = typeof entry === "object" && entry !== null ? entry.name : entry;
    if (typeof event !== "string" || event.length === 0 || event.length > 200) {
      throw new BatonError(
        "INVALID_WORKFLOW",
        `invalid event name ${JSON.stringify(event)} in the events of workflow "${name}": expected 1 to 200 characters`,
      );
    }
    if (subscribed.has(event)) {
      throw new BatonError("INVALID_WORKFLOW", `event "${event}" is listed twice in the events of workflow "${name}"`);
    }
    subscribed.add(event);
    if (typeof entry === "object" && entry.match !== undefined) {
      try {
        checkEventMatch(event, entry.match);
      } catch (error) {
        throw new BatonError("INVALID_WORKFLOW", `invalid events of workflow "${name}": ${(error as Error).message}`);
      }
    }
  }
  for (const [signal, schema] of Object.entries(options.signals ?? {})) {
    if (typeof schema?.["~standard"]?.validate !== "function") {
      throw new BatonError(
        "INVALID_WORKFLOW",
        `invalid schema of signal "${signal}" in workflow "${name}": expected a Standard Schema (zod, valibot, arktype...)`,
      );
    }
  }
  if (options.onFailure !== undefined && !isWorkflow(options.onFailure)) {
    throw new BatonError(
      "INVALID_WORKFLOW",
      `invalid onFailure of workflow "${name}": expected a workflow (made by defineWorkflow)`,
    );
  }
  const scheduleIds = new Set<string>();
  for (const schedule of options.schedules ?? []) {
    const { id } = checkScheduleDefinition(schedule);
    if (scheduleIds.has(id))
      throw new BatonError("INVALID_SCHEDULE", `schedule "${id}" is declared twice in workflow "${name}"`);
    scheduleIds.add(id);
  }
  try {
    checkStepOptions(options);
  } catch (error) {
    throw new BatonError(
      "INVALID_WORKFLOW",
      `invalid options of workflow "${name}": ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  return Object.freeze({ name, version: options.version ?? "1", options, fn, [workflowBrand]: true });
}

/** The events a workflow subscribes to, as `{ name, match }`. */
export function eventSubscriptions(workflow: Workflow): EventSubscription[] {
  return (workflow.options.events ?? []).map((entry) =>
    typeof entry === "string"
      ? { name: entry }
      : { name: entry.name, ...(entry.match ? { match: checkEventMatch(entry.name, entry.match) } : {}) },
  );
}

/** True when the workflow declares a schema for at least one signal. */
export function declaresSignals(workflow: Workflow): boolean {
  return workflow.options.signals !== undefined && Object.keys(workflow.options.signals).length > 0;
}

/**
 * Checks a retry policy and a timeout (of a step, or a workflow's).
 * @throws BatonError `INVALID_RETRY_POLICY` or `INVALID_DURATION` naming the bad field.
 */
export function checkStepOptions(options: { retry?: RetryPolicy; timeout?: Duration }): void {
  if (options.retry !== undefined) resolveRetryPolicy(options.retry);
  if (options.timeout !== undefined) toMilliseconds(options.timeout);
}
