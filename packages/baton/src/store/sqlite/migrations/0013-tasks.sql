-- Tasks: work a run hands to task workers (`ctx.task`), one row per task call
-- (run, position). The write that records `task.scheduled` inserts it; a poll
-- leases it (status `leased`, the next attempt, a new secret: the attempt and
-- secret make its token); a completion, or a failure for good, pokes the run,
-- whose holder records the outcome and sets `recorded`. A failed or lapsed
-- attempt with attempts left goes back to `queued` until `available_at`. A
-- run's finish cancels its queued and leased tasks. `attempts` lists the
-- attempts that failed or lapsed (JSON). Times are epoch milliseconds.
CREATE TABLE tasks (
  run_id TEXT NOT NULL,
  position INTEGER NOT NULL,
  name TEXT NOT NULL,
  queue TEXT NOT NULL,
  status TEXT NOT NULL,
  input TEXT,
  output TEXT,
  error TEXT,
  attempt INTEGER NOT NULL DEFAULT 0,
  max_attempts INTEGER NOT NULL,
  retry TEXT NOT NULL,
  timeout_ms INTEGER NOT NULL,
  heartbeat_timeout_ms INTEGER,
  available_at INTEGER NOT NULL,
  secret TEXT,
  worker_id TEXT,
  leased_at INTEGER,
  lease_expires_at INTEGER,
  heartbeat_at INTEGER,
  details TEXT,
  attempts TEXT NOT NULL DEFAULT '[]',
  recorded INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  finished_at INTEGER,
  PRIMARY KEY (run_id, position)
);
CREATE INDEX tasks_ready ON tasks (queue, available_at) WHERE status = 'queued';
CREATE INDEX tasks_leased ON tasks (lease_expires_at) WHERE status = 'leased';
CREATE INDEX tasks_created ON tasks (created_at, run_id, position);
