/**
 * Workflows the bench runs. Worker processes (`bench/worker.ts`) register all
 * of them; a scenario starts runs of the ones it measures.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { isDeepStrictEqual } from "node:util";
import { defineWorkflow, type WorkflowContext } from "baton";

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

/** What each step of `clockedSteps` returns: `at` is when its body ran (high-resolution epoch ms). */
export interface ClockedValue extends StepValue {
  at: number;
}

/**
 * Like `steps`, but each step also returns the time its body ran; the output
 * lists those times in step order. Only meaningful in one process (the bench's clock).
 */
export const clockedSteps = defineWorkflow("bench-clocked-steps", async (ctx, input: { steps: number }) => {
  const at: number[] = [];
  for (let i = 0; i < input.steps; i++) {
    const value = await ctx.step(
      `step-${i}`,
      (): ClockedValue => ({ i, ok: true, at: performance.timeOrigin + performance.now() }),
    );
    at.push(value.at);
  }
  return { steps: at.length, at };
});

/** `input.width` steps at once (`Promise.all`); the output counts them and sums their `i`. */
export const fanOut = defineWorkflow("bench-fan-out", async (ctx, input: { width: number }) => {
  const values = await Promise.all(
    Array.from({ length: input.width }, (_, i) => ctx.step(`step-${i}`, (): StepValue => ({ i, ok: true }))),
  );
  return { steps: values.length, sum: values.reduce((sum, value) => sum + value.i, 0) };
});

/** `input.children` children of `steps` (each `input.steps` steps) at once; the output counts those that returned their last step. */
export const parent = defineWorkflow("bench-parent", async (ctx, input: { children: number; steps: number }) => {
  const outputs = await Promise.all(
    Array.from({ length: input.children }, () => ctx.child(steps, { steps: input.steps })),
  );
  return { children: outputs.length, ok: outputs.filter((out) => out?.i === input.steps - 1 && out.ok).length };
});

/** Waits for signal `go` (payload `{ n }`), then one step returning `{ n, ok: true }`. */
export const waitForGo = defineWorkflow("bench-wait-for-go", async (ctx, _input: { n: number }) => {
  const payload = await ctx.waitForSignal<{ n: number }>("go");
  return ctx.step("after", () => ({ n: payload?.n, ok: true }));
});

/** Asks a person (a human task with a form), then one step returning `{ n, ok: true }`. */
export const askPerson = defineWorkflow("bench-ask-person", async (ctx, input: { n: number }) => {
  const answer = await ctx.humanTask<{ ok: boolean }>("approve", {
    title: `Approve ${input.n}?`,
    form: { type: "object", properties: { ok: { type: "boolean" } }, required: ["ok"] },
    role: "bench",
  });
  return ctx.step("after", () => ({ n: input.n, ok: answer?.data?.ok === true }));
});

/** Sleeps `input.ms` (a durable timer), then one step returning `{ n, ok: true }`. */
export const sleeper = defineWorkflow("bench-sleeper", async (ctx, input: { n: number; ms: number }) => {
  await ctx.sleep(input.ms);
  return ctx.step("after", () => ({ n: input.n, ok: true }));
});

/** `input.steps` steps in sequence, each sleeping `input.sleepMs` in its body (in flight meanwhile); the output is the last one. */
export const slowSteps = defineWorkflow("bench-slow-steps", async (ctx, input: { steps: number; sleepMs: number }) => {
  let last: StepValue | undefined;
  for (let i = 0; i < input.steps; i++) {
    last = await ctx.step(`step-${i}`, async ({ signal }): Promise<StepValue> => {
      await sleep(input.sleepMs, undefined, { signal });
      return { i, ok: true };
    });
  }
  return last;
});

/** No durable call: returns `{ n, ok: true }` at once (a run that only starts and completes). */
export const noop = defineWorkflow("bench-noop", async (_ctx, input: { n: number }) => ({ n: input.n, ok: true }));

/** A no-op durable call of `callsOf` and `oneCall`: a task (completed by a task worker) or a step. */
export interface NoopCall {
  kind: "task" | "step";
  /** Task queue of a task. */
  queue: string;
}

/**
 * Call `i` of a run: `ctx.task("noop", value, { queue })`, which a bench task
 * worker completes with its input as output, or a step returning `value`.
 * @throws when the output is not `value`.
 */
async function noopCall(ctx: WorkflowContext, call: NoopCall, i: number, value: unknown): Promise<void> {
  const output =
    call.kind === "task"
      ? await ctx.task("noop", value, { queue: call.queue })
      : await ctx.step(`step-${i}`, () => value);
  if (!isDeepStrictEqual(output, value)) {
    throw new Error(`call ${i} returned ${JSON.stringify(output)}, expected ${JSON.stringify(value)}`);
  }
}

/**
 * `input.calls` no-op calls in sequence (`noopCall`, value `{ i }`); the
 * output lists the workflow's clock (high-resolution epoch ms) before the
 * first call and after each one returned: the time between two is one call
 * from the workflow's point of view. Only meaningful in one process, for a
 * run that stays in memory (the workflow code runs once).
 */
export const clockedCalls = defineWorkflow("bench-clocked-calls", async (ctx, input: NoopCall & { calls: number }) => {
  const at = [performance.timeOrigin + performance.now()];
  for (let i = 0; i < input.calls; i++) {
    await noopCall(ctx, input, i, { i });
    at.push(performance.timeOrigin + performance.now());
  }
  return { calls: input.calls, at };
});

/** One no-op call (`noopCall`, value `{ n }`); the output is `{ n, ok: true }`. */
export const oneCall = defineWorkflow("bench-one-call", async (ctx, input: NoopCall & { n: number }) => {
  await noopCall(ctx, input, 0, { n: input.n });
  return { n: input.n, ok: true };
});

/** Every bench workflow. */
export const benchWorkflows = [
  steps,
  clockedSteps,
  fanOut,
  parent,
  waitForGo,
  askPerson,
  sleeper,
  slowSteps,
  noop,
  clockedCalls,
  oneCall,
];
