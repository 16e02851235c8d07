import assert from "node:assert/strict";
import { test } from "node:test";
import { createTestClock, RetryableError, toMilliseconds } from "baton";
import { noEntries } from "../src/no-entries.js";
import { resolveRetryPolicy, retryDelay } from "../src/retry-policy.js";
import { parseNotice, pokedPayload } from "../src/store/notice-payload.js";
import { retryWarning } from "../src/store/postgres/internal/connection-errors.js";
import { createQueryGate } from "../src/store/postgres/internal/query-gate.js";
import { createPostgresBatcher } from "../src/store/postgres/postgres-batcher.js";
import { eventually } from "./helpers.js";

test("durations read numbers and unit strings, and name what they cannot read", () => {
  assert.equal(toMilliseconds(250), 250);
  assert.equal(toMilliseconds("500ms"), 500);
  assert.equal(toMilliseconds("1h30m"), 5_400_000);
  assert.equal(toMilliseconds("3d"), 259_200_000);
  assert.equal(toMilliseconds("1.5s"), 1500);
  assert.equal(toMilliseconds("2w"), 1_209_600_000);
  for (const bad of ["", "soon", "5", "1x", "-1s", "1s and more"]) {
    assert.throws(() => toMilliseconds(bad), { code: "INVALID_DURATION", message: new RegExp(JSON.stringify(bad)) });
  }
  assert.throws(() => toMilliseconds(-1), { code: "INVALID_DURATION" });
  assert.throws(() => toMilliseconds(Number.NaN), { code: "INVALID_DURATION" });
});

test("retry delays grow by the coefficient up to the maximum, spread by jitter", () => {
  const policy = resolveRetryPolicy({ initialInterval: "1s", backoffCoefficient: 3, maxInterval: "10s", jitter: 0 });
  assert.deepEqual(
    [1, 2, 3, 4].map((used) => retryDelay(policy, used, new Error("x"))),
    [1000, 3000, 9000, 10_000],
  );
  const jittered = resolveRetryPolicy({ initialInterval: "1s", jitter: 0.5 });
  assert.equal(
    retryDelay(jittered, 1, new Error("x"), () => 0),
    500,
  );
  assert.equal(
    retryDelay(jittered, 1, new Error("x"), () => 1),
    1500,
  );
  assert.equal(retryDelay(policy, 1, new RetryableError("later", { retryAfter: "42s" })), 42_000);
  assert.deepEqual(resolveRetryPolicy(undefined, { maxAttempts: 7 }, undefined).maxAttempts, 7);
  assert.equal(resolveRetryPolicy({ maxAttempts: 2 }, { maxAttempts: 7 }).maxAttempts, 2);
  assert.throws(() => resolveRetryPolicy({ maxAttempts: 0 }), {
    code: "INVALID_RETRY_POLICY",
    message: /maxAttempts 0/,
  });
  assert.throws(() => resolveRetryPolicy({ backoffCoefficient: 0.5 }), { code: "INVALID_RETRY_POLICY" });
});

test("the test clock fires timers in order and only when advanced past them", async () => {
  const clock = createTestClock(1000);
  const fired: string[] = [];
  clock.setTimer(3000, () => fired.push("b"));
  clock.setTimer(2000, () => fired.push("a"));
  const cancel = clock.setTimer(2500, () => fired.push("cancelled"));
  cancel();
  await clock.advance(999);
  assert.deepEqual(fired, []);
  await clock.advance(1);
  assert.deepEqual(fired, ["a"]);
  await clock.advance("1s");
  assert.deepEqual(fired, ["a", "b"]);
  assert.equal(clock.now(), 3000);
});

test("notice payloads read back as the notices they carry; unknown text is ignored", () => {
  assert.deepEqual(parseNotice("r"), { kind: "runnable" });
  assert.deepEqual(parseNotice(pokedPayload("evt:1:flow", 7)), { kind: "poked", runId: "evt:1:flow", pokeSeq: 7 });
  assert.deepEqual(parseNotice("p:a:b"), { kind: "poked", runId: "a:b" });
  assert.deepEqual(parseNotice("w:1700000000000"), { kind: "wake", at: 1700000000000 });
  for (const text of [undefined, "", "x", "k:", "k:1", "k:x:run", "w:soon"])
    assert.equal(parseNotice(text), undefined, text);
});

test("a query gate lets `limit` operations through at once, the others in order, and frees a place on failure", async () => {
  const gate = createQueryGate(2);
  let running = 0;
  let most = 0;
  const finish = new Map<number, () => void>(); // the operations under way, by number
  const operation = (n: number) => async () => {
    running++;
    most = Math.max(most, running);
    await new Promise<void>((resolve) => finish.set(n, resolve));
    finish.delete(n);
    running--;
    if (n === 1) throw new Error("boom");
    return n;
  };
  const settled = Promise.allSettled([1, 2, 3, 4, 5].map((n) => gate.run(operation(n))));
  const underWay = (expected: number[]) => eventually(() => [...finish.keys()].sort().join() === expected.join(), 5000);
  await underWay([1, 2]);
  finish.get(1)?.(); // fails: its place goes to the next in line
  await underWay([2, 3]);
  finish.get(3)?.();
  await underWay([2, 4]);
  finish.get(2)?.();
  await underWay([4, 5]);
  finish.get(4)?.();
  finish.get(5)?.();
  const results = await settled;
  assert.equal(most, 2);
  assert.deepEqual(
    results.map((r) => (r.status === "fulfilled" ? r.value : "failed")),
    ["failed", 2, 3, 4, 5],
  );
});

test("a retried conflict is not reported as an outage", () => {
  const deadlock = Object.assign(new Error("deadlock detected"), { code: "40P01" });
  const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" });
  assert.equal(
    retryWarning(deadlock),
    "PostgreSQL aborted a statement on a conflict with another transaction, retrying: deadlock detected",
  );
  assert.equal(retryWarning(refused), "PostgreSQL unreachable, retrying: connect ECONNREFUSED 127.0.0.1:5432");
});

test("a statement batcher sends the items of one turn together, holds later ones while sends are under way, and answers each", async () => {
  const sent: string[][] = [];
  const releases: (() => void)[] = [];
  const batcher = createPostgresBatcher<string, boolean>(async (ids) => {
    sent.push(ids);
    await new Promise<void>((resolve) => releases.push(resolve));
    if (ids.includes("bad")) throw new Error("connection lost");
    return ids.map((id) => !id.startsWith("lost"));
  }, 1);
  const first = ["a", "lost-b", "c"].map((id) => batcher.add(id));
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(sent, [["a", "lost-b", "c"]]);
  const later = ["d", "bad"].map((id) => batcher.add(id));
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(sent.length, 1, "the second batch waits for the first (one send at a time)");
  releases[0]?.();
  assert.deepEqual(await Promise.all(first), [true, false, true]);
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(sent[1], ["d", "bad"]);
  releases[1]?.();
  for (const result of await Promise.allSettled(later)) {
    assert.equal(result.status, "rejected");
    assert.match(String((result as PromiseRejectedResult).reason), /connection lost/);
  }
});

test("the shared empty map reads as empty and takes no entries", () => {
  const map = noEntries<string, number>();
  assert.equal(map.size, 0);
  assert.equal(map.get("a"), undefined);
  assert.equal(map.delete("a"), false);
  assert.throws(() => map.set("a", 1), /takes no entries/);
  assert.equal(noEntries<string, number>().size, 0, "a refused entry is not kept");
});
