//! The HTTP layer: the router, its middleware (request ids, tracing, sessions, CSRF, security headers,
//! body limit, problem rendering), the pages, the API and the operational endpoints.

pub mod api;
pub mod auth;
pub mod client;
pub mod csv;
pub mod extract;
pub mod finance;
pub mod pages;
pub mod problem;
pub mod review;
pub mod routes;
pub mod security;
pub mod session;
pub mod session_store;

use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::HeaderName;
use axum::routing::get;
use axum::{Json, Router, middleware};
use serde_json::json;
use tower::ServiceBuilder;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::Level;

use crate::AppState;
use problem::Problem;
use session_store::SessionStore;

/// The value of the cookie `name` the request carries, if any.
pub fn cookie<'a>(headers: &'a axum::http::HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| c.trim().split_once('='))
        .find(|(n, _)| *n == name)
        .map(|(_, v)| v)
}

/// The largest request body accepted anywhere (413 beyond), but where files are sent.
pub const BODY_LIMIT: usize = 1024 * 1024;
/// The largest body of a form with files: as many files as a message takes, each at its largest.
pub const UPLOAD_LIMIT: usize = crate::app::conversation::FILES_MAX * crate::documents::MAX_BYTES + 256 * 1024;

static REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

pub fn router(state: AppState, sessions: SessionStore, secure_cookies: bool) -> Router {
    let csrf_cookie = security::CsrfCookie { key: state.csrf_key.clone(), secure: secure_cookies };
    let app = routes::pages()
        .nest("/api/v1", api::router())
        .layer(middleware::from_fn(security::csrf))
        .layer(middleware::from_fn_with_state(csrf_cookie, security::anonymous_csrf))
        .layer(middleware::from_fn_with_state(state.clone(), session::header_on_problems));
    let app = sessions
        .layer(app, secure_cookies)
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .layer(middleware::from_fn(problem::render))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(middleware::from_fn_with_state(secure_cookies, security::headers));
    app.layer(
        ServiceBuilder::new()
            .layer(SetRequestIdLayer::new(REQUEST_ID.clone(), MakeRequestUuid))
            .layer(
                TraceLayer::new_for_http()
                    .make_span_with(|request: &Request| {
                        let id = request.headers().get(&REQUEST_ID).and_then(|v| v.to_str().ok()).unwrap_or("-");
                        tracing::info_span!("request", request_id = %id, method = %request.method(), path = %request.uri().path())
                    })
                    .on_response(DefaultOnResponse::new().level(Level::INFO)),
            )
            .layer(PropagateRequestIdLayer::new(REQUEST_ID.clone())),
    )
    .with_state(state)
}

/// The process is alive.
async fn healthz() -> Json<serde_json::Value> {
    Json(json!({ "status": "ok" }))
}

/// The database answers; load balancers send traffic only when it does.
async fn readyz(State(state): State<AppState>) -> Result<Json<serde_json::Value>, Problem> {
    match tokio::time::timeout(std::time::Duration::from_secs(2), state.db.ping()).await {
        Ok(Ok(())) => Ok(Json(json!({ "status": "ready" }))),
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "the database does not answer");
            Err(Problem::Unavailable)
        }
        Err(_) => {
            tracing::warn!("the database did not answer within 2 s");
            Err(Problem::Unavailable)
        }
    }
}
