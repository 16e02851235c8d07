/**
 * The graph of a definition document, drawn before any run exists and,
 * with a run's node traces, as that run's overlay:
 *
 * - a Start and an End node; the nodes of a sequence linked in order;
 * - `parallel` fans out to each branch, and its branches meet at a join;
 * - `if` and `switch` are decisions whose edges carry the branch
 *   (`then`/`else`, each case's `when` in short, `default`); a branch that
 *   is empty or missing goes straight to the join;
 * - `forEach` is a node whose inner steps follow it ("each item"), the last
 *   of them looping back to it ("next item"), and whose "done" edge leads on
 *   past them;
 * - `fail` and `succeed` end their path with an edge to End.
 *
 * With a trace, each node has its status and the times it was entered, and
 * the edges of the path taken are marked (see `buildDefinitionGraph`).
 */
import type { DefinitionDocument, DefinitionNode, NodeStatus, NodeTrace } from "../api/api-types.js";
import { caseLabel, type DefinitionNodeKind, kindDetailOf, kindOf, labelOf } from "./definition-node-label.js";
import type { LayoutEdge } from "./graph-layout.js";

/** Kinds of nodes of a definition graph: the node kinds, and Start, End and the joins. */
export type DefinitionGraphNodeKind = DefinitionNodeKind | "start" | "end" | "join";

/** A node of a definition graph, without a place (see `layoutGraph`). */
export interface DefinitionGraphNode {
  /** The graph's id: `node:<id>` for a definition node, `start`, `end`, `join:<id of the node that forks>`. */
  id: string;
  kind: DefinitionGraphNodeKind;
  /** The definition node's id (none for Start, End and joins). */
  nodeId?: string;
  label: string;
  /** A second line: the kind in a word, and details. */
  detail: string;
  /** True inside a `forEach`: entered once per item. */
  inLoop: boolean;
  /** With a trace: how the node fared (Start, End and joins from their edges). */
  status?: NodeStatus;
  /** With a trace: the times the node was entered. */
  entered?: number;
  /** With a trace: positions of the run's calls the node made. */
  positions?: number[];
}

/** Kinds of edges: `flow` in order, `branch` out of a fork or decision, `loop` back to a `forEach`, `end` out of `fail`/`succeed`. */
export type DefinitionGraphEdgeKind = "flow" | "branch" | "loop" | "end";

/** An edge of a definition graph. */
export interface DefinitionGraphEdge extends LayoutEdge {
  kind: DefinitionGraphEdgeKind;
  /** Drawn around these nodes (a `forEach`'s steps): above them back to the loop, below them when it is done. */
  around?: { nodes: string[]; side: "above" | "below" };
  /** With a trace: the run went along it. */
  taken?: boolean;
}

/** Nodes and edges of a definition graph. */
export interface DefinitionGraph {
  nodes: DefinitionGraphNode[];
  edges: DefinitionGraphEdge[];
  ranker: "network-simplex";
  /** Branches in the document's order, the first on top. */
  keepOrder: true;
  /** Joins are small dots. */
  sizes: { join: { width: number; height: number } };
}

/** An edge still to draw, from `from` to the next node placed. */
interface Exit {
  from: string;
  label?: string;
  kind?: DefinitionGraphEdgeKind;
  minlen?: number;
  around?: DefinitionGraphEdge["around"];
}

/** What the overlay needs to know of a decision (`if`, `switch`): its branches' first nodes, its join. */
interface Decision {
  heads: string[];
  join: string;
}

const graphId = (node: DefinitionNode) => `node:${node.id}`;

/** A join is a dot where branches meet. */
const joinSize = { width: 40, height: 24 };

/** Builds the graph, remembering each decision for the overlay. */
class GraphBuilder {
  readonly nodes: DefinitionGraphNode[] = [];
  readonly edges: DefinitionGraphEdge[] = [];
  readonly decisions = new Map<string, Decision>();
  /** Rank of each node along the flow, so that a `forEach`'s "done" edge can lead past its steps. */
  private readonly rank = new Map<string, number>();
  private readonly edgeIds = new Set<string>();

  add(node: DefinitionGraphNode): string {
    this.nodes.push(node);
    return node.id;
  }

  link(exit: Exit, target: string, kind: DefinitionGraphEdgeKind = exit.kind ?? "flow"): void {
    const base = `${exit.from}->${target}`;
    let id = base;
    for (let n = 2; this.edgeIds.has(id); n++) id = `${base}#${n}`;
    this.edgeIds.add(id);
    const minlen = exit.minlen ?? 1;
    this.edges.push({
      id,
      source: exit.from,
      target,
      kind,
      ...(exit.label ? { label: exit.label } : {}),
      ...(minlen > 1 ? { minlen } : {}),
      ...(exit.around ? { around: exit.around } : {}),
      ...(kind === "loop" ? { constraint: false } : {}),
    });
    if (kind !== "loop") {
      this.rank.set(target, Math.max(this.rank.get(target) ?? 0, (this.rank.get(exit.from) ?? 0) + minlen));
    }
  }

  linkAll(exits: readonly Exit[], target: string): void {
    for (const exit of exits) this.link(exit, target);
  }

  /** Places `nodes` in order after `exits`; answers the exits of the last one (none when every path ended). */
  sequence(nodes: readonly DefinitionNode[], exits: Exit[], inLoop: boolean): Exit[] {
    let current = exits;
    for (const node of nodes) current = this.place(node, current, inLoop);
    return current;
  }

  /** The highest rank among `ids`. */
  private highest(ids: readonly string[]): number {
    return Math.max(0, ...ids.map((id) => this.rank.get(id) ?? 0));
  }

  /** Places a branch after `owner`, its first edge labelled: its exits, and its first node (if any). */
  private branch(steps: readonly DefinitionNode[] | undefined, owner: string, label: string, inLoop: boolean) {
    const head = steps?.[0];
    const exits = this.sequence(steps ?? [], [{ from: owner, label, kind: "branch" }], inLoop);
    return { exits, head: head ? graphId(head) : undefined };
  }

  private place(node: DefinitionNode, exits: Exit[], inLoop: boolean): Exit[] {
    const kind = kindOf(node) ?? "task";
    const id = this.add({
      id: graphId(node),
      kind,
      nodeId: node.id,
      label: labelOf(node),
      detail: kindDetailOf(node),
      inLoop,
    });
    this.linkAll(exits, id);
    if ("fail" in node || "succeed" in node) {
      this.link({ from: id }, "end", "end");
      return [];
    }
    if ("parallel" in node) {
      const branches = node.parallel.branches.map((steps, index) =>
        this.branch(steps, id, `branch ${index + 1}`, inLoop),
      );
      return this.join(id, branches, inLoop);
    }
    if ("if" in node) {
      const branches = [this.branch(node.if.then, id, "then", inLoop), this.branch(node.if.else, id, "else", inLoop)];
      return this.join(id, branches, inLoop, true);
    }
    if ("switch" in node) {
      const branches = node.switch.cases.map((entry, index) =>
        this.branch(entry.steps, id, caseLabel(entry.when, index), inLoop),
      );
      branches.push(this.branch(node.switch.default, id, "default", inLoop));
      return this.join(id, branches, inLoop, true);
    }
    if ("forEach" in node && node.forEach.steps.length > 0) {
      const steps = node.forEach.steps;
      const ids = new Set(this.nodes.map((n) => n.id));
      const last = this.sequence(steps, [{ from: id, label: "each item", kind: "branch" }], true);
      const inner = this.nodes.filter((n) => !ids.has(n.id)).map((n) => n.id);
      for (const exit of last) {
        this.link({ ...exit, label: "next item", around: { nodes: inner, side: "above" } }, id, "loop");
      }
      const minlen = this.highest(inner) - (this.rank.get(id) ?? 0) + 1;
      return [{ from: id, label: "done", minlen, around: { nodes: inner, side: "below" } }];
    }
    return [{ from: id }];
  }

  /** Joins the exits of a fork's branches; no join when every branch ended. */
  private join(owner: string, branches: { exits: Exit[]; head?: string }[], inLoop: boolean, decision = false) {
    const exits = branches.flatMap((branch) => branch.exits);
    if (exits.length === 0) return [];
    const join = this.add({
      id: `join:${owner.slice("node:".length)}`,
      kind: "join",
      label: "join",
      detail: "",
      inLoop,
    });
    this.linkAll(exits, join);
    if (decision) this.decisions.set(owner, { heads: branches.flatMap((b) => (b.head ? [b.head] : [])), join });
    return [{ from: join }];
  }
}

const active = new Set<NodeStatus>(["running", "waiting", "completed", "failed"]);

/**
 * Marks the edges the run went along and sets the status of Start, End and
 * the joins, in one pass over the edges (made in the order of the flow).
 */
function markTakenEdges(graph: DefinitionGraph, decisions: ReadonlyMap<string, Decision>): void {
  const byId = new Map(graph.nodes.map((node) => [node.id, node]));
  const entered = (id: string) => (byId.get(id)?.entered ?? 0) > 0;
  const passed = (id: string) => {
    const node = byId.get(id);
    if (!node) return false;
    if (node.nodeId === undefined || node.kind === "fail" || node.kind === "succeed") return (node.entered ?? 0) > 0;
    return node.status === "completed";
  };
  const emptyBranchTaken = (decision: string) => {
    const known = decisions.get(decision);
    if (!known || !passed(decision)) return false;
    const heads = known.heads.reduce((sum, head) => sum + (byId.get(head)?.entered ?? 0), 0);
    const empties = graph.edges.filter((e) => e.source === decision && e.target === known.join).length;
    return empties === 1 && (byId.get(decision)?.entered ?? 0) > heads;
  };
  for (const edge of graph.edges) {
    const target = byId.get(edge.target);
    if (!target) continue;
    if (target.nodeId !== undefined) {
      edge.taken = entered(edge.source) && entered(edge.target);
      continue;
    }
    edge.taken = decisions.has(edge.source) ? emptyBranchTaken(edge.source) : passed(edge.source);
    if (edge.taken) target.entered = 1;
  }
  const failed = graph.nodes.some((node) => node.kind === "fail" && (node.entered ?? 0) > 0);
  const stuck = graph.nodes.some((node) => node.status === "failed");
  const moving = graph.nodes.some((node) => node.status === "running" || node.status === "waiting");
  for (const node of graph.nodes) {
    if (node.kind === "start") node.status = "completed";
    if (node.kind === "join") {
      const owner = byId.get(`node:${node.id.slice("join:".length)}`);
      node.status = entered(node.id) ? "completed" : owner?.status === "skipped" ? "skipped" : "pending";
    }
    if (node.kind === "end") {
      node.status = failed || (stuck && !moving) ? "failed" : entered(node.id) ? "completed" : "pending";
    }
  }
}

/**
 * Builds the graph of `document`; with `trace` (a run's nodes, from
 * `GET /api/runs/{id}/graph`), with each node's status, entered count and
 * positions, and the edges taken. An edge into a definition node is taken
 * when both its ends were entered; into a join or End, when its source was
 * passed (completed, or a `fail` or `succeed` entered). An empty branch of
 * a decision was taken when the decision was entered more often than its
 * other branches (and it is its only empty branch). Start is completed; a
 * join completed when an edge into it was taken; End failed when the run
 * went through `fail` or a node failed and none still moves.
 *
 * @example
 * const graph = buildDefinitionGraph(definition.document);
 * const overlay = buildDefinitionGraph(runGraph.document, runGraph.nodes);
 */
export function buildDefinitionGraph(
  document: Pick<DefinitionDocument, "name" | "steps">,
  trace?: Readonly<Record<string, NodeTrace>>,
): DefinitionGraph {
  const builder = new GraphBuilder();
  builder.add({ id: "start", kind: "start", label: document.name, detail: "start", inLoop: false });
  const exits = builder.sequence(document.steps, [{ from: "start" }], false);
  builder.add({ id: "end", kind: "end", label: "end", detail: "", inLoop: false });
  builder.linkAll(exits, "end");
  const graph: DefinitionGraph = {
    nodes: builder.nodes,
    edges: builder.edges,
    ranker: "network-simplex",
    keepOrder: true,
    sizes: { join: joinSize },
  };
  if (!trace) return graph;
  for (const node of graph.nodes) {
    if (node.nodeId === undefined) {
      node.entered = node.kind === "start" ? 1 : 0;
      continue;
    }
    const found = trace[node.nodeId];
    node.status = found?.status ?? "pending";
    node.positions = found?.positions ?? [];
    node.entered = found ? Math.max(found.entered, found.entered === 0 && active.has(found.status) ? 1 : 0) : 0;
  }
  markTakenEdges(graph, builder.decisions);
  return graph;
}
