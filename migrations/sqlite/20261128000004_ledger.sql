-- The ledger (issue 5; DESIGN.md, decision 3): append-only entries, two-phase (commit, spend, release,
-- and reversals to correct), and the running balance of each envelope and fiscal year, written in the
-- same transaction as each entry so that `octroi ledger verify` can recompute and compare.

CREATE TABLE ledger_entries (
    id INTEGER PRIMARY KEY,
    envelope_code TEXT NOT NULL REFERENCES envelopes (code),
    fiscal_year TEXT NOT NULL,
    category_code TEXT NOT NULL REFERENCES expense_categories (code),
    grant_id INTEGER NOT NULL REFERENCES grants (id),
    kind TEXT NOT NULL CHECK (kind IN ('commit', 'spend', 'release', 'reversal')),
    amount_cents INTEGER NOT NULL CHECK (amount_cents > 0),
    -- A spend or a release settles this commitment.
    commitment_id INTEGER REFERENCES ledger_entries (id),
    -- A reversal cancels this entry, once.
    reverses_id INTEGER UNIQUE REFERENCES ledger_entries (id),
    actor TEXT NOT NULL,
    reason TEXT NOT NULL,
    at TEXT NOT NULL,
    idempotency_key TEXT
);
CREATE INDEX ledger_account ON ledger_entries (envelope_code, fiscal_year);
CREATE INDEX ledger_grant ON ledger_entries (grant_id);

CREATE TRIGGER ledger_entries_no_update BEFORE UPDATE ON ledger_entries
BEGIN
    SELECT RAISE(ABORT, 'ledger entries are append-only: correct with a reversal');
END;
CREATE TRIGGER ledger_entries_no_delete BEFORE DELETE ON ledger_entries
BEGIN
    SELECT RAISE(ABORT, 'ledger entries are append-only: correct with a reversal');
END;

CREATE TABLE ledger_balances (
    envelope_code TEXT NOT NULL REFERENCES envelopes (code),
    fiscal_year TEXT NOT NULL,
    committed_cents INTEGER NOT NULL,
    spent_cents INTEGER NOT NULL,
    PRIMARY KEY (envelope_code, fiscal_year)
);

-- What was awarded (the ledger holds the commitments; these say what the letter states).
ALTER TABLE grants ADD COLUMN awarded_equipment_cents INTEGER CHECK (awarded_equipment_cents >= 0);
ALTER TABLE grants ADD COLUMN awarded_software_cents INTEGER CHECK (awarded_software_cents >= 0);
ALTER TABLE grants ADD COLUMN awarded_coaching_hundredths INTEGER CHECK (awarded_coaching_hundredths >= 0);
ALTER TABLE grants ADD COLUMN awarded_at TEXT;

-- Money-moving requests carry an Idempotency-Key: the same key and body give the same answer, the same
-- key with another body is refused. Written in the transaction of the movement it protects.
CREATE TABLE idempotency_keys (
    key TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id),
    request_hash TEXT NOT NULL,
    grant_id INTEGER NOT NULL REFERENCES grants (id),
    response TEXT,
    created_at TEXT NOT NULL
);
ALTER TABLE grants ADD COLUMN letter_sha256 TEXT;
