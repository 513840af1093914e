//! The documents attached to grants (their bytes are in the document store, `crate::documents`) and the
//! staff's internal notes on them.

use super::{Db, Result, WriteTx, now};
use crate::domain::{GrantId, PurchaseId, UserId};

/// A document to attach, already in the store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewDocument {
    /// The purchase it belongs to (a quote, an invoice), if any: then only those who may see the
    /// grant's purchases see it.
    pub purchase_id: Option<PurchaseId>,
    pub purpose: String,
    pub sha256: String,
    pub media_type: String,
    pub file_name: String,
    pub size_bytes: i64,
    pub uploaded_by: UserId,
}

/// A document attached to a grant, with who attached it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Document {
    pub id: i64,
    pub grant_id: GrantId,
    pub purchase_id: Option<PurchaseId>,
    pub purpose: String,
    pub sha256: String,
    pub media_type: String,
    pub file_name: String,
    pub size_bytes: i64,
    pub uploaded_by: UserId,
    pub uploaded_at: String,
}

/// A staff member's note on an application, with its author's name.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Note {
    pub id: i64,
    pub author: String,
    pub body: String,
    pub created_at: String,
}

/// Attaches `document` to the grant, in the caller's transaction.
pub async fn attach(tx: &mut WriteTx, grant_id: GrantId, document: &NewDocument) -> Result<()> {
    sqlx::query(
        "INSERT INTO documents (grant_id, purpose, sha256, media_type, file_name, size_bytes, uploaded_by, uploaded_at,
           purchase_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(grant_id)
    .bind(&document.purpose)
    .bind(&document.sha256)
    .bind(&document.media_type)
    .bind(&document.file_name)
    .bind(document.size_bytes)
    .bind(document.uploaded_by)
    .bind(now())
    .bind(document.purchase_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

const COLUMNS: &str =
    "id, grant_id, purchase_id, purpose, sha256, media_type, file_name, size_bytes, uploaded_by, uploaded_at";

impl Db {
    /// A grant's own documents (not its purchases'), in the order attached.
    pub async fn documents_of(&self, grant_id: GrantId) -> Result<Vec<Document>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM documents WHERE grant_id = $1 AND purchase_id IS NULL ORDER BY id"
        ))
        .bind(grant_id)
        .fetch_all(&self.pool)
        .await?)
    }

    /// A purchase's documents, in the order attached (a replaced one stays).
    pub async fn documents_of_purchase(&self, purchase_id: PurchaseId) -> Result<Vec<Document>> {
        Ok(sqlx::query_as(&format!("SELECT {COLUMNS} FROM documents WHERE purchase_id = $1 ORDER BY id"))
            .bind(purchase_id)
            .fetch_all(&self.pool)
            .await?)
    }

    /// Attaches documents to a grant (or one of its purchases) in one transaction: all or none.
    pub async fn attach_documents(&self, grant_id: GrantId, documents: Vec<NewDocument>) -> Result<()> {
        self.write(move |tx| {
            Box::pin(async move {
                for d in &documents {
                    attach(tx, grant_id, d).await?;
                }
                Ok(())
            })
        })
        .await
    }

    /// The SHA-256 of every document recorded (what the store must keep).
    pub async fn document_hashes(&self) -> Result<std::collections::HashSet<String>> {
        let rows: Vec<String> =
            sqlx::query_scalar("SELECT DISTINCT sha256 FROM documents").fetch_all(&self.pool).await?;
        Ok(rows.into_iter().collect())
    }

    pub async fn document(&self, id: i64) -> Result<Document> {
        sqlx::query_as(&format!("SELECT {COLUMNS} FROM documents WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(super::StorageError::NotFound)
    }

    /// Adds a staff member's note to an application.
    pub async fn add_note(&self, grant_id: GrantId, author_id: UserId, body: String) -> Result<()> {
        self.grant(grant_id).await?;
        sqlx::query("INSERT INTO grant_notes (grant_id, author_id, body, created_at) VALUES ($1, $2, $3, $4)")
            .bind(grant_id)
            .bind(author_id)
            .bind(body)
            .bind(now())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// An application's internal notes, oldest first.
    pub async fn notes(&self, grant_id: GrantId) -> Result<Vec<Note>> {
        Ok(sqlx::query_as(
            "SELECT n.id, u.display_name AS author, n.body, n.created_at FROM grant_notes n
             JOIN users u ON u.id = n.author_id WHERE n.grant_id = $1 ORDER BY n.id",
        )
        .bind(grant_id)
        .fetch_all(&self.pool)
        .await?)
    }
}
