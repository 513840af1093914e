//! Delivers the outbox: by default each message becomes an `.eml` file under `DATA_DIR/outbox/`
//! (lettre's file transport); a message that fails stays queued and is retried.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use lettre::message::header::ContentType;
use lettre::{FileTransport, Message, Transport};
use tokio::sync::Notify;

use crate::storage::Db;

/// The sender of every message.
pub const FROM: &str = "DATAide <noreply@octroi.local>";

/// Runs until aborted: delivers what is queued, then sleeps until woken or a minute passes.
pub async fn deliver_forever(db: Db, waker: Arc<Notify>, dir: PathBuf) {
    loop {
        if let Err(e) = deliver_pending(&db, &dir).await {
            tracing::warn!(error = %e, "the outbox could not be delivered; retrying later");
        }
        let _ = tokio::time::timeout(Duration::from_secs(60), waker.notified()).await;
    }
}

/// Delivers every queued message once; returns how many were sent.
pub async fn deliver_pending(db: &Db, dir: &std::path::Path) -> anyhow::Result<usize> {
    std::fs::create_dir_all(dir)?;
    let transport = FileTransport::new(dir);
    let mut sent = 0;
    for mail in db.pending_mail(100).await? {
        let result = Message::builder()
            .from(FROM.parse()?)
            .to(mail.recipient.parse()?)
            .subject(&mail.subject)
            .header(ContentType::TEXT_PLAIN)
            .body(mail.body.clone())
            .map_err(|e| e.to_string())
            .and_then(|message| {
                let transport = transport.clone();
                transport.send(&message).map(|_| ()).map_err(|e| e.to_string())
            });
        if result.is_ok() {
            sent += 1;
        }
        db.mail_result(mail.id, result.err()).await?;
    }
    Ok(sent)
}
