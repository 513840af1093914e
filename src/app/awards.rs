//! Awards: the split of an award across the envelopes (a preview that writes nothing), and the award
//! itself, committed in the ledger with its letter's fingerprint and its key's answer in one transaction.

use std::sync::Arc;

use crate::AppState;
use crate::app::grants::{fire_with, firing};
use crate::app::{AppError, Code, Refusal};
use crate::domain::award::{AwardAmounts, Part};
use crate::domain::workflow::GrantUse;
use crate::domain::{Actor, UserId};
use crate::storage::StorageError;
use crate::storage::grants::{
    AnswerFn, AwardLetter, AwardRequest, Command, Firing, Grant, Idempotency, MakeLetter, award_day,
};

/// A person's award is made under an Idempotency-Key (the API's header, the key the page's preview
/// gave), with the answer to keep for the key's retries.
pub struct AwardKey {
    pub key: String,
    pub user_id: UserId,
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
) -> Result<Awarded, AppError> {
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
        crate::domain::sha256_hex(crate::letters::render(&letter, crate::domain::Language::Fr))
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
    let award_event = state.grant_workflow().event(GrantUse::Award);
    let firing = Firing { command: Some(Command::Award(Box::new(request))), ..firing(state, award_event, "") };
    match fire_with(state, actor, grant, vec![firing]).await {
        Ok((awarded, _)) => {
            let answer = match &idempotency {
                Some(i) => state.db.idempotency(&i.key).await?.and_then(|(_, _, _, answer)| answer),
                None => None,
            };
            Ok(Awarded::Now(Box::new(awarded), answer))
        }
        // Another request with this key committed first: answer as it was answered.
        Err(AppError::Storage(StorageError::IdempotencyReplay { .. })) if idempotency.is_some() => {
            let i = idempotency.as_ref().expect("a key");
            kept_answer(state, i)
                .await?
                .map(Awarded::Before)
                .ok_or(AppError::refused(Code::IdempotencyInProgress, Refusal::Conflict))
        }
        Err(e) => Err(e),
    }
}

/// The answer kept for a key already used by the same request; a refusal if it was used by another.
async fn kept_answer(state: &AppState, i: &Idempotency) -> Result<Option<String>, AppError> {
    match state.db.idempotency(&i.key).await? {
        None => Ok(None),
        Some((user, hash, ..)) if user != i.user_id || hash != i.request_hash => {
            Err(AppError::refused(Code::IdempotencyKeyReused, Refusal::Invalid))
        }
        Some((.., Some(answer))) => Ok(Some(answer)),
        // Claimed and answered in one transaction: a key without an answer was claimed by octroi's
        // earlier versions, which wrote the answer apart.
        Some((.., None)) => Err(AppError::refused(Code::IdempotencyInProgress, Refusal::Conflict)),
    }
}

/// How an award would split across envelopes for `fiscal_year`, with the room each has now; writes
/// nothing (the confirmation decides again, inside its transaction).
pub async fn award_preview(
    state: &AppState,
    amounts: &AwardAmounts,
    fiscal_year: &str,
) -> Result<Vec<crate::domain::award::Part>, AppError> {
    if !state.program.fiscal_years.iter().any(|fy| fy.to_string() == fiscal_year) {
        return Err(AppError::Storage(StorageError::Ledger(crate::domain::ledger::LedgerError::NoAllocation {
            envelope: "FQIS/FDMT".into(),
            fiscal_year: fiscal_year.into(),
        })));
    }
    let payers = state.program.categories.iter().map(|c| (c.code.clone(), c.envelopes.clone())).collect();
    let room = state.db.room_in(fiscal_year).await?;
    crate::domain::award::plan(amounts, state.program.coaching_hourly_rate, state.program.bourse_cap, &payers, &room)
        .map_err(|e| AppError::from(StorageError::of_award(e, fiscal_year)))
}

/// The fiscal year an award commits in by default: today's, or the program's last when the program's
/// years are over (the program team sets the years in `policies/dataide.toml`).
pub fn default_fiscal_year(state: &AppState) -> String {
    current_fiscal_year(state).to_string()
}

/// The fiscal year awards are made in now: today's, if the program has envelopes for it, else its last.
pub fn current_fiscal_year(state: &AppState) -> crate::domain::FiscalYear {
    let today = crate::domain::FiscalYear::of(chrono::Utc::now().date_naive());
    let years = &state.program.fiscal_years;
    if years.contains(&today) { today } else { *years.last().expect("a program has fiscal years") }
}
