import { Graph, layout } from "@dagrejs/dagre";
import type { RunGraph } from "./run-graph-model.js";

/** Size of a node box, in pixels. */
export const nodeSize = { width: 190, height: 52 } as const;
const smallSize = { width: 120, height: 36 } as const;
const smallKinds = new Set(["join", "start", "end"]);

/** What the layout reads of a node: its id, and its kind (start, end and join boxes are smaller). */
export interface LayoutNode {
  id: string;
  kind: string;
}

/** What the layout reads of an edge. */
export interface LayoutEdge {
  id: string;
  source: string;
  target: string;
  /** Text drawn on the edge: the layout leaves room for it. */
  label?: string;
  /** Fewest ranks between its ends (default 1). */
  minlen?: number;
  /** `false`: drawn, but left out of the layout (an edge back to an earlier node). */
  constraint?: boolean;
}

/** A graph to lay out. */
export interface LayoutGraph<N extends LayoutNode = LayoutNode> {
  nodes: N[];
  edges: LayoutEdge[];
  /** dagre's ranker; default `longest-path` (every path ends at the right edge). */
  ranker?: "longest-path" | "network-simplex" | "tight-tree";
  /** Keeps branches in the order they come (first on top) rather than reordering them to cross fewer edges. */
  keepOrder?: boolean;
  /** Sizes of boxes by kind, instead of `sizeOf`'s. */
  sizes?: Readonly<Record<string, { width: number; height: number }>>;
}

/** The size of a node of this kind (`sizes`: by kind, instead). */
export function sizeOf(node: LayoutNode, sizes?: LayoutGraph["sizes"]): { width: number; height: number } {
  return sizes?.[node.kind] ?? (smallKinds.has(node.kind) ? smallSize : nodeSize);
}

/** A node with the top-left corner and the size of its box. */
export type Placed<N extends LayoutNode> = N & { x: number; y: number; width: number; height: number };

/** A run graph's node with its box. */
export type PlacedNode = Placed<RunGraph["nodes"][number]>;

/** Room for an edge's label: about 6 pixels a character, at most 150. */
const labelSize = (label: string) => ({ width: Math.min(150, 8 + label.length * 6), height: 16 });

/**
 * Places the nodes of a graph with dagre, left to right: the flow runs
 * along the x axis and branches stack along y.
 */
export function layoutGraph<N extends LayoutNode>(graph: LayoutGraph<N>): Placed<N>[] {
  const g = new Graph({ multigraph: true });
  g.setGraph({
    rankdir: "LR",
    nodesep: 18,
    ranksep: 46,
    marginx: 8,
    marginy: 8,
    ranker: graph.ranker ?? "longest-path",
  });
  g.setDefaultEdgeLabel(() => ({}));
  for (const node of graph.nodes) g.setNode(node.id, { ...sizeOf(node, graph.sizes) });
  for (const edge of graph.edges) {
    if (edge.constraint === false) continue;
    const label = edge.label ? { ...labelSize(edge.label), labelpos: "c" } : {};
    g.setEdge(edge.source, edge.target, { ...label, minlen: edge.minlen ?? 1 }, edge.id);
  }
  layout(g, { disableOptimalOrderHeuristic: graph.keepOrder === true });
  return graph.nodes.map((node) => {
    const size = sizeOf(node, graph.sizes);
    const placed = g.node(node.id) as { x: number; y: number } | undefined;
    return { ...node, ...size, x: (placed?.x ?? 0) - size.width / 2, y: (placed?.y ?? 0) - size.height / 2 };
  });
}

/** Places the nodes of a run graph (see `layoutGraph`). */
export function layoutRunGraph(graph: RunGraph): PlacedNode[] {
  return layoutGraph(graph);
}
