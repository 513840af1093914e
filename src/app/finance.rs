//! What finance reads (issue 5): per envelope and fiscal year, allocated, committed, spent and available,
//! recomputed from the ledger's entries (never from the running balances it checks).

use crate::AppState;
use crate::app::AppError;
use crate::domain::Money;

/// One envelope's fiscal year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvelopeYear {
    pub envelope: String,
    /// `2026-2027`
    pub fiscal_year: String,
    pub allocated: Money,
    pub committed: Money,
    pub spent: Money,
    /// Allocated less committed and spent.
    pub available: Money,
}

impl EnvelopeYear {
    /// The four amounts in the order the summary shows them.
    pub fn amounts(&self) -> [Money; 4] {
        [self.allocated, self.committed, self.spent, self.available]
    }
}

/// How the program stands in one fiscal year, across its envelopes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgramYear {
    /// `2026-2027`
    pub fiscal_year: String,
    /// Equipment and software asked by the applications submitted in the year (or since it began, once
    /// the program is past its last fiscal year and still awards in it).
    pub requested: Money,
    /// Committed by the awards of the year (what was since spent or released included).
    pub awarded: Money,
    /// Still held by commitments, spent, and what the envelopes have left.
    pub committed: Money,
    pub spent: Money,
    pub available: Money,
}

/// The program in the fiscal year awards are made in now ([`crate::app::default_fiscal_year`]).
pub async fn program_year(state: &AppState) -> Result<ProgramYear, AppError> {
    let year = crate::app::awards::current_fiscal_year(state);
    // Past its last fiscal year, the program still awards in it: what was submitted since counts there.
    let today = crate::domain::FiscalYear::of(chrono::Utc::now().date_naive());
    let to = if today == year { year.next().start().to_string() } else { "9999-12-31".to_string() };
    let (fiscal_year, from) = (year.to_string(), year.start().to_string());
    let envelopes: Vec<EnvelopeYear> =
        envelopes(state).await?.into_iter().filter(|e| e.fiscal_year == fiscal_year).collect();
    Ok(ProgramYear {
        requested: state.db.requested_between(&from, &to).await?,
        awarded: state.db.awarded_in(&fiscal_year).await?,
        committed: envelopes.iter().map(|e| e.committed).sum(),
        spent: envelopes.iter().map(|e| e.spent).sum(),
        available: envelopes.iter().map(|e| e.available).sum(),
        fiscal_year,
    })
}

/// Every envelope's fiscal years, in order.
pub async fn envelopes(state: &AppState) -> Result<Vec<EnvelopeYear>, AppError> {
    Ok(state
        .db
        .ledger_balances()
        .await?
        .into_iter()
        .map(|((envelope, fiscal_year), b)| EnvelopeYear {
            envelope,
            fiscal_year,
            allocated: Money::from_cents(b.allocated),
            committed: Money::from_cents(b.committed),
            spent: Money::from_cents(b.spent),
            available: Money::from_cents(b.available()),
        })
        .collect())
}
