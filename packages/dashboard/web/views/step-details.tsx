import type { CallInfo, HistoryEvent, Task } from "../api/api-types.js";
import { AttemptList } from "../components/attempt-list.js";
import { ErrorView } from "../components/error-view.js";
import { JsonView } from "../components/json-view.js";
import { formatTime } from "../lib/format.js";
import { runHref } from "../lib/route.js";
import { taskAttempts } from "../lib/task-attempts.js";
import { TaskCallFacts } from "./task-call-facts.js";

/** What came into a step from outside: a received signal or event payload, or a child's or a task's input. */
function received(step: CallInfo, history: readonly HistoryEvent[]): { title: string; value: unknown } | undefined {
  const at = (type: string) => history.findLast((e) => e.type === type && e.position === step.position);
  if (step.kind === "signal" || step.kind === "event") {
    const event = at(`${step.kind}.received`);
    if (event) return { title: `Received ${step.kind} payload`, value: event.payload };
  }
  if (step.kind === "child") {
    const event = at("child.started");
    if (event) return { title: "Input of the child run", value: event.input };
  }
  if (step.kind === "task") {
    const event = at("task.scheduled");
    if (event) return { title: "Input of the task", value: event.input };
  }
  return undefined;
}

/** Props of `StepDetails`. */
export interface StepDetailsProps {
  runId: string;
  step: CallInfo;
  history: readonly HistoryEvent[];
  /** The live state of the step's task, for an open task call. */
  task?: Task;
  now: number;
}

/**
 * One step opened: its times, what it received, output, error, and every
 * attempt with its error and stack; for a task call, the task (its queue,
 * live state and heartbeat details) and the task worker of each attempt.
 */
export function StepDetails({ runId, step, history, task, now }: StepDetailsProps) {
  const input = received(step, history);
  const isTask = step.kind === "task";
  return (
    <div className="step-details">
      <dl className="facts">
        <dt>Started</dt>
        <dd>{formatTime(step.startedAt, true)}</dd>
        <dt>Finished</dt>
        <dd>{formatTime(step.finishedAt, true)}</dd>
        {step.dueAt && (
          <>
            <dt>{step.kind === "timer" ? "Due" : "Times out"}</dt>
            <dd>{formatTime(step.dueAt, true)}</dd>
          </>
        )}
        {step.childId && (
          <>
            <dt>Child run</dt>
            <dd className="mono">
              <a href={runHref(step.childId)}>{step.childId}</a>
            </dd>
          </>
        )}
        {isTask && <TaskCallFacts runId={runId} step={step} history={history} task={task} now={now} />}
      </dl>
      {input && (
        <>
          <h4>{input.title}</h4>
          <JsonView value={input.value} />
        </>
      )}
      {step.output !== undefined && (
        <>
          <h4>Output</h4>
          <JsonView value={step.output} />
        </>
      )}
      {step.error && (
        <>
          <h4>Error</h4>
          <ErrorView error={step.error} />
        </>
      )}
      {task?.details !== undefined && (
        <>
          <h4>Heartbeat details</h4>
          <JsonView value={task.details} />
        </>
      )}
      <AttemptList title="Attempts" attempts={isTask ? taskAttempts(step, history, task) : step.attempts} />
      {step.compensation && (
        <AttemptList title={`Compensation (${step.compensation.status})`} attempts={step.compensation.attempts} />
      )}
    </div>
  );
}
