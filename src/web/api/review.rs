//! `/api/v1/queues` and the review of one application: reviews, reviewers, conflicts, batch decisions.
//! The same rules and use cases as the pages (`app`, `web::review`).

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use super::ProblemDetails;
use super::grants::{GrantView, ProposalBody};
use crate::AppState;
use crate::domain::NumberStyle;
use crate::domain::workflow::GrantUse;
use crate::domain::{GrantId, OrganismId, UserId};
use crate::policy::authz::{Action, Resource};

use crate::app;
use crate::app::RawReview;
use crate::storage::queues::QueueRow;
use crate::storage::review::Review;
use crate::web::auth::{ApiCaller, grant_resource};
use crate::web::extract::{ApiJson, ApiPath, ApiQuery, Fields, Input};
use crate::web::problem::{FieldProblem, Problem};
use crate::web::review::{QueueKind, QueueParams, queue_query};

/// One application in a queue. Amounts are decimal strings in dollars.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct QueueItem {
    #[schema(value_type = i64)]
    pub id: GrantId,
    pub version: i64,
    #[schema(value_type = i64)]
    pub organism_id: OrganismId,
    pub organism_name: String,
    pub region: String,
    pub title: String,
    pub state: String,
    #[schema(example = "3600.00")]
    pub requested: String,
    #[schema(example = "6.5")]
    pub requested_coaching_hours: String,
    pub state_entered_at: String,
    /// Mean weighted score of the reviews in, two decimals; absent before the first review.
    pub review_score: Option<String>,
    pub reviews_done: i64,
}

impl From<QueueRow> for QueueItem {
    fn from(r: QueueRow) -> Self {
        QueueItem {
            id: r.id,
            version: r.version,
            organism_id: r.organism_id,
            organism_name: r.organism_name,
            region: r.region.code(),
            title: r.title,
            state: r.state,
            requested: r.requested.amount().to_string(),
            requested_coaching_hours: r.requested_coaching.amount().to_string(),
            state_entered_at: r.state_entered_at,
            review_score: r.review_score_hundredths.map(|h| format!("{}.{:02}", h / 100, h % 100)),
            reviews_done: r.reviews_done,
        }
    }
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct QueueResponse {
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
    pub items: Vec<QueueItem>,
}

/// One page of a work queue: `screening`, `review`, `decision`, `waiting` (program officers) or
/// `my-reviews` (reviewers). Filter by region and requested amount; sort by age in the state or score.
#[utoipa::path(get, path = "/queues/{kind}", tag = "review",
    params(("kind" = String, Path, description = "screening, review, decision, waiting or my-reviews"), QueueParams),
    responses(
        (status = 200, body = QueueResponse),
        (status = 403, body = ProblemDetails),
        (status = 404, description = "No such queue", body = ProblemDetails),
        (status = 422, description = "A filter is invalid (each is listed)", body = ProblemDetails),
    ))]
pub async fn queue(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(kind): ApiPath<String>,
    ApiQuery(params): ApiQuery<QueueParams>,
) -> Result<Json<QueueResponse>, Problem> {
    let kind = QueueKind::parse(&kind).ok_or(Problem::NotFound)?;
    caller.require(&state, kind.action(), &Resource::Program)?;
    let mut f = Fields::default();
    let filter = params.convert(&mut f, kind, &kind.states(&state)).ok_or_else(|| f.into_problem())?;
    let (page_number, per_page) = (filter.page, filter.per_page);
    let page = state.db.queue(&queue_query(&state, &caller, kind, filter), None).await?;
    Ok(Json(QueueResponse {
        total: page.total,
        page: page_number,
        per_page,
        items: page.rows.into_iter().map(Into::into).collect(),
    }))
}

/// A review: a whole score per rubric criterion, a comment, a recommendation.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewInput {
    /// `{"need": 4, "mission": 3, …}`, every criterion of `policies/rubric.toml`, on its scale.
    pub scores: BTreeMap<String, i64>,
    pub comment: String,
    /// `approve`, `decline` or `discuss`
    #[schema(example = "approve")]
    pub recommendation: String,
}

impl Input for ReviewInput {
    type Domain = RawReview;

    fn convert(self, _: &mut Fields) -> Option<RawReview> {
        // Checked against the rubric by the handler, which has it.
        Some(RawReview {
            scores: self.scores.into_iter().map(|(k, v)| (k, v.to_string())).collect(),
            comment: self.comment,
            recommendation: self.recommendation,
        })
    }
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ReviewView {
    #[schema(value_type = i64)]
    pub reviewer_id: UserId,
    pub reviewer: String,
    pub scores: BTreeMap<String, i64>,
    /// The exact weighted score.
    #[schema(example = "4.1")]
    pub weighted_score: String,
    pub comment: String,
    pub recommendation: String,
    pub submitted_at: String,
}

impl From<Review> for ReviewView {
    fn from(r: Review) -> Self {
        ReviewView {
            scores: serde_json::from_str(&r.scores).unwrap_or_default(),
            reviewer_id: r.reviewer_id,
            reviewer: r.reviewer_name,
            weighted_score: r.weighted_score,
            comment: r.comment,
            recommendation: r.recommendation,
            submitted_at: r.submitted_at,
        }
    }
}

/// Submit one's review of an assigned application. When it is the last one needed, the application
/// moves to the decision queue.
#[utoipa::path(post, path = "/grants/{id}/reviews", tag = "review", params(("id" = i64, Path)), request_body = ReviewInput,
    responses(
        (status = 201, description = "The reviews now visible to the reviewer, theirs included", body = [ReviewView]),
        (status = 403, description = "Not assigned to this application", body = ProblemDetails),
        (status = 409, description = "Already reviewed, or the application is not in review", body = ProblemDetails),
        (status = 422, description = "A score off the scale, a missing criterion… (each is listed)", body = ProblemDetails),
    ))]
pub async fn submit_review(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(id): ApiPath<GrantId>,
    ApiJson(raw): ApiJson<ReviewInput>,
) -> Result<(StatusCode, Json<Vec<ReviewView>>), Problem> {
    caller.grant(&state, id, Action::GrantReview).await?;
    let mut f = Fields::default();
    let review = raw.convert(&mut f, &state.rubric).ok_or_else(|| f.into_problem())?;
    app::submit_review(&state, id, caller.user.id, review).await?;
    let reviews = state.db.reviews(id).await?;
    Ok((StatusCode::CREATED, Json(reviews.into_iter().map(Into::into).collect())))
}

/// The reviews of an application: all of them for the program officer; for a reviewer, all of them once
/// they have submitted theirs, none before.
#[utoipa::path(get, path = "/grants/{id}/reviews", tag = "review", params(("id" = i64, Path)),
    responses((status = 200, body = [ReviewView]), (status = 403, body = ProblemDetails), (status = 404, body = ProblemDetails)))]
pub async fn reviews(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(id): ApiPath<GrantId>,
) -> Result<Json<Vec<ReviewView>>, Problem> {
    let grant = state.db.grant(id).await?;
    let resource = grant_resource(&state, &grant).await?;
    let reviews = state.db.reviews(id).await?;
    if caller.may(&state, Action::GrantManage, &resource) {
        return Ok(Json(reviews.into_iter().map(Into::into).collect()));
    }
    caller.require(&state, Action::GrantReview, &resource)?;
    let own = reviews.iter().any(|r| r.reviewer_id == caller.user.id);
    Ok(Json(if own { reviews.into_iter().map(Into::into).collect() } else { Vec::new() }))
}

/// Assign a reviewer (`user_id`), or complete the reviewers automatically (`auto`), balanced and never
/// against the conflict rule.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssignInput {
    #[serde(default)]
    #[schema(value_type = Option<i64>)]
    pub user_id: Option<UserId>,
    #[serde(default)]
    pub auto: bool,
}

impl Input for AssignInput {
    type Domain = AssignInput;

    fn convert(self, f: &mut Fields) -> Option<AssignInput> {
        if self.user_id.is_some() == self.auto {
            f.add("user_id", FieldProblem::Required);
            return None;
        }
        Some(self)
    }
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct AssignedReviewer {
    #[schema(value_type = i64)]
    pub user_id: UserId,
    pub name: String,
    pub region: Option<String>,
    pub reviewed: bool,
}

#[utoipa::path(post, path = "/grants/{id}/reviewers", tag = "review", params(("id" = i64, Path)), request_body = AssignInput,
    responses(
        (status = 200, description = "The reviewers now assigned", body = [AssignedReviewer]),
        (status = 403, body = ProblemDetails),
        (status = 409, description = "The reviewer has a conflict of interest with the organism, or the application is not in review", body = ProblemDetails),
        (status = 422, body = ProblemDetails),
    ))]
pub async fn assign(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(id): ApiPath<GrantId>,
    ApiJson(input): ApiJson<AssignInput>,
) -> Result<Json<Vec<AssignedReviewer>>, Problem> {
    caller.grant(&state, id, Action::GrantManage).await?;
    let reviewers = input.user_id.map_or(app::Reviewers::Automatic, app::Reviewers::One);
    app::assign(&state, id, reviewers).await?;
    let assigned = state.db.assigned_reviewers(id).await?;
    Ok(Json(
        assigned
            .into_iter()
            .map(|(user_id, name, region, reviewed)| AssignedReviewer { user_id, name, region, reviewed })
            .collect(),
    ))
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConflictInput {
    /// Required, at most 2 000 characters (the use case checks it, as for the page).
    pub reason: String,
}

impl Input for ConflictInput {
    type Domain = String;

    fn convert(self, _: &mut Fields) -> Option<String> {
        Some(self.reason)
    }
}

/// Declare a conflict of interest with the application's organism: the reviewer leaves its applications
/// not yet reviewed, and others are assigned in their place.
#[utoipa::path(post, path = "/grants/{id}/conflict", tag = "review", params(("id" = i64, Path)), request_body = ConflictInput,
    responses((status = 204, description = "Declared"), (status = 403, body = ProblemDetails), (status = 422, body = ProblemDetails)))]
pub async fn conflict(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(id): ApiPath<GrantId>,
    ApiJson(reason): ApiJson<ConflictInput>,
) -> Result<StatusCode, Problem> {
    let grant = caller.grant(&state, id, Action::GrantReview).await?;
    app::declare_conflict(&state, caller.user.id, grant.organism_id, &reason).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// One decision of a batch.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionInput {
    #[schema(value_type = i64)]
    pub grant_id: GrantId,
    pub version: i64,
    /// `approve`, `decline`, `request_info`, `send_to_review` or `complete_reviews`
    pub event: String,
    #[serde(default)]
    pub reason: String,
    /// For `approve`; without it, the application is approved as requested.
    #[serde(default)]
    pub proposal: Option<ProposalBody>,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BatchInput {
    /// 1 to 200 decisions.
    pub decisions: Vec<DecisionInput>,
}

impl Input for BatchInput {
    type Domain = Vec<DecisionInput>;

    fn convert(self, f: &mut Fields) -> Option<Vec<DecisionInput>> {
        if !(1..=200).contains(&self.decisions.len()) {
            f.add("decisions", FieldProblem::OutOfRange);
            return None;
        }
        Some(self.decisions)
    }
}

/// The outcome of one decision: the grant after it, or the problem that refused it.
#[derive(Debug, Serialize, ToSchema)]
pub struct DecisionOutcome {
    #[schema(value_type = i64)]
    pub grant_id: GrantId,
    pub grant: Option<GrantView>,
    pub problem: Option<serde_json::Value>,
}

/// Decide several applications: each decision applies on its own (all or nothing for that application),
/// and the answer lists each outcome.
#[utoipa::path(post, path = "/decisions", tag = "review", request_body = BatchInput,
    responses((status = 200, body = [DecisionOutcome]), (status = 403, body = ProblemDetails), (status = 422, body = ProblemDetails)))]
pub async fn decisions(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiJson(decisions): ApiJson<BatchInput>,
) -> Result<Json<Vec<DecisionOutcome>>, Problem> {
    caller.require(&state, Action::QueueManage, &Resource::Program)?;
    let mut outcomes = Vec::with_capacity(decisions.len());
    for d in decisions {
        let outcome: Result<_, Problem> = async {
            let mut grant = caller.grant(&state, d.grant_id, Action::GrantManage).await?;
            grant.version = d.version;
            let proposal = match d.proposal {
                Some(p) => Some(p.raw()),
                None => (d.event == state.grant_workflow().event(GrantUse::Approve))
                    .then(|| crate::app::RawProposal::requested(&grant, NumberStyle::Machine)),
            };
            let (actor, numbers) = (caller.actor(), NumberStyle::Machine);
            Ok(app::decide(&state, &actor, &grant, &d.event, &d.reason, proposal.as_ref(), numbers).await?)
        }
        .await;
        outcomes.push(match outcome {
            Ok((grant, _)) => {
                DecisionOutcome { grant_id: d.grant_id, grant: Some(GrantView::new(&state, grant)), problem: None }
            }
            Err(problem) => DecisionOutcome {
                grant_id: d.grant_id,
                grant: None,
                problem: Some(problem.body(caller.user.language(), None)),
            },
        });
    }
    Ok(Json(outcomes))
}
