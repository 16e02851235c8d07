import type { HumanTask } from "../api/api-types.js";
import { StatusBadge } from "../components/status-badge.js";
import { formatFromNow, formatTime } from "../lib/format.js";
import { humanTaskDeadline } from "../lib/human-task-deadline.js";
import { type InboxFilters, inboxFilterValues } from "../lib/inbox-query.js";
import { humanTaskHref, inboxHref, runHref } from "../lib/route.js";

/** Whom a human task is for: its assignee and its role, each a link to the inbox filtered on it. */
function Whom({ task, filters }: { task: HumanTask; filters: InboxFilters }) {
  const values = inboxFilterValues(filters);
  return (
    <>
      {task.assignee !== undefined && (
        <a className="whom" href={inboxHref({ ...values, assignee: task.assignee })}>
          {task.assignee}
        </a>
      )}
      {task.role !== undefined && (
        <div>
          <span className="muted">role </span>
          <a className="whom" href={inboxHref({ ...values, role: task.role })}>
            {task.role}
          </a>
        </div>
      )}
      {task.assignee === undefined && task.role === undefined && <span className="muted">anyone</span>}
      {task.reassigned && (
        <span className="tag tag-warning" title="its timeout gave it to someone else">
          reassigned
        </span>
      )}
    </>
  );
}

/** When a human task is due and when its reminder comes, marked when one of them passed. */
function Due({ task, now }: { task: HumanTask; now: number }) {
  const deadline = humanTaskDeadline(task, now);
  if (task.dueAt === undefined && task.remindAt === undefined) return <span className="muted">-</span>;
  return (
    <>
      {deadline.overdue && (
        <span
          className="tag tag-overdue"
          title={deadline.reason === "due" ? "past its due time" : "past its reminder time"}
        >
          overdue
        </span>
      )}
      {task.dueAt && (
        <div title={formatTime(task.dueAt, true)}>
          <span className="muted">due </span>
          {formatFromNow(task.dueAt, now)}
        </div>
      )}
      {task.remindAt && (
        <div className="muted" title={formatTime(task.remindAt, true)}>
          reminder {formatFromNow(task.remindAt, now)}
        </div>
      )}
    </>
  );
}

function InboxRow({
  task,
  filters,
  closed,
  now,
}: {
  task: HumanTask;
  filters: InboxFilters;
  closed: boolean;
  now: number;
}) {
  const { overdue } = humanTaskDeadline(task, now);
  return (
    <tr aria-label={`Human task ${task.id}`} className={overdue ? "overdue" : undefined}>
      <td>
        <a className="human-task-title" href={humanTaskHref(task.id)}>
          {task.title}
        </a>
        <div className="mono muted">{task.name}</div>
      </td>
      <td>{task.workflow}</td>
      <td className="mono">
        <a href={runHref(task.runId)}>{task.runId}</a>
        <span className="muted"> #{task.position}</span>
      </td>
      <td>
        <Whom task={task} filters={filters} />
      </td>
      <td title={formatTime(task.createdAt, true)}>{formatFromNow(task.createdAt, now)}</td>
      <td>
        <Due task={task} now={now} />
      </td>
      {closed && (
        <>
          <td>
            <StatusBadge status={task.status} />
          </td>
          <td>
            {task.completedBy !== undefined ? (
              <>
                <span className="whom">{task.completedBy}</span>
                <div className="muted" title={formatTime(task.completedAt, true)}>
                  {formatFromNow(task.completedAt, now)}
                </div>
              </>
            ) : (
              <span className="muted">-</span>
            )}
          </td>
        </>
      )}
    </tr>
  );
}

/**
 * Human tasks as a table: title (a link to the human task and its form)
 * and name, workflow, run (a link), whom it is for (assignee and role, each
 * a filter; marked when reassigned), age, due time and reminder (marked
 * overdue once one of them passed); with `closed`, status and who answered
 * and when.
 */
export function InboxTable({
  tasks,
  filters,
  closed,
  now,
}: {
  tasks: readonly HumanTask[];
  filters: InboxFilters;
  /** The list may hold human tasks that are no longer open: show their status and answer. */
  closed: boolean;
  now: number;
}) {
  if (tasks.length === 0) return <p className="empty">No human tasks match.</p>;
  return (
    <table className="inbox-table">
      <thead>
        <tr>
          <th>Human task</th>
          <th>Workflow</th>
          <th>Run</th>
          <th>For</th>
          <th>Created</th>
          <th>Due</th>
          {closed && (
            <>
              <th>Status</th>
              <th>Answered by</th>
            </>
          )}
        </tr>
      </thead>
      <tbody>
        {tasks.map((task) => (
          <InboxRow key={task.id} task={task} filters={filters} closed={closed} now={now} />
        ))}
      </tbody>
    </table>
  );
}
