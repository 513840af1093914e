//! Firing grant events from pages and the API alike: the review policy the guards need, the e-mails that
//! announce a step to the applicant (queued in the step's transaction, in each recipient's language), and
//! what follows a step: reviewers assigned when an application goes to review, the decision queue reached
//! when the last review comes in.

use std::sync::Arc;

use axum::http::StatusCode;

use crate::AppState;
use crate::domain::Actor;
use crate::domain::award::AwardAmounts;
use crate::domain::award::Part;
use crate::domain::workflow::{FireError, GrantUse, Queue, Role, Workflow};
use crate::i18n;
use crate::storage::StorageError;
use crate::storage::grants::{
    self, Acceptance, AnswerFn, AwardLetter, AwardRequest, Firing, Grant, Idempotency, MakeLetter, Proposal,
    SYSTEM_ACTOR, award_day,
};
use crate::storage::outbox::{AssignmentMail, Mail, Recipient};
use crate::storage::review::{self, NewReview};
use crate::web::auth::Caller;
use crate::web::extract::Fields;
use crate::web::problem::FieldProblem;
use crate::web::problem::Problem;
use crate::web::review::{REASON_MAX, RawProposal};

/// The reason's rules, the same from every door: required where the applicant reads it (the workflow's
/// `reason_required`), and not too long.
pub fn check_reason(f: &mut Fields, workflow: &Workflow, event: &str, reason: &str) {
    let reason = reason.trim();
    if workflow.reason_required(event) && reason.is_empty() {
        f.add("reason", FieldProblem::Required);
    }
    if reason.chars().count() > REASON_MAX {
        f.add("reason", FieldProblem::TooLong { max: REASON_MAX as u64 });
    }
}

fn grant_title(grant: &Grant, lang: crate::domain::Language) -> String {
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

/// The message telling a reviewer an application was assigned to them.
pub fn assignment_mail(state: &AppState) -> AssignmentMail {
    let base = state.public_url.clone();
    Arc::new(move |to: &Recipient, grant_id: i64, title: &str| {
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

/// Reviewers are assigned (by hand or automatically) only while the application is in review: never to
/// a draft, which would let them read it, nor to a decided or closed application.
pub fn check_assignable(state: &AppState, grant: &Grant) -> Result<(), Problem> {
    if reviewing_states(state).contains(&grant.state) {
        Ok(())
    } else {
        Err(Problem::refused("not-assignable", axum::http::StatusCode::CONFLICT))
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
) -> Result<(Grant, usize), Problem> {
    let mut firing = firing(state, event, reason);
    firing.proposal = proposal;
    fire_with(state, actor, grant, vec![firing]).await
}

/// A person's award is made under an Idempotency-Key (the API's header, the key the page's preview
/// gave), with the answer to keep for the key's retries.
pub struct AwardKey {
    pub key: String,
    pub user_id: i64,
    pub answer: Arc<AnswerFn>,
}

/// How an award ended.
#[derive(Debug)]
pub enum Awarded {
    /// Made now; with the answer kept for its key.
    Now(Box<Grant>, Option<String>),
    /// Made before under the same key, for the same request: the answer kept then.
    Before(String),
}

impl Awarded {
    /// The grant awarded now, if it was.
    pub fn made(self) -> Option<Grant> {
        match self {
            Awarded::Now(grant, _) => Some(*grant),
            Awarded::Before(_) => None,
        }
    }
}

/// Awards an approved grant: the transition, the commitments of its funds in the ledger for
/// `fiscal_year`, the applicant's e-mail and the key's answer, in one transaction. A person's award
/// carries the [`preview_id`](crate::domain::award::preview_id) of what they previewed and is refused
/// unless it commits exactly that. A key comes back with the same request (same
/// [`request_hash`](crate::domain::award::request_hash), from either door) and gets the answer kept, or
/// with another and is refused (422 `idempotency-key-reused`).
pub async fn award(
    state: &AppState,
    actor: &Actor,
    grant: &Grant,
    amounts: AwardAmounts,
    fiscal_year: &str,
    key: Option<AwardKey>,
    previewed: Option<String>,
) -> Result<Awarded, Problem> {
    let idempotency = key.map(|k| Idempotency {
        request_hash: crate::domain::award::request_hash(
            k.user_id,
            grant.id,
            grant.version,
            &amounts,
            fiscal_year,
            previewed.as_deref().unwrap_or_default(),
        ),
        key: k.key,
        user_id: k.user_id,
        answer: k.answer,
    });
    if let Some(i) = &idempotency
        && let Some(answer) = kept_answer(state, i).await?
    {
        return Ok(Awarded::Before(answer));
    }
    let payers = state.program.categories.iter().map(|c| (c.code.clone(), c.envelopes.clone())).collect();
    // The letter is made now, from the split the envelopes' room gives now, before the award takes their
    // lock; the award records its SHA-256 if it commits the same parts that day, and makes it again
    // otherwise. Its bytes are the same each time it is made.
    let organism = state.db.organism(grant.organism_id).await?;
    let letter = crate::letters::before_award(state, grant, &organism, &amounts);
    let year = fiscal_year.to_string();
    let make: Arc<MakeLetter> = Arc::new(move |parts: &[Part], at: &str| {
        let parts = parts.iter().map(|p| (p.envelope.clone(), p.category.clone(), p.amount)).collect();
        let letter = letter.clone().with_award(parts, year.clone(), at);
        crate::letters::sha256_hex(&crate::letters::render(&letter, crate::domain::Language::Fr))
    });
    let rendered = match award_preview(state, &amounts, fiscal_year).await {
        Ok(parts) => {
            let (make, at) = (make.clone(), crate::storage::now());
            let sha256 = tokio::task::spawn_blocking({
                let (parts, at) = (parts.clone(), at.clone());
                move || make(&parts, &at)
            })
            .await
            .map_err(StorageError::from)?;
            Some((parts, award_day(&at).to_string(), sha256))
        }
        // The award will refuse too, saying why.
        Err(_) => None,
    };
    let request = AwardRequest {
        amounts,
        hourly_rate: state.program.coaching_hourly_rate,
        cap: state.program.bourse_cap,
        fiscal_year: fiscal_year.to_string(),
        payers,
        idempotency: idempotency.clone(),
        previewed,
        letter: Some(AwardLetter { rendered, make }),
    };
    let firing = Firing { award: Some(request), ..firing(state, state.grant_workflow().event(GrantUse::Award), "") };
    match fire_with(state, actor, grant, vec![firing]).await {
        Ok((awarded, _)) => {
            let answer = match &idempotency {
                Some(i) => state.db.idempotency(&i.key).await?.and_then(|(_, _, _, answer)| answer),
                None => None,
            };
            Ok(Awarded::Now(Box::new(awarded), answer))
        }
        // Another request with this key committed first: answer as it was answered.
        Err(Problem::Refused { code: "idempotency-replay", .. }) if idempotency.is_some() => {
            let i = idempotency.as_ref().expect("a key");
            kept_answer(state, i)
                .await?
                .map(Awarded::Before)
                .ok_or(Problem::refused("idempotency-in-progress", StatusCode::CONFLICT))
        }
        Err(e) => Err(e),
    }
}

/// The answer kept for a key already used by the same request; a refusal if it was used by another.
async fn kept_answer(state: &AppState, i: &Idempotency) -> Result<Option<String>, Problem> {
    match state.db.idempotency(&i.key).await? {
        None => Ok(None),
        Some((user, hash, ..)) if user != i.user_id || hash != i.request_hash => {
            Err(Problem::refused("idempotency-key-reused", StatusCode::UNPROCESSABLE_ENTITY))
        }
        Some((.., Some(answer))) => Ok(Some(answer)),
        // Claimed and answered in one transaction: a key without an answer was claimed by octroi's
        // earlier versions, which wrote the answer apart.
        Some((.., None)) => Err(Problem::refused("idempotency-in-progress", StatusCode::CONFLICT)),
    }
}

/// How an award would split across envelopes for `fiscal_year`, with the room each has now; writes
/// nothing (the confirmation decides again, inside its transaction).
pub async fn award_preview(
    state: &AppState,
    amounts: &AwardAmounts,
    fiscal_year: &str,
) -> Result<Vec<crate::domain::award::Part>, Problem> {
    if !state.program.fiscal_years.iter().any(|fy| fy.to_string() == fiscal_year) {
        return Err(Problem::Ledger(crate::domain::ledger::LedgerError::NoAllocation {
            envelope: "FQIS/FDMT".into(),
            fiscal_year: fiscal_year.into(),
        }));
    }
    let payers = state.program.categories.iter().map(|c| (c.code.clone(), c.envelopes.clone())).collect();
    let balances = state.db.ledger_balances().await?;
    let room = balances
        .iter()
        .filter(|((_, fy), _)| fy == fiscal_year)
        .map(|((e, _), b)| (e.clone(), b.available()))
        .collect();
    crate::domain::award::plan(amounts, state.program.coaching_hourly_rate, state.program.bourse_cap, &payers, &room)
        .map_err(|e| Problem::from(crate::storage::StorageError::of_award(e, fiscal_year)))
}

/// The fiscal year an award commits in by default: today's, or the program's last when the program's
/// years are over (the program team sets the years in `policies/dataide.toml`).
pub fn default_fiscal_year(state: &AppState) -> String {
    let today = crate::domain::FiscalYear::of(chrono::Utc::now().date_naive());
    let years = &state.program.fiscal_years;
    if years.contains(&today) { today } else { *years.last().expect("a program has fiscal years") }.to_string()
}

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
    user_id: i64,
    grant: &Grant,
    signature: &Signature,
    client_address: std::net::IpAddr,
) -> Result<Grant, Problem> {
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
        return Err(f.into_problem());
    }
    // The letter as it reads now (the same bytes as at award time unless the organism's name or address
    // changed since): its SHA-256 says which text was accepted. Before the award there is none, and the
    // workflow refuses the acceptance.
    let letter_sha256 = match crate::letters::letter_for(state, grant).await? {
        Some(letter) => {
            crate::letters::sha256_hex(&crate::letters::render_off_thread(letter, crate::domain::Language::Fr).await)
        }
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
    let firing = Firing { acceptance: Some(acceptance), ..firing(state, accept, &format!("{name}, {title}")) };
    Ok(fire_with(state, actor, grant, vec![firing]).await?.0)
}

/// The longest name or title a signature takes.
pub const SIGNATURE_MAX: usize = 200;

/// Fires `firings` on `grant` in turn (the first at the grant's version, each next one at the version the
/// previous left), each with the e-mails it announces, and assigns the reviewers when the application goes
/// to review: all in one transaction, so that a refusal or a failure at any step leaves nothing of the
/// others. Returns the grant after the last step, and the number of reviewers still missing when too few
/// could be assigned.
async fn fire_with(
    state: &AppState,
    actor: &Actor,
    grant: &Grant,
    mut firings: Vec<Firing>,
) -> Result<(Grant, usize), Problem> {
    let workflow = state.grant_workflow();
    let mut f = Fields::default();
    for firing in &firings {
        check_reason(&mut f, workflow, &firing.event, &firing.reason);
    }
    if !f.is_empty() {
        return Err(f.into_problem());
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
                let (mut version, mut missing, mut assigned) = (version, 0, false);
                for firing in &firings {
                    version = grants::fire(tx, &workflow, id, version, &actor, firing).await?.version;
                    if firing.event == send_to_review {
                        let added = review::auto_assign(tx, &[id], wanted, &mail).await?;
                        assigned |= added.iter().any(|(_, a)| !a.is_empty());
                        missing = wanted.saturating_sub(review::reviewers_of(tx, id).await?.len());
                    }
                }
                Ok::<_, StorageError>((grants::grant_in(tx, id).await?, missing, assigned))
            })
        })
        .await?;
    announces |= assigned;
    if announces {
        state.mail_waker.notify_one();
    }
    Ok((after, missing))
}

/// A reviewer's review, and the decision queue reached when it is the last one needed (octroi fires
/// `complete_reviews` itself), in one transaction. A review that does not complete them leaves the
/// application as it is.
pub async fn submit_review(state: &AppState, grant_id: i64, reviewer_id: i64, new: NewReview) -> Result<(), Problem> {
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
    user_id: i64,
    organism_id: i64,
    reason: &str,
) -> Result<Vec<i64>, Problem> {
    let (wanted, mail, reason) =
        (state.rubric.reviewers_per_application as usize, assignment_mail(state), reason.to_string());
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

/// A firing with the review policy filled in.
pub fn firing(state: &AppState, event: &str, reason: &str) -> Firing {
    Firing { reviews_required: state.rubric.reviewers_per_application, ..Firing::new(event, reason) }
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

/// Fires one decision on one application, from the manage page or a batch: the reason required where
/// the applicant will read it, the proposal checked for an approval, screening begun when needed.
pub async fn decide(
    state: &AppState,
    caller: &Caller,
    grant: &Grant,
    event: &str,
    reason: &str,
    proposal: Option<&RawProposal>,
    numbers: crate::domain::NumberStyle,
) -> Result<(Grant, usize), Problem> {
    let workflow = state.grant_workflow();
    let mut f = Fields::with_numbers(numbers);
    if !workflow.decisions.iter().any(|d| d == event) {
        f.add("event", FieldProblem::Choice);
    }
    let reason = reason.trim();
    check_reason(&mut f, workflow, event, reason);
    let proposal = match proposal {
        _ if event != workflow.event(GrantUse::Approve) => None,
        Some(raw) => raw.convert(&mut f, &state.program),
        None => {
            f.add("proposal", FieldProblem::Required);
            None
        }
    };
    if !f.is_empty() {
        return Err(f.into_problem());
    }
    let mut firings = Vec::with_capacity(2);
    if let Some(first) = implicit_first(workflow, &grant.state, event) {
        firings.push(firing(state, first, ""));
    }
    firings.push(Firing { proposal, ..firing(state, event, reason) });
    fire_with(state, &caller.actor(), grant, firings).await
}
