//! `/api/v1/organisms`: the community organizations that apply.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use super::ProblemDetails;
use crate::AppState;
use crate::domain::{Email, Language, Neq, OrganismId, PostalCode, Region};
use crate::policy::authz::{Action, Resource};
use crate::storage::organisms::{NewOrganism, Organism};
use crate::web::auth::ApiCaller;
use crate::web::extract::{ApiJson, ApiPath, ApiQuery, Fields, Input};
use crate::web::problem::{FieldProblem, Problem};

/// A new organism. Text is trimmed; the NEQ may contain spaces; the region is its code (`06`).
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OrganismInput {
    #[validate(length(min = 1, max = 200))]
    #[schema(example = "Cuisine collective Hochelaga")]
    pub legal_name: String,
    #[validate(length(min = 1, max = 20))]
    #[schema(example = "1143356789")]
    pub neq: String,
    #[validate(length(max = 2))]
    #[schema(example = "06")]
    pub region: String,
    #[validate(length(min = 1, max = 200))]
    pub street_address: String,
    #[validate(length(min = 1, max = 100))]
    pub city: String,
    #[validate(length(min = 1, max = 10))]
    #[schema(example = "H1W 2T4")]
    pub postal_code: String,
    #[validate(length(min = 1, max = 254))]
    pub contact_email: String,
    #[validate(length(min = 1, max = 2000))]
    pub mission_summary: String,
    /// `fr` (default) or `en`
    #[serde(default)]
    #[validate(length(max = 5))]
    pub preferred_language: Option<String>,
}

impl Input for OrganismInput {
    type Domain = NewOrganism;

    fn convert(self, f: &mut Fields) -> Option<NewOrganism> {
        let legal_name = f.required_line("legal_name", self.legal_name);
        let street_address = f.required_line("street_address", self.street_address);
        let city = f.required_line("city", self.city);
        let mission_summary = f.required("mission_summary", self.mission_summary);
        let neq = f.parse("neq", Neq::parse(&self.neq), FieldProblem::Organism);
        let region = f.chosen("region", "region", &self.region, Region::parse, FieldProblem::Organism);
        let postal_code = f.parse("postal_code", PostalCode::parse(&self.postal_code), FieldProblem::Organism);
        let contact_email = f.parse("contact_email", Email::parse(&self.contact_email), FieldProblem::Organism);
        let preferred_language = match self.preferred_language.as_deref().map(str::trim).filter(|l| !l.is_empty()) {
            Some(l) => f.parse("preferred_language", Language::parse(l), FieldProblem::Organism),
            None => Some(Language::Fr),
        };
        Some(NewOrganism {
            legal_name,
            neq: neq?,
            region: region?,
            street_address,
            city,
            postal_code: postal_code?,
            contact_email: contact_email?,
            mission_summary,
            preferred_language: preferred_language?,
        })
    }
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct OrganismView {
    #[schema(value_type = i64)]
    pub id: OrganismId,
    pub legal_name: String,
    pub neq: String,
    pub region: String,
    pub region_name: String,
    pub street_address: String,
    pub city: String,
    pub postal_code: String,
    pub contact_email: String,
    pub mission_summary: String,
    pub preferred_language: String,
    pub created_at: String,
    pub updated_at: String,
}

impl From<Organism> for OrganismView {
    fn from(o: Organism) -> Self {
        OrganismView {
            id: o.id,
            legal_name: o.legal_name,
            neq: o.neq.to_string(),
            region: o.region.code(),
            region_name: o.region.name().to_string(),
            street_address: o.street_address,
            city: o.city,
            postal_code: o.postal_code.to_string(),
            contact_email: o.contact_email.to_string(),
            mission_summary: o.mission_summary,
            preferred_language: o.preferred_language.code().to_string(),
            created_at: o.created_at,
            updated_at: o.updated_at,
        }
    }
}

/// Register an organism (staff; organisms sign up through the web).
#[utoipa::path(post, path = "/organisms", tag = "organisms", request_body = OrganismInput,
    responses(
        (status = 201, body = OrganismView),
        (status = 409, description = "An organism with this NEQ exists", body = ProblemDetails),
        (status = 422, description = "Invalid fields", body = ProblemDetails),
    ))]
#[tracing::instrument(skip_all)]
pub async fn create(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiJson(new): ApiJson<OrganismInput>,
) -> Result<(StatusCode, Json<OrganismView>), Problem> {
    caller.require(&state, Action::OrganismCreate, &Resource::Program)?;
    let organism = state.db.create_organism(new).await?;
    Ok((StatusCode::CREATED, Json(organism.into())))
}

/// Read one organism.
#[utoipa::path(get, path = "/organisms/{id}", tag = "organisms", params(("id" = i64, Path)),
    responses((status = 200, body = OrganismView), (status = 404, body = ProblemDetails)))]
#[tracing::instrument(skip_all, fields(organism_id = %id))]
pub async fn read(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(id): ApiPath<OrganismId>,
) -> Result<Json<OrganismView>, Problem> {
    caller.require(&state, Action::OrganismView, &Resource::Organism(id))?;
    Ok(Json(state.db.organism(id).await?.into()))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct Page {
    /// The last id of the previous page (0 for the first page)
    #[serde(default)]
    pub after: i64,
    /// At most 100 [default: 50]
    pub limit: Option<i64>,
}

/// List organisms by id, a page at a time.
#[utoipa::path(get, path = "/organisms", tag = "organisms", params(Page),
    responses((status = 200, body = [OrganismView]), (status = 400, body = ProblemDetails)))]
#[tracing::instrument(skip_all)]
pub async fn list(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiQuery(page): ApiQuery<Page>,
) -> Result<Json<Vec<OrganismView>>, Problem> {
    caller.require(&state, Action::OrganismList, &Resource::Program)?;
    let limit = page.limit.unwrap_or(50).clamp(1, 100);
    let organisms = state.db.organisms(page.after, limit).await?;
    Ok(Json(organisms.into_iter().map(Into::into).collect()))
}
