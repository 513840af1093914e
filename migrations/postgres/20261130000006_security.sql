-- Old sign-in attempts are purged by time (issue 10).
CREATE INDEX login_failures_at ON login_failures (at);

-- A password change or reset ends the sessions signed in before it (unix milliseconds).
ALTER TABLE users ADD COLUMN password_changed_ms BIGINT NOT NULL DEFAULT 0;

-- Secrets octroi makes for itself on first start, shared by every instance (the key that signs the
-- CSRF cookie of visitors who are not signed in).
CREATE TABLE app_secrets (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
