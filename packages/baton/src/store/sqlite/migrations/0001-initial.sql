-- Runs, their history and their signals. Times are epoch milliseconds.
CREATE TABLE runs (
  id TEXT PRIMARY KEY,
  workflow TEXT NOT NULL,
  version TEXT NOT NULL,
  status TEXT NOT NULL,
  input TEXT,
  output TEXT,
  error TEXT,
  parent_id TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  finished_at INTEGER,
  timeout_ms INTEGER,
  deadline_at INTEGER,
  wake_at INTEGER,
  cancel_requested INTEGER NOT NULL DEFAULT 0,
  poke_seq INTEGER NOT NULL DEFAULT 0,
  seen_poke_seq INTEGER NOT NULL DEFAULT 0,
  last_seq INTEGER NOT NULL DEFAULT 0,
  lease_owner TEXT,
  lease_token INTEGER NOT NULL DEFAULT 0,
  lease_expires_at INTEGER
);

-- Claims scan only unfinished runs.
CREATE INDEX runs_active ON runs (created_at)
  WHERE status IN ('pending', 'running', 'waiting', 'compensating');
CREATE INDEX runs_lease_owner ON runs (lease_owner) WHERE lease_owner IS NOT NULL;
CREATE INDEX runs_created ON runs (created_at DESC, id DESC);
CREATE INDEX runs_workflow_created ON runs (workflow, created_at DESC, id DESC);
CREATE INDEX runs_status_created ON runs (status, created_at DESC, id DESC);
CREATE INDEX runs_parent ON runs (parent_id) WHERE parent_id IS NOT NULL;

CREATE TABLE history (
  run_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  type TEXT NOT NULL,
  position INTEGER,
  at INTEGER NOT NULL,
  data TEXT,
  PRIMARY KEY (run_id, seq)
) WITHOUT ROWID;

CREATE TABLE signals (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  run_id TEXT NOT NULL,
  name TEXT NOT NULL,
  payload TEXT,
  sent_at INTEGER NOT NULL,
  consumed_seq INTEGER
);
CREATE INDEX signals_pending ON signals (run_id, id) WHERE consumed_seq IS NULL;
