-- The next timer of a run no worker holds (a worker sets a wake-up for it).
CREATE INDEX runs_wake ON runs (wake_at) WHERE status = 'waiting' AND lease_owner IS NULL;
