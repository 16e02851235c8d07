import assert from "node:assert/strict";
import { test } from "node:test";
import { defineWorkflow } from "baton";
import { eventually, startEngine } from "../helpers.js";

test("Promise.all over steps runs them concurrently and joins the results", async () => {
  let running = 0;
  let peak = 0;
  let arrived = 0;
  const work = async (value: number) => {
    running++;
    arrived++;
    peak = Math.max(peak, running);
    await eventually(() => arrived === 4); // each body waits for the others to have started too
    running--;
    return value;
  };
  const wf = defineWorkflow("fan-out", async (ctx) => {
    const values = await Promise.all([1, 2, 3, 4].map((n) => ctx.step(`branch-${n}`, () => work(n))));
    return ctx.step("join", () => values.reduce((a, b) => a + b, 0));
  });
  await using engine = await startEngine([wf]);
  const run = await engine.startRun(wf, {});
  assert.equal(await run.result(), 10);
  assert.equal(peak, 4);
});

test("Promise.race over a step and a sleep takes the first", async () => {
  const wf = defineWorkflow("race", async (ctx) =>
    Promise.race([ctx.step("fast", () => "step won"), ctx.sleep("1h").then(() => "sleep won")]),
  );
  await using engine = await startEngine([wf]);
  const run = await engine.startRun(wf, {});
  assert.equal(await run.result(), "step won");
});

test("re-execution of parallel branches gives the same step identities, in completion order", async () => {
  // Branch A runs two steps in sequence, branch B one slow step; the positions
  // of the second A step depend on completion order, which replay must keep.
  const executed: string[] = [];
  const make = (gate?: Promise<void>) =>
    defineWorkflow("branches", async (ctx) => {
      const a = (async () => {
        const first = await ctx.step("a1", async () => {
          executed.push("a1");
          return "a1";
        });
        const second = await ctx.step("a2", () => {
          executed.push("a2");
          return `${first}+a2`;
        });
        return second;
      })();
      const b = ctx.step("b", async () => {
        executed.push("b");
        await eventually(() => executed.includes("a2")); // b ends after the whole of branch A
        return "b";
      });
      const [ra, rb] = await Promise.all([a, b]);
      await ctx.step("after", async () => {
        executed.push("after");
        await gate;
        return 1;
      });
      return `${ra}|${rb}`;
    });
  let open: () => void = () => {};
  const gate = new Promise<void>((resolve) => {
    open = resolve;
  });
  const store = (await import("../helpers.js")).tempStore();
  // Stops without waiting for the step in flight ("after" waits for the gate, opened after the stop).
  const first = await startEngine([make(gate)], { store, stopTimeout: 0 });
  const run = await first.startRun("branches", {});
  const { eventually } = await import("../helpers.js");
  await eventually(() => executed.includes("after"));
  await first.stop(); // "after" is in flight; the run stays resumable
  open();
  const positions = (await first.getRun(run.id)).steps.map((s) => `${s.position}:${s.name}`);
  assert.deepEqual(positions, ["0:a1", "1:b", "2:a2", "3:after"]);
  await first[Symbol.asyncDispose]();

  executed.length = 0;
  await using second = await startEngine([make()], { store });
  assert.equal(await second.handle(run.id).result(), "a1+a2|b");
  assert.deepEqual(executed, ["after"], "only the unfinished step runs again");
});
