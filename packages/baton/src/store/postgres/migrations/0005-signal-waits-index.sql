-- The signal rows of `history` (waits and their outcomes) by run, type and
-- position, with their time, for the listing of open signal waits
-- (`listSignalWaits`): it finds the waits of every run not ended, and
-- sorts them, from this index, then reads the rows of one page. Partial:
-- the rows of steps and timers get no entry, and their inserts only
-- compare the type (three comparisons, written as on SQLite).
CREATE INDEX history_signals ON history (run_id, type, position, at)
  WHERE (type = 'signal.waiting' OR type = 'signal.received' OR type = 'signal.timed_out');
