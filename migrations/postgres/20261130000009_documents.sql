-- Documents attached to a grant (issue 12): the bytes are in the document store under their SHA-256;
-- this row says whose they are, what they are and why they were attached. Rows are never updated.
CREATE TABLE documents (
    id BIGSERIAL PRIMARY KEY,
    grant_id BIGINT NOT NULL REFERENCES grants (id),
    -- Why: 'answer' (to the program's question), later 'quote', 'invoice', 'report'.
    purpose TEXT NOT NULL,
    sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
    media_type TEXT NOT NULL CHECK (media_type IN ('application/pdf', 'image/png', 'image/jpeg')),
    -- The name it had on the uploader's computer, for the download.
    file_name TEXT NOT NULL,
    size_bytes BIGINT NOT NULL CHECK (size_bytes > 0 AND size_bytes <= 10485760),
    uploaded_by BIGINT NOT NULL REFERENCES users (id),
    uploaded_at TEXT NOT NULL
);
CREATE INDEX documents_grant ON documents (grant_id, id);

-- Staff's internal notes on an application: never shown to its organism.
CREATE TABLE grant_notes (
    id BIGSERIAL PRIMARY KEY,
    grant_id BIGINT NOT NULL REFERENCES grants (id),
    author_id BIGINT NOT NULL REFERENCES users (id),
    body TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX grant_notes_grant ON grant_notes (grant_id, id);
