//! Purchases (issue 13): the request, its place in the purchase workflow, its history, and the holds its
//! approval places on the bourse. State changes happen only in [`fire`], like a grant's: the engine
//! decides, the step and its effects are written in the caller's transaction, guarded by the version.
//!
//! Holds are append-only rows (`purchase_holds`): approving places one per category the purchase costs,
//! after lifting the purchase's earlier hold; what a bourse has left in a category is what its
//! commitments hold, less what was spent, less what is held, decided with the grant's row locked (on
//! PostgreSQL; SQLite writes one at a time) so that two approvals never share the same room.

use std::collections::{BTreeMap, BTreeSet};

use sqlx::AnyConnection;

use super::ledger::{Context, append, book_for};
use super::outbox::{Mail, enqueue};
use super::records::{self, Kind, Record};
use super::{Backend, Db, Result, StorageError, WriteTx, detached, now};
use crate::domain::grant::{Line, LineCategory};
use crate::domain::ledger::{Book, LedgerError, Operation};
use crate::domain::purchase::{self, GuardFacts, Payable, ReceiptLine, Request, Room, Tolerance, Vendor};
use crate::domain::tax::BoursePays;
use crate::domain::text::key;
use crate::domain::workflow::{Effect, FireError, Guard, Workflow};
use crate::domain::{Actor, EntryId, GrantId, Money, OrganismId, PurchaseId, UserId};

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Purchase {
    pub id: PurchaseId,
    pub grant_id: GrantId,
    pub organism_id: OrganismId,
    pub state: String,
    pub version: i64,
    pub vendor_name: String,
    pub vendor_gst: String,
    pub vendor_qst: String,
    pub justification: String,
    /// What the lines cost, as last saved.
    #[sqlx(flatten)]
    pub costs: Costs,
    pub created_by: UserId,
    pub created_at: String,
    pub updated_at: String,
    pub state_entered_at: String,
    pub ordered_at: Option<String>,
    #[sqlx(skip)]
    pub lines: Vec<Line>,
}

impl Purchase {
    pub fn request(&self) -> Request {
        Request {
            vendor: Vendor {
                name: self.vendor_name.clone(),
                gst_number: self.vendor_gst.clone(),
                qst_number: self.vendor_qst.clone(),
            },
            justification: self.justification.clone(),
            lines: self.lines.clone(),
        }
    }
}

/// What a request or an invoice costs, as stored: the price before taxes, each tax on the total, the
/// rebate, and what the bourse pays (the program's setting), in all and per category.
#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::FromRow)]
pub struct Costs {
    #[sqlx(rename = "price_cents")]
    pub price: Money,
    #[sqlx(rename = "gst_cents")]
    pub gst: Money,
    #[sqlx(rename = "qst_cents")]
    pub qst: Money,
    #[sqlx(rename = "rebate_cents")]
    pub rebate: Money,
    /// What the bourse pays.
    #[sqlx(rename = "cost_cents")]
    pub cost: Money,
    #[sqlx(rename = "equipment_cost_cents")]
    pub equipment_cost: Money,
    #[sqlx(rename = "software_cost_cents")]
    pub software_cost: Money,
}

impl Costs {
    pub fn of(cost: &purchase::Cost) -> Costs {
        Costs {
            price: cost.taxes.price,
            gst: cost.taxes.gst,
            qst: cost.taxes.qst,
            rebate: cost.rebate.total(),
            cost: cost.to_bourse(),
            equipment_cost: cost.of_category(LineCategory::Equipment),
            software_cost: cost.of_category(LineCategory::Software),
        }
    }

    /// What the bourse pays, by category (those with an amount).
    pub fn by_category(&self) -> Vec<(LineCategory, Money)> {
        [(LineCategory::Equipment, self.equipment_cost), (LineCategory::Software, self.software_cost)]
            .into_iter()
            .filter(|(_, m)| *m > Money::ZERO)
            .collect()
    }

    /// The seven columns, in the order of [`COST_COLUMNS`].
    fn values(&self) -> [i64; 7] {
        [self.price, self.gst, self.qst, self.rebate, self.cost, self.equipment_cost, self.software_cost]
            .map(|m| m.cents())
    }
}

const COST_COLUMNS: &str =
    "price_cents, gst_cents, qst_cents, rebate_cents, cost_cents, equipment_cost_cents, software_cost_cents";

const COLUMNS: &str = "id, grant_id, organism_id, state, version, vendor_name, vendor_gst, vendor_qst, justification, \
    price_cents, gst_cents, qst_cents, rebate_cents, cost_cents, equipment_cost_cents, software_cost_cents, \
    created_by, created_at, updated_at, state_entered_at, ordered_at";

/// Binds the seven cost columns in order.
fn bind_costs<'q>(
    mut query: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    costs: &Costs,
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    for cents in costs.values() {
        query = query.bind(cents);
    }
    query
}

/// How the program pays for purchases, as the storage needs it.
#[derive(Debug, Clone)]
pub struct Rules {
    pub pays: BoursePays,
    pub tolerance: Tolerance,
    pub quotes_above: Money,
    pub quotes_required: usize,
    /// The grant states in which a bourse may be spent (the grant workflow's `spending` queue).
    pub spending: Vec<String>,
    /// Each category's envelopes, in the order they pay.
    pub payers: BTreeMap<String, Vec<String>>,
    /// Whom the bourse pays: the organism (its returns are owed back) or the vendor.
    pub mode: crate::domain::purchase::PaymentMode,
}

impl Rules {
    pub fn of(program: &crate::policy::Program, grant_workflow: &Workflow) -> Rules {
        let p = &program.purchases;
        Rules {
            pays: p.taxes,
            tolerance: p.tolerance,
            quotes_above: p.quotes_above,
            quotes_required: p.quotes_required,
            spending: grant_workflow.queue(crate::domain::workflow::Queue::Spending).to_vec(),
            payers: program.categories.iter().map(|c| (c.code.clone(), c.envelopes.clone())).collect(),
            mode: p.payment,
        }
    }

    fn quotes_needed(&self, price: Money) -> usize {
        if price >= self.quotes_above { self.quotes_required } else { 0 }
    }
}

/// One event to fire on a purchase, with what goes with it.
#[derive(Debug, Clone, Default)]
pub struct Firing {
    pub event: String,
    pub reason: String,
    /// Messages that announce the change, queued in its transaction.
    pub mails: Vec<Mail>,
    /// What the effect that needs one applies (a receipt, an invoice).
    pub command: Option<Command>,
}

/// The input of the purchase effects that take one, carried with the event.
#[derive(Debug, Clone)]
pub enum Command {
    /// `record_receipt`: units received, line by line, with serial numbers.
    Receipt { by: UserId, lines: Vec<ReceiptLine> },
    /// `record_invoice`: the vendor's invoice and its documents.
    Invoice(Box<InvoiceInput>),
    /// `record_return`: the vendor's credit note.
    Return(Box<ReturnInput>),
    /// `answer_run_line`: the bank's answer for the payment run's line that lists the purchase.
    RunLine(super::payments::Answer),
}

impl Command {
    fn effect(&self) -> Effect {
        match self {
            Command::Receipt { .. } => Effect::RecordReceipt,
            Command::Invoice(_) => Effect::RecordInvoice,
            Command::Return(_) => Effect::RecordReturn,
            Command::RunLine(_) => Effect::AnswerRunLine,
        }
    }
}

/// A vendor's invoice as the member records it: its number and date (`2026-11-30`), each line as
/// invoiced (by position from 1: quantity, unit price before taxes), and its documents (the invoice, and
/// the proof of payment when the bourse reimburses the organism).
#[derive(Debug, Clone)]
pub struct InvoiceInput {
    pub by: UserId,
    pub number: String,
    pub date: String,
    pub lines: Vec<(i64, i64, Money)>,
    pub documents: Vec<super::documents::NewDocument>,
}

/// A credit note after a return to the vendor: its number, the category of what was returned, its
/// amount before taxes, and its document.
#[derive(Debug, Clone)]
pub struct ReturnInput {
    pub by: UserId,
    pub number: String,
    pub category: LineCategory,
    pub price: Money,
    /// The serial numbers of the units given back (equipment), each received and not yet returned.
    pub serials: Vec<String>,
    pub documents: Vec<super::documents::NewDocument>,
}

/// An invoice as recorded.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Invoice {
    pub id: i64,
    pub number: String,
    pub invoice_date: String,
    #[sqlx(flatten)]
    pub costs: Costs,
    pub submitted_at: String,
}

/// The purchase's invoice in effect (the last one not refused), if any.
pub async fn invoice_in(conn: &mut AnyConnection, id: PurchaseId) -> Result<Option<Invoice>> {
    Ok(sqlx::query_as(&format!(
        "SELECT id, number, invoice_date, {COST_COLUMNS}, submitted_at
             FROM purchase_invoices WHERE purchase_id = $1 AND refused_at IS NULL ORDER BY id DESC LIMIT 1"
    ))
    .bind(id)
    .fetch_optional(conn)
    .await?)
}

/// What each line (by position from 1) received so far.
async fn received(conn: &mut AnyConnection, p: &Purchase) -> Result<Vec<i64>> {
    let rows: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT position, CAST(SUM(quantity) AS BIGINT) FROM purchase_receipts WHERE purchase_id = $1 GROUP BY position",
    )
    .bind(p.id)
    .fetch_all(conn)
    .await?;
    Ok((1..=p.lines.len() as i64).map(|pos| rows.iter().find(|(q, _)| *q == pos).map_or(0, |(_, n)| *n)).collect())
}

/// What an invoice costs the bourse, its lines priced as invoiced under the purchase's categories.
fn invoice_cost(p: &Purchase, input: &InvoiceInput, pays: BoursePays) -> Result<purchase::Cost> {
    let mut lines = Vec::new();
    for (position, quantity, unit_price) in &input.lines {
        let line = usize::try_from(*position - 1).ok().and_then(|i| p.lines.get(i)).ok_or(StorageError::NotFound)?;
        lines.push(Line { quantity: *quantity, unit_price: *unit_price, ..line.clone() });
    }
    Ok(purchase::Cost::of(&lines, pays))
}

async fn lines(conn: &mut AnyConnection, id: PurchaseId) -> Result<Vec<Line>> {
    let rows: Vec<(LineCategory, String, i64, i64)> = sqlx::query_as(
        "SELECT category, description, quantity, unit_price_cents FROM purchase_lines WHERE purchase_id = $1
         ORDER BY position",
    )
    .bind(id)
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(category, description, quantity, price)| Line {
            category,
            description,
            quantity,
            unit_price: Money::from_cents(price),
        })
        .collect())
}

/// A purchase as the transaction sees it, with its lines.
pub async fn purchase_in(conn: &mut AnyConnection, id: PurchaseId) -> Result<Purchase> {
    let mut p = sqlx::query_as::<_, Purchase>(&format!("SELECT {COLUMNS} FROM purchases WHERE id = $1"))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(StorageError::NotFound)?;
    p.lines = lines(conn, id).await?;
    Ok(p)
}

/// Writes the request's vendor, lines and costs on the purchase (its lines replaced).
async fn write_request(conn: &mut AnyConnection, id: PurchaseId, request: &Request, pays: BoursePays) -> Result<()> {
    let query = sqlx::query(
        "UPDATE purchases SET vendor_name = $1, vendor_gst = $2, vendor_qst = $3, justification = $4,
           price_cents = $5, gst_cents = $6, qst_cents = $7, rebate_cents = $8, cost_cents = $9,
           equipment_cost_cents = $10, software_cost_cents = $11, updated_at = $12
         WHERE id = $13",
    )
    .bind(&request.vendor.name)
    .bind(&request.vendor.gst_number)
    .bind(&request.vendor.qst_number)
    .bind(&request.justification);
    bind_costs(query, &Costs::of(&request.cost(pays))).bind(now()).bind(id).execute(&mut *conn).await?;
    super::replace_lines(conn, "purchase_lines", "purchase_id", id.get(), &request.lines).await
}

/// Locks a grant's row for the rest of the transaction (PostgreSQL; SQLite has one writer at a time), so
/// that the room of its bourse is decided by one approval at a time.
async fn lock_grant(conn: &mut AnyConnection, backend: Backend, grant_id: GrantId) -> Result<()> {
    if backend == Backend::Postgres {
        sqlx::query("SELECT id FROM grants WHERE id = $1 FOR UPDATE").bind(grant_id).execute(&mut *conn).await?;
    }
    Ok(())
}

/// What a bourse has in each category (equipment, software): what its commitments hold, what was spent
/// and what approved purchases hold, leaving out the holds of `except` (a purchase approved again).
pub async fn rooms(conn: &mut AnyConnection, grant_id: GrantId, except: Option<PurchaseId>) -> Result<Vec<Room>> {
    let entries = super::ledger::entries_of(&mut *conn, grant_id).await?;
    let book = Book::new(BTreeMap::new(), entries);
    let held = held_by_category(&mut *conn, grant_id, except).await?;
    Ok(LineCategory::ALL
        .iter()
        .map(|&category| {
            let lines = book.commitments();
            let lines = lines.iter().filter(|l| l.account.category == category.as_str());
            let (mut committed, mut spent) = (0, 0);
            for l in lines {
                committed += l.committed.cents() - l.released.cents();
                spent += l.spent.cents();
            }
            Room {
                category,
                committed: Money::from_cents(committed),
                spent: Money::from_cents(spent),
                held: Money::from_cents(held.get(category.as_str()).copied().unwrap_or(0)),
            }
        })
        .collect())
}

/// The holds of a grant not yet lifted or spent, summed by category.
async fn held_by_category(
    conn: &mut AnyConnection,
    grant_id: GrantId,
    except: Option<PurchaseId>,
) -> Result<BTreeMap<String, i64>> {
    let rows: Vec<(String, i64)> = sqlx::query_as(
        "SELECT h.category_code, CAST(SUM(h.amount_cents) AS BIGINT) FROM purchase_holds h
         WHERE h.grant_id = $1 AND h.kind = 'hold' AND h.purchase_id <> $2
           AND NOT EXISTS (SELECT 1 FROM purchase_holds s WHERE s.settles_id = h.id)
         GROUP BY h.category_code",
    )
    .bind(grant_id)
    .bind(except.unwrap_or(PurchaseId(0)))
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().collect())
}

/// A purchase's holds in effect: (hold id, category, amount).
async fn open_holds(conn: &mut AnyConnection, id: PurchaseId) -> Result<Vec<(i64, String, i64)>> {
    Ok(sqlx::query_as(
        "SELECT h.id, h.category_code, h.amount_cents FROM purchase_holds h
         WHERE h.purchase_id = $1 AND h.kind = 'hold'
           AND NOT EXISTS (SELECT 1 FROM purchase_holds s WHERE s.settles_id = h.id)
         ORDER BY h.id",
    )
    .bind(id)
    .fetch_all(conn)
    .await?)
}

/// Settles every hold the purchase has (`lift` or `spend`), each once for its whole amount.
async fn settle_holds(conn: &mut AnyConnection, p: &Purchase, kind: &str, actor: &Actor, at: &str) -> Result<()> {
    for (hold, category, amount) in open_holds(&mut *conn, p.id).await? {
        sqlx::query(
            "INSERT INTO purchase_holds (purchase_id, grant_id, category_code, kind, amount_cents, settles_id, actor, at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(p.id)
        .bind(p.grant_id)
        .bind(category)
        .bind(kind)
        .bind(amount)
        .bind(hold)
        .bind(&actor.id)
        .bind(at)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Holds the purchase's cost on its bourse, category by category, in place of its earlier hold; refused
/// with every shortfall when a category lacks room (and nothing is written).
async fn place_hold(
    conn: &mut AnyConnection,
    backend: Backend,
    p: &Purchase,
    asked: &[(LineCategory, Money)],
    actor: &Actor,
    at: &str,
) -> Result<()> {
    lock_grant(&mut *conn, backend, p.grant_id).await?;
    let rooms = rooms(&mut *conn, p.grant_id, Some(p.id)).await?;
    let short = purchase::shortfalls(&rooms, asked);
    if !short.is_empty() {
        return Err(StorageError::NoRoom(short));
    }
    settle_holds(&mut *conn, p, "lift", actor, at).await?;
    hold(conn, p, asked, actor, at).await
}

/// Writes one hold per category.
async fn hold(
    conn: &mut AnyConnection,
    p: &Purchase,
    asked: &[(LineCategory, Money)],
    actor: &Actor,
    at: &str,
) -> Result<()> {
    for &(category, amount) in asked {
        sqlx::query(
            "INSERT INTO purchase_holds (purchase_id, grant_id, category_code, kind, amount_cents, actor, at)
             VALUES ($1, $2, $3, 'hold', $4, $5, $6)",
        )
        .bind(p.id)
        .bind(p.grant_id)
        .bind(category.as_str())
        .bind(amount.cents())
        .bind(&actor.id)
        .bind(at)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Records the vendor's invoice and attaches its documents: its date neither in the future nor before
/// the award, its number once per organism and vendor.
async fn record_invoice(
    tx: &mut WriteTx,
    p: &Purchase,
    input: &InvoiceInput,
    cost: &purchase::Cost,
    at: &str,
) -> Result<()> {
    let awarded: Option<String> =
        sqlx::query_scalar("SELECT awarded_at FROM grants WHERE id = $1").bind(p.grant_id).fetch_one(&mut **tx).await?;
    let awarded_day = awarded.as_deref().map(|a| a.get(..10).unwrap_or(a).to_string()).unwrap_or_default();
    let today = at.get(..10).unwrap_or(at);
    if input.date.as_str() > today || input.date < awarded_day {
        return Err(StorageError::InvoiceDate { awarded: awarded_day });
    }
    let sql = format!(
        "INSERT INTO purchase_invoices (purchase_id, organism_id, vendor_key, number, number_key, invoice_date,
           {COST_COLUMNS}, submitted_by, submitted_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING id"
    );
    let query = sqlx::query(&sql)
        .bind(p.id)
        .bind(p.organism_id)
        .bind(key(&p.vendor_name))
        .bind(input.number.trim())
        .bind(key(&input.number))
        .bind(&input.date);
    let inserted = bind_costs(query, &Costs::of(cost)).bind(input.by).bind(at).fetch_one(&mut **tx).await;
    let invoice: i64 = match inserted {
        Ok(row) => sqlx::Row::try_get(&row, 0)?,
        Err(e) if super::is_unique_violation(&e) => return Err(StorageError::DuplicateInvoice),
        Err(e) => return Err(e.into()),
    };
    for (position, quantity, unit_price) in &input.lines {
        sqlx::query(
            "INSERT INTO purchase_invoice_lines (invoice_id, position, quantity, unit_price_cents) VALUES ($1, $2, $3, $4)",
        )
        .bind(invoice)
        .bind(position)
        .bind(quantity)
        .bind(unit_price.cents())
        .execute(&mut **tx)
        .await?;
    }
    for document in &input.documents {
        super::documents::attach(tx, p.grant_id, document).await?;
    }
    Ok(())
}

/// The grant's commitments of a category that a payment may still spend (not reversed, not released),
/// with what each has left.
pub async fn payable(conn: &mut AnyConnection, grant_id: GrantId, category: LineCategory) -> Result<Vec<Payable>> {
    const IN_EFFECT: &str = "NOT EXISTS (SELECT 1 FROM ledger_entries r WHERE r.reverses_id = x.id)";
    let sql = format!(
        "SELECT c.id, c.envelope_code, c.fiscal_year,
           CAST(c.amount_cents - COALESCE((SELECT SUM(x.amount_cents) FROM ledger_entries x
             WHERE x.grant_id = $1 AND x.commitment_id = c.id AND x.kind = 'spend' AND {IN_EFFECT}), 0) AS BIGINT)
         FROM ledger_entries c
         WHERE c.grant_id = $1 AND c.kind = 'commit' AND c.category_code = $2
           AND NOT EXISTS (SELECT 1 FROM ledger_entries r WHERE r.reverses_id = c.id)
           AND NOT EXISTS (SELECT 1 FROM ledger_entries x WHERE x.grant_id = $1 AND x.commitment_id = c.id
             AND x.kind = 'release' AND {IN_EFFECT})
         ORDER BY c.id"
    );
    let rows: Vec<(EntryId, String, String, i64)> =
        sqlx::query_as(&sql).bind(grant_id).bind(category.as_str()).fetch_all(conn).await?;
    Ok(rows
        .into_iter()
        .map(|(commitment, envelope, fiscal_year, left)| Payable {
            commitment,
            envelope,
            fiscal_year,
            left: Money::from_cents(left),
        })
        .collect())
}

/// Pays a verified purchase: for each category its invoice costs, spends on the grant's commitments of
/// that category in the program's payer order (a commitment up to what it still holds), dated by the
/// invoice, naming the purchase; then the purchase's holds are settled as spent. Refused (and nothing
/// written) when it would spend what other purchases hold (the invoice is held for what it costs, so this
/// is the last line of defence), or when the commitments cannot cover it.
#[allow(clippy::too_many_arguments)]
async fn pay(
    tx: &mut WriteTx,
    backend: Backend,
    p: &Purchase,
    rules: &Rules,
    line: Option<i64>,
    actor: &Actor,
    reason: &str,
    at: &str,
) -> Result<()> {
    let invoice = invoice_in(tx, p.id).await?.ok_or(StorageError::NotFound)?;
    lock_grant(&mut *tx, backend, p.grant_id).await?;
    let short = purchase::shortfalls(&rooms(&mut *tx, p.grant_id, Some(p.id)).await?, &invoice.costs.by_category());
    if !short.is_empty() {
        return Err(StorageError::NoRoom(short));
    }
    let context = Context {
        actor: actor.id.clone(),
        reason: reason.to_string(),
        idempotency_key: None,
        purchase: Some((p.id, invoice.invoice_date.clone())),
    };
    for (category, amount) in invoice.costs.by_category() {
        let payers = rules.payers.get(category.as_str()).cloned().unwrap_or_default();
        let payable = payable(tx, p.grant_id, category).await?;
        let (parts, missing) = purchase::plan_spend(amount, payable, &payers);
        if missing > Money::ZERO {
            return Err(StorageError::Ledger(LedgerError::InsufficientFunds {
                envelope: payers.join("+"),
                fiscal_year: invoice.invoice_date.clone(),
                available: Money::from_cents(amount.cents() - missing.cents()),
                missing,
            }));
        }
        for (part, amount) in parts {
            // The envelope's book is locked and checks the spend against the commitment itself.
            let mut book = book_for(tx, backend, &part.envelope, &part.fiscal_year, Some(part.commitment)).await?;
            append(tx, &mut book, &Operation::Spend { commitment: part.commitment, amount }, &context).await?;
        }
    }
    settle_holds(tx, p, "spend", actor, at).await?;
    if let Some(line) = line {
        settle_deductions(tx, backend, line, actor, at).await?;
    }
    Ok(())
}

/// The credit notes the paid line kept back: each is settled, and its cost given back to its bourse.
async fn settle_deductions(tx: &mut WriteTx, backend: Backend, line: i64, actor: &Actor, at: &str) -> Result<()> {
    let kept: Vec<i64> =
        sqlx::query_scalar("SELECT id FROM purchase_returns WHERE line_id = $1 AND settled_at IS NULL ORDER BY id")
            .bind(line)
            .fetch_all(&mut **tx)
            .await?;
    let paid: PurchaseId = sqlx::query_scalar("SELECT purchase_id FROM payment_run_lines WHERE id = $1")
        .bind(line)
        .fetch_one(&mut **tx)
        .await?;
    let note = format!("A-{paid}");
    for id in kept {
        settle(tx, backend, id, Settled::Deduction(line), actor, &note, at).await?;
    }
    Ok(())
}

/// The serial numbers of a purchase's equipment received, and of those given back since.
async fn units(conn: &mut AnyConnection, purchase: PurchaseId) -> Result<(BTreeSet<String>, BTreeSet<String>)> {
    let received: Vec<String> = sqlx::query_scalar(
        "SELECT r.serials FROM purchase_receipts r
         JOIN purchase_lines l ON l.purchase_id = r.purchase_id AND l.position = r.position
         WHERE r.purchase_id = $1 AND l.category = 'equipment'",
    )
    .bind(purchase)
    .fetch_all(&mut *conn)
    .await?;
    let returned: Vec<String> =
        sqlx::query_scalar("SELECT serials FROM purchase_returns WHERE purchase_id = $1 AND refused_at IS NULL")
            .bind(purchase)
            .fetch_all(&mut *conn)
            .await?;
    let split = |texts: Vec<String>| texts.iter().flat_map(|t| t.lines().map(str::to_string)).collect();
    Ok((split(received), split(returned)))
}

/// Records a credit note (a return to the vendor after payment): what it would give back to the bourse
/// (its amount taxed as the program pays) is never more than the purchase spent in that category less
/// what its other credit notes, not refused, will give back; its units were received and not returned
/// already. Nothing moves in the ledger until finance confirms it ([`confirm_return`]).
async fn record_return(tx: &mut WriteTx, p: &Purchase, input: &ReturnInput, pays: BoursePays, at: &str) -> Result<()> {
    let line = Line { category: input.category, description: String::new(), quantity: 1, unit_price: input.price };
    let cost = purchase::Cost::of(&[line], pays).to_bourse();
    let spent = spent_in(tx, p.id, input.category).await?;
    let coming: i64 = sqlx::query_scalar(
        "SELECT CAST(COALESCE(SUM(cost_cents), 0) AS BIGINT) FROM purchase_returns
         WHERE purchase_id = $1 AND category_code = $2 AND refused_at IS NULL AND settled_at IS NULL",
    )
    .bind(p.id)
    .bind(input.category.as_str())
    .fetch_one(&mut **tx)
    .await?;
    if cost.cents() > spent - coming {
        return Err(StorageError::ReturnTooLarge { spent: Money::from_cents(spent - coming), asked: cost });
    }
    if !input.serials.is_empty() {
        // Units are equipment, given back on an equipment credit note.
        let (received, returned) = match input.category {
            LineCategory::Equipment => units(tx, p.id).await?,
            LineCategory::Software => Default::default(),
        };
        if let Some(s) = input.serials.iter().find(|s| !received.contains(*s) || returned.contains(*s)) {
            return Err(StorageError::SerialNotReturnable(s.clone()));
        }
    }
    sqlx::query(
        "INSERT INTO purchase_returns
           (purchase_id, category_code, number, price_cents, cost_cents, returned_by, returned_at, serials)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(p.id)
    .bind(input.category.as_str())
    .bind(input.number.trim())
    .bind(input.price)
    .bind(cost)
    .bind(input.by)
    .bind(at)
    .bind(input.serials.join("\n"))
    .execute(&mut **tx)
    .await?;
    for document in &input.documents {
        super::documents::attach(tx, p.grant_id, document).await?;
    }
    Ok(())
}

/// What the purchase spent in a category and has not had back.
async fn spent_in(conn: &mut AnyConnection, purchase: PurchaseId, category: LineCategory) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "SELECT CAST(COALESCE(SUM(e.amount_cents), 0) AS BIGINT) FROM ledger_entries e
         WHERE e.purchase_id = $1 AND e.kind = 'spend' AND e.category_code = $2
           AND NOT EXISTS (SELECT 1 FROM ledger_entries r WHERE r.reverses_id = e.id)",
    )
    .bind(purchase)
    .bind(category.as_str())
    .fetch_one(conn)
    .await?)
}

/// How a confirmed credit note was settled: the vendor refunded the program (direct payment), the
/// organism paid it back, or a payment run's line kept it back.
#[derive(Debug, Clone, Copy)]
enum Settled {
    Direct,
    Receipt,
    Deduction(i64),
}

/// Finance confirms the purchase's recorded credit note: paid to the vendor, its cost is given back to
/// the bourse at once; reimbursed to the organism, the organism owes it until it is settled.
async fn confirm_return(
    tx: &mut WriteTx,
    backend: Backend,
    p: &Purchase,
    rules: &Rules,
    actor: &Actor,
    reason: &str,
    at: &str,
) -> Result<()> {
    let id: i64 = sqlx::query_scalar(
        "UPDATE purchase_returns SET confirmed_by = $1, confirmed_at = $2
         WHERE purchase_id = $3 AND confirmed_at IS NULL AND refused_at IS NULL RETURNING id",
    )
    .bind(&actor.id)
    .bind(at)
    .bind(p.id)
    .fetch_optional(&mut **tx)
    .await?
    .ok_or(StorageError::NotFound)?;
    match rules.mode {
        crate::domain::purchase::PaymentMode::Direct => {
            settle(tx, backend, id, Settled::Direct, actor, reason, at).await
        }
        crate::domain::purchase::PaymentMode::Reimbursement => Ok(()),
    }
}

/// Settles a confirmed credit note once (refused, nothing written, when it is settled already or a run's
/// other line holds it): its cost is taken off its purchase's spends in its category, the latest first.
/// Each spend is reversed whole and, when it was larger than what is left to give back, spent again on
/// its commitment for the difference (the ledger only appends).
async fn settle(
    tx: &mut WriteTx,
    backend: Backend,
    id: i64,
    how: Settled,
    actor: &Actor,
    note: &str,
    at: &str,
) -> Result<()> {
    let (name, line) = match how {
        Settled::Direct => ("direct", None),
        Settled::Receipt => ("receipt", None),
        Settled::Deduction(line) => ("deduction", Some(line)),
    };
    let claimed = sqlx::query(
        "UPDATE purchase_returns SET settled_at = $1, settled_how = $2, settled_note = $3
         WHERE id = $4 AND confirmed_at IS NOT NULL AND settled_at IS NULL
           AND ((line_id IS NULL AND $5 = 0) OR line_id = $5)",
    )
    .bind(at)
    .bind(name)
    .bind(note)
    .bind(id)
    .bind(line.unwrap_or(0))
    .execute(&mut **tx)
    .await?;
    if claimed.rows_affected() == 0 {
        return Err(StorageError::ReturnSettled);
    }
    let (purchase, category, cost): (PurchaseId, String, i64) =
        sqlx::query_as("SELECT purchase_id, category_code, cost_cents FROM purchase_returns WHERE id = $1")
            .bind(id)
            .fetch_one(&mut **tx)
            .await?;
    let invoice = invoice_in(tx, purchase).await?.ok_or(StorageError::NotFound)?;
    let spends: Vec<(EntryId, String, String, EntryId, i64)> = sqlx::query_as(
        "SELECT e.id, e.envelope_code, e.fiscal_year, e.commitment_id, e.amount_cents FROM ledger_entries e
         WHERE e.purchase_id = $1 AND e.kind = 'spend' AND e.category_code = $2
           AND NOT EXISTS (SELECT 1 FROM ledger_entries r WHERE r.reverses_id = e.id)
         ORDER BY e.id DESC",
    )
    .bind(purchase)
    .bind(&category)
    .fetch_all(&mut **tx)
    .await?;
    let spent: i64 = spends.iter().map(|s| s.4).sum();
    if cost > spent {
        return Err(StorageError::ReturnTooLarge { spent: Money::from_cents(spent), asked: Money::from_cents(cost) });
    }
    let today = at.get(..10).unwrap_or(at).to_string();
    let context = |day: &str| Context {
        actor: actor.id.clone(),
        reason: note.to_string(),
        idempotency_key: None,
        purchase: Some((purchase, day.to_string())),
    };
    let mut left = cost;
    for (spend, envelope, fy, commitment, amount) in spends {
        if left == 0 {
            break;
        }
        let mut book = book_for(tx, backend, &envelope, &fy, Some(commitment)).await?;
        append(tx, &mut book, &Operation::Reverse { entry: spend }, &context(&today)).await?;
        if amount > left {
            let again = Operation::Spend { commitment, amount: Money::from_cents(amount - left) };
            append(tx, &mut book, &again, &context(&invoice.invoice_date)).await?;
        }
        left -= left.min(amount);
    }
    Ok(())
}

/// The organism paid back what it owed on the purchase's credit notes (those no run's line holds).
async fn settle_by_receipt(
    tx: &mut WriteTx,
    backend: Backend,
    p: &Purchase,
    actor: &Actor,
    reason: &str,
    at: &str,
) -> Result<()> {
    let owed: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM purchase_returns WHERE purchase_id = $1 AND confirmed_at IS NOT NULL
           AND settled_at IS NULL AND line_id IS NULL ORDER BY id",
    )
    .bind(p.id)
    .fetch_all(&mut **tx)
    .await?;
    for id in owed {
        settle(tx, backend, id, Settled::Receipt, actor, reason, at).await?;
    }
    Ok(())
}

/// Fires a workflow event on a purchase inside the caller's write transaction: the engine decides from the
/// purchase's state, the actor's role and the guards; the new state, its effects and the history row are
/// written together, only if the purchase is still at `expected_version`. Nothing is written when it
/// refuses.
#[tracing::instrument(skip_all, fields(purchase_id = %id, event = %firing.event, role = %actor.role))]
pub async fn fire(
    tx: &mut WriteTx,
    workflow: &Workflow,
    rules: &Rules,
    id: PurchaseId,
    expected_version: i64,
    actor: &Actor,
    firing: &Firing,
) -> Result<Purchase> {
    let backend = tx.backend();
    let p = purchase_in(tx, id).await?;
    if p.version != expected_version {
        return Err(StorageError::VersionConflict { current: p.version });
    }
    let grant_state: String =
        sqlx::query_scalar("SELECT state FROM grants WHERE id = $1").bind(p.grant_id).fetch_one(&mut **tx).await?;
    let quotes: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM documents WHERE purchase_id = $1 AND purpose = 'quote'")
        .bind(id)
        .fetch_one(&mut **tx)
        .await?;
    let request = p.request();
    let missing = request.missing(usize::try_from(quotes).unwrap_or(0), rules.quotes_needed(request.price()));
    let approved: i64 = open_holds(&mut *tx, id).await?.iter().map(|(_, _, amount)| amount).sum();
    let recorded = invoice_in(tx, id).await?;
    // What the event brings counts: the receipt is checked with what came before it, the invoice is
    // priced as the guards will compare it.
    let (fully_received, new_invoice_cost) = match &firing.command {
        Some(Command::Receipt { lines, .. }) => {
            let so_far = received(tx, &p).await?;
            (purchase::check_receipt(&p.lines, &so_far, lines).map_err(StorageError::Receipt)?, None)
        }
        Some(Command::Invoice(input)) => (false, Some(invoice_cost(&p, input, rules.pays)?)),
        Some(Command::Return(_) | Command::RunLine(_)) | None => (false, None),
    };
    let (returns_confirmed, owed, owed_in_run): (i64, i64, i64) = sqlx::query_as(
        "SELECT CAST(COUNT(*) AS BIGINT),
           CAST(COALESCE(SUM(CASE WHEN settled_at IS NULL AND line_id IS NULL THEN cost_cents ELSE 0 END), 0) AS BIGINT),
           CAST(COALESCE(SUM(CASE WHEN settled_at IS NULL AND line_id IS NOT NULL THEN cost_cents ELSE 0 END), 0) AS BIGINT)
         FROM purchase_returns WHERE purchase_id = $1 AND confirmed_at IS NOT NULL",
    )
    .bind(id)
    .fetch_one(&mut **tx)
    .await?;
    let facts = GuardFacts {
        grant_active: rules.spending.contains(&grant_state),
        missing,
        invoice_recorded: recorded.is_some(),
        ordered: p.ordered_at.is_some(),
        fully_received,
        approved: Money::from_cents(approved),
        invoiced: new_invoice_cost.as_ref().map(purchase::Cost::to_bourse).or(recorded.as_ref().map(|i| i.costs.cost)),
        tolerance: rules.tolerance,
        returns_confirmed,
        owed: Money::from_cents(owed),
        owed_in_run: Money::from_cents(owed_in_run),
    };
    let step = workflow.fire(&p.state, &firing.event, actor.role, |g, _| facts.holds(g)).map_err(|error| {
        let missing = match &error {
            FireError::GuardFailed { failed, .. } if failed.contains(&Guard::PurchaseComplete) => facts.missing.clone(),
            _ => Vec::new(),
        };
        StorageError::Refused { error, missing }
    })?;
    // The effect that takes a command gets it, or nothing is fired.
    if let Some(&effect) = step.effects.iter().find(|e| e.takes_command())
        && firing.command.as_ref().map(Command::effect) != Some(effect)
    {
        return Err(StorageError::CommandRequired { effect });
    }
    let at = now();
    for effect in step.effects {
        match effect {
            Effect::PlaceHold => {
                // An invoice is held for what it costs (the one this event brings, or the one recorded);
                // a request for its estimate.
                let asked = match (&new_invoice_cost, &recorded) {
                    (Some(cost), _) => Costs::of(cost),
                    (None, Some(i)) => i.costs,
                    (None, None) => p.costs,
                }
                .by_category();
                place_hold(tx, backend, &p, &asked, actor, &at).await?
            }
            Effect::LiftHold => settle_holds(tx, &p, "lift", actor, &at).await?,
            Effect::RecordReceipt => {
                let Some(Command::Receipt { by, lines }) = &firing.command else { unreachable!("checked above") };
                for r in lines.iter().filter(|r| r.quantity > 0) {
                    sqlx::query(
                        "INSERT INTO purchase_receipts (purchase_id, position, quantity, serials, received_by, received_at)
                         VALUES ($1, $2, $3, $4, $5, $6)",
                    )
                    .bind(id)
                    .bind(r.position)
                    .bind(r.quantity)
                    .bind(r.serials.iter().map(|s| s.trim()).filter(|s| !s.is_empty()).collect::<Vec<_>>().join("\n"))
                    .bind(by)
                    .bind(&at)
                    .execute(&mut **tx)
                    .await?;
                }
            }
            Effect::RecordInvoice => {
                let Some(Command::Invoice(input)) = &firing.command else { unreachable!("checked above") };
                let cost = new_invoice_cost.clone().expect("priced above");
                record_invoice(tx, &p, input, &cost, &at).await?;
            }
            Effect::AnswerRunLine => {
                let Some(Command::RunLine(answer)) = &firing.command else { unreachable!("checked above") };
                super::payments::answer_line(tx, p.id, answer, &firing.reason, &at).await?
            }
            Effect::Pay => {
                let line = match &firing.command {
                    Some(Command::RunLine(answer)) => Some(answer.line),
                    _ => None,
                };
                pay(tx, backend, &p, rules, line, actor, &firing.reason, &at).await?
            }
            Effect::RecordReturn => {
                let Some(Command::Return(input)) = &firing.command else { unreachable!("checked above") };
                record_return(tx, &p, input, rules.pays, &at).await?
            }
            Effect::ConfirmReturn => confirm_return(tx, backend, &p, rules, actor, &firing.reason, &at).await?,
            Effect::SetReturnAside => {
                sqlx::query(
                    "UPDATE purchase_returns SET refused_at = $1
                     WHERE purchase_id = $2 AND confirmed_at IS NULL AND refused_at IS NULL",
                )
                .bind(&at)
                .bind(id)
                .execute(&mut **tx)
                .await?;
            }
            Effect::SettleReturn => settle_by_receipt(tx, backend, &p, actor, &firing.reason, &at).await?,
            Effect::SetInvoiceAside => {
                sqlx::query(
                    "UPDATE purchase_invoices SET refused_at = $1 WHERE purchase_id = $2 AND refused_at IS NULL",
                )
                .bind(&at)
                .bind(id)
                .execute(&mut **tx)
                .await?;
            }
            Effect::StampOrdered => {
                sqlx::query("UPDATE purchases SET ordered_at = $1 WHERE id = $2")
                    .bind(&at)
                    .bind(id)
                    .execute(&mut **tx)
                    .await?;
            }
            other => return Err(StorageError::CommandRequired { effect: *other }),
        }
    }
    let version = records::apply(
        tx,
        Record { kind: Kind::Purchase, id: id.get(), version: expected_version },
        &step,
        actor,
        &firing.reason,
        &at,
    )
    .await?;
    if step.announce {
        for mail in &firing.mails {
            enqueue(tx, mail).await?;
        }
    }
    tracing::info!(from = step.from, to = step.to, version, "transition applied");
    purchase_in(tx, id).await
}

/// A purchase in a list: what it is, where it stands, what it costs the bourse.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PurchaseSummary {
    pub id: PurchaseId,
    pub grant_id: GrantId,
    pub organism_id: OrganismId,
    /// The grant's state (what the policies ask of a grant: whether it is still a draft).
    pub grant_state: String,
    pub organism: String,
    pub state: String,
    pub vendor_name: String,
    #[sqlx(rename = "cost_cents")]
    pub cost: Money,
    pub updated_at: String,
}

const SUMMARY: &str = "SELECT p.id, p.grant_id, p.organism_id, g.state AS grant_state, o.legal_name AS organism, \
    p.state, p.vendor_name, p.cost_cents, p.updated_at \
    FROM purchases p JOIN organisms o ON o.id = p.organism_id JOIN grants g ON g.id = p.grant_id";

/// How far a purchase went: what each line received, and the invoice in effect with its lines
/// (position, quantity, unit price).
#[derive(Debug, Clone, Default)]
pub struct Progress {
    pub received: Vec<i64>,
    pub invoice: Option<Invoice>,
    pub invoice_lines: Vec<(i64, i64, Money)>,
    /// The organism's other invoices in effect that may be this one (see [`similar_invoices`]).
    pub similar: Vec<SimilarInvoice>,
}

/// Another invoice of the same organism that finance should compare before it verifies this one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimilarInvoice {
    pub purchase_id: PurchaseId,
    pub vendor_name: String,
    pub number: String,
    pub invoice_date: String,
    pub cost: Money,
    /// The same number as this one's, typed otherwise or under another vendor's name.
    pub same_key: bool,
}

/// The organism's other invoices in effect whose number has the same key under another vendor's name
/// (`Próbe Vendor` for `Probe Vendor`: an exact key under the same vendor is refused outright), or the same
/// digits, when there are at least four of them (`FAC-2024-118` and `2024118`).
async fn similar_invoices(conn: &mut AnyConnection, p: &Purchase, invoice: &Invoice) -> Result<Vec<SimilarInvoice>> {
    let digits = |k: &str| k.chars().filter(char::is_ascii_digit).collect::<String>();
    let (mine, my_digits) = (key(&invoice.number), digits(&key(&invoice.number)));
    let rows: Vec<(SimilarInvoice, String)> = sqlx::query_as::<_, (PurchaseId, String, String, String, Money, String)>(
        "SELECT i.purchase_id, p.vendor_name, i.number, i.invoice_date, i.cost_cents, i.number_key
           FROM purchase_invoices i JOIN purchases p ON p.id = i.purchase_id
          WHERE i.organism_id = $1 AND i.id <> $2 AND i.refused_at IS NULL ORDER BY i.id",
    )
    .bind(p.organism_id)
    .bind(invoice.id)
    .fetch_all(conn)
    .await?
    .into_iter()
    .map(|(purchase_id, vendor_name, number, invoice_date, cost, number_key)| {
        let same_key = number_key == mine || (number_key.is_empty() && key(&number) == mine);
        (SimilarInvoice { purchase_id, vendor_name, number, invoice_date, cost, same_key }, number_key)
    })
    .collect();
    Ok(rows
        .into_iter()
        .filter(|(s, k)| s.same_key || (my_digits.len() >= 4 && digits(k) == my_digits))
        .map(|(s, _)| s)
        .collect())
}

/// A credit note of a purchase, and where it stands.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct CreditNote {
    pub id: i64,
    pub purchase_id: PurchaseId,
    pub organism: String,
    pub number: String,
    pub category_code: String,
    /// What it gives back to the bourse (taxed as the program pays).
    #[sqlx(rename = "cost_cents")]
    pub cost: Money,
    pub returned_at: String,
    pub confirmed_at: Option<String>,
    pub refused_at: Option<String>,
    pub settled_at: Option<String>,
    pub settled_how: Option<String>,
    pub settled_note: String,
    /// The payment run's line keeping it back (or that kept it back).
    pub line_id: Option<i64>,
}

impl CreditNote {
    /// Where it stands, as the purchase page says it: `pending`, `refused`, `owed`, `in-run`, or
    /// `settled-direct`, `settled-receipt`, `settled-deduction`.
    pub fn standing(&self) -> String {
        match (&self.refused_at, &self.confirmed_at, &self.settled_how, self.line_id) {
            (Some(_), ..) => "refused".into(),
            (None, None, ..) => "pending".into(),
            (None, Some(_), Some(how), _) => format!("settled-{how}"),
            (None, Some(_), None, Some(_)) => "in-run".into(),
            (None, Some(_), None, None) => "owed".into(),
        }
    }
}

const CREDIT_NOTES: &str = "SELECT r.id, r.purchase_id, o.legal_name AS organism, r.number, r.category_code,
      r.cost_cents, r.returned_at, r.confirmed_at, r.refused_at, r.settled_at, r.settled_how, r.settled_note, r.line_id
    FROM purchase_returns r JOIN purchases p ON p.id = r.purchase_id JOIN organisms o ON o.id = p.organism_id";

/// A unit of equipment a bourse bought, as the asset register lists it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Asset {
    pub organism_id: OrganismId,
    pub organism: String,
    pub purchase_id: PurchaseId,
    pub description: String,
    pub serial: String,
    pub vendor_name: String,
    pub invoice_number: Option<String>,
    pub received_at: String,
    /// The credit note that gave the unit back, and when: (number, time).
    #[sqlx(skip)]
    pub returned: Option<(String, String)>,
    /// Another unit of the organism has the same serial number (compared as meant): to look into.
    #[sqlx(skip)]
    pub repeated: bool,
}

impl Db {
    /// Starts a purchase request on a grant, in the workflow's initial state.
    pub async fn create_purchase(
        &self,
        grant_id: GrantId,
        created_by: UserId,
        request: Request,
        workflow: &Workflow,
        pays: BoursePays,
    ) -> Result<Purchase> {
        let initial = workflow.initial.clone();
        self.write(move |tx| {
            Box::pin(async move {
                let organism: OrganismId = sqlx::query_scalar("SELECT organism_id FROM grants WHERE id = $1")
                    .bind(grant_id)
                    .fetch_optional(&mut **tx)
                    .await?
                    .ok_or(StorageError::NotFound)?;
                let at = now();
                let id: PurchaseId = sqlx::query_scalar(
                    "INSERT INTO purchases (grant_id, organism_id, state, version, vendor_name, vendor_gst, vendor_qst,
                       justification, price_cents, gst_cents, qst_cents, rebate_cents, cost_cents,
                       equipment_cost_cents, software_cost_cents, created_by, created_at, updated_at, state_entered_at)
                     VALUES ($1, $2, $3, 1, '', '', '', '', 0, 0, 0, 0, 0, 0, 0, $4, $5, $5, $5) RETURNING id",
                )
                .bind(grant_id)
                .bind(organism)
                .bind(&initial)
                .bind(created_by)
                .bind(&at)
                .fetch_one(&mut **tx)
                .await?;
                write_request(tx, id, &request, pays).await?;
                purchase_in(tx, id).await
            })
        })
        .await
    }

    pub async fn purchase(&self, id: PurchaseId) -> Result<Purchase> {
        let mut conn = self.pool.acquire().await?;
        purchase_in(&mut conn, id).await
    }

    /// Saves the request's vendor and lines while the workflow lets the member change them, at the
    /// version they were read at.
    pub async fn update_purchase(
        &self,
        id: PurchaseId,
        expected_version: i64,
        request: Request,
        workflow: &Workflow,
        pays: BoursePays,
    ) -> Result<Purchase> {
        let workflow = workflow.clone();
        self.write(move |tx| {
            Box::pin(async move {
                let p = purchase_in(tx, id).await?;
                if !workflow.is_editable(&p.state) {
                    return Err(StorageError::NotEditable { state: p.state });
                }
                let bumped = sqlx::query("UPDATE purchases SET version = version + 1 WHERE id = $1 AND version = $2")
                    .bind(id)
                    .bind(expected_version)
                    .execute(&mut **tx)
                    .await?;
                if bumped.rows_affected() == 0 {
                    return Err(StorageError::VersionConflict { current: p.version });
                }
                write_request(tx, id, &request, pays).await?;
                purchase_in(tx, id).await
            })
        })
        .await
    }

    /// Fires one event on a purchase in its own transaction.
    pub async fn fire_purchase_event(
        &self,
        workflow: &Workflow,
        rules: Rules,
        id: PurchaseId,
        expected_version: i64,
        actor: &Actor,
        firing: Firing,
    ) -> Result<Purchase> {
        let (workflow, actor) = (workflow.clone(), actor.clone());
        self.write(move |tx| {
            Box::pin(async move { fire(tx, &workflow, &rules, id, expected_version, &actor, &firing).await })
        })
        .await
    }

    /// A bourse's room by category, as an approval would see it now.
    pub async fn purchase_rooms(&self, grant_id: GrantId, except: Option<PurchaseId>) -> Result<Vec<Room>> {
        let db = self.clone();
        detached(async move {
            let mut conn = db.pool.acquire().await?;
            rooms(&mut conn, grant_id, except).await
        })
        .await
    }

    /// A grant's purchases, newest first.
    pub async fn purchases_of_grant(&self, grant_id: GrantId) -> Result<Vec<PurchaseSummary>> {
        Ok(sqlx::query_as(&format!("{SUMMARY} WHERE p.grant_id = $1 ORDER BY p.id DESC"))
            .bind(grant_id)
            .fetch_all(&self.pool)
            .await?)
    }

    /// A grant's purchases in full, newest first: two queries, whatever their number.
    pub async fn purchases_in_full(&self, grant_id: GrantId) -> Result<Vec<Purchase>> {
        let mut purchases: Vec<Purchase> =
            sqlx::query_as(&format!("SELECT {COLUMNS} FROM purchases WHERE grant_id = $1 ORDER BY id DESC"))
                .bind(grant_id)
                .fetch_all(&self.pool)
                .await?;
        let rows: Vec<(PurchaseId, LineCategory, String, i64, i64)> = sqlx::query_as(
            "SELECT l.purchase_id, l.category, l.description, l.quantity, l.unit_price_cents
             FROM purchase_lines l JOIN purchases p ON p.id = l.purchase_id WHERE p.grant_id = $1
             ORDER BY l.purchase_id, l.position",
        )
        .bind(grant_id)
        .fetch_all(&self.pool)
        .await?;
        for p in &mut purchases {
            p.lines = rows
                .iter()
                .filter(|r| r.0 == p.id)
                .map(|(_, category, description, quantity, price)| Line {
                    category: *category,
                    description: description.clone(),
                    quantity: *quantity,
                    unit_price: Money::from_cents(*price),
                })
                .collect();
        }
        Ok(purchases)
    }

    /// The purchases in these states, oldest change first (a staff queue).
    pub async fn purchases_in(&self, states: &[String], limit: i64) -> Result<Vec<PurchaseSummary>> {
        if states.is_empty() {
            return Ok(Vec::new());
        }
        let marks: Vec<String> = (2..states.len() + 2).map(|i| format!("${i}")).collect();
        let sql =
            format!("{SUMMARY} WHERE p.state IN ({}) ORDER BY p.state_entered_at, p.id LIMIT $1", marks.join(", "));
        let mut q = sqlx::query_as::<_, PurchaseSummary>(&sql).bind(limit);
        for s in states {
            q = q.bind(s);
        }
        Ok(q.fetch_all(&self.pool).await?)
    }

    /// What a purchase received and the invoice in effect.
    pub async fn purchase_progress(&self, p: &Purchase) -> Result<Progress> {
        let mut conn = self.pool.acquire().await?;
        let received = received(&mut conn, p).await?;
        let invoice = invoice_in(&mut conn, p.id).await?;
        let invoice_lines = match &invoice {
            Some(i) => {
                sqlx::query_as::<_, (i64, i64, Money)>(
                    "SELECT position, quantity, unit_price_cents FROM purchase_invoice_lines WHERE invoice_id = $1
                 ORDER BY position",
                )
                .bind(i.id)
                .fetch_all(&mut *conn)
                .await?
            }
            None => Vec::new(),
        };
        let similar = match &invoice {
            Some(i) => similar_invoices(&mut conn, p, i).await?,
            None => Vec::new(),
        };
        Ok(Progress { received, invoice, invoice_lines, similar })
    }

    /// Makes the keys of the invoices written before numbers had one (see the migration `invoice_keys`).
    /// Two old invoices that turn out to be one keep no key, and are told in the log, for finance to look.
    pub(crate) async fn key_invoices(&self) -> Result<()> {
        let unkeyed: Vec<(i64, String, String)> = sqlx::query_as(
            "SELECT i.id, p.vendor_name, i.number FROM purchase_invoices i JOIN purchases p ON p.id = i.purchase_id
             WHERE i.number_key = ''",
        )
        .fetch_all(&self.pool)
        .await?;
        for (id, vendor, number) in unkeyed {
            let keyed = sqlx::query("UPDATE purchase_invoices SET vendor_key = $1, number_key = $2 WHERE id = $3")
                .bind(key(&vendor))
                .bind(key(&number))
                .bind(id)
                .execute(&self.pool)
                .await;
            match keyed {
                Err(e) if super::is_unique_violation(&e) => {
                    tracing::warn!(invoice = id, %number, "an invoice has the key of another: left without one");
                }
                other => {
                    other?;
                }
            }
        }
        Ok(())
    }

    /// The asset register: every unit of equipment received, with its serial number, its organism, its
    /// purchase and the invoice in effect; one organism's, or all of them. By organism, then as received.
    pub async fn assets(&self, organism: Option<OrganismId>) -> Result<Vec<Asset>> {
        // One row per receipt; its serial numbers, one a line of text, become one asset each.
        let rows: Vec<Asset> = sqlx::query_as(
            "SELECT p.organism_id, o.legal_name AS organism, p.id AS purchase_id, l.description, r.serials AS serial,
               p.vendor_name,
               (SELECT i.number FROM purchase_invoices i WHERE i.purchase_id = p.id AND i.refused_at IS NULL
                  ORDER BY i.id DESC LIMIT 1) AS invoice_number,
               r.received_at
             FROM purchase_receipts r
             JOIN purchases p ON p.id = r.purchase_id
             JOIN purchase_lines l ON l.purchase_id = p.id AND l.position = r.position
             JOIN organisms o ON o.id = p.organism_id
             WHERE l.category = 'equipment' AND ($1 = 0 OR p.organism_id = $1)
             ORDER BY o.legal_name, p.organism_id, r.id",
        )
        .bind(organism.map_or(0, |o| o.get()))
        .fetch_all(&self.pool)
        .await?;
        let returns: Vec<(PurchaseId, String, String, String)> = sqlx::query_as(
            "SELECT r.purchase_id, r.serials, r.number, r.returned_at FROM purchase_returns r
             JOIN purchases p ON p.id = r.purchase_id
             WHERE r.serials <> '' AND r.refused_at IS NULL AND ($1 = 0 OR p.organism_id = $1)",
        )
        .bind(organism.map_or(0, |o| o.get()))
        .fetch_all(&self.pool)
        .await?;
        let mut returned = BTreeMap::new();
        for (purchase, serials, number, at) in returns {
            for serial in serials.lines() {
                returned.insert((purchase, serial.to_string()), (number.clone(), at.clone()));
            }
        }
        let mut assets: Vec<Asset> = rows
            .into_iter()
            .flat_map(|receipt| {
                receipt
                    .serial
                    .lines()
                    .map(|serial| Asset {
                        serial: serial.to_string(),
                        returned: returned.get(&(receipt.purchase_id, serial.to_string())).cloned(),
                        ..receipt.clone()
                    })
                    .collect::<Vec<_>>()
            })
            .collect();
        // A serial number one receipt cannot repeat (it is refused) may repeat one of another receipt.
        let mut units: BTreeMap<(OrganismId, String), usize> = BTreeMap::new();
        for a in &assets {
            *units.entry((a.organism_id, key(&a.serial))).or_default() += 1;
        }
        for a in &mut assets {
            a.repeated = units[&(a.organism_id, key(&a.serial))] > 1;
        }
        Ok(assets)
    }

    /// A purchase's credit notes, oldest first.
    pub async fn credit_notes(&self, purchase: PurchaseId) -> Result<Vec<CreditNote>> {
        Ok(sqlx::query_as(&format!("{CREDIT_NOTES} WHERE r.purchase_id = $1 ORDER BY r.id"))
            .bind(purchase)
            .fetch_all(&self.pool)
            .await?)
    }

    /// What the organisms owe the program (confirmed credit notes not yet settled), oldest first; with
    /// an organism, its own.
    pub async fn owed(&self, organism: Option<OrganismId>) -> Result<Vec<CreditNote>> {
        Ok(sqlx::query_as(&format!(
            "{CREDIT_NOTES} WHERE r.confirmed_at IS NOT NULL AND r.settled_at IS NULL
               AND ($1 = 0 OR p.organism_id = $1) ORDER BY r.confirmed_at, r.id"
        ))
        .bind(organism.map_or(0, |o| o.get()))
        .fetch_all(&self.pool)
        .await?)
    }

    /// A purchase's history, oldest first.
    pub async fn purchase_history(&self, id: PurchaseId) -> Result<Vec<records::Transition>> {
        let mut conn = self.pool.acquire().await?;
        records::history(&mut conn, Kind::Purchase, id.get()).await
    }

    /// The holds against the rest of the books: each lift or spend settles a hold of its own purchase,
    /// grant and category for the hold's whole amount (once: the database's unique key); no bourse holds
    /// and spends more in a category than its commitments hold. One line per problem, empty when sound.
    pub async fn holds_verify(&self) -> Result<Vec<String>> {
        let rows = self.hold_rows().await?;
        let mut problems = Vec::new();
        let by_id: BTreeMap<i64, _> = rows.iter().map(|r| (r.0, r)).collect();
        let mut grants = std::collections::BTreeSet::new();
        for (id, purchase, grant, category, kind, amount, settles) in &rows {
            grants.insert(*grant);
            let Some(target) = settles else { continue };
            match by_id.get(target) {
                Some((_, p, g, c, k, a, _)) if k == "hold" && (p, g, c, a) == (purchase, grant, category, amount) => {}
                _ => problems.push(format!(
                    "hold row {id} ({kind} of {} on purchase {purchase}) does not settle hold {target} as it stands",
                    Money::from_cents(*amount)
                )),
            }
        }
        let mut conn = self.pool.acquire().await?;
        // Every purchase the ledger pays is paid exactly what its invoice costs, less what its returns gave
        // back.
        let paid: Vec<(PurchaseId, i64, Option<i64>)> = sqlx::query_as(
            "SELECT e.purchase_id, CAST(SUM(e.amount_cents) AS BIGINT),
               CAST((SELECT i.cost_cents FROM purchase_invoices i WHERE i.purchase_id = e.purchase_id
                  AND i.refused_at IS NULL ORDER BY i.id DESC LIMIT 1)
                 - COALESCE((SELECT SUM(t.cost_cents) FROM purchase_returns t
                     WHERE t.purchase_id = e.purchase_id AND t.settled_at IS NOT NULL), 0)
                 AS BIGINT)
             FROM ledger_entries e
             WHERE e.purchase_id IS NOT NULL AND e.kind = 'spend'
               AND NOT EXISTS (SELECT 1 FROM ledger_entries r WHERE r.reverses_id = e.id)
             GROUP BY e.purchase_id ORDER BY e.purchase_id",
        )
        .fetch_all(&mut *conn)
        .await?;
        for (purchase, spent, cost) in paid {
            if Some(spent) != cost {
                let cost = cost.map_or("no invoice".to_string(), |c| Money::from_cents(c).to_string());
                problems.push(format!(
                    "purchase {purchase}: spent {}, its invoice less its returns costs {cost}",
                    Money::from_cents(spent)
                ));
            }
        }
        // Every run's line pays its invoice's cost less what it keeps back; what it kept back once paid
        // is settled, and a credit note is kept back by one line at most.
        let lines: Vec<(i64, PurchaseId, Money, Money, Option<Money>, i64)> = sqlx::query_as(
            "SELECT l.id, l.purchase_id, l.amount_cents,
               CAST(COALESCE((SELECT SUM(d.amount_cents) FROM payment_run_deductions d WHERE d.line_id = l.id), 0) AS BIGINT),
               (SELECT i.cost_cents FROM purchase_invoices i WHERE i.purchase_id = l.purchase_id AND i.refused_at IS NULL
                 ORDER BY i.id DESC LIMIT 1),
               CAST((SELECT COUNT(*) FROM payment_run_deductions d JOIN purchase_returns r ON r.id = d.return_id
                  WHERE d.line_id = l.id AND l.outcome = 'cleared'
                    AND (COALESCE(r.settled_how, '') <> 'deduction' OR COALESCE(r.line_id, 0) <> l.id)) AS BIGINT)
             FROM payment_run_lines l ORDER BY l.id",
        )
        .fetch_all(&mut *conn)
        .await?;
        for (line, purchase, amount, kept, cost, unsettled) in lines {
            if cost != Some(amount + kept) {
                problems.push(format!(
                    "payment line {line} (purchase {purchase}) pays {amount} and keeps back {kept}, not its invoice's cost"
                ));
            }
            if unsettled > 0 {
                problems.push(format!(
                    "payment line {line} was paid but {unsettled} credit notes it kept back are not settled by it"
                ));
            }
        }
        for grant in grants {
            for room in rooms(&mut conn, grant, None).await? {
                if room.available() < Money::ZERO {
                    problems.push(format!(
                        "grant {grant}: {} holds {} and spent {}, more than its commitments hold ({})",
                        room.category, room.held, room.spent, room.committed
                    ));
                }
            }
        }
        Ok(problems)
    }

    /// Every hold row, in order: (id, purchase, grant, category, kind, amount, settles).
    pub async fn hold_rows(&self) -> Result<Vec<(i64, PurchaseId, GrantId, String, String, i64, Option<i64>)>> {
        Ok(sqlx::query_as(
            "SELECT id, purchase_id, grant_id, category_code, kind, amount_cents, settles_id FROM purchase_holds ORDER BY id",
        )
        .fetch_all(&self.pool)
        .await?)
    }
}
