import { hostname } from "node:os";
import { isDeepStrictEqual } from "node:util";
import { v7 as uuidv7 } from "uuid";
import { type Clock, systemClock } from "../clock.js";
import { type Duration, toMilliseconds } from "../duration.js";
import { BatonError, RunFailedError, runNotFound, UnreadableRunError } from "../errors.js";
import { roundTrip } from "../json.js";
import { runIdPattern } from "../names.js";
import { trackOpen } from "../open-resources.js";
import { openStore } from "../store/open-store.js";
import type { NewRun, RecordedEvent, RunRecord, Store } from "../store/store.js";
import type { SignalWaitFilter, SignalWaitPage } from "../types.js";
import { type HistoryEvent, isTerminal, type Run, type RunCount, type RunFilter, type RunPage } from "../types.js";
import { validateInput } from "../validate-input.js";
import type { RunEnd } from "../worker/run-executor.js";
import { Worker } from "../worker/worker.js";
import type { Workflow } from "../workflow.js";
import { noteEngineWorker } from "./engine-worker.js";
import { listSignalWaits } from "./list-signal-waits.js";
import { toHistoryEvent, toRun, toRunSummary } from "./run-view.js";
import { type EventReceipt, type SendEventOptions, sendEvent } from "./send-event.js";
import { createSignalChecker, createSignalSender } from "./signal-checker.js";
import { toRegistration } from "./workflow-registration.js";

/** Options of `createEngine`. */
export interface EngineOptions {
  // biome-ignore lint/suspicious/noExplicitAny: workflows of any input and output
  workflows?: Workflow<any, any>[];
  /** `sqlite:<path>`, `postgres://...` or a Store. Default `sqlite:.baton/baton.db`. */
  store?: string | Store;
  /**
   * Source of time. Default: the store's clock when it has one (PostgreSQL:
   * the database's clock, so workers agree on due timers whatever their own
   * clocks say), else the system clock. Tests pass `createTestClock()`.
   */
  clock?: Clock;
  /**
   * Apply the store's pending migrations on start (and, on PostgreSQL, on
   * first use). Default true. Turn it off where a deploy step runs
   * `baton migrate`; a store lacking migrations then fails with `MIGRATIONS_PENDING`.
   */
  migrate?: boolean;
  /** Name of this worker in leases. Default `<host>:<pid>:<random>`. */
  workerId?: string;
  /** Lease on a claimed run; a dead worker's runs are taken over after it. Default `"15s"`. */
  lease?: Duration;
  /** How often to look for due or abandoned runs. Default `"500ms"`. */
  pollInterval?: Duration;
  /** Runs kept in memory; waiting runs beyond it are evicted and reloaded when they wake. Default 10000. */
  maxRunsInMemory?: number;
  /** How long `stop()` waits for in-flight steps. Default `"10s"`. */
  stopTimeout?: Duration;
  /** Where warnings go. Default: standard error. */
  logger?: { warn(message: string, error?: unknown): void };
}

/** Options of `startRun`. */
export interface StartOptions {
  /** Id of the run, and its idempotency key. Default: a new time-sortable id. */
  id?: string;
  /** Limit of the whole run. Default: the workflow's `timeout`. */
  timeout?: Duration;
}

/** A started run. */
export interface RunHandle<O = unknown> {
  readonly id: string;
  /** False when `startRun` found the run already there (same id, same input). */
  readonly created: boolean;
  /** Waits for the run to end: its output, or a `RunFailedError`. */
  result(): Promise<O>;
  /** The run as it is now. */
  get(): Promise<Run>;
}

/** A workflow an engine has code for. */
export interface WorkflowInfo {
  name: string;
  version: string;
  /** True when the workflow checks its input against a schema. */
  validatesInput: boolean;
}

/** The engine: starts, inspects and steers runs, and (once started) executes them. */
export interface Engine extends AsyncDisposable {
  readonly store: Store;
  /** This engine's name as a worker (the owner of its leases). */
  readonly workerId: string;
  /**
   * Begins executing runs (claiming new, due and abandoned ones), after
   * registering in the store the workflows it has code for (versions, event
   * subscriptions, JSON Schemas of inputs and declared signals), so that
   * processes without their code can start them from events and check signals.
   */
  start(): Promise<void>;
  /** Stops executing: in-flight steps get `stopTimeout` to finish; every run stays resumable. */
  stop(): Promise<void>;
  /** Starts a run; with an existing `id` returns that run (same input) or throws `RUN_CONFLICT`. */
  startRun<I, O>(workflow: Workflow<I, O> | string, input: I, options?: StartOptions): Promise<RunHandle<O>>;
  /** The workflows this engine has code for, by name. */
  listWorkflows(): WorkflowInfo[];
  /** A handle on an existing run. */
  handle<O = unknown>(runId: string): RunHandle<O>;
  /** A run with its steps, attempts, children and pending signals. @throws `RUN_NOT_FOUND`; `UNREADABLE_RUN` when its stored rows are not JSON. */
  getRun(runId: string): Promise<Run>;
  /** Runs, newest first, filtered and paged. */
  listRuns(filter?: RunFilter): Promise<RunPage>;
  /** How many runs there are of each workflow version in each status. */
  countRuns(): Promise<RunCount[]>;
  /**
   * Open signal waits of the runs that have not ended, the longest waiting first, filtered and paged (see `listSignalWaits`).
   * @example
   * const { waits } = await engine.listSignalWaits({ name: "approve" });
   * @throws BatonError `INVALID_LIMIT`, `INVALID_CURSOR`.
   */
  listSignalWaits(filter?: SignalWaitFilter): Promise<SignalWaitPage>;
  /** The ordered history of a run. @throws `RUN_NOT_FOUND`. */
  getHistory(runId: string): Promise<HistoryEvent[]>;
  /**
   * Sends a signal; durable once this resolves. A payload that fails the
   * schema the run's workflow declares for `name` (`signals`) is refused
   * when this process can check it (see `WorkflowOptions.signals`).
   * @throws `RUN_NOT_FOUND`, `RUN_FINISHED`, `INVALID_INPUT` (a `ValidationError` naming the failing fields).
   */
  signal(runId: string, name: string, payload?: unknown): Promise<void>;
  /**
   * Sends an event (to no run in particular): it reaches the runs already waiting for it whose
   * `match` the payload meets, and starts the workflows subscribed to `name` (see `sendEvent`).
   * @example
   * const receipt = await engine.sendEvent("payment.settled", { orderId: "o-1" }, { id: "pay-9f2c" });
   * @throws BatonError `INVALID_NAME`, `INVALID_EVENT_ID`, `NOT_SERIALIZABLE`.
   */
  sendEvent(name: string, payload?: unknown, options?: SendEventOptions): Promise<EventReceipt>;
  /** Cancels a run at its next durable point (compensations run). @throws `RUN_NOT_FOUND`, `RUN_FINISHED`. */
  cancel(runId: string): Promise<void>;
  /** Resumes a failed run from the step that failed. @throws `RUN_NOT_FOUND`, `RUN_NOT_FAILED`. */
  resume(runId: string): Promise<RunHandle>;
  /** Starts a new run that reuses the recorded results of `runId` before position `fromStep` (or the step of that name). */
  fork(runId: string, options: { fromStep: number | string; id?: string }): Promise<RunHandle>;
}

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
  const store = openStore(options.store, { migrate: options.migrate, log: (m, e) => logger.warn(m, e) });
  const clock = options.clock ?? store.clock ?? systemClock;
  const workflows = new Map<string, Workflow>();
  for (const workflow of options.workflows ?? []) {
    if (workflows.has(workflow.name)) {
      throw new BatonError("DUPLICATE_WORKFLOW", `workflow "${workflow.name}" is registered twice`);
    }
    workflows.set(workflow.name, workflow as Workflow);
  }
  const pollIntervalMs = toMilliseconds(options.pollInterval ?? "500ms");
  const stopTimeoutMs = toMilliseconds(options.stopTimeout ?? "10s");
  const endWaiters = new Map<string, Set<(end?: RunEnd) => void>>();

  const workerId = options.workerId ?? `${hostname()}:${process.pid}:${uuidv7().slice(-12)}`;
  const worker = new Worker({
    store,
    clock,
    workflows,
    owner: workerId,
    leaseMs: toMilliseconds(options.lease ?? "15s"),
    pollIntervalMs,
    maxRunsInMemory: options.maxRunsInMemory ?? 10_000,
    log: (message, error) => logger.warn(message, error),
    onDetached(runId, end) {
      if (!end) return;
      for (const wake of endWaiters.get(runId) ?? []) wake(end);
    },
  });
  let started = false;
  let untrack = () => {};
  const sendCheckedSignal = createSignalSender(store, clock, createSignalChecker(store, workflows));

  const requireRun = async (runId: string): Promise<RunRecord> => {
    const run = await store.getRun(runId);
    if (!run) throw runNotFound(runId);
    return run;
  };

  /** Resolves when this process's worker ends the run (with how), or after a poll interval (undefined). */
  const nextEnd = (runId: string) => {
    const waiters = endWaiters.get(runId) ?? new Set();
    endWaiters.set(runId, waiters);
    let wake!: (end?: RunEnd) => void;
    const ended = new Promise<RunEnd | undefined>((resolve) => {
      wake = (end) => {
        clearTimeout(timer);
        waiters.delete(wake);
        if (waiters.size === 0) endWaiters.delete(runId);
        resolve(end);
      };
    });
    const timer = setTimeout(wake, pollIntervalMs);
    waiters.add(wake);
    return { ended, cancel: () => wake() };
  };

  const waitForEnd = async (runId: string): Promise<Pick<RunRecord, "status" | "output" | "error">> => {
    for (;;) {
      const next = nextEnd(runId);
      // A run this process executes has not ended: its end comes from the worker, with no read.
      if (!worker.executes(runId)) {
        const run = await requireRun(runId);
        if (isTerminal(run.status)) {
          next.cancel();
          return run;
        }
      }
      const end = await next.ended;
      if (end) return end;
    }
  };

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

  const resolveWorkflow = (workflow: Workflow | string): Workflow => {
    if (typeof workflow !== "string") return workflow;
    const found = workflows.get(workflow);
    if (!found) {
      const known = [...workflows.keys()].join(", ") || "none";
      throw new BatonError("UNKNOWN_WORKFLOW", `unknown workflow "${workflow}" (registered: ${known})`);
    }
    return found;
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
        if (workflows.size > 0) await store.registerWorkflows([...workflows.values()].map(toRegistration), clock.now());
      } catch (error) {
        started = false;
        throw error;
      }
      untrack = trackOpen("engine", workerId);
      worker.start();
    },

    async stop() {
      if (!started) return;
      started = false;
      await worker.stop(stopTimeoutMs);
      untrack();
    },

    async startRun<I, O>(target: Workflow<I, O> | string, input: I, startOptions: StartOptions = {}) {
      const workflow = resolveWorkflow(target as Workflow | string);
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
      const newRun: NewRun = {
        id,
        workflow: workflow.name,
        version: workflow.version,
        input: value,
        timeoutMs,
        history: [{ type: "run.started", at: now, input: value }],
      };
      // This process's worker executes the run at once when it can (no claim,
      // no wake-up), and the run's creation carries its first step's start.
      const lease = worker.offer(id, workflow.name, workflow.version);
      if (lease) newRun.lease = { owner: lease.owner, expiresAt: lease.expiresAt };
      const { run, created } = lease ? await worker.startHere(newRun, now, lease) : await store.createRun(newRun, now);
      if (!created && (run.workflow !== workflow.name || !isDeepStrictEqual(run.input, value))) {
        throw new BatonError(
          "RUN_CONFLICT",
          `run "${id}" already exists with a different ${run.workflow !== workflow.name ? `workflow ("${run.workflow}")` : "input"}`,
        );
      }
      if (created && !lease) worker.poke();
      return handle<O>(id, created);
    },

    listWorkflows() {
      return [...workflows.values()]
        .map((w) => ({ name: w.name, version: w.version, validatesInput: w.options.input !== undefined }))
        .sort((a, b) => a.name.localeCompare(b.name));
    },

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
      worker.pokeRun(runId);
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
      worker.poke();
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
      worker.poke();
      return handle(newId, true);
    },

    async [Symbol.asyncDispose]() {
      await engine.stop();
      await store.close();
    },
  };
  noteEngineWorker(engine, worker);
  return engine;
}

const callEvents = /^(step|timer|signal|event|child)\./;

function forkPosition(runId: string, history: RecordedEvent[], fromStep: number | string): number {
  if (typeof fromStep === "number") {
    if (Number.isInteger(fromStep) && fromStep >= 0 && history.some((e) => e.position === fromStep)) return fromStep;
    throw new BatonError("INVALID_STEP", `run "${runId}" has no step at position ${fromStep}`);
  }
  const found = history.find((e) => e.type === "step.started" && e.name === fromStep);
  if (found?.position === undefined)
    throw new BatonError("INVALID_STEP", `run "${runId}" has no step named "${fromStep}"`);
  return found.position;
}

/** The events of calls before `position`, and handler signals received before the first event at or after it. */
function copyBefore(history: RecordedEvent[], position: number): Omit<RecordedEvent, "seq">[] {
  const firstAfter =
    history.find((e) => e.position !== undefined && e.position >= position)?.seq ?? Number.POSITIVE_INFINITY;
  return history
    .filter((e) =>
      e.position === undefined
        ? e.type === "signal.received" && e.seq < firstAfter
        : e.position < position && callEvents.test(e.type),
    )
    .map(({ seq: _seq, ...event }) => event);
}
