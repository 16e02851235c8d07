import assert from "node:assert/strict";
import { test } from "node:test";
import type { HistoryEvent } from "../web/api/api-types.js";
import { describeHumanTaskEvent, describeWhom, readHumanTaskCalls } from "../web/lib/human-task-calls.js";
import { humanTaskDeadline } from "../web/lib/human-task-deadline.js";

const t0 = Date.parse("2026-01-01T00:00:00.000Z");
const at = (ms: number) => new Date(t0 + ms).toISOString();

let seq = 0;
const event = (type: HistoryEvent["type"], ms: number, fields: Partial<HistoryEvent> = {}): HistoryEvent => ({
  seq: ++seq,
  type,
  at: at(ms),
  ...fields,
});

const shown = {
  title: "Approve refund",
  description: "Line one.\nLine two.",
  assignee: "ada",
  role: "finance",
  context: { amount: 20 },
};

test("a human task call from its history: what it showed, its reminder, its reassignment and its answer", () => {
  const history = [
    event("run.started", 0),
    event("human_task.created", 10, { position: 1, name: "approve", input: shown, dueAt: at(1000) }),
    event("human_task.reminded", 500, { position: 1, name: "approve" }),
    event("human_task.reassigned", 1000, {
      position: 1,
      name: "approve",
      input: { role: "managers" },
      dueAt: at(3000),
    }),
    event("human_task.completed", 1500, {
      position: 1,
      name: "approve",
      output: { outcome: "rejected", comment: "no", completedBy: "grace", completedAt: at(1490) },
    }),
    event("human_task.created", 20, { position: 2, name: "check", input: { title: "Check" } }),
    event("human_task.timed_out", 900, {
      position: 2,
      name: "check",
      error: { name: "TimeoutError", message: "late" },
    }),
  ];
  const calls = readHumanTaskCalls("refund-7", history);
  assert.deepEqual(calls.get(1), {
    position: 1,
    id: "refund-7:1",
    title: "Approve refund",
    description: "Line one.\nLine two.",
    role: "managers",
    context: { amount: 20 },
    createdAt: at(10),
    dueAt: at(3000),
    remindedAt: at(500),
    reassigned: { at: at(1000), from: { assignee: "ada", role: "finance" } },
    answer: { outcome: "rejected", comment: "no", completedBy: "grace", completedAt: at(1490) },
  });
  assert.deepEqual(calls.get(2), {
    position: 2,
    id: "refund-7:2",
    title: "Check",
    createdAt: at(20),
    timedOut: { at: at(900), error: { name: "TimeoutError", message: "late" } },
  });
  assert.equal(calls.size, 2);
});

test("a human task created again (a resumed run) is told from its last creation", () => {
  const history = [
    event("human_task.created", 0, { position: 0, name: "approve", input: shown }),
    event("human_task.timed_out", 100, { position: 0, name: "approve", error: { name: "TimeoutError", message: "x" } }),
    event("run.resumed", 200, { positions: [0] }),
    event("human_task.created", 300, { position: 0, name: "approve", input: { ...shown, assignee: "bob" } }),
  ];
  const call = readHumanTaskCalls("r", history).get(0);
  assert.deepEqual([call?.assignee, call?.createdAt, call?.timedOut], ["bob", at(300), undefined]);
});

test("history lines say whom a human task is for, and who answered", () => {
  assert.equal(describeWhom({ assignee: "ada", role: "finance" }), "ada · role finance");
  assert.equal(describeWhom({ role: "finance" }), "role finance");
  assert.equal(describeWhom({}), "anyone");
  const line = (type: HistoryEvent["type"], fields: Partial<HistoryEvent>) =>
    describeHumanTaskEvent(event(type, 0, { position: 0, name: "approve", ...fields }));
  assert.equal(line("human_task.created", { input: shown }), "for ada · role finance");
  assert.equal(line("human_task.reassigned", { input: { assignee: "bob" } }), "to bob");
  assert.equal(
    line("human_task.completed", { output: { outcome: "completed", completedBy: "ada", completedAt: at(5) } }),
    "completed by ada",
  );
  assert.equal(line("human_task.timed_out", {}), "no answer in time");
  assert.equal(line("human_task.reminded", {}), undefined);
});

test("an open human task is overdue once its reminder time or its due time passed; a closed one never is", () => {
  const task = { status: "open" as const, remindAt: at(100), dueAt: at(200) };
  assert.deepEqual(humanTaskDeadline(task, t0 + 50), { overdue: false });
  assert.deepEqual(humanTaskDeadline(task, t0 + 100), { overdue: true, reason: "reminder" });
  assert.deepEqual(humanTaskDeadline(task, t0 + 250), { overdue: true, reason: "due" });
  assert.deepEqual(humanTaskDeadline({ status: "open" }, t0 + 1e9), { overdue: false });
  assert.deepEqual(humanTaskDeadline({ ...task, status: "completed" }, t0 + 250), { overdue: false });
});
