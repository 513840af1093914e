//! Controls on every request and response: security headers (errors included), and CSRF checks on every
//! state-changing request made with a session cookie.

use axum::body::{Body, to_bytes};
use axum::extract::Request;
use axum::http::{HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tower_sessions::Session;

use super::BODY_LIMIT;
use super::problem::Problem;
use super::session;

const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
                   form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'";

/// Sets the security headers on every response. Everything but the stylesheet may carry personal data,
/// so nothing else is stored by caches.
pub async fn headers(request: Request, next: Next) -> Response {
    let is_static = request.uri().path().starts_with("/static/");
    let mut response = next.run(request).await;
    let h = response.headers_mut();
    h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    if !is_static {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}

fn changes_state(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Whether the request carries a session cookie (the ambient authority CSRF abuses).
fn has_session_cookie(request: &Request) -> bool {
    request
        .headers()
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .any(|c| matches!(c.trim().split_once('='), Some(("octroi" | "__Host-octroi", _))))
}

/// Refuses a state-changing request unless it carries the session's CSRF token, as the form field `csrf`
/// or the `X-CSRF-Token` header. Pages are always checked (a sign-in form too, against login CSRF); API
/// calls are checked when they come with a session cookie, not with a bearer token, which carries no
/// ambient authority.
pub async fn csrf(request: Request, next: Next) -> Response {
    let is_api = request.uri().path().starts_with("/api/");
    let exempt = is_api && (request.headers().contains_key(header::AUTHORIZATION) || !has_session_cookie(&request));
    if !changes_state(request.method()) || exempt {
        return next.run(request).await;
    }
    let Some(session) = request.extensions().get::<Session>().cloned() else {
        return next.run(request).await;
    };
    let expected = session::data(&session).await.csrf;
    let header_token = request.headers().get("x-csrf-token").and_then(|v| v.to_str().ok()).map(String::from);
    if let Some(token) = header_token {
        return if constant_time_eq(&token, &expected) {
            next.run(request).await
        } else {
            Problem::CsrfRejected.into_response()
        };
    }
    let is_form = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        return Problem::CsrfRejected.into_response();
    }
    let (parts, body) = request.into_parts();
    let Ok(bytes) = to_bytes(body, BODY_LIMIT).await else {
        return Problem::PayloadTooLarge.into_response();
    };
    let sent = url::form_urlencoded::parse(&bytes).find(|(k, _)| k == "csrf").map(|(_, v)| v.into_owned());
    if !sent.is_some_and(|t| constant_time_eq(&t, &expected)) {
        tracing::warn!("CSRF token missing or wrong");
        return Problem::CsrfRejected.into_response();
    }
    next.run(Request::from_parts(parts, Body::from(bytes))).await
}

fn constant_time_eq(a: &str, b: &str) -> bool {
    a.len() == b.len() && !a.is_empty() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
