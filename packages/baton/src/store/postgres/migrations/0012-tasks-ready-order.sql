-- The index of queued tasks holds the whole order a poll leases them in
-- (available_at, then created_at): a poll reads the first entries of each
-- task queue and stops. Without created_at, the planner sorted every ready
-- task of the queue whenever it had no statistics of the table to prefer
-- an incremental sort (the engine does not analyze it), so that a poll cost
-- as much as the tasks waiting.
DROP INDEX tasks_ready;
CREATE INDEX tasks_ready ON tasks (queue, available_at, created_at) WHERE status = 'queued';
