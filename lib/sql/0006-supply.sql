-- 0006-supply: where goods come from when stock does not cover an order:
-- production orders (made in-house) and supplier orders (bought). Both
-- deliver into the warehouse first, as a new lot, reserved for the
-- customer order they serve.

CREATE TABLE production_order (
	id INTEGER PRIMARY KEY,
	item_id INTEGER NOT NULL REFERENCES item(id),
	qty INTEGER NOT NULL CHECK (qty > 0),
	planned TEXT,              -- when the goods should be there (YYYY-MM-DD)
	progress INTEGER NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
	status TEXT NOT NULL DEFAULT 'planned'
		CHECK (status IN ('planned', 'in_progress', 'done', 'cancelled')),
	ref TEXT,                  -- the customer order it serves
	lot_id INTEGER REFERENCES lot(id),
	created TEXT NOT NULL DEFAULT (crm_now()),
	created_by TEXT NOT NULL DEFAULT (crm_user()),
	updated TEXT
);
CREATE INDEX production_order_status ON production_order(status, planned);

CREATE TABLE supplier_order (
	id INTEGER PRIMARY KEY,
	supplier_id INTEGER NOT NULL REFERENCES party(id),
	expected TEXT,
	status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'received', 'cancelled')),
	ref TEXT,
	created TEXT NOT NULL DEFAULT (crm_now()),
	created_by TEXT NOT NULL DEFAULT (crm_user())
);

CREATE TABLE supplier_line (
	id INTEGER PRIMARY KEY,
	order_id INTEGER NOT NULL REFERENCES supplier_order(id),
	item_id INTEGER NOT NULL REFERENCES item(id),
	qty INTEGER NOT NULL CHECK (qty > 0),
	received INTEGER NOT NULL DEFAULT 0 CHECK (received >= 0)
);
CREATE INDEX supplier_line_order ON supplier_line(order_id);
