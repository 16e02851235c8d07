import assert from "node:assert/strict";
import { test } from "node:test";
import { createTestEngine } from "baton/testing";
import { createSignupServices, defineSignupWorkflows, type SignupInput } from "./signup.js";
import { compensations, eventually, failureOf, startEngine, waitForEvent } from "./test-helpers.js";

const input = (account: string, region = "eu-west-1"): SignupInput => ({
  account,
  email: `owner@${account}.example`,
  plan: "team",
  region,
});

test("a sign-up provisions, bills and welcomes in parallel, the welcome in a child run", async () => {
  const services = createSignupServices();
  const { signup, workflows } = defineSignupWorkflows(services);
  await using engine = await startEngine(workflows);

  const run = await engine.startRun(signup, input("acme"), { id: "signup-acme" });
  const output = await run.result();
  assert.equal(output.url, "https://acme.example.app");
  assert.equal(output.tenantId, [...services.provisioning.tenants.keys()][0]);
  assert.equal(output.subscriptionId, [...services.billing.subscriptions.keys()][0]);
  assert.equal(output.welcomeId, services.email.outbox[0]?.messageId);

  assert.equal(services.provisioning.count("provision"), 1);
  assert.equal(services.billing.count("subscribe"), 1);
  assert.equal(services.billing.count("pause"), 0);
  assert.deepEqual(services.billing.statusOf("acme"), ["active"]);
  assert.deepEqual(services.email.templatesSentTo("owner@acme.example"), ["welcome"]);

  const view = await engine.getRun(run.id);
  assert.equal(view.status, "completed");
  assert.deepEqual(
    view.steps.map((s) => [s.position, s.kind, s.name, s.status]),
    [
      [0, "step", "provision", "completed"],
      [1, "step", "start-billing", "completed"],
      [2, "child", "signup-welcome", "completed"],
    ],
  );
  const history = await engine.getHistory(run.id);
  const started = history.filter((e) => e.type === "step.started" || e.type === "child.started").map((e) => e.seq);
  const firstDone = history.find((e) => e.type === "step.completed" || e.type === "child.completed")?.seq ?? 0;
  assert.ok(
    started.length === 3 && started.every((seq) => seq < firstDone),
    "all three branches started before any finished",
  );
  assert.deepEqual(
    view.children.map((c) => [c.workflow, c.status]),
    [["signup-welcome", "completed"]],
  );
});

test("provisioning that fails for good pauses billing, tells the user, and the run ends compensated", async () => {
  const services = createSignupServices();
  services.provisioning.failRegion("mars-1");
  const { signup, workflows } = defineSignupWorkflows(services);
  await using engine = await startEngine(workflows);

  const run = await engine.startRun(signup, input("globex", "mars-1"), { id: "signup-globex" });
  const failure = await failureOf(run.result());
  assert.equal(failure.status, "compensated");
  assert.match(failure.error?.message ?? "", /sign-up of globex stopped: .*no capacity in region mars-1/);

  assert.equal(services.provisioning.attempts("provision").length, 1, "a permanent failure is not retried");
  assert.equal(services.provisioning.count("deprovision"), 0, "nothing was provisioned, so nothing to delete");
  assert.equal(services.billing.count("subscribe"), 1);
  assert.equal(services.billing.count("pause"), 1);
  const subscriptionId = [...services.billing.subscriptions.keys()][0];
  assert.deepEqual(services.billing.calls[1]?.args, { subscriptionId });
  assert.deepEqual(services.billing.statusOf("globex"), ["paused"]);
  // The welcome child has nothing to undo: it completed on its own, or, still
  // running when its parent failed, it was cancelled with it (whichever came first).
  const welcome = await eventually(async () => {
    const status = (await engine.getRun(run.id)).children[0]?.status;
    return status === "completed" || status === "cancelled" ? status : undefined;
  });
  const sent = services.email.templatesSentTo("owner@globex.example");
  assert.ok(sent.includes("signup-on-hold"), `sent: ${sent.join(", ")}`);
  if (welcome === "completed") assert.ok(sent.includes("welcome"), `sent: ${sent.join(", ")}`);

  const history = await engine.getHistory(run.id);
  assert.deepEqual(compensations(history), [
    ["compensation.started", "start-billing"],
    ["compensation.completed", "start-billing"],
  ]);
  const onHold = history.find((e) => e.type === "step.completed" && e.name === "notify-on-hold")?.seq ?? 0;
  const paused = history.find((e) => e.type === "compensation.completed")?.seq ?? 0;
  assert.ok(onHold > 0 && onHold < paused, "the user is told before billing is paused");
  assert.equal(history.at(-1)?.type, "run.compensated");
});

test("a transient provisioning failure is retried after a backoff and the sign-up completes", async () => {
  const services = createSignupServices();
  services.provisioning.failNext("provision", 1, { message: "control plane busy" });
  const { signup, workflows } = defineSignupWorkflows(services);
  await using engine = await createTestEngine({ workflows });

  const run = await engine.startRun(signup, input("initech"), { id: "signup-initech" });
  const failed = await waitForEvent(engine, run.id, "step.failed", "provision");
  assert.equal(failed.final, undefined);
  assert.equal(services.provisioning.count("provision"), 0);

  const output = await run.result(); // the backoff passes at once
  assert.equal(output.url, "https://initech.example.app");
  assert.equal(services.provisioning.attempts("provision").length, 2);
  assert.equal(services.provisioning.count("provision"), 1);
  assert.equal(services.billing.count("pause"), 0);
  assert.deepEqual(services.email.templatesSentTo("owner@initech.example"), ["welcome"]);
});

test("billing that finishes after provisioning failed is still paused", async () => {
  const services = createSignupServices();
  services.provisioning.failRegion("mars-1");
  const releaseBilling = services.billing.hold();
  const { signup, workflows } = defineSignupWorkflows(services);
  await using engine = await startEngine(workflows);

  const run = await engine.startRun(signup, input("umbrella", "mars-1"), { id: "signup-umbrella" });
  await waitForEvent(engine, run.id, "step.completed", "notify-on-hold");
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.equal(services.billing.count("subscribe"), 0, "billing is still in flight");
  releaseBilling();

  const failure = await failureOf(run.result());
  assert.equal(failure.status, "compensated");
  assert.equal(services.billing.count("subscribe"), 1);
  assert.equal(services.billing.count("pause"), 1);
  assert.deepEqual(services.billing.statusOf("umbrella"), ["paused"]);
  await eventually(async () => (await engine.getHistory(run.id)).at(-1)?.type === "run.compensated");
});
