-- Tasks: work a run hands to task workers (`ctx.task`), one row per task call
-- (run, position). The write that records `task.scheduled` inserts it; a poll
-- leases it (status `leased`, the next attempt, a new secret: the attempt and
-- secret make its token); a completion, or a failure for good, pokes the run,
-- whose holder records the outcome and sets `recorded`. A failed or lapsed
-- attempt with attempts left goes back to `queued` until `available_at`. A
-- run's finish cancels its queued and leased tasks. `attempts` lists the
-- attempts that failed or lapsed (JSON). Times are epoch milliseconds. Rows
-- change in place several times (leased, finished, recorded): pages keep room
-- for their new versions.
CREATE TABLE tasks (
  run_id text NOT NULL,
  position integer NOT NULL,
  name text NOT NULL,
  queue text NOT NULL,
  status text NOT NULL,
  input text,
  output text,
  error text,
  attempt integer NOT NULL DEFAULT 0,
  max_attempts integer NOT NULL,
  retry text NOT NULL,
  timeout_ms bigint NOT NULL,
  heartbeat_timeout_ms bigint,
  available_at bigint NOT NULL,
  secret text,
  worker_id text,
  leased_at bigint,
  lease_expires_at bigint,
  heartbeat_at bigint,
  details text,
  attempts text NOT NULL DEFAULT '[]',
  recorded boolean NOT NULL DEFAULT false,
  created_at bigint NOT NULL,
  updated_at bigint NOT NULL,
  finished_at bigint,
  PRIMARY KEY (run_id, position)
) WITH (fillfactor = 80);
CREATE INDEX tasks_ready ON tasks (queue, available_at) WHERE status = 'queued';
CREATE INDEX tasks_leased ON tasks (lease_expires_at) WHERE status = 'leased';
CREATE INDEX tasks_created ON tasks (created_at, run_id, position);
