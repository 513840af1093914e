//! Organisms: the community organizations that apply.

use super::{Db, Result, StorageError, detached, is_unique_violation, now};
use crate::domain::text::fold;
use crate::domain::{Email, Language, Neq, OrganismId, PostalCode, Region};

/// A new organism, every field already validated into its domain type.
#[derive(Debug, Clone)]
pub struct NewOrganism {
    pub legal_name: String,
    pub neq: Neq,
    pub region: Region,
    pub street_address: String,
    pub city: String,
    pub postal_code: PostalCode,
    pub contact_email: Email,
    pub mission_summary: String,
    pub preferred_language: Language,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Organism {
    pub id: OrganismId,
    pub legal_name: String,
    pub neq: Neq,
    pub region: Region,
    pub street_address: String,
    pub city: String,
    pub postal_code: PostalCode,
    pub contact_email: Email,
    pub mission_summary: String,
    pub preferred_language: Language,
    pub created_at: String,
    pub updated_at: String,
}

const COLUMNS: &str = "id, legal_name, neq, region, street_address, city, postal_code, contact_email, mission_summary, \
                       preferred_language, created_at, updated_at";

/// Inserts an organism inside the caller's transaction.
pub(crate) async fn insert_organism(conn: &mut sqlx::AnyConnection, new: &NewOrganism) -> Result<Organism> {
    let inserted = sqlx::query_as::<_, Organism>(&format!(
        "INSERT INTO organisms (legal_name, neq, region, street_address, city, postal_code, contact_email,
           mission_summary, preferred_language, created_at, updated_at, search_name)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10, $11) RETURNING {COLUMNS}"
    ))
    .bind(&new.legal_name)
    .bind(new.neq.as_str())
    .bind(new.region.code())
    .bind(&new.street_address)
    .bind(&new.city)
    .bind(new.postal_code.as_str())
    .bind(new.contact_email.as_str())
    .bind(&new.mission_summary)
    .bind(new.preferred_language.code())
    .bind(now())
    .bind(fold(&new.legal_name))
    .fetch_one(conn)
    .await;
    match inserted {
        Ok(o) => Ok(o),
        Err(e) if is_unique_violation(&e) => Err(StorageError::DuplicateNeq),
        Err(e) => Err(e.into()),
    }
}

impl Db {
    /// Writes the search form of the organisms' names still without one (rows from before the search
    /// existed); run when the database is opened.
    pub(crate) async fn fold_organism_names(&self) -> Result<()> {
        let unfolded: Vec<(OrganismId, String)> =
            sqlx::query_as("SELECT id, legal_name FROM organisms WHERE search_name = ''").fetch_all(&self.pool).await?;
        for (id, name) in unfolded {
            sqlx::query("UPDATE organisms SET search_name = $1 WHERE id = $2 AND search_name = ''")
                .bind(fold(&name))
                .bind(id)
                .execute(&self.pool)
                .await?;
        }
        Ok(())
    }

    #[tracing::instrument(skip_all, fields(neq = %new.neq))]
    pub async fn create_organism(&self, new: NewOrganism) -> Result<Organism> {
        let db = self.clone();
        detached(async move {
            let mut tx = db.begin_write().await?;
            let organism = insert_organism(&mut tx, &new).await?;
            tx.commit().await?;
            Ok(organism)
        })
        .await
    }

    pub async fn organism(&self, id: OrganismId) -> Result<Organism> {
        sqlx::query_as::<_, Organism>(&format!("SELECT {COLUMNS} FROM organisms WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StorageError::NotFound)
    }

    /// Organisms by id, a page at a time (`after` is the last id of the previous page).
    pub async fn organisms(&self, after: i64, limit: i64) -> Result<Vec<Organism>> {
        Ok(sqlx::query_as::<_, Organism>(&format!(
            "SELECT {COLUMNS} FROM organisms WHERE id > $1 ORDER BY id LIMIT $2"
        ))
        .bind(after)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?)
    }
}
