//! Review: what reviewers and program officers type (a review, an approval's proposal) and its conversion
//! into the domain, one set of rules for both doors; reviewers assigned and reassigned; reviews that
//! complete an application's review; the program officer's decisions.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::AppState;
use crate::app::grants::{check_reason, fire_with, firing, reason_rules};
use crate::app::{AppError, Code, FieldProblem, Fields, Refusal};
use crate::domain::grant::LineCategory;
use crate::domain::workflow::{FireError, GrantUse, Queue, Role, Workflow};
use crate::domain::{Actor, GrantId, Hours, Money, NumberStyle, OrganismId, UserId};
use crate::i18n;
use crate::policy::Program;
use crate::policy::rubric::{RECOMMENDATIONS, Rubric, ScoreError};
use crate::storage::StorageError;
use crate::storage::grants::{self, Firing, Grant, Proposal, SYSTEM_ACTOR};
use crate::storage::outbox::{AssignmentMail, Mail, Recipient};
use crate::storage::review::{self, NewReview};

pub const COMMENT_MAX: usize = 5_000;

/// A review as typed: one score per criterion (text, as typed), a comment, a recommendation.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RawReview {
    pub scores: BTreeMap<String, String>,
    pub comment: String,
    pub recommendation: String,
}

impl RawReview {
    /// Checks every score against the rubric (fields `score.{code}`), the comment and the recommendation.
    pub fn convert(&self, f: &mut Fields, rubric: &Rubric) -> Option<NewReview> {
        let mut scores = BTreeMap::new();
        for code in self.scores.keys().filter(|c| !rubric.criteria.iter().any(|k| &k.code == *c)) {
            f.add(format!("score.{code}"), FieldProblem::Choice);
        }
        for c in &rubric.criteria {
            let field = format!("score.{}", c.code);
            let typed = self.scores.get(&c.code).map(|s| s.trim()).unwrap_or_default();
            if typed.is_empty() {
                f.add(field, FieldProblem::Required);
                continue;
            }
            match typed.parse::<i64>() {
                Ok(score) if (rubric.min..=rubric.max).contains(&score) => {
                    scores.insert(c.code.clone(), score);
                }
                _ => f.add(field, FieldProblem::Score { min: rubric.min, max: rubric.max }),
            }
        }
        let comment = self.comment.trim().to_string();
        if comment.is_empty() {
            f.add("comment", FieldProblem::Required);
        } else if comment.chars().count() > COMMENT_MAX {
            f.add("comment", FieldProblem::TooLong { max: COMMENT_MAX as u64 });
        }
        let recommendation = self.recommendation.trim().to_string();
        if !RECOMMENDATIONS.contains(&recommendation.as_str()) {
            f.add("recommendation", FieldProblem::Choice);
        }
        if !f.is_empty() {
            return None;
        }
        let pairs: Vec<(&str, i64)> = scores.iter().map(|(c, s)| (c.as_str(), *s)).collect();
        let weighted = match rubric.weighted(&pairs) {
            Ok(w) => w,
            Err(ScoreError::Missing(code) | ScoreError::Unknown(code) | ScoreError::OutOfScale { code, .. }) => {
                f.add(format!("score.{code}"), FieldProblem::Score { min: rubric.min, max: rubric.max });
                return None;
            }
        };
        Some(NewReview { scores, weighted, comment, recommendation })
    }
}

/// An approval's proposal as typed: amounts in dollars, coaching hours.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RawProposal {
    pub equipment: String,
    pub software: String,
    pub coaching_hours: String,
}

impl RawProposal {
    /// The proposal the form starts from: what the organism asked for, written in `style`.
    pub fn requested(grant: &Grant, style: NumberStyle) -> RawProposal {
        let application = grant.application();
        RawProposal {
            equipment: application.requested(LineCategory::Equipment).written(style),
            software: application.requested(LineCategory::Software).written(style),
            coaching_hours: application.requested_coaching_hours.written(style),
        }
    }

    /// The three amounts, each well-formed (two decimals at most, not negative; blank is zero), every
    /// refused one recorded under its field.
    pub fn amounts(&self, f: &mut Fields) -> Option<(Money, Money, Hours)> {
        let money = |f: &mut Fields, field: &str, typed: &str| {
            let typed = typed.trim();
            if typed.is_empty() { Some(Money::ZERO) } else { f.money(field, typed) }
        };
        let equipment = money(f, "equipment", &self.equipment);
        let software = money(f, "software", &self.software);
        let hours = self.coaching_hours.trim();
        let coaching_hours = if hours.is_empty() { Some(Hours::default()) } else { f.hours("coaching_hours", hours) };
        Some((equipment?, software?, coaching_hours?))
    }

    /// Each amount well-formed (two decimals at most, not negative), something proposed, and the total
    /// with the coaching hours at the program's rate within the per-bourse cap (field `proposal`).
    pub fn convert(&self, f: &mut Fields, program: &Program) -> Option<Proposal> {
        let (equipment, software, coaching_hours) = self.amounts(f)?;
        let total =
            equipment.amount() + software.amount() + coaching_hours.amount() * program.coaching_hourly_rate.amount();
        if total.is_zero() {
            f.add("proposal", FieldProblem::NothingProposed);
            return None;
        }
        if total > program.bourse_cap.amount() {
            f.add("proposal", FieldProblem::AboveCap { cap: program.bourse_cap });
            return None;
        }
        Some(Proposal { equipment, software, coaching_hours })
    }
}

/// The message telling a reviewer an application was assigned to them.
pub fn assignment_mail(state: &AppState) -> AssignmentMail {
    let base = state.public_url.clone();
    Arc::new(move |to: &Recipient, grant_id: GrantId, title: &str| {
        let lang = to.language();
        let args = [
            ("name", to.display_name.clone()),
            ("title", if title.trim().is_empty() { format!("#{grant_id}") } else { title.to_string() }),
            ("link", format!("{base}/grants/{grant_id}/review")),
        ];
        Mail {
            to: to.email.clone(),
            subject: i18n::t_args(lang, "mail-assigned-subject", &args),
            body: i18n::t_args(lang, "mail-assigned-body", &args),
        }
    })
}

/// The states in which reviews are accepted: those of the review queue.
pub fn reviewing_states(state: &AppState) -> Vec<String> {
    state.grant_workflow().queue(Queue::Review).to_vec()
}

/// Whom a program officer assigns: one reviewer they chose, or as many as the review policy wants,
/// chosen by octroi (balanced, the applicant's region first, never against the conflict rule).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reviewers {
    One(UserId),
    Automatic,
}

/// Takes a reviewer off an application they have not reviewed yet; `false` when there was nothing to take
/// off (not assigned, or the review is in).
pub async fn unassign(state: &AppState, grant_id: GrantId, reviewer: UserId) -> Result<bool, AppError> {
    Ok(state.db.unassign_reviewer(grant_id, reviewer).await?)
}

/// Assigns reviewers to an application, only while it is in review (never to a draft, which would let
/// them read it, nor to a decided or closed application): the state is read in the assignment's own
/// transaction, so that a step firing meanwhile cannot slip between the check and the assignment.
/// Returns how many reviewers the application still lacks (too few may review it).
pub async fn assign(state: &AppState, grant_id: GrantId, reviewers: Reviewers) -> Result<usize, AppError> {
    let (reviewing, mail) = (reviewing_states(state), assignment_mail(state));
    let wanted = state.rubric.reviewers_per_application as usize;
    let missing = state
        .db
        .write(move |tx| {
            Box::pin(async move {
                let grant = grants::grant_in(tx, grant_id).await?;
                if !reviewing.contains(&grant.state) {
                    return Err(AppError::refused(Code::NotAssignable, Refusal::Conflict));
                }
                match reviewers {
                    Reviewers::One(user) => review::assign_one(tx, grant_id, user, &mail).await?,
                    Reviewers::Automatic => {
                        review::auto_assign(tx, &[grant_id], wanted, &mail).await?;
                    }
                }
                Ok(wanted.saturating_sub(review::reviewers_of(tx, grant_id).await?.len()))
            })
        })
        .await?;
    state.mail_waker.notify_one();
    Ok(missing)
}

/// A reviewer's review, and the decision queue reached when it is the last one needed (octroi fires
/// `complete_reviews` itself), in one transaction. A review that does not complete them leaves the
/// application as it is.
/// Saves a reviewer's review in progress as typed (nothing checked against the rubric yet; only the
/// lengths), for them to finish later; submitting the review deletes it.
pub async fn save_review_draft(
    state: &AppState,
    grant_id: GrantId,
    reviewer_id: UserId,
    typed: &RawReview,
) -> Result<(), AppError> {
    let mut f = Fields::default();
    let mut scores = BTreeMap::new();
    for c in &state.rubric.criteria {
        if let Some(score) = typed.scores.get(&c.code).map(|s| s.trim()) {
            f.at_most(&format!("score.{}", c.code), score, 10);
            scores.insert(c.code.clone(), score.to_string());
        }
    }
    f.at_most("comment", &typed.comment, COMMENT_MAX);
    if !RECOMMENDATIONS.contains(&typed.recommendation.as_str()) && !typed.recommendation.is_empty() {
        f.add("recommendation", FieldProblem::Choice);
    }
    if !f.is_empty() {
        return Err(f.into_error());
    }
    let draft = review::ReviewDraft {
        scores,
        recommendation: typed.recommendation.clone(),
        comment: typed.comment.clone(),
        saved_at: String::new(),
    };
    Ok(state.db.save_review_draft(grant_id, reviewer_id, reviewing_states(state), draft).await?)
}

/// The review in progress a reviewer saved, as the form shows it, and when it was saved.
pub async fn review_draft(
    state: &AppState,
    grant_id: GrantId,
    reviewer_id: UserId,
) -> Result<Option<(RawReview, String)>, AppError> {
    Ok(state
        .db
        .review_draft(grant_id, reviewer_id)
        .await?
        .map(|d| (RawReview { scores: d.scores, comment: d.comment, recommendation: d.recommendation }, d.saved_at)))
}

pub async fn submit_review(
    state: &AppState,
    grant_id: GrantId,
    reviewer_id: UserId,
    new: NewReview,
) -> Result<(), AppError> {
    let (workflow, reviewing) = (state.grant_workflow().clone(), reviewing_states(state));
    let firing = firing(state, workflow.event(GrantUse::CompleteReviews), "");
    state
        .db
        .write(move |tx| {
            Box::pin(async move {
                review::submit_review(tx, grant_id, reviewer_id, &reviewing, &new).await?;
                let version = grants::grant_in(tx, grant_id).await?.version;
                let system = Actor { id: SYSTEM_ACTOR.into(), role: Role::System };
                match grants::fire(tx, &workflow, grant_id, version, &system, &firing).await {
                    Ok(_) => Ok(()),
                    Err(StorageError::Refused {
                        error: FireError::GuardFailed { .. } | FireError::NotAllowed { .. },
                        ..
                    }) => Ok(()),
                    Err(e) => Err(e),
                }
            })
        })
        .await?;
    Ok(())
}

/// A reviewer declares a conflict of interest with an organism: they leave its applications they have
/// not reviewed yet, and octroi assigns other reviewers in their place, in one transaction. Returns the
/// applications they left.
pub async fn declare_conflict(
    state: &AppState,
    user_id: UserId,
    organism_id: OrganismId,
    reason: &str,
) -> Result<Vec<GrantId>, AppError> {
    // Staff read it when they reassign; it is required and kept as typed, trimmed.
    let mut f = Fields::default();
    reason_rules(&mut f, reason, true);
    if !f.is_empty() {
        return Err(f.into_error());
    }
    let (wanted, mail, reason) =
        (state.rubric.reviewers_per_application as usize, assignment_mail(state), reason.trim().to_string());
    let left = state
        .db
        .write(move |tx| {
            Box::pin(async move {
                let left = review::declare_conflict(tx, user_id, organism_id, &reason).await?;
                review::auto_assign(tx, &left, wanted, &mail).await?;
                Ok::<_, StorageError>(left)
            })
        })
        .await?;
    state.mail_waker.notify_one();
    Ok(left)
}

/// The event to fire first so that `event` becomes possible: screening begins implicitly when the
/// program officer decides on a submitted application.
pub fn implicit_first<'w>(workflow: &'w Workflow, from: &str, event: &str) -> Option<&'w str> {
    let role = Role::ProgramOfficer;
    if workflow.allowed_events(from, role).iter().any(|e| e == event) {
        return None;
    }
    let first = workflow.event(GrantUse::BeginScreening);
    let next = workflow.transitions.iter().find(|t| t.event == first && t.from == from)?;
    workflow.allowed_events(&next.to, role).iter().any(|e| e == event).then_some(first)
}

/// A bulk action that is not a workflow decision: complete each application's reviewers automatically.
pub const BULK_ASSIGN: &str = "assign";

/// What a program officer may apply at once to applications in `states`: the workflow's decisions
/// allowed from one of them (screening begun first where needed), in the workflow's order, then
/// [`BULK_ASSIGN`] where applications wait for reviews.
pub fn bulk_actions(workflow: &Workflow, states: &[String]) -> Vec<String> {
    let officer = Role::ProgramOfficer;
    let mut actions: Vec<String> = workflow
        .decisions
        .iter()
        .filter(|d| states.iter().any(|s| workflow.allows(s, officer, d) || implicit_first(workflow, s, d).is_some()))
        .cloned()
        .collect();
    let reviewing = workflow.queue(Queue::Review);
    if states.iter().any(|s| reviewing.contains(s)) {
        actions.push(BULK_ASSIGN.to_string());
    }
    actions
}

/// What one bulk action did to one application.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BulkOutcome {
    Decided,
    /// Reviewers completed; how many are still missing.
    Assigned {
        missing: usize,
    },
}

/// Applies one bulk action (a workflow decision, or [`BULK_ASSIGN`]) to one application at the version
/// the officer saw; an approval proposes what was requested.
pub async fn apply_bulk(
    state: &AppState,
    actor: &Actor,
    grant: &Grant,
    action: &str,
    reason: &str,
    numbers: NumberStyle,
) -> Result<BulkOutcome, AppError> {
    if action == BULK_ASSIGN {
        let missing = assign(state, grant.id, Reviewers::Automatic).await?;
        return Ok(BulkOutcome::Assigned { missing });
    }
    let approve = state.grant_workflow().event(GrantUse::Approve);
    let proposal = (action == approve).then(|| RawProposal::requested(grant, numbers));
    decide(state, actor, grant, action, reason, proposal.as_ref(), numbers).await?;
    Ok(BulkOutcome::Decided)
}

/// The program's eligibility rules applied to a grant's application, with what each found.
pub async fn screening<'s>(
    state: &'s AppState,
    grant: &Grant,
    organism: &crate::storage::organisms::Organism,
) -> Result<Vec<crate::policy::eligibility::Finding<'s>>, StorageError> {
    let facts = crate::policy::eligibility::Facts {
        neq: organism.neq.to_string(),
        region: organism.region.code(),
        mission: organism.mission_summary.clone(),
        bourses_awarded: state
            .db
            .bourses_awarded(organism.id, grant.id, state.grant_workflow().event(GrantUse::Award))
            .await?,
    };
    Ok(state.eligibility.findings(&facts))
}

/// Fires one decision on one application, from the manage page or a batch: the reason required where
/// the applicant will read it, the proposal checked for an approval, screening begun when needed. Sending
/// to review an application that fails an eligibility rule overrides the rule: it takes a reason
/// (`override_reason`), kept in the history.
pub async fn decide(
    state: &AppState,
    actor: &Actor,
    grant: &Grant,
    event: &str,
    reason: &str,
    proposal: Option<&RawProposal>,
    numbers: crate::domain::NumberStyle,
) -> Result<(Grant, usize), AppError> {
    let workflow = state.grant_workflow();
    let mut f = Fields::with_numbers(numbers);
    if !workflow.decisions.iter().any(|d| d == event) {
        f.add("event", FieldProblem::Choice);
    }
    let reason = reason.trim();
    check_reason(&mut f, workflow, event, reason);
    if event == workflow.event(GrantUse::SendToReview) && reason.is_empty() {
        let organism = state.db.organism(grant.organism_id).await?;
        if screening(state, grant, &organism).await?.iter().any(|finding| !finding.passed) {
            f.add("override_reason", FieldProblem::RuleOverride);
        }
    }
    let proposal = match proposal {
        _ if event != workflow.event(GrantUse::Approve) => None,
        Some(raw) => raw.convert(&mut f, &state.program),
        None => {
            f.add("proposal", FieldProblem::Required);
            None
        }
    };
    if !f.is_empty() {
        return Err(f.into_error());
    }
    let mut firings = Vec::with_capacity(2);
    if let Some(first) = implicit_first(workflow, &grant.state, event) {
        firings.push(firing(state, first, ""));
    }
    firings.push(Firing { command: proposal.map(grants::Command::Propose), ..firing(state, event, reason) });
    fire_with(state, actor, grant, firings).await
}
