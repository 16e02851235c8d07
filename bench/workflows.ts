/**
 * Workflows the bench runs. Worker processes (`bench/worker.ts`) register all
 * of them; a scenario starts runs of the ones it measures.
 */
import { defineWorkflow } from "baton";

/** What each step of `steps` returns. */
export interface StepValue {
  i: number;
  ok: true;
}

/** `input.steps` steps in sequence, each returning a small object; the output is the last one. */
export const steps = defineWorkflow("bench-steps", async (ctx, input: { steps: number }) => {
  let last: StepValue | undefined;
  for (let i = 0; i < input.steps; i++) last = await ctx.step(`step-${i}`, (): StepValue => ({ i, ok: true }));
  return last;
});

/** Every bench workflow. */
export const benchWorkflows = [steps];
