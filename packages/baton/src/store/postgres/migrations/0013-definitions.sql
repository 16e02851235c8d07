-- Declarative workflow definitions: each version of a definition, in the order of creation (seq).
CREATE TABLE definitions (
  name TEXT NOT NULL,
  version TEXT NOT NULL,
  seq INTEGER NOT NULL,
  description TEXT,
  document TEXT NOT NULL,
  digest TEXT NOT NULL,
  source TEXT,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (name, version)
);
CREATE UNIQUE INDEX definitions_seq ON definitions (name, seq);
