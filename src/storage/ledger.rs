//! The ledger in the database (issue 5): every operation is decided by the pure rules of
//! `domain::ledger` on the entries of its envelope and fiscal year, read inside the write transaction,
//! and appended with the running balance in that same transaction. Entries are never updated nor
//! deleted (database triggers refuse it); `verify` recomputes every balance from the entries.

use std::collections::BTreeMap;

use sqlx::AnyConnection;

use super::{Backend, Db, Result, StorageError, detached, now};
use crate::domain::ledger::{Account, Book, CommitmentLine, Entry, EntryKind, LedgerError, Operation};
use crate::domain::{EntryId, GrantId, Money, UserId};

/// One entry as exported.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ExportRow {
    pub id: EntryId,
    pub at: String,
    pub envelope: String,
    pub fiscal_year: String,
    pub category: String,
    pub grant_id: GrantId,
    pub organism: String,
    pub kind: EntryKind,
    #[sqlx(rename = "amount_cents")]
    pub amount: Money,
    pub commitment: Option<EntryId>,
    pub reverses: Option<EntryId>,
    pub actor: String,
    pub reason: String,
}

const EXPORT: &str = "SELECT l.id, l.at, l.envelope_code AS envelope, l.fiscal_year, l.category_code AS category, \
    l.grant_id, o.legal_name AS organism, l.kind, l.amount_cents, l.commitment_id AS commitment, \
    l.reverses_id AS reverses, l.actor, l.reason \
    FROM ledger_entries l JOIN grants g ON g.id = l.grant_id JOIN organisms o ON o.id = g.organism_id";

/// Who asks for an operation, why, and the request's idempotency key.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Context {
    pub actor: String,
    pub reason: String,
    pub idempotency_key: Option<String>,
    /// The purchase a spend pays (or a reversal gives back), and the day it counts on (its invoice's).
    pub purchase: Option<(crate::domain::PurchaseId, String)>,
}

type EntryRow = (EntryId, String, String, String, GrantId, EntryKind, Money, Option<EntryId>, Option<EntryId>);

const ENTRY_COLUMNS: &str =
    "id, envelope_code, fiscal_year, category_code, grant_id, kind, amount_cents, commitment_id, reverses_id";

fn entry((id, envelope, fiscal_year, category, grant_id, kind, amount, commitment, reverses): EntryRow) -> Entry {
    Entry { id, account: Account { envelope, fiscal_year, category }, grant_id, kind, amount, commitment, reverses }
}

async fn allocations(conn: &mut AnyConnection, only: Option<(&str, &str)>) -> Result<BTreeMap<(String, String), i64>> {
    let rows: Vec<(String, String, i64)> = match only {
        Some((envelope, fy)) => {
            sqlx::query_as(
                "SELECT envelope_code, fiscal_year, amount_cents FROM envelope_allocations
                 WHERE envelope_code = $1 AND fiscal_year = $2",
            )
            .bind(envelope)
            .bind(fy)
            .fetch_all(conn)
            .await?
        }
        None => {
            sqlx::query_as("SELECT envelope_code, fiscal_year, amount_cents FROM envelope_allocations")
                .fetch_all(conn)
                .await?
        }
    };
    Ok(rows.into_iter().map(|(e, fy, cents)| ((e, fy), cents)).collect())
}

/// The envelope and fiscal year an operation moves money in, and the commitment it is about.
async fn account_of(conn: &mut AnyConnection, op: &Operation) -> Result<Option<(String, String, Option<EntryId>)>> {
    let target = match op {
        Operation::Commit { account, .. } => {
            return Ok(Some((account.envelope.clone(), account.fiscal_year.clone(), None)));
        }
        Operation::Spend { commitment, .. } | Operation::Release { commitment } => *commitment,
        Operation::Reverse { entry } => *entry,
    };
    let row: Option<(String, String, EntryId, Option<EntryId>)> =
        sqlx::query_as("SELECT envelope_code, fiscal_year, id, commitment_id FROM ledger_entries WHERE id = $1")
            .bind(target)
            .fetch_optional(conn)
            .await?;
    Ok(row.map(|(envelope, fy, id, commitment)| (envelope, fy, Some(commitment.unwrap_or(id)))))
}

/// Reads, inside a write transaction, what an operation on one envelope-year needs: the running balance
/// (its row locked first on PostgreSQL, so that the operations on one envelope and year are decided one
/// after the other) and, for an operation on a commitment, that commitment with what settles or reverses
/// it. The cost does not grow with the ledger.
pub(crate) async fn book_for(
    conn: &mut AnyConnection,
    backend: Backend,
    envelope: &str,
    fy: &str,
    commitment: Option<EntryId>,
) -> Result<Book> {
    sqlx::query(
        "INSERT INTO ledger_balances (envelope_code, fiscal_year, committed_cents, spent_cents)
         SELECT $1, $2, 0, 0 WHERE EXISTS (SELECT 1 FROM envelopes WHERE code = $1)
         ON CONFLICT (envelope_code, fiscal_year) DO NOTHING",
    )
    .bind(envelope)
    .bind(fy)
    .execute(&mut *conn)
    .await?;
    let lock = if backend == Backend::Postgres { " FOR UPDATE" } else { "" };
    let (committed, spent): (i64, i64) = sqlx::query_as(&format!(
        "SELECT committed_cents, spent_cents FROM ledger_balances WHERE envelope_code = $1 AND fiscal_year = $2{lock}"
    ))
    .bind(envelope)
    .bind(fy)
    .fetch_optional(&mut *conn)
    .await?
    .unwrap_or((0, 0));
    let rows: Vec<EntryRow> = match commitment {
        Some(c) => {
            // The commitment, what settles it and what reverses it: three lookups by index (an OR of them
            // would read the envelope's whole year).
            let of = |column: &str| {
                format!(
                    "SELECT {ENTRY_COLUMNS} FROM ledger_entries
                     WHERE envelope_code = $1 AND fiscal_year = $2 AND {column} = $3"
                )
            };
            sqlx::query_as(&format!(
                "{} UNION {} UNION {} ORDER BY id",
                of("id"),
                of("commitment_id"),
                of("reverses_id")
            ))
            .bind(envelope)
            .bind(fy)
            .bind(c)
            .fetch_all(&mut *conn)
            .await?
        }
        None => Vec::new(),
    };
    let book = Book::new(allocations(&mut *conn, Some((envelope, fy))).await?, rows.into_iter().map(entry).collect());
    Ok(book.anchored((envelope.to_string(), fy.to_string()), committed, spent))
}

/// Decides an operation on its book and appends the entry with the running balance's move; the book
/// takes the entry too, so that the next operation of the same transaction sees it.
pub(crate) async fn append(
    conn: &mut AnyConnection,
    book: &mut Book,
    op: &Operation,
    context: &Context,
) -> Result<Entry> {
    let new = book.decide(op).map_err(StorageError::Ledger)?;
    let (committed, spent) = match new.kind {
        EntryKind::Commit => (new.amount.cents(), 0),
        EntryKind::Spend => (-new.amount.cents(), new.amount.cents()),
        EntryKind::Release => (-new.amount.cents(), 0),
        EntryKind::Reversal => {
            let target = book.entries().iter().find(|e| Some(e.id) == new.reverses).expect("a decided target");
            match target.kind {
                EntryKind::Commit => (-new.amount.cents(), 0),
                EntryKind::Spend => (new.amount.cents(), -new.amount.cents()),
                EntryKind::Release => (new.amount.cents(), 0),
                EntryKind::Reversal => unreachable!("reversals are not reversed"),
            }
        }
    };
    let row: EntryRow = sqlx::query_as(&format!(
        "INSERT INTO ledger_entries (envelope_code, fiscal_year, category_code, grant_id, kind, amount_cents,
           commitment_id, reverses_id, actor, reason, at, idempotency_key, purchase_id, value_date)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING {ENTRY_COLUMNS}"
    ))
    .bind(&new.account.envelope)
    .bind(&new.account.fiscal_year)
    .bind(&new.account.category)
    .bind(new.grant_id)
    .bind(new.kind.as_str())
    .bind(new.amount.cents())
    .bind(new.commitment)
    .bind(new.reverses)
    .bind(&context.actor)
    .bind(&context.reason)
    .bind(now())
    .bind(&context.idempotency_key)
    .bind(context.purchase.as_ref().map(|(p, _)| *p))
    .bind(context.purchase.as_ref().map(|(_, day)| day.clone()))
    .fetch_one(&mut *conn)
    .await?;
    sqlx::query(
        "UPDATE ledger_balances SET committed_cents = committed_cents + $1, spent_cents = spent_cents + $2
         WHERE envelope_code = $3 AND fiscal_year = $4",
    )
    .bind(committed)
    .bind(spent)
    .bind(&new.account.envelope)
    .bind(&new.account.fiscal_year)
    .execute(&mut *conn)
    .await?;
    let appended = entry(row);
    book.append(appended.id, new);
    Ok(appended)
}

/// A grant's entries, in order, as the transaction sees them.
pub(crate) async fn entries_of(conn: &mut AnyConnection, grant_id: GrantId) -> Result<Vec<Entry>> {
    let rows: Vec<EntryRow> =
        sqlx::query_as(&format!("SELECT {ENTRY_COLUMNS} FROM ledger_entries WHERE grant_id = $1 ORDER BY id"))
            .bind(grant_id)
            .fetch_all(conn)
            .await?;
    Ok(rows.into_iter().map(entry).collect())
}

impl Db {
    /// Applies one ledger operation: decided on the entries of its envelope and fiscal year, appended with
    /// the running balance, all in one transaction.
    pub async fn ledger_apply(&self, op: Operation, context: Context) -> Result<Entry> {
        let db = self.clone();
        detached(async move {
            let mut tx = db.begin_write().await?;
            let Some((envelope, fy, commitment)) = account_of(&mut tx, &op).await? else {
                return Err(StorageError::Ledger(match op {
                    Operation::Reverse { entry } => LedgerError::UnknownEntry(entry),
                    Operation::Spend { commitment, .. } | Operation::Release { commitment } => {
                        LedgerError::UnknownCommitment(commitment)
                    }
                    Operation::Commit { .. } => unreachable!("a commit names its account"),
                }));
            };
            let mut book = book_for(&mut tx, db.backend(), &envelope, &fy, commitment).await?;
            let appended = append(&mut tx, &mut book, &op, &context).await?;
            tx.commit().await?;
            Ok(appended)
        })
        .await
    }

    /// Every entry with its grant's organism, in order, for the CSV export.
    pub async fn ledger_export(&self) -> Result<Vec<ExportRow>> {
        Ok(sqlx::query_as::<_, ExportRow>(&format!("{EXPORT} ORDER BY l.id")).fetch_all(&self.pool).await?)
    }

    /// A grant's statement: each of its commitments in effect with what was spent, released and what
    /// remains, and its entries as exported, in order.
    pub async fn statement(&self, grant_id: GrantId) -> Result<(Vec<CommitmentLine>, Vec<ExportRow>)> {
        let book = Book::new(BTreeMap::new(), self.ledger_entries_of(grant_id).await?);
        let rows = sqlx::query_as::<_, ExportRow>(&format!("{EXPORT} WHERE l.grant_id = $1 ORDER BY l.id"))
            .bind(grant_id)
            .fetch_all(&self.pool)
            .await?;
        Ok((book.commitments(), rows))
    }

    /// A grant's entries, in order.
    pub async fn ledger_entries_of(&self, grant_id: GrantId) -> Result<Vec<Entry>> {
        let mut conn = self.pool.acquire().await?;
        entries_of(&mut conn, grant_id).await
    }

    /// A claimed Idempotency-Key: (user, request hash, grant, stored response).
    pub async fn idempotency(&self, key: &str) -> Result<Option<(UserId, String, GrantId, Option<String>)>> {
        Ok(sqlx::query_as("SELECT user_id, request_hash, grant_id, response FROM idempotency_keys WHERE key = $1")
            .bind(key)
            .fetch_optional(&self.pool)
            .await?)
    }

    /// Recomputes every balance from the entries and compares it with the running balances; checks
    /// every invariant. Returns what disagrees, one line each (empty when the ledger is sound).
    pub async fn ledger_verify(&self) -> Result<Vec<String>> {
        let mut conn = self.pool.acquire().await?;
        let rows: Vec<EntryRow> = sqlx::query_as(&format!("SELECT {ENTRY_COLUMNS} FROM ledger_entries ORDER BY id"))
            .fetch_all(&mut *conn)
            .await?;
        let book = Book::new(allocations(&mut conn, None).await?, rows.into_iter().map(entry).collect());
        let stored: Vec<(String, String, i64, i64)> =
            sqlx::query_as("SELECT envelope_code, fiscal_year, committed_cents, spent_cents FROM ledger_balances")
                .fetch_all(&mut *conn)
                .await?;
        let mut problems = book.violations();
        let computed = book.balances();
        for (envelope, fy, committed, spent) in &stored {
            let c = computed.get(&(envelope.clone(), fy.clone())).copied().unwrap_or_default();
            if (c.committed, c.spent) != (*committed, *spent) {
                problems.push(format!(
                    "{envelope} {fy}: the entries give committed {} and spent {}, the balance says {} and {}",
                    Money::from_cents(c.committed),
                    Money::from_cents(c.spent),
                    Money::from_cents(*committed),
                    Money::from_cents(*spent)
                ));
            }
        }
        for ((envelope, fy), c) in &computed {
            let recorded = stored.iter().any(|(e, f, _, _)| e == envelope && f == fy);
            if !recorded && (c.committed != 0 || c.spent != 0) {
                problems.push(format!("{envelope} {fy}: entries without a running balance"));
            }
        }
        Ok(problems)
    }

    /// [`Db::ledger_verify`], the purchases' holds ([`Db::holds_verify`]), and the ledger against what it
    /// must agree with outside itself: the
    /// allocations stored against the program's file (`policies/dataide.toml`), and each awarded grant's
    /// amounts (equipment, software, coaching hours at the program's rate) against the commitments in
    /// effect on it, category by category. `octroi ledger verify` runs this.
    pub async fn ledger_verify_against(&self, program: &crate::policy::Program) -> Result<Vec<String>> {
        let mut problems = self.ledger_verify().await?;
        problems.extend(self.holds_verify().await?);
        let stored: BTreeMap<(String, String), i64> =
            self.allocations().await?.into_iter().map(|(envelope, fy, cents)| ((envelope, fy), cents)).collect();
        let mut expected = BTreeMap::new();
        for e in &program.envelopes {
            for (fy, amount) in &e.allocations {
                expected.insert((e.code.clone(), fy.to_string()), amount.cents());
            }
        }
        for key in stored.keys().chain(expected.keys()).collect::<std::collections::BTreeSet<_>>() {
            let (s, e) = (stored.get(key), expected.get(key));
            if s != e {
                let show = |c: Option<&i64>| c.map(|c| Money::from_cents(*c).to_string()).unwrap_or("none".into());
                problems.push(format!(
                    "{} {}: allocated {} in the database, {} in the program's file",
                    key.0,
                    key.1,
                    show(s),
                    show(e)
                ));
            }
        }
        let awarded: Vec<(i64, i64, i64, i64)> = sqlx::query_as(
            "SELECT id, awarded_equipment_cents, awarded_software_cents, awarded_coaching_hundredths FROM grants
             WHERE awarded_at IS NOT NULL ORDER BY id",
        )
        .fetch_all(&self.pool)
        .await?;
        let committed: Vec<(i64, String, i64)> = sqlx::query_as(
            "SELECT e.grant_id, e.category_code, CAST(SUM(e.amount_cents) AS BIGINT) FROM ledger_entries e
             WHERE e.kind = 'commit' AND NOT EXISTS (SELECT 1 FROM ledger_entries r WHERE r.reverses_id = e.id)
             GROUP BY e.grant_id, e.category_code",
        )
        .fetch_all(&self.pool)
        .await?;
        let mut by_grant: BTreeMap<i64, BTreeMap<String, i64>> = BTreeMap::new();
        for (grant, category, cents) in committed {
            by_grant.entry(grant).or_default().insert(category, cents);
        }
        for (grant, equipment, software, hours) in awarded {
            let amounts = crate::domain::award::AwardAmounts {
                equipment: Money::from_cents(equipment),
                software: Money::from_cents(software),
                coaching_hours: crate::domain::Hours::from_hundredths(hours),
            };
            let commitments = by_grant.remove(&grant).unwrap_or_default();
            // Every category committed or awarded, with what the award says of it.
            let mut expected: BTreeMap<String, Money> = commitments.keys().map(|c| (c.clone(), Money::ZERO)).collect();
            for (category, amount) in amounts.by_category(program.coaching_hourly_rate) {
                expected.insert(category.to_string(), amount);
            }
            for (category, amount) in expected {
                let got = commitments.get(&category).copied().unwrap_or(0);
                if got != amount.cents() {
                    problems.push(format!(
                        "grant {grant}: awarded {amount} of {category}, its commitments hold {}",
                        Money::from_cents(got)
                    ));
                }
            }
        }
        for grant in by_grant.keys() {
            problems.push(format!("grant {grant}: commitments without an award"));
        }
        Ok(problems)
    }

    /// Allocated, committed, spent per envelope and fiscal year, recomputed from the entries.
    /// What each envelope has left in a fiscal year (allocated − committed − spent), from the running
    /// balances each entry moves: one row an envelope, however long the ledger (previews read this; the
    /// award decides again on the locked books).
    pub async fn room_in(&self, fiscal_year: &str) -> Result<BTreeMap<String, i64>> {
        let mut conn = self.pool.acquire().await?;
        let allocated = allocations(&mut conn, None).await?;
        let moved: Vec<(String, i64, i64)> = sqlx::query_as(
            "SELECT envelope_code, committed_cents, spent_cents FROM ledger_balances WHERE fiscal_year = $1",
        )
        .bind(fiscal_year)
        .fetch_all(&mut *conn)
        .await?;
        Ok(allocated
            .iter()
            .filter(|((_, fy), _)| fy == fiscal_year)
            .map(|((envelope, _), cents)| {
                let (committed, spent) =
                    moved.iter().find(|(e, ..)| e == envelope).map(|(_, c, s)| (*c, *s)).unwrap_or((0, 0));
                (envelope.clone(), cents - committed - spent)
            })
            .collect())
    }

    /// What the program awarded in `fiscal_year`: its commitments, less those reversed (a commitment
    /// spent or released stays awarded).
    pub async fn awarded_in(&self, fiscal_year: &str) -> Result<Money> {
        let cents: i64 = sqlx::query_scalar(
            "SELECT CAST(COALESCE(SUM(e.amount_cents), 0) AS BIGINT) FROM ledger_entries e
             WHERE e.kind = 'commit' AND e.fiscal_year = $1
               AND NOT EXISTS (SELECT 1 FROM ledger_entries r WHERE r.reverses_id = e.id)",
        )
        .bind(fiscal_year)
        .fetch_one(&self.pool)
        .await?;
        Ok(Money::from_cents(cents))
    }

    pub async fn ledger_balances(&self) -> Result<BTreeMap<(String, String), crate::domain::ledger::Balance>> {
        let mut conn = self.pool.acquire().await?;
        let rows: Vec<EntryRow> = sqlx::query_as(&format!("SELECT {ENTRY_COLUMNS} FROM ledger_entries ORDER BY id"))
            .fetch_all(&mut *conn)
            .await?;
        Ok(Book::new(allocations(&mut conn, None).await?, rows.into_iter().map(entry).collect()).balances())
    }
}
