import assert from "node:assert/strict";
import { test } from "node:test";
import type { CallInfo, Run, Task } from "../web/api/api-types.js";
import { computeTicks, layoutTimeline } from "../web/lib/timeline-layout.js";

const t0 = Date.parse("2026-01-01T00:00:00.000Z");
const at = (ms: number) => new Date(t0 + ms).toISOString();

function step(position: number, fields: Partial<CallInfo>): CallInfo {
  return {
    position,
    kind: "step",
    name: `s${position}`,
    status: "completed",
    startedAt: at(0),
    attempts: [],
    ...fields,
  };
}

const run: Pick<Run, "createdAt" | "finishedAt" | "steps"> = {
  createdAt: at(0),
  steps: [
    step(0, {
      name: "charge",
      startedAt: at(0),
      finishedAt: at(700),
      attempts: [
        {
          attempt: 1,
          status: "failed",
          startedAt: at(0),
          finishedAt: at(100),
          retryAt: at(300),
          error: { name: "Error", message: "timeout" },
        },
        { attempt: 2, status: "completed", startedAt: at(300), finishedAt: at(700) },
      ],
      compensation: {
        status: "completed",
        attempts: [{ attempt: 1, status: "completed", startedAt: at(2000), finishedAt: at(2100) }],
      },
    }),
    step(1, { kind: "child", name: "receipt", startedAt: at(700), finishedAt: at(900), childId: "r-1" }),
    step(2, {
      name: "label",
      startedAt: at(700),
      finishedAt: at(800),
      attempts: [{ attempt: 1, status: "completed", startedAt: at(700), finishedAt: at(800) }],
    }),
    step(3, {
      name: "reserve",
      startedAt: at(900),
      finishedAt: at(950),
      attempts: [{ attempt: 1, status: "completed", startedAt: at(900), finishedAt: at(950) }],
      compensation: {
        status: "completed",
        attempts: [{ attempt: 1, status: "completed", startedAt: at(1500), finishedAt: at(1600) }],
      },
    }),
    step(4, { kind: "timer", name: "sleep", startedAt: at(950), finishedAt: at(1200), dueAt: at(1200) }),
    step(5, { kind: "signal", name: "approve", status: "waiting", startedAt: at(1200) }),
  ],
};

test("each attempt is a segment of its own, with the retry wait between them", () => {
  const layout = layoutTimeline(run, t0 + 3000);
  const charge = layout.rows[0];
  assert.deepEqual(
    charge?.segments.map((s) => [s.kind, s.status, s.start - t0, s.end - t0, s.attempt]),
    [
      ["attempt", "failed", 0, 100, 1],
      ["backoff", "completed", 100, 300, undefined],
      ["attempt", "completed", 300, 700, 2],
    ],
  );
  assert.match(charge?.segments[0]?.label ?? "", /timeout/);
});

test("parallel steps get rows of their own; waits, timers and children are drawn as such; open ones end now", () => {
  const now = t0 + 3000;
  const layout = layoutTimeline(run, now);
  const kinds = layout.rows.map((row) => [row.key, row.segments.map((s) => s.kind).join()]);
  assert.deepEqual(kinds.slice(0, 6), [
    ["step-0", "attempt,backoff,attempt"],
    ["step-1", "child"],
    ["step-2", "attempt"],
    ["step-3", "attempt"],
    ["step-4", "sleep"],
    ["step-5", "wait"],
  ]);
  const wait = layout.rows[5]?.segments[0];
  assert.equal(wait?.open, true);
  assert.equal(wait?.end, now);
  assert.equal(layout.end, now);
});

test("compensations follow the steps, in the order they ran", () => {
  const layout = layoutTimeline(run, t0 + 3000);
  assert.deepEqual(
    layout.rows.slice(6).map((row) => [row.key, row.kind, row.name]),
    [
      ["compensation-3", "compensation", "reserve"],
      ["compensation-0", "compensation", "charge"],
    ],
  );
});

test("a step whose attempts are not recorded is drawn from its own times", () => {
  const layout = layoutTimeline(
    { createdAt: at(0), finishedAt: at(50), steps: [step(0, { startedAt: at(10), finishedAt: at(50) })] },
    t0 + 60,
  );
  assert.deepEqual(
    layout.rows[0]?.segments.map((s) => [s.kind, s.status, s.start - t0, s.end - t0]),
    [["attempt", "completed", 10, 50]],
  );
});

/** An open task of the run at position 0, as `GET /api/tasks` answers it. */
function openTask(fields: Partial<Task>): Task {
  return {
    id: "r:0",
    runId: "r",
    position: 0,
    name: "resize",
    queue: "media",
    status: "queued",
    input: {},
    attempt: 0,
    maxAttempts: 3,
    availableAt: at(0),
    timeoutMs: 300_000,
    attempts: [],
    createdAt: at(0),
    updatedAt: at(0),
    ...fields,
  };
}

const taskSegments = (call: CallInfo, now: number, task?: Task) =>
  layoutTimeline({ createdAt: at(0), steps: [call] }, t0 + now, new Map(task ? [[0, task]] : [])).rows[0]?.segments.map(
    (s) => [s.kind, s.status, s.start - t0, s.end - t0, s.open, s.attempt],
  );

test("a task waits for a task worker, then each attempt is a segment, with the retry wait between them", () => {
  const resize = step(0, {
    kind: "task",
    name: "resize",
    queue: "media",
    startedAt: at(0),
    finishedAt: at(900),
    attempts: [
      { attempt: 1, status: "failed", startedAt: at(100), finishedAt: at(200), error: { name: "E", message: "disk" } },
      { attempt: 2, status: "completed", startedAt: at(400), finishedAt: at(800) },
    ],
  });
  assert.deepEqual(taskSegments(resize, 3000), [
    ["wait", "completed", 0, 100, false, undefined],
    ["attempt", "failed", 100, 200, false, 1],
    ["backoff", "completed", 200, 400, false, undefined],
    ["attempt", "completed", 400, 800, false, 2],
  ]);
  const layout = layoutTimeline({ createdAt: at(0), steps: [resize] }, t0 + 3000);
  assert.equal(layout.rows[0]?.kind, "task");
  assert.match(layout.rows[0]?.segments[0]?.label ?? "", /task "resize" in task queue media, queued/);
});

test("an open task: queued, it waits until now; leased, the task worker's attempt runs until now", () => {
  const call = step(0, { kind: "task", name: "resize", queue: "media", status: "waiting", startedAt: at(0) });
  assert.deepEqual(taskSegments(call, 500), [["wait", "waiting", 0, 500, true, undefined]]);
  const leased = openTask({
    status: "leased",
    attempt: 2,
    workerId: "w-2",
    leasedAt: at(600),
    availableAt: at(300),
    attempts: [
      { attempt: 1, workerId: "w-1", startedAt: at(100), finishedAt: at(200), error: { name: "E", message: "x" } },
    ],
  });
  assert.deepEqual(taskSegments(call, 1000, leased), [
    ["wait", "completed", 0, 100, false, undefined],
    ["attempt", "failed", 100, 200, false, 1],
    ["backoff", "completed", 200, 600, false, undefined],
    ["attempt", "running", 600, 1000, true, 2],
  ]);
  const layout = layoutTimeline({ createdAt: at(0), steps: [call] }, t0 + 1000, new Map([[0, leased]]));
  assert.match(layout.rows[0]?.segments[1]?.label ?? "", /^attempt 1 by w-1, .*failed: x$/);
  assert.match(layout.rows[0]?.segments[3]?.label ?? "", /^attempt 2 by w-2, /);
});

test("an open task queued again after a failure waits out its retry wait, then waits for a task worker", () => {
  const call = step(0, { kind: "task", name: "resize", queue: "media", status: "waiting", startedAt: at(0) });
  const queued = openTask({
    attempt: 1,
    workerId: "w-1",
    availableAt: at(1000),
    attempts: [{ attempt: 1, workerId: "w-1", startedAt: at(100), finishedAt: at(200) }],
  });
  assert.deepEqual(taskSegments(call, 600, queued)?.slice(2), [["backoff", "waiting", 200, 600, true, undefined]]);
  assert.deepEqual(taskSegments(call, 1500, queued)?.slice(2), [
    ["backoff", "completed", 200, 1000, false, undefined],
    ["wait", "waiting", 1000, 1500, true, undefined],
  ]);
});

test("a human task is a wait for a person, open until it is answered", () => {
  const call = step(0, { kind: "human_task", name: "approve", status: "waiting", startedAt: at(100) });
  const open = layoutTimeline({ createdAt: at(0), steps: [call] }, t0 + 700).rows[0];
  assert.equal(open?.kind, "human_task");
  assert.deepEqual(
    open?.segments.map((s) => [s.kind, s.status, s.start - t0, s.end - t0, s.open]),
    [["wait", "waiting", 100, 700, true]],
  );
  assert.equal(open?.segments[0]?.label, 'human task "approve", 600 ms, waiting for a person');
  const answered = layoutTimeline(
    { createdAt: at(0), steps: [{ ...call, status: "completed", finishedAt: at(400) }] },
    t0 + 700,
  ).rows[0];
  assert.deepEqual(
    answered?.segments.map((s) => [s.kind, s.end - t0, s.open, s.label]),
    [["wait", 400, false, 'human task "approve", 300 ms, completed']],
  );
});

test("ticks are round offsets from the start", () => {
  assert.deepEqual(
    computeTicks(t0, t0 + 2500).map((tick) => tick.label),
    ["+0 ms", "+500 ms", "+1.00 s", "+1.50 s", "+2.00 s", "+2.50 s"],
  );
  assert.equal(computeTicks(t0, t0 + 3 * 86_400_000).length <= 7, true);
});
