//! `POST /api/v1/grants/{id}/award`: the program officer awards an approved grant. A preview shows how
//! the amounts split across envelopes without writing anything, and gives a `preview_id`; the
//! confirmation carries that `preview_id` back (refused with 409 unless it would commit exactly what the
//! preview showed) and an `Idempotency-Key`, and commits the funds and moves the grant to awarded in one
//! transaction, with the answer kept for the key. The same key with the same request (amounts, hours,
//! year, preview, version: the fingerprint the award page uses too) gives the same answer; with another
//! it is refused (422 `idempotency-key-reused`).

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use super::ProblemDetails;
use super::grants::GrantView;
use crate::AppState;
use crate::app;
use crate::app::RawProposal;
use crate::domain::GrantId;
use crate::domain::award::{AwardAmounts, Part};
use crate::policy::authz::Action;
use crate::storage::grants::AnswerFn;
use crate::web::auth::ApiCaller;
use crate::web::extract::{ApiJson, ApiPath, Fields, Input};
use crate::web::problem::Problem;

/// An award: amounts in dollars (decimal strings), coaching hours, the fiscal year whose allocations
/// pay it (by default today's, or the program's last when its years are over).
#[derive(Debug, Clone, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AwardInput {
    /// The version of the grant the officer saw.
    pub version: i64,
    #[serde(default)]
    #[schema(example = "3600.00")]
    pub equipment: String,
    #[serde(default)]
    #[schema(example = "480.50")]
    pub software: String,
    #[serde(default)]
    #[schema(example = "6.5")]
    pub coaching_hours: String,
    #[serde(default)]
    #[schema(example = "2024-2025")]
    pub fiscal_year: Option<String>,
    /// Only show the split; write nothing.
    #[serde(default)]
    pub preview: bool,
    /// Required to confirm: the `preview_id` the preview of these same amounts answered.
    #[serde(default)]
    pub preview_id: Option<String>,
}

pub struct AwardRequestInput {
    raw: AwardInput,
    amounts: AwardAmounts,
    fiscal_year: Option<String>,
}

impl Input for AwardInput {
    type Domain = AwardRequestInput;

    fn convert(self, f: &mut Fields) -> Option<AwardRequestInput> {
        let raw = RawProposal {
            equipment: self.equipment.clone(),
            software: self.software.clone(),
            coaching_hours: self.coaching_hours.clone(),
        };
        let (equipment, software, coaching_hours) = raw.amounts(f)?;
        let fiscal_year = self.fiscal_year.as_deref().map(str::trim).filter(|y| !y.is_empty()).map(str::to_string);
        if !self.preview && self.preview_id.as_deref().is_none_or(|p| p.trim().is_empty()) {
            f.add("preview_id", crate::web::problem::FieldProblem::Required);
        }
        let amounts = AwardAmounts { equipment, software, coaching_hours };
        Some(AwardRequestInput { fiscal_year, amounts, raw: self })
    }
}

/// One commitment of the award.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct AwardPart {
    pub envelope: String,
    pub category: String,
    #[schema(example = "617.50")]
    pub amount: String,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct AwardView {
    pub fiscal_year: String,
    #[schema(example = "4698.00")]
    pub total: String,
    pub parts: Vec<AwardPart>,
    /// What the confirmation must carry back: the fingerprint of these amounts, year and split.
    pub preview_id: String,
    /// The grant after the award; absent for a preview.
    pub grant: Option<GrantView>,
}

#[utoipa::path(post, path = "/grants/{id}/award", tag = "awards", params(("id" = i64, Path),
        ("Idempotency-Key" = Option<String>, Header, description = "Required to confirm (not for a preview)")),
    request_body = AwardInput,
    responses(
        (status = 200, description = "The split (preview), or the award made", body = AwardView),
        (status = 403, body = ProblemDetails),
        (status = 409, description = "Not approved, already awarded, stale version, an envelope lacks room (how much is missing), or the award differs from its preview (`award-not-as-previewed`: preview again)", body = ProblemDetails),
        (status = 422, description = "Invalid amounts, above the cap, no `preview_id` or no Idempotency-Key to confirm, or a key reused with another body", body = ProblemDetails),
    ))]
pub async fn award(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(id): ApiPath<GrantId>,
    headers: HeaderMap,
    ApiJson(input): ApiJson<AwardInput>,
) -> Result<Response, Problem> {
    let mut grant = caller.grant(&state, id, Action::GrantManage).await?;
    let fiscal_year = input.fiscal_year.clone().unwrap_or_else(|| app::default_fiscal_year(&state));
    if input.raw.preview {
        let parts = app::award_preview(&state, &input.amounts, &fiscal_year).await?;
        let view = AwardView {
            preview_id: crate::domain::award::preview_id(id, &input.amounts, &fiscal_year, &parts),
            total: input.amounts.total(state.program.coaching_hourly_rate).to_string(),
            parts: parts
                .into_iter()
                .map(|p| AwardPart { envelope: p.envelope, category: p.category, amount: p.amount.to_string() })
                .collect(),
            fiscal_year,
            grant: None,
        };
        return Ok(Json(view).into_response());
    }
    let Some(key) = headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|k| !k.is_empty() && k.len() <= 200)
    else {
        return Err(Problem::refused(crate::app::Code::IdempotencyKeyRequired, StatusCode::UNPROCESSABLE_ENTITY));
    };
    grant.version = input.raw.version;
    // The answer, made in the award's transaction and kept with its key for the retries.
    let (view_state, preview_id, total) = (
        state.clone(),
        input.raw.preview_id.clone().unwrap_or_default(),
        input.amounts.total(state.program.coaching_hourly_rate).to_string(),
    );
    let year = fiscal_year.clone();
    let answer: Arc<AnswerFn> = Arc::new(move |awarded: &crate::storage::grants::Grant, parts: &[Part]| {
        let view = AwardView {
            preview_id: preview_id.clone(),
            fiscal_year: year.clone(),
            total: total.clone(),
            parts: parts
                .iter()
                .map(|p| AwardPart {
                    envelope: p.envelope.clone(),
                    category: p.category.clone(),
                    amount: p.amount.to_string(),
                })
                .collect(),
            grant: Some(GrantView::new(&view_state, awarded.clone())),
        };
        serde_json::to_string(&view).expect("a view serializes")
    });
    let key = app::AwardKey { key: key.to_string(), user_id: caller.user.id, answer };
    let previewed = input.raw.preview_id.clone();
    let body =
        match app::award(&state, &caller.actor(), &grant, input.amounts, &fiscal_year, Some(key), previewed).await? {
            app::Awarded::Now(_, answer) => answer.unwrap_or_default(),
            app::Awarded::Before(answer) => answer,
        };
    Ok(([(axum::http::header::CONTENT_TYPE, "application/json")], body).into_response())
}
