-- The signal rows of `history` (waits and their outcomes) by run and
-- type, for the listing of open signal waits (`listSignalWaits`), which
-- reads them for every run not ended. Partial: the rows of steps and
-- timers get no entry, and their inserts only compare the type. The
-- condition is written with OR rather than IN: SQLite builds the list of
-- an IN for every insert, which made an insert of a history row cost
-- twice as much; three comparisons cost nothing measurable.
CREATE INDEX history_signals ON history (run_num, type, position)
  WHERE (type = 'signal.waiting' OR type = 'signal.received' OR type = 'signal.timed_out');
