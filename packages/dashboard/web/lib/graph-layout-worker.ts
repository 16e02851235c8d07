/**
 * A Web Worker that lays out run graphs (dagre takes a few hundred
 * milliseconds on graphs of hundreds of nodes): it answers each
 * `{ id, graph }` message with `{ id, nodes }`.
 */
import { layoutRunGraph } from "./graph-layout.js";
import type { RunGraph } from "./run-graph-model.js";

const scope = self as unknown as {
  onmessage: ((event: MessageEvent<{ id: number; graph: RunGraph }>) => void) | null;
  postMessage(message: unknown): void;
};

scope.onmessage = (event) => {
  const { id, graph } = event.data;
  scope.postMessage({ id, nodes: layoutRunGraph(graph) });
};
