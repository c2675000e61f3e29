-- 0005-stock: items with barcodes, warehouses, lots with expiry, the stock
-- ledger and what is reserved of it. Quantities are integer thousandths of
-- the item's unit, money integer kopecks. The ledger (move) is append-only;
-- the balance table is kept from it by a trigger and may never go below
-- zero, and crm-stock check compares the two.

CREATE TABLE warehouse (
	id INTEGER PRIMARY KEY,
	code TEXT NOT NULL UNIQUE,
	name TEXT,
	is_default INTEGER NOT NULL DEFAULT 0 CHECK (is_default IN (0, 1)),
	created TEXT NOT NULL DEFAULT (crm_now()),
	created_by TEXT NOT NULL DEFAULT (crm_user())
);
INSERT INTO warehouse (code, name, is_default) VALUES ('main', 'Main warehouse', 1);

CREATE TABLE item (
	id INTEGER PRIMARY KEY,
	code TEXT NOT NULL UNIQUE,
	name TEXT NOT NULL,
	unit TEXT NOT NULL DEFAULT 'pcs',
	price INTEGER CHECK (price >= 0),       -- kopecks
	supply TEXT NOT NULL DEFAULT 'stock' CHECK (supply IN ('stock', 'make', 'buy')),
	certifiable INTEGER NOT NULL DEFAULT 0 CHECK (certifiable IN (0, 1)),
	shelf_life INTEGER CHECK (shelf_life > 0), -- days
	lot_tracked INTEGER NOT NULL DEFAULT 1 CHECK (lot_tracked IN (0, 1)),
	created TEXT NOT NULL DEFAULT (crm_now()),
	created_by TEXT NOT NULL DEFAULT (crm_user()),
	updated TEXT
);

-- Barcodes as GTIN-14 (an EAN-13 with a zero in front), several per item.
CREATE TABLE barcode (
	code TEXT PRIMARY KEY,
	item_id INTEGER NOT NULL REFERENCES item(id),
	kind TEXT NOT NULL
);
CREATE INDEX barcode_item ON barcode(item_id);

CREATE TABLE lot (
	id INTEGER PRIMARY KEY,
	item_id INTEGER NOT NULL REFERENCES item(id),
	lot_no TEXT NOT NULL,
	produced TEXT,
	expires TEXT,              -- the last day it may be used (YYYY-MM-DD)
	received TEXT NOT NULL,
	created TEXT NOT NULL DEFAULT (crm_now()),
	created_by TEXT NOT NULL DEFAULT (crm_user()),
	UNIQUE (item_id, lot_no)
);
-- FEFO order: earliest expiry, lots without expiry last, then receipt, then id.
CREATE INDEX lot_fefo ON lot(item_id, expires IS NULL, expires, received, id);

CREATE TABLE move (
	id INTEGER PRIMARY KEY,
	at TEXT NOT NULL,
	kind TEXT NOT NULL CHECK (kind IN ('receipt', 'production', 'shipment', 'transfer',
		'adjustment', 'writeoff')),
	item_id INTEGER NOT NULL REFERENCES item(id),
	lot_id INTEGER NOT NULL REFERENCES lot(id),
	warehouse_id INTEGER NOT NULL REFERENCES warehouse(id),
	qty INTEGER NOT NULL CHECK (qty <> 0), -- thousandths; into the warehouse > 0
	reason TEXT,
	doc TEXT,                  -- the document it belongs to (order, invoice, count)
	created TEXT NOT NULL DEFAULT (crm_now()),
	created_by TEXT NOT NULL DEFAULT (crm_user())
);
CREATE INDEX move_item ON move(item_id, at);
CREATE INDEX move_lot ON move(lot_id, warehouse_id);

CREATE TABLE balance (
	lot_id INTEGER NOT NULL REFERENCES lot(id),
	warehouse_id INTEGER NOT NULL REFERENCES warehouse(id),
	item_id INTEGER NOT NULL REFERENCES item(id),
	qty INTEGER NOT NULL CHECK (qty >= 0),
	PRIMARY KEY (lot_id, warehouse_id)
);
CREATE INDEX balance_item ON balance(item_id);

-- A zero row first, then the sum: so the CHECK sees the new balance, not the move.
CREATE TRIGGER move_balance AFTER INSERT ON move BEGIN
	INSERT INTO balance (lot_id, warehouse_id, item_id, qty)
	VALUES (NEW.lot_id, NEW.warehouse_id, NEW.item_id, 0)
	ON CONFLICT (lot_id, warehouse_id) DO NOTHING;
	UPDATE balance SET qty = qty + NEW.qty
	WHERE lot_id = NEW.lot_id AND warehouse_id = NEW.warehouse_id;
END;
CREATE TRIGGER move_append_only_update BEFORE UPDATE ON move BEGIN
	SELECT RAISE(ABORT, 'the stock ledger is append-only: record a correcting move');
END;
CREATE TRIGGER move_append_only_delete BEFORE DELETE ON move BEGIN
	SELECT RAISE(ABORT, 'the stock ledger is append-only: record a correcting move');
END;

CREATE TABLE reservation (
	id INTEGER PRIMARY KEY,
	ref TEXT NOT NULL,         -- the order (line) it is for
	item_id INTEGER NOT NULL REFERENCES item(id),
	lot_id INTEGER NOT NULL REFERENCES lot(id),
	warehouse_id INTEGER NOT NULL REFERENCES warehouse(id),
	qty INTEGER NOT NULL CHECK (qty > 0),
	picked INTEGER NOT NULL DEFAULT 0 CHECK (picked >= 0),
	status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'shipped', 'released')),
	created TEXT NOT NULL DEFAULT (crm_now()),
	created_by TEXT NOT NULL DEFAULT (crm_user())
);
CREATE INDEX reservation_ref ON reservation(ref, status);
CREATE INDEX reservation_lot ON reservation(lot_id, warehouse_id, status);
