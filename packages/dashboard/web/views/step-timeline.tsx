import { memo, useMemo } from "react";
import type { Run, Task } from "../api/api-types.js";
import { useIncrementalCount } from "../hooks/use-incremental-count.js";
import { kindLabel } from "../lib/format.js";
import { layoutTimeline, type TimelineLayout, type TimelineRow } from "../lib/timeline-layout.js";

const kindClass: Record<string, string> = {
  step: "step",
  timer: "timer",
  signal: "signal",
  event: "event",
  child: "child",
  task: "task",
  human_task: "human",
  compensation: "compensation",
};
const statusClass = new Set(["running", "waiting", "completed", "failed"]);

const percent = (value: number) => `${Math.max(0, Math.min(100, value)).toFixed(3)}%`;

const Row = memo(function Row({
  row,
  layout,
  onSelect,
}: {
  row: TimelineRow;
  layout: Pick<TimelineLayout, "start" | "end">;
  onSelect: (position: number) => void;
}) {
  const span = layout.end - layout.start;
  const kind = kindClass[row.kind] ?? "step";
  return (
    <div className={`timeline-row row-${kind}`}>
      <button type="button" className="timeline-label" onClick={() => onSelect(row.position)} title={row.name}>
        <span className="muted">#{row.position}</span> {row.kind === "compensation" ? "↩ undo " : ""}
        <span className="timeline-name">{row.name}</span>
        {row.kind !== "step" && row.kind !== "compensation" && <span className="tag">{kindLabel(row.kind)}</span>}
      </button>
      <div className="timeline-track">
        {row.segments.map((segment, index) => (
          <div
            // biome-ignore lint/suspicious/noArrayIndexKey: segments of a row keep their order
            key={index}
            className={`seg seg-${segment.kind} seg-${statusClass.has(segment.status) ? segment.status : "unknown"}${segment.open ? " seg-open" : ""}${row.kind === "compensation" ? " seg-compensation" : ""}${row.kind === "task" ? " seg-task" : ""}${row.kind === "human_task" ? " seg-human" : ""}`}
            style={{
              left: percent(((segment.start - layout.start) / span) * 100),
              width: percent(((segment.end - segment.start) / span) * 100),
            }}
            title={segment.label}
          />
        ))}
      </div>
    </div>
  );
});

const legend = [
  ["seg-attempt seg-completed", "attempt"],
  ["seg-attempt seg-failed", "failed attempt"],
  ["seg-backoff", "retry wait"],
  ["seg-wait", "signal / event wait"],
  ["seg-wait seg-task", "task waiting for a task worker"],
  ["seg-wait seg-human", "human task waiting for a person"],
  ["seg-sleep", "timer"],
  ["seg-child", "child run"],
  ["seg-attempt seg-compensation", "compensation"],
] as const;

/** Props of `StepTimeline`. */
export interface StepTimelineProps {
  run: Run;
  now: number;
  /** The run's open tasks by position (they place the attempts of open task calls). */
  tasks: ReadonlyMap<number, Task>;
  onSelect: (position: number) => void;
}

/**
 * The step timeline: one row per step and per compensation, bars on a
 * shared time axis (attempts, retry waits, waits, timers, child runs,
 * tasks, human tasks). Clicking a row's label selects its step.
 */
export function StepTimeline({ run, now, tasks, onSelect }: StepTimelineProps) {
  const layout = useMemo(() => layoutTimeline(run, now, tasks), [run, now, tasks]);
  const shown = useIncrementalCount(layout.rows.length);
  if (layout.rows.length === 0) return <p className="muted">No steps yet.</p>;
  const span = layout.end - layout.start;
  return (
    <div className="timeline">
      <div className="timeline-rows">
        <div className="timeline-row timeline-axis" aria-hidden="true">
          <span className="timeline-label" />
          <div className="timeline-track">
            {layout.ticks.map((tick) => (
              <span
                key={tick.at}
                className={`tick${tick.at - layout.start > span * 0.92 ? " tick-end" : ""}`}
                style={{ left: percent(((tick.at - layout.start) / span) * 100) }}
              >
                {tick.label}
              </span>
            ))}
          </div>
        </div>
        {layout.rows.slice(0, shown).map((row) => (
          <Row key={row.key} row={row} layout={layout} onSelect={onSelect} />
        ))}
      </div>
      <div className="legend">
        {legend.map(([className, label]) => (
          <span key={label}>
            <span className={`swatch seg ${className}`} /> {label}
          </span>
        ))}
      </div>
    </div>
  );
}
