import type { CallInfo, HistoryEvent, HumanTask, Task } from "../api/api-types.js";
import { AttemptList } from "../components/attempt-list.js";
import { ErrorView } from "../components/error-view.js";
import { JsonView } from "../components/json-view.js";
import { formatTime } from "../lib/format.js";
import type { HumanTaskCall } from "../lib/human-task-calls.js";
import { runHref } from "../lib/route.js";
import { taskAttempts } from "../lib/task-attempts.js";
import { HumanTaskCallFacts } from "./human-task-call-facts.js";
import { TaskCallFacts } from "./task-call-facts.js";

/**
 * What came into a step from outside: a received signal or event payload, a
 * child's or a task's input, or what a human task showed the person.
 */
function received(
  step: CallInfo,
  history: readonly HistoryEvent[],
  humanTaskCall: HumanTaskCall | undefined,
): { title: string; value: unknown } | undefined {
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
  if (step.kind === "human_task" && humanTaskCall?.context !== undefined) {
    return { title: "Context shown to the person", value: humanTaskCall.context };
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
  /** The live state of the step's human task, for an open human task call. */
  humanTask?: HumanTask;
  /** A human task call as the run's history tells it. */
  humanTaskCall?: HumanTaskCall;
  now: number;
}

/**
 * One step opened: its times, what it received, output, error, and every
 * attempt with its error and stack; for a task call, the task (its queue,
 * live state and heartbeat details) and the task worker of each attempt;
 * for a human task call, the human task (a link to it in the inbox), whom
 * it is for, its description and context, and the answer.
 */
export function StepDetails({ runId, step, history, task, humanTask, humanTaskCall, now }: StepDetailsProps) {
  const input = received(step, history, humanTaskCall);
  const isHuman = step.kind === "human_task";
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
        {isHuman && <HumanTaskCallFacts runId={runId} step={step} call={humanTaskCall} task={humanTask} now={now} />}
      </dl>
      {isHuman && humanTaskCall?.description !== undefined && (
        <>
          <h4>Description</h4>
          <p className="plain-text">{humanTaskCall.description}</p>
        </>
      )}
      {input && (
        <>
          <h4>{input.title}</h4>
          <JsonView value={input.value} />
        </>
      )}
      {step.output !== undefined && (
        <>
          <h4>{isHuman ? "Answer" : "Output"}</h4>
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
