//! Sessions (tower-sessions) stored in the application's database, so that every instance on the same
//! database sees the same sessions. What a session holds: the signed-in account, the CSRF token, and
//! when the sign-in happened (for the absolute lifetime).

use serde::{Deserialize, Serialize};
use tower_sessions::Session;

use crate::passwords::random_token;

/// Signed out after this long without a request.
pub const IDLE_MINUTES: i64 = 60;
/// Signed out this long after signing in, however active.
pub const ABSOLUTE_HOURS: i64 = 12;

const KEY: &str = "octroi";

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct SessionData {
    pub user_id: Option<crate::domain::UserId>,
    pub csrf: String,
    /// Unix seconds of the sign-in.
    pub signed_in_at: i64,
    /// Unix milliseconds of the sign-in: a password changed after it ends the session.
    #[serde(default)]
    pub signed_in_ms: i64,
}

fn unix_now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// The session's data. A visitor who has not signed in has none, and nothing is stored for them (their
/// CSRF token is a signed cookie: [`crate::web::security::AnonymousCsrf`]).
pub async fn data(session: &Session) -> SessionData {
    let mut data: SessionData = session.get(KEY).await.ok().flatten().unwrap_or_default();
    if data.csrf.is_empty() && data.user_id.is_some() {
        data.csrf = random_token();
        let _ = session.insert(KEY, &data).await;
    }
    if data.user_id.is_some() && unix_now() - data.signed_in_at > ABSOLUTE_HOURS * 3600 {
        tracing::info!("session reached its absolute lifetime");
        let _ = session.flush().await;
        return Box::pin(self::data(session)).await;
    }
    data
}

/// Who is signed in, as an error page shows them in its header (a page that failed still belongs to
/// octroi and to its signed-in person): name, role and the session's CSRF token (for signing out).
#[derive(Debug, Clone)]
pub struct SignedInHeader {
    pub name: String,
    pub role: crate::domain::account::AccountRole,
    pub csrf: String,
}

/// Adds [`SignedInHeader`] to a response that carries a problem, for a signed-in session.
pub async fn header_on_problems(
    axum::extract::State(state): axum::extract::State<crate::AppState>,
    session: Session,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let mut response = next.run(request).await;
    if response.extensions().get::<crate::web::problem::Problem>().is_none() {
        return response;
    }
    let data = data(&session).await;
    if let Some(user_id) = data.user_id
        && let Ok(user) = state.db.user(user_id).await
        && data.signed_in_ms >= user.password_changed_ms
    {
        let header = SignedInHeader { name: user.display_name, role: user.role, csrf: data.csrf };
        response.extensions_mut().insert(header);
    }
    response
}

/// Signs in: a new session id (so that an id known before sign-in is worthless), a new CSRF token.
pub async fn sign_in(session: &Session, user_id: crate::domain::UserId) -> Result<(), tower_sessions::session::Error> {
    session.cycle_id().await?;
    let now = chrono::Utc::now();
    let data = SessionData {
        user_id: Some(user_id),
        csrf: random_token(),
        signed_in_at: now.timestamp(),
        signed_in_ms: now.timestamp_millis(),
    };
    session.insert(KEY, &data).await
}

/// Signs out: the session is deleted from the store, so its cookie is refused from now on.
pub async fn sign_out(session: &Session) -> Result<(), tower_sessions::session::Error> {
    session.flush().await
}
