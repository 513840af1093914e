//! Payment runs (issue 13): finance pays verified purchases together. A run is made from the purchases
//! finance selects, each a line (who is paid, how much, the reference the bank carries) planned on the
//! bourse's envelopes and fiscal years in the program's payer order; once the bank has answered, each
//! line is marked paid (the purchase's `pay` step: the ledger's spends) or failed (it waits for the next
//! run), the line and the step in one transaction.

use std::collections::BTreeMap;

use sqlx::AnyConnection;

use super::purchases::{Command, Firing, Rules, fire, payable};
use super::{Db, Result, StorageError, WriteTx, now};
use crate::domain::purchase::{PaymentMode, plan_spend};
use crate::domain::workflow::Workflow;
use crate::domain::{Actor, GrantId, Money, PurchaseId, RunId, UserId};

/// A purchase finance may put in a run: in one of the pay queue's states, in no run waiting on the bank,
/// with its invoice.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Payable {
    pub purchase_id: PurchaseId,
    pub grant_id: GrantId,
    pub organism: String,
    pub vendor_name: String,
    pub state: String,
    pub invoice_number: String,
    pub invoice_date: String,
    #[sqlx(rename = "cost_cents")]
    pub amount: Money,
    pub equipment_cost_cents: i64,
    pub software_cost_cents: i64,
}

impl Payable {
    /// Who the bank pays: the organism that paid the vendor, or the vendor.
    pub fn payee(&self, mode: PaymentMode) -> &str {
        match mode {
            PaymentMode::Reimbursement => &self.organism,
            PaymentMode::Direct => &self.vendor_name,
        }
    }

    /// What the bank carries to the payee (at most 35 characters, as bank files take): the purchase's
    /// number and the vendor's invoice number.
    pub fn reference(&self) -> String {
        format!("DATAide A-{} {}", self.purchase_id, self.invoice_number).chars().take(35).collect()
    }
}

const PAYABLE: &str = "SELECT p.id AS purchase_id, p.grant_id, o.legal_name AS organism, p.vendor_name, p.state,
      i.number AS invoice_number, i.invoice_date, i.cost_cents, i.equipment_cost_cents, i.software_cost_cents
    FROM purchases p JOIN organisms o ON o.id = p.organism_id
    JOIN purchase_invoices i ON i.purchase_id = p.id AND i.refused_at IS NULL
    WHERE NOT EXISTS (SELECT 1 FROM payment_run_lines l WHERE l.purchase_id = p.id AND l.outcome IS NULL)";

/// `$1`, `$2`, … for a list of values from `first`.
fn marks(first: usize, n: usize) -> String {
    (first..first + n).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ")
}

/// A run as listed: its lines, those the bank has not answered for, and its total.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Run {
    pub id: RunId,
    pub payment_mode: String,
    pub created_by: UserId,
    pub created_at: String,
    pub exported_at: Option<String>,
    pub lines: i64,
    pub waiting: i64,
    #[sqlx(rename = "total_cents")]
    pub total: Money,
    /// What the lines still waiting on the bank come to.
    #[sqlx(rename = "waiting_cents")]
    pub waiting_total: Money,
}

const RUNS: &str = "SELECT r.id, r.payment_mode, r.created_by, r.created_at, r.exported_at,
      CAST(COUNT(l.id) AS BIGINT) AS lines,
      CAST(COALESCE(SUM(CASE WHEN l.outcome IS NULL THEN 1 ELSE 0 END), 0) AS BIGINT) AS waiting,
      CAST(COALESCE(SUM(l.amount_cents), 0) AS BIGINT) AS total_cents,
      CAST(COALESCE(SUM(CASE WHEN l.outcome IS NULL THEN l.amount_cents ELSE 0 END), 0) AS BIGINT) AS waiting_cents
    FROM payment_runs r LEFT JOIN payment_run_lines l ON l.run_id = r.id";

/// One line of a run.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct RunLine {
    pub id: i64,
    pub purchase_id: PurchaseId,
    pub organism: String,
    pub payee: String,
    pub reference: String,
    #[sqlx(rename = "amount_cents")]
    pub amount: Money,
    pub outcome: Option<String>,
    pub outcome_at: Option<String>,
    pub reason: String,
    /// What the line kept back of what the organism owed the program (its amount is what is left).
    #[sqlx(rename = "deducted_cents")]
    pub deducted: Money,
}

const LINES: &str = "SELECT l.id, l.purchase_id, o.legal_name AS organism, l.payee, l.reference, l.amount_cents,
      l.outcome, l.outcome_at, l.reason,
      CAST(COALESCE((SELECT SUM(d.amount_cents) FROM payment_run_deductions d WHERE d.line_id = l.id), 0) AS BIGINT)
        AS deducted_cents
    FROM payment_run_lines l JOIN purchases p ON p.id = l.purchase_id JOIN organisms o ON o.id = p.organism_id";

/// What a run takes from one envelope in one fiscal year.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct RunTotal {
    pub envelope_code: String,
    pub fiscal_year: String,
    #[sqlx(rename = "amount_cents")]
    pub amount: Money,
}

/// What the bank answered for a line: it made the payment, or refused it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Cleared,
    Rejected,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Cleared => "cleared",
            Outcome::Rejected => "rejected",
        }
    }

    /// The outcome a form or a request names (`cleared` or `rejected`).
    pub fn parse(s: &str) -> Option<Outcome> {
        [Outcome::Cleared, Outcome::Rejected].into_iter().find(|o| o.as_str() == s)
    }
}

/// Which of a run's lines a page shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineShow {
    /// Those the bank has not answered for.
    Waiting,
    /// Those answered (paid or failed).
    Answered,
    All,
}

impl LineShow {
    pub const ALL: [LineShow; 3] = [LineShow::Waiting, LineShow::Answered, LineShow::All];

    pub fn as_str(self) -> &'static str {
        match self {
            LineShow::Waiting => "waiting",
            LineShow::Answered => "answered",
            LineShow::All => "all",
        }
    }

    pub fn parse(s: &str) -> Option<LineShow> {
        LineShow::ALL.into_iter().find(|w| w.as_str() == s)
    }
}

/// A page of a run's lines: which, matching what was searched (an organism's name without case or
/// accents, or a purchase's number), `per_page` lines from page `page` (from 1).
#[derive(Debug, Clone)]
pub struct LineFilter {
    pub show: LineShow,
    pub search: Option<crate::domain::text::Search>,
    pub page: i64,
    pub per_page: i64,
}

impl LineFilter {
    /// Every line, in order (the bank's file, the API).
    pub fn all() -> LineFilter {
        LineFilter { show: LineShow::All, search: None, page: 1, per_page: i64::MAX }
    }
}

/// The bank's answer for one line of a run, as finance records it.
#[derive(Debug, Clone, Copy)]
pub struct Answer {
    pub run: RunId,
    pub line: i64,
    pub outcome: Outcome,
    pub by: UserId,
}

/// Plans a line: what it takes from each envelope and fiscal year, in the payer order of each category.
async fn plan(conn: &mut AnyConnection, p: &Payable, rules: &Rules) -> Result<BTreeMap<(String, String), Money>> {
    use crate::domain::grant::LineCategory;
    let mut split = BTreeMap::new();
    for (category, cents) in
        [(LineCategory::Equipment, p.equipment_cost_cents), (LineCategory::Software, p.software_cost_cents)]
    {
        if cents <= 0 {
            continue;
        }
        let payers = rules.payers.get(category.as_str()).cloned().unwrap_or_default();
        let (parts, missing) =
            plan_spend(Money::from_cents(cents), payable(&mut *conn, p.grant_id, category).await?, &payers);
        if missing > Money::ZERO {
            return Err(StorageError::NotPayable(p.purchase_id));
        }
        for (part, amount) in parts {
            let key = (part.envelope, part.fiscal_year);
            let sum = split.get(&key).copied().unwrap_or(Money::ZERO) + amount;
            split.insert(key, sum);
        }
    }
    Ok(split)
}

impl Db {
    /// What finance may put in a run now (purchases in `states`), oldest first.
    pub async fn payable(&self, states: &[String], limit: i64) -> Result<Vec<Payable>> {
        if states.is_empty() {
            return Ok(Vec::new());
        }
        let sql =
            format!("{PAYABLE} AND p.state IN ({}) ORDER BY p.state_entered_at, p.id LIMIT $1", marks(2, states.len()));
        let mut q = sqlx::query_as::<_, Payable>(&sql).bind(limit);
        for s in states {
            q = q.bind(s);
        }
        Ok(q.fetch_all(&self.pool).await?)
    }

    /// Makes a run of the purchases chosen: each must still be payable (in `states`, in no run waiting
    /// on the bank, its commitments able to cover it), or nothing is made.
    pub async fn create_run(
        &self,
        by: UserId,
        mode: PaymentMode,
        states: Vec<String>,
        purchases: Vec<PurchaseId>,
        rules: Rules,
    ) -> Result<RunId> {
        self.write(move |tx| {
            Box::pin(async move {
                let id: RunId = sqlx::query_scalar(
                    "INSERT INTO payment_runs (payment_mode, created_by, created_at) VALUES ($1, $2, $3) RETURNING id",
                )
                .bind(mode.as_str())
                .bind(by)
                .bind(now())
                .fetch_one(&mut **tx)
                .await?;
                for purchase in purchases {
                    let sql = format!("{PAYABLE} AND p.id = $1 AND p.state IN ({})", marks(2, states.len()));
                    let mut q = sqlx::query_as::<_, Payable>(&sql).bind(purchase);
                    for s in &states {
                        q = q.bind(s);
                    }
                    let p = q.fetch_optional(&mut **tx).await?.ok_or(StorageError::NotPayable(purchase))?;
                    let split = plan(tx, &p, &rules).await?;
                    let inserted = sqlx::query_scalar::<_, i64>(
                        "INSERT INTO payment_run_lines (run_id, purchase_id, payee, reference, amount_cents)
                         VALUES ($1, $2, $3, $4, $5) RETURNING id",
                    )
                    .bind(id)
                    .bind(purchase)
                    .bind(p.payee(mode))
                    .bind(p.reference())
                    .bind(p.amount)
                    .fetch_one(&mut **tx)
                    .await;
                    let line = match inserted {
                        Ok(line) => line,
                        // The same purchase chosen twice.
                        Err(e) if super::is_unique_violation(&e) => return Err(StorageError::NotPayable(purchase)),
                        Err(e) => return Err(e.into()),
                    };
                    if mode == PaymentMode::Reimbursement {
                        keep_back(tx, &p, line).await?;
                    }
                    for ((envelope, fiscal_year), amount) in split {
                        sqlx::query(
                            "INSERT INTO payment_run_splits (line_id, envelope_code, fiscal_year, amount_cents)
                             VALUES ($1, $2, $3, $4)",
                        )
                        .bind(line)
                        .bind(envelope)
                        .bind(fiscal_year)
                        .bind(amount)
                        .execute(&mut **tx)
                        .await?;
                    }
                }
                Ok(id)
            })
        })
        .await
    }

    /// The runs, newest first.
    pub async fn runs(&self, limit: i64) -> Result<Vec<Run>> {
        Ok(sqlx::query_as(&format!(
            "{RUNS} GROUP BY r.id, r.payment_mode, r.created_by, r.created_at, r.exported_at ORDER BY r.id DESC LIMIT $1"
        ))
        .bind(limit)
        .fetch_all(&self.pool)
        .await?)
    }

    /// A run and what it takes from each envelope and fiscal year.
    pub async fn run(&self, id: RunId) -> Result<(Run, Vec<RunTotal>)> {
        let run = sqlx::query_as(&format!(
            "{RUNS} WHERE r.id = $1 GROUP BY r.id, r.payment_mode, r.created_by, r.created_at, r.exported_at"
        ))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StorageError::NotFound)?;
        let totals = sqlx::query_as(
            "SELECT s.envelope_code, s.fiscal_year, CAST(SUM(s.amount_cents) AS BIGINT) AS amount_cents
             FROM payment_run_splits s JOIN payment_run_lines l ON l.id = s.line_id
             WHERE l.run_id = $1 GROUP BY s.envelope_code, s.fiscal_year ORDER BY s.envelope_code, s.fiscal_year",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        Ok((run, totals))
    }

    /// The run's lines `filter` shows, in order, and how many match it in all.
    pub async fn run_lines(&self, id: RunId, filter: &LineFilter) -> Result<(Vec<RunLine>, i64)> {
        let mut sql = String::from(" WHERE l.run_id = $1");
        sql.push_str(match filter.show {
            LineShow::Waiting => " AND l.outcome IS NULL",
            LineShow::Answered => " AND l.outcome IS NOT NULL",
            LineShow::All => "",
        });
        let (mut text, mut number) = (None, None);
        if let Some(search) = &filter.search {
            // The folded form holds only letters, digits and spaces: nothing in it is a LIKE wildcard.
            text = Some(format!("%{}%", search.folded));
            number = search.digits.as_deref().and_then(|d| d.parse::<i64>().ok());
            sql.push_str(" AND (o.search_name LIKE $2 OR l.purchase_id = $3)");
        }
        let count_sql = format!(
            "SELECT CAST(COUNT(*) AS BIGINT) FROM payment_run_lines l JOIN purchases p ON p.id = l.purchase_id
             JOIN organisms o ON o.id = p.organism_id{sql}"
        );
        let mut count = sqlx::query_scalar::<_, i64>(&count_sql).bind(id);
        if let Some(t) = &text {
            count = count.bind(t.clone()).bind(number.unwrap_or(-1));
        }
        let total = count.fetch_one(&self.pool).await?;
        let per_page = filter.per_page.max(1);
        let offset = (filter.page.max(1) - 1).saturating_mul(per_page);
        let page = format!("{LINES}{sql} ORDER BY l.id LIMIT {per_page} OFFSET {offset}");
        let mut q = sqlx::query_as::<_, RunLine>(&page).bind(id);
        if let Some(t) = text {
            q = q.bind(t).bind(number.unwrap_or(-1));
        }
        Ok((q.fetch_all(&self.pool).await?, total))
    }

    /// The lines of a run the bank has not answered for, and the purchase each pays.
    pub async fn waiting_lines(&self, run: RunId) -> Result<Vec<(i64, PurchaseId)>> {
        Ok(sqlx::query_as(
            "SELECT id, purchase_id FROM payment_run_lines WHERE run_id = $1 AND outcome IS NULL ORDER BY id",
        )
        .bind(run)
        .fetch_all(&self.pool)
        .await?)
    }

    /// One line of a run.
    pub async fn run_line(&self, run: RunId, line: i64) -> Result<RunLine> {
        sqlx::query_as(&format!("{LINES} WHERE l.run_id = $1 AND l.id = $2"))
            .bind(run)
            .bind(line)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StorageError::NotFound)
    }

    /// The purchase a run's line pays.
    pub async fn run_line_purchase(&self, run: RunId, line: i64) -> Result<PurchaseId> {
        sqlx::query_scalar("SELECT purchase_id FROM payment_run_lines WHERE id = $1 AND run_id = $2")
            .bind(line)
            .bind(run)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StorageError::NotFound)
    }

    /// Notes that the run's file went to the bank (the first time).
    pub async fn run_exported(&self, id: RunId) -> Result<()> {
        sqlx::query("UPDATE payment_runs SET exported_at = $1 WHERE id = $2 AND exported_at IS NULL")
            .bind(now())
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Marks a line as the bank answered, firing the purchase's step (`firing`: `pay` or
    /// `fail_payment`) in the same transaction; a line answered already is refused.
    pub async fn settle_run_line(
        &self,
        workflow: &Workflow,
        rules: Rules,
        answer: Answer,
        actor: &Actor,
        firing: Firing,
    ) -> Result<()> {
        let (workflow, actor) = (workflow.clone(), actor.clone());
        self.write(move |tx| Box::pin(async move { settle(tx, &workflow, &rules, answer, &actor, &firing).await }))
            .await
    }

    /// Marks every line of `run` still waiting as paid (the bank paid them all), each line's `firing`
    /// given, in one transaction: if one of them was answered meanwhile, or another line waits that is
    /// not among them, nothing is written.
    pub async fn clear_run_lines(
        &self,
        workflow: &Workflow,
        rules: Rules,
        (run, by): (RunId, UserId),
        actor: &Actor,
        lines: Vec<(i64, Firing)>,
    ) -> Result<()> {
        let (workflow, actor) = (workflow.clone(), actor.clone());
        self.write(move |tx| {
            Box::pin(async move {
                let waiting: i64 = sqlx::query_scalar(
                    "SELECT CAST(COUNT(*) AS BIGINT) FROM payment_run_lines WHERE run_id = $1 AND outcome IS NULL",
                )
                .bind(run)
                .fetch_one(&mut **tx)
                .await?;
                if waiting != lines.len() as i64 {
                    return Err(StorageError::LineSettled);
                }
                for (line, firing) in &lines {
                    let answer = Answer { run, line: *line, outcome: Outcome::Cleared, by };
                    settle(tx, &workflow, &rules, answer, &actor, firing).await?;
                }
                Ok(())
            })
        })
        .await
    }
}

/// Keeps back from a line what the organism owes the program on its confirmed credit notes (the oldest
/// first, each whole while what is left to pay stays above nothing): each is claimed for the line, so that
/// no other line or receipt settles it, and the line pays what is left. It is settled when the line is
/// paid, and owed again when the bank refuses the line.
async fn keep_back(tx: &mut WriteTx, p: &Payable, line: i64) -> Result<()> {
    let owed: Vec<(i64, Money)> = sqlx::query_as(
        "SELECT r.id, r.cost_cents FROM purchase_returns r JOIN purchases q ON q.id = r.purchase_id
         WHERE q.organism_id = (SELECT organism_id FROM purchases WHERE id = $1)
           AND r.confirmed_at IS NOT NULL AND r.settled_at IS NULL AND r.line_id IS NULL
         ORDER BY r.id",
    )
    .bind(p.purchase_id)
    .fetch_all(&mut **tx)
    .await?;
    let mut left = p.amount;
    for (id, cost) in owed.into_iter().filter(|(_, cost)| *cost > Money::ZERO) {
        if cost >= left {
            continue;
        }
        let claimed = sqlx::query(
            "UPDATE purchase_returns SET line_id = $1 WHERE id = $2 AND line_id IS NULL AND settled_at IS NULL",
        )
        .bind(line)
        .bind(id)
        .execute(&mut **tx)
        .await?;
        if claimed.rows_affected() == 0 {
            continue;
        }
        sqlx::query("INSERT INTO payment_run_deductions (line_id, return_id, amount_cents) VALUES ($1, $2, $3)")
            .bind(line)
            .bind(id)
            .bind(cost)
            .execute(&mut **tx)
            .await?;
        left = left - cost;
    }
    if left != p.amount {
        sqlx::query("UPDATE payment_run_lines SET amount_cents = $1 WHERE id = $2")
            .bind(left)
            .bind(line)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// Fires the purchase's step for a line the bank answered, in the caller's transaction: the step's
/// `answer_run_line` effect marks the line ([`answer_line`]).
async fn settle(
    tx: &mut WriteTx,
    workflow: &Workflow,
    rules: &Rules,
    answer: Answer,
    actor: &Actor,
    firing: &Firing,
) -> Result<()> {
    let row: Option<(PurchaseId, Option<String>)> =
        sqlx::query_as("SELECT purchase_id, outcome FROM payment_run_lines WHERE id = $1 AND run_id = $2")
            .bind(answer.line)
            .bind(answer.run)
            .fetch_optional(&mut **tx)
            .await?;
    let (purchase, None) = row.ok_or(StorageError::NotFound)? else {
        return Err(StorageError::LineSettled);
    };
    let version: i64 =
        sqlx::query_scalar("SELECT version FROM purchases WHERE id = $1").bind(purchase).fetch_one(&mut **tx).await?;
    let firing = Firing { command: Some(Command::RunLine(answer)), ..firing.clone() };
    fire(tx, workflow, rules, purchase, version, actor, &firing).await?;
    Ok(())
}

/// Marks the run's line that lists `purchase` as the bank answered; refused when the line is not that
/// purchase's, or was answered already.
pub(super) async fn answer_line(
    conn: &mut AnyConnection,
    purchase: PurchaseId,
    answer: &Answer,
    reason: &str,
    at: &str,
) -> Result<()> {
    let updated = sqlx::query(
        "UPDATE payment_run_lines SET outcome = $1, outcome_by = $2, outcome_at = $3, reason = $4
         WHERE id = $5 AND run_id = $6 AND purchase_id = $7 AND outcome IS NULL",
    )
    .bind(answer.outcome.as_str())
    .bind(answer.by)
    .bind(at)
    .bind(reason)
    .bind(answer.line)
    .bind(answer.run)
    .bind(purchase)
    .execute(&mut *conn)
    .await?;
    if updated.rows_affected() == 0 {
        return Err(StorageError::LineSettled);
    }
    if answer.outcome == Outcome::Rejected {
        // Nothing was paid, nothing was kept back: the organism owes it still.
        sqlx::query("UPDATE purchase_returns SET line_id = NULL WHERE line_id = $1 AND settled_at IS NULL")
            .bind(answer.line)
            .execute(conn)
            .await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn payable(invoice_number: &str) -> Payable {
        Payable {
            purchase_id: PurchaseId(12_345),
            grant_id: GrantId(7),
            organism: "Cuisine collective d'Hochelaga".into(),
            vendor_name: "Coop informatique".into(),
            state: "verified".into(),
            invoice_number: invoice_number.into(),
            invoice_date: "2026-11-30".into(),
            amount: Money::from_cents(96_631),
            equipment_cost_cents: 96_631,
            software_cost_cents: 0,
        }
    }

    /// The bank pays the organism when the bourse reimburses it, the vendor when it pays directly; the
    /// reference names the purchase and the invoice, within the 35 characters a bank file carries.
    #[test]
    fn the_payee_follows_the_payment_mode_and_the_reference_fits_a_bank_file() {
        let p = payable("F-2026-118");
        assert_eq!(p.payee(PaymentMode::Reimbursement), "Cuisine collective d'Hochelaga");
        assert_eq!(p.payee(PaymentMode::Direct), "Coop informatique");
        assert_eq!(p.reference(), "DATAide A-12345 F-2026-118");
        let long = payable("FACTURE-NUMÉRO-2026-000000000000118");
        assert_eq!(long.reference().chars().count(), 35);
        assert!(long.reference().starts_with("DATAide A-12345 FACTURE"));
    }
}
