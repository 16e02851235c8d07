import assert from "node:assert/strict";
import { test } from "node:test";
import type { CallInfo, HistoryEvent, Task } from "../web/api/api-types.js";
import { attemptsOfTask, findTaskFinish, taskAttempts } from "../web/lib/task-attempts.js";

const t0 = Date.parse("2026-01-01T00:00:00.000Z");
const at = (ms: number) => new Date(t0 + ms).toISOString();
const disk = { name: "Error", message: "disk full" };

const call: CallInfo = {
  position: 1,
  kind: "task",
  name: "resize",
  queue: "media",
  status: "completed",
  startedAt: at(0),
  finishedAt: at(900),
  attempts: [
    { attempt: 1, status: "failed", startedAt: at(100), finishedAt: at(200), error: disk },
    { attempt: 2, status: "completed", startedAt: at(400), finishedAt: at(800) },
  ],
};

const task: Task = {
  id: "r:1",
  runId: "r",
  position: 1,
  name: "resize",
  queue: "media",
  status: "leased",
  input: {},
  attempt: 2,
  maxAttempts: 3,
  workerId: "w-2",
  availableAt: at(300),
  leasedAt: at(400),
  leaseExpiresAt: at(60_400),
  timeoutMs: 300_000,
  attempts: [{ attempt: 1, workerId: "w-1", startedAt: at(100), finishedAt: at(200), error: disk }],
  createdAt: at(0),
  updatedAt: at(400),
};

test("a finished task's attempts come from the history event that finished it, each with its task worker", () => {
  const history: HistoryEvent[] = [
    { seq: 1, type: "task.scheduled", at: at(0), position: 1, name: "resize", queue: "media" },
    {
      seq: 2,
      type: "task.completed",
      at: at(900),
      position: 1,
      attempt: 2,
      workerId: "w-2",
      attempts: [
        { attempt: 1, workerId: "w-1", startedAt: at(100), finishedAt: at(200), error: disk },
        { attempt: 2, workerId: "w-2", startedAt: at(400), finishedAt: at(800) },
      ],
    },
  ];
  assert.equal(findTaskFinish(1, history)?.seq, 2);
  assert.deepEqual(
    taskAttempts(call, history).map((a) => [a.attempt, a.workerId, a.status, a.error?.message]),
    [
      [1, "w-1", "failed", "disk full"],
      [2, "w-2", "completed", undefined],
    ],
  );
  // Scheduled again (a resume): the earlier outcome is not this one's.
  const again = [...history, { seq: 3, type: "task.scheduled" as const, at: at(1000), position: 1, name: "resize" }];
  assert.equal(findTaskFinish(1, again), undefined);
});

test("without its history, a finished task's attempts are those of the run's steps, without task workers", () => {
  assert.deepEqual(
    taskAttempts(call).map((a) => [a.attempt, a.workerId, a.status]),
    [
      [1, undefined, "failed"],
      [2, undefined, "completed"],
    ],
  );
});

test("an open task's attempts come from the task: those that failed, then the one a task worker holds", () => {
  const open: CallInfo = { ...call, status: "waiting", finishedAt: undefined, attempts: [] };
  assert.deepEqual(taskAttempts(open, []), []);
  assert.deepEqual(taskAttempts(open, [], task), [
    { attempt: 1, workerId: "w-1", status: "failed", startedAt: at(100), finishedAt: at(200), error: disk },
    { attempt: 2, workerId: "w-2", status: "running", startedAt: at(400) },
  ]);
  const queued = { ...task, status: "queued" as const, leaseExpiresAt: undefined, attempt: 1, workerId: "w-1" };
  assert.deepEqual(
    taskAttempts(open, [], queued).map((a) => a.status),
    ["failed"],
  );
  const completed = { ...task, status: "completed" as const, finishedAt: at(800) };
  assert.deepEqual(attemptsOfTask(completed).at(-1), {
    attempt: 2,
    workerId: "w-2",
    status: "completed",
    startedAt: at(400),
    finishedAt: at(800),
  });
});
