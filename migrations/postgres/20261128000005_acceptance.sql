-- A member's acceptance of the award letter, on behalf of the organism: who signed (account, name and
-- title as typed), when, from which network address, and which letter (its SHA-256). One per grant;
-- written in the transaction of the `accept` transition, kept as the signature was given.
CREATE TABLE award_acceptances (
    grant_id BIGINT PRIMARY KEY REFERENCES grants (id),
    user_id BIGINT NOT NULL REFERENCES users (id),
    signer_name TEXT NOT NULL CHECK (signer_name <> ''),
    signer_title TEXT NOT NULL CHECK (signer_title <> ''),
    letter_sha256 TEXT NOT NULL,
    client_address TEXT NOT NULL,
    accepted_at TEXT NOT NULL
);
