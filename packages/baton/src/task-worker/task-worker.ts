/**
 * A task worker in TypeScript: it long-polls the task queues of a Baton
 * server over HTTP (`POST /api/tasks/poll`, asking for as many tasks as it
 * has free slots), runs their handlers side by side up to its concurrency,
 * and reports each attempt (see run-task.ts). A poll that fails (the server
 * is down, restarting, or answers an error) is tried again after a backoff
 * that doubles from 100 ms up to 10 s. Stopping ends the poll under way,
 * aborts the signals of the attempts in flight and waits for their handlers
 * and reports.
 *
 * A task a poll leased as the task worker stopped (its answer lost) is taken
 * again once its lease lapses: attempts are at least once, like steps.
 */
import { BatonError } from "../errors.js";
import { trackOpen } from "../open-resources.js";
import { pause } from "./pause.js";
import { runTask } from "./run-task.js";
import { createTaskApiClient, describeCallError, type WireLeasedTask } from "./task-api-client.js";
import { resolveTaskWorkerOptions, type TaskWorkerOptions } from "./task-worker-options.js";

/** A running task worker. */
export interface TaskWorker extends AsyncDisposable {
  /** The name it polls under (`workerId` of its options, or the default). */
  readonly workerId: string;
  /** Attempts whose handlers run (or whose reports are under way) now. */
  readonly inFlight: number;
  /**
   * Stops polling, aborts the signals of the attempts in flight (reason
   * `TASK_WORKER_STOPPED`) and resolves once their handlers returned and
   * their outcomes were reported. Idempotent.
   */
  stop(): Promise<void>;
}

const firstBackoffMs = 100;
const maxBackoffMs = 10_000;
/** Polls that find nothing are at least this far apart (a short `pollWaitMs`). */
const minEmptyPollGapMs = 1_000;

/**
 * Starts a task worker: it polls the task queues `queues` of the Baton
 * server at `url` and hands each task to the handler of its name. Stop it
 * with `stop()`, `await using`, or the `signal` option.
 *
 * @example
 * import { createTaskWorker, FatalError } from "baton";
 * await using worker = createTaskWorker({
 *   url: "http://127.0.0.1:7700",
 *   token: process.env.BATON_WORKER_TOKEN,
 *   queues: ["media"],
 *   handlers: {
 *     "resize-image": async (input: { url: string; width: number }, task) => {
 *       if (input.width <= 0) throw new FatalError(`invalid width ${input.width}`);
 *       return { url: await resize(input.url, input.width, { signal: task.signal }) };
 *     },
 *   },
 * });
 * @throws BatonError `INVALID_OPTIONS` naming the bad option.
 */
export function createTaskWorker(options: TaskWorkerOptions): TaskWorker {
  const settings = resolveTaskWorkerOptions(options);
  const { workerId, queues, concurrency, pollWaitMs, warn } = settings;
  const client = createTaskApiClient(settings.url, settings.token);
  const stopper = new AbortController();
  const inFlight = new Set<Promise<void>>();
  /** Wakes the poll loop when a slot frees up or the worker stops. */
  let wake: (() => void) | undefined;
  const untrack = trackOpen("task worker", workerId);

  const start = (task: WireLeasedTask) => {
    const running = runTask(task, { client, workerId, handlers: settings.handlers, stopping: stopper.signal, warn })
      .catch((error) => warn(`attempt ${task.attempt} of task "${task.id}" broke off`, error))
      .finally(() => {
        inFlight.delete(running);
        wake?.();
      });
    inFlight.add(running);
  };

  const poll = async () => {
    let failures = 0;
    while (!stopper.signal.aborted) {
      if (inFlight.size >= concurrency) {
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        wake = undefined;
        continue;
      }
      const sent = performance.now();
      let tasks: WireLeasedTask[];
      try {
        const max = Math.min(concurrency - inFlight.size, 100);
        tasks = await client.poll({ workerId, queues, max, waitMs: pollWaitMs }, stopper.signal);
      } catch (error) {
        if (stopper.signal.aborted) break;
        failures++;
        if (failures === 1) warn(`task worker "${workerId}" could not poll: ${describeCallError(error)}; trying again`);
        await pause(Math.min(maxBackoffMs, firstBackoffMs * 2 ** Math.min(failures - 1, 20)), stopper.signal);
        continue;
      }
      if (failures > 0) warn(`task worker "${workerId}" polls again (after ${failures} failed polls)`);
      failures = 0;
      for (const task of tasks) start(task);
      const elapsed = performance.now() - sent;
      if (tasks.length === 0 && elapsed < minEmptyPollGapMs) await pause(minEmptyPollGapMs - elapsed, stopper.signal);
    }
  };

  const polling = poll().catch((error) => warn(`task worker "${workerId}" stopped polling`, error));
  let stopping: Promise<void> | undefined;
  const onAbort = () => void stop();
  const stop = () => {
    stopping ??= (async () => {
      settings.signal?.removeEventListener("abort", onAbort);
      stopper.abort(new BatonError("TASK_WORKER_STOPPED", `task worker "${workerId}" is stopping`));
      wake?.();
      await polling;
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
      untrack();
    })();
    return stopping;
  };
  if (settings.signal?.aborted) void stop();
  else settings.signal?.addEventListener("abort", onAbort, { once: true });

  return {
    workerId,
    get inFlight() {
      return inFlight.size;
    },
    stop,
    [Symbol.asyncDispose]: stop,
  };
}
