import assert from "node:assert/strict";
import { test } from "node:test";
import { defineWorkflow, type Engine } from "baton";
import { startEngine } from "../../baton/test/helpers.js";
import { createApp } from "../src/index.js";
import { workerToken } from "./api-helpers.js";

const convert = defineWorkflow("convert", async (ctx, file: string) =>
  ctx.task("convert", { file }, { queue: "media" }),
);

test("a task worker with a worker token polls, heartbeats and completes a task over HTTP; the run goes on", async () => {
  await using engine = await startEngine([convert]);
  const app = createApp({ engine, tokens: [{ token: workerToken, role: "worker" }], logger: { error() {} } });
  const post = async (path: string, body: unknown) => {
    const response = await app.request(path, {
      method: "POST",
      headers: { authorization: `Bearer ${workerToken}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const polled = post("/api/tasks/poll", { workerId: "go-1", queues: ["media"], waitMs: 10_000 });
  const run = await engine.startRun(convert, "a.png", { id: "c-1" });
  const { status, body } = await polled;
  assert.equal(status, 200);
  const [task] = body.tasks as { token: string; id: string; input: unknown; attempt: number; leaseExpiresAt: string }[];
  assert.deepEqual([task?.id, task?.input, task?.attempt], ["c-1:0", { file: "a.png" }, 1]);
  assert.ok(Date.parse(task?.leaseExpiresAt ?? "") > Date.now(), "an ISO time in the future");
  const token = encodeURIComponent(task?.token ?? "");
  const beat = await post(`/api/tasks/${token}/heartbeat`, { details: { percent: 50 } });
  assert.deepEqual([beat.status, beat.body.cancelRequested], [200, false]);
  const done = await post(`/api/tasks/${token}/complete`, { output: { file: "a.webp" } });
  assert.deepEqual([done.status, done.body], [200, { duplicate: false }]);
  assert.deepEqual(await run.result(), { file: "a.webp" });
  const late = await post(`/api/tasks/${token}/fail`, { error: { message: "late" } });
  assert.equal(late.status, 409);
  assert.equal((late.body.error as { code: string }).code, "TASK_LEASE_LOST");
});

test("a report that fails in the server is logged without its task token", async () => {
  await using engine = await startEngine([convert]);
  const logged: string[] = [];
  const failing = new Proxy(engine, {
    get: (target, key) =>
      key === "tasks"
        ? {
            complete: () => {
              throw new Error("the store is down");
            },
          }
        : (target as never)[key],
  }) as Engine;
  const app = createApp({ engine: failing, logger: { error: (message) => logged.push(message) } });
  const token = `${Buffer.from("c-9").toString("base64url")}.0.1.${"a".repeat(32)}`;
  const response = await app.request(`/api/tasks/${token}/complete`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: "{}",
  });
  assert.equal(response.status, 500);
  assert.deepEqual(logged, ["POST /api/tasks/{token}/complete failed"]);
  assert.ok(!(await response.text()).includes("a".repeat(32)), "nor answered");
});
