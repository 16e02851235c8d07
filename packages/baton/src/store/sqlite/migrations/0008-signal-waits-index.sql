-- The signal rows of `history` (waits and their outcomes) by run and
-- type, for the listing of open signal waits (`listSignalWaits`), which
-- reads them for every run not ended. Partial: the rows of steps and
-- timers get no entry, and their inserts only test the type.
CREATE INDEX history_signals ON history (run_num, type, position)
  WHERE type IN ('signal.waiting', 'signal.received', 'signal.timed_out');
