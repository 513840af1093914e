//! Where sessions live: a table of the application's database (tower-sessions-sqlx-store), on SQLite or
//! PostgreSQL like everything else, so that every instance sees every session.

use std::str::FromStr;
use std::time::Duration;

use axum::Router;
use sqlx::postgres::PgPoolOptions;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions};
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, SessionManagerLayer};
use tower_sessions_sqlx_store::{PostgresStore, SqliteStore};

use super::session::IDLE_MINUTES;

#[derive(Clone, Debug)]
pub enum SessionStore {
    Sqlite(SqliteStore),
    Postgres(PostgresStore),
}

impl SessionStore {
    /// Connects a small pool of its own to the application's database and creates the table if needed.
    pub async fn connect(url: &str) -> anyhow::Result<SessionStore> {
        if url.starts_with("sqlite:") {
            let options = SqliteConnectOptions::from_str(url)?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .busy_timeout(Duration::from_secs(10));
            let pool = SqlitePoolOptions::new().max_connections(16).connect_with(options).await?;
            let store = SqliteStore::new(pool);
            store.migrate().await?;
            Ok(SessionStore::Sqlite(store))
        } else {
            let pool = PgPoolOptions::new().max_connections(4).connect(url).await?;
            // The sessions table goes in the schema the application uses.
            let schema: String = sqlx::query_scalar("SELECT current_schema()").fetch_one(&pool).await?;
            let store = PostgresStore::new(pool).with_schema_name(schema).map_err(anyhow::Error::msg)?;
            store.migrate().await?;
            Ok(SessionStore::Postgres(store))
        }
    }

    /// Adds the session layer: HttpOnly, SameSite=Lax, idle expiry; Secure with the `__Host-` prefix
    /// when served over HTTPS.
    pub fn layer<S: Clone + Send + Sync + 'static>(self, router: Router<S>, secure: bool) -> Router<S> {
        let name = if secure { "__Host-octroi" } else { "octroi" };
        let expiry = Expiry::OnInactivity(tower_sessions::cookie::time::Duration::minutes(IDLE_MINUTES));
        macro_rules! with {
            ($store:expr) => {
                router.layer(
                    SessionManagerLayer::new($store)
                        .with_name(name)
                        .with_http_only(true)
                        .with_same_site(SameSite::Lax)
                        .with_secure(secure)
                        .with_path("/")
                        .with_expiry(expiry),
                )
            };
        }
        match self {
            SessionStore::Sqlite(store) => with!(store),
            SessionStore::Postgres(store) => with!(store),
        }
    }

    /// Deletes expired sessions every few minutes, until aborted.
    pub fn delete_expired_forever(&self) -> tokio::task::JoinHandle<()> {
        use tower_sessions::ExpiredDeletion;
        let store = self.clone();
        tokio::spawn(async move {
            let period = Duration::from_secs(300);
            let _ = match store {
                SessionStore::Sqlite(s) => s.continuously_delete_expired(period).await,
                SessionStore::Postgres(s) => s.continuously_delete_expired(period).await,
            };
        })
    }
}
