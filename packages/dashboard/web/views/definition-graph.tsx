import { Background, Controls, type Edge, MarkerType, type Node, Position, ReactFlow } from "@xyflow/react";
import "@xyflow/react/dist/style.css";
import { type HTMLAttributes, type ReactNode, useMemo } from "react";
import type { DefinitionDocument, NodeStatus, NodeTrace } from "../api/api-types.js";
import { useGraphLayout } from "../hooks/use-graph-layout.js";
import {
  buildDefinitionGraph,
  type DefinitionGraphEdge,
  type DefinitionGraphNode,
} from "../lib/definition-graph-model.js";
import { definitionNodeKinds } from "../lib/definition-node-label.js";
import type { Placed } from "../lib/graph-layout.js";
import { DetourEdge } from "./detour-edge.js";

const edgeTypes = { detour: DetourEdge };

/** Space between a detour and the nodes it goes around, in pixels. */
const detourGap = 14;

const kinds = new Set<string>([...definitionNodeKinds, "start", "end", "join"]);

/** Each status in a word and a mark, so that none is told by its colour alone. */
export const nodeStatusMarks: Record<NodeStatus, string> = {
  pending: "○",
  skipped: "–",
  running: "▶",
  waiting: "…",
  completed: "✓",
  failed: "✗",
};

/** A graph wider than this (px) opens on its start, readable, instead of all of it, tiny. */
const fitWidth = 1500;

function NodeBody({ node }: { node: Placed<DefinitionGraphNode> }) {
  const small = node.kind === "start" || node.kind === "end" || node.kind === "join";
  const status = node.status && node.nodeId !== undefined ? node.status : undefined;
  const badge = node.entered !== undefined && (node.entered > 1 || (node.inLoop && node.entered > 0));
  return (
    <>
      <div className="graph-node-label">
        {node.status && (
          <span className="status-mark" aria-hidden="true">
            {nodeStatusMarks[node.status]}{" "}
          </span>
        )}
        {node.label}
      </div>
      {!small && (
        <div className="graph-node-detail">
          {node.nodeId}
          {status && ` · ${status}`}
          {node.detail && ` · ${node.detail}`}
        </div>
      )}
      {badge && (
        <span className="entered-badge" title={`entered ${node.entered} times`}>
          ×{node.entered}
        </span>
      )}
    </>
  );
}

/** The statuses of the overlay, each with its mark and its colour. */
export function NodeStatusLegend() {
  return (
    <ul className="graph-legend" aria-label="Node statuses">
      {Object.entries(nodeStatusMarks).map(([status, mark]) => (
        <li key={status} className={`legend-item status-${status}`}>
          <span className="legend-swatch" aria-hidden="true">
            {mark}
          </span>
          {status}
        </li>
      ))}
    </ul>
  );
}

/** Props of `DefinitionGraph`. */
export interface DefinitionGraphProps {
  document: Pick<DefinitionDocument, "name" | "steps">;
  /** A run's nodes (`GET /api/runs/{id}/graph`): the overlay of statuses and taken edges. */
  trace?: Readonly<Record<string, NodeTrace>>;
  /** Called with the last position of a clicked node that made calls. */
  onSelect?: (position: number) => void;
}

/**
 * A definition's graph (see `buildDefinitionGraph`), laid out with dagre and
 * drawn with React Flow; with a run's trace, each node is coloured and
 * marked by its status (a legend says how), a node inside a `forEach`
 * shows how many times it was entered, and the edges taken are drawn
 * bolder. Each node carries `data-node-id`, `data-kind` and `data-status`.
 */
export function DefinitionGraph({ document, trace, onSelect }: DefinitionGraphProps) {
  const graph = useMemo(() => buildDefinitionGraph(document, trace), [document, trace]);
  const placed = useGraphLayout(graph);
  const { nodes, edges } = useMemo(() => {
    if (!placed) return { nodes: [], edges: [] };
    const nodes: Node<{ label: ReactNode; source: Placed<DefinitionGraphNode> }>[] = placed.map((node) => {
      const selectable = onSelect !== undefined && (node.positions?.length ?? 0) > 0;
      const attributes: Record<string, string | undefined> = {
        "data-node-id": node.nodeId ?? node.id,
        "data-kind": node.kind,
        "data-status": node.status,
        "data-entered": node.entered === undefined ? undefined : String(node.entered),
      };
      return {
        id: node.id,
        position: { x: node.x, y: node.y },
        data: { label: <NodeBody node={node} />, source: node },
        className: [
          "graph-node",
          `kind-${kinds.has(node.kind) ? node.kind : "task"}`,
          node.status ? `status-${node.status}` : "",
          selectable ? "clickable" : "",
        ].join(" "),
        domAttributes: attributes as HTMLAttributes<HTMLDivElement>,
        width: node.width,
        height: node.height,
        sourcePosition: Position.Right,
        targetPosition: Position.Left,
        draggable: false,
        connectable: false,
        ariaLabel: `${node.label}${node.status ? `, ${node.status}` : ""}`,
      };
    });
    const boxes = new Map(placed.map((node) => [node.id, node]));
    const detourAt = ({ nodes, side }: NonNullable<DefinitionGraphEdge["around"]>) => {
      const around = nodes.flatMap((id) => boxes.get(id) ?? []);
      return side === "above"
        ? Math.min(...around.map((node) => node.y)) - detourGap
        : Math.max(...around.map((node) => node.y + node.height)) + detourGap;
    };
    const edges: Edge[] = graph.edges.map((edge) => ({
      id: edge.id,
      source: edge.source,
      target: edge.target,
      ...(edge.label ? { label: edge.label } : {}),
      ...(edge.around ? { type: "detour", data: { y: detourAt(edge.around) } } : {}),
      className: `graph-edge edge-${edge.kind}${edge.taken ? " edge-taken" : ""}`,
      markerEnd: { type: MarkerType.ArrowClosed, width: 14, height: 14 },
      focusable: false,
    }));
    return { nodes, edges };
  }, [graph, placed, onSelect]);

  const start = useMemo(() => {
    const left = Math.min(...(placed ?? []).map((node) => node.x));
    return nodes.filter((node) => node.position.x + (node.width ?? 0) <= left + fitWidth);
  }, [placed, nodes]);

  if (!placed) return <p className="muted">Laying out {graph.nodes.length} nodes…</p>;
  return (
    <>
      {trace && <NodeStatusLegend />}
      <div className={`graph definition-graph${trace ? " with-trace" : ""}`} data-testid="definition-graph">
        <ReactFlow
          nodes={nodes}
          edges={edges}
          edgeTypes={edgeTypes}
          fitView
          fitViewOptions={{ maxZoom: 1, padding: 0.1, ...(start.length < nodes.length ? { nodes: start } : {}) }}
          minZoom={0.05}
          nodesDraggable={false}
          nodesConnectable={false}
          edgesFocusable={false}
          onNodeClick={(_, node) => {
            const last = node.data.source.positions?.at(-1);
            if (onSelect && last !== undefined) onSelect(last);
          }}
        >
          <Background gap={24} />
          <Controls showInteractive={false} />
        </ReactFlow>
      </div>
    </>
  );
}
