import type { CallInfo, HumanTask } from "../api/api-types.js";
import { StatusBadge } from "../components/status-badge.js";
import { formatFromNow, formatTime } from "../lib/format.js";
import { describeWhom, type HumanTaskCall } from "../lib/human-task-calls.js";
import { humanTaskDeadline } from "../lib/human-task-deadline.js";
import { humanTaskHref } from "../lib/route.js";

/** Props of `HumanTaskCallFacts` and `HumanTaskWhere`. */
export interface HumanTaskCallProps {
  runId: string;
  step: CallInfo;
  /** The call as the run's history tells it. */
  call?: HumanTaskCall;
  /** The human task's live state, while it is open. */
  task?: HumanTask;
  now: number;
}

/** Where a human task call is, in a few words, for its step's line: title, whom it is for, due time, answer. */
export function HumanTaskWhere({ step, call, task, now }: HumanTaskCallProps) {
  const title = task?.title ?? call?.title;
  const open = step.status === "waiting";
  return (
    <span className="task-where muted">
      {title !== undefined && <span className="human-task-title">{title}</span>}
      {open && ` · for ${describeWhom(task ?? call ?? {})}`}
      {open && step.dueAt && ` · due ${formatFromNow(step.dueAt, now)}`}
      {(task?.reassigned || call?.reassigned) && " · reassigned"}
      {call?.answer && ` · ${call.answer.outcome} by ${call.answer.completedBy ?? "?"}`}
      {call?.timedOut && " · no answer in time"}
    </span>
  );
}

/**
 * What a human task call adds to its step's facts (entries of a `<dl>`):
 * the human task (a link to it in the inbox, where it is answered), whom it
 * is for (and whom before a reassignment), its reminder, and the answer
 * with who gave it and when, or its timeout.
 */
export function HumanTaskCallFacts({ runId, step, call, task, now }: HumanTaskCallProps) {
  const id = call?.id ?? `${runId}:${step.position}`;
  const open = step.status === "waiting";
  const deadline = task ? humanTaskDeadline(task, now) : undefined;
  return (
    <>
      <dt>Human task</dt>
      <dd className="mono">
        <a href={humanTaskHref(id)} aria-label={`Human task ${id} in the inbox`}>
          {id}
        </a>
        {open && <span className="muted"> (answer it in the inbox)</span>}
      </dd>
      <dt>Title</dt>
      <dd className="human-task-title">{task?.title ?? call?.title ?? "-"}</dd>
      <dt>For</dt>
      <dd>{describeWhom(task ?? call ?? {})}</dd>
      {call?.reassigned && (
        <>
          <dt>Reassigned</dt>
          <dd>
            {formatTime(call.reassigned.at, true)}{" "}
            <span className="muted">from {describeWhom(call.reassigned.from)}</span>
          </dd>
        </>
      )}
      {task?.remindAt && (
        <>
          <dt>Reminder</dt>
          <dd>
            {formatTime(task.remindAt, true)} <span className="muted">({formatFromNow(task.remindAt, now)})</span>
            {deadline?.overdue && <span className="tag tag-overdue">overdue</span>}
          </dd>
        </>
      )}
      {call?.remindedAt && (
        <>
          <dt>Reminded</dt>
          <dd>{formatTime(call.remindedAt, true)}</dd>
        </>
      )}
      {call?.answer && (
        <>
          <dt>Answer</dt>
          <dd>
            <StatusBadge status={call.answer.outcome} /> by <span className="whom">{call.answer.completedBy}</span>
          </dd>
          <dt>Answered</dt>
          <dd>{formatTime(call.answer.completedAt, true)}</dd>
        </>
      )}
      {call?.answer?.comment !== undefined && (
        <>
          <dt>Comment</dt>
          <dd className="plain-text">{call.answer.comment}</dd>
        </>
      )}
      {call?.timedOut && (
        <>
          <dt>Timed out</dt>
          <dd>
            {formatTime(call.timedOut.at, true)}{" "}
            <span className="muted">{call.timedOut.error ? "the call failed" : "the call returned no answer"}</span>
          </dd>
        </>
      )}
    </>
  );
}
