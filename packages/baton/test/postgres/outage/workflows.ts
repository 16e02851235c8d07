/**
 * The workflows of the outage test, the values they must produce, and the
 * ledger their step bodies write.
 *
 * Every step mixes its predecessors in a fixed, order-sensitive way, so a
 * result delivered to the wrong position, a lost step or a wrong signal
 * payload changes the output. Expected values are computed here without the
 * engine.
 */
import { defineWorkflow, type Workflow, type WorkflowContext } from "baton";
import { mix, openingValues, recordedStep, runOpeningSteps } from "../../process-harness.js";

/** One execution of a step body. */
export interface Execution {
  runId: string;
  position: number;
  attempt: number;
  /** Name of the engine that ran it. */
  engine: string;
}

/** What a kind of run looks like: its workflow, ids, positions and expected values. */
export interface RunKind {
  workflow: Workflow<{ n: number }, unknown>;
  idOf(n: number): string;
  /** Positions of the steps. */
  stepPositions: number[];
  /** Position of the sleep, if any. */
  sleepPosition?: number;
  /** Position of the signal wait, if any. */
  signalPosition?: number;
  /** Payload of the signal run `n` must receive, if it waits for one. */
  payload?(n: number): unknown;
  /** Value each step of run `n` returns, by position. */
  stepValues(n: number): Map<number, number>;
  output(n: number): unknown;
}

/** Name of the signal the signal runs wait for. */
export const signalName = "go";

/** Payload of the signal run `n` must receive. */
export function payloadOf(n: number): { code: number } {
  return { code: (n * 7919) % 10_007 };
}

/** Length of the sleep of run `n`: 800 to 1599 ms. */
export function sleepMsOf(n: number): number {
  return 800 + ((n * 53) % 800);
}

/** A step runner writing the ledger, then working 2 to 6 ms. */
function stepper(engine: string, ledger: Execution[]) {
  return (ctx: WorkflowContext) =>
    recordedStep(
      ctx,
      ({ runId, position, attempt }) => ledger.push({ runId, position, attempt, engine }),
      () => 2 + Math.floor(Math.random() * 5),
      (value) => value,
    );
}

/** Values of the chain's ten steps, by position. */
function chainValues(n: number): Map<number, number> {
  const { load, left, middle, right, join } = openingValues(n);
  const prepare = mix(join, 6);
  const fanA = mix(prepare, 7);
  const fanB = mix(prepare, 8);
  const fold = mix(mix(fanA, fanB), 9);
  const summarize = mix(fold, 10);
  return new Map([load, left, middle, right, join, prepare, fanA, fanB, fold, summarize].map((v, i) => [i, v]));
}

/** Values of the two steps around a sleep or a signal wait (positions 0 and 2). */
function pairValues(n: number, code: number): Map<number, number> {
  const before = mix(n, 21);
  return new Map([
    [0, before],
    [2, mix(before, code)],
  ]);
}

/**
 * The three kinds of runs, with step bodies that write `ledger` as `engine`:
 * a chain of ten steps (two groups run in parallel), two steps around a sleep
 * of about a second, and two steps around a signal wait.
 */
export function createRunKinds(
  engine: string,
  ledger: Execution[],
): { chain: RunKind; sleep: RunKind; signal: RunKind } {
  const steps = stepper(engine, ledger);
  const chain = defineWorkflow("outage-chain", async (ctx, input: { n: number }) => {
    const step = steps(ctx);
    const join = await runOpeningSteps(step, input.n, (value) => value);
    const prepare = await step("prepare", () => mix(join, 6));
    const [fanA, fanB] = await Promise.all([
      step("fan-a", () => mix(prepare, 7)),
      step("fan-b", () => mix(prepare, 8)),
    ]);
    const fold = await step("fold", () => mix(mix(fanA, fanB), 9));
    const total = await step("summarize", () => mix(fold, 10));
    return { n: input.n, total };
  });
  const sleep = defineWorkflow("outage-sleep", async (ctx, input: { n: number }) => {
    const step = steps(ctx);
    const before = await step("before", () => mix(input.n, 21));
    await ctx.sleep(sleepMsOf(input.n));
    const total = await step("after", () => mix(before, 0));
    return { n: input.n, total };
  });
  const signal = defineWorkflow("outage-signal", async (ctx, input: { n: number }) => {
    const step = steps(ctx);
    const before = await step("before", () => mix(input.n, 21));
    const payload = await ctx.waitForSignal<{ code: number }>(signalName);
    const code = payload?.code ?? -1;
    const total = await step("after", () => mix(before, code));
    return { n: input.n, code, total };
  });
  return {
    chain: {
      workflow: chain as Workflow<{ n: number }, unknown>,
      idOf: (n) => `chain-${String(n).padStart(3, "0")}`,
      stepPositions: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
      stepValues: chainValues,
      output: (n) => ({ n, total: chainValues(n).get(9) }),
    },
    sleep: {
      workflow: sleep as Workflow<{ n: number }, unknown>,
      idOf: (n) => `sleep-${String(n).padStart(3, "0")}`,
      stepPositions: [0, 2],
      sleepPosition: 1,
      stepValues: (n) => pairValues(n, 0),
      output: (n) => ({ n, total: pairValues(n, 0).get(2) }),
    },
    signal: {
      workflow: signal as Workflow<{ n: number }, unknown>,
      idOf: (n) => `signal-${String(n).padStart(3, "0")}`,
      stepPositions: [0, 2],
      signalPosition: 1,
      payload: payloadOf,
      stepValues: (n) => pairValues(n, payloadOf(n).code),
      output: (n) => ({ n, code: payloadOf(n).code, total: pairValues(n, payloadOf(n).code).get(2) }),
    },
  };
}
