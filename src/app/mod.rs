//! The use cases: what octroi does for the people who use it, one function each, whichever door they
//! come through (a page, the API, the demo, the tests). Each takes the caller and inputs already parsed
//! into domain types, runs as one transaction, and returns its result or an [`AppError`]. Nothing here
//! knows HTTP.

pub mod acceptance;
pub mod applications;
pub mod awards;
pub mod conversation;
pub mod error;
pub mod fields;
pub mod finance;
pub mod grants;
pub mod payments;
pub mod purchases;
pub mod review;

pub use acceptance::{SIGNATURE_MAX, Signature, accept};
pub use awards::{AwardKey, Awarded, award, award_preview, default_fiscal_year};
pub use error::{AppError, Code, Refusal};
pub use fields::{FieldError, FieldProblem, Fields};
pub use grants::{check_reason, fire, firing};
pub use review::{
    RawProposal, RawReview, Reviewers, assign, assignment_mail, decide, declare_conflict, implicit_first,
    reviewing_states, submit_review, unassign,
};
