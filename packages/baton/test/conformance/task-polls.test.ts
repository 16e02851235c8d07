/**
 * Task polls: a poll leases the oldest ready tasks across its task queues,
 * each once, and a completed task hands its output to its run.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { defineWorkflow } from "baton";
import { startEngine, statusOf } from "../helpers.js";

const handOut = defineWorkflow("hand-out", async (ctx, input: { queue: string; n: number }) =>
  ctx.task<{ n: number }>("work", { n: input.n }, { queue: input.queue }),
);

test("a poll leases the oldest ready tasks across its task queues, each once, whatever order it names them in", async () => {
  await using engine = await startEngine([handOut]);
  const queues = ["a", "b", "c", "b", "a", "c"];
  for (const [n, queue] of queues.entries()) {
    await engine.startRun(handOut, { queue, n }, { id: `r-${n}` });
    await statusOf(engine, `r-${n}`, "waiting");
    await sleep(3); // a later creation time for the next task
  }
  const first = await engine.tasks.poll({ workerId: "w", queues: ["b", "a", "b"], max: 3 });
  assert.deepEqual(
    first.map((task) => task.runId),
    ["r-0", "r-1", "r-3"],
  );
  const second = await engine.tasks.poll({ workerId: "w", queues: ["a", "b"], max: 3 });
  assert.deepEqual(
    second.map((task) => task.runId),
    ["r-4"],
  );
  const third = await engine.tasks.poll({ workerId: "w", queues: ["c"], max: 1 });
  assert.deepEqual(
    third.map((task) => task.runId),
    ["r-2"],
  );
  await engine.tasks.complete(third[0]?.token as string, { n: 2, done: true });
  await statusOf(engine, "r-2", "completed");
  assert.deepEqual((await engine.getRun("r-2"))?.output, { n: 2, done: true });
});
