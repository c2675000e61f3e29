-- 0010-calls-talked: whether anybody talked on a call, who answered it, and
-- the legs that joined it. A record counts as a conversation only when it
-- is ANSWERED with billsec > 0 (and, in Master.csv, a destination channel):
-- the dialplan "answers" 0-second records (Hangup after a failed Dial)
-- that nobody heard. Legs of one call (a ring group's Local/ channels, a
-- queue's members) share the linkedid, which is the call's ref; the first
-- record taken is the call (its own uniqueid in leg when that differs from
-- ref), every later leg is listed in call_leg so that a run that reads it
-- again knows it. Calls taken before this migration count as talked when
-- they were answered for a second or more (their channels were not kept);
-- their extension is not known.

ALTER TABLE call ADD COLUMN leg TEXT;
ALTER TABLE call ADD COLUMN talked INTEGER NOT NULL DEFAULT 0 CHECK (talked IN (0, 1));
ALTER TABLE call ADD COLUMN extension TEXT;
UPDATE call SET talked = 1 WHERE disposition = 'ANSWERED' AND billsec > 0;

CREATE TABLE call_leg (
	leg TEXT PRIMARY KEY,      -- the record's uniqueid (or the hash of its line)
	call_id INTEGER NOT NULL REFERENCES call(id)
);
