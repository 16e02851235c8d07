-- Runs of a named queue, newest first (listRuns({ queue })). Runs of
-- `default` are listed through runs_created; the filter adds
-- `queue <> 'default'` for a named queue so that this index applies.
CREATE INDEX runs_queue_created ON runs (queue, created_at DESC, id DESC) WHERE queue <> 'default';
