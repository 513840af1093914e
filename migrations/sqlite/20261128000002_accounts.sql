-- Accounts, API tokens, password resets, invitations, login throttling, application lines, reviewer and
-- coach assignments, declared conflicts of interest, and the e-mail outbox.

CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('member', 'reviewer', 'program_officer', 'finance', 'coach', 'admin')),
    organism_id INTEGER REFERENCES organisms (id),
    password_hash TEXT NOT NULL,
    must_change_password INTEGER NOT NULL DEFAULT 0,
    language TEXT NOT NULL DEFAULT 'fr' CHECK (language IN ('fr', 'en')),
    created_at TEXT NOT NULL,
    -- Members belong to their organism; staff may name the organism they work for (their affiliation).
    CHECK (role <> 'member' OR organism_id IS NOT NULL)
);
CREATE INDEX users_organism ON users (organism_id);

CREATE TABLE api_tokens (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id),
    token_hash TEXT NOT NULL UNIQUE,
    label TEXT NOT NULL,
    created_at TEXT NOT NULL,
    revoked_at TEXT
);

CREATE TABLE password_resets (
    token_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id),
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at TEXT
);

CREATE TABLE invitations (
    token_hash TEXT PRIMARY KEY,
    email TEXT NOT NULL,
    role TEXT NOT NULL,
    organism_id INTEGER REFERENCES organisms (id),
    invited_by INTEGER NOT NULL REFERENCES users (id),
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    accepted_at TEXT
);

CREATE TABLE login_failures (
    id INTEGER PRIMARY KEY,
    account TEXT NOT NULL,
    client TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX login_failures_account ON login_failures (account, at);
CREATE INDEX login_failures_client ON login_failures (client, at);

CREATE TABLE grant_lines (
    id INTEGER PRIMARY KEY,
    grant_id INTEGER NOT NULL REFERENCES grants (id),
    position INTEGER NOT NULL,
    category TEXT NOT NULL CHECK (category IN ('equipment', 'software')),
    description TEXT NOT NULL,
    quantity INTEGER NOT NULL CHECK (quantity > 0),
    unit_price_cents INTEGER NOT NULL CHECK (unit_price_cents >= 0),
    UNIQUE (grant_id, position)
);

CREATE TABLE grant_assignments (
    grant_id INTEGER NOT NULL REFERENCES grants (id),
    user_id INTEGER NOT NULL REFERENCES users (id),
    kind TEXT NOT NULL CHECK (kind IN ('reviewer', 'coach')),
    assigned_at TEXT NOT NULL,
    PRIMARY KEY (grant_id, user_id, kind)
);
CREATE INDEX grant_assignments_user ON grant_assignments (user_id, kind);

CREATE TABLE conflicts (
    user_id INTEGER NOT NULL REFERENCES users (id),
    organism_id INTEGER NOT NULL REFERENCES organisms (id),
    reason TEXT NOT NULL,
    declared_at TEXT NOT NULL,
    PRIMARY KEY (user_id, organism_id)
);

-- Written in the same transaction as the change it announces; a worker delivers it.
CREATE TABLE outbox (
    id INTEGER PRIMARY KEY,
    recipient TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at TEXT NOT NULL,
    sent_at TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT
);
CREATE INDEX outbox_pending ON outbox (sent_at, id);
