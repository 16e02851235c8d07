import assert from "node:assert/strict";
import { test } from "node:test";
import type { Queue } from "../web/api/api-types.js";
import {
  addSamples,
  depthTrend,
  formatPeriod,
  formatRateWindow,
  formatRunning,
  formatTrend,
  slotShare,
  sparklinePoints,
} from "../web/lib/queue-stats.js";

const queue = (patch: Partial<Queue>): Queue => ({
  name: "emails",
  holdWhileWaiting: false,
  pending: 0,
  running: 0,
  startedInWindow: 0,
  finishedLastMinute: 0,
  registeredBy: "worker-1",
  registeredAt: "2026-01-01T00:00:00.000Z",
  ...patch,
});

test("running against the limit, and how full the slots are", () => {
  assert.equal(formatRunning(queue({ running: 3, concurrency: 5 })), "3/5");
  assert.equal(formatRunning(queue({ running: 3 })), "3");
  assert.equal(slotShare(queue({ running: 3, concurrency: 5 })), 0.6);
  assert.equal(slotShare(queue({ running: 7, concurrency: 5 })), 1, "never past full");
  assert.equal(slotShare(queue({ running: 0, concurrency: 0 })), 1, "no slot at all is full");
  assert.equal(slotShare(queue({ running: 3 })), undefined, "no limit");
});

test("the rate window, for the queue or per key", () => {
  assert.equal(formatRateWindow(queue({})), "-");
  assert.equal(
    formatRateWindow(queue({ startedInWindow: 4, rateLimit: { limit: 100, periodMs: 60_000, perKey: false } })),
    "4/100 per 1m",
  );
  assert.equal(
    formatRateWindow(queue({ startedInWindow: 1, rateLimit: { limit: 2, periodMs: 1500, perKey: true } })),
    "2 per 1500ms per key, 1 started",
  );
  assert.deepEqual([1000, 30_000, 3_600_000, 5_400_000, 172_800_000, 250].map(formatPeriod), [
    "1s",
    "30s",
    "1h",
    "90m",
    "2d",
    "250ms",
  ]);
});

test("samples: one per poll and queue, the last ones kept, gone queues dropped, a repeated answer ignored", () => {
  let samples = addSamples({}, [queue({ pending: 5, running: 1 }), queue({ name: "bills", pending: 1 })], 1000, 3);
  samples = addSamples(samples, [queue({ pending: 4, running: 1 })], 2000, 3);
  assert.deepEqual(Object.keys(samples), ["emails"]);
  samples = addSamples(samples, [queue({ pending: 4, running: 1 })], 2000, 3);
  samples = addSamples(samples, [queue({ pending: 3 })], 3000, 3);
  samples = addSamples(samples, [queue({ pending: 2 })], 4000, 3);
  assert.deepEqual(samples.emails, [
    { at: 2000, pending: 4, running: 1 },
    { at: 3000, pending: 3, running: 0 },
    { at: 4000, pending: 2, running: 0 },
  ]);
});

test("the depth's net change per minute, once the samples span long enough", () => {
  const at = (s: number, pending: number) => ({ at: s * 1000, pending, running: 1 });
  assert.equal(depthTrend([]), undefined);
  assert.equal(depthTrend([at(0, 10)]), undefined);
  assert.equal(depthTrend([at(0, 10), at(5, 9)]), undefined, "5 s is too short");
  assert.equal(depthTrend([at(0, 30), at(15, 20), at(30, 10)]), -40);
  assert.equal(depthTrend([at(0, 0), at(60, 3)]), 3);
  assert.deepEqual([undefined, 0, 0.04, -40, 2.46, 12.6].map(formatTrend), [
    "-",
    "steady",
    "steady",
    "-40/min",
    "+2.5/min",
    "+13/min",
  ]);
});

test("sparkline points span the box, 0 at the bottom and the largest value at the top", () => {
  assert.equal(sparklinePoints([], 80, 20), "");
  assert.equal(sparklinePoints([2], 80, 20), "0,0 80,0");
  assert.equal(sparklinePoints([0, 0], 80, 20), "0,20 80,20");
  assert.equal(sparklinePoints([0, 5, 10], 80, 20), "0,20 40,10 80,0");
});
