-- Live workers: the workflow versions each serves (a JSON array of name@version), and when it was last seen.
CREATE TABLE workers (
  id TEXT PRIMARY KEY,
  workflows TEXT NOT NULL,
  started_at INTEGER NOT NULL,
  seen_at INTEGER NOT NULL
);
