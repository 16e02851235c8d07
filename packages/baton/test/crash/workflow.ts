/**
 * The workflow of the crash test and the values it must produce.
 *
 * Each run computes a chain of numbers from its input `n`. Every step mixes
 * its predecessors in a fixed, order-sensitive way, so a result delivered to
 * the wrong position, a lost step or a misdelivered signal changes the final
 * output. The expected values are computed here without the engine.
 */
import { defineWorkflow, type Workflow } from "baton";
import {
  generationStep,
  mix,
  openingValues,
  runOpeningSteps,
  type StepEnvironment,
  type StepResult,
} from "../process-harness.js";

export type { StepResult };

/** Name of the workflow. */
export const workflowName = "crash-chain";

/** Name of the signal each run waits for. */
export const signalName = "approve";

/** Names of the steps, in the order of their positions (with the positions of the sleep and the signal wait). */
export const callsByPosition = [
  "load",
  "left",
  "middle",
  "right",
  "join",
  "sleep",
  "prepare",
  "approve",
  "apply",
  "fan-a",
  "fan-b",
  "fan-c",
  "summarize",
] as const;

/** Positions of the sleep and the signal wait; every other position is a step. */
export const sleepPosition = 5;
export const signalPosition = 7;

/** Names of the steps only. */
export const stepNames: readonly string[] = callsByPosition.filter(
  (_, position) => position !== sleepPosition && position !== signalPosition,
);

/** Input of a run. */
export interface ChainInput {
  n: number;
}

/** Payload of the signal a run waits for. */
export interface Approval {
  code: number;
}

/** Output of a run. */
export interface ChainOutput {
  n: number;
  approval: number;
  total: number;
}

/** Id of run number `n`. */
export function runIdOf(n: number): string {
  return `chain-${String(n).padStart(3, "0")}`;
}

/** Number of a run from its id. */
export function runNumberOf(runId: string): number {
  return Number(runId.slice("chain-".length));
}

/** Length of the sleep of run `n`: 200 to 800 ms. */
export function sleepMsOf(n: number): number {
  return 200 + ((n * 97) % 601);
}

/** The signal payload run `n` must receive. */
export function approvalOf(n: number): Approval {
  return { code: (n * 7919) % 10_007 };
}

/** The value of every step of run `n`, computed in plain sequence. */
export function expectedStepValues(n: number): Record<string, number> {
  const opening = openingValues(n);
  const prepare = mix(opening.join, 6);
  const apply = mix(prepare, approvalOf(n).code);
  const fanA = mix(apply, 9);
  const fanB = mix(apply, 10);
  const fanC = mix(apply, 11);
  const summarize = mix(mix(mix(fanA, fanB), fanC), 12);
  return {
    ...opening,
    prepare,
    apply,
    "fan-a": fanA,
    "fan-b": fanB,
    "fan-c": fanC,
    summarize,
  };
}

/** The output run `n` must end with. */
export function expectedOutput(n: number): ChainOutput {
  return { n, approval: approvalOf(n).code, total: expectedStepValues(n).summarize as number };
}

/**
 * The workflow: 11 steps (two groups of parallel branches), a sleep of 200 to
 * 800 ms and a signal wait. Step bodies write the ledger, then work for a
 * while, then return their value with the generation that computed it.
 */
export function createChainWorkflow(env: StepEnvironment): Workflow<ChainInput, ChainOutput> {
  return defineWorkflow(workflowName, async (ctx, input: ChainInput) => {
    const step = generationStep(ctx, env);
    const join = await runOpeningSteps(step, input.n, (result) => result.value);
    await ctx.sleep(sleepMsOf(input.n));
    const prepare = await step("prepare", () => mix(join, 6));
    const approval = await ctx.waitForSignal<Approval>(signalName);
    const code = approval?.code ?? -1;
    const apply = await step("apply", () => mix(prepare.value, code));
    const [fanA, fanB, fanC] = await Promise.all([
      step("fan-a", () => mix(apply.value, 9)),
      step("fan-b", () => mix(apply.value, 10)),
      step("fan-c", () => mix(apply.value, 11)),
    ]);
    const summarize = await step("summarize", () => mix(mix(mix(fanA.value, fanB.value), fanC.value), 12));
    return { n: input.n, approval: code, total: summarize.value };
  });
}
