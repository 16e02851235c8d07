import assert from "node:assert/strict";
import { test } from "node:test";
import { createTaskWorker, defineWorkflow, FatalError, RetryableError, RunFailedError, type TaskContext } from "baton";
import { eventually } from "../../baton/test/helpers.js";
import {
  collectWarnings,
  createGate,
  findFreePort,
  operatorToken,
  startTaskServer,
  workerToken,
} from "./task-worker-server.js";

const resize = defineWorkflow("resize", async (ctx, input: { url: string; width: number }) => {
  const thumb = await ctx.task<{ url: string }>("resize-image", input, { queue: "media", timeout: "30s" });
  return ctx.step("publish", () => `published ${thumb.url}`);
});

/** A workflow that hands one task named by its input to the queue `jobs`, with a fast retry policy. */
const delegate = defineWorkflow(
  "delegate",
  async (ctx, input: { task: string; heartbeatTimeout?: string; value?: unknown }) =>
    ctx.task(input.task, input.value ?? null, {
      queue: "jobs",
      timeout: "30s",
      ...(input.heartbeatTimeout ? { heartbeatTimeout: input.heartbeatTimeout } : {}),
      retry: { maxAttempts: 3, initialInterval: "10ms", backoffCoefficient: 1 },
    }),
);

/** The error a run's `result()` rejects with. */
async function failureOf(result: Promise<unknown>): Promise<RunFailedError> {
  const error = await result.then(
    () => assert.fail("expected the run to fail"),
    (e: unknown) => e,
  );
  assert.ok(error instanceof RunFailedError, String(error));
  return error;
}

test("a workflow's task is done by the task worker: its output reaches the run, recorded with the worker and attempt", async () => {
  await using api = await startTaskServer([resize]);
  const seen: Pick<TaskContext, "id" | "runId" | "attempt" | "name" | "queue">[] = [];
  await using worker = createTaskWorker({
    url: api.url,
    token: workerToken,
    queues: ["media"],
    workerId: "ts-worker-1",
    handlers: {
      "resize-image": async (input: { url: string; width: number }, task) => {
        seen.push({ id: task.id, runId: task.runId, attempt: task.attempt, name: task.name, queue: task.queue });
        return { url: `${input.url}?w=${input.width}` };
      },
    },
  });
  assert.equal(worker.workerId, "ts-worker-1");

  const run = await api.engine.startRun(resize, { url: "https://img.test/cat.png", width: 64 }, { id: "resize-1" });
  assert.equal(await run.result(), "published https://img.test/cat.png?w=64");
  assert.deepEqual(seen, [{ id: "resize-1:0", runId: "resize-1", attempt: 1, name: "resize-image", queue: "media" }]);

  const history = await api.engine.getHistory(run.id);
  const completed = history.find((event) => event.type === "task.completed");
  assert.equal(completed?.workerId, "ts-worker-1");
  assert.deepEqual(completed?.output, { url: "https://img.test/cat.png?w=64" });
  assert.deepEqual(
    completed?.attempts?.map((a) => [a.attempt, a.workerId, a.error]),
    [[1, "ts-worker-1", undefined]],
  );
  const task = await api.engine.tasks.get("resize-1:0");
  assert.equal(task?.status, "completed");
});

test("the task worker runs up to `concurrency` handlers at once and leases no more tasks than it can run", async () => {
  await using api = await startTaskServer([resize]);
  const gate = createGate();
  let running = 0;
  let most = 0;
  await using worker = createTaskWorker({
    url: api.url,
    token: workerToken,
    queues: ["media"],
    concurrency: 2,
    handlers: {
      "resize-image": async (input: { url: string }) => {
        running++;
        most = Math.max(most, running);
        await gate.opened;
        running--;
        return { url: input.url };
      },
    },
  });
  const runs = await Promise.all(
    [1, 2, 3, 4].map((n) => api.engine.startRun(resize, { url: `u${n}`, width: n }, { id: `many-${n}` })),
  );
  try {
    await eventually(() => running === 2);
    assert.equal(worker.inFlight, 2);
    // Every run has queued its task (the last ones may still be starting), and two of them wait for a slot.
    const queued = await eventually(async () => {
      const page = await api.engine.tasks.list({ queue: "media", status: "queued" });
      return page.tasks.length === 2 ? page : undefined;
    });
    const leased = await api.engine.tasks.list({ queue: "media", status: "leased" });
    assert.equal(leased.tasks.length, 2);
    assert.equal(queued.tasks.length, 2, "the two others wait for a free slot");
  } finally {
    gate.open(); // a failed check fails the test; it must not leave handlers waiting (and the worker's stop with them)
  }
  assert.deepEqual((await Promise.all(runs.map((run) => run.result()))).sort(), [
    "published u1",
    "published u2",
    "published u3",
    "published u4",
  ]);
  assert.equal(most, 2);
});

test("a handler that throws is retried per the task's policy, then the run fails with TaskFailedError", async () => {
  await using api = await startTaskServer([delegate]);
  const attempts: number[] = [];
  await using _worker = createTaskWorker({
    url: api.url,
    token: workerToken,
    queues: ["jobs"],
    workerId: "ts-flaky",
    handlers: {
      flaky: async (_input, task) => {
        attempts.push(task.attempt);
        // The first failure asks for its retry later than the policy's 10ms.
        if (task.attempt === 1) throw new RetryableError("warming up", { retryAfter: "300ms" });
        throw Object.assign(new Error(`boom at attempt ${task.attempt}`), { code: "E_BOOM" });
      },
    },
  });
  const run = await api.engine.startRun(delegate, { task: "flaky" }, { id: "flaky-1" });
  const failure = await failureOf(run.result());
  assert.equal(failure.status, "failed");
  assert.equal(failure.error?.name, "TaskFailedError");
  assert.match(failure.error?.message ?? "", /boom at attempt 3/);
  assert.deepEqual(attempts, [1, 2, 3]);

  const failed = (await api.engine.getHistory(run.id)).find((event) => event.type === "task.failed");
  assert.equal(failed?.error?.code, "E_BOOM");
  const recorded = failed?.attempts ?? [];
  assert.deepEqual(
    recorded.map((a) => [a.attempt, a.workerId, a.error?.name, a.error?.message]),
    [
      [1, "ts-flaky", "RetryableError", "warming up"],
      [2, "ts-flaky", "Error", "boom at attempt 2"],
      [3, "ts-flaky", "Error", "boom at attempt 3"],
    ],
  );
  const [first, second] = recorded;
  const gap = (second?.startedAt.getTime() ?? 0) - (first?.finishedAt.getTime() ?? 0);
  assert.ok(gap >= 300, `the second attempt waited for retryAfter (it began ${gap}ms after the first failed)`);
  assert.match(recorded[0]?.error?.stack ?? "", /RetryableError: warming up/);
});

test("a FatalError, an error named FatalError and a task without a handler fail at once, without a retry", async () => {
  await using api = await startTaskServer([delegate]);
  const calls: string[] = [];
  await using _worker = createTaskWorker({
    url: api.url,
    token: workerToken,
    queues: ["jobs"],
    workerId: "ts-fatal",
    handlers: {
      fatal: async () => {
        calls.push("fatal");
        throw new FatalError("card declined");
      },
      foreign: async () => {
        calls.push("foreign");
        throw Object.assign(new Error("from another copy of the library"), { name: "FatalError" });
      },
    },
  });
  const cases = [
    ["fatal", "FatalError", /^card declined$/],
    ["foreign", "FatalError", /^from another copy of the library$/],
    [
      "unknown",
      "FatalError",
      /^task worker "ts-fatal" has no handler for task "unknown" \(it handles "fatal", "foreign"\)$/,
    ],
  ] as const;
  for (const [name, errorName, message] of cases) {
    const run = await api.engine.startRun(delegate, { task: name }, { id: `fatal-${name}` });
    const failure = await failureOf(run.result());
    assert.equal(failure.error?.name, "TaskFailedError", name);
    const task = await api.engine.tasks.get(`fatal-${name}:0`);
    assert.equal(task?.status, "failed", name);
    assert.equal(task?.attempt, 1, `${name}: one attempt, no retry`);
    assert.equal(task?.attempts.length, 1, name);
    assert.equal(task?.error?.name, errorName, name);
    assert.match(task?.error?.message ?? "", message, name);
  }
  assert.deepEqual(calls, ["fatal", "foreign"]);
  const unknown = await api.engine.tasks.get("fatal-unknown:0");
  assert.equal(unknown?.error?.code, "NO_TASK_HANDLER");
});

test("heartbeats keep an attempt alive well past its heartbeat timeout, carrying the handler's details", async () => {
  await using api = await startTaskServer([delegate]);
  const gate = createGate();
  let startedAt = Number.POSITIVE_INFINITY;
  await using _worker = createTaskWorker({
    url: api.url,
    token: workerToken,
    queues: ["jobs"],
    handlers: {
      slow: async (_input, task) => {
        startedAt = Date.now();
        await task.heartbeat({ stage: "started" });
        await gate.opened;
        return "done";
      },
    },
  });
  const run = await api.engine.startRun(delegate, { task: "slow", heartbeatTimeout: "300ms" }, { id: "slow-1" });
  // Five heartbeat timeouts (and more than one sweep of lapsed leases) after the handler began, it still holds the lease.
  const alive = await eventually(async () => {
    const task = await api.engine.tasks.get("slow-1:0");
    return task?.status === "leased" && (task.heartbeatAt?.getTime() ?? 0) - startedAt > 1_500 ? task : undefined;
  });
  assert.equal(alive.attempt, 1);
  assert.deepEqual(alive.details, { stage: "started" }, "automatic heartbeats send the last details again");
  assert.deepEqual(alive.attempts, [], "no attempt lapsed");
  gate.open();
  assert.equal(await run.result(), "done");
  const completed = (await api.engine.getHistory(run.id)).find((event) => event.type === "task.completed");
  assert.equal(completed?.attempts?.length, 1);
});

test("a run that is cancelled aborts the handler's signal; nothing is retried", async () => {
  await using api = await startTaskServer([delegate]);
  const started = createGate();
  const reasons: unknown[] = [];
  await using _worker = createTaskWorker({
    url: api.url,
    token: workerToken,
    queues: ["jobs"],
    handlers: {
      endless: async (_input, task) => {
        started.open();
        await new Promise((resolve) => task.signal.addEventListener("abort", resolve, { once: true }));
        reasons.push((task.signal.reason as { code?: string }).code);
        throw task.signal.reason;
      },
    },
  });
  const run = await api.engine.startRun(delegate, { task: "endless", heartbeatTimeout: "300ms" }, { id: "cancel-1" });
  await started.opened;
  await api.engine.cancel(run.id);
  const failure = await failureOf(run.result());
  assert.equal(failure.status, "cancelled");
  await eventually(() => reasons.length === 1);
  assert.ok(["TASK_CANCEL_REQUESTED", "TASK_CANCELLED"].includes(reasons[0] as string), String(reasons[0]));
  const task = await api.engine.tasks.get("cancel-1:0");
  assert.equal(task?.status, "cancelled");
  assert.equal(task?.attempt, 1);
});

test("stop() aborts the signals of the attempts in flight and resolves once their handlers returned and were reported", async () => {
  await using api = await startTaskServer([delegate]);
  const started = createGate();
  const events: string[] = [];
  const worker = createTaskWorker({
    url: api.url,
    token: workerToken,
    queues: ["jobs"],
    handlers: {
      "wind-up": async (_input, task) => {
        started.open();
        await new Promise((resolve) => task.signal.addEventListener("abort", resolve, { once: true }));
        events.push(`aborted: ${(task.signal.reason as { code?: string }).code}`);
        // Some last work after the stop was asked for, then the output.
        await new Promise((resolve) => setImmediate(resolve));
        events.push("returned");
        return "wound up";
      },
    },
  });
  const run = await api.engine.startRun(delegate, { task: "wind-up" }, { id: "stop-1" });
  await started.opened;
  assert.equal(worker.inFlight, 1);
  const stopped = worker.stop().then(() => events.push("stopped"));
  assert.equal(worker.stop(), worker.stop(), "stop is idempotent");
  await stopped;
  assert.deepEqual(events, ["aborted: TASK_WORKER_STOPPED", "returned", "stopped"]);
  assert.equal(worker.inFlight, 0);
  assert.equal((await api.engine.tasks.get("stop-1:0"))?.status, "completed", "reported before stop() resolved");
  assert.equal(await run.result(), "wound up");
});

test("a poll that cannot reach the server is tried again with backoff until it does", async () => {
  const port = await findFreePort();
  const { messages, logger } = collectWarnings();
  await using worker = createTaskWorker({
    url: `http://127.0.0.1:${port}`,
    token: workerToken,
    queues: ["media"],
    workerId: "ts-patient",
    logger,
    handlers: { "resize-image": async (input: { url: string }) => ({ url: `${input.url}!` }) },
  });
  await eventually(() => messages.some((m) => m.startsWith('task worker "ts-patient" could not poll')));
  assert.match(messages[0] ?? "", /ECONNREFUSED/);
  await using api = await startTaskServer([resize], {}, port);
  const run = await api.engine.startRun(resize, { url: "late", width: 1 });
  assert.equal(await run.result(), "published late!");
  assert.ok(messages.some((m) => /^task worker "ts-patient" polls again \(after \d+ failed polls\)$/.test(m)));
  await worker.stop();
});

test("a worker token polls and reports tasks, and nothing else: every other route answers 403", async () => {
  await using api = await startTaskServer([resize]);
  const call = (method: string, path: string, token: string, json?: unknown) =>
    fetch(`${api.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      ...(json === undefined ? {} : { body: JSON.stringify(json) }),
    });
  const doc = (await (await fetch(`${api.url}/api/openapi.json`)).json()) as {
    paths: Record<string, Record<string, unknown>>;
  };
  const taskWork = /^\/api\/tasks\/(poll|\{token\}\/(heartbeat|complete|fail))$/;
  const open = new Set([
    "/api/health",
    "/api/ready",
    "/api/openapi.json",
    "/api/schemas/workflow-definition.json",
    "/api/whoami",
  ]);
  let refused = 0;
  for (const [template, methods] of Object.entries(doc.paths)) {
    for (const method of Object.keys(methods)) {
      if (open.has(template) || (method === "post" && taskWork.test(template))) continue;
      const path = template.replace(/\{\w+\}/g, "x-1");
      const answer = await call(method.toUpperCase(), path, workerToken, method === "get" ? undefined : {});
      assert.equal(answer.status, 403, `${method.toUpperCase()} ${template}`);
      const body = (await answer.json()) as { error: { code: string; message: string } };
      assert.equal(body.error.code, "FORBIDDEN");
      assert.match(body.error.message, /^a worker token can only poll and report tasks/);
      refused++;
    }
  }
  assert.ok(refused >= 20, `${refused} operations refused`);
  assert.equal((await api.engine.listRuns()).runs.length, 0, "no run was started");

  const polled = await call("POST", "/api/tasks/poll", workerToken, { workerId: "w", queues: ["media"], waitMs: 0 });
  assert.equal(polled.status, 200);
  assert.deepEqual(await polled.json(), { tasks: [] });
  const lost = await call("POST", "/api/tasks/not-a-token/complete", workerToken, {});
  assert.equal(lost.status, 400, "a report with a malformed token reaches the route (and is refused there)");
  const whoami = await call("GET", "/api/whoami", workerToken);
  assert.deepEqual(await whoami.json(), { role: "worker", name: "worker", auth: true });
  const asOperator = await call("GET", "/api/tasks", operatorToken);
  assert.equal(asOperator.status, 200);
});

test("createTaskWorker refuses bad options, naming them", () => {
  const base = { url: "http://127.0.0.1:1", queues: ["q"], handlers: { t: () => 1 } };
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ url: "ftp://x" }, /invalid url "ftp:\/\/x"/],
    [{ queues: [] }, /invalid queues \[\]/],
    [{ queues: ["bad queue"] }, /invalid task queue "bad queue"/],
    [{ handlers: {} }, /invalid handlers/],
    [{ handlers: { t: "nope" } }, /invalid handler of task "t"/],
    [{ concurrency: 0 }, /invalid concurrency 0/],
    [{ pollWaitMs: 60_001 }, /invalid pollWaitMs 60001/],
    [{ workerId: "" }, /invalid workerId ""/],
    [{ token: "two words" }, /invalid token/],
  ];
  for (const [patch, message] of cases) {
    assert.throws(
      () => createTaskWorker({ ...base, ...patch } as Parameters<typeof createTaskWorker>[0]),
      (error: Error & { code?: string }) => error.code === "INVALID_OPTIONS" && message.test(error.message),
      JSON.stringify(patch),
    );
  }
});
