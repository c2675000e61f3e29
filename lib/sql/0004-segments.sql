-- 0004-segments: named segments for crm-export, so that cron and people
-- export the same selection by name. NULL fields select everything.

CREATE TABLE segment (
	name TEXT PRIMARY KEY,
	kind TEXT,
	dept TEXT,
	manager TEXT,
	tag TEXT,
	since TEXT,                -- created since: a time, or a duration back from the run
	inactive TEXT,             -- no contact for this long (a duration)
	has_email INTEGER NOT NULL DEFAULT 0,
	has_phone INTEGER NOT NULL DEFAULT 0,
	created TEXT NOT NULL DEFAULT (crm_now()),
	created_by TEXT NOT NULL DEFAULT (crm_user())
);
