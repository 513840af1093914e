//! Grants: the application's content, its place in the grant workflow and its audit trail. State changes
//! happen only in [`fire`], which asks the workflow engine and writes the change, its effects and its audit
//! row inside the caller's write transaction, guarded by the grant's version.

use sqlx::any::AnyArguments;
use sqlx::query::QueryAs;
use sqlx::{Any, AnyConnection};

use std::collections::BTreeMap;

use super::ledger::{Context, append, book_for};
use super::outbox::{Mail, enqueue};
use super::records::{self, Kind, Record};
use super::{Db, Result, StorageError, WriteTx, detached, now};
use crate::domain::award::{AwardAmounts, Part, plan, preview_id};
use crate::domain::grant::{Application, GuardFacts, Line, LineCategory};
use crate::domain::ledger::{Account, Operation};
use crate::domain::workflow::{Effect, FireError, Guard, Role, Workflow};
use crate::domain::{Actor, Email, EntryId, GrantId, Hours, Money, OrganismId, UserId};

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Grant {
    pub id: GrantId,
    pub organism_id: OrganismId,
    pub state: String,
    pub version: i64,
    pub title: String,
    pub needs_assessment: String,
    pub project_description: String,
    #[sqlx(rename = "requested_equipment_cents")]
    pub requested_equipment: Money,
    #[sqlx(rename = "requested_software_cents")]
    pub requested_software: Money,
    #[sqlx(rename = "requested_coaching_hundredths")]
    pub requested_coaching: Hours,
    pub contact_name: String,
    pub contact_email: Option<Email>,
    pub created_at: String,
    pub updated_at: String,
    pub state_entered_at: String,
    pub submitted_at: Option<String>,
    pub decided_at: Option<String>,
    pub closed_at: Option<String>,
    pub review_score_hundredths: Option<i64>,
    pub reviews_done: i64,
    #[sqlx(rename = "proposed_equipment_cents")]
    pub proposed_equipment: Option<Money>,
    #[sqlx(rename = "proposed_software_cents")]
    pub proposed_software: Option<Money>,
    #[sqlx(rename = "proposed_coaching_hundredths")]
    pub proposed_coaching: Option<Hours>,
    #[sqlx(rename = "awarded_equipment_cents")]
    pub awarded_equipment: Option<Money>,
    #[sqlx(rename = "awarded_software_cents")]
    pub awarded_software: Option<Money>,
    #[sqlx(rename = "awarded_coaching_hundredths")]
    pub awarded_coaching: Option<Hours>,
    pub awarded_at: Option<String>,
    /// The SHA-256 of the award letter (French), recorded at award time.
    pub letter_sha256: Option<String>,
    /// The requested lines, in order (loaded with the grant).
    #[sqlx(skip)]
    pub lines: Vec<Line>,
}

impl Grant {
    /// What the program officer proposed when approving, once approved.
    pub fn proposal(&self) -> Option<Proposal> {
        Some(Proposal {
            equipment: self.proposed_equipment?,
            software: self.proposed_software?,
            coaching_hours: self.proposed_coaching?,
        })
    }

    pub fn application(&self) -> Application {
        Application {
            title: self.title.clone(),
            needs_assessment: self.needs_assessment.clone(),
            project_description: self.project_description.clone(),
            lines: self.lines.clone(),
            requested_coaching_hours: self.requested_coaching,
            contact_name: self.contact_name.clone(),
            contact_email: self.contact_email.clone(),
        }
    }
}

/// What the program officer proposes when approving: the amounts per category and the coaching hours.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Proposal {
    pub equipment: Money,
    pub software: Money,
    pub coaching_hours: Hours,
}

/// One event to fire on a grant, with what goes with it.
#[derive(Debug, Clone, Default)]
pub struct Firing {
    pub event: String,
    /// Why, in the history (and in the applicant's e-mail for a decline or a request for information).
    pub reason: String,
    /// What the effect that needs one applies (an event whose transition has such an effect refuses to
    /// fire without its command).
    pub command: Option<Command>,
    /// The reviews an application needs (`reviews_complete`; `policies/rubric.toml`).
    pub reviews_required: i64,
    /// Messages that announce the change, queued in its transaction.
    pub mails: Vec<Mail>,
    /// Documents the step comes with (an answer's attachments), attached in its transaction.
    pub documents: Vec<super::documents::NewDocument>,
}

/// The input of the grant effects that take one, carried with the event: one typed command, not one
/// optional field per effect.
#[derive(Debug, Clone)]
pub enum Command {
    /// `record_proposal`: what the program officer proposes.
    Propose(Proposal),
    /// `commit_award`: what to award and commit.
    Award(Box<AwardRequest>),
    /// `record_acceptance`: the member's signature.
    Accept(Acceptance),
}

impl Command {
    /// The effect this command is the input of.
    pub fn effect(&self) -> Effect {
        match self {
            Command::Propose(_) => Effect::RecordProposal,
            Command::Award(_) => Effect::CommitAward,
            Command::Accept(_) => Effect::RecordAcceptance,
        }
    }
}

/// A member's acceptance of the award letter on the organism's behalf.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Acceptance {
    pub user_id: UserId,
    pub signer_name: String,
    pub signer_title: String,
    /// The SHA-256 of the letter accepted.
    pub letter_sha256: String,
    /// The network address the acceptance came from.
    pub client_address: String,
}

/// An acceptance as recorded.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AcceptanceRecord {
    pub grant_id: GrantId,
    pub user_id: UserId,
    pub signer_name: String,
    pub signer_title: String,
    pub letter_sha256: String,
    pub client_address: String,
    pub accepted_at: String,
}

/// An award to commit in the ledger with the transition.
#[derive(Debug, Clone)]
pub struct AwardRequest {
    pub amounts: AwardAmounts,
    pub hourly_rate: Money,
    pub cap: Money,
    /// `2024-2025`
    pub fiscal_year: String,
    /// Each category's envelopes, by priority.
    pub payers: BTreeMap<String, Vec<String>>,
    /// The request's Idempotency-Key, its author and the hash of its body.
    pub idempotency: Option<Idempotency>,
    /// The [`preview_id`] of what the person confirming saw: the award is refused unless it would commit
    /// exactly that. `None` only for octroi's own awards (the demo).
    pub previewed: Option<String>,
    /// The award letter, whose SHA-256 is recorded with the award.
    pub letter: Option<AwardLetter>,
}

/// The award letter of an [`AwardRequest`]: rendered before the award takes the envelopes' lock, from the
/// split the preview saw; the award records its SHA-256 if it commits exactly those parts on that day,
/// and makes the letter again (inside its transaction) otherwise.
#[derive(Clone)]
pub struct AwardLetter {
    /// The parts the letter states, the day it is dated (`2026-11-30`) and its SHA-256.
    pub rendered: Option<(Vec<Part>, String, String)>,
    /// (parts in the order committed, the award's time) → the letter's SHA-256.
    pub make: std::sync::Arc<MakeLetter>,
}

pub type MakeLetter = dyn Fn(&[Part], &str) -> String + Send + Sync;

impl std::fmt::Debug for AwardLetter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AwardLetter").field("rendered", &self.rendered).finish_non_exhaustive()
    }
}

/// The day an award's time falls on, as its letter is dated.
pub fn award_day(at: &str) -> &str {
    at.get(..10).unwrap_or(at)
}

/// An award's Idempotency-Key: claimed in the award's transaction, with the fingerprint of the request
/// ([`request_hash`](crate::domain::award::request_hash)) and the answer given, written in the same
/// transaction, so that a retry gets that answer and nothing is ever half-recorded.
#[derive(Clone)]
pub struct Idempotency {
    pub key: String,
    pub user_id: UserId,
    pub request_hash: String,
    /// The answer to keep for retries, from the grant awarded and the parts committed.
    pub answer: std::sync::Arc<AnswerFn>,
}

pub type AnswerFn = dyn Fn(&Grant, &[Part]) -> String + Send + Sync;

impl std::fmt::Debug for Idempotency {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Idempotency").field("key", &self.key).field("user_id", &self.user_id).finish_non_exhaustive()
    }
}

impl Firing {
    pub fn new(event: &str, reason: &str) -> Firing {
        Firing { event: event.into(), reason: reason.into(), reviews_required: 1, ..Default::default() }
    }
}

/// One state change of a grant, in the history every kind of record shares.
pub type GrantTransition = records::Transition;

const COLUMNS: &str = "id, organism_id, state, version, title, needs_assessment, project_description, \
    requested_equipment_cents, requested_software_cents, requested_coaching_hundredths, contact_name, contact_email, \
    created_at, updated_at, state_entered_at, submitted_at, decided_at, closed_at, review_score_hundredths, reviews_done, \
    proposed_equipment_cents, proposed_software_cents, proposed_coaching_hundredths, awarded_equipment_cents, \
    awarded_software_cents, awarded_coaching_hundredths, awarded_at, letter_sha256";

type GrantQuery<'q> = QueryAs<'q, Any, Grant, AnyArguments<'q>>;

/// Binds the application's eight columns as `$1`…`$8`: title, needs assessment, project description,
/// equipment and software totals (kept with the grant so that queues can filter and sort on them),
/// coaching hours, contact name, contact e-mail.
fn bind_application<'q>(query: GrantQuery<'q>, a: &'q Application) -> GrantQuery<'q> {
    query
        .bind(&a.title)
        .bind(&a.needs_assessment)
        .bind(&a.project_description)
        .bind(a.requested(LineCategory::Equipment).cents())
        .bind(a.requested(LineCategory::Software).cents())
        .bind(a.requested_coaching_hours.hundredths())
        .bind(&a.contact_name)
        .bind(a.contact_email.as_ref().map(|e| e.as_str().to_string()))
}

async fn lines(conn: &mut AnyConnection, grant_id: GrantId) -> Result<Vec<Line>> {
    let rows: Vec<(LineCategory, String, i64, i64)> = sqlx::query_as(
        "SELECT category, description, quantity, unit_price_cents FROM grant_lines WHERE grant_id = $1 ORDER BY position",
    )
    .bind(grant_id)
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(category, description, quantity, unit_price)| Line {
            category,
            description,
            quantity,
            unit_price: Money::from_cents(unit_price),
        })
        .collect())
}

/// Replaces a grant's lines with the application's.
async fn write_lines(conn: &mut AnyConnection, grant_id: GrantId, application: &Application) -> Result<Vec<Line>> {
    super::replace_lines(conn, "grant_lines", "grant_id", grant_id.get(), &application.lines).await?;
    Ok(application.lines.clone())
}

/// Commits an award's funds inside the transition's transaction: claims the Idempotency-Key, reads the
/// books of the envelopes that pay it (locked, on PostgreSQL, in a fixed order), plans the split with
/// the room each has left, and appends one commitment per part.
async fn commit_award(
    conn: &mut AnyConnection,
    backend: super::Backend,
    grant_id: GrantId,
    award: &AwardRequest,
    context: &Context,
    at: &str,
) -> Result<(Vec<Part>, Option<String>)> {
    if let Some(i) = &award.idempotency {
        let claimed = sqlx::query(
            "INSERT INTO idempotency_keys (key, user_id, request_hash, grant_id, created_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(&i.key)
        .bind(i.user_id)
        .bind(&i.request_hash)
        .bind(grant_id)
        .bind(now())
        .execute(&mut *conn)
        .await;
        if let Err(e) = claimed {
            return Err(if super::is_unique_violation(&e) {
                StorageError::IdempotencyReplay { same_request: false, grant_id, response: None }
            } else {
                e.into()
            });
        }
    }
    let mut envelopes: Vec<&String> = award.payers.values().flatten().collect();
    envelopes.sort();
    envelopes.dedup();
    let mut books = BTreeMap::new();
    for envelope in envelopes {
        books.insert(envelope.clone(), book_for(&mut *conn, backend, envelope, &award.fiscal_year, None).await?);
    }
    let room: BTreeMap<String, i64> = books
        .iter()
        .map(|(envelope, book)| {
            let key = (envelope.clone(), award.fiscal_year.clone());
            (envelope.clone(), book.balances().get(&key).map(|b| b.available()).unwrap_or(0))
        })
        .collect();
    let parts = plan(&award.amounts, award.hourly_rate, award.cap, &award.payers, &room)
        .map_err(|e| StorageError::of_award(e, &award.fiscal_year))?;
    if let Some(previewed) = &award.previewed
        && *previewed != preview_id(grant_id, &award.amounts, &award.fiscal_year, &parts)
    {
        return Err(StorageError::NotAsPreviewed);
    }
    for part in &parts {
        let book = books.get_mut(&part.envelope).expect("a book for every paying envelope");
        let op = Operation::Commit {
            account: Account {
                envelope: part.envelope.clone(),
                fiscal_year: award.fiscal_year.clone(),
                category: part.category.clone(),
            },
            grant_id,
            amount: part.amount,
        };
        append(&mut *conn, book, &op, context).await?;
    }
    let Some(letter) = award.letter.clone() else { return Ok((parts, None)) };
    let sha256 = match &letter.rendered {
        Some((stated, day, sha256)) if *stated == parts && day == award_day(at) => sha256.clone(),
        // The split or the day changed since it was rendered: the letter must state what is committed.
        _ => {
            tracing::info!("award letter made again inside the award");
            let (at, parts) = (at.to_string(), parts.clone());
            tokio::task::spawn_blocking(move || (letter.make)(&parts, &at)).await?
        }
    };
    Ok((parts, Some(sha256)))
}

/// Releases what every open commitment of a grant still holds (closing or cancelling it), in the
/// transition's transaction.
async fn release_funds(
    conn: &mut AnyConnection,
    backend: super::Backend,
    grant_id: GrantId,
    context: &Context,
) -> Result<()> {
    let commitments: Vec<(EntryId, String, String)> = sqlx::query_as(
        "SELECT id, envelope_code, fiscal_year FROM ledger_entries WHERE grant_id = $1 AND kind = 'commit'
         ORDER BY envelope_code, fiscal_year, id",
    )
    .bind(grant_id)
    .fetch_all(&mut *conn)
    .await?;
    for (commitment, envelope, fy) in commitments {
        let mut book = book_for(&mut *conn, backend, &envelope, &fy, Some(commitment)).await?;
        if book.remaining(commitment).is_ok_and(|(left, released)| !released && left.cents() > 0) {
            append(&mut *conn, &mut book, &Operation::Release { commitment }, context).await?;
        }
    }
    Ok(())
}

/// Who octroi is in the history when it fires an event itself.
pub const SYSTEM_ACTOR: &str = "octroi";

fn check_version(grant: &Grant, expected: i64) -> Result<()> {
    if grant.version == expected { Ok(()) } else { Err(StorageError::VersionConflict { current: grant.version }) }
}

/// A grant as the transaction sees it, with its lines.
pub async fn grant_in(conn: &mut AnyConnection, id: GrantId) -> Result<Grant> {
    let mut grant = sqlx::query_as::<_, Grant>(&format!("SELECT {COLUMNS} FROM grants WHERE id = $1"))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(StorageError::NotFound)?;
    grant.lines = lines(conn, id).await?;
    Ok(grant)
}

/// Fires a workflow event on a grant inside the caller's write transaction: the engine decides from the
/// grant's state, the actor's role and the guards; the new state, its effects and the audit row are
/// written together, only if the grant is still at `expected_version` (else `VersionConflict`). Of two
/// concurrent calls with the same version exactly one wins. Nothing is written when it refuses.
#[tracing::instrument(skip_all, fields(grant_id = %id, event = %firing.event, role = %actor.role))]
pub async fn fire(
    tx: &mut WriteTx,
    workflow: &Workflow,
    id: GrantId,
    expected_version: i64,
    actor: &Actor,
    firing: &Firing,
) -> Result<Grant> {
    let backend = tx.backend();
    let grant = grant_in(tx, id).await?;
    check_version(&grant, expected_version)?;
    let previous = records::previous_state(tx, Kind::Grant, id.get()).await?;
    let reviews_pending: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM grant_assignments a WHERE a.grant_id = $1 AND a.kind = 'reviewer'
           AND NOT EXISTS (SELECT 1 FROM reviews r WHERE r.grant_id = a.grant_id AND r.reviewer_id = a.user_id)",
    )
    .bind(id)
    .fetch_one(&mut **tx)
    .await?;
    let application = grant.application();
    let facts = GuardFacts {
        application: &application,
        previous_state: previous.as_deref(),
        reviews_done: grant.reviews_done,
        reviews_pending,
        reviews_required: firing.reviews_required,
    };
    let step = workflow.fire(&grant.state, &firing.event, actor.role, |g, to| facts.holds(g, to)).map_err(|error| {
        let missing = match &error {
            FireError::GuardFailed { failed, .. } if failed.contains(&Guard::ApplicationComplete) => {
                application.missing()
            }
            _ => Vec::new(),
        };
        StorageError::Refused { error, missing }
    })?;
    // The effect that takes a command gets it, or nothing is fired; a command no effect of this step
    // takes is not used.
    let command = match step.effects.iter().find(|e| e.takes_command()) {
        Some(&effect) => match &firing.command {
            Some(c) if c.effect() == effect => Some(c),
            _ => return Err(StorageError::CommandRequired { effect }),
        },
        None => None,
    };
    let proposal = match command {
        Some(Command::Propose(p)) => Some(*p),
        _ => None,
    };
    let award = match command {
        Some(Command::Award(a)) => Some(a.as_ref()),
        _ => None,
    };
    let acceptance = match command {
        Some(Command::Accept(a)) => Some(a),
        _ => None,
    };
    // What follows is decided now too, so that nothing is written when it cannot be.
    let then = match step.then {
        Some(event) => {
            let next = workflow.fire(step.to, event, Role::System, |g, to| facts.holds(g, to));
            let next = next.map_err(|error| StorageError::Refused { error, missing: Vec::new() })?;
            if next.effects.iter().any(|e| !matches!(e, Effect::StampDecided | Effect::StampClosed)) {
                return Err(StorageError::Refused {
                    error: FireError::NotAllowed { state: step.to.into(), event: event.into(), allowed: vec![] },
                    missing: Vec::new(),
                });
            }
            Some(next)
        }
        None => None,
    };
    let at = now();
    let stamp = |effect: Effect| step.effects.contains(&effect).then(|| at.clone());
    let (mut letter_sha256, mut committed) = (None, Vec::new());
    if let Some(award) = award {
        let context = Context {
            actor: actor.id.clone(),
            reason: firing.reason.clone(),
            idempotency_key: award.idempotency.as_ref().map(|i| i.key.clone()),
            purchase: None,
        };
        (committed, letter_sha256) = commit_award(tx, backend, id, award, &context, &at).await?;
    }
    if step.effects.contains(&Effect::ReleaseFunds) {
        let context = Context { actor: actor.id.clone(), reason: firing.reason.clone(), ..Default::default() };
        release_funds(tx, backend, id, &context).await?;
    }
    // The step itself, the same for every kind of record; then what this one's effects record.
    let mut version = records::apply(
        tx,
        Record { kind: Kind::Grant, id: id.get(), version: expected_version },
        &step,
        actor,
        &firing.reason,
        &at,
    )
    .await?;
    let mut updated = sqlx::query_as::<_, Grant>(&format!(
        "UPDATE grants SET submitted_at = COALESCE($1, submitted_at), decided_at = COALESCE($2, decided_at),
           closed_at = COALESCE($3, closed_at), proposed_equipment_cents = COALESCE($4, proposed_equipment_cents),
           proposed_software_cents = COALESCE($5, proposed_software_cents),
           proposed_coaching_hundredths = COALESCE($6, proposed_coaching_hundredths),
           awarded_equipment_cents = COALESCE($7, awarded_equipment_cents),
           awarded_software_cents = COALESCE($8, awarded_software_cents),
           awarded_coaching_hundredths = COALESCE($9, awarded_coaching_hundredths),
           awarded_at = COALESCE($10, awarded_at), letter_sha256 = COALESCE($11, letter_sha256)
         WHERE id = $12 RETURNING {COLUMNS}"
    ))
    .bind(stamp(Effect::StampSubmitted))
    .bind(stamp(Effect::StampDecided))
    .bind(stamp(Effect::StampClosed))
    .bind(proposal.map(|p| p.equipment.cents()))
    .bind(proposal.map(|p| p.software.cents()))
    .bind(proposal.map(|p| p.coaching_hours.hundredths()))
    .bind(award.map(|a| a.amounts.equipment.cents()))
    .bind(award.map(|a| a.amounts.software.cents()))
    .bind(award.map(|a| a.amounts.coaching_hours.hundredths()))
    .bind(award.map(|_| at.clone()))
    .bind(letter_sha256)
    .bind(id)
    .fetch_one(&mut **tx)
    .await?;
    if let Some(a) = acceptance {
        sqlx::query(
            "INSERT INTO award_acceptances (grant_id, user_id, signer_name, signer_title, letter_sha256,
               client_address, accepted_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(id)
        .bind(a.user_id)
        .bind(&a.signer_name)
        .bind(&a.signer_title)
        .bind(&a.letter_sha256)
        .bind(&a.client_address)
        .bind(&at)
        .execute(&mut **tx)
        .await?;
    }
    if let Some(next) = then {
        let system = Actor { id: SYSTEM_ACTOR.into(), role: Role::System };
        version =
            records::apply(tx, Record { kind: Kind::Grant, id: id.get(), version }, &next, &system, "", &at).await?;
        let stamp = |effect: Effect| next.effects.contains(&effect).then(|| at.clone());
        updated = sqlx::query_as::<_, Grant>(&format!(
            "UPDATE grants SET decided_at = COALESCE($1, decided_at), closed_at = COALESCE($2, closed_at)
             WHERE id = $3 RETURNING {COLUMNS}"
        ))
        .bind(stamp(Effect::StampDecided))
        .bind(stamp(Effect::StampClosed))
        .bind(id)
        .fetch_one(&mut **tx)
        .await?;
    }
    updated.lines = grant.lines;
    if let Some(i) = award.and_then(|a| a.idempotency.as_ref()) {
        sqlx::query("UPDATE idempotency_keys SET response = $1 WHERE key = $2")
            .bind((i.answer)(&updated, &committed))
            .bind(&i.key)
            .execute(&mut **tx)
            .await?;
    }
    if step.announce {
        for mail in &firing.mails {
            enqueue(tx, mail).await?;
        }
    }
    for document in &firing.documents {
        super::documents::attach(tx, id, document).await?;
    }
    tracing::info!(from = step.from, to = step.to, version, "transition applied");
    Ok(updated)
}

impl Db {
    /// Starts an application in the workflow's initial state.
    #[tracing::instrument(skip_all, fields(organism_id))]
    pub async fn create_grant(
        &self,
        organism_id: OrganismId,
        application: Application,
        workflow: &Workflow,
    ) -> Result<Grant> {
        let db = self.clone();
        let initial = workflow.initial.clone();
        detached(async move {
            let mut tx = db.begin_write().await?;
            let organism: Option<i64> = sqlx::query_scalar("SELECT id FROM organisms WHERE id = $1")
                .bind(organism_id)
                .fetch_optional(&mut *tx)
                .await?;
            if organism.is_none() {
                return Err(StorageError::UnknownOrganism);
            }
            let at = now();
            let insert_sql = format!(
                "INSERT INTO grants (title, needs_assessment, project_description, requested_equipment_cents,
                   requested_software_cents, requested_coaching_hundredths, contact_name, contact_email,
                   organism_id, state, version, created_at, updated_at, state_entered_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 1, $11, $11, $11) RETURNING {COLUMNS}"
            );
            let mut grant: Grant = bind_application(sqlx::query_as(&insert_sql), &application)
                .bind(organism_id)
                .bind(&initial)
                .bind(&at)
                .fetch_one(&mut *tx)
                .await?;
            grant.lines = write_lines(&mut tx, grant.id, &application).await?;
            tx.commit().await?;
            db.state_changed();
            Ok(grant)
        })
        .await
    }

    pub async fn grant(&self, id: GrantId) -> Result<Grant> {
        let mut grant = sqlx::query_as::<_, Grant>(&format!("SELECT {COLUMNS} FROM grants WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StorageError::NotFound)?;
        grant.lines = lines(&mut *self.pool.acquire().await?, id).await?;
        Ok(grant)
    }

    /// Replaces the application's content, if the workflow says its state is still editable and nobody
    /// changed it since `expected_version`.
    #[tracing::instrument(skip_all, fields(grant_id = %id))]
    pub async fn update_application(
        &self,
        id: GrantId,
        expected_version: i64,
        application: Application,
        workflow: &Workflow,
    ) -> Result<Grant> {
        let db = self.clone();
        let workflow = workflow.clone();
        detached(async move {
            // Decided on a snapshot, applied only if the version still matches (the UPDATE checks it).
            let grant = db.grant(id).await?;
            check_version(&grant, expected_version)?;
            if !workflow.is_editable(&grant.state) {
                return Err(StorageError::NotEditable { state: grant.state });
            }
            let mut tx = db.begin_write().await?;
            let update_sql = format!(
                "UPDATE grants SET title = $1, needs_assessment = $2, project_description = $3,
                   requested_equipment_cents = $4, requested_software_cents = $5, requested_coaching_hundredths = $6,
                   contact_name = $7, contact_email = $8, updated_at = $9, version = version + 1
                 WHERE id = $10 AND version = $11 RETURNING {COLUMNS}"
            );
            let updated = bind_application(sqlx::query_as(&update_sql), &application)
                .bind(now())
                .bind(id)
                .bind(expected_version)
                .fetch_optional(&mut *tx)
                .await?;
            let Some(mut updated) = updated else {
                drop(tx);
                return Err(db.conflict(id).await);
            };
            updated.lines = write_lines(&mut tx, id, &application).await?;
            tx.commit().await?;
            Ok(updated)
        })
        .await
    }

    /// Fires a workflow event on a grant in a transaction of its own (see [`fire`]).
    pub async fn fire_grant_event(
        &self,
        workflow: &Workflow,
        id: GrantId,
        expected_version: i64,
        actor: &Actor,
        firing: Firing,
    ) -> Result<Grant> {
        let (workflow, actor) = (workflow.clone(), actor.clone());
        self.write(move |tx| Box::pin(async move { fire(tx, &workflow, id, expected_version, &actor, &firing).await }))
            .await
    }

    /// The error for a conditional update that matched nothing: someone changed the grant first.
    async fn conflict(&self, id: GrantId) -> StorageError {
        match self.grant(id).await {
            Ok(g) => StorageError::VersionConflict { current: g.version },
            Err(e) => e,
        }
    }

    /// Every awarded grant (awarded once, whatever its state since), in order.
    pub async fn awarded_grant_ids(&self) -> Result<Vec<GrantId>> {
        Ok(sqlx::query_scalar("SELECT id FROM grants WHERE awarded_at IS NOT NULL ORDER BY id")
            .fetch_all(&self.pool)
            .await?)
    }

    /// Deletes a draft that never left its first state (`initial`), at the version the person saw; its
    /// lines go with it. `NotEditable` once it left that state, `VersionConflict` if it changed.
    pub async fn delete_draft(&self, id: GrantId, expected_version: i64, initial: &str) -> Result<()> {
        let initial = initial.to_string();
        self.write(move |tx| {
            Box::pin(async move {
                let grant = grant_in(tx, id).await?;
                if grant.state != initial {
                    return Err(StorageError::NotEditable { state: grant.state });
                }
                check_version(&grant, expected_version)?;
                sqlx::query("DELETE FROM grant_lines WHERE grant_id = $1").bind(id).execute(&mut **tx).await?;
                sqlx::query("DELETE FROM grants WHERE id = $1 AND version = $2 AND state = $3")
                    .bind(id)
                    .bind(expected_version)
                    .bind(&initial)
                    .execute(&mut **tx)
                    .await?;
                tx.states_changed = true;
                Ok(())
            })
        })
        .await
    }

    /// The equipment and software asked by the applications submitted from `from` (inclusive) to `to`
    /// (exclusive), ISO dates.
    pub async fn requested_between(&self, from: &str, to: &str) -> Result<Money> {
        let cents: i64 = sqlx::query_scalar(
            "SELECT CAST(COALESCE(SUM(requested_equipment_cents + requested_software_cents), 0) AS BIGINT) FROM grants
             WHERE submitted_at >= $1 AND submitted_at < $2",
        )
        .bind(from)
        .bind(to)
        .fetch_one(&self.pool)
        .await?;
        Ok(Money::from_cents(cents))
    }

    /// The member's acceptance of a grant's award letter, once given.
    pub async fn acceptance(&self, grant_id: GrantId) -> Result<Option<AcceptanceRecord>> {
        Ok(sqlx::query_as::<_, AcceptanceRecord>(
            "SELECT grant_id, user_id, signer_name, signer_title, letter_sha256, client_address, accepted_at
             FROM award_acceptances WHERE grant_id = $1",
        )
        .bind(grant_id)
        .fetch_optional(&self.pool)
        .await?)
    }

    /// The grant's state changes, oldest first. An unknown grant is `NotFound`, not an empty history.
    pub async fn grant_history(&self, id: GrantId) -> Result<Vec<GrantTransition>> {
        self.grant(id).await?;
        records::history(&mut *self.pool.acquire().await?, Kind::Grant, id.get()).await
    }
}

/// One line of a list of grants, with its organism's name.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct GrantSummary {
    pub id: GrantId,
    pub organism_id: OrganismId,
    pub organism_name: String,
    pub title: String,
    pub state: String,
    #[sqlx(rename = "requested_equipment_cents")]
    pub requested_equipment: Money,
    #[sqlx(rename = "requested_software_cents")]
    pub requested_software: Money,
    pub updated_at: String,
}

const SUMMARY: &str = "SELECT g.id, g.organism_id, o.legal_name AS organism_name, g.title, g.state, \
    g.requested_equipment_cents, g.requested_software_cents, g.updated_at FROM grants g JOIN organisms o ON o.id = g.organism_id";

impl Db {
    /// An organism's grants, newest first.
    pub async fn grants_of_organism(&self, organism_id: OrganismId) -> Result<Vec<GrantSummary>> {
        Ok(sqlx::query_as::<_, GrantSummary>(&format!("{SUMMARY} WHERE g.organism_id = $1 ORDER BY g.id DESC"))
            .bind(organism_id)
            .fetch_all(&self.pool)
            .await?)
    }

    /// The grants a user is assigned to as `kind` (reviewer, coach), newest first.
    pub async fn grants_assigned_to(&self, user_id: UserId, kind: &str) -> Result<Vec<GrantSummary>> {
        Ok(sqlx::query_as::<_, GrantSummary>(&format!(
            "{SUMMARY} JOIN grant_assignments a ON a.grant_id = g.id WHERE a.user_id = $1 AND a.kind = $2 ORDER BY g.id DESC"
        ))
        .bind(user_id)
        .bind(kind)
        .fetch_all(&self.pool)
        .await?)
    }

    /// The most recently changed grants that have left the workflow's initial state, the applicant's
    /// draft (staff overview).
    pub async fn recent_grants(&self, initial_state: &str, limit: i64) -> Result<Vec<GrantSummary>> {
        Ok(sqlx::query_as::<_, GrantSummary>(&format!(
            "{SUMMARY} WHERE g.state <> $1 ORDER BY g.updated_at DESC, g.id DESC LIMIT $2"
        ))
        .bind(initial_state)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?)
    }
}
