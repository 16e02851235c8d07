-- Human tasks: tasks for people (`ctx.humanTask`), one row per call (run,
-- position). The write that records `human_task.created` inserts it (status
-- `open`); a person's answer sets `completed` or `rejected` with the data,
-- who and when, and pokes the run, whose holder records it and sets
-- `recorded`; the run's holder sets `timed_out` when the timeout passes first
-- (or reassigns it: new assignee, role and `due_at`). A run's finish cancels
-- its open human tasks. `workflow` is the run's, for the inbox. Times are
-- epoch milliseconds.
CREATE TABLE human_tasks (
  run_id TEXT NOT NULL,
  workflow TEXT NOT NULL,
  position INTEGER NOT NULL,
  name TEXT NOT NULL,
  title TEXT NOT NULL,
  description TEXT,
  form TEXT,
  context TEXT,
  assignee TEXT,
  role TEXT,
  status TEXT NOT NULL,
  due_at INTEGER,
  remind_at INTEGER,
  reassigned INTEGER NOT NULL DEFAULT 0,
  data TEXT,
  comment TEXT,
  completed_by TEXT,
  completed_at INTEGER,
  recorded INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (run_id, position)
);
CREATE INDEX human_tasks_open ON human_tasks (created_at, run_id, position) WHERE status = 'open';
CREATE INDEX human_tasks_created ON human_tasks (created_at, run_id, position);
