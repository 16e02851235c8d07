import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { createResearchServices, defineResearchWorkflows, type ResearchOutput, reconcileFindings } from "./research.js";
import { eventually, failureOf, startEngine, tempDir, waitForEvent } from "./test-helpers.js";

const question = "How large is the residential heat-pump market?";

test("reconciliation weighs disagreeing sources and names each conflict", () => {
  const [eu] = reconcileFindings(
    [
      { source: "web", region: "EU", sizeBn: 18.9, trend: "growing" },
      { source: "papers", region: "EU", sizeBn: 12.6, trend: "flat" },
      { source: "analysts", region: "EU", sizeBn: 14, trend: "growing" },
      { source: "web", region: "US", sizeBn: 99, trend: "shrinking" },
    ],
    ["EU"],
  );
  assert.deepEqual(eu, {
    region: "EU",
    sizeBn: 14.5,
    range: [12.6, 18.9],
    trend: "growing",
    conflicts: ["size: web says 18.9bn, papers says 12.6bn", "trend: papers says flat"],
  });
  const [agreed] = reconcileFindings(
    [
      { source: "papers", region: "UK", sizeBn: 2.4, trend: "growing" },
      { source: "analysts", region: "UK", sizeBn: 2.5, trend: "growing" },
    ],
    ["UK"],
  );
  assert.deepEqual(agreed?.conflicts, []);
  assert.equal(agreed?.sizeBn, 2.5);
});

test("parallel branches disagree and the reconcile step resolves them", async () => {
  const services = createResearchServices();
  const { research, workflows } = defineResearchWorkflows(services);
  await using engine = await startEngine(workflows);

  const run = await engine.startRun(research, { question, regions: ["EU", "US"] }, { id: "research-1" });
  const output = await run.result();
  assert.deepEqual(output.regions, ["EU", "US"]);
  assert.equal(output.scopeChanges, 0);
  assert.equal(output.rounds, 1);
  assert.deepEqual(
    output.consensus.map((c) => [c.region, c.sizeBn, c.trend, c.conflicts.length]),
    [
      ["EU", 14.5, "growing", 2],
      ["US", 9.3, "growing", 2],
    ],
  );
  assert.match(output.report, /scope: EU, US\)/);
  assert.match(output.report, /EU: 14\.5bn \(12\.6 to 18\.9\), growing; disputed/);

  assert.equal(services.research.count("search"), 6, "3 sources x 2 regions");
  assert.equal(services.research.count("summarize"), 1);
  const view = await engine.getRun(run.id);
  assert.deepEqual(
    view.children.map((c) => [c.workflow, c.status]),
    [
      ["research-branch", "completed"],
      ["research-branch", "completed"],
      ["research-branch", "completed"],
    ],
  );
  const history = await engine.getHistory(run.id);
  const lastBranch = history.findLast((e) => e.type === "child.completed")?.seq ?? Infinity;
  const reconcile = history.find((e) => e.type === "step.started" && e.name === "reconcile")?.seq ?? 0;
  assert.ok(lastBranch < reconcile, "reconcile starts after every branch finished");
  const reconciled = view.steps.find((s) => s.name === "reconcile");
  assert.deepEqual(reconciled?.output, output.consensus);
});

test("a scope change sent while the branches run is used by the later steps", async () => {
  const services = createResearchServices();
  const { research, workflows } = defineResearchWorkflows(services);
  await using engine = await startEngine(workflows);
  const release = services.research.hold();

  const run = await engine.startRun(research, { question, regions: ["EU", "US"] }, { id: "research-2" });
  await eventually(
    async () => (await engine.getHistory(run.id)).filter((e) => e.type === "child.started").length === 3,
  );
  // The user drops the US and adds APAC while the first round is in flight.
  await engine.signal(run.id, "scope", { regions: ["EU", "APAC"] });
  const received = await waitForEvent(engine, run.id, "signal.received", "scope");
  assert.equal(received.position, undefined, "taken by the handler, not by a wait");
  assert.deepEqual(received.payload, { regions: ["EU", "APAC"] });
  assert.equal(services.research.count("search"), 0, "the first round was still running");
  release();

  const output = await run.result();
  assert.deepEqual(output.regions, ["EU", "APAC"]);
  assert.equal(output.scopeChanges, 1);
  assert.equal(output.rounds, 2);
  assert.deepEqual(
    output.consensus.map((c) => [c.region, c.sizeBn]),
    [
      ["EU", 14.5],
      ["APAC", 11.4],
    ],
  );
  assert.match(output.report, /scope: EU, APAC\)/);
  assert.doesNotMatch(output.report, /US:/);

  const searched = services.research.calls
    .filter((c) => c.operation === "search")
    .map((c) => (c.args as { region: string }).region);
  assert.equal(searched.length, 9, "6 searches in the first round, 3 for the added region");
  assert.deepEqual(searched.slice(6), ["APAC", "APAC", "APAC"]);
  assert.deepEqual(services.research.calls.find((c) => c.operation === "summarize")?.args, {
    question,
    regions: ["EU", "APAC"],
    lines: output.consensus.map((c) =>
      output.report
        .split("\n")
        .find((line) => line.startsWith(`- ${c.region}:`))
        ?.slice(2),
    ),
  });

  const history = await engine.getHistory(run.id);
  const seqOf = (match: (e: (typeof history)[number]) => boolean) => history.find(match)?.seq ?? -1;
  const signal = seqOf((e) => e.type === "signal.received");
  const followUp = history.filter((e) => e.type === "child.started").slice(3);
  assert.equal(followUp.length, 3);
  assert.ok(followUp.every((e) => e.seq > signal));
  assert.deepEqual(
    followUp.map((e) => (e.input as { regions: string[] }).regions),
    [["APAC"], ["APAC"], ["APAC"]],
  );
  assert.ok(signal < seqOf((e) => e.type === "step.started" && e.name === "reconcile"));
  const view = await engine.getRun(run.id);
  assert.equal(view.children.length, 6);
  assert.ok(view.children.every((c) => c.status === "completed"));
});

test("after a restart the run replays the scope change and finishes with the new scope", async () => {
  const services = createResearchServices();
  const { research, workflows } = defineResearchWorkflows(services);
  const store = `sqlite:${join(tempDir(), "baton.db")}`;
  const release = services.research.hold();

  const first = await startEngine(workflows, { store, stopTimeout: 50 });
  const run = await first.startRun(research, { question, regions: ["EU", "US"] }, { id: "research-3" });
  await eventually(async () => (await first.getHistory(run.id)).filter((e) => e.type === "child.started").length === 3);
  await first.signal(run.id, "scope", { regions: ["EU", "APAC"] });
  await waitForEvent(first, run.id, "signal.received", "scope");
  // The engine stops while every search is in flight; the searches finish later, unrecorded.
  await first[Symbol.asyncDispose]();
  release();

  await using second = await startEngine(workflows, { store });
  const output = await second.handle<ResearchOutput>(run.id).result();
  assert.deepEqual(output.regions, ["EU", "APAC"]);
  assert.equal(output.scopeChanges, 1, "the scope change is replayed, not received twice");
  assert.equal(output.rounds, 2);
  assert.equal(services.research.count("search"), 9, "each search took effect once");
  assert.ok(services.research.duplicates >= 6, "the repeated searches were answered by their idempotency keys");
  const history = await second.getHistory(run.id);
  assert.equal(history.filter((e) => e.type === "signal.received").length, 1);
});

test("cancelling a research run cancels the branches still running", async () => {
  const services = createResearchServices();
  const { research, workflows } = defineResearchWorkflows(services);
  await using engine = await startEngine(workflows);
  const release = services.research.hold();

  const run = await engine.startRun(research, { question, regions: ["EU"] }, { id: "research-4" });
  await eventually(async () => (await engine.getRun(run.id)).children.length === 3);
  await engine.cancel(run.id);
  const failure = await failureOf(run.result());
  release();
  assert.equal(failure.status, "cancelled");
  await eventually(async () => (await engine.getRun(run.id)).children.every((c) => c.status === "cancelled"));
  const children = (await engine.getRun(run.id)).children;
  assert.deepEqual(
    children.map((c) => [c.workflow, c.status]),
    Array.from({ length: 3 }, () => ["research-branch", "cancelled"]),
  );
  assert.equal(services.research.count("summarize"), 0);
});
