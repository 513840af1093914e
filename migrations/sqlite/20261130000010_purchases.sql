-- Purchases paid by a bourse (issue 13): the request (vendor, lines), its place in the purchase
-- workflow and its history, and the holds its approval places on the bourse.

CREATE TABLE purchases (
    id INTEGER PRIMARY KEY,
    grant_id INTEGER NOT NULL REFERENCES grants (id),
    organism_id INTEGER NOT NULL REFERENCES organisms (id),
    state TEXT NOT NULL,
    version INTEGER NOT NULL,
    vendor_name TEXT NOT NULL,
    -- The vendor's GST and QST registration numbers, as its invoice shows them.
    vendor_gst TEXT NOT NULL,
    vendor_qst TEXT NOT NULL,
    -- Why the organism needs it.
    justification TEXT NOT NULL,
    -- What the lines cost, as last saved: the price before taxes, each tax on the total, the rebate,
    -- and what the bourse pays (the program's setting), in all and per category.
    price_cents INTEGER NOT NULL CHECK (price_cents >= 0),
    gst_cents INTEGER NOT NULL CHECK (gst_cents >= 0),
    qst_cents INTEGER NOT NULL CHECK (qst_cents >= 0),
    rebate_cents INTEGER NOT NULL CHECK (rebate_cents >= 0),
    cost_cents INTEGER NOT NULL CHECK (cost_cents >= 0),
    equipment_cost_cents INTEGER NOT NULL CHECK (equipment_cost_cents >= 0),
    software_cost_cents INTEGER NOT NULL CHECK (software_cost_cents >= 0),
    created_by INTEGER NOT NULL REFERENCES users (id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    state_entered_at TEXT NOT NULL,
    ordered_at TEXT
);
CREATE INDEX purchases_grant ON purchases (grant_id, id);
CREATE INDEX purchases_state ON purchases (state, id);

CREATE TABLE purchase_lines (
    purchase_id INTEGER NOT NULL REFERENCES purchases (id),
    position INTEGER NOT NULL,
    category TEXT NOT NULL CHECK (category IN ('equipment', 'software')),
    description TEXT NOT NULL,
    quantity INTEGER NOT NULL CHECK (quantity > 0),
    unit_price_cents INTEGER NOT NULL CHECK (unit_price_cents >= 0),
    PRIMARY KEY (purchase_id, position)
);

CREATE TABLE purchase_transitions (
    id INTEGER PRIMARY KEY,
    purchase_id INTEGER NOT NULL REFERENCES purchases (id),
    version INTEGER NOT NULL,
    event TEXT NOT NULL,
    from_state TEXT NOT NULL,
    to_state TEXT NOT NULL,
    actor TEXT NOT NULL,
    actor_role TEXT NOT NULL,
    reason TEXT NOT NULL,
    at TEXT NOT NULL,
    UNIQUE (purchase_id, version)
);

-- What approvals hold on a bourse, append-only: a 'hold' row holds an amount of one category; a 'lift'
-- (the purchase declined, withdrawn, cancelled or approved again) or a 'spend' (paid) row settles it,
-- once and for its whole amount. What a grant holds is its holds not settled.
CREATE TABLE purchase_holds (
    id INTEGER PRIMARY KEY,
    purchase_id INTEGER NOT NULL REFERENCES purchases (id),
    grant_id INTEGER NOT NULL REFERENCES grants (id),
    category_code TEXT NOT NULL REFERENCES expense_categories (code),
    kind TEXT NOT NULL CHECK (kind IN ('hold', 'lift', 'spend')),
    amount_cents INTEGER NOT NULL CHECK (amount_cents > 0),
    settles_id INTEGER UNIQUE REFERENCES purchase_holds (id),
    actor TEXT NOT NULL,
    at TEXT NOT NULL,
    CHECK ((kind = 'hold') = (settles_id IS NULL))
);
CREATE INDEX purchase_holds_grant ON purchase_holds (grant_id, category_code);
CREATE INDEX purchase_holds_purchase ON purchase_holds (purchase_id);

CREATE TRIGGER purchase_holds_no_update BEFORE UPDATE ON purchase_holds
BEGIN
    SELECT RAISE(ABORT, 'holds are append-only: lift a hold with a new row');
END;
CREATE TRIGGER purchase_holds_no_delete BEFORE DELETE ON purchase_holds
BEGIN
    SELECT RAISE(ABORT, 'holds are append-only: lift a hold with a new row');
END;

-- Documents of a purchase (quotes, invoices, proofs of payment, credit notes) keep the grant's id too.
ALTER TABLE documents ADD COLUMN purchase_id INTEGER REFERENCES purchases (id);
CREATE INDEX documents_purchase ON documents (purchase_id, id);
