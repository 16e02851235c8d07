-- Human tasks: tasks for people (`ctx.humanTask`), one row per call (run,
-- position). The write that records `human_task.created` inserts it (status
-- `open`); a person's answer sets `completed` or `rejected` with the data,
-- who and when, and pokes the run, whose holder records it and sets
-- `recorded`; the run's holder sets `timed_out` when the timeout passes first
-- (or reassigns it: new assignee, role and `due_at`). A run's finish cancels
-- its open human tasks. `workflow` is the run's, for the inbox. Times are
-- epoch milliseconds.
CREATE TABLE human_tasks (
  run_id text NOT NULL,
  workflow text NOT NULL,
  position integer NOT NULL,
  name text NOT NULL,
  title text NOT NULL,
  description text,
  form text,
  context text,
  assignee text,
  role text,
  status text NOT NULL,
  due_at bigint,
  remind_at bigint,
  reassigned boolean NOT NULL DEFAULT false,
  data text,
  comment text,
  completed_by text,
  completed_at bigint,
  recorded boolean NOT NULL DEFAULT false,
  created_at bigint NOT NULL,
  updated_at bigint NOT NULL,
  PRIMARY KEY (run_id, position)
);
CREATE INDEX human_tasks_open ON human_tasks (created_at, run_id, position) WHERE status = 'open';
CREATE INDEX human_tasks_created ON human_tasks (created_at, run_id, position);
