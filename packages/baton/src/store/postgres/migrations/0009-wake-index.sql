-- The wake-up index leaves out pending runs without a start time (most
-- runs, between their creation and their claim): those entries were only
-- added and removed again, which cost each run's creation and claim a write.
DROP INDEX runs_wake;
CREATE INDEX runs_wake ON runs (wake_at)
  WHERE lease_owner IS NULL AND (status = 'waiting' OR (status = 'pending' AND wake_at IS NOT NULL));
