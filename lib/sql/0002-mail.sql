-- 0002-mail: what e-mail intake has seen. Every message read is recorded
-- once, whatever became of it (a request, an auto-reply skipped, a message
-- put in quarantine), so that a re-run, a crash or a second copy of the
-- same mail never doubles anything; and every place it was read from, so
-- that a mailbox is not read again for mail already taken.

CREATE TABLE mail_seen (
	ref TEXT PRIMARY KEY,      -- <Message-ID>, or sha256:... of the bytes
	source TEXT NOT NULL,      -- the mailbox it was first read from
	action TEXT NOT NULL CHECK (action IN ('new-lead', 'history', 'skipped-autoreply',
		'quarantined')),
	parser TEXT,
	reason TEXT,               -- why it was skipped or quarantined
	request_id INTEGER REFERENCES request(id),
	quarantine_id INTEGER REFERENCES quarantine(id),
	at TEXT NOT NULL DEFAULT (crm_now())
);
CREATE INDEX mail_seen_request ON mail_seen(request_id);

-- A message's id in each mailbox it was read from (IMAP UIDVALIDITY/UID,
-- POP3 UIDL, maildir file name): copies of one letter share the ref.
CREATE TABLE mail_box (
	source TEXT NOT NULL,
	uid TEXT NOT NULL,
	ref TEXT NOT NULL,
	PRIMARY KEY (source, uid)
);
