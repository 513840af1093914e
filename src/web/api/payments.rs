//! `/api/v1/payment-runs` (issue 13): finance's payment runs, the same use cases as the pages
//! (`app::payments`): what may be paid, a run made of chosen purchases with its totals per envelope and
//! fiscal year, and the bank's answer line by line. The bank's file is the page's
//! (`/payments/{id}/export.csv`).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use super::ProblemDetails;
use crate::AppState;
use crate::app::payments as usecase;
use crate::domain::{PurchaseId, RunId};
use crate::policy::authz::{Action, Resource};
use crate::storage::payments::{LineFilter, Outcome, RunLine};
use crate::web::auth::ApiCaller;
use crate::web::extract::{ApiJson, ApiPath, Fields, Input};
use crate::web::problem::Problem;

/// A purchase finance may pay: verified (or its payment failed), in no run waiting on the bank.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct PayableView {
    #[schema(value_type = i64)]
    pub purchase_id: PurchaseId,
    pub organism: String,
    pub vendor_name: String,
    /// Who the bank pays: the organism (reimbursement) or the vendor (direct).
    pub payee: String,
    pub invoice_number: String,
    pub invoice_date: String,
    #[schema(example = "1396.26")]
    pub amount: String,
}

/// What may be paid now, oldest first.
#[utoipa::path(get, path = "/payment-runs/payable", tag = "finance",
    responses((status = 200, body = [PayableView]), (status = 403, body = ProblemDetails)))]
#[tracing::instrument(skip_all)]
pub async fn payable(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
) -> Result<Json<Vec<PayableView>>, Problem> {
    caller.require(&state, Action::PaymentRun, &Resource::Program)?;
    let mode = state.program.purchases.payment;
    let rows = usecase::payable(&state, 5_000).await?;
    Ok(Json(
        rows.into_iter()
            .map(|p| PayableView {
                payee: p.payee(mode).to_string(),
                purchase_id: p.purchase_id,
                organism: p.organism,
                vendor_name: p.vendor_name,
                invoice_number: p.invoice_number,
                invoice_date: p.invoice_date,
                amount: p.amount.to_string(),
            })
            .collect(),
    ))
}

/// A run: its lines (each with the bank's answer once recorded) and what it takes from each envelope
/// and fiscal year.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct RunView {
    #[schema(value_type = i64)]
    pub id: RunId,
    /// `reimbursement` or `direct`.
    pub payment_mode: String,
    pub created_at: String,
    pub exported_at: Option<String>,
    pub total: String,
    /// How many lines wait on the bank's answer, and what they come to.
    pub waiting: i64,
    pub waiting_total: String,
    pub lines: Vec<RunLineView>,
    pub totals: Vec<RunTotalView>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct RunLineView {
    pub id: i64,
    #[schema(value_type = i64)]
    pub purchase_id: PurchaseId,
    pub payee: String,
    pub reference: String,
    pub amount: String,
    /// `cleared` or `rejected` once the bank answered; `null` while waiting.
    pub outcome: Option<String>,
    pub reason: String,
}

impl From<RunLine> for RunLineView {
    fn from(l: RunLine) -> Self {
        RunLineView {
            id: l.id,
            purchase_id: l.purchase_id,
            payee: l.payee,
            reference: l.reference,
            amount: l.amount.to_string(),
            outcome: l.outcome,
            reason: l.reason,
        }
    }
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct RunTotalView {
    #[schema(example = "FQIS")]
    pub envelope: String,
    #[schema(example = "2026-2027")]
    pub fiscal_year: String,
    pub amount: String,
}

async fn run_view(state: &AppState, id: RunId) -> Result<RunView, Problem> {
    let (run, totals) = state.db.run(id).await?;
    let (lines, _) = state.db.run_lines(id, &LineFilter::all()).await?;
    Ok(RunView {
        id: run.id,
        payment_mode: run.payment_mode,
        created_at: run.created_at,
        exported_at: run.exported_at,
        total: run.total.to_string(),
        waiting: run.waiting,
        waiting_total: run.waiting_total.to_string(),
        lines: lines.into_iter().map(RunLineView::from).collect(),
        totals: totals
            .into_iter()
            .map(|t| RunTotalView {
                envelope: t.envelope_code,
                fiscal_year: t.fiscal_year,
                amount: t.amount.to_string(),
            })
            .collect(),
    })
}

/// The purchases a run pays.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RunInput {
    #[schema(value_type = Vec<i64>)]
    pub purchases: Vec<PurchaseId>,
}

impl Input for RunInput {
    type Domain = Vec<PurchaseId>;

    fn convert(self, _: &mut Fields) -> Option<Vec<PurchaseId>> {
        Some(self.purchases)
    }
}

/// Make a run of these purchases (finance). One that can no longer be paid (paid meanwhile, in another
/// run, its commitments short) refuses the whole run: 409 `purchase-not-payable`, nothing made.
#[utoipa::path(post, path = "/payment-runs", tag = "finance", request_body = RunInput,
    responses(
        (status = 201, body = RunView),
        (status = 403, body = ProblemDetails),
        (status = 409, body = ProblemDetails),
        (status = 422, description = "No purchase chosen", body = ProblemDetails),
    ))]
#[tracing::instrument(skip_all)]
pub async fn create(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiJson(purchases): ApiJson<RunInput>,
) -> Result<(StatusCode, Json<RunView>), Problem> {
    caller.require(&state, Action::PaymentRun, &Resource::Program)?;
    let id = usecase::make_run(&state, &caller.actor(), caller.user.id, purchases).await?;
    Ok((StatusCode::CREATED, Json(run_view(&state, id).await?)))
}

/// Read a run.
#[utoipa::path(get, path = "/payment-runs/{id}", tag = "finance", params(("id" = i64, Path)),
    responses((status = 200, body = RunView), (status = 403, body = ProblemDetails), (status = 404, body = ProblemDetails)))]
#[tracing::instrument(skip_all, fields(run_id = %id))]
pub async fn read(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(id): ApiPath<RunId>,
) -> Result<Json<RunView>, Problem> {
    caller.require(&state, Action::PaymentRun, &Resource::Program)?;
    Ok(Json(run_view(&state, id).await?))
}

/// The bank's answer for a line.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AnswerInput {
    /// `cleared` (the purchase is paid: its spends go in the ledger) or `rejected` (it waits for the next
    /// run; a reason is required).
    pub outcome: String,
    #[serde(default)]
    pub reason: String,
}

impl Input for AnswerInput {
    type Domain = (Outcome, String);

    fn convert(self, f: &mut Fields) -> Option<(Outcome, String)> {
        let outcome = Outcome::parse(&self.outcome);
        if outcome.is_none() {
            f.add("outcome", crate::app::FieldProblem::Choice);
        }
        Some((outcome?, self.reason))
    }
}

/// Record the bank's answer for a line of the run (the line as recorded comes back); a line answered
/// already: 409.
#[utoipa::path(post, path = "/payment-runs/{id}/lines/{line}", tag = "finance",
    params(("id" = i64, Path), ("line" = i64, Path)), request_body = AnswerInput,
    responses(
        (status = 200, body = RunLineView),
        (status = 403, body = ProblemDetails),
        (status = 404, body = ProblemDetails),
        (status = 409, body = ProblemDetails),
        (status = 422, body = ProblemDetails),
    ))]
#[tracing::instrument(skip_all, fields(run_id = %id, line = %line))]
pub async fn answer(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath((id, line)): ApiPath<(RunId, i64)>,
    ApiJson((outcome, reason)): ApiJson<AnswerInput>,
) -> Result<Json<RunLineView>, Problem> {
    caller.require(&state, Action::PaymentRun, &Resource::Program)?;
    usecase::answer(&state, (&caller.actor(), caller.user.id), (id, line), outcome, &reason).await?;
    Ok(Json(state.db.run_line(id, line).await?.into()))
}

/// The bank paid every line still waiting.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClearInput {
    /// How many lines were waiting when the bank's answer was read (the run's `waiting`): if that
    /// changed meanwhile, nothing is recorded.
    pub waiting: i64,
}

impl Input for ClearInput {
    type Domain = i64;

    fn convert(self, _: &mut Fields) -> Option<i64> {
        Some(self.waiting)
    }
}

/// Record that the bank paid every line of the run still waiting, in one step (each purchase paid, its
/// spends in the ledger); the run as it is then comes back. If `waiting` is not the number of lines
/// waiting now: 409 `payment-run-changed`, nothing recorded.
#[utoipa::path(post, path = "/payment-runs/{id}/clear", tag = "finance",
    params(("id" = i64, Path)), request_body = ClearInput,
    responses(
        (status = 200, body = RunView),
        (status = 403, body = ProblemDetails),
        (status = 404, body = ProblemDetails),
        (status = 409, body = ProblemDetails),
    ))]
#[tracing::instrument(skip_all, fields(run_id = %id))]
pub async fn clear(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(id): ApiPath<RunId>,
    ApiJson(waiting): ApiJson<ClearInput>,
) -> Result<Json<RunView>, Problem> {
    caller.require(&state, Action::PaymentRun, &Resource::Program)?;
    usecase::clear_waiting(&state, (&caller.actor(), caller.user.id), id, waiting).await?;
    Ok(Json(run_view(&state, id).await?))
}
