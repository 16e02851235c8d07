-- Notices for the other processes on the same file, as PostgreSQL's NOTIFY
-- carries them: a write appends them in its transaction; a listening store
-- reads those after the last it saw whenever PRAGMA data_version changes.
-- The newest 10,000 are kept.
CREATE TABLE notices (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  source TEXT NOT NULL,
  payload TEXT NOT NULL
);
