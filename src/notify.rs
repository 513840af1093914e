//! Delivers the outbox: through SMTP when `--smtp-url` is set (lettre), otherwise each message becomes an
//! `.eml` file under `DATA_DIR/outbox/` (lettre's file transport). Both are asynchronous; a message that
//! fails stays queued and is retried, up to ten attempts.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use lettre::message::header::ContentType;
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use tokio::sync::Notify;

use crate::config::redact_url;
use crate::storage::Db;
use crate::storage::outbox::QueuedMail;

/// The sender of every message.
pub const FROM: &str = "DATAide <noreply@octroi.local>";

/// Where messages go.
#[derive(Clone)]
pub enum Mailer {
    Files(AsyncFileTransport<Tokio1Executor>),
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
}

impl Mailer {
    /// SMTP when a URL is given (checked now, so that a typo stops the start), `.eml` files otherwise.
    pub fn new(smtp_url: Option<&str>, outbox_dir: &Path) -> anyhow::Result<Mailer> {
        match smtp_url {
            Some(url) => {
                let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                    .map_err(|e| anyhow::anyhow!("the SMTP URL {}: {e}", redact_url(url)))?
                    .timeout(Some(Duration::from_secs(30)))
                    .build();
                Ok(Mailer::Smtp(transport))
            }
            None => {
                crate::storage::private_dir(outbox_dir)
                    .map_err(|e| anyhow::anyhow!("cannot create the outbox folder {}: {e}", outbox_dir.display()))?;
                Ok(Mailer::Files(AsyncFileTransport::new(outbox_dir)))
            }
        }
    }

    async fn send(&self, mail: &QueuedMail) -> Result<(), String> {
        let message = Message::builder()
            .from(FROM.parse().map_err(|e| format!("{e}"))?)
            .to(mail.recipient.parse().map_err(|e| format!("{e}"))?)
            .subject(&mail.subject)
            .header(ContentType::TEXT_PLAIN)
            .body(mail.body.clone())
            .map_err(|e| e.to_string())?;
        match self {
            Mailer::Files(t) => t.send(message).await.map(|_| ()).map_err(|e| e.to_string()),
            Mailer::Smtp(t) => t.send(message).await.map(|_| ()).map_err(|e| e.to_string()),
        }
    }
}

/// Runs until aborted: delivers what is queued, then sleeps until woken or a minute passes.
pub async fn deliver_forever(db: Db, waker: Arc<Notify>, mailer: Mailer) {
    loop {
        if let Err(e) = deliver_pending(&db, &mailer).await {
            tracing::warn!(error = %e, "the outbox could not be delivered; retrying later");
        }
        let _ = tokio::time::timeout(Duration::from_secs(60), waker.notified()).await;
    }
}

/// Delivers every queued message once; returns how many were sent.
pub async fn deliver_pending(db: &Db, mailer: &Mailer) -> anyhow::Result<usize> {
    let mut sent = 0;
    loop {
        let batch = db.pending_mail(100).await?;
        let mut progress = false;
        for mail in &batch {
            let result = mailer.send(mail).await;
            if let Err(e) = &result {
                tracing::warn!(mail_id = mail.id, error = %e, "a message could not be sent");
            } else {
                sent += 1;
                progress = true;
            }
            db.mail_result(mail.id, result.err()).await?;
        }
        // A full batch that went out may be followed by more; a failing one waits for the next round.
        if batch.len() < 100 || !progress {
            return Ok(sent);
        }
    }
}
