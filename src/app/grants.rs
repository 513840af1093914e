//! Applications and their steps through the grant workflow: firing events from either door, with the
//! e-mails that announce them (queued in the step's transaction, in each recipient's language) and what
//! follows a step in the same transaction (reviewers assigned when an application goes to review).

use crate::AppState;
use crate::app::review::assignment_mail;
use crate::app::{AppError, FieldProblem, Fields};
use crate::domain::Actor;
use crate::domain::workflow::{GrantUse, Workflow};
use crate::i18n;
use crate::storage::StorageError;
use crate::storage::grants::{self, Firing, Grant, Proposal};
use crate::storage::outbox::{Mail, Recipient};
use crate::storage::review;

/// The longest reason a step takes (the applicant reads it in the history and in their e-mail).
pub const REASON_MAX: usize = 2_000;

/// The reason's rules, the same from every door: required where the applicant reads it (the workflow's
/// `reason_required`), and not too long.
pub fn check_reason(f: &mut Fields, workflow: &Workflow, event: &str, reason: &str) {
    reason_rules(f, reason, workflow.reason_required(event));
}

/// A reason, `required` or not, and never longer than [`REASON_MAX`]; recorded as the field `reason`.
pub fn reason_rules(f: &mut Fields, reason: &str, required: bool) {
    let reason = reason.trim();
    if required && !crate::domain::text::says_something(reason) {
        f.add("reason", FieldProblem::Required);
    }
    f.at_most("reason", reason, REASON_MAX);
}

/// A grant's title, or "Demande nº 12 (sans titre)" while it has none: how pages and mails name it.
pub fn grant_title(grant: &Grant, lang: crate::domain::Language) -> String {
    if grant.title.trim().is_empty() {
        i18n::t_args(lang, "grant-untitled", &[("id", grant.id.to_string())])
    } else {
        grant.title.clone()
    }
}

/// The message announcing `event` to one member of the applicant organism.
fn step_mail(state: &AppState, to: &Recipient, grant: &Grant, event: &str, reason: &str) -> Mail {
    let lang = to.language();
    let args = [
        ("name", to.display_name.clone()),
        ("title", grant_title(grant, lang)),
        ("link", format!("{}/grants/{}", state.public_url, grant.id)),
        ("reason", if reason.trim().is_empty() { "-".to_string() } else { reason.trim().to_string() }),
    ];
    Mail {
        to: to.email.clone(),
        subject: i18n::t_args(lang, &format!("mail-step-{event}-subject"), &args),
        body: i18n::t_args(lang, &format!("mail-step-{event}-body"), &args),
    }
}

/// Fires `event` on `grant` (at its version) for `actor`, with the e-mails it announces; then, if the
/// application went to review, assigns its reviewers. Returns the grant after the step, and the number
/// of reviewers still missing when too few could be assigned.
pub async fn fire(
    state: &AppState,
    actor: &Actor,
    grant: &Grant,
    event: &str,
    reason: &str,
    proposal: Option<Proposal>,
) -> Result<(Grant, usize), AppError> {
    let mut firing = firing(state, event, reason);
    firing.command = proposal.map(grants::Command::Propose);
    fire_with(state, actor, grant, vec![firing]).await
}

/// Fires `firings` on `grant` in turn (the first at the grant's version, each next one at the version the
/// previous left), each with the e-mails it announces, and assigns the reviewers when the application goes
/// to review: all in one transaction, so that a refusal or a failure at any step leaves nothing of the
/// others. Returns the grant after the last step, and the number of reviewers still missing when too few
/// could be assigned.
pub(crate) async fn fire_with(
    state: &AppState,
    actor: &Actor,
    grant: &Grant,
    mut firings: Vec<Firing>,
) -> Result<(Grant, usize), AppError> {
    let workflow = state.grant_workflow();
    let mut f = Fields::default();
    for firing in &firings {
        check_reason(&mut f, workflow, &firing.event, &firing.reason);
    }
    if !f.is_empty() {
        return Err(f.into_error());
    }
    if firings.iter().any(|firing| workflow.announces(&firing.event)) {
        let recipients = state.db.organism_recipients(grant.organism_id).await?;
        for firing in firings.iter_mut().filter(|firing| workflow.announces(&firing.event)) {
            firing.mails =
                recipients.iter().map(|to| step_mail(state, to, grant, &firing.event, &firing.reason)).collect();
        }
    }
    let mut announces = firings.iter().any(|firing| !firing.mails.is_empty());
    let send_to_review = workflow.event(GrantUse::SendToReview).to_string();
    let (workflow, actor, id, version) = (workflow.clone(), actor.clone(), grant.id, grant.version);
    let (wanted, mail) = (state.rubric.reviewers_per_application as usize, assignment_mail(state));
    let (after, missing, assigned) = state
        .db
        .write(move |tx| {
            Box::pin(async move {
                let (mut version, mut missing, mut assigned, mut after) = (version, 0, false, None);
                for firing in &firings {
                    let mut fired = grants::fire(tx, &workflow, id, version, &actor, firing).await?;
                    if firing.event == send_to_review {
                        let added = review::auto_assign(tx, &[id], wanted, &mail).await?;
                        assigned |= added.iter().any(|(_, a)| !a.is_empty());
                        missing = wanted.saturating_sub(review::reviewers_of(tx, id).await?.len());
                        // Assigning bumped its version.
                        fired = grants::grant_in(tx, id).await?;
                    }
                    version = fired.version;
                    after = Some(fired);
                }
                let after = after.ok_or(StorageError::NotFound)?;
                Ok::<_, StorageError>((after, missing, assigned))
            })
        })
        .await?;
    announces |= assigned;
    if announces {
        state.mail_waker.notify_one();
    }
    Ok((after, missing))
}

/// A firing with the review policy filled in.
pub fn firing(state: &AppState, event: &str, reason: &str) -> Firing {
    Firing { reviews_required: state.rubric.reviewers_per_application, ..Firing::new(event, reason) }
}

/// A grant's history as `viewer` may read it: staff see who did each step; an organism's members see
/// their own organism's people, and staff by their role only ("L'équipe du programme"), never their
/// e-mail addresses.
pub async fn history_seen_by(
    state: &AppState,
    viewer: crate::domain::account::AccountRole,
    grant: crate::domain::GrantId,
    lang: crate::domain::Language,
) -> Result<Vec<grants::GrantTransition>, StorageError> {
    let history = state.db.grant_history(grant).await?;
    Ok(if viewer.is_staff() { history } else { hide_staff(history, lang) })
}

/// A history as an organism's members read it (a grant's, a purchase's): staff named by their role
/// only ("L'équipe du programme"), never by their e-mail address.
pub fn hide_staff(
    mut history: Vec<grants::GrantTransition>,
    lang: crate::domain::Language,
) -> Vec<grants::GrantTransition> {
    let applicant = crate::domain::account::AccountRole::Member.workflow_role();
    for step in history.iter_mut().filter(|s| s.actor_role != applicant.as_str()) {
        step.actor = i18n::t(lang, &format!("history-actor-{}", step.actor_role));
    }
    history
}

/// What staff said at the step that brought a record where it stands (changes asked, a decline, an
/// invoice refused, a payment failed): that step, when it is the last, gave a reason and was not the
/// organism's own. Pages show it first, where the history's last column would hide it.
pub fn standing_reason(history: &[grants::GrantTransition], state: &str) -> Option<grants::GrantTransition> {
    let applicant = crate::domain::account::AccountRole::Member.workflow_role();
    history
        .last()
        .filter(|s| {
            s.to_state == state && s.actor_role != applicant.as_str() && crate::domain::text::says_something(&s.reason)
        })
        .cloned()
}

/// The program's question an application waits on, when its organism is asked to answer: the reason of
/// the step that brought it to its state, and that step's time.
pub async fn open_question(state: &AppState, grant: &Grant) -> Result<Option<(String, String)>, StorageError> {
    let (workflow, member) = (state.grant_workflow(), crate::domain::account::AccountRole::Member.workflow_role());
    if !workflow.allows(&grant.state, member, workflow.event(GrantUse::Answer)) {
        return Ok(None);
    }
    let history = state.db.grant_history(grant.id).await?;
    Ok(history.into_iter().rev().find(|step| step.to_state == grant.state).map(|step| (step.at, step.reason)))
}
