import { useState } from "react";
import type { HumanTask } from "../api/api-types.js";
import { ErrorNote } from "../components/error-note.js";
import { JsonView } from "../components/json-view.js";
import { StatusBadge } from "../components/status-badge.js";
import { useApiData } from "../hooks/use-api-data.js";
import { useNow } from "../hooks/use-now.js";
import { formatFromNow, formatTime } from "../lib/format.js";
import { describeWhom } from "../lib/human-task-calls.js";
import { humanTaskDeadline } from "../lib/human-task-deadline.js";
import { runHref } from "../lib/route.js";
import { type AnswerNotice, HumanTaskForm } from "./human-task-form.js";

/** Reads the human task again this often (ms) while it is open: another person may answer it, or its timeout pass. */
const pollMs = 3000;

/** A time, and how far it is from now. */
function When({ at, now }: { at: string | undefined; now: number }) {
  return (
    <>
      {formatTime(at)} <span className="muted">({formatFromNow(at, now)})</span>
    </>
  );
}

/** Who a human task is for, when it is due, and who answered it. */
function HumanTaskFacts({ task, now }: { task: HumanTask; now: number }) {
  const deadline = humanTaskDeadline(task, now);
  return (
    <dl className="facts">
      <dt>Workflow</dt>
      <dd>{task.workflow}</dd>
      <dt>Run</dt>
      <dd className="mono">
        <a href={runHref(task.runId)}>{task.runId}</a>
        <span className="muted">
          {" "}
          #{task.position} {task.name}
        </span>
      </dd>
      <dt>For</dt>
      <dd>
        {describeWhom(task)}
        {task.reassigned && (
          <span className="tag tag-warning" title="its timeout gave it to someone else">
            reassigned
          </span>
        )}
      </dd>
      <dt>Created</dt>
      <dd>
        <When at={task.createdAt} now={now} />
      </dd>
      {task.dueAt && (
        <>
          <dt>Due</dt>
          <dd>
            <When at={task.dueAt} now={now} />
            {deadline.reason === "due" && <span className="tag tag-overdue">overdue</span>}
          </dd>
        </>
      )}
      {task.remindAt && (
        <>
          <dt>Reminder</dt>
          <dd>
            <When at={task.remindAt} now={now} />
            {deadline.reason === "reminder" && <span className="tag tag-overdue">overdue</span>}
          </dd>
        </>
      )}
      {task.completedBy !== undefined && (
        <>
          <dt>{task.status === "rejected" ? "Rejected by" : "Completed by"}</dt>
          <dd className="whom">{task.completedBy}</dd>
          <dt>Answered</dt>
          <dd>
            <When at={task.completedAt} now={now} />
          </dd>
        </>
      )}
    </dl>
  );
}

/** The answer a closed human task got, or why it has none. */
function HumanTaskAnswer({ task }: { task: HumanTask }) {
  if (task.status === "timed_out") return <p>No answer: its timeout passed (updated {formatTime(task.updatedAt)}).</p>;
  if (task.status === "cancelled") return <p>No answer: its run finished first.</p>;
  return (
    <div className="human-task-answer">
      <p>
        <StatusBadge status={task.status} /> by <strong className="whom">{task.completedBy}</strong> at{" "}
        {formatTime(task.completedAt, true)}
      </p>
      {task.comment !== undefined && (
        <>
          <h4>Comment</h4>
          <p className="plain-text">{task.comment}</p>
        </>
      )}
      {task.status === "completed" && (
        <>
          <h4>Data</h4>
          <JsonView value={task.data} />
        </>
      )}
    </div>
  );
}

/**
 * One human task (`#/inbox/<id>`): its title, whom it is for and when it
 * is due, its description (plain text, its line breaks kept), its context,
 * and the form to answer it; once closed, its answer. Read again every 3 s
 * while it is open.
 */
export function HumanTaskView({ id }: { id: string }) {
  const [open, setOpen] = useState(true);
  const {
    data: task,
    error,
    reload,
  } = useApiData<HumanTask>(`/api/human-tasks/${encodeURIComponent(id)}`, {
    pollMs: open ? pollMs : undefined,
  });
  if (task && open !== (task.status === "open")) setOpen(task.status === "open");
  const now = useNow(1000, open);
  const [notice, setNotice] = useState<AnswerNotice>();
  const answered = (next: AnswerNotice) => {
    setNotice(next);
    reload();
  };
  return (
    <>
      <nav className="breadcrumbs" aria-label="Breadcrumbs">
        <a href="#/inbox">Inbox</a> / <span className="mono">{id}</span>
      </nav>
      {error && <ErrorNote error={error} />}
      {!task && !error && <p className="muted">Loading human task…</p>}
      {task && (
        <>
          <header className="human-task-header">
            <h1>
              <span className="human-task-heading">{task.title}</span> <StatusBadge status={task.status} />
            </h1>
            <HumanTaskFacts task={task} now={now} />
          </header>
          {notice && (
            <p role="status" className={`action-result notice ${notice.tone}`}>
              {notice.text}
            </p>
          )}
          {task.description !== undefined && (
            <section aria-label="Description">
              <h2>Description</h2>
              <p className="plain-text">{task.description}</p>
            </section>
          )}
          {task.context !== undefined && (
            <section aria-label="Context">
              <h2>Context</h2>
              <JsonView value={task.context} />
            </section>
          )}
          <section aria-label="Answer" className="answer">
            <h2>Answer</h2>
            {task.status === "open" ? (
              <HumanTaskForm key={task.id} task={task} onAnswered={answered} />
            ) : (
              <HumanTaskAnswer task={task} />
            )}
          </section>
        </>
      )}
    </>
  );
}
