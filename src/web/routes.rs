//! The page routes, in one table: the router is built from it, and the authorization matrix test walks
//! it, so that no page can exist without being tested for who may use it.

use axum::Router;
use axum::http::{Method, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{MethodFilter, MethodRouter, on};
use tower_sessions::Session;

use super::finance as f;
use super::pages::{
    about, account as a, conversation as c, grants as g, payments as pay, purchases as p, review as r, submit,
};
use super::session;
use crate::AppState;

const STYLESHEET: &str = include_str!("../../static/octroi.css");

fn route(
    method: Method,
    path: &'static str,
    handler: MethodRouter<AppState>,
) -> (Method, &'static str, MethodRouter<AppState>) {
    (method, path, handler)
}

fn table() -> Vec<(Method, &'static str, MethodRouter<AppState>)> {
    vec![
        route(Method::GET, "/", on(MethodFilter::GET, home)),
        route(Method::GET, "/static/octroi.css", on(MethodFilter::GET, stylesheet)),
        route(Method::GET, "/login", on(MethodFilter::GET, a::login_page)),
        route(Method::POST, "/login", on(MethodFilter::POST, a::login)),
        route(Method::POST, "/logout", on(MethodFilter::POST, a::logout)),
        route(Method::GET, "/signup", on(MethodFilter::GET, a::signup_page)),
        route(Method::POST, "/signup", on(MethodFilter::POST, a::signup)),
        route(Method::GET, "/signup/done", on(MethodFilter::GET, a::signup_done)),
        route(Method::GET, "/password/forgot", on(MethodFilter::GET, a::forgot_page)),
        route(Method::POST, "/password/forgot", on(MethodFilter::POST, a::forgot)),
        route(Method::GET, "/password/reset", on(MethodFilter::GET, a::reset_page)),
        route(Method::POST, "/password/reset", on(MethodFilter::POST, a::reset)),
        route(Method::GET, "/password/change", on(MethodFilter::GET, a::change_page)),
        route(Method::POST, "/password/change", on(MethodFilter::POST, a::change)),
        route(Method::GET, "/members/invite", on(MethodFilter::GET, a::invite_member_page)),
        route(Method::POST, "/members/invite", on(MethodFilter::POST, a::invite_member)),
        route(Method::GET, "/staff/invite", on(MethodFilter::GET, a::invite_staff_page)),
        route(Method::POST, "/staff/invite", on(MethodFilter::POST, a::invite_staff)),
        route(Method::GET, "/invitations/accept", on(MethodFilter::GET, a::accept_page)),
        route(Method::POST, "/invitations/accept", on(MethodFilter::POST, a::accept)),
        route(Method::POST, "/lang", on(MethodFilter::POST, a::switch_language)),
        route(Method::GET, "/contact", on(MethodFilter::GET, about::show)),
        route(Method::GET, "/privacy", on(MethodFilter::GET, about::show)),
        route(Method::GET, "/accessibility", on(MethodFilter::GET, about::show)),
        route(Method::GET, "/dashboard", on(MethodFilter::GET, g::dashboard)),
        route(Method::POST, "/grants/new", on(MethodFilter::POST, g::start)),
        route(Method::GET, "/grants/{id}", on(MethodFilter::GET, g::show)),
        route(Method::GET, "/grants/{id}/edit", on(MethodFilter::GET, g::edit_page)),
        route(Method::POST, "/grants/{id}/edit", on(MethodFilter::POST, g::edit)),
        route(Method::GET, "/grants/{id}/submit", on(MethodFilter::GET, submit::review_page)),
        route(Method::POST, "/grants/{id}/submit", on(MethodFilter::POST, submit::submit)),
        route(Method::GET, "/grants/{id}/withdraw", on(MethodFilter::GET, g::withdraw_page)),
        route(Method::POST, "/grants/{id}/withdraw", on(MethodFilter::POST, g::withdraw)),
        route(Method::GET, "/grants/{id}/delete", on(MethodFilter::GET, g::delete_page)),
        route(Method::POST, "/grants/{id}/delete", on(MethodFilter::POST, g::delete)),
        route(Method::GET, "/grants/{id}/letter.pdf", on(MethodFilter::GET, g::letter)),
        route(Method::POST, "/grants/{id}/accept", on(MethodFilter::POST, g::accept)),
        route(
            Method::POST,
            "/grants/{id}/answer",
            on(MethodFilter::POST, c::answer).layer(axum::extract::DefaultBodyLimit::max(super::UPLOAD_LIMIT)),
        ),
        route(Method::GET, "/documents/{id}", on(MethodFilter::GET, c::download)),
        route(Method::POST, "/grants/{id}/notes", on(MethodFilter::POST, c::add_note)),
        route(Method::GET, "/finance", on(MethodFilter::GET, f::finance_page)),
        route(Method::GET, "/finance/summary.csv", on(MethodFilter::GET, f::summary_csv)),
        route(Method::GET, "/finance/ledger.csv", on(MethodFilter::GET, f::ledger_csv)),
        route(Method::GET, "/queues/{kind}", on(MethodFilter::GET, r::queue)),
        route(Method::GET, "/queues/{kind}/export.csv", on(MethodFilter::GET, r::queue_csv)),
        route(Method::POST, "/queues/{kind}/batch", on(MethodFilter::POST, r::batch)),
        route(Method::GET, "/grants/{id}/manage", on(MethodFilter::GET, r::manage_page)),
        route(Method::POST, "/grants/{id}/manage", on(MethodFilter::POST, r::manage)),
        route(Method::POST, "/grants/{id}/reviewers", on(MethodFilter::POST, r::reviewers)),
        route(Method::POST, "/grants/{id}/award", on(MethodFilter::POST, r::award)),
        route(Method::GET, "/grants/{id}/review", on(MethodFilter::GET, r::review_page)),
        route(Method::POST, "/grants/{id}/review", on(MethodFilter::POST, r::review)),
        route(Method::POST, "/grants/{id}/conflict", on(MethodFilter::POST, r::conflict)),
        route(Method::GET, "/grants/{id}/purchases", on(MethodFilter::GET, p::list)),
        route(Method::POST, "/grants/{id}/purchases", on(MethodFilter::POST, p::start)),
        route(Method::GET, "/purchases", on(MethodFilter::GET, p::queue)),
        route(Method::GET, "/purchases/{id}", on(MethodFilter::GET, p::show)),
        route(Method::GET, "/purchases/{id}/edit", on(MethodFilter::GET, p::edit_form)),
        route(Method::POST, "/purchases/{id}/edit", on(MethodFilter::POST, p::edit)),
        route(Method::POST, "/purchases/{id}/transitions", on(MethodFilter::POST, p::transition)),
        route(
            Method::POST,
            "/purchases/{id}/documents",
            on(MethodFilter::POST, p::attach).layer(axum::extract::DefaultBodyLimit::max(super::UPLOAD_LIMIT)),
        ),
        route(Method::POST, "/purchases/{id}/receipts", on(MethodFilter::POST, p::receive)),
        route(
            Method::POST,
            "/purchases/{id}/invoices",
            on(MethodFilter::POST, p::invoice).layer(axum::extract::DefaultBodyLimit::max(super::UPLOAD_LIMIT)),
        ),
        route(
            Method::POST,
            "/purchases/{id}/returns",
            on(MethodFilter::POST, p::record_return).layer(axum::extract::DefaultBodyLimit::max(super::UPLOAD_LIMIT)),
        ),
        route(Method::GET, "/payments", on(MethodFilter::GET, pay::index)),
        route(Method::POST, "/payments", on(MethodFilter::POST, pay::create)),
        route(Method::GET, "/payments/{id}", on(MethodFilter::GET, pay::show)),
        route(Method::GET, "/payments/{id}/export.csv", on(MethodFilter::GET, pay::export)),
        route(Method::POST, "/payments/{id}/lines/{line}", on(MethodFilter::POST, pay::answer)),
        route(Method::GET, "/payments/{id}/clear", on(MethodFilter::GET, pay::clear_page)),
        route(Method::POST, "/payments/{id}/clear", on(MethodFilter::POST, pay::clear)),
        route(Method::GET, "/finance/assets.csv", on(MethodFilter::GET, f::assets_csv)),
    ]
}

/// Every page route as (method, path).
pub fn page_routes() -> Vec<(Method, &'static str)> {
    table().into_iter().map(|(m, p, _)| (m, p)).collect()
}

pub fn pages() -> Router<AppState> {
    let mut by_path: Vec<(&'static str, MethodRouter<AppState>)> = Vec::new();
    for (_, path, handler) in table() {
        match by_path.iter_mut().find(|(p, _)| *p == path) {
            Some((_, existing)) => *existing = std::mem::take(existing).merge(handler),
            None => by_path.push((path, handler)),
        }
    }
    // An address octroi does not know is a page of octroi too (the problem pages render it).
    by_path
        .into_iter()
        .fold(Router::new(), |router, (path, handler)| router.route(path, handler))
        .fallback(|| async { super::problem::Problem::NoSuchRoute })
}

async fn home(session: Session) -> Redirect {
    if session::data(&session).await.user_id.is_some() { Redirect::to("/dashboard") } else { Redirect::to("/login") }
}

async fn stylesheet() -> Response {
    ([(header::CONTENT_TYPE, "text/css; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=3600")], STYLESHEET)
        .into_response()
}
