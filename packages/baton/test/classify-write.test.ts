import assert from "node:assert/strict";
import { test } from "node:test";
import { classifyWrite } from "../src/worker/classify-write.js";

const start = { seq: 2, type: "step.started" as const, at: 1, position: 0, name: "s", attempt: 1 };
const done = { seq: 3, type: "step.completed" as const, at: 1, position: 0, name: "s", attempt: 1, output: 1 };
const finish = { seq: 4, type: "run.completed" as const, at: 1, output: 1 };
const child = { id: "c", workflow: "w", version: "1", input: 1, history: [] };

test("the journal classifies each write once as one verb", () => {
  const kind = (fields: Parameters<typeof classifyWrite>[0]) => classifyWrite(fields, undefined, 1).kind;
  assert.equal(kind({ events: [start] }), "starts");
  assert.equal(kind({ events: [start], status: "running", wakeAt: null }), "starts", "with the status and timer");
  assert.equal(kind({ events: [done, start] }), "progress");
  assert.equal(kind({ events: [], status: "waiting" }), "progress", "a status change alone");
  assert.equal(kind({ events: [start], consumedSignals: [1] }), "progress", "a start that consumes a signal");
  assert.equal(kind({ events: [finish], status: "completed", output: 1 }), "finish");
  assert.equal(kind({ events: [finish], status: "completed", consumedSignals: [1] }), "full", "a finish that consumes");
  assert.equal(kind({ events: [], release: true, status: "waiting", wakeAt: 5 }), "release");
  assert.equal(kind({ events: [start], children: [child] }), "full", "children to create");
  assert.equal(kind({ events: [start], eventWaits: [{ position: 1, name: "e" }] }), "full", "an event wait");
  assert.equal(kind({ events: [start], endedEventWaits: [1] }), "full", "an event wait ended");
});

test("a release write has no release flag, and a timer of null when none was given", () => {
  const write = classifyWrite({ events: [], release: true, status: "waiting" }, 3, 9);
  assert.deepEqual(write, { events: [], status: "waiting", kind: "release", wakeAt: null, seenPokeSeq: 3, now: 9 });
});
