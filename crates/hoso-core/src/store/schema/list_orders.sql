-- The case list's deadline order (soonest first, cases without a deadline last, then by
-- number) as an index: a page of a common filter (a kind, the overdue cases) walks it and keeps
-- the matching cases instead of sorting every match (search::Walk).
CREATE INDEX cases_by_deadline ON cases(deadline IS NULL, deadline, number);
