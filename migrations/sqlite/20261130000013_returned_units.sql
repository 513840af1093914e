-- A credit note names the units of equipment given back (their serial numbers, one a line of text), so
-- that the asset register shows them returned rather than still held by the organism.
ALTER TABLE purchase_returns ADD COLUMN serials TEXT NOT NULL DEFAULT '';
