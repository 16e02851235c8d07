import { type Duration, toMilliseconds } from "../duration.js";
import { createEngine, type Engine, type EngineOptions, type RunHandle } from "../engine/engine.js";
import { engineFiring, engineWorker } from "../engine/engine-worker.js";
import { BatonError } from "../errors.js";
import type { Workflow } from "../workflow.js";
import { SkippingClock } from "./skipping-clock.js";
import { type StepMock, StepMocks } from "./step-mocks.js";
import { TimeSkipper } from "./time-skipper.js";

/**
 * Options of `createTestEngine`: those of `createEngine` (but its clock), and these.
 *
 * @example
 * const options: TestEngineOptions = { workflows: [order], autoSkip: "always", startTime: Date.UTC(2030, 0, 1) };
 */
export interface TestEngineOptions extends Omit<EngineOptions, "clock" | "workflows"> {
  // biome-ignore lint/suspicious/noExplicitAny: workflows of any input and output
  workflows: Workflow<any, any>[];
  /** Store of the engine. Default `"sqlite::memory:"` (a new, empty store, gone once disposed). */
  store?: EngineOptions["store"];
  /**
   * Step bodies to replace, keyed `"<workflow>/<step>"` (see `TestEngine.mockStep`).
   * Default: none.
   */
  steps?: Record<string, StepMock>;
  /** The engine's time at creation. Default: the real time now. */
  startTime?: Date | number;
  /**
   * When time skips by itself to the next timer, once every run is blocked
   * (no step body running, no write, claim or call of the test to the engine
   * under way): `"result"` while the test awaits `result()` of a run (as
   * Temporal's time-skipping environment does: a signal the test sends
   * between its calls is not overtaken by a timeout), `"always"` whenever
   * runs are blocked, `false` never (only `skip` moves it). Default `"result"`.
   */
  autoSkip?: "result" | "always" | false;
  /** Start executing runs at once. Default true. */
  start?: boolean;
}

/**
 * An engine for tests: a time-skipping clock and step mocks.
 *
 * @example
 * await using engine: TestEngine = await createTestEngine({ workflows: [order] });
 * await engine.skip("1h");
 * console.log(engine.now());
 */
export interface TestEngine extends Engine {
  /** The engine's time now. */
  now(): Date;
  /**
   * Moves the engine's time forward by `duration`, firing the timers due on
   * the way in order, each at its due time; resolves once the work they
   * started settled (a step body still running after that goes on).
   * @throws BatonError `INVALID_DURATION` naming a bad duration.
   */
  skip(duration: Duration): Promise<void>;
  /**
   * Replaces the body of step `step` of `workflow` from its next call on
   * (every run of that workflow); the step is recorded as usual. Returns a
   * function that puts the real body back.
   * @throws BatonError `INVALID_STEP_MOCK` naming a workflow the engine does not have.
   */
  // biome-ignore lint/suspicious/noExplicitAny: a workflow of any input and output
  mockStep(workflow: Workflow<any, any> | string, step: string, mock: StepMock): () => void;
}

/**
 * Creates an engine for tests, started: an in-memory store and a clock that
 * skips ahead to the next timer while every run is blocked, so a workflow
 * that sleeps 30 days completes in milliseconds. Time does not skip while a
 * step body runs: it goes by as real time does, and otherwise stands still.
 * Dispose it (`await using`) at the end of the test.
 *
 * @example
 * await using engine = await createTestEngine({
 *   workflows: [order],
 *   steps: { "order/charge": () => ({ chargeId: "c-1" }) },
 * });
 * const run = await engine.startRun(order, { id: "o-1", amount: 10 });
 * await engine.signal(run.id, "approve", true);
 * const output = await run.result(); // its timers pass at once
 * assert.equal(output.charge.chargeId, "c-1");
 * await assertHistory(engine, run.id, ["run.started", "step.started", "step.completed"], { partial: true });
 */
export async function createTestEngine(options: TestEngineOptions): Promise<TestEngine> {
  const { steps, startTime, autoSkip = "result", start = true, ...engineOptions } = options;
  const workflows = options.workflows ?? [];
  const known = new Set(workflows.map((workflow) => workflow.name));
  const mocks = new StepMocks(known);
  mocks.setAll(steps ?? {});
  let wakeSkipper = () => {};
  const start0 = startTime === undefined ? Date.now() : typeof startTime === "number" ? startTime : startTime.getTime();
  if (!Number.isFinite(start0)) throw new BatonError("INVALID_TIME", `invalid startTime ${String(startTime)}`);
  const clock = new SkippingClock(start0, () => wakeSkipper());
  const base = createEngine({
    ...engineOptions,
    store: engineOptions.store ?? "sqlite::memory:",
    clock,
    workflows: workflows.map((workflow) => mocks.wrap(workflow)),
  });
  const worker = engineWorker(base);
  const firing = engineFiring(base);
  const leaseMs = toMilliseconds(engineOptions.lease ?? "15s");
  let started = false;
  /** Calls of the test to the engine under way. */
  let calls = 0;
  /** `result()` calls awaited. */
  let awaited = 0;

  const skipper = new TimeSkipper(clock, {
    idle: () => started && calls === 0 && (worker?.idle ?? false) && (firing?.idle ?? true),
    bodyRunning: () => worker?.bodyRunning ?? false,
    storeWork: () =>
      started && (!(firing?.idle ?? true) || (!(worker?.idle ?? true) && !(worker?.bodyRunning ?? false))),
    allowed: () => autoSkip === "always" || (autoSkip === "result" && awaited > 0),
    beforeJump: async (to) => {
      // Leases are times on this clock: extended past the jump, they hold across it.
      if (started) await base.store.renewLeases(base.workerId, to, leaseMs);
    },
  });

  wakeSkipper = () => skipper.wake();

  const call = async <T>(work: () => Promise<T>): Promise<T> => {
    calls++;
    skipper.wake(); // busy from now
    try {
      return await work();
    } finally {
      calls--;
      skipper.wake();
    }
  };
  const track = <O>(handle: RunHandle<O>): RunHandle<O> => ({
    id: handle.id,
    created: handle.created,
    get: () => handle.get(),
    async result() {
      awaited++;
      skipper.wake();
      try {
        return await handle.result();
      } finally {
        awaited--;
      }
    },
  });

  const engine: TestEngine = {
    ...base,
    start: () =>
      call(async () => {
        await base.start();
        started = true;
        // Its first claim (of the runs started before) is under way once its first poll fired.
        await new Promise((resolve) => setTimeout(resolve, 0));
      }),
    async stop() {
      started = false;
      await base.stop();
    },
    startRun: (workflow, input, startOptions) =>
      call(async () => track(await base.startRun(workflow, input, startOptions))),
    handle: (runId) => track(base.handle(runId)),
    signal: (runId, name, payload) => call(() => base.signal(runId, name, payload)),
    sendEvent: (name, payload, sendOptions) => call(() => base.sendEvent(name, payload, sendOptions)),
    cancel: (runId) => call(() => base.cancel(runId)),
    resume: (runId) => call(async () => track(await base.resume(runId))),
    fork: (runId, forkOptions) => call(async () => track(await base.fork(runId, forkOptions))),
    now: () => new Date(clock.now()),
    skip: async (duration) => skipper.skip(toMilliseconds(duration)),
    mockStep: (workflow, step, mock) => mocks.set(typeof workflow === "string" ? workflow : workflow.name, step, mock),
    async [Symbol.asyncDispose]() {
      skipper.stop();
      started = false;
      await base[Symbol.asyncDispose]();
    },
  };
  if (start) await engine.start();
  return engine;
}
