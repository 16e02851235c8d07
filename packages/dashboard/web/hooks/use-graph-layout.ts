import { useEffect, useMemo, useState } from "react";
import { type LayoutGraph, type LayoutNode, layoutGraph, type Placed } from "../lib/graph-layout.js";

/** Graphs up to this many nodes are laid out at once; larger ones in a worker, off the main thread. */
const inlineLimit = 80;

type Box = { x: number; y: number; width: number; height: number };

let worker: Worker | undefined;
let requests = 0;
const waiting = new Map<number, { resolve(nodes: Placed<LayoutNode>[]): void; reject(error: unknown): void }>();

function layoutInWorker(graph: LayoutGraph): Promise<Placed<LayoutNode>[]> {
  if (!worker) {
    const created = new Worker(new URL("../lib/graph-layout-worker.ts", import.meta.url), { type: "module" });
    created.onmessage = (event: MessageEvent<{ id: number; nodes: Placed<LayoutNode>[] }>) => {
      waiting.get(event.data.id)?.resolve(event.data.nodes);
      waiting.delete(event.data.id);
    };
    created.onerror = (event) => {
      for (const request of waiting.values()) request.reject(new Error(event.message || "the layout worker failed"));
      waiting.clear();
      created.terminate();
      if (worker === created) worker = undefined;
    };
    worker = created;
  }
  const id = ++requests;
  const sent = worker;
  return new Promise((resolve, reject) => {
    waiting.set(id, { resolve, reject });
    sent.postMessage({ id, graph });
  });
}

const boxesOf = (nodes: Placed<LayoutNode>[]) =>
  new Map<string, Box>(nodes.map(({ id, x, y, width, height }) => [id, { x, y, width, height }]));

/**
 * Places the nodes of `graph` (see `layoutGraph`). Small graphs are laid
 * out during render; large ones in a Web Worker, so the page stays
 * responsive: `undefined` until the worker answers. The layout is redone
 * only when the graph's shape changes, not its labels.
 */
export function useGraphLayout<N extends LayoutNode>(graph: LayoutGraph<N>): Placed<N>[] | undefined {
  const shape = useMemo(
    () =>
      `${graph.nodes.map((n) => `${n.id}:${n.kind}`).join()}|${graph.edges.map((e) => `${e.id}:${e.label ?? ""}`).join()}`,
    [graph],
  );
  const inline = graph.nodes.length <= inlineLimit;
  // biome-ignore lint/correctness/useExhaustiveDependencies: laid out again only when the shape changes
  const inlineBoxes = useMemo(() => (inline ? boxesOf(layoutGraph(graph)) : undefined), [shape, inline]);
  const [placed, setPlaced] = useState<{ shape: string; boxes: Map<string, Box> }>();

  // biome-ignore lint/correctness/useExhaustiveDependencies: laid out again only when the shape changes
  useEffect(() => {
    if (inline) return;
    let current = true;
    void layoutInWorker(graph)
      .catch(() => layoutGraph(graph))
      .then((nodes) => {
        if (current) setPlaced({ shape, boxes: boxesOf(nodes) });
      });
    return () => {
      current = false;
    };
  }, [shape, inline]);

  const boxes = inline ? inlineBoxes : placed?.shape === shape ? placed.boxes : undefined;
  return useMemo(
    () =>
      boxes && graph.nodes.map((node) => ({ ...node, ...(boxes.get(node.id) ?? { x: 0, y: 0, width: 0, height: 0 }) })),
    [boxes, graph],
  );
}
