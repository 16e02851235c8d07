-- The signal rows of `history` (waits and their outcomes) by run, type and
-- position, with their time, for the listing of open signal waits
-- (`listSignalWaits`): it finds the waits of every run not ended, and
-- sorts them, in this index alone (20 ms for 10,000 waiting runs, against
-- 65 ms reading the rows), then reads the rows of one page. Partial: the
-- rows of steps and timers get no entry, and their inserts only compare
-- the type. The condition is written with OR rather than IN: SQLite builds
-- the list of an IN at every insert, which made an insert of a history
-- row cost twice as much; three comparisons cost nothing measurable.
CREATE INDEX history_signals ON history (run_num, type, position, at)
  WHERE (type = 'signal.waiting' OR type = 'signal.received' OR type = 'signal.timed_out');
