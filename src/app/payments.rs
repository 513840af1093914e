//! Payment runs (issue 13): finance chooses verified purchases, sees what the run takes from each
//! envelope and fiscal year, sends the bank its file, then marks each line as the bank answered: paid
//! (the purchase's `pay` step writes the spends) or failed (the purchase waits for the next run). The
//! page and the API use these, as they use `app::purchases`.

use crate::AppState;
use crate::app::grants::check_reason;
use crate::app::purchases::{require_role, rules, step_mail};
use crate::app::{AppError, Code, FieldProblem, Fields, Refusal};
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
    (actor, by): (&Actor, UserId),
    (run, line): (RunId, i64),
    outcome: Outcome,
    reason: &str,
) -> Result<(), AppError> {
    require_payer(state, actor)?;
    let workflow = state.purchase_workflow();
    let purchase = state.db.run_line_purchase(run, line).await?;
    let mut f = Fields::default();
    check_reason(&mut f, workflow, &event(state, outcome), reason);
    if !f.is_empty() {
        return Err(f.into_error());
    }
    let firing = firing(state, purchase, outcome, reason).await?;
    let announces = !firing.mails.is_empty();
    state.db.settle_run_line(workflow, rules(state), Answer { run, line, outcome, by }, actor, firing).await?;
    if announces {
        state.mail_waker.notify_one();
    }
    Ok(())
}

/// Records that the bank paid every line of the run still waiting, in one step: `seen` is how many
/// lines were waiting when finance decided (on the page, in the request); if that changed meanwhile,
/// nothing is written (409) and finance looks again.
pub async fn clear_waiting(
    state: &AppState,
    (actor, by): (&Actor, UserId),
    run: RunId,
    seen: i64,
) -> Result<(), AppError> {
    require_payer(state, actor)?;
    state.db.run(run).await?; // a run that does not exist: not found, whatever count was sent
    let waiting = state.db.waiting_lines(run).await?;
    if waiting.len() as i64 != seen {
        return Err(AppError::refused(Code::PaymentRunChanged, Refusal::Conflict));
    }
    let mut lines = Vec::with_capacity(waiting.len());
    for (line, purchase) in waiting {
        lines.push((line, firing(state, purchase, Outcome::Cleared, "").await?));
    }
    let announces = lines.iter().any(|(_, f)| !f.mails.is_empty());
    state.db.clear_run_lines(state.purchase_workflow(), rules(state), (run, by), actor, lines).await?;
    if announces {
        state.mail_waker.notify_one();
    }
    Ok(())
}

/// The purchase's step an answer fires: `pay`, or `fail_payment`.
fn event(state: &AppState, outcome: Outcome) -> String {
    let step = match outcome {
        Outcome::Cleared => PurchaseUse::Pay,
        Outcome::Rejected => PurchaseUse::FailPayment,
    };
    state.purchase_workflow().event(step).to_string()
}

/// The step an answer fires on `purchase`, with the mails to the organism's members when the workflow
/// announces it.
async fn firing(state: &AppState, purchase: PurchaseId, outcome: Outcome, reason: &str) -> Result<Firing, AppError> {
    let event = event(state, outcome);
    let mut firing = Firing { event: event.clone(), reason: reason.trim().into(), ..Default::default() };
    if state.purchase_workflow().announces(&event) {
        let p = state.db.purchase(purchase).await?;
        let grant = state.db.grant(p.grant_id).await?;
        let recipients = state.db.organism_recipients(grant.organism_id).await?;
        firing.mails = recipients.iter().map(|to| step_mail(state, to, &grant, &p, &event, reason)).collect();
    }
    Ok(firing)
}
