/**
 * Flow control, part 2: what time decides (on the test clock): delayed
 * starts, debounce and rate limits.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { createTestClock, defineWorkflow } from "baton";
import { countingClaims, eventually, startEngine, statusOf, tempStore } from "../helpers.js";

const echo = defineWorkflow("timing-echo", async (ctx, input: unknown) => ctx.step("echo", () => input));

test("a delayed start stays pending until its time, then runs", async () => {
  const clock = createTestClock();
  const begin = clock.now();
  await using engine = await startEngine([echo], { clock });
  const delayed = await engine.startRun(echo, "later", { delay: "1h" });
  const atTime = await engine.startRun(echo, "at", { startAt: new Date(begin + 2 * 3_600_000) });
  const run = await engine.getRun(delayed.id);
  assert.equal(run.status, "pending");
  assert.equal(run.startAt?.getTime(), begin + 3_600_000);
  await clock.advance("59m");
  assert.equal((await engine.getRun(delayed.id)).status, "pending");
  await clock.advance("1m");
  assert.equal(await delayed.result(), "later");
  assert.equal((await engine.getRun(delayed.id)).startedAt?.getTime(), begin + 3_600_000);
  assert.equal((await engine.getRun(atTime.id)).status, "pending");
  await clock.advance("1h");
  assert.equal(await atTime.result(), "at");
  const started = await engine.getRun(atTime.id);
  assert.equal(started.startedAt?.getTime(), begin + 2 * 3_600_000);
  assert.equal(started.startAt, undefined, "a run that started shows no start time to come");
});

test("debounce: starts within the period give their input to one pending run, which starts after a quiet period", async () => {
  const clock = createTestClock();
  const begin = clock.now();
  await using engine = await startEngine([echo], { clock });
  const debounce = { key: "customer-7", period: "5s" };
  const first = await engine.startRun(echo, { n: 1 }, { debounce });
  assert.equal(first.created, true);
  await clock.advance("3s");
  const second = await engine.startRun(echo, { n: 2 }, { debounce });
  await clock.advance("3s");
  const third = await engine.startRun(echo, { n: 3 }, { debounce });
  assert.deepEqual([second.id, third.id], [first.id, first.id], "the same pending run");
  assert.deepEqual([second.created, third.created], [false, false]);
  const other = await engine.startRun(echo, { n: 9 }, { debounce: { key: "customer-8", period: "5s" } });
  assert.notEqual(other.id, first.id, "another key is another run");
  await clock.advance("4s");
  assert.equal((await engine.getRun(first.id)).status, "pending", "5 s have not passed since the last start");
  await clock.advance("1s");
  assert.deepEqual(await first.result(), { n: 3 });
  assert.equal((await engine.getRun(first.id)).startedAt?.getTime(), begin + 11_000);
  const [started] = await engine.getHistory(first.id);
  assert.deepEqual(started?.input, { n: 3 }, "the run's first event has the latest input");
  const next = await engine.startRun(echo, { n: 4 }, { debounce });
  assert.notEqual(next.id, first.id, "once the run started, a start of the key makes a new run");
  await clock.advance("5s");
  assert.deepEqual(await next.result(), { n: 4 });
});

test("a rate limit lets `limit` runs start per period; the others start as the window moves, without polling", async () => {
  const clock = createTestClock();
  const store = tempStore();
  const { store: counted, claims } = countingClaims(store);
  const starts: number[] = [];
  const job = defineWorkflow("rated", async (ctx, n: number) => ctx.step("call", () => starts.push(n)), {
    queue: "api",
  });
  await using engine = await startEngine([job], {
    clock,
    store: counted,
    pollInterval: "1h",
    queues: { api: { rateLimit: { limit: 2, period: "1m" } } },
  });
  const runs = [];
  for (let n = 0; n < 5; n++) runs.push(await engine.startRun(job, n));
  await eventually(() => starts.length === 2);
  await eventually(async () => (await engine.listQueues())[0]?.pending === 3);
  const [queue] = await engine.listQueues();
  assert.deepEqual([queue?.startedInWindow, queue?.rateLimit], [2, { limit: 2, periodMs: 60_000, perKey: false }]);
  const before = claims();
  await clock.advance("59s");
  assert.equal(starts.length, 2);
  assert.ok(claims() - before <= 1, `no claims while the window is full (${claims() - before})`);
  await clock.advance("1s");
  await eventually(() => starts.length === 4);
  await clock.advance("1m");
  await eventually(() => starts.length === 5);
  for (const run of runs) await run.result();
  const after = (await engine.listQueues())[0];
  assert.equal(after?.finishedLastMinute, 1, "the minute that ends now saw the last run finish");
  assert.deepEqual(
    starts.sort((a, b) => a - b),
    [0, 1, 2, 3, 4],
  );
});

test("a per-key rate limit counts the starts of each key apart", async () => {
  const clock = createTestClock();
  const starts: string[] = [];
  const job = defineWorkflow("rated-key", async (ctx, id: string) => ctx.step("call", () => starts.push(id)), {
    queue: "per-customer",
  });
  await using engine = await startEngine([job], {
    clock,
    queues: { "per-customer": { rateLimit: { limit: 1, period: "1m", perKey: true } } },
  });
  for (const [id, key] of [
    ["a1", "a"],
    ["a2", "a"],
    ["b1", "b"],
  ] as const) {
    await engine.startRun(job, id, { id, concurrencyKey: key });
  }
  await eventually(() => starts.length === 2);
  assert.deepEqual(starts.sort(), ["a1", "b1"]);
  assert.equal((await engine.getRun("a2")).status, "pending");
  await clock.advance("1m");
  await statusOf(engine, "a2", "completed");
});
