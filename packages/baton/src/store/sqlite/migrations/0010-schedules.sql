-- Schedules: workflows started at fire times (a cron expression or an
-- interval). `next_fire_at` is the next fire time to reach (NULL while paused
-- or once past `end_at`); firing advances it under a compare-and-set on
-- `revision`, in the transaction that creates the runs, so a restart neither
-- loses nor repeats a fire time. Times are epoch milliseconds.
CREATE TABLE schedules (
  id TEXT PRIMARY KEY,
  workflow TEXT NOT NULL,
  cron TEXT,
  every TEXT,
  timezone TEXT NOT NULL,
  input TEXT,
  overlap TEXT NOT NULL,
  catchup TEXT NOT NULL,
  start_at INTEGER,
  end_at INTEGER,
  paused INTEGER NOT NULL DEFAULT 0,
  source TEXT NOT NULL,
  next_fire_at INTEGER,
  last_fire_at INTEGER,
  last_run_id TEXT,
  skipped_count INTEGER NOT NULL DEFAULT 0,
  last_skipped_at INTEGER,
  buffered_at INTEGER,
  revision INTEGER NOT NULL DEFAULT 1,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX schedules_due ON schedules (next_fire_at) WHERE next_fire_at IS NOT NULL;
CREATE INDEX schedules_buffered ON schedules (buffered_at) WHERE buffered_at IS NOT NULL;
CREATE INDEX schedules_workflow ON schedules (workflow);

-- The schedule that started a run, and the fire time it is for.
ALTER TABLE runs ADD COLUMN schedule_id TEXT;
ALTER TABLE runs ADD COLUMN scheduled_at INTEGER;
CREATE INDEX runs_schedule_created ON runs (schedule_id, created_at DESC, id DESC) WHERE schedule_id IS NOT NULL;
