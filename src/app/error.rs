//! What a use case answers when it cannot do what was asked: the fields at fault, a refusal with a stable
//! code, or storage's refusal (not found, a stale version, the workflow, the ledger and what an envelope
//! lacks). It knows no HTTP: the web maps it to a status and a problem-details body in one place
//! (`web::problem`).

use crate::app::FieldError;
use crate::storage::StorageError;

/// What kind of refusal, for the doors to answer it as they do (a page: a message; the API: a status).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The request cannot be applied as it is written (a key reused for another request).
    Invalid,
    /// Not this person's to do.
    Forbidden,
    /// Not now: the record's state forbids it, or another request got there first.
    Conflict,
}

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("refused fields: {0:?}")]
    Invalid(Vec<FieldError>),
    #[error("refused: {code}")]
    Refused { code: &'static str, refusal: Refusal },
    #[error(transparent)]
    Storage(#[from] StorageError),
}

impl AppError {
    pub fn refused(code: &'static str, refusal: Refusal) -> AppError {
        AppError::Refused { code, refusal }
    }
}
