//! Acceptance: a member signs the award letter on the organism's behalf, and octroi activates the grant.

use crate::AppState;
use crate::app::grants::{fire_with, firing};
use crate::app::{AppError, FieldProblem, Fields};
use crate::domain::workflow::GrantUse;
use crate::domain::{Actor, UserId};
use crate::storage::grants::{Acceptance, Command, Firing, Grant};

/// A member's signature of the award letter, as typed.
#[derive(Debug, Clone, Default)]
pub struct Signature {
    pub name: String,
    pub title: String,
    /// The member read the letter and accepts its conditions on the organism's behalf.
    pub confirmed: bool,
}

/// A member accepts the award letter on the organism's behalf: the signature (name, title, time, the
/// network address it came from, the SHA-256 of the French letter) is recorded with the `accept`
/// transition, and octroi activates the grant in the same transaction. Only members of the organism
/// may: `grant.accept` in the policies, `applicant` in the workflow.
pub async fn accept(
    state: &AppState,
    actor: &Actor,
    user_id: UserId,
    grant: &Grant,
    signature: &Signature,
    client_address: std::net::IpAddr,
) -> Result<Grant, AppError> {
    let mut f = Fields::default();
    let name = f.required_line("signer_name", signature.name.clone());
    let title = f.required_line("signer_title", signature.title.clone());
    for (field, value) in [("signer_name", &name), ("signer_title", &title)] {
        if value.chars().count() > SIGNATURE_MAX {
            f.add(field, FieldProblem::TooLong { max: SIGNATURE_MAX as u64 });
        }
    }
    if !signature.confirmed {
        f.add("accept_conditions", FieldProblem::Required);
    }
    if !f.is_empty() {
        return Err(f.into_error());
    }
    // The letter as it reads now (the same bytes as at award time unless the organism's name or address
    // changed since): its SHA-256 says which text was accepted. Before the award there is none, and the
    // workflow refuses the acceptance.
    let letter_sha256 = match crate::letters::letter_for(state, grant).await? {
        Some(letter) => crate::domain::sha256_hex(
            &crate::letters::render_off_thread(letter.as_awarded(), crate::domain::Language::Fr).await,
        ),
        None => String::new(),
    };
    let acceptance = Acceptance {
        user_id,
        signer_name: name.clone(),
        signer_title: title.clone(),
        letter_sha256,
        client_address: client_address.to_string(),
    };
    let accept = state.grant_workflow().event(GrantUse::Accept);
    let signed = format!("{name}, {title}");
    let firing = Firing { command: Some(Command::Accept(acceptance)), ..firing(state, accept, &signed) };
    Ok(fire_with(state, actor, grant, vec![firing]).await?.0)
}

/// The longest name or title a signature takes.
pub const SIGNATURE_MAX: usize = 200;
