//! `/api/v1/grants`: applications, their place in the grant workflow and their history.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use super::ProblemDetails;
use crate::AppState;
use crate::app;
use crate::app::RawProposal;
use crate::app::applications::{self, RawApplication, RawLine};
use crate::domain::grant::{Application, LineCategory};
use crate::domain::{GrantId, OrganismId};
use crate::policy::authz::{Action, Resource};
use crate::storage::grants::{Grant, GrantTransition};
use crate::web::auth::ApiCaller;
use crate::web::extract::{ApiJson, ApiPath, Fields, Input};
use crate::web::problem::Problem;

/// The application's content. A draft may leave fields empty; submission requires them (the
/// `application_complete` guard). Amounts are decimal strings in dollars (`"1234.56"`), hours likewise.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApplicationBody {
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub needs_assessment: String,
    #[serde(default)]
    pub project_description: String,
    /// The equipment and software requested, at most 50 lines.
    #[serde(default)]
    pub lines: Vec<LineBody>,
    #[serde(default)]
    #[schema(example = "6.5")]
    pub requested_coaching_hours: Option<String>,
    #[serde(default)]
    pub contact_name: String,
    #[serde(default)]
    pub contact_email: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LineBody {
    /// `equipment` or `software`
    #[schema(example = "equipment")]
    pub category: String,
    #[schema(example = "Ordinateur portable 14 po")]
    pub description: String,
    #[schema(example = 2)]
    pub quantity: i64,
    #[schema(example = "1099.99")]
    pub unit_price: String,
}

impl ApplicationBody {
    fn convert(self, f: &mut Fields) -> Option<Application> {
        RawApplication {
            title: self.title,
            needs_assessment: self.needs_assessment,
            project_description: self.project_description,
            lines: self
                .lines
                .into_iter()
                .map(|l| RawLine {
                    category: l.category,
                    description: l.description,
                    quantity: l.quantity.to_string(),
                    unit_price: l.unit_price,
                })
                .collect(),
            requested_coaching_hours: self.requested_coaching_hours.unwrap_or_default(),
            contact_name: self.contact_name,
            contact_email: self.contact_email.unwrap_or_default(),
        }
        .convert(f, "application.")
    }
}

/// The application as saved, with its totals.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ApplicationView {
    pub title: String,
    pub needs_assessment: String,
    pub project_description: String,
    pub lines: Vec<LineView>,
    /// The total of the equipment lines
    pub requested_equipment: String,
    /// The total of the software lines
    pub requested_software: String,
    pub requested_coaching_hours: String,
    pub contact_name: String,
    pub contact_email: Option<String>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct LineView {
    pub category: String,
    pub description: String,
    pub quantity: i64,
    pub unit_price: String,
    pub total: String,
}

impl From<Application> for ApplicationView {
    fn from(a: Application) -> Self {
        ApplicationView {
            requested_equipment: a.requested(LineCategory::Equipment).to_string(),
            requested_software: a.requested(LineCategory::Software).to_string(),
            lines: a
                .lines
                .iter()
                .map(|l| LineView {
                    category: l.category.as_str().into(),
                    description: l.description.clone(),
                    quantity: l.quantity,
                    unit_price: l.unit_price.to_string(),
                    total: l.total().to_string(),
                })
                .collect(),
            title: a.title,
            needs_assessment: a.needs_assessment,
            project_description: a.project_description,
            requested_coaching_hours: a.requested_coaching_hours.to_string(),
            contact_name: a.contact_name,
            contact_email: a.contact_email.map(|e| e.as_str().to_string()),
        }
    }
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewGrantInput {
    #[schema(value_type = i64)]
    pub organism_id: OrganismId,
    #[serde(default)]
    pub application: ApplicationBody,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateGrantInput {
    /// The version the change was made from; a stale one is refused with 409.
    pub version: i64,
    pub application: ApplicationBody,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TransitionInput {
    #[validate(length(min = 1, max = 64))]
    #[schema(example = "submit")]
    pub event: String,
    /// The version the decision was made from; a stale one is refused with 409.
    pub version: i64,
    #[serde(default)]
    #[validate(length(max = 2000))]
    pub reason: String,
    /// Required to `approve`: the amounts and coaching hours the program proposes.
    #[serde(default)]
    pub proposal: Option<ProposalBody>,
}

/// What the program officer proposes when approving. Amounts are decimal strings in dollars.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProposalBody {
    #[schema(example = "2400.00")]
    #[serde(default)]
    pub equipment: String,
    #[schema(example = "350.00")]
    #[serde(default)]
    pub software: String,
    #[schema(example = "6")]
    #[serde(default)]
    pub coaching_hours: String,
}

impl ProposalBody {
    pub fn raw(self) -> RawProposal {
        RawProposal { equipment: self.equipment, software: self.software, coaching_hours: self.coaching_hours }
    }
}

impl Input for NewGrantInput {
    type Domain = (OrganismId, Application);

    fn convert(self, f: &mut Fields) -> Option<Self::Domain> {
        Some((self.organism_id, self.application.convert(f)?))
    }
}

impl Input for UpdateGrantInput {
    type Domain = (i64, Application);

    fn convert(self, f: &mut Fields) -> Option<Self::Domain> {
        Some((self.version, self.application.convert(f)?))
    }
}

/// A transition request, trimmed.
pub struct TransitionRequest {
    pub event: String,
    pub version: i64,
    pub reason: String,
    pub proposal: Option<RawProposal>,
}

impl Input for TransitionInput {
    type Domain = TransitionRequest;

    fn convert(self, f: &mut Fields) -> Option<TransitionRequest> {
        let event = f.required("event", self.event);
        Some(TransitionRequest {
            event,
            version: self.version,
            reason: self.reason.trim().to_string(),
            proposal: self.proposal.map(ProposalBody::raw),
        })
    }
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct GrantView {
    #[schema(value_type = i64)]
    pub id: GrantId,
    #[schema(value_type = i64)]
    pub organism_id: OrganismId,
    pub state: String,
    pub version: i64,
    /// Whether the applicant may still change the application.
    pub editable: bool,
    pub application: ApplicationView,
    pub created_at: String,
    pub updated_at: String,
    /// When the grant entered its current state.
    pub state_entered_at: String,
    pub submitted_at: Option<String>,
    pub decided_at: Option<String>,
    pub closed_at: Option<String>,
}

impl GrantView {
    pub fn new(state: &AppState, g: Grant) -> GrantView {
        GrantView {
            editable: state.grant_workflow().is_editable(&g.state),
            application: g.application().into(),
            id: g.id,
            organism_id: g.organism_id,
            state: g.state,
            version: g.version,
            created_at: g.created_at,
            updated_at: g.updated_at,
            state_entered_at: g.state_entered_at,
            submitted_at: g.submitted_at,
            decided_at: g.decided_at,
            closed_at: g.closed_at,
        }
    }
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct TransitionView {
    pub version: i64,
    pub event: String,
    pub from: String,
    pub to: String,
    pub actor: String,
    pub role: String,
    pub reason: String,
    pub at: String,
}

impl From<GrantTransition> for TransitionView {
    fn from(t: GrantTransition) -> Self {
        TransitionView {
            version: t.version,
            event: t.event,
            from: t.from_state,
            to: t.to_state,
            actor: t.actor,
            role: t.actor_role,
            reason: t.reason,
            at: t.at,
        }
    }
}

/// Start a draft application for an organism.
#[utoipa::path(post, path = "/grants", tag = "grants", request_body = NewGrantInput,
    responses(
        (status = 201, body = GrantView),
        (status = 422, description = "Invalid fields or unknown organism", body = ProblemDetails),
    ))]
#[tracing::instrument(skip_all)]
pub async fn create(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiJson((organism_id, application)): ApiJson<NewGrantInput>,
) -> Result<(StatusCode, Json<GrantView>), Problem> {
    caller.require(&state, Action::GrantCreate, &Resource::Organism(organism_id))?;
    let grant = applications::start(&state, organism_id, application).await?;
    Ok((StatusCode::CREATED, Json(GrantView::new(&state, grant))))
}

/// Read one grant with its state and version.
#[utoipa::path(get, path = "/grants/{id}", tag = "grants", params(("id" = i64, Path)),
    responses((status = 200, body = GrantView), (status = 404, body = ProblemDetails)))]
#[tracing::instrument(skip_all, fields(grant_id = %id))]
pub async fn read(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(id): ApiPath<GrantId>,
) -> Result<Json<GrantView>, Problem> {
    let grant = caller.grant(&state, id, Action::GrantView).await?;
    Ok(Json(GrantView::new(&state, grant)))
}

/// Replace the application's content while it is editable (a draft, or waiting for more information).
#[utoipa::path(put, path = "/grants/{id}", tag = "grants", params(("id" = i64, Path)), request_body = UpdateGrantInput,
    responses(
        (status = 200, body = GrantView),
        (status = 404, body = ProblemDetails),
        (status = 409, description = "Stale version, or no longer editable", body = ProblemDetails),
        (status = 422, body = ProblemDetails),
    ))]
#[tracing::instrument(skip_all, fields(grant_id = %id))]
pub async fn update(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(id): ApiPath<GrantId>,
    ApiJson((version, application)): ApiJson<UpdateGrantInput>,
) -> Result<Json<GrantView>, Problem> {
    caller.grant(&state, id, Action::GrantEdit).await?;
    let grant = applications::save(&state, id, version, application).await?;
    Ok(Json(GrantView::new(&state, grant)))
}

/// Fire a workflow event (`submit`, `withdraw`, …) as the signed-in account; the workflow decides
/// which events its role may fire from the grant's state.
#[utoipa::path(post, path = "/grants/{id}/transitions", tag = "grants", params(("id" = i64, Path)), request_body = TransitionInput,
    responses(
        (status = 200, description = "The grant after the transition", body = GrantView),
        (status = 401, description = "Not signed in, or no valid token", body = ProblemDetails),
        (status = 403, description = "The role may not fire this event", body = ProblemDetails),
        (status = 404, body = ProblemDetails),
        (status = 409, description = "Stale version, or event not allowed from the current state (the allowed events are listed)", body = ProblemDetails),
        (status = 422, description = "A guard failed (missing fields are listed)", body = ProblemDetails),
    ))]
#[tracing::instrument(skip_all, fields(grant_id = %id))]
pub async fn transition(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(id): ApiPath<GrantId>,
    ApiJson(request): ApiJson<TransitionInput>,
) -> Result<Json<GrantView>, Problem> {
    let mut grant = caller.grant(&state, id, Action::GrantFire).await?;
    let proposal = match request.proposal {
        Some(raw) => {
            let mut f = Fields::default();
            Some(raw.convert(&mut f, &state.program).ok_or_else(|| f.into_problem())?)
        }
        None => None,
    };
    // The version the caller saw decides; a stale one is refused by storage.
    grant.version = request.version;
    let (grant, _) = app::fire(&state, &caller.actor(), &grant, &request.event, &request.reason, proposal).await?;
    Ok(Json(GrantView::new(&state, grant)))
}

/// The grant's history of state changes, oldest first: who, when, from, to, why.
#[utoipa::path(get, path = "/grants/{id}/transitions", tag = "grants", params(("id" = i64, Path)),
    responses((status = 200, body = [TransitionView]), (status = 404, body = ProblemDetails)))]
#[tracing::instrument(skip_all, fields(grant_id = %id))]
pub async fn history(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(id): ApiPath<GrantId>,
) -> Result<Json<Vec<TransitionView>>, Problem> {
    caller.grant(&state, id, Action::GrantView).await?;
    let lang = caller.user.language();
    let history = app::grants::history_seen_by(&state, caller.user.role(), id, lang).await?;
    Ok(Json(history.into_iter().map(Into::into).collect()))
}
