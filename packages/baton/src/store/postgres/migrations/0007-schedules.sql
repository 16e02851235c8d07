-- Schedules: workflows started at fire times (a cron expression or an
-- interval). `next_fire_at` is the next fire time to reach (NULL while paused
-- or once past `end_at`); firing advances it under a compare-and-set on
-- `revision`, in the transaction that creates the runs, so a restart neither
-- loses nor repeats a fire time. Times are epoch milliseconds.
CREATE TABLE schedules (
  id text PRIMARY KEY,
  workflow text NOT NULL,
  cron text,
  every text,
  timezone text NOT NULL,
  input text,
  overlap text NOT NULL,
  catchup text NOT NULL,
  start_at bigint,
  end_at bigint,
  paused boolean NOT NULL DEFAULT false,
  source text NOT NULL,
  next_fire_at bigint,
  last_fire_at bigint,
  last_run_id text,
  skipped_count integer NOT NULL DEFAULT 0,
  last_skipped_at bigint,
  buffered_at bigint,
  revision integer NOT NULL DEFAULT 1,
  created_at bigint NOT NULL,
  updated_at bigint NOT NULL
);
CREATE INDEX schedules_due ON schedules (next_fire_at) WHERE next_fire_at IS NOT NULL;
CREATE INDEX schedules_buffered ON schedules (buffered_at) WHERE buffered_at IS NOT NULL;
CREATE INDEX schedules_workflow ON schedules (workflow);

-- The schedule that started a run, and the fire time it is for.
ALTER TABLE runs ADD COLUMN schedule_id text;
ALTER TABLE runs ADD COLUMN scheduled_at bigint;
CREATE INDEX runs_schedule_created ON runs (schedule_id, created_at DESC, id DESC) WHERE schedule_id IS NOT NULL;
