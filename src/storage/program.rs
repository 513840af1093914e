//! Mirrors `policies/dataide.toml` into the database so that reports and the ledger can join on it. The
//! sync is idempotent: running it twice, or on every start, leaves the same rows.

use sqlx::Row;

use super::{Db, Result, detached, now};
use crate::policy::Program;

impl Db {
    #[tracing::instrument(skip_all, fields(program = %program.code))]
    pub async fn sync_program(&self, program: &Program) -> Result<()> {
        let db = self.clone();
        let program = program.clone();
        detached(async move {
            let mut tx = db.begin_write().await?;
            sqlx::query(
                "INSERT INTO program (code, name, operator, bourse_cap_cents, coaching_hourly_rate_cents, synced_at)
                 VALUES ($1, $2, $3, $4, $5, $6)
                 ON CONFLICT (code) DO UPDATE SET name = excluded.name, operator = excluded.operator,
                   bourse_cap_cents = excluded.bourse_cap_cents,
                   coaching_hourly_rate_cents = excluded.coaching_hourly_rate_cents, synced_at = excluded.synced_at",
            )
            .bind(&program.code)
            .bind(&program.name)
            .bind(&program.operator)
            .bind(program.bourse_cap.cents())
            .bind(program.coaching_hourly_rate.cents())
            .bind(now())
            .execute(&mut *tx)
            .await?;
            sqlx::query("DELETE FROM program WHERE code <> $1").bind(&program.code).execute(&mut *tx).await?;

            sqlx::query("DELETE FROM program_targets").execute(&mut *tx).await?;
            for (code, target) in program.targets.pairs() {
                sqlx::query("INSERT INTO program_targets (code, target) VALUES ($1, $2)")
                    .bind(code)
                    .bind(target)
                    .execute(&mut *tx)
                    .await?;
            }

            // Child rows are rewritten; envelopes and categories are upserted so that rows referring to
            // them later (the ledger) keep their keys.
            sqlx::query("DELETE FROM category_envelopes").execute(&mut *tx).await?;
            sqlx::query("DELETE FROM envelope_allocations").execute(&mut *tx).await?;
            for e in &program.envelopes {
                sqlx::query(
                    "INSERT INTO envelopes (code, name_fr, name_en, total_cents) VALUES ($1, $2, $3, $4)
                     ON CONFLICT (code) DO UPDATE SET name_fr = excluded.name_fr, name_en = excluded.name_en,
                       total_cents = excluded.total_cents",
                )
                .bind(&e.code)
                .bind(&e.name_fr)
                .bind(&e.name_en)
                .bind(e.total.cents())
                .execute(&mut *tx)
                .await?;
                for (fy, amount) in &e.allocations {
                    sqlx::query("INSERT INTO envelope_allocations (envelope_code, fiscal_year, amount_cents) VALUES ($1, $2, $3)")
                        .bind(&e.code)
                        .bind(fy.to_string())
                        .bind(amount.cents())
                        .execute(&mut *tx)
                        .await?;
                }
            }
            for c in &program.categories {
                sqlx::query(
                    "INSERT INTO expense_categories (code, name_fr, name_en) VALUES ($1, $2, $3)
                     ON CONFLICT (code) DO UPDATE SET name_fr = excluded.name_fr, name_en = excluded.name_en",
                )
                .bind(&c.code)
                .bind(&c.name_fr)
                .bind(&c.name_en)
                .execute(&mut *tx)
                .await?;
                for (priority, env) in (1i64..).zip(&c.envelopes) {
                    sqlx::query("INSERT INTO category_envelopes (category_code, envelope_code, priority) VALUES ($1, $2, $3)")
                        .bind(&c.code)
                        .bind(env)
                        .bind(priority)
                        .execute(&mut *tx)
                        .await?;
                }
            }
            let categories: Vec<&str> = program.categories.iter().map(|c| c.code.as_str()).collect();
            let envelopes: Vec<&str> = program.envelopes.iter().map(|e| e.code.as_str()).collect();
            delete_absent(&mut tx, "expense_categories", &categories).await?;
            delete_absent(&mut tx, "envelopes", &envelopes).await?;
            tx.commit().await?;
            Ok(())
        })
        .await
    }

    /// (envelope, fiscal year, allocated cents) as stored, for checks and reports.
    pub async fn allocations(&self) -> Result<Vec<(String, String, i64)>> {
        let rows = sqlx::query("SELECT envelope_code, fiscal_year, amount_cents FROM envelope_allocations ORDER BY envelope_code, fiscal_year")
            .fetch_all(&self.pool)
            .await?;
        Ok(rows.iter().map(|r| (r.get(0), r.get(1), r.get(2))).collect())
    }
}

/// Deletes the rows of a code-keyed table whose code the file no longer has.
async fn delete_absent(conn: &mut sqlx::AnyConnection, table: &str, keep: &[&str]) -> Result<()> {
    let existing: Vec<String> = sqlx::query_scalar(&format!("SELECT code FROM {table}")).fetch_all(&mut *conn).await?;
    for code in existing.iter().filter(|c| !keep.contains(&c.as_str())) {
        sqlx::query(&format!("DELETE FROM {table} WHERE code = $1")).bind(code).execute(&mut *conn).await?;
    }
    Ok(())
}
