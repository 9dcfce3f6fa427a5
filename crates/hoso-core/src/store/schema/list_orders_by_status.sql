-- A status filter's pages by number and by deadline: a status (a few per cent of a national
-- register) is too rare to walk the whole order for, and looking up its cases and sorting them
-- read tens of thousands of scattered rows (200 ms at 1M cases).
CREATE INDEX cases_by_status_number ON cases(status, number);
CREATE INDEX cases_by_status_deadline ON cases(status, deadline IS NULL, deadline, number);
