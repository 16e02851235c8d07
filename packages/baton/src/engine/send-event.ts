import { v7 as uuidv7 } from "uuid";
import type { Clock } from "../clock.js";
import { toMilliseconds } from "../duration.js";
import { BatonError, ValidationError } from "../errors.js";
import { roundTrip } from "../json.js";
import type { NewRun, Store } from "../store/store.js";
import { validateInput } from "../validate-input.js";
import type { Worker } from "../worker/worker.js";
import type { Workflow } from "../workflow.js";

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
  /** Registered workflows; those subscribed to the event's name are started. */
  workflows: Map<string, Workflow>;
  /** The engine's worker: it reads the runs the event reached, and claims those it started, at once. */
  worker: Pick<Worker, "poke" | "pokeRun">;
}

const validEventId = /^[\x21-\x7e]{1,64}$/;

/**
 * Sends an event: stores it, delivers it to every run whose wait for `name`
 * was recorded before and whose `match` its payload meets (each wait
 * receives at most one event), and starts a run of each registered workflow
 * subscribed to `name`, with id `<event id>:<workflow name>` and the payload
 * as input. One transaction: with the same id again, nothing more happens.
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
  const inputs: { workflow: Workflow; input: unknown }[] = [];
  const rejected: { workflow: string; message: string }[] = [];
  for (const workflow of sender.workflows.values()) {
    if (!workflow.options.events?.includes(name)) continue;
    try {
      inputs.push({ workflow, input: roundTrip(await validateInput(workflow, value), `input of "${workflow.name}"`) });
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      rejected.push({ workflow: workflow.name, message: error.message });
    }
  }
  await sender.store.ready?.();
  const now = sender.clock.now();
  const runs = inputs.map(
    ({ workflow, input }): NewRun => ({
      id: `${id}:${workflow.name}`,
      workflow: workflow.name,
      version: workflow.version,
      input,
      timeoutMs: workflow.options.timeout === undefined ? undefined : toMilliseconds(workflow.options.timeout),
      history: [{ type: "run.started", at: now, input, eventId: id }],
    }),
  );
  const { created, event } = await sender.store.publishEvent({ id, name, payload: value, runs }, now);
  if (!created) return { id, created: false, started: event.started, delivered: [] };
  for (const runId of event.delivered) sender.worker.pokeRun(runId);
  if (event.started.length > 0) sender.worker.poke();
  return {
    id,
    created: true,
    started: event.started,
    delivered: event.delivered,
    ...(rejected.length ? { rejected } : {}),
  };
}
