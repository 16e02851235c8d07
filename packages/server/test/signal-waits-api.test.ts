import assert from "node:assert/strict";
import { test } from "node:test";
import { createTestClock } from "baton";
import { startEngine, statusOf } from "../../baton/test/helpers.js";
import { createApp } from "../src/index.js";
import { apiWorkflows, readerToken } from "./api-helpers.js";

type Json = Record<string, unknown> & { error?: { code: string; message: string } };

test("signal waits: a reader lists the open waits, the longest waiting first, filtered and paged", async () => {
  const clock = createTestClock();
  await using engine = await startEngine(apiWorkflows(), { clock });
  const app = createApp({ engine, tokens: [{ token: readerToken, role: "reader" }], logger: { error: () => {} } });
  const get = async (path: string, token: string | null = readerToken) => {
    const response = await app.request(path, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    return { status: response.status, body: (await response.json()) as Json };
  };
  for (const id of ["a-2", "a-1", "a-3"]) {
    await engine.startRun("approval", { item: id }, { id });
    await statusOf(engine, id, "waiting");
    await clock.advance("1m");
  }
  await engine.signal("a-3", "approve", true);
  await statusOf(engine, "a-3", "completed");

  const first = await get("/api/signal-waits?limit=1");
  assert.equal(first.status, 200);
  const waits = first.body.waits as Json[];
  assert.deepEqual(waits, [
    {
      runId: "a-2",
      workflow: "approval",
      version: "1",
      runStatus: "waiting",
      position: 0,
      name: "approve",
      since: new Date(clock.now() - 3 * 60_000).toISOString(),
      approval: true,
    },
  ]);
  const cursor = first.body.nextCursor as string;
  assert.equal(typeof cursor, "string");
  const second = await get(`/api/signal-waits?limit=1&cursor=${encodeURIComponent(cursor)}`);
  assert.deepEqual(
    (second.body.waits as Json[]).map((w) => w.runId),
    ["a-1"],
  );
  assert.equal(second.body.nextCursor, undefined);

  const named = await get("/api/signal-waits?name=approve&workflow=approval");
  assert.deepEqual(
    (named.body.waits as Json[]).map((w) => w.runId),
    ["a-2", "a-1"],
  );
  assert.deepEqual((await get("/api/signal-waits?name=other")).body, { waits: [] });
  assert.deepEqual((await get("/api/signal-waits?workflow=greet")).body, { waits: [] });

  const badCursor = await get("/api/signal-waits?cursor=nope");
  assert.equal(badCursor.status, 400);
  assert.equal(badCursor.body.error?.code, "INVALID_CURSOR");
  const badLimit = await get("/api/signal-waits?limit=0");
  assert.equal(badLimit.status, 400);
  assert.match(badLimit.body.error?.message ?? "", /limit/);
  assert.equal((await get("/api/signal-waits", null)).status, 401);
});
