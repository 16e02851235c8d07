import { memo, useEffect, useRef, useState } from "react";
import type { CallInfo, HistoryEvent, HumanTask, Run, Task } from "../api/api-types.js";
import { StatusBadge } from "../components/status-badge.js";
import { formatSpan, formatTime, kindLabel } from "../lib/format.js";
import type { HumanTaskCall } from "../lib/human-task-calls.js";
import { HumanTaskWhere } from "./human-task-call-facts.js";
import { StepDetails } from "./step-details.js";

/** Where a task call is, in a few words: its task queue, and who holds it while it is open. */
function TaskWhere({ step, task }: { step: CallInfo; task: Task | undefined }) {
  return (
    <span className="task-where muted">
      in <span className="mono">{step.queue}</span>
      {task?.status === "queued" && " · queued"}
      {task?.status === "leased" && (
        <>
          {" "}
          · leased by <span className="mono">{task.workerId}</span>
        </>
      )}
      {task && task.attempt > 0 && ` · attempt ${task.attempt} of ${task.maxAttempts}`}
    </span>
  );
}

const StepRow = memo(function StepRow({
  runId,
  step,
  task,
  humanTask,
  humanTaskCall,
  open,
  selected,
  history,
  now,
  onToggle,
}: {
  runId: string;
  step: CallInfo;
  task: Task | undefined;
  humanTask: HumanTask | undefined;
  humanTaskCall: HumanTaskCall | undefined;
  open: boolean;
  selected: boolean;
  history: readonly HistoryEvent[];
  now: number;
  onToggle: (position: number) => void;
}) {
  const ref = useRef<HTMLLIElement>(null);
  useEffect(() => {
    if (selected) ref.current?.scrollIntoView({ block: "nearest", behavior: "smooth" });
  }, [selected]);
  const failedAttempts = step.attempts.filter((a) => a.status === "failed").length;
  return (
    <li ref={ref} className={`step-item${selected ? " selected" : ""}`}>
      <button
        type="button"
        className="step-summary"
        aria-expanded={open}
        onClick={() => onToggle(step.position)}
        data-position={step.position}
      >
        <span className="muted">#{step.position}</span>
        <span className="tag">{kindLabel(step.kind)}</span>
        <span className="step-name">{step.name}</span>
        <StatusBadge status={step.status} />
        {step.kind === "task" && <TaskWhere step={step} task={task} />}
        {step.kind === "human_task" && (
          <HumanTaskWhere runId={runId} step={step} call={humanTaskCall} task={humanTask} now={now} />
        )}
        {step.attempts.length > 1 && (
          <span className="muted">
            {step.attempts.length} attempts{failedAttempts > 0 ? `, ${failedAttempts} failed` : ""}
          </span>
        )}
        {step.compensation && <span className="tag tag-compensation">compensation {step.compensation.status}</span>}
        <span className="muted step-time">
          {formatTime(step.startedAt)} · {formatSpan(step.startedAt, step.finishedAt, now)}
        </span>
        {step.error && !open && <span className="error-inline">{step.error.message}</span>}
      </button>
      {open && (
        <StepDetails
          runId={runId}
          step={step}
          history={history}
          task={task}
          humanTask={humanTask}
          humanTaskCall={humanTaskCall}
          now={now}
        />
      )}
    </li>
  );
});

const noHistory: readonly HistoryEvent[] = [];
/** Steps listed before "Show all" (a step chosen in the timeline or graph is always listed). */
const pageSize = 100;

/** Props of `StepList`. */
export interface StepListProps {
  run: Run;
  history: readonly HistoryEvent[];
  /** The run's open tasks by position: who holds each task call that waits. */
  tasks: ReadonlyMap<number, Task>;
  /** The run's open human tasks by position: whom each is for now, its reminder. */
  humanTasks: ReadonlyMap<number, HumanTask>;
  /** The run's human task calls by position, from its history. */
  humanTaskCalls: ReadonlyMap<number, HumanTaskCall>;
  /** Position of the step chosen in the timeline or graph: it opens and scrolls into view. */
  selected?: number;
  now: number;
}

/**
 * The steps of the run (the first 100 until "Show all"), each opening to
 * its output, error and attempts (a task call: its task; a human task
 * call: its human task and answer). Failed steps start open.
 */
export function StepList({ run, history, tasks, humanTasks, humanTaskCalls, selected, now }: StepListProps) {
  const [shown, setShown] = useState(pageSize);
  const [open, setOpen] = useState<ReadonlySet<number>>(
    () => new Set(run.steps.filter((s) => s.status === "failed").map((s) => s.position)),
  );
  useEffect(() => {
    if (selected === undefined) return;
    setOpen((current) => new Set(current).add(selected));
    const index = run.steps.findIndex((step) => step.position === selected);
    setShown((count) => Math.max(count, index + 1));
  }, [selected, run.steps]);
  const toggle = (position: number) =>
    setOpen((current) => {
      const next = new Set(current);
      if (!next.delete(position)) next.add(position);
      return next;
    });
  if (run.steps.length === 0) return <p className="muted">No steps yet.</p>;
  return (
    <>
      <ol className="step-list">
        {run.steps.slice(0, shown).map((step) => (
          <StepRow
            key={step.position}
            runId={run.id}
            step={step}
            task={tasks.get(step.position)}
            humanTask={humanTasks.get(step.position)}
            humanTaskCall={humanTaskCalls.get(step.position)}
            open={open.has(step.position)}
            selected={selected === step.position}
            history={open.has(step.position) ? history : noHistory}
            now={step.finishedAt ? 0 : now}
            onToggle={toggle}
          />
        ))}
      </ol>
      {shown < run.steps.length && (
        <button type="button" className="button plain" onClick={() => setShown(run.steps.length)}>
          Show all {run.steps.length} steps
        </button>
      )}
    </>
  );
}
