-- Issue 12: staff find an application by its organism's name typed without case or accents. The folded
-- name is written by octroi with the organism (domain::text::fold); rows written before this migration
-- are folded when octroi opens the database.
ALTER TABLE organisms ADD COLUMN search_name TEXT NOT NULL DEFAULT '';
