/**
 * The workflow of the multi-worker test and the values it must produce.
 *
 * Each run computes numbers from its input `n` in 12 steps, two groups of
 * them parallel branches (`Promise.all`). Every step mixes its predecessors in
 * a fixed, order-sensitive way, so a lost step or a result delivered to the
 * wrong position changes the output. The expected values are computed here
 * without the engine.
 */
import { defineWorkflow, type Workflow } from "baton";
import {
  generationStep,
  mix,
  openingValues,
  runOpeningSteps,
  type StepEnvironment,
  type StepResult,
} from "../../process-harness.js";

export type { StepResult };

/** Name of the workflow. */
export const workflowName = "multi-worker-chain";

/** Names of the steps, in the order of their positions. */
export const stepNames = [
  "load",
  "left",
  "middle",
  "right",
  "join",
  "fan-a",
  "fan-b",
  "fan-c",
  "fan-d",
  "gather",
  "check",
  "summarize",
] as const;

/** Input of a run. */
export interface ChainInput {
  n: number;
}

/** Output of a run. */
export interface ChainOutput {
  n: number;
  total: number;
}

/** Id of run number `n`. */
export function runIdOf(n: number): string {
  return `mw-${String(n).padStart(4, "0")}`;
}

/** The value of every step of run `n`, computed in plain sequence. */
export function expectedStepValues(n: number): Record<string, number> {
  const opening = openingValues(n);
  const { join } = opening;
  const fanA = mix(join, 6);
  const fanB = mix(join, 7);
  const fanC = mix(join, 8);
  const fanD = mix(join, 9);
  const gather = mix(mix(mix(mix(fanA, fanB), fanC), fanD), 10);
  const check = mix(gather, 11);
  const summarize = mix(mix(check, join), 12);
  return {
    ...opening,
    "fan-a": fanA,
    "fan-b": fanB,
    "fan-c": fanC,
    "fan-d": fanD,
    gather,
    check,
    summarize,
  };
}

/** The output run `n` must end with. */
export function expectedOutput(n: number): ChainOutput {
  return { n, total: expectedStepValues(n).summarize as number };
}

/**
 * The workflow. Step bodies report their start, work for a while, then return
 * their value with the generation that computed it.
 */
export function createChainWorkflow(env: StepEnvironment): Workflow<ChainInput, ChainOutput> {
  return defineWorkflow(workflowName, async (ctx, input: ChainInput) => {
    const step = generationStep(ctx, env);
    const join = await runOpeningSteps(step, input.n, (result) => result.value);
    const [fanA, fanB, fanC, fanD] = await Promise.all([
      step("fan-a", () => mix(join, 6)),
      step("fan-b", () => mix(join, 7)),
      step("fan-c", () => mix(join, 8)),
      step("fan-d", () => mix(join, 9)),
    ]);
    const gather = await step("gather", () => mix(mix(mix(mix(fanA.value, fanB.value), fanC.value), fanD.value), 10));
    const check = await step("check", () => mix(gather.value, 11));
    const summarize = await step("summarize", () => mix(mix(check.value, join), 12));
    return { n: input.n, total: summarize.value };
  });
}
