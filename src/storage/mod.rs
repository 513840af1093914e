//! Storage on SQLite (embedded default) and PostgreSQL through one code path: sqlx's `Any` driver runs the
//! same SQL on both (DESIGN.md, decision 1). Ids, cents and counts are BIGINT/INTEGER, times ISO text.
//!
//! Write operations run in a task of their own ([`detached`]): axum drops a handler's future when the
//! client hangs up, and a future dropped inside a transaction would leave its pooled connection
//! mid-transaction. A spawned task runs to its commit or rollback whatever the client does.

/// Reads a domain value stored as its text: a [named enum](crate::domain) by its name, or any type with
/// the function that reads it (`T => |s| …`, `None` when `s` names no value). A row naming no value of the
/// type is an error (`ColumnDecode`), never a default.
macro_rules! stored_as_text {
    ($($t:ty $(=> $parse:expr)?),+ $(,)?) => {$( stored_as_text!(@one $t, ($($parse)?)); )+};
    (@one $t:ty, ()) => { stored_as_text!(@one $t, (|s: &str| <$t>::parse(s))); };
    (@one $t:ty, ($parse:expr)) => {
        impl sqlx::Type<sqlx::Any> for $t {
            fn type_info() -> sqlx::any::AnyTypeInfo {
                <String as sqlx::Type<sqlx::Any>>::type_info()
            }
            fn compatible(ty: &sqlx::any::AnyTypeInfo) -> bool {
                <String as sqlx::Type<sqlx::Any>>::compatible(ty)
            }
        }

        impl<'r> sqlx::Decode<'r, sqlx::Any> for $t {
            fn decode(value: sqlx::any::AnyValueRef<'r>) -> Result<Self, sqlx::error::BoxDynError> {
                let parse: fn(&str) -> Option<$t> = $parse;
                let name = <String as sqlx::Decode<'r, sqlx::Any>>::decode(value)?;
                parse(&name).ok_or_else(|| format!("'{name}' is not a {}", stringify!($t)).into())
            }
        }
    };
}

stored_as_text!(
    crate::domain::ledger::EntryKind,
    crate::domain::grant::LineCategory,
    crate::domain::account::AccountRole,
    crate::domain::workflow::Role,
    crate::domain::Email => |s| crate::domain::Email::parse(s).ok(),
    crate::domain::Neq => |s| crate::domain::Neq::parse(s).ok(),
    crate::domain::Region => |s| crate::domain::Region::parse(s).ok(),
    crate::domain::PostalCode => |s| crate::domain::PostalCode::parse(s).ok(),
    crate::domain::Language => |s| crate::domain::Language::parse(s).ok(),
);

/// Reads and writes a domain value stored as an integer (an id, cents, hundredths of an hour):
/// `$t => (value → i64, i64 → value)`.
macro_rules! stored_as_integer {
    ($($t:ty => ($to:expr, $from:expr)),+ $(,)?) => {$(
        impl sqlx::Type<sqlx::Any> for $t {
            fn type_info() -> sqlx::any::AnyTypeInfo {
                <i64 as sqlx::Type<sqlx::Any>>::type_info()
            }
            fn compatible(ty: &sqlx::any::AnyTypeInfo) -> bool {
                <i64 as sqlx::Type<sqlx::Any>>::compatible(ty)
            }
        }

        impl<'q> sqlx::Encode<'q, sqlx::Any> for $t {
            fn encode_by_ref(
                &self,
                buf: &mut <sqlx::Any as sqlx::Database>::ArgumentBuffer<'q>,
            ) -> Result<sqlx::encode::IsNull, sqlx::error::BoxDynError> {
                let to: fn(&$t) -> i64 = $to;
                <i64 as sqlx::Encode<'q, sqlx::Any>>::encode_by_ref(&to(self), buf)
            }
        }

        impl<'r> sqlx::Decode<'r, sqlx::Any> for $t {
            fn decode(value: sqlx::any::AnyValueRef<'r>) -> Result<Self, sqlx::error::BoxDynError> {
                let from: fn(i64) -> $t = $from;
                Ok(from(<i64 as sqlx::Decode<'r, sqlx::Any>>::decode(value)?))
            }
        }
    )+};
}

stored_as_integer!(
    crate::domain::GrantId => (|id| id.0, crate::domain::GrantId),
    crate::domain::OrganismId => (|id| id.0, crate::domain::OrganismId),
    crate::domain::UserId => (|id| id.0, crate::domain::UserId),
    crate::domain::EntryId => (|id| id.0, crate::domain::EntryId),
    crate::domain::PurchaseId => (|id| id.0, crate::domain::PurchaseId),
    crate::domain::RunId => (|id| id.0, crate::domain::RunId),
    crate::domain::Money => (|m| m.cents(), crate::domain::Money::from_cents),
    crate::domain::Hours => (|h| h.hundredths(), crate::domain::Hours::from_hundredths),
);

pub mod accounts;
pub mod documents;
pub mod grants;
pub mod ledger;
pub mod organisms;
pub mod outbox;
pub mod payments;
pub mod program;
pub mod purchases;
pub mod queues;
pub mod records;
pub mod review;

use std::future::Future;
use std::ops::{Deref, DerefMut};
use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::migrate::Migrator;
use sqlx::{Any, AnyConnection, AnyPool, Connection, Executor, Transaction};
use tokio::sync::{Mutex, OwnedMutexGuard};
use tracing::Instrument;

use crate::domain::workflow::FireError;

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("migrations/postgres");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn of_url(url: &str) -> Option<Backend> {
        if url.starts_with("sqlite:") {
            Some(Backend::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Some(Backend::Postgres)
        } else {
            None
        }
    }
}

/// How SQLite syncs to disk. `full` (the default) makes every acknowledged write survive a power cut.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SqliteSync {
    Normal,
    #[default]
    Full,
}

impl FromStr for SqliteSync {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.to_ascii_lowercase().as_str() {
            "normal" => Ok(SqliteSync::Normal),
            "full" => Ok(SqliteSync::Full),
            _ => Err(format!("sqlite synchronous must be 'full' or 'normal', not '{s}'")),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error("not found")]
    NotFound,
    #[error("version conflict: the record is at version {current}")]
    VersionConflict { current: i64 },
    #[error("no such organism")]
    UnknownOrganism,
    #[error("an organism with this NEQ already exists")]
    DuplicateNeq,
    #[error("an account with this e-mail address already exists")]
    DuplicateEmail,
    #[error("the application can no longer be changed in state {state}")]
    NotEditable { state: String },
    #[error("the workflow refused: {error}")]
    Refused { error: FireError, missing: Vec<&'static str> },
    #[error("the reviewer is not assigned to this application")]
    NotAssigned,
    #[error("the reviewer already submitted a review of this application")]
    AlreadyReviewed,
    #[error("reviews are not accepted in state {state}")]
    NotReviewable { state: String },
    #[error("this person may not review this organism's applications (conflict of interest)")]
    ConflictOfInterest,
    #[error("this account is not a reviewer")]
    NotAReviewer,
    #[error("the effect {effect} needs its command (the proposal, the award, the signature)")]
    CommandRequired { effect: crate::domain::workflow::Effect },
    #[error("the award differs from its preview (amounts, fiscal year or split)")]
    NotAsPreviewed,
    #[error("the award cannot be made: {0}")]
    Award(crate::domain::award::AwardError),
    #[error("this Idempotency-Key was already used")]
    IdempotencyReplay { same_request: bool, grant_id: crate::domain::GrantId, response: Option<String> },
    #[error("the ledger refused: {0}")]
    Ledger(crate::domain::ledger::LedgerError),
    #[error("a receipt's lines are refused: {0:?}")]
    Receipt(Vec<(i64, crate::domain::purchase::ReceiptProblem)>),
    #[error(
        "purchase {0} cannot be put in a payment run (not verified, already in a run waiting on the bank, or its commitments cannot cover it)"
    )]
    NotPayable(crate::domain::PurchaseId),
    #[error("a return cannot give back {asked}: the purchase spent {spent} in that category")]
    ReturnTooLarge { spent: crate::domain::Money, asked: crate::domain::Money },
    /// A credit note names a serial number the purchase did not receive, or gave back already.
    #[error("serial number {0} was not received or was returned already")]
    SerialNotReturnable(String),
    #[error("this line of the payment run was already answered")]
    LineSettled,
    /// A credit note settled meanwhile, or kept back by a payment run's line.
    #[error("this credit note was settled already or a payment run keeps it back")]
    ReturnSettled,
    #[error("this invoice number was already recorded for this vendor")]
    DuplicateInvoice,
    #[error("an invoice is dated from the award ({awarded}) to today")]
    InvoiceDate { awarded: String },
    #[error("the bourse lacks room in {} categories", .0.len())]
    NoRoom(Vec<crate::domain::purchase::Shortfall>),
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
    #[error("a storage task stopped: {0}")]
    Task(#[from] tokio::task::JoinError),
}

pub type Result<T, E = StorageError> = std::result::Result<T, E>;

impl StorageError {
    /// An award's refusal: a lack of room is the ledger's refusal in the award's fiscal year (how much is
    /// missing), any other stays the award's.
    pub fn of_award(e: crate::domain::award::AwardError, fiscal_year: &str) -> StorageError {
        match e {
            crate::domain::award::AwardError::Insufficient { envelope, available, missing, .. } => {
                StorageError::Ledger(crate::domain::ledger::LedgerError::InsufficientFunds {
                    envelope,
                    fiscal_year: fiscal_year.to_string(),
                    available,
                    missing,
                })
            }
            other => StorageError::Award(other),
        }
    }
}

/// Replaces a record's lines (an application's, a purchase's) in `table`, whose `key` column names the
/// record: category, description, quantity and unit price, by position from 1.
pub(crate) async fn replace_lines(
    conn: &mut sqlx::AnyConnection,
    table: &str,
    key: &str,
    id: i64,
    lines: &[crate::domain::grant::Line],
) -> Result<()> {
    sqlx::query(&format!("DELETE FROM {table} WHERE {key} = $1")).bind(id).execute(&mut *conn).await?;
    let insert = format!(
        "INSERT INTO {table} ({key}, position, category, description, quantity, unit_price_cents)
         VALUES ($1, $2, $3, $4, $5, $6)"
    );
    for (position, line) in (1i64..).zip(lines) {
        sqlx::query(&insert)
            .bind(id)
            .bind(position)
            .bind(line.category.as_str())
            .bind(&line.description)
            .bind(line.quantity)
            .bind(line.unit_price.cents())
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// The application's database.
#[derive(Clone, Debug)]
pub struct Db {
    pool: AnyPool,
    backend: Backend,
    /// SQLite has one writer at a time. Queueing writers here, in order, instead of letting them wait
    /// on SQLite's lock (which retries by sleeping) keeps the write latency's tail short. Other
    /// processes on the same file (the CLI) still wait on the lock, bounded by `busy_timeout`.
    write_gate: Option<Arc<Mutex<()>>>,
    /// How many grants each state holds, program-wide, reused for a moment (see `queues`).
    state_counts: Arc<std::sync::Mutex<queues::StateCounts>>,
}

/// A write transaction; on SQLite it also holds the process's write turn until it ends. Dereferences to
/// the connection, so queries take `&mut *tx`. Storage's `…_in` functions work inside one, so that a use
/// case made of several steps commits them together or not at all ([`Db::write`]).
pub struct WriteTx {
    tx: Transaction<'static, Any>,
    _turn: Option<OwnedMutexGuard<()>>,
    backend: Backend,
    /// Some record changed state: the cached counts per state are stale once this commits.
    pub(crate) states_changed: bool,
}

impl WriteTx {
    pub async fn commit(self) -> Result<()> {
        Ok(self.tx.commit().await?)
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }
}

/// The work [`Db::write`] runs: a closure given the transaction, returning a boxed future that borrows it
/// (`|tx| Box::pin(async move { … })`).
pub type TxFuture<'t, T, E> = std::pin::Pin<Box<dyn Future<Output = std::result::Result<T, E>> + Send + 't>>;

impl Deref for WriteTx {
    type Target = AnyConnection;
    fn deref(&self) -> &AnyConnection {
        &self.tx
    }
}

impl DerefMut for WriteTx {
    fn deref_mut(&mut self) -> &mut AnyConnection {
        &mut self.tx
    }
}

impl Db {
    /// Connects (creating the SQLite file and its folder when needed); does not migrate.
    pub async fn connect(url: &str, sqlite_sync: SqliteSync) -> anyhow::Result<Db> {
        install_default_drivers();
        let backend = Backend::of_url(url)
            .ok_or_else(|| anyhow::anyhow!("unsupported database URL: use sqlite://PATH or postgres://…"))?;
        let url = match backend {
            Backend::Sqlite => sqlite_url_creating_folder(url)?,
            Backend::Postgres => url.to_string(),
        };
        let sync = match sqlite_sync {
            SqliteSync::Full => "FULL",
            SqliteSync::Normal => "NORMAL",
        };
        // One direct attempt first: a wrong host or password fails at once with its reason, instead of
        // being retried until the pool's acquire timeout.
        let probe = tokio::time::timeout(Duration::from_secs(10), AnyConnection::connect(&url))
            .await
            .map_err(|_| anyhow::anyhow!("cannot open the database: no answer within 10 s"))?
            .map_err(|e| anyhow::anyhow!("cannot open the database: {e}"))?;
        probe.close().await?;
        let pool = AnyPoolOptions::new()
            .max_connections(if backend == Backend::Sqlite { 32 } else { 16 })
            .acquire_timeout(Duration::from_secs(30))
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        // busy_timeout first: switching to WAL itself needs the lock when another
                        // connection is opening the file at the same moment.
                        conn.execute("PRAGMA busy_timeout = 10000").await?;
                        conn.execute("PRAGMA journal_mode = WAL").await?;
                        conn.execute("PRAGMA foreign_keys = ON").await?;
                        conn.execute(format!("PRAGMA synchronous = {sync}").as_str()).await?;
                        // Reads through a shared memory map instead of a read() into each connection's
                        // own cache: the queues read many index pages, from many connections at once.
                        conn.execute("PRAGMA mmap_size = 268435456").await?;
                    }
                    Ok(())
                })
            })
            .connect(&url)
            .await
            .map_err(|e| anyhow::anyhow!("cannot open the database: {e}"))?;
        let write_gate = (backend == Backend::Sqlite).then(|| Arc::new(Mutex::new(())));
        Ok(Db { pool, backend, write_gate, state_counts: Default::default() })
    }

    pub async fn migrate(&self) -> Result<()> {
        let migrator = match self.backend {
            Backend::Sqlite => &SQLITE_MIGRATIONS,
            Backend::Postgres => &POSTGRES_MIGRATIONS,
        };
        migrator.run(&self.pool).await?;
        self.fold_organism_names().await?;
        self.key_invoices().await
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// A transaction that will write. On SQLite it takes the write lock at once (`BEGIN IMMEDIATE`): a
    /// deferred transaction that later writes fails with "database is locked" under concurrency.
    pub async fn begin_write(&self) -> Result<WriteTx> {
        let turn = match &self.write_gate {
            Some(gate) => Some(gate.clone().lock_owned().await),
            None => None,
        };
        let statement = match self.backend {
            Backend::Sqlite => "BEGIN IMMEDIATE",
            Backend::Postgres => "BEGIN",
        };
        let tx = self.pool.begin_with(statement).await?;
        Ok(WriteTx { tx, _turn: turn, backend: self.backend, states_changed: false })
    }

    /// Runs one unit of work in one write transaction: commits if `work` succeeds, rolls back everything
    /// it wrote if any of its steps fails. Detached (see the module's documentation): a client hanging up
    /// cannot stop it halfway.
    pub async fn write<T, E, F>(&self, work: F) -> std::result::Result<T, E>
    where
        T: Send + 'static,
        E: From<StorageError> + Send + 'static,
        F: for<'t> FnOnce(&'t mut WriteTx) -> TxFuture<'t, T, E> + Send + 'static,
    {
        let db = self.clone();
        let unit = async move {
            let mut tx = db.begin_write().await?;
            let out = work(&mut tx).await?;
            let states_changed = tx.states_changed;
            tx.commit().await?;
            if states_changed {
                db.state_changed();
            }
            Ok(out)
        };
        match tokio::spawn(unit.instrument(tracing::Span::current())).await {
            Ok(out) => out,
            Err(e) => Err(StorageError::Task(e).into()),
        }
    }

    /// Runs one statement as a unit of work of its own (a detached write transaction) and returns the
    /// number of rows it changed. The statement's values must be owned.
    pub async fn write_one(
        &self,
        statement: sqlx::query::Query<'static, Any, sqlx::any::AnyArguments<'static>>,
    ) -> Result<u64> {
        self.write(move |tx| Box::pin(async move { Ok(statement.execute(&mut **tx).await?.rows_affected()) })).await
    }

    pub async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// Creates a folder for octroi's own files (the data folder, the outbox) that only the service's user
/// may read: mode 0700 for every folder it creates (folders that exist are left as they are).
pub fn private_dir(path: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(path)
}

/// Makes `sqlite://data/octroi.db` openable on a fresh machine: creates the folder (0700) and the file for
/// the service's user only (0600; SQLite gives its WAL and shared-memory files the database's mode), and
/// asks SQLite to create it otherwise (`mode=rwc`).
fn sqlite_url_creating_folder(url: &str) -> anyhow::Result<String> {
    let rest = url.trim_start_matches("sqlite://").trim_start_matches("sqlite:");
    let path = rest.split('?').next().unwrap_or_default();
    if path.is_empty() || path == ":memory:" || path.starts_with("file:") {
        return Ok(url.to_string());
    }
    if let Some(parent) = Path::new(path).parent().filter(|p| !p.as_os_str().is_empty()) {
        private_dir(parent).map_err(|e| anyhow::anyhow!("cannot create the data folder {}: {e}", parent.display()))?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(false);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path).map_err(|e| anyhow::anyhow!("cannot create the database file {path}: {e}"))?;
    Ok(if url.contains("mode=") {
        url.to_string()
    } else if url.contains('?') {
        format!("{url}&mode=rwc")
    } else {
        format!("{url}?mode=rwc")
    })
}

/// Runs a unit of work to completion even if the caller is dropped (see the module's documentation),
/// inside the caller's tracing span so that its log lines keep the request id.
pub async fn detached<T, F>(work: F) -> Result<T>
where
    F: Future<Output = Result<T>> + Send + 'static,
    T: Send + 'static,
{
    tokio::spawn(work.instrument(tracing::Span::current())).await?
}

/// Now, as stored: ISO-8601 UTC with milliseconds, which sorts as text.
pub fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// Whether an error is a unique-constraint violation, on either database.
pub(crate) fn is_unique_violation(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::Database(db) => db.is_unique_violation(),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_urls_get_create_mode() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}/sub/octroi.db", dir.path().display());
        assert_eq!(sqlite_url_creating_folder(&url).unwrap(), format!("{url}?mode=rwc"));
        assert!(dir.path().join("sub").is_dir());
        assert_eq!(sqlite_url_creating_folder("sqlite::memory:").unwrap(), "sqlite::memory:");
    }

    #[test]
    fn backends_by_scheme() {
        assert_eq!(Backend::of_url("sqlite://x.db"), Some(Backend::Sqlite));
        assert_eq!(Backend::of_url("postgres://u@h/db"), Some(Backend::Postgres));
        assert_eq!(Backend::of_url("postgresql://u@h/db"), Some(Backend::Postgres));
        assert_eq!(Backend::of_url("mysql://u@h/db"), None);
    }
}
