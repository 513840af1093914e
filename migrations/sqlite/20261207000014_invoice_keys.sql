-- An invoice's number is kept unique by a key, as its vendor's name is: NFKC, case-folded, letters and
-- digits only, leading zeros dropped (`DUP-X-01`, `dup x 1` and `DUP‐X‐1` are one invoice). octroi
-- makes the keys at start for the invoices written before (`Db::key_invoices`), with their vendor keys.
ALTER TABLE purchase_invoices ADD COLUMN number_key TEXT NOT NULL DEFAULT '';
DROP INDEX purchase_invoices_number;
CREATE UNIQUE INDEX purchase_invoices_number ON purchase_invoices (organism_id, vendor_key, number_key)
    WHERE refused_at IS NULL AND number_key <> '';
