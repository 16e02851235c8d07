import { BaseEdge, type Edge, type EdgeProps } from "@xyflow/react";

/** Data of a `DetourEdge`: the height (y) of its run along the flow. */
export type DetourEdgeData = { y: number };

/** Distance from a handle to the bend, and the radius of the corners, in pixels. */
const reach = 16;
const radius = 6;

/** An SVG path through `points` with rounded corners. */
function roundedPath(points: readonly { x: number; y: number }[]): string {
  const [first, ...rest] = points;
  if (!first) return "";
  let path = `M ${first.x} ${first.y}`;
  for (const [index, point] of rest.entries()) {
    const previous = points[index] ?? first;
    const next = rest[index + 1];
    if (!next) {
      path += ` L ${point.x} ${point.y}`;
      break;
    }
    const before = Math.min(radius, Math.hypot(point.x - previous.x, point.y - previous.y) / 2);
    const after = Math.min(radius, Math.hypot(next.x - point.x, next.y - point.y) / 2);
    const towards = (from: { x: number; y: number }, length: number) => {
      const distance = Math.hypot(from.x - point.x, from.y - point.y) || 1;
      return {
        x: point.x + ((from.x - point.x) / distance) * length,
        y: point.y + ((from.y - point.y) / distance) * length,
      };
    };
    const start = towards(previous, before);
    const end = towards(next, after);
    path += ` L ${start.x} ${start.y} Q ${point.x} ${point.y} ${end.x} ${end.y}`;
  }
  return path;
}

/**
 * An edge that leaves its source to the right, runs along the flow at
 * height `data.y` (above or below the nodes it goes around) and enters its
 * target from the left: a `forEach`'s loop back from its last step, and its
 * way on when it is done.
 */
export function DetourEdge({
  sourceX,
  sourceY,
  targetX,
  targetY,
  data,
  label,
  markerEnd,
  labelBgPadding,
}: EdgeProps<Edge<DetourEdgeData>>) {
  const y = data?.y ?? Math.min(sourceY, targetY) - 40;
  const path = roundedPath([
    { x: sourceX, y: sourceY },
    { x: sourceX + reach, y: sourceY },
    { x: sourceX + reach, y },
    { x: targetX - reach, y },
    { x: targetX - reach, y: targetY },
    { x: targetX, y: targetY },
  ]);
  return (
    <BaseEdge
      path={path}
      markerEnd={markerEnd}
      label={label}
      labelX={(sourceX + targetX) / 2}
      labelY={y}
      labelBgPadding={labelBgPadding}
    />
  );
}
