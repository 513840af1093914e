//! Review (issue 4): reviewer assignments, manual or balanced and automatic, that never break the conflict
//! rule; declared conflicts of interest; reviews scored with the rubric; and the queues staff work through.
//!
//! Every change here bumps the grant's version: the workflow's guards read assignments and reviews. The
//! free functions work inside the caller's write transaction, so that a use case (a review and the
//! decision queue it completes, a conflict and the reassignment) commits as one; the `Db` methods run one
//! of them alone.

use std::collections::{BTreeMap, BTreeSet};

use rust_decimal::{Decimal, RoundingStrategy};
use sqlx::AnyConnection;

use super::outbox::{AssignmentMail, Recipient, enqueue};
use super::{Backend, Db, Result, StorageError, WriteTx, detached, is_unique_violation, now};
use crate::domain::assignment::{self, Applicant, Reviewer};
use crate::domain::{GrantId, OrganismId, UserId};

/// A submitted review, with its reviewer's name.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Review {
    pub grant_id: GrantId,
    pub reviewer_id: UserId,
    pub reviewer_name: String,
    /// `{"need": 4, …}`
    pub scores: String,
    /// The exact weighted score, as decimal text.
    pub weighted_score: String,
    pub comment: String,
    pub recommendation: String,
    pub submitted_at: String,
}

impl Review {
    pub fn score(&self, criterion: &str) -> Option<i64> {
        serde_json::from_str::<BTreeMap<String, i64>>(&self.scores).ok()?.get(criterion).copied()
    }
}

/// A review as the reviewer submits it, already checked against the rubric.
#[derive(Debug, Clone)]
pub struct NewReview {
    pub scores: BTreeMap<String, i64>,
    pub weighted: Decimal,
    pub comment: String,
    pub recommendation: String,
}

/// Takes the turn to change assignments and conflicts: the conflict rule is checked on what the
/// transaction reads, so two such changes must not interleave. SQLite's one writer already serializes
/// them; PostgreSQL takes a transaction-scoped advisory lock (assignments are changed rarely).
async fn assignments_turn(tx: &mut WriteTx) -> Result<()> {
    if tx.backend() == Backend::Postgres {
        sqlx::query("SELECT pg_advisory_xact_lock(4242001)").execute(&mut **tx).await?;
    }
    Ok(())
}

/// Bumps a grant's version after a change its guards may read.
async fn touch(conn: &mut AnyConnection, grant_id: GrantId) -> Result<()> {
    sqlx::query("UPDATE grants SET version = version + 1, updated_at = $1 WHERE id = $2")
        .bind(now())
        .bind(grant_id)
        .execute(conn)
        .await?;
    Ok(())
}

async fn recipient(conn: &mut AnyConnection, user_id: UserId) -> Result<Recipient> {
    Ok(sqlx::query_as::<_, Recipient>("SELECT email, display_name, language FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_one(conn)
        .await?)
}

/// The organism and region of a grant's applicant, and its title.
async fn applicant(conn: &mut AnyConnection, grant_id: GrantId) -> Result<(Applicant, String)> {
    let row: Option<(OrganismId, String, String)> = sqlx::query_as(
        "SELECT g.organism_id, o.region, g.title FROM grants g JOIN organisms o ON o.id = g.organism_id WHERE g.id = $1",
    )
    .bind(grant_id)
    .fetch_optional(conn)
    .await?;
    let (organism, region, title) = row.ok_or(StorageError::NotFound)?;
    Ok((Applicant { organism, region }, title))
}

/// Every reviewer with what the conflict rule and the balance need: affiliation, declared conflicts and
/// the number of assigned reviews not yet submitted.
async fn reviewer_pool(conn: &mut AnyConnection) -> Result<Vec<Reviewer>> {
    let rows: Vec<(UserId, Option<String>, Option<OrganismId>, i64)> = sqlx::query_as(
        "SELECT u.id, u.region, u.organism_id,
           (SELECT COUNT(*) FROM grant_assignments a WHERE a.user_id = u.id AND a.kind = 'reviewer'
              AND NOT EXISTS (SELECT 1 FROM reviews r WHERE r.grant_id = a.grant_id AND r.reviewer_id = u.id))
         FROM users u WHERE u.role = 'reviewer' ORDER BY u.id",
    )
    .fetch_all(&mut *conn)
    .await?;
    let conflicts: Vec<(UserId, OrganismId)> = sqlx::query_as(
        "SELECT c.user_id, c.organism_id FROM conflicts c JOIN users u ON u.id = c.user_id WHERE u.role = 'reviewer'",
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, region, affiliation, load)| Reviewer {
            id,
            region,
            affiliation,
            conflicts: conflicts.iter().filter(|(u, _)| *u == id).map(|(_, o)| *o).collect::<BTreeSet<_>>(),
            load: u32::try_from(load).unwrap_or(u32::MAX),
        })
        .collect())
}

/// The reviewers assigned to a grant.
pub async fn reviewers_of(conn: &mut AnyConnection, grant_id: GrantId) -> Result<Vec<UserId>> {
    Ok(sqlx::query_scalar("SELECT user_id FROM grant_assignments WHERE grant_id = $1 AND kind = 'reviewer'")
        .bind(grant_id)
        .fetch_all(conn)
        .await?)
}

async fn insert_assignment(
    conn: &mut AnyConnection,
    grant_id: GrantId,
    user_id: UserId,
    title: &str,
    mail: &AssignmentMail,
) -> Result<()> {
    sqlx::query("INSERT INTO grant_assignments (grant_id, user_id, kind, assigned_at) VALUES ($1, $2, 'reviewer', $3)")
        .bind(grant_id)
        .bind(user_id)
        .bind(now())
        .execute(&mut *conn)
        .await?;
    let to = recipient(&mut *conn, user_id).await?;
    enqueue(conn, &mail(&to, grant_id, title)).await
}

/// Assigns one reviewer chosen by the program officer, in the caller's transaction; refused if the
/// conflict rule forbids it. Assigning someone already on the application changes nothing.
pub async fn assign_one(tx: &mut WriteTx, grant_id: GrantId, user_id: UserId, mail: &AssignmentMail) -> Result<()> {
    assignments_turn(tx).await?;
    let (applicant, title) = applicant(tx, grant_id).await?;
    let pool = reviewer_pool(tx).await?;
    let reviewer = pool.iter().find(|r| r.id == user_id).ok_or(StorageError::NotAReviewer)?;
    if !reviewer.may_review(&applicant) {
        return Err(StorageError::ConflictOfInterest);
    }
    if reviewers_of(tx, grant_id).await?.contains(&user_id) {
        return Ok(());
    }
    insert_assignment(tx, grant_id, user_id, &title, mail).await?;
    touch(tx, grant_id).await
}

/// Completes each application's reviewers up to `wanted`, in the caller's transaction: least loaded
/// first, the applicant's region preferred, never against the conflict rule. Returns the reviewers added
/// to each application (fewer than needed when too few reviewers may review it).
pub async fn auto_assign(
    tx: &mut WriteTx,
    grant_ids: &[GrantId],
    wanted: usize,
    mail: &AssignmentMail,
) -> Result<Vec<(GrantId, Vec<UserId>)>> {
    assignments_turn(tx).await?;
    let mut pool = reviewer_pool(tx).await?;
    let mut added = Vec::with_capacity(grant_ids.len());
    for &grant_id in grant_ids {
        let (applicant, title) = applicant(tx, grant_id).await?;
        let already = reviewers_of(tx, grant_id).await?;
        let chosen = assignment::choose(&applicant, &mut pool, &already, wanted);
        for &user_id in &chosen {
            insert_assignment(tx, grant_id, user_id, &title, mail).await?;
        }
        if !chosen.is_empty() {
            touch(tx, grant_id).await?;
        }
        added.push((grant_id, chosen));
    }
    Ok(added)
}

/// Records a declared conflict of interest and takes the user off every application of that organism
/// they have not reviewed yet, in the caller's transaction. Returns those applications, which need
/// another reviewer.
pub async fn declare_conflict(
    tx: &mut WriteTx,
    user_id: UserId,
    organism_id: OrganismId,
    reason: &str,
) -> Result<Vec<GrantId>> {
    assignments_turn(tx).await?;
    sqlx::query(
        "INSERT INTO conflicts (user_id, organism_id, reason, declared_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT DO NOTHING",
    )
    .bind(user_id)
    .bind(organism_id)
    .bind(reason)
    .bind(now())
    .execute(&mut **tx)
    .await?;
    let grants: Vec<GrantId> = sqlx::query_scalar(
        "SELECT a.grant_id FROM grant_assignments a JOIN grants g ON g.id = a.grant_id
         WHERE a.user_id = $1 AND g.organism_id = $2
           AND NOT EXISTS (SELECT 1 FROM reviews r WHERE r.grant_id = a.grant_id AND r.reviewer_id = $1)
         ORDER BY a.grant_id",
    )
    .bind(user_id)
    .bind(organism_id)
    .fetch_all(&mut **tx)
    .await?;
    for &grant_id in &grants {
        sqlx::query("DELETE FROM grant_assignments WHERE grant_id = $1 AND user_id = $2")
            .bind(grant_id)
            .bind(user_id)
            .execute(&mut **tx)
            .await?;
        touch(tx, grant_id).await?;
    }
    Ok(grants)
}

/// Records a reviewer's review in the caller's transaction, if they are assigned, have not reviewed it
/// yet, and the grant is in one of `reviewing_states`; updates the grant's review count and mean score.
pub async fn submit_review(
    tx: &mut WriteTx,
    grant_id: GrantId,
    reviewer_id: UserId,
    reviewing_states: &[String],
    review: &NewReview,
) -> Result<()> {
    let state: Option<String> =
        sqlx::query_scalar("SELECT state FROM grants WHERE id = $1").bind(grant_id).fetch_optional(&mut **tx).await?;
    let state = state.ok_or(StorageError::NotFound)?;
    if !reviewers_of(tx, grant_id).await?.contains(&reviewer_id) {
        return Err(StorageError::NotAssigned);
    }
    if !reviewing_states.contains(&state) {
        return Err(StorageError::NotReviewable { state });
    }
    let scores = serde_json::to_string(&review.scores).expect("a map of numbers serializes");
    let inserted = sqlx::query(
        "INSERT INTO reviews (grant_id, reviewer_id, scores, weighted_score, comment, recommendation, submitted_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(grant_id)
    .bind(reviewer_id)
    .bind(scores)
    .bind(review.weighted.normalize().to_string())
    .bind(&review.comment)
    .bind(&review.recommendation)
    .bind(now())
    .execute(&mut **tx)
    .await;
    match inserted {
        Err(e) if is_unique_violation(&e) => return Err(StorageError::AlreadyReviewed),
        other => other?,
    };
    sqlx::query("DELETE FROM review_drafts WHERE grant_id = $1 AND reviewer_id = $2")
        .bind(grant_id)
        .bind(reviewer_id)
        .execute(&mut **tx)
        .await?;
    let weighted: Vec<String> = sqlx::query_scalar("SELECT weighted_score FROM reviews WHERE grant_id = $1")
        .bind(grant_id)
        .fetch_all(&mut **tx)
        .await?;
    let (done, mean) = mean_hundredths(&weighted);
    sqlx::query(
        "UPDATE grants SET reviews_done = $1, review_score_hundredths = $2, version = version + 1,
           updated_at = $3 WHERE id = $4",
    )
    .bind(done)
    .bind(mean)
    .bind(now())
    .bind(grant_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// A review in progress, as its reviewer typed it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReviewDraft {
    /// The scores as typed, by criterion code.
    pub scores: std::collections::BTreeMap<String, String>,
    pub recommendation: String,
    pub comment: String,
    /// When it was last saved (empty before).
    pub saved_at: String,
}

impl Db {
    /// Saves a reviewer's review in progress, replacing the one saved before, while the application is
    /// in `reviewing_states`, assigned to them and not yet reviewed by them.
    pub async fn save_review_draft(
        &self,
        grant_id: GrantId,
        reviewer_id: UserId,
        reviewing_states: Vec<String>,
        draft: ReviewDraft,
    ) -> Result<()> {
        self.write(move |tx| {
            Box::pin(async move {
                let state: Option<String> = sqlx::query_scalar("SELECT state FROM grants WHERE id = $1")
                    .bind(grant_id)
                    .fetch_optional(&mut **tx)
                    .await?;
                let state = state.ok_or(StorageError::NotFound)?;
                if !reviewers_of(tx, grant_id).await?.contains(&reviewer_id) {
                    return Err(StorageError::NotAssigned);
                }
                if !reviewing_states.contains(&state) {
                    return Err(StorageError::NotReviewable { state });
                }
                let reviewed: Option<i64> =
                    sqlx::query_scalar("SELECT 1 FROM reviews WHERE grant_id = $1 AND reviewer_id = $2")
                        .bind(grant_id)
                        .bind(reviewer_id)
                        .fetch_optional(&mut **tx)
                        .await?;
                if reviewed.is_some() {
                    return Err(StorageError::AlreadyReviewed);
                }
                sqlx::query("DELETE FROM review_drafts WHERE grant_id = $1 AND reviewer_id = $2")
                    .bind(grant_id)
                    .bind(reviewer_id)
                    .execute(&mut **tx)
                    .await?;
                sqlx::query(
                    "INSERT INTO review_drafts (grant_id, reviewer_id, scores, recommendation, comment, saved_at)
                     VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(grant_id)
                .bind(reviewer_id)
                .bind(serde_json::to_string(&draft.scores).expect("a map of strings serializes"))
                .bind(&draft.recommendation)
                .bind(&draft.comment)
                .bind(now())
                .execute(&mut **tx)
                .await?;
                Ok(())
            })
        })
        .await
    }

    /// The reviewer's review in progress on an application, if they saved one.
    pub async fn review_draft(&self, grant_id: GrantId, reviewer_id: UserId) -> Result<Option<ReviewDraft>> {
        let row: Option<(String, String, String, String)> = sqlx::query_as(
            "SELECT scores, recommendation, comment, saved_at FROM review_drafts WHERE grant_id = $1 AND reviewer_id = $2",
        )
        .bind(grant_id)
        .bind(reviewer_id)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|(scores, recommendation, comment, saved_at)| {
            let scores = serde_json::from_str(&scores)
                .map_err(|e| sqlx::Error::ColumnDecode { index: "review_drafts.scores".into(), source: Box::new(e) })?;
            Ok(ReviewDraft { scores, recommendation, comment, saved_at })
        })
        .transpose()
    }

    /// Sets the region a staff member works in (reviewers of the applicant's region are preferred).
    pub async fn set_user_region(&self, user_id: UserId, region: Option<crate::domain::Region>) -> Result<()> {
        let statement = sqlx::query("UPDATE users SET region = $1 WHERE id = $2").bind(region.map(|r| r.code()));
        self.write_one(statement.bind(user_id)).await?;
        Ok(())
    }

    /// See [`assign_one`].
    pub async fn assign_reviewer(&self, grant_id: GrantId, user_id: UserId, mail: AssignmentMail) -> Result<()> {
        self.write(move |tx| Box::pin(async move { assign_one(tx, grant_id, user_id, &mail).await })).await
    }

    /// See [`auto_assign`].
    pub async fn auto_assign(
        &self,
        grant_ids: Vec<GrantId>,
        wanted: usize,
        mail: AssignmentMail,
    ) -> Result<Vec<(GrantId, Vec<UserId>)>> {
        self.write(move |tx| Box::pin(async move { auto_assign(tx, &grant_ids, wanted, &mail).await })).await
    }

    /// Takes a reviewer off an application they have not reviewed yet. Returns whether they were on it.
    pub async fn unassign_reviewer(&self, grant_id: GrantId, user_id: UserId) -> Result<bool> {
        let db = self.clone();
        detached(async move {
            let mut tx = db.begin_write().await?;
            assignments_turn(&mut tx).await?;
            let removed = sqlx::query(
                "DELETE FROM grant_assignments WHERE grant_id = $1 AND user_id = $2 AND kind = 'reviewer'
                   AND NOT EXISTS (SELECT 1 FROM reviews r WHERE r.grant_id = $1 AND r.reviewer_id = $2)",
            )
            .bind(grant_id)
            .bind(user_id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if removed > 0 {
                touch(&mut tx, grant_id).await?;
            }
            tx.commit().await?;
            Ok(removed > 0)
        })
        .await
    }

    /// See [`declare_conflict`].
    pub async fn declare_conflict(
        &self,
        user_id: UserId,
        organism_id: OrganismId,
        reason: &str,
    ) -> Result<Vec<GrantId>> {
        let reason = reason.to_string();
        self.write(move |tx| Box::pin(async move { declare_conflict(tx, user_id, organism_id, &reason).await })).await
    }

    /// See [`submit_review`].
    pub async fn submit_review(
        &self,
        grant_id: GrantId,
        reviewer_id: UserId,
        reviewing_states: Vec<String>,
        review: NewReview,
    ) -> Result<()> {
        self.write(move |tx| {
            Box::pin(async move { submit_review(tx, grant_id, reviewer_id, &reviewing_states, &review).await })
        })
        .await
    }

    /// How many of an organism's other applications were awarded a bourse (the eligibility rule).
    pub async fn bourses_awarded(&self, organism_id: OrganismId, except_grant: GrantId, award: &str) -> Result<u32> {
        let n: i64 = sqlx::query_scalar(
            "SELECT COUNT(DISTINCT g.id) FROM grants g JOIN grant_transitions t ON t.grant_id = g.id
             WHERE g.organism_id = $1 AND g.id <> $2 AND t.event = $3",
        )
        .bind(organism_id)
        .bind(except_grant)
        .bind(award)
        .fetch_one(&self.pool)
        .await?;
        Ok(u32::try_from(n).unwrap_or(u32::MAX))
    }

    /// The reviews of an application, in the order they came in.
    pub async fn reviews(&self, grant_id: GrantId) -> Result<Vec<Review>> {
        Ok(sqlx::query_as::<_, Review>(
            "SELECT r.grant_id, r.reviewer_id, u.display_name AS reviewer_name, r.scores, r.weighted_score, r.comment,
               r.recommendation, r.submitted_at
             FROM reviews r JOIN users u ON u.id = r.reviewer_id WHERE r.grant_id = $1 ORDER BY r.submitted_at, r.reviewer_id",
        )
        .bind(grant_id)
        .fetch_all(&self.pool)
        .await?)
    }

    /// The reviewers assigned to an application: (id, name, region, submitted).
    pub async fn assigned_reviewers(&self, grant_id: GrantId) -> Result<Vec<(UserId, String, Option<String>, bool)>> {
        let rows: Vec<(UserId, String, Option<String>, i64)> = sqlx::query_as(
            "SELECT u.id, u.display_name, u.region,
               (SELECT COUNT(*) FROM reviews r WHERE r.grant_id = a.grant_id AND r.reviewer_id = u.id)
             FROM grant_assignments a JOIN users u ON u.id = a.user_id
             WHERE a.grant_id = $1 AND a.kind = 'reviewer' ORDER BY u.display_name, u.id",
        )
        .bind(grant_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(|(id, name, region, done)| (id, name, region, done > 0)).collect())
    }

    /// The reviewers who may review an application under the conflict rule, least loaded first:
    /// (id, name, region, load).
    pub async fn eligible_reviewers(&self, grant_id: GrantId) -> Result<Vec<(UserId, String, Option<String>, u32)>> {
        let mut conn = self.pool.acquire().await?;
        let (applicant, _) = applicant(&mut conn, grant_id).await?;
        let mut pool = reviewer_pool(&mut conn).await?;
        pool.retain(|r| r.may_review(&applicant));
        pool.sort_by_key(|r| (r.load, r.region.as_deref() != Some(applicant.region.as_str()), r.id));
        let names: Vec<(UserId, String)> =
            sqlx::query_as("SELECT id, display_name FROM users WHERE role = 'reviewer'").fetch_all(&mut *conn).await?;
        Ok(pool
            .into_iter()
            .map(|r| {
                let name = names.iter().find(|(id, _)| *id == r.id).map(|(_, n)| n.clone()).unwrap_or_default();
                (r.id, name, r.region, r.load)
            })
            .collect())
    }
}

/// The number of reviews and their mean weighted score in hundredths, rounded half to even (the one
/// rounding of a score; each review's own score stays exact).
pub fn mean_hundredths(weighted: &[String]) -> (i64, Option<i64>) {
    let scores: Vec<Decimal> = weighted.iter().filter_map(|w| w.parse().ok()).collect();
    if scores.is_empty() {
        return (0, None);
    }
    let mean = scores.iter().sum::<Decimal>() / Decimal::from(scores.len());
    let hundredths = (mean.round_dp_with_strategy(2, RoundingStrategy::MidpointNearestEven) * Decimal::ONE_HUNDRED)
        .trunc()
        .try_into()
        .ok();
    (scores.len() as i64, hundredths)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_mean_score_rounds_half_to_even_once() {
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert_eq!(mean_hundredths(&[]), (0, None));
        assert_eq!(mean_hundredths(&s(&["3.6"])), (1, Some(360)));
        // (3.6 + 4.05) / 2 = 3.825 → 3.82 (half to even)
        assert_eq!(mean_hundredths(&s(&["3.6", "4.05"])), (2, Some(382)));
        // (1 + 2 + 2) / 3 = 1.6666… → 1.67
        assert_eq!(mean_hundredths(&s(&["1", "2", "2"])), (3, Some(167)));
    }
}
