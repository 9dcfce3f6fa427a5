-- Signs of violation awaiting an inspection (issue 10). Migration 4.
-- When the finding was recorded (the register's local date): an inspection opened or planned
-- from then on takes the signs up. NULL for rows projected before this column: any inspection
-- of the subject clears them.
ALTER TABLE case_signs ADD COLUMN found_on TEXT;
