/**
 * Open signal waits across the store (`listSignalWaits`): every wait of a
 * run that has not finished, the longest waiting first, whatever the order of
 * the run ids; answered, timed-out and ended waits are left out.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { createTestClock, defineWorkflow, type Engine, FatalError, type SignalWait } from "baton";
import { eventually, startEngine, statusOf } from "../helpers.js";

const approval = defineWorkflow("approval", async (ctx) => ctx.waitForSignal<boolean>("approve", { timeout: "7d" }));
let releaseLong: () => void = () => {};
const long = new Promise<void>((resolve) => {
  releaseLong = resolve;
});
// One branch waits for a signal while the other's step runs: the run is `running`.
const branches = defineWorkflow("branches", async (ctx) =>
  Promise.all([
    ctx.step("long", () => long.then(() => 1)),
    ctx.step("quick", () => 2).then(() => ctx.waitForSignal<string>("review")),
  ]),
);
const twoWaits = defineWorkflow("two-waits", async (ctx) => [
  await ctx.waitForSignal("first"),
  await ctx.waitForSignal("second"),
]);
const timedOut = defineWorkflow("timed-out", async (ctx) => [
  await ctx.waitForSignal("quick", { timeout: "1h" }),
  await ctx.waitForSignal("after-timeout"),
]);
const ended = defineWorkflow("ended", async (ctx) => ctx.waitForSignal("done"));
let broken = true;
const flaky = defineWorkflow("flaky", async (ctx) =>
  Promise.all([
    ctx.waitForSignal<boolean>("Approval"),
    ctx.step("check", () => {
      if (broken) throw new FatalError("check failed");
      return 1;
    }),
  ]),
);

/** Waits until the run's history holds `type` (its write committed). */
const recorded = (engine: Engine, runId: string, type: string, count = 1) =>
  eventually(async () => (await engine.getHistory(runId)).filter((e) => e.type === type).length >= count);

const summary = (wait: SignalWait) => `${wait.runId} ${wait.name} ${wait.runStatus}`;

test("every open signal wait of the runs not finished is listed, the longest waiting first, in pages", async () => {
  const clock = createTestClock();
  const t0 = clock.now();
  await using engine = await startEngine([approval, branches, twoWaits, timedOut, ended, flaky], { clock });

  await engine.startRun(approval, {}, { id: "run-d" });
  await statusOf(engine, "run-d", "waiting");
  await clock.advance("1m");
  const running = await engine.startRun(branches, {}, { id: "run-b" });
  await recorded(engine, "run-b", "signal.waiting");
  await clock.advance("1m");
  await engine.startRun(twoWaits, {}, { id: "run-f" });
  await statusOf(engine, "run-f", "waiting");
  await clock.advance("1m");
  await engine.signal("run-f", "first", 1);
  await recorded(engine, "run-f", "signal.waiting", 2);
  await statusOf(engine, "run-f", "waiting");
  await engine.startRun(approval, {}, { id: "run-a" });
  await statusOf(engine, "run-a", "waiting");
  await clock.advance("1m");
  await engine.startRun(timedOut, {}, { id: "run-e" });
  await statusOf(engine, "run-e", "waiting");
  await clock.advance("1h");
  await recorded(engine, "run-e", "signal.waiting", 2);
  await statusOf(engine, "run-e", "waiting");
  // Ended runs: one answered, one cancelled while it waited.
  const done = await engine.startRun(ended, {}, { id: "run-g" });
  await statusOf(engine, "run-g", "waiting");
  await engine.signal("run-g", "done", true);
  await done.result();
  await engine.startRun(approval, {}, { id: "run-h" });
  await statusOf(engine, "run-h", "waiting");
  await engine.cancel("run-h");
  await statusOf(engine, "run-h", "cancelled");
  // A failed run waits for nothing; resumed, its unanswered wait is open again, since it began.
  await clock.advance("1m");
  const failedAt = clock.now();
  await engine.startRun(flaky, {}, { id: "run-c" });
  await statusOf(engine, "run-c", "failed");
  assert.ok((await engine.getHistory("run-c")).some((e) => e.type === "signal.waiting"));
  assert.deepEqual(
    (await engine.listSignalWaits()).waits.map((w) => w.runId),
    ["run-d", "run-b", "run-a", "run-f", "run-e"],
    "a failed run is not listed",
  );
  await clock.advance("1m");
  broken = false;
  await engine.resume("run-c");
  await statusOf(engine, "run-c", "waiting");

  const pages: SignalWait[][] = [];
  let cursor: string | undefined;
  do {
    const page = await engine.listSignalWaits({ limit: 2, cursor });
    pages.push(page.waits);
    cursor = page.nextCursor;
  } while (cursor && pages.length < 10);
  assert.deepEqual(
    pages.map((page) => page.map(summary)),
    [
      ["run-d approve waiting", "run-b review running"],
      ["run-a approve waiting", "run-f second waiting"],
      ["run-e after-timeout waiting", "run-c Approval waiting"],
    ],
  );
  const waits = pages.flat();
  const minute = 60_000;
  assert.deepEqual(
    waits.map((w) => w.since.getTime() - t0),
    [0, minute, 3 * minute, 3 * minute, 4 * minute + 60 * minute, failedAt - t0],
  );
  assert.deepEqual(waits[0], {
    runId: "run-d",
    workflow: "approval",
    version: approval.version,
    runStatus: "waiting",
    position: 0,
    name: "approve",
    since: new Date(t0),
    dueAt: new Date(t0 + 7 * 24 * 60 * minute),
    approval: true,
  });
  assert.deepEqual(
    waits.map((w) => [w.position, w.approval, w.dueAt !== undefined]),
    [
      [0, true, true],
      [2, false, false],
      [0, true, true],
      [1, false, false],
      [1, false, false],
      [0, true, false],
    ],
  );

  assert.deepEqual(
    (await engine.listSignalWaits({ name: "approve" })).waits.map((w) => w.runId),
    ["run-d", "run-a"],
  );
  assert.deepEqual((await engine.listSignalWaits({ workflow: "branches" })).waits.map(summary), [
    "run-b review running",
  ]);
  assert.deepEqual((await engine.listSignalWaits({ workflow: "approval", name: "review" })).waits, []);
  await assert.rejects(engine.listSignalWaits({ cursor: "nope" }), { code: "INVALID_CURSOR" });
  await assert.rejects(engine.listSignalWaits({ limit: 0 }), { code: "INVALID_LIMIT" });

  releaseLong();
  await engine.signal("run-b", "review", "ok");
  assert.deepEqual(await running.result(), [1, "ok"]);
  assert.ok(!(await engine.listSignalWaits()).waits.some((w) => w.runId === "run-b"));
});
