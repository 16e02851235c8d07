-- The registry: what workers write when they start about the workflow
-- versions they serve, so that a process without their code (an API server,
-- a CLI) can start them from events and check signal payloads.
-- `registered_at` is the time of the latest start that registered the
-- version: the newest registration of a workflow is the one registered last.
-- Schemas are JSON Schema documents (text), absent when none could be made.
CREATE TABLE workflows (
  name text NOT NULL,
  version text NOT NULL,
  timeout_ms bigint,
  input_schema text,
  signal_schemas text,
  registered_at bigint NOT NULL,
  PRIMARY KEY (name, version)
);

-- Events that start a run of a workflow version (`defineWorkflow`'s `events`),
-- replaced whole each time the version is registered.
CREATE TABLE subscriptions (
  event text NOT NULL,
  workflow text NOT NULL,
  version text NOT NULL,
  match text,
  PRIMARY KEY (event, workflow, version)
);
CREATE INDEX subscriptions_version ON subscriptions (workflow, version);
