-- Old sign-in attempts are purged by time (issue 10).
CREATE INDEX login_failures_at ON login_failures (at);

-- A password change or reset ends the sessions signed in before it (unix milliseconds).
ALTER TABLE users ADD COLUMN password_changed_ms BIGINT NOT NULL DEFAULT 0;

-- INSERT OR REPLACE deletes the row it replaces without firing the delete trigger: refuse an insert that
-- would replace an entry (same id, or a second reversal of the same entry).
CREATE TRIGGER ledger_entries_no_replace BEFORE INSERT ON ledger_entries
WHEN EXISTS (SELECT 1 FROM ledger_entries WHERE id = NEW.id)
  OR (NEW.reverses_id IS NOT NULL AND EXISTS (SELECT 1 FROM ledger_entries WHERE reverses_id = NEW.reverses_id))
BEGIN
    SELECT RAISE(ABORT, 'ledger entries are append-only: correct with a reversal');
END;

-- Secrets octroi makes for itself on first start, shared by every instance (the key that signs the
-- CSRF cookie of visitors who are not signed in).
CREATE TABLE app_secrets (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
