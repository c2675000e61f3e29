-- 0003-calls: every phone call the PBX reports, once (by its uniqueid, or
-- the hash of its line when the PBX gave none). A call is itself an entry
-- of its party's history; the first call of an unknown number also made a
-- request (and a lead), which stands in the history for it.

CREATE TABLE call (
	id INTEGER PRIMARY KEY,
	ref TEXT NOT NULL UNIQUE,  -- the PBX's uniqueid, or sha256:... of the line
	source TEXT NOT NULL,      -- the CDR file or database it was read from
	start TEXT NOT NULL,
	direction TEXT NOT NULL CHECK (direction IN ('in', 'out', 'internal')),
	number TEXT,               -- the other end, E.164 (NULL: hidden or internal)
	line TEXT,                 -- ours: the number called (DID), or the extension
	disposition TEXT,
	duration INTEGER,
	billsec INTEGER,
	action TEXT NOT NULL,
	reason TEXT,
	party_id INTEGER REFERENCES party(id),
	request_id INTEGER REFERENCES request(id),
	task_id INTEGER REFERENCES task(id),
	created TEXT NOT NULL DEFAULT (crm_now()),
	created_by TEXT NOT NULL DEFAULT (crm_user())
);
CREATE INDEX call_party ON call(party_id, start);
CREATE INDEX call_number ON call(number);

DROP VIEW history;
CREATE VIEW history AS
	SELECT party_id AS party, received AS at, channel AS kind, id AS request,
		NULL AS note, created_by AS author,
		coalesce(subject, substr(body, 1, 200)) AS summary
	FROM request
	UNION ALL
	SELECT i.party_id, i.at, i.kind, i.request_id, i.id,
		(SELECT login FROM users WHERE id = i.author_id), i.summary
	FROM interaction i
	UNION ALL
	SELECT c.party_id, c.start, 'call', NULL, NULL, NULL,
		CASE c.direction WHEN 'in' THEN 'incoming' ELSE 'outgoing' END
		|| ', ' || lower(c.disposition)
		|| CASE WHEN c.billsec > 0 THEN ', ' || c.billsec || ' s' ELSE '' END
		|| CASE c.direction WHEN 'in' THEN coalesce(', ' || c.number, '') || coalesce(' -> ' || c.line, '')
		   ELSE coalesce(', ' || c.line || ' ->', ',') || coalesce(' ' || c.number, '') END
	FROM call c
	WHERE c.party_id IS NOT NULL AND c.request_id IS NULL;
