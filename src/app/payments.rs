//! Payment runs (issue 13): finance chooses verified purchases, sees what the run takes from each
//! envelope and fiscal year, sends the bank its file, then marks each line as the bank answered: paid
//! (the purchase's `pay` step writes the spends) or failed (the purchase waits for the next run). The
//! page and the API use these, as they use `app::purchases`.

use crate::AppState;
use crate::app::grants::check_reason;
use crate::app::purchases::{require_role, rules, step_mail};
use crate::app::{AppError, FieldProblem, Fields};
use crate::domain::workflow::{PurchaseQueue, PurchaseUse};
use crate::domain::{Actor, PurchaseId, RunId, UserId};
use crate::storage::payments::{Answer, Outcome, Payable};
use crate::storage::purchases::Firing;

/// The states a purchase is paid from (the purchase workflow's `pay` queue).
fn pay_states(state: &AppState) -> Vec<String> {
    state.purchase_workflow().queue(PurchaseQueue::Pay).to_vec()
}

/// Only who may pay (the workflow's role for `pay`) makes runs and records the bank's answers.
fn require_payer(state: &AppState, actor: &Actor) -> Result<(), AppError> {
    let from = pay_states(state).into_iter().next().unwrap_or_default();
    require_role(state, actor, &from, PurchaseUse::Pay)
}

/// The purchases a run may pay now, oldest first (at most `limit`).
pub async fn payable(state: &AppState, limit: i64) -> Result<Vec<Payable>, AppError> {
    Ok(state.db.payable(&pay_states(state), limit).await?)
}

/// Makes a run of the purchases chosen; refused (nothing made) when none is chosen or one of them can no
/// longer be paid (paid meanwhile, in another run, its commitments short).
pub async fn make_run(
    state: &AppState,
    actor: &Actor,
    by: UserId,
    purchases: Vec<PurchaseId>,
) -> Result<RunId, AppError> {
    require_payer(state, actor)?;
    if purchases.is_empty() {
        return Err(Fields::field_error("purchases", FieldProblem::Required));
    }
    let mode = state.program.purchases.payment;
    Ok(state.db.create_run(by, mode, pay_states(state), purchases, rules(state)).await?)
}

/// Records the bank's answer for a line: paid, or failed with the bank's reason (required). The
/// purchase's step and the line are written together; the organism's members are told when the workflow
/// announces the step.
pub async fn answer(
    state: &AppState,
    actor: &Actor,
    by: UserId,
    run: RunId,
    line: i64,
    paid: bool,
    reason: &str,
) -> Result<(), AppError> {
    require_payer(state, actor)?;
    let workflow = state.purchase_workflow();
    let event = workflow.event(if paid { PurchaseUse::Pay } else { PurchaseUse::FailPayment }).to_string();
    let purchase = state.db.run_line_purchase(run, line).await?;
    let mut f = Fields::default();
    check_reason(&mut f, workflow, &event, reason);
    if !f.is_empty() {
        return Err(f.into_error());
    }
    let mut firing = Firing { event: event.clone(), reason: reason.trim().into(), ..Default::default() };
    if workflow.announces(&event) {
        let p = state.db.purchase(purchase).await?;
        let grant = state.db.grant(p.grant_id).await?;
        let recipients = state.db.organism_recipients(grant.organism_id).await?;
        firing.mails = recipients.iter().map(|to| step_mail(state, to, &grant, &p, &event, reason)).collect();
    }
    let announces = !firing.mails.is_empty();
    let outcome = if paid { Outcome::Cleared } else { Outcome::Rejected };
    state.db.settle_run_line(workflow, rules(state), Answer { run, line, outcome, by }, actor, firing).await?;
    if announces {
        state.mail_waker.notify_one();
    }
    Ok(())
}
