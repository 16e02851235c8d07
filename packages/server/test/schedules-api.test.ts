import assert from "node:assert/strict";
import { test } from "node:test";
import { createTestClock } from "baton";
import { eventually } from "../../baton/test/helpers.js";
import { readerToken, startApi } from "./api-helpers.js";

// biome-ignore lint/suspicious/noExplicitAny: JSON answers
type Json = any;

test("schedules over HTTP: create, read, change, pause, resume, trigger, backfill, delete; runs show their schedule", async () => {
  const clock = createTestClock(Date.parse("2026-12-07T10:05:00Z"));
  await using api = await startApi({ clock, logError: () => {} });
  const call = async (path: string, init: Parameters<typeof api.call>[1] = {}) => {
    const response = await api.call(path, init);
    return { status: response.status, body: (await response.json()) as Json };
  };
  const json = { "content-type": "application/json" };

  const created = await call("/api/schedules", {
    json: { id: "morning", workflow: "greet", cron: "0 9 * * 1-5", timezone: "Europe/Paris", input: { name: "Ada" } },
  });
  assert.equal(created.status, 201);
  assert.equal(created.body.nextFireAt, "2026-12-08T08:00:00.000Z");
  assert.equal(created.body.nextFireTimes.length, 5);
  assert.equal(created.body.source, "api");

  const exists = await call("/api/schedules", { json: { id: "morning", workflow: "greet", every: "1h" } });
  assert.equal(exists.status, 409);
  assert.equal(exists.body.error.code, "SCHEDULE_EXISTS");
  const bad = await call("/api/schedules", {
    json: { id: "x", workflow: "greet", cron: "0 9 * * *", timezone: "Nowhere/Land" },
  });
  assert.equal(bad.status, 400);
  assert.equal(bad.body.error.code, "INVALID_SCHEDULE");
  assert.match(bad.body.error.message, /Nowhere\/Land/);
  const unknownWorkflow = await call("/api/schedules", { json: { id: "x", workflow: "nope", every: "1h" } });
  assert.equal(unknownWorkflow.body.error.code, "INVALID_SCHEDULE");
  assert.equal((await call("/api/schedules/nope")).body.error.code, "SCHEDULE_NOT_FOUND");
  assert.equal((await call("/api/schedules/nope")).status, 404);
  const forbidden = await call("/api/schedules/morning/pause", { method: "POST", headers: json, token: readerToken });
  assert.equal(forbidden.status, 403);
  assert.deepEqual(
    (await call("/api/schedules", { token: readerToken })).body.schedules.map((s: Json) => s.id),
    ["morning"],
  );

  const changed = await call("/api/schedules/morning", { method: "PATCH", json: { every: "30m" } });
  assert.equal(changed.status, 200);
  assert.equal(changed.body.every, "30m");
  assert.equal(changed.body.cron, undefined);
  assert.equal(changed.body.nextFireAt, "2026-12-07T10:30:00.000Z");
  const paused = await call("/api/schedules/morning/pause", { method: "POST", headers: json });
  assert.equal(paused.body.paused, true);
  const resumed = await call("/api/schedules/morning/resume", { method: "POST", headers: json });
  assert.equal(resumed.body.paused, false);

  const triggered = await call("/api/schedules/morning/trigger", { method: "POST", headers: json });
  assert.equal(triggered.status, 201);
  assert.equal(triggered.body.run.id, "morning@2026-12-07T10:05:00.000Z");
  assert.equal(triggered.body.run.scheduleId, "morning");
  assert.equal(triggered.body.run.scheduledAt, "2026-12-07T10:05:00.000Z");

  const range = { from: "2026-12-01T00:00:00Z", to: "2026-12-01T02:00:00Z" };
  const backfilled = await call("/api/schedules/morning/backfill", { json: range });
  assert.deepEqual(backfilled.body.created, [
    "morning@2026-12-01T00:00:00.000Z",
    "morning@2026-12-01T00:30:00.000Z",
    "morning@2026-12-01T01:00:00.000Z",
    "morning@2026-12-01T01:30:00.000Z",
  ]);
  assert.deepEqual((await call("/api/schedules/morning/backfill", { json: range })).body.created, []);
  const reversed = await call("/api/schedules/morning/backfill", { json: { from: range.to, to: range.from } });
  assert.equal(reversed.body.error.code, "INVALID_BACKFILL");

  await clock.advance("25m"); // 10:30: a fire time
  await eventually(async () => (await call("/api/runs?scheduleId=morning")).body.runs.length === 6);
  const runs = (await call("/api/runs?scheduleId=morning&limit=10")).body.runs as Json[];
  assert.ok(runs.every((run) => run.scheduleId === "morning" && typeof run.scheduledAt === "string"));
  assert.ok(runs.some((run) => run.id === "morning@2026-12-07T10:30:00.000Z"));
  assert.deepEqual((await call("/api/runs?scheduleId=other")).body.runs, []);

  const deleted = await call("/api/schedules/morning", { method: "DELETE", headers: json });
  assert.deepEqual(deleted.body, { scheduleId: "morning" });
  assert.equal((await call("/api/schedules/morning", { method: "DELETE", headers: json })).status, 404);
});
