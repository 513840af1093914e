-- Review (issue 4): the staff's region (reviewers of the applicant's region are preferred), the reviews
-- with their scores, the proposal recorded at approval, and what the queues sort on.

ALTER TABLE users ADD COLUMN region TEXT CHECK (region IS NULL OR (region BETWEEN '01' AND '17' AND length(region) = 2));

-- Mean of the submitted reviews' weighted scores, in hundredths, rounded half to even (queues sort on it).
ALTER TABLE grants ADD COLUMN review_score_hundredths BIGINT;
ALTER TABLE grants ADD COLUMN reviews_done BIGINT NOT NULL DEFAULT 0;
-- What the program officer proposed when approving.
ALTER TABLE grants ADD COLUMN proposed_equipment_cents BIGINT CHECK (proposed_equipment_cents >= 0);
ALTER TABLE grants ADD COLUMN proposed_software_cents BIGINT CHECK (proposed_software_cents >= 0);
ALTER TABLE grants ADD COLUMN proposed_coaching_hundredths BIGINT CHECK (proposed_coaching_hundredths >= 0);

CREATE TABLE reviews (
    grant_id BIGINT NOT NULL REFERENCES grants (id),
    reviewer_id BIGINT NOT NULL REFERENCES users (id),
    -- One score per rubric criterion, as JSON: {"need": 4, ...}.
    scores TEXT NOT NULL,
    -- The exact weighted score (decimal text), computed from policies/rubric.toml when submitted.
    weighted_score TEXT NOT NULL,
    comment TEXT NOT NULL,
    recommendation TEXT NOT NULL CHECK (recommendation IN ('approve', 'decline', 'discuss')),
    submitted_at TEXT NOT NULL,
    PRIMARY KEY (grant_id, reviewer_id)
);
CREATE INDEX reviews_reviewer ON reviews (reviewer_id);
-- The staff overview lists the most recently changed applications.
CREATE INDEX grants_updated ON grants (updated_at);
-- A reviewer's queue starts from their assignments.
DROP INDEX grant_assignments_user;
CREATE INDEX grant_assignments_user ON grant_assignments (user_id, kind, grant_id);
DROP INDEX grants_state;
-- The queues read their pages from this index alone (state, age, the conflict rule's organism, score).
CREATE INDEX grants_queue ON grants (state, state_entered_at, id, organism_id, review_score_hundredths);
-- A queue of several states, oldest first: walked in age order, stopping at the page.
CREATE INDEX grants_age ON grants (state_entered_at, id, state, organism_id);
