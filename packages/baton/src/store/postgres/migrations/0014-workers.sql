-- Live workers: the workflow versions each serves (name@version), and when it was last seen.
CREATE TABLE workers (
  id TEXT PRIMARY KEY,
  workflows TEXT[] NOT NULL,
  started_at BIGINT NOT NULL,
  seen_at BIGINT NOT NULL
);
