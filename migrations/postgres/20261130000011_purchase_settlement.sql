-- A purchase from its order to its payment (issue 13): what was received (with the serial numbers of
-- equipment), the vendor's invoice, and the ledger's spends that paid it.

-- Each receipt of some units of a line (its position in the purchase, checked when recorded); serial
-- numbers one per line of text (equipment).
CREATE TABLE purchase_receipts (
    id BIGSERIAL PRIMARY KEY,
    purchase_id BIGINT NOT NULL REFERENCES purchases (id),
    position BIGINT NOT NULL,
    quantity BIGINT NOT NULL CHECK (quantity > 0),
    serials TEXT NOT NULL,
    received_by BIGINT NOT NULL REFERENCES users (id),
    received_at TEXT NOT NULL
);
CREATE INDEX purchase_receipts_purchase ON purchase_receipts (purchase_id, position);

-- The vendor's invoice: its number (once per organism and vendor while not refused), its date, and what
-- it costs, taxed on its total like the request. A refused invoice stays, marked refused.
CREATE TABLE purchase_invoices (
    id BIGSERIAL PRIMARY KEY,
    purchase_id BIGINT NOT NULL REFERENCES purchases (id),
    organism_id BIGINT NOT NULL REFERENCES organisms (id),
    vendor_key TEXT NOT NULL,
    number TEXT NOT NULL,
    invoice_date TEXT NOT NULL,
    price_cents BIGINT NOT NULL CHECK (price_cents >= 0),
    gst_cents BIGINT NOT NULL CHECK (gst_cents >= 0),
    qst_cents BIGINT NOT NULL CHECK (qst_cents >= 0),
    rebate_cents BIGINT NOT NULL CHECK (rebate_cents >= 0),
    cost_cents BIGINT NOT NULL CHECK (cost_cents >= 0),
    equipment_cost_cents BIGINT NOT NULL CHECK (equipment_cost_cents >= 0),
    software_cost_cents BIGINT NOT NULL CHECK (software_cost_cents >= 0),
    submitted_by BIGINT NOT NULL REFERENCES users (id),
    submitted_at TEXT NOT NULL,
    refused_at TEXT
);
CREATE UNIQUE INDEX purchase_invoices_number ON purchase_invoices (organism_id, vendor_key, number)
    WHERE refused_at IS NULL;
CREATE INDEX purchase_invoices_purchase ON purchase_invoices (purchase_id, id);

-- The lines as invoiced, for the three-way match (approved, received, invoiced).
CREATE TABLE purchase_invoice_lines (
    invoice_id BIGINT NOT NULL REFERENCES purchase_invoices (id),
    position BIGINT NOT NULL,
    quantity BIGINT NOT NULL CHECK (quantity >= 0),
    unit_price_cents BIGINT NOT NULL CHECK (unit_price_cents >= 0),
    PRIMARY KEY (invoice_id, position)
);

-- A spend (and its reversal) names the purchase it paid, and the day it counts on (the invoice's).
ALTER TABLE ledger_entries ADD COLUMN purchase_id BIGINT REFERENCES purchases (id);
ALTER TABLE ledger_entries ADD COLUMN value_date TEXT;
CREATE INDEX ledger_purchase ON ledger_entries (purchase_id);
