-- The index of queued tasks holds the whole order a poll leases them in
-- (available_at, then created_at): a poll reads the first entries of each
-- task queue and stops, with no sort of the ties of available_at.
DROP INDEX tasks_ready;
CREATE INDEX tasks_ready ON tasks (queue, available_at, created_at) WHERE status = 'queued';
