//! Accounts and what hangs on them: API tokens, password resets, invitations, login failures (for
//! throttling, shared by every instance on the database), and who is assigned to a grant.

use sqlx::AnyConnection;

use super::organisms::{NewOrganism, Organism, insert_organism};
use super::outbox::{Mail, enqueue};
use super::{Db, Result, StorageError, detached, is_unique_violation, now};
use crate::domain::account::{AccountRole, Attempts, Throttle};
use crate::domain::{Email, GrantId, Language, OrganismId, UserId};

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct User {
    pub id: UserId,
    pub email: Email,
    pub display_name: String,
    pub role: AccountRole,
    pub organism_id: Option<OrganismId>,
    pub password_hash: String,
    pub must_change_password: i64,
    pub language: Language,
    pub created_at: String,
    /// When the password last changed (unix milliseconds): sessions signed in before are over.
    pub password_changed_ms: i64,
}

impl User {
    pub fn role(&self) -> AccountRole {
        self.role
    }

    pub fn language(&self) -> Language {
        self.language
    }
}

/// A new account; the password is already hashed.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub email: Email,
    pub display_name: String,
    pub role: AccountRole,
    pub organism_id: Option<OrganismId>,
    pub password_hash: String,
    pub must_change_password: bool,
    pub language: Language,
}

const COLUMNS: &str = "id, email, display_name, role, organism_id, password_hash, must_change_password, language, \
                       created_at, password_changed_ms";

/// Sets a password, ending the sessions signed in before (see [`User::password_changed_ms`]).
const SET_PASSWORD: &str =
    "UPDATE users SET password_hash = $1, must_change_password = 0, password_changed_ms = $2 WHERE id = $3";

/// E-mail addresses are compared without case.
pub fn normalize_email(email: &str) -> String {
    email.trim().to_lowercase()
}

async fn insert_user(conn: &mut AnyConnection, new: &NewUser) -> Result<User> {
    let inserted = sqlx::query_as::<_, User>(&format!(
        "INSERT INTO users (email, display_name, role, organism_id, password_hash, must_change_password, language, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING {COLUMNS}"
    ))
    .bind(normalize_email(new.email.as_str()))
    .bind(&new.display_name)
    .bind(new.role.as_str())
    .bind(new.organism_id)
    .bind(&new.password_hash)
    .bind(i64::from(new.must_change_password))
    .bind(new.language.code())
    .bind(now())
    .fetch_one(conn)
    .await;
    match inserted {
        Ok(u) => Ok(u),
        Err(e) if is_unique_violation(&e) => Err(StorageError::DuplicateEmail),
        Err(e) => Err(e.into()),
    }
}

/// Why a single-use link was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkProblem {
    Unknown,
    Expired,
    Used,
}

impl Db {
    pub async fn create_user(&self, new: NewUser) -> Result<User> {
        let db = self.clone();
        detached(async move {
            let mut tx = db.begin_write().await?;
            let user = insert_user(&mut tx, &new).await?;
            tx.commit().await?;
            Ok(user)
        })
        .await
    }

    /// An organism and its first member, together or not at all.
    #[tracing::instrument(skip_all)]
    /// Registers an organism and its first member, and queues the member's welcome message, together.
    pub async fn sign_up(&self, organism: NewOrganism, mut member: NewUser, welcome: Mail) -> Result<(Organism, User)> {
        let db = self.clone();
        detached(async move {
            let mut tx = db.begin_write().await?;
            let organism = insert_organism(&mut tx, &organism).await?;
            member.organism_id = Some(organism.id);
            member.role = AccountRole::Member;
            let user = insert_user(&mut tx, &member).await?;
            enqueue(&mut tx, &welcome).await?;
            tx.commit().await?;
            Ok((organism, user))
        })
        .await
    }

    /// Queues one message on its own.
    pub async fn queue_mail(&self, mail: Mail) -> Result<()> {
        let db = self.clone();
        detached(async move {
            let mut tx = db.begin_write().await?;
            enqueue(&mut tx, &mail).await?;
            tx.commit().await?;
            Ok(())
        })
        .await
    }

    pub async fn user(&self, id: UserId) -> Result<User> {
        sqlx::query_as::<_, User>(&format!("SELECT {COLUMNS} FROM users WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StorageError::NotFound)
    }

    pub async fn user_by_email(&self, email: &str) -> Result<Option<User>> {
        Ok(sqlx::query_as::<_, User>(&format!("SELECT {COLUMNS} FROM users WHERE email = $1"))
            .bind(normalize_email(email))
            .fetch_optional(&self.pool)
            .await?)
    }

    pub async fn user_count(&self) -> Result<i64> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM users").fetch_one(&self.pool).await?)
    }

    /// Every reviewer account, by name: (id, name).
    pub async fn reviewers(&self) -> Result<Vec<(UserId, String)>> {
        Ok(sqlx::query_as("SELECT id, display_name FROM users WHERE role = 'reviewer' ORDER BY display_name, id")
            .fetch_all(&self.pool)
            .await?)
    }

    pub async fn members(&self, organism_id: OrganismId) -> Result<Vec<User>> {
        Ok(sqlx::query_as::<_, User>(&format!(
            "SELECT {COLUMNS} FROM users WHERE organism_id = $1 AND role = 'member' ORDER BY id"
        ))
        .bind(organism_id)
        .fetch_all(&self.pool)
        .await?)
    }

    pub async fn set_password(&self, user_id: UserId, password_hash: String) -> Result<()> {
        self.write_one(
            sqlx::query(SET_PASSWORD).bind(password_hash).bind(chrono::Utc::now().timestamp_millis()).bind(user_id),
        )
        .await?;
        Ok(())
    }

    pub async fn set_language(&self, user_id: UserId, language: Language) -> Result<()> {
        self.write_one(sqlx::query("UPDATE users SET language = $1 WHERE id = $2").bind(language.code()).bind(user_id))
            .await?;
        Ok(())
    }

    // --- API tokens -------------------------------------------------------------------------------

    pub async fn create_token(&self, user_id: UserId, label: &str, token_hash: String) -> Result<i64> {
        let (db, label) = (self.clone(), label.to_string());
        detached(async move {
            let mut tx = db.begin_write().await?;
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO api_tokens (user_id, token_hash, label, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
            )
            .bind(user_id)
            .bind(&token_hash)
            .bind(&label)
            .bind(now())
            .fetch_one(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok(id)
        })
        .await
    }

    /// The account behind a token that has not been revoked.
    pub async fn user_by_token(&self, token_hash: &str) -> Result<Option<User>> {
        let columns = COLUMNS.split(", ").map(|c| format!("u.{c}")).collect::<Vec<_>>().join(", ");
        Ok(sqlx::query_as::<_, User>(&format!(
            "SELECT {columns} FROM api_tokens t JOIN users u ON u.id = t.user_id
             WHERE t.token_hash = $1 AND t.revoked_at IS NULL"
        ))
        .bind(token_hash)
        .fetch_optional(&self.pool)
        .await?)
    }

    /// Revokes one token by id; false when there was no such live token.
    pub async fn revoke_token(&self, token_id: i64) -> Result<bool> {
        let revoked = self
            .write_one(
                sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
                    .bind(now())
                    .bind(token_id),
            )
            .await?;
        Ok(revoked == 1)
    }

    // --- password resets --------------------------------------------------------------------------

    /// Records a reset link and queues its e-mail, together.
    pub async fn create_password_reset(
        &self,
        user_id: UserId,
        token_hash: String,
        expires_at: String,
        mail: Mail,
    ) -> Result<()> {
        let db = self.clone();
        detached(async move {
            let mut tx = db.begin_write().await?;
            // Only the newest link works: the earlier ones are spent.
            sqlx::query("UPDATE password_resets SET used_at = $1 WHERE user_id = $2 AND used_at IS NULL")
                .bind(now())
                .bind(user_id)
                .execute(&mut *tx)
                .await?;
            sqlx::query(
                "INSERT INTO password_resets (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)",
            )
            .bind(&token_hash)
            .bind(user_id)
            .bind(now())
            .bind(&expires_at)
            .execute(&mut *tx)
            .await?;
            enqueue(&mut tx, &mail).await?;
            tx.commit().await?;
            Ok(())
        })
        .await
    }

    /// Uses a reset link once: sets the new password (ending the account's sessions), spends this link
    /// and any other, revokes the API tokens if asked; or says why not.
    pub async fn use_password_reset(
        &self,
        token_hash: String,
        password_hash: String,
        revoke_tokens: bool,
    ) -> Result<std::result::Result<User, LinkProblem>> {
        let db = self.clone();
        detached(async move {
            let mut tx = db.begin_write().await?;
            let row: Option<(i64, String, Option<String>)> =
                sqlx::query_as("SELECT user_id, expires_at, used_at FROM password_resets WHERE token_hash = $1")
                    .bind(&token_hash)
                    .fetch_optional(&mut *tx)
                    .await?;
            let at = now();
            let user_id = match row {
                None => return Ok(Err(LinkProblem::Unknown)),
                Some((_, _, Some(_))) => return Ok(Err(LinkProblem::Used)),
                Some((_, expires, None)) if expires <= at => return Ok(Err(LinkProblem::Expired)),
                Some((user_id, _, None)) => user_id,
            };
            let spent =
                sqlx::query("UPDATE password_resets SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL")
                    .bind(&at)
                    .bind(&token_hash)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
            if spent != 1 {
                return Ok(Err(LinkProblem::Used));
            }
            sqlx::query(SET_PASSWORD)
                .bind(&password_hash)
                .bind(chrono::Utc::now().timestamp_millis())
                .bind(user_id)
                .execute(&mut *tx)
                .await?;
            sqlx::query("UPDATE password_resets SET used_at = $1 WHERE user_id = $2 AND used_at IS NULL")
                .bind(&at)
                .bind(user_id)
                .execute(&mut *tx)
                .await?;
            if revoke_tokens {
                sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL")
                    .bind(&at)
                    .bind(user_id)
                    .execute(&mut *tx)
                    .await?;
            }
            let user = sqlx::query_as::<_, User>(&format!("SELECT {COLUMNS} FROM users WHERE id = $1"))
                .bind(user_id)
                .fetch_one(&mut *tx)
                .await?;
            tx.commit().await?;
            Ok(Ok(user))
        })
        .await
    }

    // --- invitations ------------------------------------------------------------------------------

    /// Records an invitation and queues its e-mail, together.
    pub async fn create_invitation(&self, invitation: NewInvitation, mail: Mail) -> Result<()> {
        let db = self.clone();
        detached(async move {
            let mut tx = db.begin_write().await?;
            sqlx::query(
                "INSERT INTO invitations (token_hash, email, role, organism_id, invited_by, created_at, expires_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(&invitation.token_hash)
            .bind(normalize_email(invitation.email.as_str()))
            .bind(invitation.role.as_str())
            .bind(invitation.organism_id)
            .bind(invitation.invited_by)
            .bind(now())
            .bind(&invitation.expires_at)
            .execute(&mut *tx)
            .await?;
            enqueue(&mut tx, &mail).await?;
            tx.commit().await?;
            Ok(())
        })
        .await
    }

    /// The invitation behind a link, if it can still be accepted: (email, role, organism).
    pub async fn invitation(
        &self,
        token_hash: &str,
    ) -> Result<std::result::Result<(String, AccountRole, Option<OrganismId>), LinkProblem>> {
        let row: Option<InvitationRow> = sqlx::query_as(
            "SELECT email, role, organism_id, expires_at, accepted_at FROM invitations WHERE token_hash = $1",
        )
        .bind(token_hash)
        .fetch_optional(&self.pool)
        .await?;
        Ok(match row {
            None => Err(LinkProblem::Unknown),
            Some(i) if i.accepted_at.is_some() => Err(LinkProblem::Used),
            Some(i) if i.expires_at <= now() => Err(LinkProblem::Expired),
            Some(i) => Ok((i.email, i.role, i.organism_id)),
        })
    }

    /// Accepts an invitation once, creating the account it offered.
    pub async fn accept_invitation(
        &self,
        token_hash: String,
        display_name: String,
        password_hash: String,
        language: Language,
    ) -> Result<std::result::Result<User, LinkProblem>> {
        let Ok((email, role, organism_id)) = self.invitation(&token_hash).await? else {
            return Ok(Err(self.invitation(&token_hash).await?.err().unwrap_or(LinkProblem::Unknown)));
        };
        let db = self.clone();
        detached(async move {
            let mut tx = db.begin_write().await?;
            let spent =
                sqlx::query("UPDATE invitations SET accepted_at = $1 WHERE token_hash = $2 AND accepted_at IS NULL")
                    .bind(now())
                    .bind(&token_hash)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
            if spent != 1 {
                return Ok(Err(LinkProblem::Used));
            }
            let new = NewUser {
                email: Email::parse(&email).map_err(|_| StorageError::NotFound)?,
                display_name,
                role,
                organism_id,
                password_hash,
                must_change_password: false,
                language,
            };
            let user = insert_user(&mut tx, &new).await?;
            tx.commit().await?;
            Ok(Ok(user))
        })
        .await
    }

    /// The secret named `name`, made (random, 32 bytes in hex) on first use and the same for every
    /// instance from then on.
    pub async fn secret(&self, name: &str) -> Result<String> {
        let (db, name) = (self.clone(), name.to_string());
        detached(async move {
            let mut tx = db.begin_write().await?;
            sqlx::query("INSERT INTO app_secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING")
                .bind(&name)
                .bind(crate::passwords::random_token())
                .execute(&mut *tx)
                .await?;
            let value = sqlx::query_scalar("SELECT value FROM app_secrets WHERE name = $1")
                .bind(&name)
                .fetch_one(&mut *tx)
                .await?;
            tx.commit().await?;
            Ok(value)
        })
        .await
    }

    // --- throttling of guesses ----------------------------------------------------------------------

    /// Claims one attempt of `account` from `client` under `throttle`, atomically: the attempts so far
    /// (failures and those still in flight) are counted and this one recorded as a failure in one write
    /// transaction, taken one at a time (SQLite's `BEGIN IMMEDIATE`; a transaction-scoped advisory lock
    /// on PostgreSQL), before the guess is checked. So that parallel guesses cannot all be checked
    /// against the same count; [`Db::attempt_succeeded`] forgets it. Also purges attempts older than a
    /// day. `Err(wait)` when the throttle says to wait.
    pub async fn claim_attempt(
        &self,
        account: &str,
        client: &str,
        throttle: Throttle,
    ) -> Result<std::result::Result<i64, chrono::Duration>> {
        let (db, account, client) = (self.clone(), normalize_email(account), client.to_string());
        detached(async move {
            let mut tx = db.begin_write().await?;
            if db.backend() == super::Backend::Postgres {
                sqlx::query("SELECT pg_advisory_xact_lock(4242002)").execute(&mut *tx).await?;
            }
            let now = chrono::Utc::now();
            let stamp = |t: chrono::DateTime<chrono::Utc>| t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
            sqlx::query("DELETE FROM login_failures WHERE at < $1")
                .bind(stamp(now - chrono::Duration::days(1)))
                .execute(&mut *tx)
                .await?;
            let since = stamp(now - throttle.window);
            let (pair, pair_latest): (i64, Option<String>) = sqlx::query_as(
                "SELECT COUNT(*), MAX(at) FROM login_failures WHERE account = $1 AND client = $2 AND at > $3",
            )
            .bind(&account)
            .bind(&client)
            .bind(&since)
            .fetch_one(&mut *tx)
            .await?;
            let count = |sql: &'static str, value: &str| {
                sqlx::query_scalar::<_, i64>(sql).bind(value.to_string()).bind(since.clone())
            };
            let tried = Attempts {
                pair,
                pair_latest: pair_latest
                    .and_then(|t| chrono::DateTime::parse_from_rfc3339(&t).ok())
                    .map(|t| t.with_timezone(&chrono::Utc)),
                account: count("SELECT COUNT(*) FROM login_failures WHERE account = $1 AND at > $2", &account)
                    .fetch_one(&mut *tx)
                    .await?,
                address: count("SELECT COUNT(*) FROM login_failures WHERE client = $1 AND at > $2", &client)
                    .fetch_one(&mut *tx)
                    .await?,
            };
            let claim = match throttle.wait(&tried, now) {
                Some(wait) => Err(wait),
                None => Ok(sqlx::query_scalar(
                    "INSERT INTO login_failures (account, client, at) VALUES ($1, $2, $3) RETURNING id",
                )
                .bind(&account)
                .bind(&client)
                .bind(stamp(now))
                .fetch_one(&mut *tx)
                .await?),
            };
            tx.commit().await?;
            Ok(claim)
        })
        .await
    }

    /// The attempt `id` was never made (the hashers were busy): it does not count.
    pub async fn forget_attempt(&self, id: i64) -> Result<()> {
        self.write_one(sqlx::query("DELETE FROM login_failures WHERE id = $1").bind(id)).await?;
        Ok(())
    }

    /// The attempt `id` succeeded: it and the earlier failures of this account from this address are
    /// forgotten.
    pub async fn attempt_succeeded(&self, id: i64, account: &str, client: &str) -> Result<()> {
        self.write_one(
            sqlx::query("DELETE FROM login_failures WHERE id = $1 OR (account = $2 AND client = $3)")
                .bind(id)
                .bind(normalize_email(account))
                .bind(client.to_string()),
        )
        .await?;
        Ok(())
    }

    /// (user, kind) of everyone assigned to a grant.
    pub async fn assignments(&self, grant_id: GrantId) -> Result<Vec<(UserId, String)>> {
        Ok(sqlx::query_as("SELECT user_id, kind FROM grant_assignments WHERE grant_id = $1")
            .bind(grant_id)
            .fetch_all(&self.pool)
            .await?)
    }

    /// The assignments of several grants at once (a list checked against the policies), as
    /// (grant, user, kind).
    pub async fn assignments_of(&self, grants: &[GrantId]) -> Result<Vec<(GrantId, UserId, String)>> {
        if grants.is_empty() {
            return Ok(Vec::new());
        }
        let marks: Vec<String> = (1..=grants.len()).map(|i| format!("${i}")).collect();
        let sql =
            format!("SELECT grant_id, user_id, kind FROM grant_assignments WHERE grant_id IN ({})", marks.join(", "));
        let mut q = sqlx::query_as(&sql);
        for g in grants {
            q = q.bind(*g);
        }
        Ok(q.fetch_all(&self.pool).await?)
    }

    /// The organisms a user declared a conflict of interest with.
    pub async fn conflicts_of(&self, user_id: UserId) -> Result<Vec<OrganismId>> {
        Ok(sqlx::query_scalar("SELECT organism_id FROM conflicts WHERE user_id = $1")
            .bind(user_id)
            .fetch_all(&self.pool)
            .await?)
    }
}

#[derive(sqlx::FromRow)]
struct InvitationRow {
    email: String,
    role: AccountRole,
    organism_id: Option<OrganismId>,
    expires_at: String,
    accepted_at: Option<String>,
}

#[derive(Debug, Clone)]
pub struct NewInvitation {
    pub token_hash: String,
    pub email: Email,
    pub role: AccountRole,
    pub organism_id: Option<OrganismId>,
    pub invited_by: UserId,
    pub expires_at: String,
}

impl Db {
    /// Why a reset link cannot be used, or `None` when it can.
    pub async fn password_reset_problem(&self, token_hash: &str) -> Result<Option<LinkProblem>> {
        let row: Option<(String, Option<String>)> =
            sqlx::query_as("SELECT expires_at, used_at FROM password_resets WHERE token_hash = $1")
                .bind(token_hash)
                .fetch_optional(&self.pool)
                .await?;
        Ok(match row {
            None => Some(LinkProblem::Unknown),
            Some((_, Some(_))) => Some(LinkProblem::Used),
            Some((expires, None)) if expires <= now() => Some(LinkProblem::Expired),
            Some(_) => None,
        })
    }
}
