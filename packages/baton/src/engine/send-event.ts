import { v7 as uuidv7 } from "uuid";
import type { Clock } from "../clock.js";
import { toMilliseconds } from "../duration.js";
import { BatonError, ValidationError } from "../errors.js";
import { matchesEvent } from "../event-match.js";
import { roundTrip } from "../json.js";
import { checkJsonSchema } from "../schema-check.js";
import type { NewRun, Store } from "../store/store.js";
import type { EventMatch } from "../types.js";
import { validateInput } from "../validate-input.js";
import type { Worker } from "../worker/worker.js";
import { eventSubscriptions, type Workflow } from "../workflow.js";

/** What `sendEvent` did. */
export interface EventReceipt {
  /** Id of the event (the one given, or a new time-sortable id); also its idempotency key. */
  id: string;
  /** False when an event with this id had been sent before: nothing was started or delivered again. */
  created: boolean;
  /** Runs started by the event (workflows subscribed to its name), by id. */
  started: string[];
  /** Runs waiting for the event that received it. */
  delivered: string[];
  /** Subscribed workflows whose input schema refused the payload. */
  rejected?: { workflow: string; message: string }[];
  /**
   * Why the event started no run, when it was sent now and started none: no
   * workflow is subscribed to its name, or every subscription refused the
   * payload or did not match it.
   */
  reason?: string;
}

/** Options of `sendEvent`. */
export interface SendEventOptions {
  /**
   * Id of the event, and its idempotency key: 1 to 64 printable ASCII
   * characters without spaces. Default: a new time-sortable id.
   */
  id?: string;
}

/** What sending an event needs from its engine. */
export interface EventSender {
  store: Store;
  clock: Clock;
  /** Workflows this process has code for: their Standard Schemas check inputs, and they are started even unregistered. */
  workflows: Map<string, Workflow>;
  /** The engine's worker: it reads the runs the event reached, and claims those it started, at once. */
  worker: Pick<Worker, "claimSoon" | "runChanged">;
}

const validEventId = /^[\x21-\x7e]{1,64}$/;

/** A workflow to start with an event. */
interface Candidate {
  workflow: string;
  version: string;
  match?: EventMatch;
  timeoutMs?: number;
  /** Queue of the runs, when not `default`. */
  queue?: string;
  /** The code, when this process has it for that version. */
  code?: Workflow;
  inputSchema?: Record<string, unknown>;
}

/**
 * Sends an event: stores it, delivers it to every run whose wait for `name`
 * was recorded before and whose `match` its payload meets (each wait
 * receives at most one event), and starts a run of each workflow subscribed
 * to `name` whose subscription's `match` the payload meets, with id
 * `<event id>:<workflow name>` and the payload as input. Subscriptions are
 * those workers registered in the store (the newest registered version of
 * each workflow), and those of the workflows this process has code for that
 * no worker registered as subscribed. One transaction: with the same id
 * again, nothing more happens.
 *
 * The input is checked with the workflow's Standard Schema when this process
 * has its code (same version), else with the JSON Schema its worker stored,
 * else by the worker when it first executes the run.
 *
 * @throws BatonError `INVALID_NAME`, `INVALID_EVENT_ID`, `NOT_SERIALIZABLE`.
 */
export async function sendEvent(
  sender: EventSender,
  name: string,
  payload: unknown,
  options: SendEventOptions = {},
): Promise<EventReceipt> {
  if (typeof name !== "string" || name.length === 0 || name.length > 200) {
    throw new BatonError("INVALID_NAME", `invalid event name ${JSON.stringify(name)}: expected 1 to 200 characters`);
  }
  const id = options.id ?? uuidv7();
  if (typeof id !== "string" || !validEventId.test(id)) {
    throw new BatonError(
      "INVALID_EVENT_ID",
      `invalid event id ${JSON.stringify(id)}: expected 1 to 64 printable ASCII characters without spaces`,
    );
  }
  const value = roundTrip(payload, `payload of event "${name}"`);
  const candidates = await subscribed(sender, name);
  const inputs: { candidate: Candidate; input: unknown; unchecked: boolean }[] = [];
  const rejected: { workflow: string; message: string }[] = [];
  const unmatched: string[] = [];
  for (const candidate of candidates) {
    if (!matchesEvent(candidate.match, value)) {
      unmatched.push(candidate.workflow);
      continue;
    }
    try {
      const checked = await checkInput(candidate, value);
      inputs.push({ candidate, input: checked.input, unchecked: checked.unchecked });
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      rejected.push({ workflow: candidate.workflow, message: error.message });
    }
  }
  await sender.store.ready?.();
  const now = sender.clock.now();
  const runs = inputs.map(
    ({ candidate, input, unchecked }): NewRun => ({
      id: `${id}:${candidate.workflow}`,
      workflow: candidate.workflow,
      version: candidate.version,
      input,
      timeoutMs: candidate.timeoutMs,
      ...(candidate.queue === undefined ? {} : { queue: candidate.queue }),
      history: [{ type: "run.started", at: now, input, eventId: id, ...(unchecked ? { unchecked: true } : {}) }],
    }),
  );
  const { created, event } = await sender.store.sendEvent({ id, name, payload: value, runs }, now);
  if (!created) return { id, created: false, started: event.started, delivered: [] };
  for (const runId of event.delivered) sender.worker.runChanged(runId);
  if (event.started.length > 0) sender.worker.claimSoon();
  const reason =
    event.started.length > 0
      ? undefined
      : candidates.length === 0
        ? `no workflow is subscribed to event "${name}"`
        : `no subscribed workflow took event "${name}": ${[
            ...unmatched.map((workflow) => `"${workflow}" (its match does not hold)`),
            ...rejected.map((r) => `"${r.workflow}" (input refused)`),
          ].join(", ")}`;
  return {
    id,
    created: true,
    started: event.started,
    delivered: event.delivered,
    ...(rejected.length ? { rejected } : {}),
    ...(reason ? { reason } : {}),
  };
}

/** The workflows subscribed to `name`: registered ones (newest version), then local ones no registration covers. */
async function subscribed(sender: EventSender, name: string): Promise<Candidate[]> {
  const candidates: Candidate[] = [];
  const seen = new Set<string>();
  for (const record of await sender.store.listSubscriptions(name)) {
    const local = sender.workflows.get(record.workflow);
    seen.add(record.workflow);
    candidates.push({
      workflow: record.workflow,
      version: record.version,
      match: record.match,
      timeoutMs: record.timeoutMs,
      queue: record.queue,
      inputSchema: record.inputSchema,
      code: local?.version === record.version ? local : undefined,
    });
  }
  for (const workflow of sender.workflows.values()) {
    if (seen.has(workflow.name)) continue;
    const subscription = eventSubscriptions(workflow).find((s) => s.name === name);
    if (!subscription) continue;
    candidates.push({
      workflow: workflow.name,
      version: workflow.version,
      match: subscription.match,
      timeoutMs: workflow.options.timeout === undefined ? undefined : toMilliseconds(workflow.options.timeout),
      queue: workflow.options.queue === "default" ? undefined : workflow.options.queue,
      code: workflow,
    });
  }
  return candidates;
}

/**
 * The input of a run started by an event: checked with the code's schema,
 * else the stored JSON Schema; `unchecked` when neither could check it
 * (the worker checks it then).
 * @throws ValidationError when refused.
 */
async function checkInput(candidate: Candidate, value: unknown): Promise<{ input: unknown; unchecked: boolean }> {
  const what = `input of "${candidate.workflow}"`;
  if (candidate.code) {
    return { input: roundTrip(await validateInput(candidate.code, value), what), unchecked: false };
  }
  if (candidate.inputSchema) {
    const issues = await checkJsonSchema(candidate.inputSchema, value);
    if (issues && issues.length > 0) throw new ValidationError(`input of workflow "${candidate.workflow}"`, issues);
    if (issues) return { input: value, unchecked: false };
  }
  return { input: value, unchecked: true };
}
