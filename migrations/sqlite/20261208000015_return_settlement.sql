-- A return is recorded by the member (or finance) and confirmed by finance, which checks the credit note
-- (issue 22, item 3). When the bourse pays the vendor directly, the confirmation gives the room back at
-- once. When it reimbursed the organism, the organism now owes the program the credit note's cost to the
-- bourse: the room comes back only once that is settled, by a receipt finance records or by a deduction
-- from the organism's next payment. `line_id` is the payment run's line deducting it: set while the line
-- waits on the bank (so that nothing else settles or deducts it), kept once the line is paid, cleared
-- when the bank refuses the line. The returns recorded before were given back at once: settled.
ALTER TABLE purchase_returns ADD COLUMN confirmed_by TEXT;
ALTER TABLE purchase_returns ADD COLUMN confirmed_at TEXT;
ALTER TABLE purchase_returns ADD COLUMN refused_at TEXT;
ALTER TABLE purchase_returns ADD COLUMN settled_at TEXT;
ALTER TABLE purchase_returns ADD COLUMN settled_how TEXT CHECK (settled_how IN ('direct', 'receipt', 'deduction'));
ALTER TABLE purchase_returns ADD COLUMN settled_note TEXT NOT NULL DEFAULT '';
ALTER TABLE purchase_returns ADD COLUMN line_id INTEGER REFERENCES payment_run_lines (id);
UPDATE purchase_returns
   SET confirmed_by = (SELECT email FROM users u WHERE u.id = returned_by), confirmed_at = returned_at, settled_at = returned_at, settled_how = 'direct';

-- What each line of a run kept back of what the organism owed (the line's amount is what is left to pay).
CREATE TABLE payment_run_deductions (
    line_id INTEGER NOT NULL REFERENCES payment_run_lines (id),
    return_id INTEGER NOT NULL REFERENCES purchase_returns (id),
    amount_cents INTEGER NOT NULL CHECK (amount_cents > 0),
    PRIMARY KEY (line_id, return_id)
);
CREATE INDEX payment_run_deductions_return ON payment_run_deductions (return_id);
