-- The registry: what workers write when they start about the workflow
-- versions they serve, so that a process without their code (an API server,
-- a CLI) can start them from events and check signal payloads.
-- `registered_at` is the time of the latest start that registered the
-- version: the newest registration of a workflow is the one registered last.
-- Schemas are JSON Schema documents (text), absent when none could be made.
CREATE TABLE workflows (
  name TEXT NOT NULL,
  version TEXT NOT NULL,
  timeout_ms INTEGER,
  input_schema TEXT,
  signal_schemas TEXT,
  registered_at INTEGER NOT NULL,
  PRIMARY KEY (name, version)
) WITHOUT ROWID;

-- Events that start a run of a workflow version (`defineWorkflow`'s `events`),
-- replaced whole each time the version is registered.
CREATE TABLE subscriptions (
  event TEXT NOT NULL,
  workflow TEXT NOT NULL,
  version TEXT NOT NULL,
  match TEXT,
  PRIMARY KEY (event, workflow, version)
) WITHOUT ROWID;
CREATE INDEX subscriptions_version ON subscriptions (workflow, version);
