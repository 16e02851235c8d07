import assert from "node:assert/strict";
import { test } from "node:test";
import { assertHistory, createTestEngine } from "baton/testing";
import { createTrialServices, defineTrialWorkflow } from "./trial.js";

const days = (n: number) => n * 86_400_000;

test("a trial waits 30 days, then converts an account with a card: the timer fires 30 days after it was set", async () => {
  const services = createTrialServices();
  const trial = defineTrialWorkflow(services);
  // An in-memory engine whose time skips to the next timer while every run waits.
  await using engine = await createTestEngine({ workflows: [trial] });
  const run = await engine.startRun(trial, { account: "acme", email: "owner@acme.example" }, { id: "trial-acme" });
  services.cards.add("acme"); // the owner adds a card during the trial

  assert.deepEqual(await run.result(), { outcome: "converted", plan: "pro" }); // 30 days, at once
  assert.equal(services.plans.get("acme"), "pro");
  assert.deepEqual(services.mails, [{ to: "owner@acme.example", template: "welcome-to-pro" }]);

  const history = await assertHistory(
    engine,
    run.id,
    [
      { type: "step.completed", name: "open-trial" },
      { type: "timer.set", dueAt: (dueAt, set) => dueAt?.getTime() === set.at.getTime() + days(30) },
      "timer.fired",
      { type: "step.completed", name: "check-card", output: true },
      { type: "run.completed", output: { outcome: "converted", plan: "pro" } },
    ],
    { partial: true },
  );
  const set = history.find((e) => e.type === "timer.set");
  const fired = history.find((e) => e.type === "timer.fired");
  assert.ok(set && fired);
  assert.equal(fired.at.getTime() - set.at.getTime(), days(30), "set and fired 30 days apart");
});

test("a trial without a card expires; a mocked step stands in for the card check", async () => {
  const services = createTrialServices();
  services.cards.add("initech"); // the real check would find a card...
  const trial = defineTrialWorkflow(services);
  await using engine = await createTestEngine({ workflows: [trial], steps: { "trial/check-card": () => false } });
  const run = await engine.startRun(trial, { account: "initech", email: "owner@initech.example" });

  assert.deepEqual(await run.result(), { outcome: "expired", plan: "free" }); // ...the mock says there is none
  assert.deepEqual(services.mails, [{ to: "owner@initech.example", template: "trial-ended" }]);
  await assertHistory(engine, run.id, [{ type: "step.completed", name: "check-card", output: false }], {
    partial: true,
  });
});
