import { AsyncLocalStorage } from "node:async_hooks";
import type { StepContext } from "../workflow.js";

/**
 * The step (or compensation) whose function is executing in the current
 * async context; `ctx.stepKey()` reads it.
 */
export const stepScope = new AsyncLocalStorage<StepContext>();
