import { BatonError } from "../errors.js";
import type { StepContext } from "../workflow.js";

/** What a task handler of this engine receives besides its input: its step's key, attempt and abort signal. */
export type TaskHandlerContext = StepContext;

/** A task handler declarative `task` nodes call by name (`defineTask`). */
export interface TaskDefinition<I = unknown, O = unknown> {
  readonly name: string;
  readonly fn: (input: I, task: TaskHandlerContext) => Promise<O> | O;
}

/** Marks the objects `defineTask` returns (a registry symbol: it holds across copies of the library). */
const taskBrand = Symbol.for("baton.task");

/** True for a value returned by `defineTask` (a module's exports may be scanned with it). */
export function isTaskDefinition(value: unknown): value is TaskDefinition {
  return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[taskBrand] === true;
}

/**
 * Defines a task handler that declarative workflows call by name, run as a
 * step of the run (retried per the node's policy, recorded once done). Give
 * it to `createEngine({ tasks: [...] })`.
 *
 * @example
 * export const extractRows = defineTask("extract-rows", async (input: { date: string }, task) =>
 *   warehouse.extract(input.date, { idempotencyKey: task.key }),
 * );
 * @throws BatonError `INVALID_TASK` for a name of 0 or more than 200 characters, or a missing function.
 */
export function defineTask<I, O>(
  name: string,
  fn: (input: I, task: TaskHandlerContext) => Promise<O> | O,
): TaskDefinition<I, O> {
  if (typeof name !== "string" || name.length === 0 || name.length > 200) {
    throw new BatonError("INVALID_TASK", `invalid task name ${JSON.stringify(name)}: expected 1 to 200 characters`);
  }
  if (typeof fn !== "function") throw new BatonError("INVALID_TASK", `task "${name}" has no handler function`);
  return Object.freeze({ name, fn, [taskBrand]: true });
}
