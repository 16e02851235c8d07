import assert from "node:assert/strict";
import { test } from "node:test";
import type { DefinitionNode, NodeStatus, NodeTrace } from "../web/api/api-types.js";
import { buildDefinitionGraph, type DefinitionGraph } from "../web/lib/definition-graph-model.js";
import { layoutGraph } from "../web/lib/graph-layout.js";

const task = (id: string, name = id): DefinitionNode => ({ id, task: { name } });
const doc = (steps: DefinitionNode[]) => ({ name: "flow", steps });

/** An `if` node (one place for the document's `then` key, which the linter takes for a promise's). */
function ifNode(id: string, condition: unknown, yes: DefinitionNode[], no?: DefinitionNode[]): DefinitionNode {
  // biome-ignore lint/suspicious/noThenProperty: the definition document's key
  return { id, if: { condition, then: yes, ...(no ? { else: no } : {}) } };
}

/** Edges as `source->target` (graph ids without `node:`), with `[label]` when labelled. */
function edgesOf(graph: DefinitionGraph): string[] {
  const short = (id: string) => id.replace(/^node:/, "");
  return graph.edges.map((e) => `${short(e.source)}->${short(e.target)}${e.label ? ` [${e.label}]` : ""}`);
}

const node = (graph: DefinitionGraph, id: string) => graph.nodes.find((n) => n.id === id);

function trace(status: NodeStatus, entered = status === "pending" || status === "skipped" ? 0 : 1): NodeTrace {
  return { status, positions: entered > 0 ? [0] : [], entered };
}

test("a sequence links Start, its nodes in order and End; each node has its id, kind and a short label", () => {
  const graph = buildDefinitionGraph(
    doc([
      task("reserve", "reserve-stock"),
      { id: "fetch", http: { url: "https://api.example.com/orders/1?full=1" } },
      { id: "post", http: { method: "POST", url: "{% $input.callbackUrl %}" } },
      { id: "details", wait: { signal: "details" } },
      { id: "nap", wait: { duration: "1h" } },
      { id: "approve", approval: { title: "Approve the refund", role: "finance" } },
      { id: "receipt", child: { workflow: "order-receipt" } },
    ]),
  );
  assert.deepEqual(edgesOf(graph), [
    "start->reserve",
    "reserve->fetch",
    "fetch->post",
    "post->details",
    "details->nap",
    "nap->approve",
    "approve->receipt",
    "receipt->end",
  ]);
  assert.deepEqual(
    graph.nodes.map((n) => [n.nodeId ?? n.id, n.kind, n.label]),
    [
      ["start", "start", "flow"],
      ["reserve", "task", "reserve-stock"],
      ["fetch", "http", "GET api.example.com/orders/1"],
      ["post", "http", "POST $input.callbackUrl"],
      ["details", "wait", "signal details"],
      ["nap", "wait", "sleep 1h"],
      ["approve", "approval", "Approve the refund"],
      ["receipt", "child", "child order-receipt"],
      ["end", "end", "end"],
    ],
  );
  assert.equal(node(graph, "node:approve")?.detail, "approval · finance");
  assert.equal(node(graph, "node:reserve")?.status, undefined, "no trace, no status");
});

test("parallel fans out to each branch and joins them; an empty branch goes straight to the join", () => {
  const graph = buildDefinitionGraph(
    doc([{ id: "fan", parallel: { branches: [[task("a1"), task("a2")], [task("b")], []] } }, task("after")]),
  );
  assert.deepEqual(edgesOf(graph), [
    "start->fan",
    "fan->a1 [branch 1]",
    "a1->a2",
    "fan->b [branch 2]",
    "a2->join:fan",
    "b->join:fan",
    "fan->join:fan [branch 3]",
    "join:fan->after",
    "after->end",
  ]);
  assert.equal(node(graph, "join:fan")?.kind, "join");
});

test("if is a decision with then and else edges; a missing else goes straight to the join", () => {
  const both = buildDefinitionGraph(
    doc([ifNode("big", "{% $input.amount > 100 %}", [task("review")], [task("auto")])]),
  );
  assert.deepEqual(edgesOf(both), [
    "start->big",
    "big->review [then]",
    "big->auto [else]",
    "review->join:big",
    "auto->join:big",
    "join:big->end",
  ]);
  assert.equal(node(both, "node:big")?.label, "if $input.amount > 100");
  const thenOnly = buildDefinitionGraph(doc([ifNode("big", true, [task("review")])]));
  assert.deepEqual(edgesOf(thenOnly), [
    "start->big",
    "big->review [then]",
    "review->join:big",
    "big->join:big [else]",
    "join:big->end",
  ]);
});

test("switch has an edge per case, labelled with its when in short, and a default", () => {
  const graph = buildDefinitionGraph(
    doc([
      {
        id: "tier",
        switch: {
          cases: [
            { when: "{% $input.tier = 'gold' %}", steps: [task("gold")] },
            { when: "{% $input.tier = 'silver' and $input.years > 10 %}", steps: [task("silver")] },
            { when: "", steps: [task("odd")] },
          ],
        },
      },
    ]),
  );
  assert.deepEqual(edgesOf(graph), [
    "start->tier",
    "tier->gold [$input.tier = 'gold']",
    "tier->silver [$input.tier = 'silver'…]",
    "tier->odd [case 3]",
    "gold->join:tier",
    "silver->join:tier",
    "odd->join:tier",
    "tier->join:tier [default]",
    "join:tier->end",
  ]);
  assert.equal(node(graph, "node:tier")?.detail, "decision · 3 cases");
});

test("forEach leads to its steps for each item, loops back from the last, and its done edge leads past them", () => {
  const graph = buildDefinitionGraph(
    doc([
      { id: "each", forEach: { items: "{% $input.lines %}", concurrency: 4, steps: [task("pick"), task("pack")] } },
      task("ship"),
    ]),
  );
  assert.deepEqual(edgesOf(graph), [
    "start->each",
    "each->pick [each item]",
    "pick->pack",
    "pack->each [next item]",
    "each->ship [done]",
    "ship->end",
  ]);
  const loop = graph.edges.find((e) => e.kind === "loop");
  assert.equal(loop?.constraint, false, "the loop is left out of the layout");
  assert.equal(graph.edges.find((e) => e.label === "done")?.minlen, 3);
  assert.deepEqual(
    graph.nodes.filter((n) => n.inLoop).map((n) => n.nodeId),
    ["pick", "pack"],
  );
  assert.equal(node(graph, "node:each")?.label, "for each $input.lines");
  const placed = new Map(layoutGraph(graph).map((n) => [n.id, n]));
  const x = (id: string) => placed.get(id)?.x ?? Number.NaN;
  assert.ok(x("node:each") < x("node:pick") && x("node:pick") < x("node:pack") && x("node:pack") < x("node:ship"));
});

test("fail and succeed end their path with an edge to End; no join after branches that all ended", () => {
  const graph = buildDefinitionGraph(
    doc([
      ifNode(
        "ok",
        "{% $input.ok %}",
        [{ id: "done", succeed: {} }],
        [{ id: "refuse", fail: { error: "not ok", code: "NOT_OK" } }],
      ),
    ]),
  );
  assert.deepEqual(edgesOf(graph), ["start->ok", "ok->done [then]", "done->end", "ok->refuse [else]", "refuse->end"]);
  assert.deepEqual(
    graph.edges.filter((e) => e.kind === "end").map((e) => e.source),
    ["node:done", "node:refuse"],
  );
  assert.equal(node(graph, "join:ok"), undefined);
  assert.equal(node(graph, "node:refuse")?.label, "fail: NOT_OK");
});

test("the overlay gives each node its status and entered count, and marks the taken path", () => {
  const steps: DefinitionNode[] = [
    task("first"),
    ifNode("big", "{% $input.amount > 100 %}", [task("review")], [task("auto")]),
    { id: "each", forEach: { items: "{% $input.lines %}", steps: [task("pick")] } },
  ];
  const graph = buildDefinitionGraph(doc(steps), {
    first: trace("completed"),
    big: trace("completed"),
    review: { status: "completed", positions: [2], entered: 1 },
    auto: trace("skipped"),
    each: trace("completed"),
    pick: { status: "completed", positions: [4, 5, 6], entered: 3 },
  });
  assert.deepEqual(
    graph.nodes.map((n) => `${n.id}:${n.status}:${n.entered}`),
    [
      "start:completed:1",
      "node:first:completed:1",
      "node:big:completed:1",
      "node:review:completed:1",
      "node:auto:skipped:0",
      "join:big:completed:1",
      "node:each:completed:1",
      "node:pick:completed:3",
      "end:completed:1",
    ],
  );
  assert.deepEqual(node(graph, "node:pick")?.positions, [4, 5, 6]);
  const taken = graph.edges.filter((e) => e.taken).map((e) => `${e.source}->${e.target}`);
  assert.deepEqual(taken, [
    "start->node:first",
    "node:first->node:big",
    "node:big->node:review",
    "node:review->join:big",
    "join:big->node:each",
    "node:each->node:pick",
    "node:pick->node:each",
    "node:each->end",
  ]);
});

test("an empty else taken marks the edge straight to the join; a run stopped at a failed node ends failed", () => {
  const steps: DefinitionNode[] = [
    ifNode("big", "{% $input.amount > 100 %}", [task("review")]),
    task("charge"),
    task("notify"),
  ];
  const graph = buildDefinitionGraph(doc(steps), {
    big: trace("completed"),
    review: trace("skipped"),
    charge: trace("failed"),
    notify: trace("skipped"),
  });
  const taken = graph.edges.filter((e) => e.taken).map((e) => `${e.source}->${e.target}`);
  assert.deepEqual(taken, ["start->node:big", "node:big->join:big", "join:big->node:charge"]);
  assert.equal(node(graph, "end")?.status, "failed");
  assert.equal(node(graph, "end")?.entered, 0);

  const running = buildDefinitionGraph(doc(steps), {
    big: trace("completed"),
    review: trace("running"),
    charge: trace("pending"),
    notify: trace("pending"),
  });
  assert.deepEqual(
    running.edges.filter((e) => e.taken).map((e) => `${e.source}->${e.target}`),
    ["start->node:big", "node:big->node:review"],
  );
  assert.equal(node(running, "join:big")?.status, "pending");
  assert.equal(node(running, "end")?.status, "pending");
  assert.equal(node(running, "node:notify")?.status, "pending");
});

test("a run that went through fail ends failed along the fail node's edge; nodes missing from the trace are pending", () => {
  const graph = buildDefinitionGraph(
    doc([ifNode("ok", false, [task("go")], [{ id: "stop", fail: { error: "no" } }]), task("later")]),
    { ok: trace("completed"), go: trace("skipped"), stop: trace("failed") },
  );
  const taken = graph.edges.filter((e) => e.taken).map((e) => `${e.source}->${e.target}`);
  assert.deepEqual(taken, ["start->node:ok", "node:ok->node:stop", "node:stop->end"]);
  assert.equal(node(graph, "end")?.status, "failed");
  assert.equal(node(graph, "node:later")?.status, "pending");
  assert.equal(node(graph, "join:ok")?.status, "pending");
});
