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
    Refused { code: Code, refusal: Refusal },
    #[error(transparent)]
    Storage(#[from] StorageError),
}

impl AppError {
    pub fn refused(code: Code, refusal: Refusal) -> AppError {
        AppError::Refused { code, refusal }
    }
}

/// Declares the refusal codes once: the enum, its `ALL` (complete by construction) and each stable string.
macro_rules! codes {
    ($($name:ident = $code:literal,)*) => {
        /// Every refusal's stable code. Its title and detail are the messages `problem-{code}` and
        /// `problem-{code}-detail`, in each language; the catalogue test reads `Code::ALL`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code { $($name,)* }

        impl Code {
            pub const ALL: &[Code] = &[$(Code::$name,)*];

            pub fn as_str(self) -> &'static str {
                match self { $(Code::$name => $code,)* }
            }
        }

        impl std::fmt::Display for Code {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

codes! {
    // Use cases.
    GrantNotActive = "grant-not-active",
    PurchaseNotEditable = "purchase-not-editable",
    PaymentRunChanged = "payment-run-changed",
    IdempotencyInProgress = "idempotency-in-progress",
    IdempotencyKeyReused = "idempotency-key-reused",
    IdempotencyKeyRequired = "idempotency-key-required",
    IdempotencyReplay = "idempotency-replay",
    OneBoursePerOrganism = "one-bourse-per-organism",
    NotAssignable = "not-assignable",
    PasswordChangeRequired = "password-change-required",
    // Storage's refusals.
    NotReviewable = "not-reviewable",
    NotAssigned = "not-assigned",
    AlreadyReviewed = "already-reviewed",
    ConflictOfInterest = "conflict-of-interest",
    NotAReviewer = "not-a-reviewer",
    PurchaseNotPayable = "purchase-not-payable",
    PaymentLineSettled = "payment-line-settled",
    ReturnSettled = "return-settled",
    AwardNotAsPreviewed = "award-not-as-previewed",
    AwardNoEnvelope = "award-no-envelope",
    AwardNothing = "award-nothing",
    AwardAboveCap = "award-above-cap",
    // What a step lacks: the command its effect takes.
    ProposalRequired = "proposal-required",
    AwardRequired = "award-required",
    AcceptanceRequired = "acceptance-required",
    ReceiptRequired = "receipt-required",
    InvoiceRequired = "invoice-required",
    ReturnRequired = "return-required",
    RunLineRequired = "run-line-required",
    CommandRequired = "command-required",
}
