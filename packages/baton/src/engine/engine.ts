import { hostname } from "node:os";
import { isDeepStrictEqual } from "node:util";
import { v7 as uuidv7 } from "uuid";
import { systemClock } from "../clock.js";
import { toMilliseconds } from "../duration.js";
import { BatonError, RunFailedError, runNotFound, UnreadableRunError } from "../errors.js";
import { roundTrip } from "../json.js";
import { runIdPattern } from "../names.js";
import { trackOpen } from "../open-resources.js";
import { openStore } from "../store/open-store.js";
import type { NewRun, RunRecord } from "../store/store.js";
import { validateInput } from "../validate-input.js";
import { ScheduleFiring } from "../worker/schedule-firing.js";
import { TaskExpiry } from "../worker/task-expiry.js";
import { Worker } from "../worker/worker.js";
import type { Workflow } from "../workflow.js";
import { setUpDefinitions } from "./engine-definitions.js";
import type { Engine, EngineOptions, RunHandle, StartOptions } from "./engine-types.js";
import { noteEngineWorker } from "./engine-worker.js";
import { copyBefore, forkPosition } from "./fork-run.js";
import { createHumanTasksApi } from "./human-tasks-api.js";
import { listSignalWaits } from "./list-signal-waits.js";
import { reportReplacedLimits, toQueueInfo } from "./queue-info.js";
import { toQueueLimits } from "./queue-options.js";
import { replayCheck } from "./replay-check.js";
import { type RunEndWaiters, waitForRunEnd } from "./run-ends.js";
import { createSchedulesApi, type SchedulesApiDeps, syncCodeSchedules } from "./schedules-api.js";
import { toFlowFields } from "./start-flow.js";
import { TaskQueueWaiters } from "./task-queue-waiters.js";
import { createTasksApi } from "./tasks-api.js";

export type {
  BackfillResult,
  Engine,
  EngineOptions,
  EngineSchedules,
  HttpOptions,
  RunHandle,
  ScheduleOptions,
  SchedulePatch,
  StartOptions,
  WorkflowInfo,
} from "./engine-types.js";

import { toHistoryEvent, toRun, toRunSummary } from "./run-view.js";
import { sendEvent } from "./send-event.js";
import { createSignalChecker, createSignalSender } from "./signal-checker.js";
import { createWorkerPresence } from "./worker-presence.js";
import { collectWorkflows, describeCode, registerVersions } from "./workflow-registration.js";

/** Children listed by `getRun` (the newest ones). */
const maxChildrenShown = 1000;

/**
 * Creates an engine. Without `store` it uses an embedded SQLite file at
 * `.baton/baton.db`.
 *
 * @example
 * const engine = createEngine({ workflows: [order] });
 * await engine.start();
 * const run = await engine.startRun(order, { id: "o-1", amount: 10 }, { id: "order-o-1" });
 * console.log(await run.result());
 */
export function createEngine(options: EngineOptions = {}): Engine {
  const logger = options.logger ?? { warn: (message, error) => console.warn(`[baton] ${message}`, error ?? "") };
  // Options are checked before the store opens: a refused option leaves nothing open.
  const queues = toQueueLimits(options.queues);
  const { workflows, versions } = collectWorkflows(options);
  const pollIntervalMs = toMilliseconds(options.pollInterval ?? "500ms");
  const stopTimeoutMs = toMilliseconds(options.stopTimeout ?? "10s");
  const store = openStore(options.store, { migrate: options.migrate, log: (m, e) => logger.warn(m, e) });
  const clock = options.clock ?? store.clock ?? systemClock;
  const definitions = setUpDefinitions(options, store, clock, workflows, versions);
  const endWaiters: RunEndWaiters = new Map();
  const taskWaiters = new TaskQueueWaiters();
  let unlisten: (() => void) | undefined;
  /** Tasks other processes queue wake this process's polls (listened to from the first poll that waits). */
  const listen = () => {
    unlisten ??=
      store.subscribe?.((notice) => {
        if (notice.kind === "task") taskWaiters.notify(notice.queue);
        else if (notice.kind === "reconnected") taskWaiters.notifyAll();
      }) ?? (() => {});
  };

  const workerId = options.workerId ?? `${hostname()}:${process.pid}:${uuidv7().slice(-12)}`;
  const keys = () => [...versions.map((w) => `${w.name}@${w.version}`), ...definitions.catalog.keys()];
  const presence = createWorkerPresence({ store, clock, workerId, keys, log: (m, e) => logger.warn(m, e) });
  const worker = new Worker({
    store,
    clock,
    workflows,
    versions,
    catalog: definitions.catalog,
    ...(options.onFailure ? { onFailure: options.onFailure as Workflow } : {}),
    owner: workerId,
    leaseMs: toMilliseconds(options.lease ?? "15s"),
    pollIntervalMs,
    maxRunsInMemory: options.maxRunsInMemory ?? 10_000,
    queues,
    log: (message, error) => logger.warn(message, error),
    onTaskQueued: (queue) => taskWaiters.notify(queue),
    onDetached(runId, end) {
      if (!end) return;
      firing.runFinished(runId);
      for (const wake of endWaiters.get(runId) ?? []) wake(end);
    },
  });
  const firing = new ScheduleFiring({
    store,
    clock,
    workflows,
    pollIntervalMs,
    log: (message, error) => logger.warn(message, error),
    created: () => worker.claimSoon(),
    cancelled: (runId) => worker.cancelRun(runId),
  });
  const expiry = new TaskExpiry({
    store,
    clock,
    intervalMs: Math.max(pollIntervalMs, 1000),
    log: (message, error) => logger.warn(message, error),
  });
  let started = false;
  let closing = false;
  let untrack = () => {};
  const sendCheckedSignal = createSignalSender(store, clock, createSignalChecker(store, workflows));

  const requireRun = async (runId: string): Promise<RunRecord> => {
    const run = await store.getRun(runId);
    if (!run) throw runNotFound(runId);
    return run;
  };

  const waitForEnd = (runId: string) =>
    waitForRunEnd(runId, { endWaiters, pollIntervalMs, executes: (id) => worker.executes(id), requireRun });

  const handle = <O>(runId: string, created: boolean): RunHandle<O> => ({
    id: runId,
    created,
    async result() {
      const run = await waitForEnd(runId);
      if (run.status === "completed") return run.output as O;
      throw new RunFailedError(runId, run.status, run.error);
    },
    get: () => engine.getRun(runId),
  });

  const knownQueues = new Set(queues.map((queue) => queue.name)); // and those found in the store (never removed)
  /** @throws BatonError `UNKNOWN_QUEUE` when neither this engine nor the store knows the queue. */
  const requireQueue = async (name: string) => {
    if (knownQueues.has(name)) return;
    if (await store.getQueue(name)) {
      knownQueues.add(name);
      return;
    }
    const known = queues.map((queue) => queue.name).join(", ") || "none";
    throw new BatonError("UNKNOWN_QUEUE", `unknown queue "${name}" (declared here: ${known}; and none in the store)`);
  };

  /** The workflow a start names (its object, or its newest version by name), or the version it asks for. */
  const resolveWorkflow = async (workflow: Workflow | string, version?: string): Promise<Workflow> =>
    typeof workflow === "string" || version !== undefined
      ? definitions.resolve(typeof workflow === "string" ? workflow : workflow.name, version)
      : workflow;

  const scheduleDeps: SchedulesApiDeps = {
    store,
    clock,
    workflows,
    firing,
    created: () => worker.claimSoon(),
    handle: (runId, created) => handle(runId, created),
  };

  const engine: Engine = {
    store,
    workerId,

    async start() {
      if (started) return;
      started = true;
      try {
        if (options.migrate !== false) await store.migrate();
        await store.ready?.();
        // What senders without this code need: versions, subscriptions, schemas.
        await registerVersions(store, workflows, versions, clock.now());
        // The limits every worker claims within; a mix of limits is reported.
        if (queues.length > 0)
          reportReplacedLimits(queues, await store.registerQueues(queues, workerId, clock.now()), logger);
        if (workflows.size > 0) await syncCodeSchedules(scheduleDeps);
        await definitions.start(() => worker.claimSoon());
      } catch (error) {
        started = false;
        throw error;
      }
      untrack = trackOpen("engine", workerId);
      worker.start();
      await presence.start();
      expiry.start();
      await firing.start();
    },

    async stop() {
      if (!started) return;
      started = false;
      definitions.stop();
      await firing.stop();
      await expiry.stop();
      await worker.stop(stopTimeoutMs);
      await presence.stop();
      untrack();
    },

    async startRun<I, O>(target: Workflow<I, O> | string, input: I, startOptions: StartOptions = {}) {
      const workflow = await resolveWorkflow(target as Workflow | string, startOptions.version);
      const id = startOptions.id ?? uuidv7();
      if (typeof id !== "string" || !runIdPattern.test(id)) {
        throw new BatonError(
          "INVALID_RUN_ID",
          `invalid run id ${JSON.stringify(id)}: expected 1 to 200 printable ASCII characters without spaces`,
        );
      }
      const value = roundTrip(await validateInput(workflow, input), `input of workflow "${workflow.name}"`);
      const timeout = startOptions.timeout ?? workflow.options.timeout;
      const timeoutMs = timeout === undefined ? undefined : toMilliseconds(timeout);
      await store.ready?.();
      const now = clock.now();
      const flow = toFlowFields(startOptions, workflow.options.queue, now);
      if (flow.queue !== undefined) await requireQueue(flow.queue);
      const newRun: NewRun = {
        id,
        workflow: workflow.name,
        version: workflow.version,
        input: value,
        timeoutMs,
        history: [{ type: "run.started", at: now, input: value }],
        ...flow,
      };
      // This process's worker executes a run of the default queue at once
      // when it can (no claim, no wake-up), and the run's creation carries
      // its first step's start.
      const direct = flow.queue === undefined && flow.startAt === undefined;
      const lease = direct ? worker.offer(id, workflow.name, workflow.version) : undefined;
      if (lease) newRun.lease = { owner: lease.owner, expiresAt: lease.expiresAt };
      const result = lease ? await worker.startHere(newRun, now, lease) : await store.createRun(newRun, now);
      const { run, created } = result;
      if (!created && !result.debounced && (run.workflow !== workflow.name || !isDeepStrictEqual(run.input, value))) {
        throw new BatonError(
          "RUN_CONFLICT",
          `run "${id}" already exists with a different ${run.workflow !== workflow.name ? `workflow ("${run.workflow}")` : "input"}`,
        );
      }
      if (created && !lease) worker.claimSoon();
      return handle<O>(run.id, created);
    },

    listWorkflows: () => describeCode(workflows),
    listWorkers: () => presence.list(),

    handle<O>(runId: string) {
      return handle<O>(runId, false);
    },

    async getRun(runId) {
      try {
        const run = await requireRun(runId);
        const [history, children, signals] = await Promise.all([
          store.getHistory(runId),
          store.listRuns({ parentId: runId, limit: maxChildrenShown }),
          store.listPendingSignals(runId),
        ]);
        // Counted only when the page is full: a run with fewer children costs no query more.
        const count = children.nextCursor ? await store.countChildren(runId) : children.runs.length;
        return toRun(run, history, { runs: children.runs.reverse(), count }, signals);
      } catch (error) {
        throw error instanceof SyntaxError ? new UnreadableRunError(runId, error) : error;
      }
    },

    async listRuns(filter = {}) {
      const page = await store.listRuns(filter);
      return { runs: page.runs.map(toRunSummary), ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
    },

    async countRuns() {
      return (await store.countRuns()).sort(
        (a, b) =>
          a.workflow.localeCompare(b.workflow) ||
          a.version.localeCompare(b.version) ||
          a.status.localeCompare(b.status),
      );
    },

    listSignalWaits: (filter) => listSignalWaits(store, filter),
    listQueues: async () => (await store.listQueues(clock.now())).map((queue) => toQueueInfo(queue, clock.now())),

    async getHistory(runId) {
      await requireRun(runId);
      return (await store.getHistory(runId)).map(toHistoryEvent);
    },

    async signal(runId, name, payload) {
      if (typeof name !== "string" || name.length === 0 || name.length > 200) {
        throw new BatonError(
          "INVALID_NAME",
          `invalid signal name ${JSON.stringify(name)}: expected 1 to 200 characters`,
        );
      }
      const value = roundTrip(payload, `payload of signal "${name}"`);
      await store.ready?.();
      await sendCheckedSignal(runId, name, value);
      worker.runChanged(runId);
    },

    sendEvent(name, payload, sendOptions) {
      return sendEvent({ store, clock, workflows, worker }, name, payload, sendOptions);
    },

    async cancel(runId) {
      await store.ready?.();
      await store.requestCancel(runId, clock.now());
      worker.cancelRun(runId);
    },

    async resume(runId) {
      const run = await requireRun(runId);
      if (run.status !== "failed") {
        throw new BatonError(
          "RUN_NOT_FAILED",
          `cannot resume run "${runId}": only failed runs can be resumed (it is ${run.status})`,
        );
      }
      const history = await store.getHistory(runId);
      const failed = [...history].reverse().find((event) => event.type === "run.failed");
      await store.ready?.();
      const now = clock.now();
      await store.resumeRun(
        runId,
        { type: "run.resumed", at: now, positions: failed?.positions ?? [] },
        run.timeoutMs === undefined ? undefined : now + run.timeoutMs,
        now,
      );
      worker.claimSoon();
      return handle(runId, false);
    },

    async fork(runId, { fromStep, id }) {
      const run = await requireRun(runId);
      const history = await store.getHistory(runId);
      const position = forkPosition(runId, history, fromStep);
      const newId = id ?? uuidv7();
      if (!runIdPattern.test(newId)) throw new BatonError("INVALID_RUN_ID", `invalid run id ${JSON.stringify(newId)}`);
      await store.ready?.();
      const now = clock.now();
      const { created } = await store.createRun(
        {
          id: newId,
          workflow: run.workflow,
          version: run.version,
          input: run.input,
          timeoutMs: run.timeoutMs,
          history: [
            { type: "run.started", at: now, input: run.input, forkedFrom: { runId, position } },
            ...copyBefore(history, position),
          ],
        },
        now,
      );
      if (!created) throw new BatonError("RUN_CONFLICT", `cannot fork into run "${newId}": a run with that id exists`);
      worker.claimSoon();
      return handle(newId, true);
    },

    schedules: createSchedulesApi(scheduleDeps),
    tasks: createTasksApi({
      store,
      clock,
      waiters: taskWaiters,
      pollIntervalMs,
      listen,
      runChanged: (runId, pokeSeq) => worker.runChanged(runId, pokeSeq),
      closing: () => closing,
      leased: (at) => expiry.leased(at),
    }),
    definitions: definitions.api,
    replayCheck: (checkOptions) => replayCheck(store, versions, checkOptions),
    humanTasks: createHumanTasksApi({ store, clock, runChanged: (runId) => worker.runChanged(runId) }),

    async [Symbol.asyncDispose]() {
      closing = true;
      taskWaiters.notifyAll(); // long polls answer now, before the store closes under them
      await engine.stop();
      unlisten?.();
      await store.close();
    },
  };
  noteEngineWorker(engine, worker, firing);
  return engine;
}
