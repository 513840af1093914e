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
