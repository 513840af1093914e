//! Pure rules of the program: no I/O, no database, no clock. Everything here is tested without a database.

pub mod account;
pub mod assignment;
pub mod award;
pub mod fiscal;
pub mod grant;
pub mod ledger;
pub mod money;
pub mod organism;
pub mod tax;
pub mod workflow;

pub use fiscal::FiscalYear;
pub use money::{Hours, Money, MoneyError, NumberStyle};
pub use organism::{Email, Language, Neq, OrganismError, PostalCode, Region};

use workflow::Role;

/// Who does something: a stable identifier for the audit trail and the role the workflow checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub id: String,
    pub role: Role,
}
