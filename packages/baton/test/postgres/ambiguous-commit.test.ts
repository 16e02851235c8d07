/**
 * Ambiguous commits on PostgreSQL: a proxy lets the server commit a write and
 * then breaks the connection before the answer reaches the worker. The store
 * must find out that the write happened instead of applying it again or
 * giving the run up: each step completes once, the worker keeps its lease,
 * and a signal whose send was ambiguous is delivered once.
 */
import assert from "node:assert/strict";
import { after, test } from "node:test";
import { createEngine, defineWorkflow } from "baton";
import { statusOf, tempStore } from "../helpers.js";
import { startDropProxy } from "./ambiguous/drop-proxy.js";

const target = new URL(tempStore());
const proxy = await startDropProxy(target.hostname, Number(target.port || 5432));
after(() => proxy.close());

/** The test store's address, through the proxy. */
function proxiedStore(): string {
  const url = new URL(tempStore());
  url.hostname = "127.0.0.1";
  url.port = String(proxy.port);
  return url.toString();
}

test("a step outcome whose commit was ambiguous is recorded once and the run keeps its lease", async () => {
  let bodies = 0;
  const wf = defineWorkflow("ambiguous-steps", async (ctx) => {
    let total = 0;
    for (let i = 0; i < 5; i++) total += await ctx.step(`s${i}`, () => ++bodies && i);
    return total;
  });
  const warnings: string[] = [];
  await using engine = createEngine({
    store: proxiedStore(),
    workflows: [wf],
    pollInterval: 50,
    logger: { warn: (message) => warnings.push(message) },
  });
  await engine.start();
  // Outcomes are the statements that consume the step's start: drop three of their answers.
  proxy.arm("AS matched", 3);
  const run = await engine.startRun(wf, {});
  assert.equal(await run.result(), 0 + 1 + 2 + 3 + 4);
  assert.equal(proxy.dropped.get("AS matched"), 3, "three answers were lost after their commit");
  const history = await engine.getHistory(run.id);
  const completed = history.filter((event) => event.type === "step.completed").map((event) => event.name);
  assert.deepEqual(completed, ["s0", "s1", "s2", "s3", "s4"], "each step completed once");
  assert.deepEqual(
    history.map((event) => event.seq),
    history.map((_, i) => i + 1),
    "no gaps, no duplicates",
  );
  assert.equal(bodies, 5, "no step body ran twice");
  assert.equal((await engine.store.getRun(run.id))?.leaseToken, 1, "the worker never lost the run");
  assert.ok(!warnings.some((message) => message.includes("stopped on an error")), warnings.join("\n"));
});

test("a signal whose send was ambiguous is stored and delivered once", async () => {
  const wf = defineWorkflow("ambiguous-signal", async (ctx) => {
    const first = await ctx.waitForSignal<string>("go");
    const second = await ctx.waitForSignal<string>("go", { timeout: "300ms" });
    return { first, second: second ?? null };
  });
  await using engine = createEngine({
    store: proxiedStore(),
    workflows: [wf],
    pollInterval: 50,
    logger: { warn: () => {} },
  });
  await engine.start();
  const run = await engine.startRun(wf, {});
  await statusOf(engine, run.id, "waiting");
  proxy.arm("send_key");
  await engine.signal(run.id, "go", "once");
  assert.equal(proxy.dropped.get("send_key"), 1, "the answer to the send was lost after its commit");
  assert.deepEqual(await run.result(), { first: "once", second: null });
  const received = (await engine.getHistory(run.id)).filter((event) => event.type === "signal.received");
  assert.equal(received.length, 1);
});
