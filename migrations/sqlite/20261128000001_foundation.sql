-- The program (synced from policies/dataide.toml), organisms, grants and their audit trail.
-- Money is integer cents, hours integer hundredths, times ISO-8601 UTC text.

CREATE TABLE program (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    operator TEXT NOT NULL,
    bourse_cap_cents INTEGER NOT NULL CHECK (bourse_cap_cents > 0),
    coaching_hourly_rate_cents INTEGER NOT NULL CHECK (coaching_hourly_rate_cents > 0),
    synced_at TEXT NOT NULL
);

CREATE TABLE program_targets (
    code TEXT PRIMARY KEY,
    target INTEGER NOT NULL CHECK (target > 0)
);

CREATE TABLE envelopes (
    code TEXT PRIMARY KEY,
    name_fr TEXT NOT NULL,
    name_en TEXT NOT NULL,
    total_cents INTEGER NOT NULL CHECK (total_cents > 0)
);

CREATE TABLE envelope_allocations (
    envelope_code TEXT NOT NULL REFERENCES envelopes (code) ON DELETE CASCADE,
    fiscal_year TEXT NOT NULL,
    amount_cents INTEGER NOT NULL CHECK (amount_cents > 0),
    PRIMARY KEY (envelope_code, fiscal_year)
);

CREATE TABLE expense_categories (
    code TEXT PRIMARY KEY,
    name_fr TEXT NOT NULL,
    name_en TEXT NOT NULL
);

CREATE TABLE category_envelopes (
    category_code TEXT NOT NULL REFERENCES expense_categories (code) ON DELETE CASCADE,
    envelope_code TEXT NOT NULL REFERENCES envelopes (code) ON DELETE CASCADE,
    priority INTEGER NOT NULL,
    PRIMARY KEY (category_code, envelope_code)
);

CREATE TABLE organisms (
    id INTEGER PRIMARY KEY,
    legal_name TEXT NOT NULL,
    neq TEXT NOT NULL UNIQUE,
    region TEXT NOT NULL CHECK (region BETWEEN '01' AND '17' AND length(region) = 2),
    street_address TEXT NOT NULL,
    city TEXT NOT NULL,
    postal_code TEXT NOT NULL,
    contact_email TEXT NOT NULL,
    mission_summary TEXT NOT NULL,
    preferred_language TEXT NOT NULL CHECK (preferred_language IN ('fr', 'en')),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE grants (
    id INTEGER PRIMARY KEY,
    organism_id INTEGER NOT NULL REFERENCES organisms (id),
    state TEXT NOT NULL,
    version INTEGER NOT NULL CHECK (version >= 1),
    title TEXT NOT NULL,
    needs_assessment TEXT NOT NULL,
    project_description TEXT NOT NULL,
    requested_equipment_cents INTEGER NOT NULL CHECK (requested_equipment_cents >= 0),
    requested_software_cents INTEGER NOT NULL CHECK (requested_software_cents >= 0),
    requested_coaching_hundredths INTEGER NOT NULL CHECK (requested_coaching_hundredths >= 0),
    contact_name TEXT NOT NULL,
    contact_email TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    state_entered_at TEXT NOT NULL,
    submitted_at TEXT,
    decided_at TEXT,
    closed_at TEXT
);
CREATE INDEX grants_organism ON grants (organism_id);
CREATE INDEX grants_state ON grants (state, state_entered_at);

-- One row per state change, written in the same transaction as the change itself.
CREATE TABLE grant_transitions (
    id INTEGER PRIMARY KEY,
    grant_id INTEGER NOT NULL REFERENCES grants (id),
    version INTEGER NOT NULL,
    event TEXT NOT NULL,
    from_state TEXT NOT NULL,
    to_state TEXT NOT NULL,
    actor TEXT NOT NULL,
    actor_role TEXT NOT NULL,
    reason TEXT NOT NULL,
    at TEXT NOT NULL,
    UNIQUE (grant_id, version)
);
