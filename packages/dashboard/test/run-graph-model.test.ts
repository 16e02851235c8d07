import assert from "node:assert/strict";
import { test } from "node:test";
import type { CallInfo, HistoryEvent } from "../web/api/api-types.js";
import { layoutRunGraph } from "../web/lib/graph-layout.js";
import { buildRunGraph, groupParallelSteps } from "../web/lib/run-graph-model.js";

const t0 = Date.parse("2026-01-01T00:00:00.000Z");
const at = (ms: number) => new Date(t0 + ms).toISOString();

function step(position: number, start: number, end: number | undefined, fields: Partial<CallInfo> = {}): CallInfo {
  return {
    position,
    kind: "step",
    name: `s${position}`,
    status: end === undefined ? "running" : "completed",
    startedAt: at(start),
    ...(end === undefined ? {} : { finishedAt: at(end) }),
    attempts: [],
    ...fields,
  };
}

test("steps whose time spans overlap form a parallel stage; a step starting at an end follows it", () => {
  const stages = groupParallelSteps([
    step(0, 0, 10),
    step(1, 10, 30),
    step(2, 10, 20),
    step(3, 12, 15),
    step(4, 30, 40),
    step(5, 40, undefined),
  ]);
  assert.deepEqual(
    stages.map((stage) => stage.map((s) => s.position)),
    [[0], [1, 2, 3], [4], [5]],
  );
});

test("the graph fans out to a parallel stage, joins after it, and ends with the run's status", () => {
  const graph = buildRunGraph({
    workflow: "order",
    status: "completed",
    steps: [
      step(0, 0, 10),
      step(1, 10, 20),
      step(2, 10, 25, { kind: "child", name: "receipt", childId: "c-1" }),
      step(3, 30, 40),
      step(4, 30, 35),
      step(5, 50, 60),
    ],
  });
  const edges = graph.edges.map((e) => `${e.source}->${e.target}`);
  assert.deepEqual(edges, [
    "start->step-0",
    "step-0->step-1",
    "step-0->step-2",
    "step-1->join-2",
    "step-2->join-2",
    "join-2->step-3",
    "join-2->step-4",
    "step-3->step-5",
    "step-4->step-5",
    "step-5->end",
  ]);
  const child = graph.nodes.find((n) => n.id === "step-2");
  assert.equal(child?.kind, "child");
  assert.equal(child?.childId, "c-1");
  assert.equal(graph.nodes.at(-1)?.label, "completed");
});

test("signals received show their payload; compensations run in reverse order on a dashed chain", () => {
  const history: HistoryEvent[] = [
    { seq: 5, type: "signal.received", at: at(25), position: 2, name: "approve", payload: false },
  ];
  const graph = buildRunGraph(
    {
      workflow: "order",
      status: "compensated",
      steps: [
        step(0, 0, 10, {
          name: "reserve",
          compensation: { status: "completed", attempts: [{ attempt: 1, status: "completed", startedAt: at(40) }] },
        }),
        step(1, 10, 20, {
          name: "charge",
          compensation: { status: "completed", attempts: [{ attempt: 1, status: "completed", startedAt: at(30) }] },
        }),
        step(2, 20, 25, { kind: "signal", name: "approve" }),
      ],
    },
    history,
  );
  assert.match(graph.nodes.find((n) => n.id === "step-2")?.detail ?? "", /got false/);
  const chain = graph.edges.filter((e) => e.kind === "compensation").map((e) => `${e.source}->${e.target}`);
  assert.deepEqual(chain, ["step-2->compensation-1", "compensation-1->compensation-0", "compensation-0->end"]);
});

test("a task is a node of its own: its name, status, attempts and task queue", () => {
  const graph = buildRunGraph({
    workflow: "thumbnail",
    status: "waiting",
    steps: [
      step(0, 0, 10),
      step(1, 10, 40, {
        kind: "task",
        name: "resize-image",
        queue: "media",
        attempts: [
          { attempt: 1, status: "failed", startedAt: at(12), finishedAt: at(20) },
          { attempt: 2, status: "completed", startedAt: at(25), finishedAt: at(38) },
        ],
      }),
      step(2, 40, undefined, { kind: "task", name: "notify", queue: "mail", status: "waiting" }),
    ],
  });
  const done = graph.nodes.find((n) => n.id === "step-1");
  assert.equal(done?.kind, "task");
  assert.equal(done?.label, "task resize-image");
  assert.equal(done?.detail, "#1 completed, 30 ms, 2 attempts · media");
  assert.equal(done?.position, 1);
  const waiting = graph.nodes.find((n) => n.id === "step-2");
  assert.deepEqual([waiting?.label, waiting?.detail], ["task notify", "#2 waiting · mail"]);
  assert.deepEqual(
    graph.edges.map((e) => `${e.source}->${e.target}`),
    ["start->step-0", "step-0->step-1", "step-1->step-2", "step-2->end"],
  );
});

test("a human task is a node of its own: whom it waits for, then who answered", () => {
  const created = (position: number, input: unknown): HistoryEvent => ({
    seq: position * 10,
    type: "human_task.created",
    at: at(0),
    position,
    name: "approve",
    input,
  });
  const history: HistoryEvent[] = [
    created(0, { title: "Approve", role: "finance" }),
    {
      seq: 2,
      type: "human_task.completed",
      at: at(50),
      position: 0,
      name: "approve",
      output: { outcome: "completed", completedBy: "ada", completedAt: at(50) },
    },
    created(1, { title: "Check", assignee: "bob" }),
  ];
  const graph = buildRunGraph(
    {
      workflow: "refund",
      status: "waiting",
      steps: [
        step(0, 0, 50, { kind: "human_task", name: "approve" }),
        step(1, 50, undefined, { kind: "human_task", name: "check", status: "waiting" }),
      ],
    },
    history,
  );
  const answered = graph.nodes.find((n) => n.id === "step-0");
  assert.deepEqual(
    [answered?.kind, answered?.label, answered?.detail],
    ["human_task", "human task approve", "#0 completed, 50 ms · completed by ada"],
  );
  const waiting = graph.nodes.find((n) => n.id === "step-1");
  assert.deepEqual([waiting?.label, waiting?.detail], ["human task check", "#1 waiting · for bob"]);
});

test("the layout runs left to right and stacks parallel branches", () => {
  const graph = buildRunGraph({
    workflow: "w",
    status: "completed",
    steps: [step(0, 0, 10), step(1, 10, 20), step(2, 10, 20), step(3, 20, 30)],
  });
  const placed = new Map(layoutRunGraph(graph).map((node) => [node.id, node]));
  const x = (id: string) => placed.get(id)?.x ?? Number.NaN;
  const y = (id: string) => placed.get(id)?.y ?? Number.NaN;
  assert.ok(
    x("start") < x("step-0") && x("step-0") < x("step-1") && x("step-1") < x("step-3") && x("step-3") < x("end"),
  );
  assert.equal(x("step-1"), x("step-2"));
  assert.notEqual(y("step-1"), y("step-2"));
});
