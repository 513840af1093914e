//! The two migration folders cannot drift (issue 11, item 8): both are run, and the schemas they make are
//! compared: tables, columns (type up to the dialect, nullability), primary keys, foreign keys, indexes
//! (columns, unique, partial) and what the triggers forbid. It needs both databases, so it compares when
//! the run is on PostgreSQL (`.ci/run`'s second pass) and says so otherwise.

use std::collections::BTreeSet;

use crate::common::TestDatabase;
use octroi::storage::{Backend, Db, SqliteSync};

/// One fact about a schema, comparable across dialects.
type Fact = (String, String, String);

fn int_or_text(declared: &str) -> String {
    let t = declared.to_ascii_lowercase();
    if t.contains("int") {
        "integer".into()
    } else if t.contains("text") || t.contains("char") {
        "text".into()
    } else {
        t
    }
}

async fn strings(db: &Db, sql: &str, bind: Option<&str>) -> Vec<Vec<String>> {
    let mut q = sqlx::query(sql);
    if let Some(b) = bind {
        q = q.bind(b.to_string());
    }
    use sqlx::Row;
    q.fetch_all(db.pool())
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .iter()
        .map(|row| {
            (0..row.len())
                .map(|i| row.try_get::<String, _>(i).unwrap_or_else(|_| row.get::<i64, _>(i).to_string()))
                .collect()
        })
        .collect()
}

async fn sqlite_schema(db: &Db) -> BTreeSet<Fact> {
    let mut facts = BTreeSet::new();
    let tables = strings(
        db,
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> '_sqlx_migrations'",
        None,
    )
    .await;
    for t in tables.iter().map(|r| r[0].clone()) {
        facts.insert((t.clone(), "table".into(), String::new()));
        let columns = strings(db, "SELECT name, type, \"notnull\", pk FROM pragma_table_info($1)", Some(&t)).await;
        let mut pk: Vec<(i64, String)> = Vec::new();
        for c in &columns {
            let pk_position: i64 = c[3].parse().unwrap();
            let nullable = c[2] == "0" && pk_position == 0;
            facts.insert((
                t.clone(),
                format!("column {}", c[0]),
                format!("{} {}", int_or_text(&c[1]), if nullable { "null" } else { "not null" }),
            ));
            if pk_position > 0 {
                pk.push((pk_position, c[0].clone()));
            }
        }
        pk.sort();
        facts.insert((t.clone(), "primary key".into(), pk.into_iter().map(|(_, c)| c).collect::<Vec<_>>().join(",")));
        for fk in
            strings(db, "SELECT \"table\", \"from\", COALESCE(\"to\", '') FROM pragma_foreign_key_list($1)", Some(&t))
                .await
        {
            facts.insert((t.clone(), format!("foreign key {}", fk[1]), format!("{}.{}", fk[0], fk[2])));
        }
        for index in strings(db, "SELECT name, \"unique\", origin, partial FROM pragma_index_list($1)", Some(&t)).await
        {
            if index[2] == "pk" {
                continue;
            }
            let columns = strings(db, "SELECT name FROM pragma_index_info($1) ORDER BY seqno", Some(&index[0])).await;
            let columns: Vec<String> = columns.into_iter().map(|r| r[0].clone()).collect();
            let kind = format!(
                "{}{}",
                if index[1] == "1" { "unique" } else { "index" },
                if index[3] == "1" { " partial" } else { "" }
            );
            facts.insert((t.clone(), format!("{kind} ({})", columns.join(",")), String::new()));
        }
    }
    let triggers = strings(db, "SELECT tbl_name, sql FROM sqlite_master WHERE type = 'trigger'", None).await;
    for trigger in triggers {
        let sql = trigger[1].to_ascii_uppercase();
        for op in ["UPDATE", "DELETE", "INSERT"] {
            if sql.contains(&format!("BEFORE {op} ON")) && sql.contains("RAISE(ABORT") {
                facts.insert((trigger[0].clone(), format!("forbids {}", op.to_lowercase()), String::new()));
            }
        }
    }
    facts
}

async fn postgres_schema(db: &Db) -> BTreeSet<Fact> {
    let mut facts = BTreeSet::new();
    let columns = strings(
        db,
        "SELECT table_name::text, column_name::text, data_type::text, is_nullable::text FROM information_schema.columns
         WHERE table_schema = current_schema() AND table_name <> '_sqlx_migrations'",
        None,
    )
    .await;
    for c in columns {
        facts.insert((c[0].clone(), "table".into(), String::new()));
        let nullable = if c[3] == "YES" { "null" } else { "not null" };
        facts.insert((c[0].clone(), format!("column {}", c[1]), format!("{} {nullable}", int_or_text(&c[2]))));
    }
    let keys = strings(
        db,
        "SELECT cl.relname::text, c.contype::text,
           (SELECT string_agg(a.attname::text, ',' ORDER BY k.ord) FROM unnest(c.conkey) WITH ORDINALITY k(attnum, ord)
              JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum),
           COALESCE(rcl.relname::text, ''),
           COALESCE((SELECT string_agg(a.attname::text, ',' ORDER BY k.ord) FROM unnest(c.confkey) WITH ORDINALITY k(attnum, ord)
              JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.attnum), '')
         FROM pg_constraint c JOIN pg_class cl ON cl.oid = c.conrelid JOIN pg_namespace n ON n.oid = cl.relnamespace
         LEFT JOIN pg_class rcl ON rcl.oid = c.confrelid
         WHERE n.nspname = current_schema() AND c.contype IN ('p', 'f') AND cl.relname <> '_sqlx_migrations'",
        None,
    )
    .await;
    for k in keys {
        if k[1] == "p" {
            facts.insert((k[0].clone(), "primary key".into(), k[2].clone()));
        } else {
            facts.insert((k[0].clone(), format!("foreign key {}", k[2]), format!("{}.{}", k[3], k[4])));
        }
    }
    let indexes = strings(
        db,
        "SELECT t.relname::text, ix.indisunique::text, (ix.indpred IS NOT NULL)::text,
           (SELECT string_agg(a.attname::text, ',' ORDER BY k.ord) FROM unnest(ix.indkey::int2[]) WITH ORDINALITY k(attnum, ord)
              JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum)
         FROM pg_index ix JOIN pg_class t ON t.oid = ix.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace
         WHERE n.nspname = current_schema() AND NOT ix.indisprimary AND t.relname <> '_sqlx_migrations'",
        None,
    )
    .await;
    for i in indexes {
        let kind = format!(
            "{}{}",
            if i[1] == "true" { "unique" } else { "index" },
            if i[2] == "true" { " partial" } else { "" }
        );
        facts.insert((i[0].clone(), format!("{kind} ({})", i[3]), String::new()));
    }
    let triggers = strings(
        db,
        "SELECT event_object_table::text, event_manipulation::text FROM information_schema.triggers
         WHERE trigger_schema = current_schema()",
        None,
    )
    .await;
    for t in triggers {
        facts.insert((t[0].clone(), format!("forbids {}", t[1].to_lowercase()), String::new()));
    }
    facts
}

/// What one dialect needs and the other cannot have.
const SQLITE_ONLY: &[(&str, &str)] = &[
    // INSERT OR REPLACE deletes the row it replaces: SQLite refuses it with a trigger; PostgreSQL has no
    // REPLACE (and refuses TRUNCATE with a statement trigger, which information_schema does not list).
    ("ledger_entries", "forbids insert"),
];

/// The SQLite schema as the comparison reads it, without what only SQLite has (checked still there).
async fn comparable_sqlite_schema() -> BTreeSet<Fact> {
    let dir = tempfile::tempdir().unwrap();
    let sqlite =
        Db::connect(&format!("sqlite://{}/schema.db", dir.path().display()), SqliteSync::Normal).await.unwrap();
    sqlite.migrate().await.unwrap();
    let mut lite = sqlite_schema(&sqlite).await;
    for (table, fact) in SQLITE_ONLY {
        assert!(
            lite.remove(&(table.to_string(), fact.to_string(), String::new())),
            "{table} {fact} is gone: update SQLITE_ONLY"
        );
    }
    assert!(lite.len() > 100, "the comparison reads the schema: {lite:#?}");
    lite
}

/// Compares the two migration folders' schemas. It needs a PostgreSQL server, so the comparison itself runs
/// in the PostgreSQL pass (`.ci/run` runs both); the SQLite pass checks only that the SQLite half reads the
/// schema, and says, on its standard error, that it compared nothing.
#[tokio::test]
async fn both_migration_folders_make_the_same_schema() {
    let t = TestDatabase::new().await;
    let lite = comparable_sqlite_schema().await;
    if t.backend != Backend::Postgres {
        eprintln!(
            "schema comparison: SQLite read ({} facts), not compared: needs OCTROI_TEST_DATABASE_URL",
            lite.len()
        );
        return;
    }
    let pg = postgres_schema(&t.db().await).await;
    let only_sqlite: Vec<&Fact> = lite.difference(&pg).collect();
    let only_postgres: Vec<&Fact> = pg.difference(&lite).collect();
    assert!(
        only_sqlite.is_empty() && only_postgres.is_empty(),
        "the migrations differ\nonly in migrations/sqlite: {only_sqlite:#?}\nonly in migrations/postgres: {only_postgres:#?}"
    );
}
