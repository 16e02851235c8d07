-- Each run gets a number (`runs.num`, its row id, in order of creation), and
-- `history` keys its rows by that number and appends them in row-id order,
-- with an index on (run_num, seq) to read a run's history. Before, history
-- rows were kept in the order of their text run id: the steps of concurrent
-- runs changed as many pages as there were runs in a group commit, each
-- written whole to the WAL. Now the new rows share the last pages of the
-- table, and the index entries of recent runs (two numbers each) sit
-- together. History rows are never deleted apart from their run.
CREATE TABLE runs_by_number (
  num INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
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
INSERT INTO runs_by_number (
  id, workflow, version, status, input, output, error, parent_id, created_at, updated_at, finished_at,
  timeout_ms, deadline_at, wake_at, cancel_requested, poke_seq, seen_poke_seq, last_seq, lease_owner,
  lease_token, lease_expires_at
)
SELECT
  id, workflow, version, status, input, output, error, parent_id, created_at, updated_at, finished_at,
  timeout_ms, deadline_at, wake_at, cancel_requested, poke_seq, seen_poke_seq, last_seq, lease_owner,
  lease_token, lease_expires_at
FROM runs ORDER BY created_at, id;

CREATE TABLE history_by_number (
  run_num INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  type TEXT NOT NULL,
  position INTEGER,
  at INTEGER NOT NULL,
  data TEXT
);
INSERT INTO history_by_number (run_num, seq, type, position, at, data)
SELECT r.num, h.seq, h.type, h.position, h.at, h.data
FROM history h JOIN runs_by_number r ON r.id = h.run_id
ORDER BY r.num, h.seq;

DROP TABLE history;
DROP TABLE runs;
ALTER TABLE runs_by_number RENAME TO runs;
ALTER TABLE history_by_number RENAME TO history;
CREATE UNIQUE INDEX history_run ON history (run_num, seq);

-- The indexes of `runs` as before (0001, 0002, 0005).
CREATE INDEX runs_active ON runs (created_at)
  WHERE status IN ('pending', 'running', 'waiting', 'compensating');
CREATE INDEX runs_lease_owner ON runs (lease_owner) WHERE lease_owner IS NOT NULL;
CREATE INDEX runs_created ON runs (created_at DESC, id DESC);
CREATE INDEX runs_workflow_created ON runs (workflow, created_at DESC, id DESC);
CREATE INDEX runs_status_created ON runs (status, created_at DESC, id DESC);
CREATE INDEX runs_parent ON runs (parent_id) WHERE parent_id IS NOT NULL;
CREATE INDEX runs_wake ON runs (wake_at) WHERE status = 'waiting' AND lease_owner IS NULL;
CREATE INDEX runs_counts ON runs (workflow, version, status);
