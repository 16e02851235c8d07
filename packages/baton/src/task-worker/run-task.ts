/**
 * One attempt of a task in a task worker: the handler runs with a context
 * (signal, heartbeat); heartbeats go out on their own every third of the
 * task's heartbeat timeout; the outcome is reported (complete or fail),
 * retried on the network while it may still count. Once the API says the
 * attempt is no longer this task worker's (409, 404), the signal aborts and
 * nothing more is reported.
 */
import { BatonError } from "../errors.js";
import { pause } from "./pause.js";
import {
  describeCallError,
  isLeaseGone,
  isTransient,
  type TaskApiClient,
  type TaskApiError,
  type WireLeasedTask,
} from "./task-api-client.js";
import { describeTaskFailure } from "./task-failure.js";
import type { TaskContext, TaskHandler } from "./task-worker-options.js";

/** What an attempt needs of its task worker. */
export interface RunTaskDeps {
  client: TaskApiClient;
  workerId: string;
  handlers: Map<string, TaskHandler>;
  /** Aborted when the task worker stops. */
  stopping: AbortSignal;
  warn: (message: string, error?: unknown) => void;
}

/** How long a report is tried again on the network before it is given up (the lease then lapses). */
const reportRetryMs = 30_000;
/** Shortest time between two automatic heartbeats. */
const minHeartbeatIntervalMs = 10;

/** Runs one leased attempt to its report (see the module's header); never rejects. */
export async function runTask(task: WireLeasedTask, deps: RunTaskDeps): Promise<void> {
  const { client, stopping, warn } = deps;
  const label = `attempt ${task.attempt} of task "${task.id}" (${task.name})`;
  const controller = new AbortController();
  /** Set once the API refused this attempt: nothing more is sent. */
  let gone: TaskApiError | undefined;
  let details: unknown;
  let finished = false;

  const onStop = () =>
    controller.abort(new BatonError("TASK_WORKER_STOPPED", `task worker "${deps.workerId}" is stopping`));
  if (stopping.aborted) onStop();
  else stopping.addEventListener("abort", onStop, { once: true });

  const lose = (error: TaskApiError) => {
    gone ??= error;
    if (!controller.signal.aborted) controller.abort(error);
  };
  /** Sends one heartbeat: a refusal aborts the attempt, a failure on the network is logged. */
  const sendHeartbeat = async (): Promise<void> => {
    try {
      const answer = await client.heartbeat(task.token, details);
      if (answer.cancelRequested && !controller.signal.aborted) {
        controller.abort(
          new BatonError("TASK_CANCEL_REQUESTED", `the run "${task.runId}" of task "${task.id}" asked to cancel`),
        );
      }
    } catch (error) {
      if (isLeaseGone(error)) lose(error);
      else if (!finished) warn(`a heartbeat of ${label} failed: ${describeCallError(error)}`);
    }
  };

  let timer: ReturnType<typeof setTimeout> | undefined;
  const interval =
    task.heartbeatTimeoutMs === undefined
      ? undefined
      : Math.max(minHeartbeatIntervalMs, Math.floor(task.heartbeatTimeoutMs / 3));
  const arm = () => {
    if (interval === undefined || finished || gone) return;
    clearTimeout(timer);
    timer = setTimeout(() => void sendHeartbeat().then(arm), interval);
  };

  const context: TaskContext = {
    id: task.id,
    name: task.name,
    queue: task.queue,
    runId: task.runId,
    attempt: task.attempt,
    signal: controller.signal,
    async heartbeat(next) {
      if (gone) throw gone;
      if (next !== undefined) details = next;
      arm();
      await sendHeartbeat();
      if (gone) throw gone;
    },
  };

  let outcome: { ok: true; output: unknown } | { ok: false; error: unknown };
  const handler = deps.handlers.get(task.name);
  try {
    if (!handler) {
      const known = [...deps.handlers.keys()].map((name) => JSON.stringify(name)).join(", ");
      const message = `task worker "${deps.workerId}" has no handler for task "${task.name}" (it handles ${known})`;
      await report(() =>
        client.fail(task.token, { error: { name: "FatalError", code: "NO_TASK_HANDLER", message }, retryable: false }),
      );
      return;
    }
    arm();
    try {
      outcome = { ok: true, output: await handler(task.input, context) };
    } catch (error) {
      outcome = { ok: false, error };
    }
    finished = true;
    clearTimeout(timer);
    if (gone) return;
    if (outcome.ok) {
      const output = outcome.output;
      const unreadable = jsonError(output);
      if (unreadable === undefined) await report(() => client.complete(task.token, output));
      else {
        const message = `the output of task "${task.name}" is not JSON: ${unreadable}`;
        await report(() => client.fail(task.token, { error: { name: "TypeError", message }, retryable: false }));
      }
    } else {
      const failure = describeTaskFailure(outcome.error, controller.signal);
      await report(() => client.fail(task.token, failure));
    }
  } finally {
    finished = true;
    clearTimeout(timer);
    stopping.removeEventListener("abort", onStop);
  }

  /** Makes a report, trying again on the network for a while; a refusal ends it quietly. */
  async function report(send: () => Promise<unknown>): Promise<void> {
    const deadline = performance.now() + reportRetryMs;
    for (let tries = 1; ; tries++) {
      try {
        await send();
        return;
      } catch (error) {
        if (isLeaseGone(error)) {
          if (error.code !== "TASK_CANCELLED") warn(`the report of ${label} was refused: ${describeCallError(error)}`);
          return;
        }
        const delay = Math.min(100 * 2 ** (tries - 1), 5_000);
        if (!isTransient(error) || performance.now() + delay > deadline) {
          warn(`could not report ${label}: ${describeCallError(error)}`);
          return;
        }
        await pause(delay);
      }
    }
  }
}

/** Why `value` cannot be sent as JSON, or undefined when it can. */
function jsonError(value: unknown): string | undefined {
  try {
    JSON.stringify(value);
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}
