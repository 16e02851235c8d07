-- Events: named messages not addressed to a run. The id is the event's
-- idempotency key; `started` and `delivered` are JSON arrays of the ids of
-- the runs the event started and of those whose waits received it.
CREATE TABLE events (
  id text PRIMARY KEY,
  name text NOT NULL,
  payload text,
  sent_at bigint NOT NULL,
  started text NOT NULL,
  delivered text NOT NULL,
  -- Tells a retried send (after an ambiguous commit) that its first try committed.
  send_key text NOT NULL
);
CREATE INDEX events_sent ON events (sent_at DESC, id DESC);

-- Registered waits of runs for an event, one per position. A row exists from
-- the commit of its `event.waiting` until the run records the outcome or
-- ends. `event_id`, `payload` and `received_at` are set, once, by the event
-- that reaches the wait (an UPDATE guarded by `event_id IS NULL`: of two
-- racing publishers the second re-reads the row and skips it); the run then
-- records it as `event.received`. `match` holds primitive values only, so
-- jsonb containment in an event's primitive top-level fields is equality.
CREATE TABLE event_waits (
  run_id text NOT NULL,
  position integer NOT NULL,
  name text NOT NULL,
  match jsonb,
  due_at bigint,
  event_id text,
  payload text,
  received_at bigint,
  PRIMARY KEY (run_id, position)
);
CREATE INDEX event_waits_open ON event_waits (name) WHERE event_id IS NULL;
