import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { createProject } from "./project.js";
import { runBaton, spawnBaton } from "./run-baton.js";

const queuedModule = `
import { defineWorkflow } from "baton";

export const queues = { mail: { concurrency: 1, perKey: 1, rateLimit: { limit: 100, period: "1m" } } };

export const send = defineWorkflow("send", async (ctx, to: string) => {
  await ctx.step("compose", () => to);
  return ctx.waitForSignal<boolean>("sent");
}, { queue: "mail" });
`;

test("a worker takes the queues its module exports; runs start takes flow options; queues list shows them", async () => {
  const dir = createProject({ "flows.ts": queuedModule });
  const store = `sqlite:${join(dir, "b.db")}`;
  const worker = spawnBaton(["worker", "flows.ts", "--store", store, "--poll-interval", "50ms"], { cwd: dir });
  const baton = (args: string[]) => runBaton([...args, "--store", store], { cwd: dir });
  try {
    await worker.waitForLine(/^worker .* running /);
    const start = (...args: string[]) => baton(["runs", "start", "send", "--workflows", "flows.ts", ...args]);
    const first = await start("--input", '"a@x"', "--id", "m-1", "--concurrency-key", "a", "--priority", "-2");
    assert.equal(first.code, 0, first.stderr);
    const later = await start("--input", '"b@x"', "--id", "m-2", "--delay", "1h", "--json");
    assert.equal(later.code, 0, later.stderr);
    const run = JSON.parse(later.stdout).run;
    assert.equal(run.queue, "mail");
    assert.equal(run.status, "pending");
    assert.ok(Date.parse(run.startAt) > Date.now() + 3_500_000, run.startAt);

    const shown = await baton(["runs", "show", "m-1", "--json"]);
    assert.deepEqual(
      (({ queue, concurrencyKey, priority }) => ({ queue, concurrencyKey, priority }))(JSON.parse(shown.stdout)),
      { queue: "mail", concurrencyKey: "a", priority: -2 },
    );
    const byQueue = async (queue: string) =>
      JSON.parse((await baton(["runs", "list", "--queue", queue, "--json"])).stdout).runs.map(
        (r: { id: string }) => r.id,
      );
    assert.deepEqual(await byQueue("mail"), ["m-2", "m-1"]);
    assert.deepEqual(await byQueue("default"), []);
    const listed = await baton(["queues", "list"]);
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stdout, /^QUEUE +RUNNING +PER KEY +RATE +PENDING +OLDEST PENDING +FINISHED\/MIN\n/);
    assert.match(listed.stdout, /\nmail +[01]\/1 +1 +\d\/100 per 1m +1 +\S+ +0\n$/);
    const json = JSON.parse((await baton(["queues", "list", "--json"])).stdout);
    assert.equal(json.queues[0].name, "mail");
    assert.equal(json.queues[0].pending, 1, "the delayed run");

    const unknown = await start("--input", '"c@x"', "--queue", "nope");
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /^error: UNKNOWN_QUEUE: unknown queue "nope"/);
    const bad = await start("--input", '"c@x"', "--priority", "high");
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--priority.*'high'.*expected a whole number/);
  } finally {
    worker.child.kill("SIGTERM");
  }
  assert.equal((await worker.exited).code, 0);
});
