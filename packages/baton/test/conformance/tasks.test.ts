import assert from "node:assert/strict";
import { test } from "node:test";
import { type BatonError, createTestClock, defineWorkflow, type Engine, type LeasedTask } from "baton";
import { startEngine, statusOf, tempStore } from "../helpers.js";

/** Takes the next task of `queue` (waiting for it), leased to `workerId`. */
async function take(engine: Engine, queue = "work", workerId = "w1"): Promise<LeasedTask> {
  const [task] = await engine.tasks.poll({ workerId, queues: [queue], waitMs: 10_000 });
  assert.ok(task, `a task of queue "${queue}" was polled`);
  return task;
}

/** The code of the error `promise` rejects with. */
async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
  } catch (error) {
    return (error as BatonError).code;
  }
  assert.fail("expected a rejection");
}

const double = defineWorkflow("double", async (ctx, input: { n: number }) => {
  const { doubled } = await ctx.task<{ doubled: number }>("double", input, { queue: "work" });
  return ctx.step("plus-one", () => doubled + 1);
});

test("a task is leased by a poll and completed with its output; the run goes on and shows every attempt", async () => {
  await using engine = await startEngine([double]);
  const run = await engine.startRun(double, { n: 20 }, { id: "t-1" });
  const task = await take(engine);
  assert.deepEqual(
    { id: task.id, name: task.name, queue: task.queue, input: task.input, runId: task.runId, attempt: task.attempt },
    { id: "t-1:0", name: "double", queue: "work", input: { n: 20 }, runId: "t-1", attempt: 1 },
  );
  assert.equal((await engine.tasks.get("t-1:0"))?.status, "leased");
  assert.deepEqual(await engine.tasks.complete(task.token, { doubled: 40 }), { duplicate: false });
  assert.deepEqual(await engine.tasks.complete(task.token, { doubled: 0 }), { duplicate: true }, "idempotent by token");
  assert.equal(await run.result(), 41);

  const history = await engine.getHistory(run.id);
  const scheduled = history.find((e) => e.type === "task.scheduled");
  assert.deepEqual(
    [scheduled?.position, scheduled?.name, scheduled?.queue, scheduled?.input],
    [0, "double", "work", { n: 20 }],
  );
  const completed = history.find((e) => e.type === "task.completed");
  assert.equal(completed?.workerId, "w1");
  assert.deepEqual(completed?.output, { doubled: 40 }, "the first completion's output is the one kept");
  assert.deepEqual(
    completed?.attempts?.map((a) => [a.attempt, a.workerId, a.error]),
    [[1, "w1", undefined]],
  );
  const [call] = (await engine.getRun(run.id)).steps;
  assert.deepEqual([call?.kind, call?.status, call?.queue, call?.attempts.length], ["task", "completed", "work", 1]);
  const stored = await engine.tasks.get("t-1:0");
  assert.deepEqual([stored?.status, stored?.output, stored?.workerId], ["completed", { doubled: 40 }, "w1"]);
});

test("a failed attempt is retried after its backoff; a token of the earlier attempt is refused", async () => {
  const clock = createTestClock();
  const wf = defineWorkflow("retried", async (ctx) =>
    ctx.task("flaky", null, { queue: "work", retry: { maxAttempts: 3, initialInterval: "10s", jitter: 0 } }),
  );
  await using engine = await startEngine([wf], { clock });
  const run = await engine.startRun(wf, undefined, { id: "t-2" });
  const first = await take(engine);
  const failed = await engine.tasks.fail(first.token, { error: { message: "disk full", code: "ENOSPC" } });
  assert.equal(failed.retry, true);
  assert.equal(failed.retryAt?.getTime(), clock.now() + 10_000, "the policy's backoff");
  assert.equal((await engine.tasks.fail(first.token, { error: { message: "again" } })).duplicate, true);
  assert.deepEqual(await engine.tasks.poll({ workerId: "w1", queues: ["work"] }), [], "not before its backoff");
  await clock.advance("10s");
  const second = await take(engine, "work", "w2");
  assert.equal(second.attempt, 2);
  assert.equal(await codeOf(engine.tasks.complete(first.token, "late")), "TASK_LEASE_LOST");
  await engine.tasks.complete(second.token, "done");
  assert.equal(await run.result(), "done");
  const completed = (await engine.getHistory(run.id)).find((e) => e.type === "task.completed");
  assert.deepEqual(
    completed?.attempts?.map((a) => [a.attempt, a.workerId, a.error?.message, a.error?.code]),
    [
      [1, "w1", "disk full", "ENOSPC"],
      [2, "w2", undefined, undefined],
    ],
  );
});

test("a failure that is not retryable, or the last attempt's, rejects ctx.task with a TaskFailedError", async () => {
  const wf = defineWorkflow("fails", async (ctx, input: { attempts: number }) => {
    try {
      await ctx.task("convert", null, { queue: "work", retry: { maxAttempts: input.attempts, initialInterval: 0 } });
      return "no error";
    } catch (error) {
      const { code, name, message } = error as BatonError;
      return { code, name, message, cause: ((error as Error).cause as BatonError | undefined)?.code };
    }
  });
  await using engine = await startEngine([wf]);
  const fatal = await engine.startRun(wf, { attempts: 5 }, { id: "fatal" });
  const task = await take(engine);
  assert.deepEqual(
    await engine.tasks.fail(task.token, { error: { message: "bad file", code: "BAD" }, retryable: false }),
    {
      retry: false,
      duplicate: false,
    },
  );
  assert.deepEqual(await fatal.result(), {
    code: "TASK_FAILED",
    name: "TaskFailedError",
    message: 'task "convert" failed: bad file',
    cause: "BAD",
  });
  const last = await engine.startRun(wf, { attempts: 2 }, { id: "last" });
  for (const attempt of [1, 2]) {
    const leased = await take(engine);
    assert.equal(leased.attempt, attempt);
    await engine.tasks.fail(leased.token, { error: { message: `try ${attempt}` } });
  }
  assert.equal(((await last.result()) as { message: string }).message, 'task "convert" failed: try 2');
  const failed = (await engine.getHistory(last.id)).find((e) => e.type === "task.failed");
  assert.deepEqual([failed?.final, failed?.attempts?.length, failed?.error?.message], [true, 2, "try 2"]);
  assert.equal((await engine.tasks.get("last:0"))?.status, "failed");
});

test("a lapsed lease fails its attempt (timeout, then missed heartbeats): retried, then failed for good", async () => {
  const clock = createTestClock();
  const wf = defineWorkflow("lapses", async (ctx) =>
    ctx.task("slow", null, {
      queue: "work",
      timeout: "1m",
      heartbeatTimeout: "10s",
      retry: { maxAttempts: 2, initialInterval: 0 },
    }),
  );
  await using engine = await startEngine([wf], { clock });
  const run = await engine.startRun(wf, undefined, { id: "t-4" });
  const first = await take(engine);
  assert.equal(first.heartbeatTimeoutMs, 10_000);
  assert.equal(first.leaseExpiresAt.getTime(), clock.now() + 10_000, "the earlier of timeout and heartbeat timeout");
  // Heartbeats every 8s keep it alive past the heartbeat timeout, up to the attempt's timeout.
  for (let i = 1; i <= 7; i++) {
    await clock.advance("8s");
    const beat = await engine.tasks.heartbeat(first.token, { percent: i * 10 });
    assert.equal(beat.cancelRequested, false);
    assert.equal(
      beat.leaseExpiresAt.getTime(),
      Math.min(clock.now() + 10_000, first.leaseExpiresAt.getTime() + 50_000),
    );
  }
  assert.deepEqual((await engine.tasks.get("t-4:0"))?.details, { percent: 70 });
  await clock.advance("5s"); // 61s after the poll: past the attempt's timeout
  await statusOfTask(engine, "t-4:0", "queued");
  assert.equal(await codeOf(engine.tasks.heartbeat(first.token)), "TASK_LEASE_LOST");
  const second = await take(engine);
  assert.equal(second.attempt, 2);
  await clock.advance("11s"); // no heartbeat
  await statusOf(engine, run.id, "failed");
  const failed = (await engine.getHistory(run.id)).find((e) => e.type === "task.failed");
  assert.deepEqual(
    failed?.attempts?.map((a) => a.error?.code),
    ["TASK_TIMEOUT", "TASK_HEARTBEAT_TIMEOUT"],
  );
  assert.equal(await codeOf(engine.tasks.complete(second.token, "too late")), "TASK_LEASE_LOST");
});

/** Waits until task `id` has `status` (the engine's sweep ends lapsed leases on its clock). */
async function statusOfTask(engine: Engine, id: string, status: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while ((await engine.tasks.get(id))?.status !== status) {
    if (Date.now() > deadline) assert.fail(`task ${id} did not become ${status}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

test("a cancelled run's heartbeat says so, then its task is cancelled and refuses reports", async () => {
  const wf = defineWorkflow("cancelled", async (ctx) => {
    const waited = ctx.task("long", null, { queue: "work" });
    await ctx.sleep("1h");
    return waited;
  });
  await using engine = await startEngine([wf]);
  const run = await engine.startRun(wf, undefined, { id: "t-5" });
  const task = await take(engine);
  await engine.cancel(run.id);
  await statusOf(engine, run.id, "cancelled");
  assert.equal((await engine.tasks.get("t-5:0"))?.status, "cancelled");
  assert.equal(await codeOf(engine.tasks.heartbeat(task.token)), "TASK_CANCELLED");
  assert.equal(await codeOf(engine.tasks.complete(task.token, 1)), "TASK_CANCELLED");
  assert.deepEqual(await engine.tasks.poll({ workerId: "w1", queues: ["work"] }), []);
});

test("a task completed while no engine holds its run reaches it when a worker takes the run again", async () => {
  const store = tempStore();
  const worker = await startEngine([double], { store });
  const run = await worker.startRun(double, { n: 1 }, { id: "t-6" });
  await using api = await startEngine([], { store, start: false });
  const task = await take(api);
  await worker.stop();
  await api.tasks.complete(task.token, { doubled: 2 });
  await worker[Symbol.asyncDispose]();
  await using again = await startEngine([double], { store });
  assert.equal(await again.handle(run.id).result(), 3);
  assert.equal((await again.getHistory(run.id)).filter((e) => e.type === "task.scheduled").length, 1);
});

test("a run restarted while its task waits keeps that task; one resumed after the task failed queues it again", async () => {
  const store = tempStore();
  const wf = defineWorkflow("resumed-task", async (ctx) =>
    ctx.task("once", null, { queue: "work", retry: { maxAttempts: 1 } }),
  );
  const first = await startEngine([wf], { store });
  const run = await first.startRun(wf, undefined, { id: "t-7" });
  const leased = await take(first);
  await first[Symbol.asyncDispose]();
  await using engine = await startEngine([wf], { store });
  await engine.tasks.fail(leased.token, { error: { message: "broken" } });
  await statusOf(engine, run.id, "failed");
  await engine.resume(run.id);
  const again = await take(engine);
  assert.deepEqual([again.id, again.attempt], ["t-7:0", 1], "a new task at the same position");
  assert.equal(await codeOf(engine.tasks.complete(leased.token, "stale")), "TASK_LEASE_LOST");
  await engine.tasks.complete(again.token, "fixed");
  assert.equal(await engine.handle(run.id).result(), "fixed");
});

test("tasks of parallel branches are leased together and delivered in the order the code awaits them", async () => {
  const wf = defineWorkflow("fan-out", async (ctx) =>
    Promise.all(["a", "b", "c"].map((name) => ctx.task<string>(name, name, { queue: "work" }))),
  );
  await using engine = await startEngine([wf]);
  const run = await engine.startRun(wf, undefined, { id: "t-8" });
  const tasks: LeasedTask[] = [];
  while (tasks.length < 3)
    tasks.push(...(await engine.tasks.poll({ workerId: "w", queues: ["work"], max: 3, waitMs: 5000 })));
  for (const task of [...tasks].reverse()) await engine.tasks.complete(task.token, `${task.input}!`);
  assert.deepEqual(await run.result(), ["a!", "b!", "c!"]);
});

test("a waiting poll returns as soon as a task is queued in one of its queues", async () => {
  await using engine = await startEngine([double]);
  const polled = engine.tasks.poll({ workerId: "w1", queues: ["other", "work"], waitMs: 30_000 });
  const began = Date.now();
  await engine.startRun(double, { n: 2 }, { id: "t-9" });
  const [task] = await polled;
  assert.equal(task?.id, "t-9:0");
  assert.ok(Date.now() - began < 25_000, "woken, not timed out");
  const aborted = new AbortController();
  const waiting = engine.tasks.poll({ workerId: "w1", queues: ["none"], waitMs: 30_000, signal: aborted.signal });
  aborted.abort();
  assert.deepEqual(await waiting, [], "an aborted wait answers no task");
});

test("bad task calls, polls and reports are refused with an error naming the problem", async () => {
  const wf = defineWorkflow("bad-task", async (ctx, input: { queue?: string; timeout?: string; input?: unknown }) => {
    try {
      await ctx.task("t", input.input, { queue: input.queue, timeout: input.timeout });
    } catch (error) {
      return (error as BatonError).code;
    }
  });
  await using engine = await startEngine([wf]);
  assert.equal(await (await engine.startRun(wf, { queue: "no spaces" })).result(), "INVALID_NAME");
  assert.equal(await (await engine.startRun(wf, { timeout: "soon" })).result(), "INVALID_DURATION");
  const poll = (request: object) => codeOf(engine.tasks.poll(request as never));
  assert.equal(await poll({ queues: ["work"] }), "INVALID_POLL");
  assert.equal(await poll({ workerId: "w", queues: [] }), "INVALID_POLL");
  assert.equal(await poll({ workerId: "w", queues: ["a b"] }), "INVALID_POLL");
  assert.equal(await poll({ workerId: "w", queues: ["work"], max: 0 }), "INVALID_POLL");
  assert.equal(await poll({ workerId: "w", queues: ["work"], waitMs: 70_000 }), "INVALID_POLL");
  assert.equal(await codeOf(engine.tasks.complete("not-a-token", 1)), "INVALID_TASK_TOKEN");
  const unknown = `${Buffer.from("nope").toString("base64url")}.0.1.${"0".repeat(32)}`;
  assert.equal(await codeOf(engine.tasks.complete(unknown, 1)), "TASK_NOT_FOUND");
  assert.equal(await codeOf(engine.tasks.get("no-position")), "INVALID_TASK_ID");
  assert.equal(await codeOf(engine.tasks.list({ status: "done" as never })), "INVALID_STATUS");
});

test("a report that is not JSON, or a failure without a message, is refused and changes nothing", async () => {
  const wf = defineWorkflow("fatal-name", async (ctx) => ctx.task("t", null, { queue: "work" }));
  await using engine = await startEngine([wf]);
  const run = await engine.startRun(wf, undefined, { id: "t-11" });
  const task = await take(engine);
  assert.equal(await codeOf(engine.tasks.complete(task.token, { big: 10n })), "NOT_SERIALIZABLE");
  assert.equal((await engine.tasks.get("t-11:0"))?.status, "leased", "a refused report changes nothing");
  assert.equal(await codeOf(engine.tasks.fail(task.token, { error: {} } as never)), "INVALID_FAILURE");
  await engine.tasks.fail(task.token, { error: { message: "no", name: "FatalError" }, retryable: false });
  await statusOf(engine, run.id, "failed");
  assert.deepEqual(
    (await engine.tasks.list({ runId: run.id })).tasks.map((t) => [t.id, t.status, t.attempts.length]),
    [["t-11:0", "failed", 1]],
  );
});

test("task workers polling at once through several engines lease each task to one of them, once", async () => {
  const store = tempStore();
  const wf = defineWorkflow("raced", async (ctx, n: number) => ctx.task<number>("square", n, { queue: "race" }));
  await using worker = await startEngine([wf], { store });
  const apis = await Promise.all([1, 2, 3].map(() => startEngine([], { store, start: false })));
  try {
    const runs = await Promise.all(Array.from({ length: 60 }, (_, n) => worker.startRun(wf, n, { id: `r-${n}` })));
    const leased = new Map<string, string>();
    const pollers = apis.map(async (api, i) => {
      while (leased.size < runs.length) {
        const tasks = await api.tasks.poll({ workerId: `p-${i}`, queues: ["race"], max: 7, waitMs: 200 });
        for (const task of tasks) {
          assert.equal(leased.get(task.id), undefined, `task ${task.id} leased twice`);
          leased.set(task.id, `p-${i}`);
          await api.tasks.complete(task.token, (task.input as number) ** 2);
        }
      }
    });
    await Promise.all(pollers);
    assert.deepEqual(
      await Promise.all(runs.map((run) => run.result())),
      runs.map((_, n) => n * n),
    );
    const completed = await worker.tasks.list({ status: "completed", limit: 1000 });
    assert.equal(completed.tasks.length, 60);
    assert.ok(
      completed.tasks.every((task) => task.attempt === 1),
      "every task took one attempt",
    );
  } finally {
    for (const api of apis) await api[Symbol.asyncDispose]();
  }
});

test("a failure reported after the lapse was ended is refused as stale, not taken as a repeat", async () => {
  const clock = createTestClock();
  const wf = defineWorkflow("lapsed-fail", async (ctx) =>
    ctx.task("t", null, { queue: "work", timeout: "10s", retry: { maxAttempts: 3, initialInterval: "1m" } }),
  );
  await using engine = await startEngine([wf], { clock });
  await engine.startRun(wf, undefined, { id: "t-lf" });
  const task = await take(engine);
  await clock.advance("11s");
  await statusOfTask(engine, "t-lf:0", "queued");
  assert.equal(await codeOf(engine.tasks.fail(task.token, { error: { message: "late" } })), "TASK_LEASE_LOST");
  const aborted = new AbortController();
  aborted.abort();
  await clock.advance("1m");
  assert.deepEqual(
    await engine.tasks.poll({ workerId: "w", queues: ["work"], waitMs: 5000, signal: aborted.signal }),
    [],
    "a poll whose caller went away leases nothing",
  );
  assert.equal((await engine.tasks.get("t-lf:0"))?.status, "queued");
});
