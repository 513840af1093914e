//! The e-mail outbox: messages are written in the same transaction as the change they announce, and a
//! worker delivers them afterwards (DESIGN.md, decision 9).

use sqlx::AnyConnection;

use super::{Db, Result, now};
use crate::domain::{GrantId, OrganismId};

/// One message to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mail {
    pub to: String,
    pub subject: String,
    pub body: String,
}

/// Someone a message goes to, with the language to write it in.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Recipient {
    pub email: String,
    pub display_name: String,
    pub language: String,
}

impl Recipient {
    pub fn language(&self) -> crate::domain::Language {
        crate::domain::Language::parse(&self.language).unwrap_or_default()
    }
}

/// Writes the message announcing an assignment to its recipient: (recipient, grant id, grant title).
pub type AssignmentMail = std::sync::Arc<dyn Fn(&Recipient, GrantId, &str) -> Mail + Send + Sync>;

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct QueuedMail {
    pub id: i64,
    pub recipient: String,
    pub subject: String,
    pub body: String,
}

/// Queues a message inside the caller's transaction.
pub(crate) async fn enqueue(conn: &mut AnyConnection, mail: &Mail) -> Result<()> {
    sqlx::query("INSERT INTO outbox (recipient, subject, body, created_at) VALUES ($1, $2, $3, $4)")
        .bind(&mail.to)
        .bind(&mail.subject)
        .bind(&mail.body)
        .bind(now())
        .execute(conn)
        .await?;
    Ok(())
}

impl Db {
    /// The members of an organism, who receive the messages about its applications.
    pub async fn organism_recipients(&self, organism_id: OrganismId) -> Result<Vec<Recipient>> {
        Ok(sqlx::query_as::<_, Recipient>(
            "SELECT email, display_name, language FROM users WHERE organism_id = $1 AND role = 'member' ORDER BY id",
        )
        .bind(organism_id)
        .fetch_all(&self.pool)
        .await?)
    }

    /// Messages not yet sent, oldest first.
    pub async fn pending_mail(&self, limit: i64) -> Result<Vec<QueuedMail>> {
        Ok(sqlx::query_as::<_, QueuedMail>(
            "SELECT id, recipient, subject, body FROM outbox WHERE sent_at IS NULL AND attempts < 10 ORDER BY id LIMIT $1",
        )
        .bind(limit)
        .fetch_all(&self.pool)
        .await?)
    }

    /// Marks one message sent, or records why it was not.
    pub async fn mail_result(&self, id: i64, error: Option<String>) -> Result<()> {
        let statement = match error {
            None => sqlx::query("UPDATE outbox SET sent_at = $1, attempts = attempts + 1 WHERE id = $2").bind(now()),
            Some(e) => sqlx::query("UPDATE outbox SET last_error = $1, attempts = attempts + 1 WHERE id = $2").bind(e),
        };
        self.write_one(statement.bind(id)).await?;
        Ok(())
    }

    /// Every message queued for one address, newest last (tests and support).
    pub async fn mail_to(&self, recipient: &str) -> Result<Vec<QueuedMail>> {
        Ok(sqlx::query_as::<_, QueuedMail>(
            "SELECT id, recipient, subject, body FROM outbox WHERE recipient = $1 ORDER BY id",
        )
        .bind(recipient)
        .fetch_all(&self.pool)
        .await?)
    }
}
