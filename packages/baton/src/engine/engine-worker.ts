/**
 * The worker of each engine, for the test kit (`baton/testing`), which asks
 * it whether the engine is doing anything. Not part of the public API.
 */
import type { Worker } from "../worker/worker.js";
import type { Engine } from "./engine.js";

const workers = new WeakMap<Engine, Worker>();

/** Notes the worker `engine` executes runs with. */
export function noteEngineWorker(engine: Engine, worker: Worker): void {
  workers.set(engine, worker);
}

/** The worker of an engine made by `createEngine`. */
export function engineWorker(engine: Engine): Worker | undefined {
  return workers.get(engine);
}
