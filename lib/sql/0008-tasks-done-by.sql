-- 0008-tasks-done-by: who closed a task: the login of the user who ran
-- `crm-task done`, or "system" when crm closed it because what it was about
-- happened (its request was assigned or marked junk, the party was called
-- back). Tasks closed before this migration have none.

ALTER TABLE task ADD COLUMN done_by TEXT;
