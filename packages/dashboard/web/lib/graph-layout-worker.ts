/**
 * A Web Worker that lays out graphs (dagre takes a few hundred milliseconds
 * on graphs of hundreds of nodes): it answers each `{ id, graph }` message
 * with `{ id, nodes }`.
 */
import { type LayoutGraph, layoutGraph } from "./graph-layout.js";

const scope = self as unknown as {
  onmessage: ((event: MessageEvent<{ id: number; graph: LayoutGraph }>) => void) | null;
  postMessage(message: unknown): void;
};

scope.onmessage = (event) => {
  const { id, graph } = event.data;
  scope.postMessage({ id, nodes: layoutGraph(graph) });
};
