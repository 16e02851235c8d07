import { Graph, layout } from "@dagrejs/dagre";
import type { GraphNode, RunGraph } from "./run-graph-model.js";

/** Size of a node box, in pixels. */
export const nodeSize = { width: 190, height: 52 } as const;
const smallSize = { width: 120, height: 36 } as const;

/** The size of a node of this kind. */
export function sizeOf(node: GraphNode): { width: number; height: number } {
  return node.kind === "join" || node.kind === "start" || node.kind === "end" ? smallSize : nodeSize;
}

/** A node with the top-left corner of its box. */
export interface PlacedNode extends GraphNode {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * Places the nodes of a run graph with dagre, left to right: the run flows
 * along the x axis and the branches of a parallel stage stack along y.
 */
export function layoutRunGraph(graph: RunGraph): PlacedNode[] {
  const g = new Graph();
  g.setGraph({ rankdir: "LR", nodesep: 18, ranksep: 46, marginx: 8, marginy: 8, ranker: "longest-path" });
  g.setDefaultEdgeLabel(() => ({}));
  for (const node of graph.nodes) g.setNode(node.id, { ...sizeOf(node) });
  for (const edge of graph.edges) g.setEdge(edge.source, edge.target);
  layout(g);
  return graph.nodes.map((node) => {
    const size = sizeOf(node);
    const placed = g.node(node.id) as { x: number; y: number } | undefined;
    return { ...node, ...size, x: (placed?.x ?? 0) - size.width / 2, y: (placed?.y ?? 0) - size.height / 2 };
  });
}
