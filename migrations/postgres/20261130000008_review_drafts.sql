-- A reviewer's review in progress (issue 12): what they typed, saved before they submit it. The
-- submission deletes it in the same transaction.
CREATE TABLE review_drafts (
    grant_id BIGINT NOT NULL REFERENCES grants (id),
    reviewer_id BIGINT NOT NULL REFERENCES users (id),
    -- The scores as typed, by criterion, as JSON: {"need": "4", ...}.
    scores TEXT NOT NULL,
    recommendation TEXT NOT NULL,
    comment TEXT NOT NULL,
    saved_at TEXT NOT NULL,
    PRIMARY KEY (grant_id, reviewer_id)
);
