/**
 * The database's clock decides when timers are due and leases expire: a
 * worker whose own clock runs an hour ahead still sleeps the full time, and
 * records times in the database's terms.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { createEngine, createPostgresStore, defineWorkflow } from "baton";
import { startEngine, statusOf, tempStore } from "../helpers.js";

const hour = 3_600_000;

test("a worker with a clock an hour ahead does not fire a timer early", async () => {
  const address = tempStore();
  const wf = defineWorkflow("skewed-sleep", async (ctx) => {
    await ctx.sleep("1s");
    return ctx.step("woke", () => Date.now());
  });
  // A normal worker starts the run and gives it up while it sleeps.
  const first = await startEngine([wf], { store: address });
  const before = Date.now();
  const run = await first.startRun(wf, {});
  await statusOf(first, run.id, "waiting");
  const after = Date.now();
  const timer = (await first.getRun(run.id)).steps[0];
  const dueAt = timer?.dueAt?.getTime() as number;
  // The database's clock and this process's are one machine's: they agree to within its offset's precision.
  assert.ok(dueAt >= before + 1000 - 100 && dueAt <= after + 1000 + 100, "due time is in real time");
  await first[Symbol.asyncDispose]();

  const skewed = createPostgresStore(address, { localNow: () => Date.now() + hour, log: () => {} });
  await using second = createEngine({ store: skewed, workflows: [wf], pollInterval: 20, logger: { warn() {} } });
  await second.start();
  assert.ok(Math.abs(skewed.clock.offsetMs + hour) < 1000, `offset ${skewed.clock.offsetMs} ms corrects the skew`);
  const wokeAt = (await second.handle<number>(run.id).result()) as number;
  assert.ok(wokeAt >= dueAt - 50, `woke at ${wokeAt}, due ${dueAt}: not early`);
  const history = await second.getHistory(run.id);
  const fired = history.find((event) => event.type === "timer.fired");
  assert.ok(fired && fired.at.getTime() >= dueAt, "the firing is recorded at or after the due time");
  assert.ok(fired.at.getTime() < Date.now() + 60_000, "recorded in the database's time, not an hour ahead");
});
