-- Runs, their history and their signals. Times are epoch milliseconds
-- (the database's clock, as every worker reads it). JSON columns hold text.
CREATE TABLE runs (
  id text PRIMARY KEY,
  workflow text NOT NULL,
  version text NOT NULL,
  status text NOT NULL,
  input text,
  output text,
  error text,
  parent_id text,
  created_at bigint NOT NULL,
  updated_at bigint NOT NULL,
  finished_at bigint,
  timeout_ms bigint,
  deadline_at bigint,
  wake_at bigint,
  cancel_requested boolean NOT NULL DEFAULT false,
  poke_seq bigint NOT NULL DEFAULT 0,
  seen_poke_seq bigint NOT NULL DEFAULT 0,
  last_seq integer NOT NULL DEFAULT 0,
  lease_owner text,
  lease_token bigint NOT NULL DEFAULT 0,
  lease_expires_at bigint
);

-- Claims scan only unfinished runs, oldest first.
CREATE INDEX runs_active ON runs (created_at)
  WHERE status IN ('pending', 'running', 'waiting', 'compensating');
-- The next timer of a run no worker holds.
CREATE INDEX runs_wake ON runs (wake_at)
  WHERE status = 'waiting' AND lease_owner IS NULL;
CREATE INDEX runs_lease_owner ON runs (lease_owner) WHERE lease_owner IS NOT NULL;
CREATE INDEX runs_created ON runs (created_at DESC, id DESC);
CREATE INDEX runs_workflow_created ON runs (workflow, created_at DESC, id DESC);
CREATE INDEX runs_status_created ON runs (status, created_at DESC, id DESC);
CREATE INDEX runs_parent ON runs (parent_id) WHERE parent_id IS NOT NULL;

CREATE TABLE history (
  run_id text NOT NULL,
  seq integer NOT NULL,
  type text NOT NULL,
  position integer,
  at bigint NOT NULL,
  data text,
  PRIMARY KEY (run_id, seq)
);

CREATE TABLE signals (
  id bigserial PRIMARY KEY,
  run_id text NOT NULL,
  name text NOT NULL,
  payload text,
  sent_at bigint NOT NULL,
  consumed_seq integer,
  -- Makes a retried send (after an ambiguous commit) a no-op.
  send_key text NOT NULL UNIQUE
);
CREATE INDEX signals_pending ON signals (run_id, id) WHERE consumed_seq IS NULL;
