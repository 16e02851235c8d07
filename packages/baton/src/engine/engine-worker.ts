/**
 * The worker and the scheduler of each engine, for the test kit
 * (`baton/testing`), which asks them whether the engine is doing anything.
 * Not part of the public API.
 */
import type { ScheduleFiring } from "../worker/schedule-firing.js";
import type { Worker } from "../worker/worker.js";
import type { Engine } from "./engine.js";

const workers = new WeakMap<Engine, Worker>();
const firings = new WeakMap<Engine, ScheduleFiring>();

/** Notes the worker `engine` executes runs with, and the scheduler that fires its schedules. */
export function noteEngineWorker(engine: Engine, worker: Worker, firing?: ScheduleFiring): void {
  workers.set(engine, worker);
  if (firing) firings.set(engine, firing);
}

/** The scheduler of an engine made by `createEngine`. */
export function engineFiring(engine: Engine): ScheduleFiring | undefined {
  return firings.get(engine);
}

/** The worker of an engine made by `createEngine`. */
export function engineWorker(engine: Engine): Worker | undefined {
  return workers.get(engine);
}
