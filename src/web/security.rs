//! Controls on every request and response: security headers (errors included), and CSRF checks on every
//! state-changing request made with a session cookie.

use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
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
/// so nothing else is stored by caches. Served over https (the public URL says so), browsers are told to
/// come back only over https for a year (HSTS).
pub async fn headers(State(https): State<bool>, request: Request, next: Next) -> Response {
    let is_static = request.uri().path().starts_with("/static/");
    let mut response = next.run(request).await;
    let h = response.headers_mut();
    h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    if https {
        h.insert(header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static("max-age=31536000; includeSubDomains"));
    }
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

/// The CSRF token of a visitor who has not signed in. Storing a session for every anonymous visit would
/// let anyone fill the sessions table with `GET /login`; instead the token lives in a cookie of its own,
/// signed with octroi's key (HMAC-SHA256), and a form must send it back.
#[derive(Debug, Clone)]
pub struct AnonymousCsrf(pub String);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for AnonymousCsrf {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, _: &S) -> Result<Self, Problem> {
        parts.extensions.get::<AnonymousCsrf>().cloned().ok_or(Problem::Internal)
    }
}

/// The anonymous CSRF cookie's name and whether it is Secure (`__Host-` over https).
#[derive(Clone)]
pub struct CsrfCookie {
    pub key: std::sync::Arc<String>,
    pub secure: bool,
}

impl CsrfCookie {
    fn name(&self) -> &'static str {
        if self.secure { "__Host-octroi_csrf" } else { "octroi_csrf" }
    }

    fn sign(&self, nonce: &str) -> String {
        use hmac::Mac;
        let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(self.key.as_bytes()).expect("any key length");
        mac.update(nonce.as_bytes());
        let tag: String = mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect();
        format!("{nonce}.{tag}")
    }

    /// The token the request's cookie carries, if octroi signed it.
    fn verified(&self, request: &Request) -> Option<String> {
        let value = super::cookie(request.headers(), self.name())?.to_string();
        let (nonce, _) = value.split_once('.')?;
        constant_time_eq(&self.sign(nonce), &value).then_some(value)
    }
}

/// Gives every request the visitor's anonymous CSRF token (from their signed cookie, or a new one, then
/// set on the response when it is a page, whose forms carry it; API clients get no cookie).
pub async fn anonymous_csrf(State(cookie): State<CsrfCookie>, mut request: Request, next: Next) -> Response {
    let known = cookie.verified(&request);
    let token = known.clone().unwrap_or_else(|| cookie.sign(&crate::passwords::random_token()));
    request.extensions_mut().insert(AnonymousCsrf(token.clone()));
    let mut response = next.run(request).await;
    let is_page = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("text/html"));
    if known.is_none() && is_page {
        let secure = if cookie.secure { "; Secure" } else { "" };
        let set = format!("{}={token}; Path=/; HttpOnly; SameSite=Lax{secure}", cookie.name());
        if let Ok(value) = HeaderValue::from_str(&set) {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    response
}

/// Refuses a state-changing request unless it carries the session's CSRF token (or, for a visitor who
/// has not signed in, the token of their signed CSRF cookie), as the form field `csrf` or the
/// `X-CSRF-Token` header. Pages are always checked (a sign-in form too, against login CSRF); API calls
/// are checked when they come with a session cookie, not with a bearer token, which carries no ambient
/// authority.
pub async fn csrf(request: Request, next: Next) -> Response {
    let is_api = request.uri().path().starts_with("/api/");
    let exempt = is_api && (request.headers().contains_key(header::AUTHORIZATION) || !has_session_cookie(&request));
    if !changes_state(request.method()) || exempt {
        return next.run(request).await;
    }
    let Some(session) = request.extensions().get::<Session>().cloned() else {
        return next.run(request).await;
    };
    let data = session::data(&session).await;
    let expected = data.csrf;
    let anonymous = request.extensions().get::<AnonymousCsrf>().map(|a| a.0.clone()).unwrap_or_default();
    let matches = |sent: &str| constant_time_eq(sent, &expected) || constant_time_eq(sent, &anonymous);
    let header_token = request.headers().get("x-csrf-token").and_then(|v| v.to_str().ok()).map(String::from);
    if let Some(token) = header_token {
        return if matches(&token) { next.run(request).await } else { Problem::CsrfRejected.into_response() };
    }
    let content_type =
        request.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    if content_type.starts_with("multipart/form-data") {
        // Only a signed-in person sends files: nothing of an anonymous multipart body is read.
        if data.user_id.is_none() {
            return Problem::Unauthenticated.into_response();
        }
        // The `csrf` field comes before the files: read only up to it, then hand the handler the body whole
        // (what was read, then the rest, still under the route's own limit).
        let (parts, body) = request.into_parts();
        return match multipart_token(&content_type, body).await {
            Some((sent, body)) if matches(&sent) => next.run(Request::from_parts(parts, body)).await,
            _ => {
                tracing::warn!("CSRF token missing or wrong (multipart)");
                Problem::CsrfRejected.into_response()
            }
        };
    }
    if !content_type.starts_with("application/x-www-form-urlencoded") {
        return Problem::CsrfRejected.into_response();
    }
    let (parts, body) = request.into_parts();
    let Ok(bytes) = to_bytes(body, BODY_LIMIT).await else {
        return Problem::PayloadTooLarge.into_response();
    };
    let sent = url::form_urlencoded::parse(&bytes).find(|(k, _)| k == "csrf").map(|(_, v)| v.into_owned());
    if !sent.is_some_and(|t| matches(&t)) {
        tracing::warn!("CSRF token missing or wrong");
        return Problem::CsrfRejected.into_response();
    }
    next.run(Request::from_parts(parts, Body::from(bytes))).await
}

/// How much of a multipart body may come before its `csrf` field.
const TOKEN_PREFIX_MAX: usize = 64 * 1024;

/// The `csrf` field of a multipart body, read from its first fields (before any file and within
/// [`TOKEN_PREFIX_MAX`]), and the body whole again: the bytes read, then the rest unread.
async fn multipart_token(content_type: &str, body: Body) -> Option<(String, Body)> {
    use futures_util::StreamExt;
    let boundary = multer::parse_boundary(content_type).ok()?;
    let mut rest = body.into_data_stream();
    let mut read = Vec::new();
    loop {
        read.extend_from_slice(&rest.next().await?.ok()?);
        let prefix = axum::body::Bytes::from(read.clone());
        let once = futures_util::stream::once(async move { Ok::<_, std::convert::Infallible>(prefix) });
        let mut fields = multer::Multipart::new(once, boundary.clone());
        while let Ok(Some(field)) = fields.next_field().await {
            if field.file_name().is_some() {
                return None;
            }
            if field.name() == Some("csrf") {
                let Ok(token) = field.text().await else { break };
                let read = futures_util::stream::once(async move { Ok(axum::body::Bytes::from(read)) });
                return Some((token, Body::from_stream(read.chain(rest))));
            }
        }
        if read.len() > TOKEN_PREFIX_MAX {
            return None;
        }
    }
}

fn constant_time_eq(a: &str, b: &str) -> bool {
    a.len() == b.len() && !a.is_empty() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
