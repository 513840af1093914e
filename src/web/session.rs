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
