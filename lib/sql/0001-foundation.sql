-- 0001-foundation: settings, people, parties and their contact points,
-- requests, the correspondence history, tasks, the audit log, intake
-- bookkeeping. crm_user() and crm_now() are functions every libcrm
-- connection registers; the audit triggers (lib/audit.c) and the created_by
-- stamps call them, so a change made through a connection without them
-- fails instead of going unaudited. The busy tables record who made each
-- row and when in the row itself (created, created_by); the audit_log view
-- joins those with the audit table of updates and deletes.

CREATE TABLE config (
	key TEXT PRIMARY KEY,
	value TEXT NOT NULL
);

CREATE TABLE dept (
	id INTEGER PRIMARY KEY,
	name TEXT NOT NULL UNIQUE,
	title TEXT,
	rr_last INTEGER            -- the user who got the last round-robin task
);

CREATE TABLE users (
	id INTEGER PRIMARY KEY,
	login TEXT NOT NULL UNIQUE,
	name TEXT,
	role TEXT NOT NULL CHECK (role IN ('admin', 'head', 'manager', 'marketer', 'warehouse')),
	dept_id INTEGER REFERENCES dept(id),
	email TEXT,
	phone TEXT,
	active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
	created TEXT NOT NULL
);

CREATE TABLE party (
	id INTEGER PRIMARY KEY,
	kind TEXT NOT NULL CHECK (kind IN ('lead', 'client', 'partner', 'supplier')),
	name TEXT,
	legal_name TEXT,
	inn TEXT,
	kpp TEXT,
	address TEXT,
	payment TEXT,
	needs TEXT,
	tags TEXT,
	dept_id INTEGER REFERENCES dept(id),
	owner_id INTEGER REFERENCES users(id),
	created TEXT NOT NULL DEFAULT (crm_now()),
	created_by TEXT NOT NULL DEFAULT (crm_user()),
	updated TEXT NOT NULL
);

CREATE TABLE contact (
	id INTEGER PRIMARY KEY,
	party_id INTEGER NOT NULL REFERENCES party(id),
	name TEXT NOT NULL,
	position TEXT,
	created TEXT NOT NULL DEFAULT (crm_now()),
	created_by TEXT NOT NULL DEFAULT (crm_user())
);
CREATE INDEX contact_party ON contact(party_id);

-- The dedupe index: one row per normalised phone or e-mail.
CREATE TABLE contact_point (
	id INTEGER PRIMARY KEY,
	party_id INTEGER NOT NULL REFERENCES party(id),
	contact_id INTEGER REFERENCES contact(id),
	kind TEXT NOT NULL CHECK (kind IN ('phone', 'email')),
	value TEXT NOT NULL,       -- E.164 or lower-case address
	tail TEXT,                 -- phones: the last ten digits
	ext TEXT,
	opt_out INTEGER NOT NULL DEFAULT 0 CHECK (opt_out IN (0, 1)),
	opt_out_at TEXT,
	opt_out_source TEXT,
	created TEXT NOT NULL DEFAULT (crm_now()),
	created_by TEXT NOT NULL DEFAULT (crm_user()),
	UNIQUE (kind, value)
);
CREATE INDEX contact_point_party ON contact_point(party_id);
CREATE INDEX contact_point_tail ON contact_point(tail) WHERE kind = 'phone';

CREATE TABLE request (
	id INTEGER PRIMARY KEY,
	channel TEXT NOT NULL CHECK (channel IN ('mail', 'call', 'web', 'chat', 'manual')),
	source_ref TEXT UNIQUE,
	received TEXT NOT NULL,
	party_id INTEGER NOT NULL REFERENCES party(id),
	contact_id INTEGER REFERENCES contact(id),
	dept_id INTEGER REFERENCES dept(id),
	assignee_id INTEGER REFERENCES users(id),
	status TEXT NOT NULL DEFAULT 'new'
		CHECK (status IN ('new', 'routed', 'assigned', 'qualified', 'junk', 'converted')),
	junk_reason TEXT,
	name TEXT,                 -- the sender's details as they came
	company TEXT,
	phone TEXT,
	email TEXT,
	subject TEXT,
	body TEXT,
	raw BLOB,
	created TEXT NOT NULL DEFAULT (crm_now()),
	created_by TEXT NOT NULL DEFAULT (crm_user()),
	updated TEXT NOT NULL
);
CREATE INDEX request_status ON request(status, received);
CREATE INDEX request_party ON request(party_id);
CREATE INDEX request_assignee ON request(assignee_id) WHERE assignee_id IS NOT NULL;

CREATE TABLE interaction (
	id INTEGER PRIMARY KEY,
	party_id INTEGER NOT NULL REFERENCES party(id),
	request_id INTEGER REFERENCES request(id),
	kind TEXT NOT NULL CHECK (kind IN ('mail', 'call', 'note', 'web', 'chat', 'manual')),
	at TEXT NOT NULL,
	summary TEXT,
	author_id INTEGER REFERENCES users(id),
	created TEXT NOT NULL DEFAULT (crm_now()),
	created_by TEXT NOT NULL DEFAULT (crm_user())
);
CREATE INDEX interaction_party ON interaction(party_id, at);

-- A party's correspondence: its requests (each is a letter, call or form)
-- and the notes and other contacts recorded about it.
CREATE VIEW history AS
	SELECT party_id AS party, received AS at, channel AS kind, id AS request,
		NULL AS note, created_by AS author,
		coalesce(subject, substr(body, 1, 200)) AS summary
	FROM request
	UNION ALL
	SELECT i.party_id, i.at, i.kind, i.request_id, i.id,
		(SELECT login FROM users WHERE id = i.author_id), i.summary
	FROM interaction i;

CREATE TABLE task (
	id INTEGER PRIMARY KEY,
	kind TEXT NOT NULL,
	title TEXT,
	assignee_id INTEGER NOT NULL REFERENCES users(id),
	due TEXT,
	status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done')),
	done_at TEXT,
	party_id INTEGER REFERENCES party(id),
	request_id INTEGER REFERENCES request(id),
	deal_id INTEGER,
	origin TEXT,
	created TEXT NOT NULL DEFAULT (crm_now()),
	created_by TEXT NOT NULL DEFAULT (crm_user())
);
CREATE INDEX task_assignee ON task(assignee_id, status, due);
CREATE INDEX task_party ON task(party_id, kind, status);

-- Updates and deletes of every audited table, and inserts of the small
-- ones (config, dept, users); see the audit_log view for all of it.
CREATE TABLE audit (
	id INTEGER PRIMARY KEY,
	at TEXT NOT NULL,
	who TEXT NOT NULL,
	tbl TEXT NOT NULL,
	row_id INTEGER NOT NULL,
	action TEXT NOT NULL CHECK (action IN ('insert', 'update', 'delete')),
	before TEXT,               -- JSON of the row before the change
	after TEXT                 -- JSON of the row after it
);
CREATE INDEX audit_row ON audit(tbl, row_id);

-- Intake bookkeeping, used by the mail and call pullers.
CREATE TABLE intake_cursor (
	source TEXT PRIMARY KEY,   -- account+folder, or a CDR file
	state TEXT NOT NULL,       -- uidvalidity/last uid, or device/inode/offset
	updated TEXT NOT NULL
);

CREATE TABLE quarantine (
	id INTEGER PRIMARY KEY,
	source TEXT NOT NULL,
	raw BLOB,
	reason TEXT NOT NULL,
	at TEXT NOT NULL
);

INSERT INTO dept (name, title) VALUES
	('hight', 'Hight'), ('prom', 'Prom'), ('term', 'Term');
