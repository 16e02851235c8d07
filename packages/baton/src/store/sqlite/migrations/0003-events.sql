-- Events: named messages not addressed to a run. The id is the event's
-- idempotency key; `started` and `delivered` are JSON arrays of the ids of
-- the runs the event started and of those whose waits received it.
CREATE TABLE events (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  payload TEXT,
  sent_at INTEGER NOT NULL,
  started TEXT NOT NULL,
  delivered TEXT NOT NULL
);
CREATE INDEX events_sent ON events (sent_at DESC, id DESC);

-- Registered waits of runs for an event, one per position. A row exists from
-- the commit of its `event.waiting` until the run records the outcome or
-- ends. `event_id`, `payload` and `received_at` are set, once, by the event
-- that reaches the wait; the run then records it as `event.received`.
CREATE TABLE event_waits (
  run_id TEXT NOT NULL,
  position INTEGER NOT NULL,
  name TEXT NOT NULL,
  match TEXT,
  due_at INTEGER,
  event_id TEXT,
  payload TEXT,
  received_at INTEGER,
  PRIMARY KEY (run_id, position)
) WITHOUT ROWID;
CREATE INDEX event_waits_open ON event_waits (name) WHERE event_id IS NULL;
