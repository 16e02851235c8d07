import assert from "node:assert/strict";
import { test } from "node:test";
import { createTestClock, defineWorkflow } from "baton";
import { statusOf } from "../../baton/test/helpers.js";
import { readerToken, startApi } from "./api-helpers.js";

type Json = Record<string, unknown> & { error?: { code: string; message: string } };

const resize = defineWorkflow("resize", async (ctx, input: { url: string }) =>
  ctx.task("resize-image", input, { queue: "media" }),
);

test("tasks list by several statuses at once, and a task tells when its last attempt was leased", async () => {
  const clock = createTestClock();
  await using api = await startApi({ clock, workflows: [resize] });
  for (const id of ["r-1", "r-2", "r-3"]) {
    await api.engine.startRun(resize, { url: `https://example.com/${id}.png` }, { id });
    await statusOf(api.engine, id, "waiting");
    await clock.advance("1s");
  }
  const [leased] = await api.engine.tasks.poll({ workerId: "w-1", queues: ["media"] });
  assert.equal(leased?.id, "r-1:0");
  const leasedAt = new Date(clock.now()).toISOString();
  await clock.advance("1s");
  const [done] = await api.engine.tasks.poll({ workerId: "w-2", queues: ["media"] });
  assert.ok(done);
  await api.engine.tasks.complete(done.token, { width: 320 });
  await statusOf(api.engine, "r-2", "completed");

  const list = async (query: string) => {
    const response = await api.call(`/api/tasks?${query}`, { token: readerToken });
    return { status: response.status, body: (await response.json()) as Json };
  };
  const ids = (page: { body: Json }) => (page.body.tasks as Json[]).map((task) => `${task.id} ${task.status}`);
  assert.deepEqual(ids(await list("status=queued,leased")), ["r-1:0 leased", "r-3:0 queued"]);
  assert.deepEqual(ids(await list("status=completed,leased&queue=media&limit=1")), ["r-1:0 leased"]);
  assert.deepEqual(ids(await list("status=completed")), ["r-2:0 completed"]);
  assert.deepEqual(ids(await list("")), ["r-1:0 leased", "r-2:0 completed", "r-3:0 queued"]);
  for (const bad of ["status=queued,bogus", "status=", "status=queued,,leased"]) {
    const refused = await list(bad);
    assert.equal(refused.status, 400, bad);
    assert.equal(refused.body.error?.code, "INVALID_REQUEST", bad);
  }

  const [first, second, third] = (await list("")).body.tasks as Json[];
  assert.equal(first?.leasedAt, leasedAt);
  assert.equal(second?.leasedAt, new Date(clock.now()).toISOString(), "the attempt that completed it");
  assert.equal(third?.leasedAt, undefined, "never leased");
});
