/**
 * The workflow of the multi-worker test and the values it must produce.
 *
 * Each run computes numbers from its input `n` in 12 steps, two groups of
 * them parallel branches (`Promise.all`). Every step mixes its predecessors in
 * a fixed, order-sensitive way, so a lost step or a result delivered to the
 * wrong position changes the output. The expected values are computed here
 * without the engine.
 */
import { defineWorkflow, type StepContext, type Workflow } from "baton";

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

/** What every step returns: its value and the process generation that computed it. */
export interface StepResult {
  value: number;
  generation: number;
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

/** Order-sensitive mix of two numbers (results stay below 2^31). */
export function mix(a: number, b: number): number {
  return (a * 1_000_003 + b) % 2_147_483_647;
}

/** The value of every step of run `n`, computed in plain sequence. */
export function expectedStepValues(n: number): Record<string, number> {
  const load = mix(n, 1);
  const left = mix(load, 2);
  const middle = mix(load, 3);
  const right = mix(load, 4);
  const join = mix(mix(mix(left, 5), middle), right);
  const fanA = mix(join, 6);
  const fanB = mix(join, 7);
  const fanC = mix(join, 8);
  const fanD = mix(join, 9);
  const gather = mix(mix(mix(mix(fanA, fanB), fanC), fanD), 10);
  const check = mix(gather, 11);
  const summarize = mix(mix(check, join), 12);
  return {
    load,
    left,
    middle,
    right,
    join,
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

/** One start of a step body, as the body reports it. */
export interface BodyStart {
  runId: string;
  /** Position of the step in its run (from the step's idempotency key). */
  position: number;
  name: string;
  /** `step.attempt` as the engine gave it. */
  attempt: number;
}

/** What the step bodies need from their process. */
export interface ChainEnvironment {
  /** Generation of the process running the steps (0 for the first worker process). */
  generation: number;
  /** Called first thing in every step body, before it does anything else. */
  bodyStarted(start: BodyStart): void;
  /** How long a step body works, in ms (called once per body). */
  workMs(): number;
}

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The workflow. Step bodies report their start, work for a while, then return
 * their value with the generation that computed it.
 */
export function createChainWorkflow(env: ChainEnvironment): Workflow<ChainInput, ChainOutput> {
  return defineWorkflow(workflowName, async (ctx, input: ChainInput) => {
    const step = (name: string, compute: () => number) =>
      ctx.step<StepResult>(name, async (info: StepContext) => {
        const position = Number(info.key.slice(info.key.lastIndexOf(":") + 1));
        env.bodyStarted({ runId: ctx.runId, position, name, attempt: info.attempt });
        await pause(env.workMs());
        return { value: compute(), generation: env.generation };
      });

    const load = await step("load", () => mix(input.n, 1));
    const [left, middle, right] = await Promise.all([
      step("left", () => mix(load.value, 2)),
      step("middle", () => mix(load.value, 3)),
      step("right", () => mix(load.value, 4)),
    ]);
    const join = await step("join", () => mix(mix(mix(left.value, 5), middle.value), right.value));
    const [fanA, fanB, fanC, fanD] = await Promise.all([
      step("fan-a", () => mix(join.value, 6)),
      step("fan-b", () => mix(join.value, 7)),
      step("fan-c", () => mix(join.value, 8)),
      step("fan-d", () => mix(join.value, 9)),
    ]);
    const gather = await step("gather", () => mix(mix(mix(mix(fanA.value, fanB.value), fanC.value), fanD.value), 10));
    const check = await step("check", () => mix(gather.value, 11));
    const summarize = await step("summarize", () => mix(mix(check.value, join.value), 12));
    return { n: input.n, total: summarize.value };
  });
}
