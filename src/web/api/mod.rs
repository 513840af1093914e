//! The JSON API under `/api/v1`, documented by the OpenAPI document at `/api/v1/openapi.json`. Routes are
//! registered through utoipa-axum, so a route cannot exist without its documentation.

pub mod acceptance;
pub mod awards;
pub mod grants;
pub mod organisms;
pub mod payments;
pub mod purchases;
pub mod review;

use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;
use utoipa::{OpenApi, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::problem::Problem;
use crate::AppState;

/// An RFC 9457 problem-details body; `code` is stable, `title` and `detail` follow `Accept-Language`.
#[derive(Serialize, ToSchema)]
pub struct ProblemDetails {
    #[schema(example = "urn:octroi:problem:version-conflict")]
    pub r#type: String,
    pub title: String,
    pub status: u16,
    #[schema(example = "version-conflict")]
    pub code: String,
    pub detail: Option<String>,
    pub request_id: Option<String>,
    /// For `validation-failed`: one entry per refused field.
    pub errors: Option<Vec<FieldErrorDetails>>,
    /// For `event-not-allowed`: the events that are allowed from the current state.
    pub allowed_events: Option<Vec<String>>,
    /// For `version-conflict`: the version to reload.
    pub current_version: Option<i64>,
    /// For `bourse-lacks-room`: each category the purchase lacks room in.
    pub shortfalls: Option<Vec<ShortfallDetails>>,
}

/// A category a purchase lacks room in: the bourse's figures (decimal strings in dollars), what the
/// purchase asks and what is missing.
#[derive(Serialize, ToSchema)]
pub struct ShortfallDetails {
    #[schema(example = "equipment")]
    pub category: String,
    pub committed: String,
    pub spent: String,
    pub held: String,
    pub available: String,
    pub requested: String,
    pub missing: String,
}

#[derive(Serialize, ToSchema)]
pub struct FieldErrorDetails {
    pub field: String,
    pub code: String,
    pub message: String,
}

#[derive(OpenApi)]
#[openapi(
    info(title = "octroi API", description = "The DATAide grant program: organisms, applications and their workflow, awards, and the purchases their bourses pay."),
    servers((url = "/api/v1")),
    components(schemas(ProblemDetails, FieldErrorDetails, ShortfallDetails)),
    tags((name = "organisms"), (name = "grants"), (name = "review"), (name = "awards"), (name = "purchases"), (name = "finance"))
)]
struct ApiDoc;

fn registered() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(organisms::create, organisms::list))
        .routes(routes!(organisms::read))
        .routes(routes!(grants::create))
        .routes(routes!(grants::read, grants::update))
        .routes(routes!(grants::transition, grants::history))
        .routes(routes!(review::queue))
        .routes(routes!(review::submit_review, review::reviews))
        .routes(routes!(review::assign))
        .routes(routes!(review::conflict))
        .routes(routes!(review::decisions))
        .routes(routes!(awards::award))
        .routes(routes!(acceptance::accept, acceptance::acceptance))
        .routes(routes!(acceptance::statement))
        .routes(routes!(crate::web::finance::envelopes_api))
        .routes(routes!(purchases::list, purchases::create))
        .routes(routes!(purchases::read, purchases::update))
        .routes(routes!(purchases::transition, purchases::history))
        .routes(routes!(purchases::receive))
        .merge(
            // Forms with files: as large as the pages' (each file then checked by the document store).
            OpenApiRouter::new()
                .routes(routes!(purchases::invoice))
                .routes(routes!(purchases::record_return))
                .layer(axum::extract::DefaultBodyLimit::max(crate::web::UPLOAD_LIMIT)),
        )
        .routes(routes!(purchases::documents))
        .routes(routes!(payments::payable))
        .routes(routes!(payments::create))
        .routes(routes!(payments::read))
        .routes(routes!(payments::answer))
        .routes(routes!(payments::clear))
}

/// The API routes and their OpenAPI document, built from the same registrations.
pub fn router() -> Router<AppState> {
    let (router, doc) = registered().split_for_parts();
    let doc = std::sync::Arc::new(doc);
    router
        .route("/openapi.json", get(move || async move { Json(doc.as_ref().clone()) }))
        .fallback(|| async { Problem::NoSuchRoute })
        .method_not_allowed_fallback(|| async { Problem::MethodNotAllowed })
}

/// The OpenAPI document, for tests and tools.
pub fn openapi() -> utoipa::openapi::OpenApi {
    registered().split_for_parts().1
}
