-- Flow control. Each run has a queue ('default': no limits), a concurrency
-- key, a priority (higher first), the time a worker first took it (rate
-- windows) and, while it is pending, its debounce key. A pending run with
-- `wake_at` is not started before then (a delayed start or a debounce).
ALTER TABLE runs ADD COLUMN queue TEXT NOT NULL DEFAULT 'default';
ALTER TABLE runs ADD COLUMN concurrency_key TEXT;
ALTER TABLE runs ADD COLUMN priority INTEGER NOT NULL DEFAULT 0;
ALTER TABLE runs ADD COLUMN started_at INTEGER;
ALTER TABLE runs ADD COLUMN debounce_key TEXT;

-- Claims take the runs of a queue by priority, then oldest first.
DROP INDEX runs_active;
CREATE INDEX runs_claim ON runs (queue, priority DESC, created_at)
  WHERE status IN ('pending', 'running', 'waiting', 'compensating');
-- The next timer of a run no worker holds, or the start of a delayed run.
DROP INDEX runs_wake;
CREATE INDEX runs_wake ON runs (wake_at) WHERE status IN ('waiting', 'pending') AND lease_owner IS NULL;
-- The runs of a named queue that may hold a slot, counted by each claim of it.
CREATE INDEX runs_queue_busy ON runs (queue, concurrency_key, status, lease_owner)
  WHERE queue <> 'default' AND status IN ('running', 'waiting', 'compensating');
-- The starts of a named queue within its rate window.
CREATE INDEX runs_queue_started ON runs (queue, started_at, concurrency_key)
  WHERE queue <> 'default' AND started_at IS NOT NULL;
-- At most one pending run per workflow and debounce key.
CREATE UNIQUE INDEX runs_debounce ON runs (workflow, debounce_key)
  WHERE status = 'pending' AND debounce_key IS NOT NULL;

-- The limits of each named queue, as the worker that started last declared them.
CREATE TABLE queues (
  name TEXT PRIMARY KEY,
  concurrency INTEGER,
  per_key INTEGER,
  rate_limit INTEGER,
  rate_period_ms INTEGER,
  rate_per_key INTEGER NOT NULL DEFAULT 0,
  hold_while_waiting INTEGER NOT NULL DEFAULT 0,
  registered_by TEXT NOT NULL,
  registered_at INTEGER NOT NULL
);

-- The queue of each registered workflow version, for runs that senders
-- without the code start (events).
ALTER TABLE workflows ADD COLUMN queue TEXT;
