-- 0011-deals: the deal, from equipment selection to service. Its goods
-- (deal_line), the stage history, the documents and payments that belong
-- to it, the VAT rates with the day each starts, and the lists of values
-- its parameters take. The customer order is the deal's lines: what covers
-- each line (stock reserved, production, supplier) lives in the stock
-- tables under the order's ref "DEAL-<id>", so nothing is stored twice.
-- New tables take their times and users from the code, not from SQL
-- functions of our own, so that another engine can run the same SQL.

-- A private person has no legal entity; the bank details an invoice needs.
ALTER TABLE party ADD COLUMN private INTEGER NOT NULL DEFAULT 0 CHECK (private IN (0, 1));
ALTER TABLE party ADD COLUMN bank TEXT;
ALTER TABLE party ADD COLUMN bik TEXT;
ALTER TABLE party ADD COLUMN account TEXT;      -- settlement account (20 digits)
ALTER TABLE party ADD COLUMN corr_account TEXT; -- correspondent account (20 digits)

-- Who sells a bought item: a customer order buys the rest from them.
ALTER TABLE item ADD COLUMN supplier_id INTEGER REFERENCES party(id);

-- The values a deal's parameters and a lost deal's reason take; the admin
-- edits them (crm-admin choice), like departments.
CREATE TABLE deal_choice (
	kind TEXT NOT NULL CHECK (kind IN ('area', 'equipment', 'medium', 'lost')),
	value TEXT NOT NULL,
	PRIMARY KEY (kind, value)
);
INSERT INTO deal_choice (kind, value) VALUES
	('area', 'water-supply'), ('area', 'heating'), ('area', 'oil-gas'),
	('area', 'chemical'), ('area', 'food'), ('area', 'mining'), ('area', 'energy'),
	('area', 'municipal'), ('area', 'other'),
	('equipment', 'pump'), ('equipment', 'compressor'), ('equipment', 'pumping-station'),
	('equipment', 'blower'), ('equipment', 'spare-parts'), ('equipment', 'other'),
	('medium', 'water'), ('medium', 'waste-water'), ('medium', 'oil'),
	('medium', 'oil-products'), ('medium', 'gas'), ('medium', 'air'),
	('medium', 'chemicals'), ('medium', 'slurry'), ('medium', 'other'),
	('lost', 'price'), ('lost', 'deadline'), ('lost', 'competitor'), ('lost', 'no-budget'),
	('lost', 'other-technology'), ('lost', 'no-answer'), ('lost', 'other');

-- VAT rates by code, each from the day it starts: the rate of a code on a
-- day is the one with the latest start not after it. 'standard' went from
-- 20% to 22% on 2026-01-01 (Federal Law 425-FZ). rate is in hundredths of
-- a percent; NULL is "without VAT".
CREATE TABLE vat_rate (
	code TEXT NOT NULL,
	starts TEXT NOT NULL,      -- YYYY-MM-DD
	rate INTEGER CHECK (rate BETWEEN 0 AND 10000),
	PRIMARY KEY (code, starts)
);
INSERT INTO vat_rate (code, starts, rate) VALUES
	('standard', '2019-01-01', 2000), ('standard', '2026-01-01', 2200),
	('zero', '2000-01-01', 0), ('none', '2000-01-01', NULL);

CREATE TABLE deal (
	id INTEGER PRIMARY KEY,
	title TEXT NOT NULL,
	party_id INTEGER NOT NULL REFERENCES party(id),
	contact_id INTEGER REFERENCES contact(id),
	request_id INTEGER UNIQUE REFERENCES request(id),
	stage TEXT NOT NULL DEFAULT 'selection' CHECK (stage IN ('selection', 'proposal',
		'invoiced', 'production', 'stock', 'shipped', 'certification', 'commissioning',
		'service', 'closed', 'lost')),
	needs TEXT NOT NULL,
	area TEXT,
	equipment TEXT,
	medium TEXT,
	dept_id INTEGER REFERENCES dept(id),
	manager_id INTEGER NOT NULL REFERENCES users(id),
	close_by TEXT,             -- the expected close date (YYYY-MM-DD)
	vat_code TEXT NOT NULL DEFAULT 'standard',
	invoiced TEXT,             -- the invoice date (YYYY-MM-DD): it fixes the VAT rate
	ordered TEXT,              -- when the customer order was made
	waybill TEXT,
	service TEXT CHECK (service IN ('accepted', 'declined')),
	service_note TEXT,
	lost_reason TEXT,
	lost_note TEXT,
	created TEXT NOT NULL,
	created_by TEXT NOT NULL,
	updated TEXT NOT NULL      -- the last change to the deal or its lines
);
CREATE INDEX deal_stage ON deal(stage, manager_id);
CREATE INDEX deal_party ON deal(party_id);
CREATE INDEX deal_manager ON deal(manager_id, stage);

-- The goods: one line per item. Quantities thousandths, money kopecks,
-- discount_pct hundredths of a percent (or discount in kopecks).
CREATE TABLE deal_line (
	id INTEGER PRIMARY KEY,
	deal_id INTEGER NOT NULL REFERENCES deal(id),
	item_id INTEGER NOT NULL REFERENCES item(id),
	qty INTEGER NOT NULL CHECK (qty > 0),
	price INTEGER NOT NULL CHECK (price >= 0),
	discount_pct INTEGER NOT NULL DEFAULT 0 CHECK (discount_pct BETWEEN 0 AND 10000),
	discount INTEGER NOT NULL DEFAULT 0 CHECK (discount >= 0),
	UNIQUE (deal_id, item_id)
);

-- Every move of a deal, forced ones with their reason.
CREATE TABLE deal_move (
	id INTEGER PRIMARY KEY,
	deal_id INTEGER NOT NULL REFERENCES deal(id),
	at TEXT NOT NULL,
	from_stage TEXT,           -- NULL when the deal was made
	to_stage TEXT NOT NULL,
	who TEXT NOT NULL,
	forced INTEGER NOT NULL DEFAULT 0 CHECK (forced IN (0, 1)),
	reason TEXT
);
CREATE INDEX deal_move_deal ON deal_move(deal_id, at);

CREATE TABLE document (
	id INTEGER PRIMARY KEY,
	deal_id INTEGER NOT NULL REFERENCES deal(id),
	kind TEXT NOT NULL CHECK (kind IN ('proposal', 'contract', 'invoice', 'waybill',
		'tax-invoice', 'certificate', 'commissioning-act', 'service-contract', 'other')),
	number TEXT NOT NULL,
	date TEXT NOT NULL,        -- YYYY-MM-DD
	item_id INTEGER REFERENCES item(id), -- what a certificate certifies
	file TEXT,
	size INTEGER CHECK (size >= 0),
	sha256 TEXT,
	created TEXT NOT NULL,
	created_by TEXT NOT NULL
);
CREATE INDEX document_deal ON document(deal_id, kind);

CREATE TABLE payment (
	id INTEGER PRIMARY KEY,
	deal_id INTEGER NOT NULL REFERENCES deal(id),
	amount INTEGER NOT NULL CHECK (amount <> 0), -- kopecks; below 0 a refund
	date TEXT NOT NULL,        -- YYYY-MM-DD
	ref TEXT,
	reason TEXT,
	created TEXT NOT NULL,
	created_by TEXT NOT NULL
);
CREATE INDEX payment_deal ON payment(deal_id);

CREATE INDEX task_deal ON task(deal_id, status);
-- What covers an order is looked up by its ref (deal_cover, the order).
CREATE INDEX production_order_ref ON production_order(ref, item_id);
CREATE INDEX supplier_order_ref ON supplier_order(ref);

-- What covers each line of a deal's customer order, read from the stock
-- tables under the order's ref: reserved (on hand, not yet shipped),
-- shipped, in production (open orders, their latest planned date and
-- progress), on order from a supplier (not yet received, the latest
-- expected date). The one definition every reader of coverage uses; the
-- unary + keeps the look-ups on the ref's index, not the status's.
CREATE VIEW deal_cover AS
SELECT l.deal_id, l.id AS line_id, l.item_id, l.qty AS ordered,
 coalesce((SELECT sum(r.qty) FROM reservation r WHERE r.ref = 'DEAL-' || l.deal_id
  AND r.item_id = l.item_id AND r.status = 'open'), 0) AS reserved,
 coalesce((SELECT sum(r.qty) FROM reservation r WHERE r.ref = 'DEAL-' || l.deal_id
  AND r.item_id = l.item_id AND r.status = 'shipped'), 0) AS shipped,
 coalesce((SELECT sum(o.qty) FROM production_order o WHERE o.ref = 'DEAL-' || l.deal_id
  AND o.item_id = l.item_id AND +o.status IN ('planned', 'in_progress')), 0) AS making,
 (SELECT max(o.planned) FROM production_order o WHERE o.ref = 'DEAL-' || l.deal_id
  AND o.item_id = l.item_id AND +o.status IN ('planned', 'in_progress')) AS planned,
 (SELECT max(o.progress) FROM production_order o WHERE o.ref = 'DEAL-' || l.deal_id
  AND o.item_id = l.item_id AND +o.status IN ('planned', 'in_progress')) AS progress,
 coalesce((SELECT sum(sl.qty - sl.received) FROM supplier_line sl JOIN supplier_order so
  ON so.id = sl.order_id WHERE so.ref = 'DEAL-' || l.deal_id AND sl.item_id = l.item_id
  AND so.status = 'open'), 0) AS buying,
 (SELECT max(so.expected) FROM supplier_line sl JOIN supplier_order so ON so.id = sl.order_id
  WHERE so.ref = 'DEAL-' || l.deal_id AND sl.item_id = l.item_id AND so.status = 'open') AS expected
FROM deal_line l;
