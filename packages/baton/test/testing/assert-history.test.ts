import assert from "node:assert/strict";
import { test } from "node:test";
import { defineWorkflow } from "baton";
import { assertHistory, createTestEngine } from "baton/testing";

const greet = defineWorkflow("greet", async (ctx, name: string) => {
  const text = await ctx.step("compose", () => `Hello, ${name}`);
  await ctx.sleep("2d");
  return text;
});

test("assertHistory passes on a matching history, exact or partial, and returns it", async () => {
  await using engine = await createTestEngine({ workflows: [greet], startTime: Date.UTC(2030, 0, 1) });
  const run = await engine.startRun(greet, "Ada", { id: "g-1" });
  await run.result();
  const history = await assertHistory(engine, run.id, [
    { type: "run.started", input: "Ada", at: new Date(Date.UTC(2030, 0, 1)) },
    "step.started",
    { type: "step.completed", output: "Hello, Ada" },
    { type: "timer.set", dueAt: (dueAt, event) => dueAt?.getTime() === event.at.getTime() + 2 * 86_400_000 },
    { type: "timer.fired", at: new Date(Date.UTC(2030, 0, 3)) },
    { type: "run.completed", output: "Hello, Ada" },
  ]);
  assert.equal(history.length, 6);
  await assertHistory(engine, run.id, ["timer.set", "run.completed"], { partial: true });
});

test("a mismatch reads well: what differs, the expected list and the history, each with a pointer", async () => {
  await using engine = await createTestEngine({ workflows: [greet], startTime: Date.UTC(2030, 0, 1) });
  const run = await engine.startRun(greet, "Ada", { id: "g-2" });
  await run.result();
  const failure = await assertHistory(engine, run.id, [
    "run.started",
    "step.started",
    { type: "step.completed", output: "Hello, Bob" },
  ]).then(
    () => assert.fail("expected a mismatch"),
    (error: Error) => error,
  );
  assert.ok(failure instanceof assert.AssertionError);
  assert.equal(
    failure.message,
    [
      `history of run "g-2" does not match: event 3 (step.completed): output is 'Hello, Ada', expected 'Hello, Bob'`,
      "expected:",
      "    run.started",
      "    step.started",
      "  > step.completed output='Hello, Bob'",
      "history:",
      "    1 run.started input='Ada' at=2030-01-01T00:00:00.000Z",
      "    2 step.started name='compose' position=0 attempt=1 at=2030-01-01T00:00:00.000Z",
      "  > 3 step.completed name='compose' position=0 attempt=1 output='Hello, Ada' at=2030-01-01T00:00:00.000Z",
      "    4 timer.set name='sleep' position=1 dueAt=2030-01-03T00:00:00.000Z at=2030-01-01T00:00:00.000Z",
      "    5 timer.fired name='sleep' position=1 at=2030-01-03T00:00:00.000Z",
      "    6 run.completed output='Hello, Ada' at=2030-01-03T00:00:00.000Z",
    ].join("\n"),
  );

  const tooShort = await assertHistory(engine, run.id, ["run.started"]).then(
    () => assert.fail("expected a mismatch"),
    (error: Error) => error,
  );
  assert.match(tooShort.message, /does not match: expected 1 events, the run has 6/);
  const missing = await assertHistory(engine, run.id, ["timer.fired", "step.started"], { partial: true }).then(
    () => assert.fail("expected a mismatch"),
    (error: Error) => error,
  );
  assert.match(missing.message, /does not match: no event step.started after event 5 \(timer.fired\)/);
  assert.match(missing.message, /expected \(in this order, among others\):\n {4}timer.fired\n {2}> step.started/);
  await assert.rejects(assertHistory(engine, "nope", []), { code: "RUN_NOT_FOUND" });
});
