-- A run's row is updated at every step (its last seq and time). With room
-- left on each page, PostgreSQL keeps the new version on the same page and
-- leaves the indexes alone (a HOT update) as long as no indexed column
-- changes, which holds for the common step write. Applies to pages written
-- from now on.
ALTER TABLE runs SET (fillfactor = 50);
