-- Payment runs and returns (issue 13): finance pays verified purchases in runs. A run's line is one purchase: who is
-- paid (the organism when the bourse reimburses it, the vendor when it pays directly), how much (the
-- invoice's cost to the bourse), the reference the bank carries, and, once the bank has answered,
-- whether it was paid or failed. A purchase waits in one run at a time.
CREATE TABLE payment_runs (
    id INTEGER PRIMARY KEY,
    payment_mode TEXT NOT NULL CHECK (payment_mode IN ('reimbursement', 'direct')),
    created_by INTEGER NOT NULL REFERENCES users (id),
    created_at TEXT NOT NULL,
    exported_at TEXT
);

CREATE TABLE payment_run_lines (
    id INTEGER PRIMARY KEY,
    run_id INTEGER NOT NULL REFERENCES payment_runs (id),
    purchase_id INTEGER NOT NULL REFERENCES purchases (id),
    payee TEXT NOT NULL,
    reference TEXT NOT NULL,
    amount_cents INTEGER NOT NULL CHECK (amount_cents > 0),
    outcome TEXT CHECK (outcome IN ('cleared', 'rejected')),
    outcome_by INTEGER REFERENCES users (id),
    outcome_at TEXT,
    reason TEXT NOT NULL DEFAULT ''
);
CREATE INDEX payment_run_lines_run ON payment_run_lines (run_id, id);
CREATE UNIQUE INDEX payment_run_lines_waiting ON payment_run_lines (purchase_id) WHERE outcome IS NULL;

-- What each line takes from each envelope and fiscal year, as planned when the run was made (the
-- payment's spends follow the same payer order).
CREATE TABLE payment_run_splits (
    line_id INTEGER NOT NULL REFERENCES payment_run_lines (id),
    envelope_code TEXT NOT NULL,
    fiscal_year TEXT NOT NULL,
    amount_cents INTEGER NOT NULL CHECK (amount_cents > 0),
    PRIMARY KEY (line_id, envelope_code, fiscal_year)
);

-- A return to the vendor after payment (a credit note): what it gives back to the bourse, in one
-- category, never more than the purchase spent there. The ledger reverses that much of the spends.
CREATE TABLE purchase_returns (
    id INTEGER PRIMARY KEY,
    purchase_id INTEGER NOT NULL REFERENCES purchases (id),
    category_code TEXT NOT NULL,
    number TEXT NOT NULL,
    price_cents INTEGER NOT NULL CHECK (price_cents > 0),
    cost_cents INTEGER NOT NULL CHECK (cost_cents > 0),
    returned_by INTEGER NOT NULL REFERENCES users (id),
    returned_at TEXT NOT NULL
);
CREATE INDEX purchase_returns_purchase ON purchase_returns (purchase_id);

-- What spent or released a commitment, found without reading the whole ledger (a payment plans on each
-- commitment's spends; a commitment's book reads its own entries).
CREATE INDEX ledger_commitment ON ledger_entries (commitment_id) WHERE commitment_id IS NOT NULL;
