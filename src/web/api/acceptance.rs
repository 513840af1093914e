//! The award after it is made: a member accepts the letter on the organism's behalf
//! (`POST /api/v1/grants/{id}/acceptance`, which activates the grant), anyone who sees the grant reads
//! that acceptance, and its statement (`GET /api/v1/grants/{id}/statement`): each commitment with what
//! was spent, released and what remains, and the ledger entries behind them.

use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use super::ProblemDetails;
use super::grants::GrantView;
use crate::AppState;
use crate::app::{self, Signature};
use crate::domain::Money;
use crate::domain::{EntryId, GrantId};
use crate::policy::authz::Action;
use crate::storage::grants::AcceptanceRecord;
use crate::web::auth::ApiCaller;
use crate::web::client::ClientAddress;
use crate::web::extract::{ApiJson, ApiPath, Fields, Input};
use crate::web::problem::Problem;

/// A member's acceptance of the award letter.
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AcceptanceInput {
    /// The version of the grant the member saw.
    pub version: i64,
    #[serde(default)]
    #[schema(example = "Marie Tremblay")]
    pub signer_name: String,
    #[serde(default)]
    #[schema(example = "Directrice générale")]
    pub signer_title: String,
    /// The member read the letter and accepts its conditions on the organism's behalf.
    #[serde(default)]
    pub accept_conditions: bool,
}

impl Input for AcceptanceInput {
    type Domain = AcceptanceInput;

    fn convert(self, _: &mut Fields) -> Option<AcceptanceInput> {
        Some(self)
    }
}

/// An acceptance as recorded.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct AcceptanceView {
    pub signer_name: String,
    pub signer_title: String,
    pub accepted_at: String,
    /// The network address the acceptance came from.
    pub client_address: String,
    /// The SHA-256 of the French letter accepted.
    pub letter_sha256: String,
}

impl From<AcceptanceRecord> for AcceptanceView {
    fn from(a: AcceptanceRecord) -> Self {
        AcceptanceView {
            signer_name: a.signer_name,
            signer_title: a.signer_title,
            accepted_at: a.accepted_at,
            client_address: a.client_address,
            letter_sha256: a.letter_sha256,
        }
    }
}

#[utoipa::path(post, path = "/grants/{id}/acceptance", tag = "awards", params(("id" = i64, Path)),
    request_body = AcceptanceInput,
    responses(
        (status = 200, description = "Accepted; the grant is now active", body = GrantView),
        (status = 403, description = "Not a member of the organism", body = ProblemDetails),
        (status = 409, description = "Not awarded (or already accepted), or a stale version", body = ProblemDetails),
        (status = 422, description = "Name, title or the acceptance of the conditions missing", body = ProblemDetails),
    ))]
#[tracing::instrument(skip_all, fields(grant_id = %id))]
pub async fn accept(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(id): ApiPath<GrantId>,
    ClientAddress(client): ClientAddress,
    ApiJson(input): ApiJson<AcceptanceInput>,
) -> Result<Json<GrantView>, Problem> {
    let mut grant = caller.grant(&state, id, Action::GrantAccept).await?;
    grant.version = input.version;
    let signature =
        Signature { name: input.signer_name, title: input.signer_title, confirmed: input.accept_conditions };
    let grant = app::accept(&state, &caller.actor(), caller.user.id, &grant, &signature, client).await?;
    Ok(Json(GrantView::new(&state, grant)))
}

#[utoipa::path(get, path = "/grants/{id}/acceptance", tag = "awards", params(("id" = i64, Path)),
    responses((status = 200, body = AcceptanceView), (status = 404, description = "Not accepted (yet)", body = ProblemDetails)))]
pub async fn acceptance(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(id): ApiPath<GrantId>,
) -> Result<Json<AcceptanceView>, Problem> {
    caller.grant(&state, id, Action::GrantView).await?;
    Ok(Json(state.db.acceptance(id).await?.ok_or(Problem::NotFound)?.into()))
}

/// One commitment of a grant: committed, spent, released, what remains (dollars, two decimals).
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct CommitmentView {
    #[schema(value_type = i64)]
    pub commitment: EntryId,
    pub envelope: String,
    pub fiscal_year: String,
    pub category: String,
    #[schema(example = "2400.00")]
    pub committed: String,
    pub spent: String,
    pub released: String,
    pub remaining: String,
}

/// One ledger entry of a grant.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct EntryView {
    #[schema(value_type = i64)]
    pub id: EntryId,
    pub at: String,
    pub envelope: String,
    pub fiscal_year: String,
    pub category: String,
    /// `commit`, `spend`, `release` or `reversal`
    pub kind: String,
    pub amount: String,
    #[schema(value_type = Option<i64>)]
    pub commitment: Option<EntryId>,
    #[schema(value_type = Option<i64>)]
    pub reverses: Option<EntryId>,
    pub actor: String,
    pub reason: String,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct StatementView {
    #[schema(value_type = i64)]
    pub grant_id: GrantId,
    pub commitments: Vec<CommitmentView>,
    /// The sums over the commitments: committed, spent, released, remaining.
    pub committed: String,
    pub spent: String,
    pub released: String,
    pub remaining: String,
    pub entries: Vec<EntryView>,
}

#[utoipa::path(get, path = "/grants/{id}/statement", tag = "finance", params(("id" = i64, Path)),
    responses((status = 200, body = StatementView), (status = 404, body = ProblemDetails)))]
pub async fn statement(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(id): ApiPath<GrantId>,
) -> Result<Json<StatementView>, Problem> {
    caller.grant(&state, id, Action::GrantView).await?;
    let (lines, rows) = state.db.statement(id).await?;
    let sum = |f: fn(&crate::domain::ledger::CommitmentLine) -> Money| {
        Money::from_cents(lines.iter().map(|l| f(l).cents()).sum()).to_string()
    };
    Ok(Json(StatementView {
        grant_id: id,
        committed: sum(|l| l.committed),
        spent: sum(|l| l.spent),
        released: sum(|l| l.released),
        remaining: sum(|l| l.remaining),
        commitments: lines
            .iter()
            .map(|l| CommitmentView {
                commitment: l.commitment,
                envelope: l.account.envelope.clone(),
                fiscal_year: l.account.fiscal_year.clone(),
                category: l.account.category.clone(),
                committed: l.committed.to_string(),
                spent: l.spent.to_string(),
                released: l.released.to_string(),
                remaining: l.remaining.to_string(),
            })
            .collect(),
        entries: rows
            .into_iter()
            .map(|r| EntryView {
                id: r.id,
                at: r.at,
                envelope: r.envelope,
                fiscal_year: r.fiscal_year,
                category: r.category,
                kind: r.kind.to_string(),
                amount: r.amount.to_string(),
                commitment: r.commitment,
                reverses: r.reverses,
                actor: r.actor,
                reason: r.reason,
            })
            .collect(),
    }))
}
