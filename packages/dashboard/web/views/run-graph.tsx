import { Background, Controls, type Edge, MarkerType, type Node, Position, ReactFlow } from "@xyflow/react";
import "@xyflow/react/dist/style.css";
import { type ReactNode, useMemo } from "react";
import type { HistoryEvent, Run } from "../api/api-types.js";
import { useGraphLayout } from "../hooks/use-graph-layout.js";
import { navigate } from "../hooks/use-route.js";
import type { PlacedNode } from "../lib/graph-layout.js";
import { runHref } from "../lib/route.js";
import { buildRunGraph } from "../lib/run-graph-model.js";

const kinds = new Set([
  "start",
  "end",
  "step",
  "timer",
  "signal",
  "event",
  "child",
  "task",
  "human_task",
  "compensation",
  "join",
]);
const statuses = new Set([
  "pending",
  "running",
  "waiting",
  "completed",
  "failed",
  "compensating",
  "compensated",
  "cancelled",
]);

/** A graph with more nodes opens on its first ones, readable, instead of all of them, tiny. */
const fitLimit = 30;

function NodeLabel({ node }: { node: PlacedNode }) {
  return (
    <>
      <div className="graph-node-label">{node.label}</div>
      {node.detail && <div className="graph-node-detail">{node.detail}</div>}
    </>
  );
}

/** Props of `RunGraph`. */
export interface RunGraphProps {
  run: Run;
  history: readonly HistoryEvent[];
  /** Called with the position of a clicked step node. */
  onSelect: (position: number) => void;
}

/**
 * The graph of what the run did (see `buildRunGraph`), laid out with dagre
 * and drawn with React Flow. Clicking a child run opens it; clicking a step
 * selects it.
 */
export function RunGraph({ run, history, onSelect }: RunGraphProps) {
  const graph = useMemo(() => buildRunGraph(run, history), [run, history]);
  const placed = useGraphLayout(graph);
  const { nodes, edges } = useMemo(() => {
    if (!placed) return { nodes: [], edges: [] };
    const nodes: Node<{ label: ReactNode; source: PlacedNode }>[] = placed.map((node) => ({
      id: node.id,
      position: { x: node.x, y: node.y },
      data: { label: <NodeLabel node={node} />, source: node },
      className: [
        "graph-node",
        `kind-${kinds.has(node.kind) ? node.kind : "step"}`,
        node.status && statuses.has(node.status) ? `status-${node.status}` : "",
        node.childId ? "clickable" : "",
      ].join(" "),
      width: node.width,
      height: node.height,
      sourcePosition: Position.Right,
      targetPosition: Position.Left,
      draggable: false,
      connectable: false,
      ariaLabel: node.childId ? `Open child run ${node.childId}` : node.label,
    }));
    const edges: Edge[] = graph.edges.map((edge) => ({
      id: edge.id,
      source: edge.source,
      target: edge.target,
      className: `graph-edge edge-${edge.kind}`,
      markerEnd: { type: MarkerType.ArrowClosed, width: 14, height: 14 },
      focusable: false,
    }));
    return { nodes, edges };
  }, [graph, placed]);

  if (!placed) return <p className="muted">Laying out {graph.nodes.length} nodes…</p>;
  const large = nodes.length > fitLimit;
  return (
    <div className="graph" data-testid="run-graph">
      <ReactFlow
        nodes={nodes}
        edges={edges}
        fitView
        fitViewOptions={{ maxZoom: 1, padding: 0.1, ...(large ? { nodes: nodes.slice(0, fitLimit) } : {}) }}
        minZoom={0.05}
        nodesDraggable={false}
        nodesConnectable={false}
        edgesFocusable={false}
        onlyRenderVisibleElements
        onNodeClick={(_, node) => {
          const source = node.data.source;
          if (source.childId) navigate(runHref(source.childId));
          else if (source.position !== undefined) onSelect(source.position);
        }}
      >
        <Background gap={24} />
        <Controls showInteractive={false} />
      </ReactFlow>
    </div>
  );
}
