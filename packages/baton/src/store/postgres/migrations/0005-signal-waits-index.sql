-- The signal rows of `history` (waits and their outcomes) by run and
-- type, for the listing of open signal waits (`listSignalWaits`), which
-- reads them for every run not ended. Partial: the rows of steps and
-- timers get no entry, and their inserts only compare the type (three
-- comparisons, written as on SQLite).
CREATE INDEX history_signals ON history (run_id, type, position)
  WHERE (type = 'signal.waiting' OR type = 'signal.received' OR type = 'signal.timed_out');
