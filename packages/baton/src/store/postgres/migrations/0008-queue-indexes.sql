-- The runnable runs of a named queue by concurrency key: a claim of a queue
-- with per-key limits reads the keys that have such runs (skipping from one
-- key to the next) and the first runs of each key not at its limit, so its
-- cost follows the keys and the runs it takes, not the runs pending.
CREATE INDEX runs_queue_keys ON runs (queue, concurrency_key, priority DESC, created_at)
  WHERE queue <> 'default' AND status IN ('pending', 'waiting') AND lease_owner IS NULL;

-- Runs of a named queue, newest first (listRuns({ queue })). Runs of
-- `default` are listed through runs_created; the filter adds
-- `queue <> 'default'` for a named queue so that this index applies.
CREATE INDEX runs_queue_created ON runs (queue, created_at DESC, id DESC) WHERE queue <> 'default';

-- Runs of a named queue that finished lately (a queue's throughput, listQueues).
CREATE INDEX runs_queue_finished ON runs (queue, finished_at) WHERE queue <> 'default' AND finished_at IS NOT NULL;
