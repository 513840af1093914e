//! `/api/v1/grants`: applications, their place in the grant workflow and their history.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use super::ProblemDetails;
use crate::AppState;
use crate::domain::grant::Application;
use crate::domain::{Actor, Email, Hours, Money};
use crate::storage::grants::{Grant, GrantTransition};
use crate::web::extract::{ApiJson, ApiPath, Fields, Input};
use crate::web::problem::{FieldProblem, Problem};

/// The application's content. A draft may leave fields empty; submission requires them (the
/// `application_complete` guard). Amounts are decimal strings in dollars (`"1234.56"`), hours likewise.
#[derive(Debug, Default, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApplicationBody {
    #[serde(default)]
    #[validate(length(max = 200))]
    pub title: String,
    #[serde(default)]
    #[validate(length(max = 10000))]
    pub needs_assessment: String,
    #[serde(default)]
    #[validate(length(max = 10000))]
    pub project_description: String,
    #[serde(default)]
    #[schema(example = "2500.00")]
    pub requested_equipment: Option<String>,
    #[serde(default)]
    #[schema(example = "480.00")]
    pub requested_software: Option<String>,
    #[serde(default)]
    #[schema(example = "6.5")]
    pub requested_coaching_hours: Option<String>,
    #[serde(default)]
    #[validate(length(max = 200))]
    pub contact_name: String,
    #[serde(default)]
    #[validate(length(max = 254))]
    pub contact_email: Option<String>,
}

impl ApplicationBody {
    /// Converts the content; field names in errors are prefixed with `application.`.
    fn convert(self, f: &mut Fields) -> Option<Application> {
        fn optional<T, E>(
            f: &mut Fields,
            field: &str,
            value: Option<String>,
            parse: fn(&str) -> Result<T, E>,
            problem: fn(E) -> FieldProblem,
        ) -> Option<Option<T>> {
            match value.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
                None => Some(None),
                Some(v) => f
                    .parse(&format!("application.{field}"), parse(v), problem)
                    .map(Some),
            }
        }
        let requested_equipment = optional(
            f,
            "requested_equipment",
            self.requested_equipment,
            Money::parse,
            FieldProblem::Amount,
        );
        let requested_software = optional(
            f,
            "requested_software",
            self.requested_software,
            Money::parse,
            FieldProblem::Amount,
        );
        let requested_coaching_hours = optional(
            f,
            "requested_coaching_hours",
            self.requested_coaching_hours,
            Hours::parse,
            FieldProblem::Amount,
        );
        let contact_email = optional(
            f,
            "contact_email",
            self.contact_email,
            Email::parse,
            FieldProblem::Organism,
        );
        Some(Application {
            title: self.title.trim().to_string(),
            needs_assessment: self.needs_assessment.trim().to_string(),
            project_description: self.project_description.trim().to_string(),
            requested_equipment: requested_equipment?.unwrap_or_default(),
            requested_software: requested_software?.unwrap_or_default(),
            requested_coaching_hours: requested_coaching_hours?.unwrap_or_default(),
            contact_name: self.contact_name.trim().to_string(),
            contact_email: contact_email?,
        })
    }
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewGrantInput {
    pub organism_id: i64,
    #[serde(default)]
    #[validate(nested)]
    pub application: ApplicationBody,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateGrantInput {
    /// The version the change was made from; a stale one is refused with 409.
    pub version: i64,
    #[validate(nested)]
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
}

impl Input for NewGrantInput {
    type Domain = (i64, Application);

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
}

impl Input for TransitionInput {
    type Domain = TransitionRequest;

    fn convert(self, f: &mut Fields) -> Option<TransitionRequest> {
        let event = f.required("event", self.event);
        Some(TransitionRequest {
            event,
            version: self.version,
            reason: self.reason.trim().to_string(),
        })
    }
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct GrantView {
    pub id: i64,
    pub organism_id: i64,
    pub state: String,
    pub version: i64,
    /// Whether the applicant may still change the application.
    pub editable: bool,
    pub application: ApplicationBody,
    pub created_at: String,
    pub updated_at: String,
    /// When the grant entered its current state.
    pub state_entered_at: String,
    pub submitted_at: Option<String>,
    pub decided_at: Option<String>,
    pub closed_at: Option<String>,
}

impl GrantView {
    fn new(state: &AppState, g: Grant) -> GrantView {
        let app = g.application();
        GrantView {
            editable: state.grant_workflow().is_editable(&g.state),
            application: ApplicationBody {
                title: app.title,
                needs_assessment: app.needs_assessment,
                project_description: app.project_description,
                requested_equipment: Some(app.requested_equipment.to_string()),
                requested_software: Some(app.requested_software.to_string()),
                requested_coaching_hours: Some(app.requested_coaching_hours.to_string()),
                contact_name: app.contact_name,
                contact_email: g.contact_email,
            },
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
    ApiJson((organism_id, application)): ApiJson<NewGrantInput>,
) -> Result<(StatusCode, Json<GrantView>), Problem> {
    let grant = state
        .db
        .create_grant(organism_id, application, state.grant_workflow())
        .await?;
    Ok((StatusCode::CREATED, Json(GrantView::new(&state, grant))))
}

/// Read one grant with its state and version.
#[utoipa::path(get, path = "/grants/{id}", tag = "grants", params(("id" = i64, Path)),
    responses((status = 200, body = GrantView), (status = 404, body = ProblemDetails)))]
#[tracing::instrument(skip_all, fields(grant_id = id))]
pub async fn read(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<GrantView>, Problem> {
    let grant = state.db.grant(id).await?;
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
#[tracing::instrument(skip_all, fields(grant_id = id))]
pub async fn update(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<i64>,
    ApiJson((version, application)): ApiJson<UpdateGrantInput>,
) -> Result<Json<GrantView>, Problem> {
    let grant = state
        .db
        .update_application(id, version, application, state.grant_workflow())
        .await?;
    Ok(Json(GrantView::new(&state, grant)))
}

/// Fire a workflow event (`submit`, `withdraw`, …). The actor is named by the `X-Octroi-Actor` and
/// `X-Octroi-Role` headers.
#[utoipa::path(post, path = "/grants/{id}/transitions", tag = "grants", params(("id" = i64, Path)), request_body = TransitionInput,
    responses(
        (status = 200, description = "The grant after the transition", body = GrantView),
        (status = 401, description = "No actor", body = ProblemDetails),
        (status = 403, description = "The role may not fire this event", body = ProblemDetails),
        (status = 404, body = ProblemDetails),
        (status = 409, description = "Stale version, or event not allowed from the current state (the allowed events are listed)", body = ProblemDetails),
        (status = 422, description = "A guard failed (missing fields are listed)", body = ProblemDetails),
    ))]
#[tracing::instrument(skip_all, fields(grant_id = id))]
pub async fn transition(
    State(state): State<AppState>,
    actor: Actor,
    ApiPath(id): ApiPath<i64>,
    ApiJson(request): ApiJson<TransitionInput>,
) -> Result<Json<GrantView>, Problem> {
    let grant = state
        .db
        .fire_grant_event(
            state.grant_workflow(),
            id,
            request.version,
            &request.event,
            &actor,
            &request.reason,
        )
        .await?;
    Ok(Json(GrantView::new(&state, grant)))
}

/// The grant's history of state changes, oldest first: who, when, from, to, why.
#[utoipa::path(get, path = "/grants/{id}/transitions", tag = "grants", params(("id" = i64, Path)),
    responses((status = 200, body = [TransitionView]), (status = 404, body = ProblemDetails)))]
#[tracing::instrument(skip_all, fields(grant_id = id))]
pub async fn history(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Vec<TransitionView>>, Problem> {
    let history = state.db.grant_history(id).await?;
    Ok(Json(history.into_iter().map(Into::into).collect()))
}
