//! Every error the web layer can answer, mapped in this one file to a status, a stable `code` and an RFC
//! 9457 problem-details body in the caller's language. Handlers return `Problem` with `?`; the
//! [`render`] middleware writes the body once it knows the request's language and id.

use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::app::{AppError, Code, Refusal};
use crate::domain::Language;
use crate::domain::award::AwardError;
use crate::domain::ledger::LedgerError;
use crate::domain::workflow::{Effect, FireError, Guard, Role};
use crate::i18n;
use crate::storage::StorageError;

pub use crate::app::{FieldError, FieldProblem};

#[derive(Debug, Clone)]
pub enum Problem {
    BadRequest(String),
    MalformedJson(String),
    InvalidBody(String),
    PayloadTooLarge,
    UnsupportedMediaType,
    Validation(Vec<FieldError>),
    NotFound,
    NoSuchRoute,
    MethodNotAllowed,
    UnknownOrganism,
    DuplicateNeq,
    VersionConflict {
        current: i64,
    },
    NotEditable {
        state: String,
    },
    EventNotAllowed {
        state: String,
        event: String,
        allowed: Vec<String>,
    },
    RoleNotPermitted {
        role: Role,
        event: String,
        roles: Vec<Role>,
    },
    ConditionsNotMet {
        event: String,
        failed: Vec<Guard>,
        missing: Vec<&'static str>,
    },
    Unauthenticated,
    Forbidden,
    CsrfRejected,
    TooManyAttempts,
    DuplicateEmail,
    Unavailable,
    Internal,
    /// A request the rules refuse, with a stable code; its title and detail are the messages
    /// `problem-{code}` and `problem-{code}-detail`.
    Refused {
        code: Code,
        status: StatusCode,
    },
    /// The ledger refused a money movement.
    Ledger(LedgerError),
    /// A bourse lacks room for a purchase, with each category's figures.
    NoRoom(Vec<crate::domain::purchase::Shortfall>),
}

impl From<crate::passwords::Busy> for Problem {
    fn from(_: crate::passwords::Busy) -> Self {
        Problem::Unavailable
    }
}

/// The one place an application error becomes an answer.
impl From<AppError> for Problem {
    fn from(e: AppError) -> Self {
        match e {
            AppError::Invalid(fields) => Problem::Validation(fields),
            AppError::Refused { code, refusal } => Problem::refused(
                code,
                match refusal {
                    Refusal::Invalid => StatusCode::UNPROCESSABLE_ENTITY,
                    Refusal::Forbidden => StatusCode::FORBIDDEN,
                    Refusal::Conflict => StatusCode::CONFLICT,
                },
            ),
            AppError::Storage(e) => Problem::from(e),
        }
    }
}

impl From<StorageError> for Problem {
    fn from(e: StorageError) -> Self {
        match e {
            StorageError::NotFound => Problem::NotFound,
            StorageError::UnknownOrganism => Problem::UnknownOrganism,
            StorageError::DuplicateNeq => Problem::DuplicateNeq,
            StorageError::DuplicateEmail => Problem::DuplicateEmail,
            StorageError::VersionConflict { current } => Problem::VersionConflict { current },
            StorageError::NotEditable { state } => Problem::NotEditable { state },
            StorageError::NotReviewable { .. } => Problem::refused(Code::NotReviewable, StatusCode::CONFLICT),
            StorageError::NotAssigned => Problem::refused(Code::NotAssigned, StatusCode::FORBIDDEN),
            StorageError::AlreadyReviewed => Problem::refused(Code::AlreadyReviewed, StatusCode::CONFLICT),
            StorageError::ConflictOfInterest => Problem::refused(Code::ConflictOfInterest, StatusCode::CONFLICT),
            StorageError::NotAReviewer => Problem::refused(Code::NotAReviewer, StatusCode::UNPROCESSABLE_ENTITY),
            StorageError::Ledger(e) => Problem::Ledger(e),
            StorageError::NoRoom(short) => Problem::NoRoom(short),
            StorageError::NotPayable(_) => Problem::refused(Code::PurchaseNotPayable, StatusCode::CONFLICT),
            StorageError::LineSettled => Problem::refused(Code::PaymentLineSettled, StatusCode::CONFLICT),
            StorageError::ReturnSettled => Problem::refused(Code::ReturnSettled, StatusCode::CONFLICT),
            StorageError::NotAsPreviewed => Problem::refused(Code::AwardNotAsPreviewed, StatusCode::CONFLICT),
            StorageError::CommandRequired { effect } => {
                // Each effect that takes a command says what the step needs; one that takes none cannot
                // lack one (a code of its own all the same, with words in both languages).
                let code = match effect {
                    Effect::RecordProposal => Code::ProposalRequired,
                    Effect::CommitAward => Code::AwardRequired,
                    Effect::RecordAcceptance => Code::AcceptanceRequired,
                    Effect::RecordReceipt => Code::ReceiptRequired,
                    Effect::RecordInvoice => Code::InvoiceRequired,
                    Effect::RecordReturn => Code::ReturnRequired,
                    Effect::AnswerRunLine => Code::RunLineRequired,
                    Effect::StampSubmitted
                    | Effect::StampDecided
                    | Effect::StampClosed
                    | Effect::ReleaseFunds
                    | Effect::PlaceHold
                    | Effect::LiftHold
                    | Effect::StampOrdered
                    | Effect::Pay
                    | Effect::SetInvoiceAside
                    | Effect::ConfirmReturn
                    | Effect::SetReturnAside
                    | Effect::SettleReturn => Code::CommandRequired,
                };
                Problem::refused(code, StatusCode::UNPROCESSABLE_ENTITY)
            }
            StorageError::IdempotencyReplay { .. } => Problem::refused(Code::IdempotencyReplay, StatusCode::CONFLICT),
            StorageError::Award(e) => match e {
                // Storage reports a lack of funds as the ledger's refusal, with its fiscal year.
                AwardError::Insufficient { .. } | AwardError::NoEnvelope(_) => {
                    Problem::refused(Code::AwardNoEnvelope, StatusCode::CONFLICT)
                }
                AwardError::Nothing => Problem::refused(Code::AwardNothing, StatusCode::UNPROCESSABLE_ENTITY),
                AwardError::AboveCap { .. } => Problem::refused(Code::AwardAboveCap, StatusCode::UNPROCESSABLE_ENTITY),
            },
            StorageError::Refused { error, missing } => match error {
                FireError::NotAllowed { state, event, allowed } => Problem::EventNotAllowed { state, event, allowed },
                FireError::RoleNotPermitted { role, event, roles } => Problem::RoleNotPermitted { role, event, roles },
                FireError::GuardFailed { event, failed } => Problem::ConditionsNotMet { event, failed, missing },
                FireError::UnknownState { state } => {
                    tracing::error!(%state, "a grant is in a state its workflow does not declare");
                    Problem::Internal
                }
            },
            other => {
                tracing::error!(error = %other, "storage failed");
                Problem::Internal
            }
        }
    }
}

impl Problem {
    pub fn refused(code: Code, status: StatusCode) -> Problem {
        Problem::Refused { code, status }
    }

    pub fn status_code(&self) -> StatusCode {
        match self {
            Problem::Refused { status, .. } => *status,
            Problem::NoRoom(_) => StatusCode::CONFLICT,
            Problem::Ledger(e) => match e {
                LedgerError::NotPositive => StatusCode::UNPROCESSABLE_ENTITY,
                LedgerError::UnknownCommitment(_) | LedgerError::UnknownEntry(_) => StatusCode::NOT_FOUND,
                _ => StatusCode::CONFLICT,
            },
            Problem::BadRequest(_) | Problem::MalformedJson(_) => StatusCode::BAD_REQUEST,
            Problem::InvalidBody(_) | Problem::Validation(_) | Problem::ConditionsNotMet { .. } => {
                StatusCode::UNPROCESSABLE_ENTITY
            }
            Problem::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Problem::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Problem::NotFound | Problem::NoSuchRoute => StatusCode::NOT_FOUND,
            Problem::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Problem::UnknownOrganism => StatusCode::UNPROCESSABLE_ENTITY,
            Problem::DuplicateNeq
            | Problem::VersionConflict { .. }
            | Problem::NotEditable { .. }
            | Problem::EventNotAllowed { .. } => StatusCode::CONFLICT,
            Problem::RoleNotPermitted { .. } => StatusCode::FORBIDDEN,
            Problem::Unauthenticated => StatusCode::UNAUTHORIZED,
            Problem::Forbidden | Problem::CsrfRejected => StatusCode::FORBIDDEN,
            Problem::TooManyAttempts => StatusCode::TOO_MANY_REQUESTS,
            Problem::DuplicateEmail => StatusCode::CONFLICT,
            Problem::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            Problem::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            Problem::Refused { code, .. } => code.as_str(),
            Problem::NoRoom(_) => "bourse-lacks-room",
            Problem::Ledger(e) => match e {
                LedgerError::NotPositive => "ledger-not-positive",
                LedgerError::NoAllocation { .. } => "ledger-no-allocation",
                LedgerError::InsufficientFunds { .. } => "insufficient-funds",
                LedgerError::UnknownCommitment(_) | LedgerError::UnknownEntry(_) => "ledger-unknown-entry",
                LedgerError::ExceedsCommitment { .. } => "exceeds-commitment",
                LedgerError::AlreadySettled(_) => "already-settled",
                LedgerError::AlreadyReversed(_) | LedgerError::NotReversible(..) => "not-reversible",
            },
            Problem::BadRequest(_) => "bad-request",
            Problem::MalformedJson(_) => "malformed-json",
            Problem::InvalidBody(_) => "invalid-body",
            Problem::PayloadTooLarge => "payload-too-large",
            Problem::UnsupportedMediaType => "unsupported-media-type",
            Problem::Validation(_) => "validation-failed",
            Problem::NotFound => "not-found",
            Problem::NoSuchRoute => "no-such-route",
            Problem::MethodNotAllowed => "method-not-allowed",
            Problem::UnknownOrganism => "unknown-organism",
            Problem::DuplicateNeq => "duplicate-neq",
            Problem::VersionConflict { .. } => "version-conflict",
            Problem::NotEditable { .. } => "not-editable",
            Problem::EventNotAllowed { .. } => "event-not-allowed",
            Problem::RoleNotPermitted { .. } => "role-not-permitted",
            Problem::ConditionsNotMet { .. } => "conditions-not-met",
            Problem::Unauthenticated => "unauthenticated",
            Problem::Forbidden => "forbidden",
            Problem::CsrfRejected => "csrf-rejected",
            Problem::TooManyAttempts => "too-many-attempts",
            Problem::DuplicateEmail => "duplicate-email",
            Problem::Unavailable => "unavailable",
            Problem::Internal => "internal",
        }
    }

    /// The title and detail shown to a person.
    pub fn title_and_detail(&self, lang: Language) -> (String, Option<String>) {
        let (title, detail, _) = self.describe(lang);
        (title, detail)
    }

    /// (title, detail, extra members) in the caller's language.
    fn describe(&self, lang: Language) -> (String, Option<String>, Value) {
        let none = Value::Null;
        match self {
            Problem::Ledger(e) => {
                let money = |m: &crate::domain::Money| i18n::money(lang, *m);
                let (args, extra) = match e {
                    LedgerError::InsufficientFunds { envelope, fiscal_year, available, missing } => (
                        vec![
                            ("envelope", envelope.clone()),
                            ("year", fiscal_year.clone()),
                            ("available", money(available)),
                            ("missing", money(missing)),
                        ],
                        json!({ "envelope": envelope, "fiscal_year": fiscal_year,
                                "available": available.to_string(), "missing": missing.to_string() }),
                    ),
                    LedgerError::NoAllocation { envelope, fiscal_year } => {
                        (vec![("envelope", envelope.clone()), ("year", fiscal_year.clone())], none.clone())
                    }
                    LedgerError::ExceedsCommitment { remaining, asked, .. } => (
                        vec![("remaining", money(remaining)), ("asked", money(asked))],
                        json!({ "remaining": remaining.to_string(), "asked": asked.to_string() }),
                    ),
                    _ => (vec![], none.clone()),
                };
                let code = self.code();
                (
                    i18n::t(lang, &format!("problem-{code}")),
                    Some(i18n::t_args(lang, &format!("problem-{code}-detail"), &args)),
                    extra,
                )
            }
            Problem::NoRoom(short) => {
                let money = |m: crate::domain::Money| i18n::money(lang, m);
                let lines: Vec<String> = short
                    .iter()
                    .map(|s| {
                        i18n::t_args(
                            lang,
                            "problem-bourse-lacks-room-line",
                            &[
                                ("category", i18n::t(lang, &format!("category-{}", s.room.category))),
                                ("committed", money(s.room.committed)),
                                ("spent", money(s.room.spent)),
                                ("held", money(s.room.held)),
                                ("available", money(s.room.available())),
                                ("requested", money(s.requested)),
                                ("missing", money(s.missing)),
                            ],
                        )
                    })
                    .collect();
                let list: Vec<Value> = short
                    .iter()
                    .map(|s| {
                        json!({ "category": s.room.category.as_str(), "committed": s.room.committed.to_string(),
                                "spent": s.room.spent.to_string(), "held": s.room.held.to_string(),
                                "available": s.room.available().to_string(), "requested": s.requested.to_string(),
                                "missing": s.missing.to_string() })
                    })
                    .collect();
                (i18n::t(lang, "problem-bourse-lacks-room"), Some(lines.join(" ")), json!({ "shortfalls": list }))
            }
            Problem::Refused { code, .. } => (
                i18n::t(lang, &format!("problem-{code}")),
                Some(i18n::t(lang, &format!("problem-{code}-detail"))),
                none,
            ),
            Problem::BadRequest(d) => (i18n::t(lang, "problem-bad-request"), Some(d.clone()), none),
            Problem::MalformedJson(d) => (i18n::t(lang, "problem-malformed-json"), Some(d.clone()), none),
            Problem::InvalidBody(d) => (i18n::t(lang, "problem-invalid-request-body"), Some(d.clone()), none),
            Problem::PayloadTooLarge => (
                i18n::t(lang, "problem-request-too-large"),
                Some(i18n::t(lang, "problem-a-request-body-is-limited-to")),
                none,
            ),
            Problem::UnsupportedMediaType => (
                i18n::t(lang, "problem-unsupported-content-type"),
                Some(i18n::t(lang, "problem-send-json-content-type-application-json")),
                none,
            ),
            Problem::Validation(errors) => {
                let list: Vec<Value> = errors
                    .iter()
                    .map(|e| json!({ "field": e.field, "code": e.problem.code(), "message": e.problem.message(lang) }))
                    .collect();
                (
                    i18n::t(lang, "problem-some-fields-are-invalid"),
                    Some(i18n::t(lang, "problem-nothing-was-saved-correct-the-fields")),
                    json!({ "errors": list }),
                )
            }
            Problem::NotFound => (i18n::t(lang, "problem-not-found"), None, none),
            Problem::MethodNotAllowed => (
                i18n::t(lang, "problem-method-not-allowed"),
                Some(i18n::t(lang, "problem-this-address-does-not-accept-this")),
                none,
            ),
            Problem::NoSuchRoute => (
                i18n::t(lang, "problem-unknown-address"),
                Some(i18n::t(lang, "problem-see-api-v1-openapi-json-for")),
                none,
            ),
            Problem::UnknownOrganism => (i18n::t(lang, "problem-unknown-organism"), None, none),
            Problem::DuplicateNeq => (
                i18n::t(lang, "problem-organism-already-registered"),
                Some(i18n::t(lang, "problem-an-organism-with-this-neq-already")),
                none,
            ),
            Problem::VersionConflict { current } => (
                i18n::t(lang, "problem-changed-in-the-meantime"),
                Some(i18n::t(lang, "problem-someone-else-changed-this-application-reload")),
                json!({ "current_version": current }),
            ),
            Problem::NotEditable { state } => (
                i18n::t(lang, "problem-application-cannot-be-changed"),
                Some(i18n::t_args(lang, "problem-an-application-in-state-can-no", &[("state", state.to_string())])),
                json!({ "state": state }),
            ),
            Problem::EventNotAllowed { state, event, allowed } => (
                i18n::t(lang, "problem-action-not-possible-at-this-stage"),
                Some(i18n::t_args(
                    lang,
                    "problem-event-not-allowed-detail",
                    &[("event", event.to_string()), ("state", state.to_string()), ("allowed", or_none(allowed, lang))],
                )),
                json!({ "state": state, "allowed_events": allowed }),
            ),
            Problem::RoleNotPermitted { role, event, roles } => {
                let roles: Vec<&str> = roles.iter().map(Role::as_str).collect();
                (
                    i18n::t(lang, "problem-action-reserved-for-another-role"),
                    Some(i18n::t_args(
                        lang,
                        "problem-role-may-not-do",
                        &[("role", role.to_string()), ("event", event.to_string())],
                    )),
                    json!({ "allowed_roles": roles }),
                )
            }
            Problem::ConditionsNotMet { event, failed, missing } => {
                let failed: Vec<&str> = failed.iter().map(Guard::as_str).collect();
                (
                    i18n::t(lang, "problem-conditions-not-met"),
                    Some(i18n::t_args(
                        lang,
                        "problem-conditions-detail",
                        &[("event", event.to_string()), ("failed", failed.join(", "))],
                    )),
                    json!({ "failed_guards": failed, "missing_fields": missing }),
                )
            }
            Problem::Unauthenticated => {
                (i18n::t(lang, "problem-unauthenticated"), Some(i18n::t(lang, "problem-unauthenticated-detail")), none)
            }
            Problem::Forbidden => {
                (i18n::t(lang, "problem-forbidden"), Some(i18n::t(lang, "problem-forbidden-detail")), none)
            }
            Problem::CsrfRejected => (i18n::t(lang, "problem-csrf"), Some(i18n::t(lang, "problem-csrf-detail")), none),
            Problem::TooManyAttempts => (
                i18n::t(lang, "problem-too-many-attempts"),
                Some(i18n::t(lang, "problem-too-many-attempts-detail")),
                none,
            ),
            Problem::DuplicateEmail => {
                (i18n::t(lang, "problem-duplicate-email"), Some(i18n::t(lang, "problem-duplicate-email-detail")), none)
            }
            Problem::Unavailable => (i18n::t(lang, "problem-service-unavailable"), None, none),
            Problem::Internal => (
                i18n::t(lang, "problem-internal-error"),
                Some(i18n::t(lang, "problem-an-unexpected-error-occurred-nothing-was")),
                none,
            ),
        }
    }
}

fn or_none(items: &[String], lang: Language) -> String {
    if items.is_empty() { i18n::t(lang, "problem-nothing") } else { items.join(", ") }
}

impl Problem {
    /// The RFC 9457 body, in `lang`.
    pub fn body(&self, lang: Language, request_id: Option<String>) -> Value {
        let (title, detail, extra) = self.describe(lang);
        let mut body = json!({
            "type": format!("urn:octroi:problem:{}", self.code()),
            "title": title,
            "status": self.status_code().as_u16(),
            "code": self.code(),
            "request_id": request_id,
        });
        if let Some(detail) = detail {
            body["detail"] = json!(detail);
        }
        if let Value::Object(extra) = extra {
            body.as_object_mut().expect("an object").extend(extra);
        }
        body
    }
}

impl IntoResponse for Problem {
    /// The body is written by [`render`], which knows the language; this carries the problem to it.
    fn into_response(self) -> Response {
        let mut response = self.status_code().into_response();
        response.extensions_mut().insert(self);
        response
    }
}

/// The language a client asked for: English when `Accept-Language` prefers it, French otherwise.
pub fn language_of(headers: &axum::http::HeaderMap) -> Language {
    let Some(value) = headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()) else {
        return Language::Fr;
    };
    let mut best: Option<(Language, f32)> = None;
    for part in value.split(',') {
        let mut pieces = part.trim().split(';');
        let tag = pieces.next().unwrap_or_default().trim().to_ascii_lowercase();
        let q = pieces.find_map(|p| p.trim().strip_prefix("q=").and_then(|q| q.parse::<f32>().ok())).unwrap_or(1.0);
        let lang = if tag.starts_with("fr") {
            Language::Fr
        } else if tag.starts_with("en") {
            Language::En
        } else {
            continue;
        };
        if best.is_none_or(|(_, b)| q > b) {
            best = Some((lang, q));
        }
    }
    best.map(|(l, _)| l).unwrap_or_default()
}

/// Writes the problem-details body of any response that carries a [`Problem`], in the request's language,
/// with its request id.
pub async fn render(request: Request, next: Next) -> Response {
    let path = request.uri().path();
    let is_api = path.starts_with("/api/") || path == "/healthz" || path == "/readyz";
    let lang =
        if is_api { language_of(request.headers()) } else { crate::web::pages::page_language(request.headers()) };
    let request_id = request.headers().get("x-request-id").and_then(|v| v.to_str().ok()).map(String::from);
    let response = next.run(request).await;
    let Some(problem) = response.extensions().get::<Problem>().cloned() else {
        return response;
    };
    let status = response.status();
    if !is_api {
        let signed_in = response.extensions().get::<crate::web::session::SignedInHeader>().cloned();
        let mut page = crate::web::pages::problem_page(&problem, status, lang, signed_in);
        page.headers_mut().insert(header::CONTENT_LANGUAGE, HeaderValue::from_static(lang.code()));
        return page;
    }
    let body = problem.body(lang, request_id);
    let (mut parts, _) = response.into_parts();
    parts.headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/problem+json"));
    parts.headers.insert(header::CONTENT_LANGUAGE, HeaderValue::from_static(lang.code()));
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, axum::body::Body::from(body.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderMap;

    fn lang(accept: &str) -> Language {
        let mut h = HeaderMap::new();
        h.insert(header::ACCEPT_LANGUAGE, accept.parse().unwrap());
        language_of(&h)
    }

    #[test]
    fn french_unless_english_is_preferred() {
        assert_eq!(language_of(&HeaderMap::new()), Language::Fr);
        assert_eq!(lang("en-CA,en;q=0.9"), Language::En);
        assert_eq!(lang("fr-CA,en;q=0.8"), Language::Fr);
        assert_eq!(lang("de, en;q=0.5, fr;q=0.7"), Language::Fr);
        assert_eq!(lang("de"), Language::Fr);
    }

    /// One of each problem. The match makes adding a variant without an example here a compile error.
    fn one_of_each() -> Vec<Problem> {
        let m = crate::domain::Money::from_cents(100);
        let (e, y) = (String::from("FQIS"), String::from("2026-2027"));
        let mut all = vec![
            Problem::BadRequest("x".into()),
            Problem::MalformedJson("x".into()),
            Problem::InvalidBody("x".into()),
            Problem::PayloadTooLarge,
            Problem::UnsupportedMediaType,
            Problem::Validation(vec![FieldError { field: "title".into(), problem: FieldProblem::Required }]),
            Problem::NotFound,
            Problem::NoSuchRoute,
            Problem::MethodNotAllowed,
            Problem::UnknownOrganism,
            Problem::DuplicateNeq,
            Problem::VersionConflict { current: 3 },
            Problem::NotEditable { state: "submitted".into() },
            Problem::EventNotAllowed { state: "draft".into(), event: "approve".into(), allowed: vec!["submit".into()] },
            Problem::RoleNotPermitted {
                role: Role::Applicant,
                event: "approve".into(),
                roles: vec![Role::ProgramOfficer],
            },
            Problem::ConditionsNotMet {
                event: "submit".into(),
                failed: vec![Guard::ApplicationComplete],
                missing: vec!["title"],
            },
            Problem::Unauthenticated,
            Problem::Forbidden,
            Problem::CsrfRejected,
            Problem::TooManyAttempts,
            Problem::DuplicateEmail,
            Problem::Unavailable,
            Problem::Internal,
            Problem::refused(Code::AwardNotAsPreviewed, StatusCode::CONFLICT),
            Problem::Ledger(LedgerError::NotPositive),
            Problem::Ledger(LedgerError::NoAllocation { envelope: e.clone(), fiscal_year: y.clone() }),
            Problem::Ledger(LedgerError::InsufficientFunds { envelope: e, fiscal_year: y, available: m, missing: m }),
            Problem::Ledger(LedgerError::UnknownCommitment(crate::domain::EntryId(1))),
            Problem::Ledger(LedgerError::ExceedsCommitment {
                commitment: crate::domain::EntryId(1),
                remaining: m,
                asked: m,
            }),
            Problem::Ledger(LedgerError::AlreadySettled(crate::domain::EntryId(1))),
            Problem::Ledger(LedgerError::UnknownEntry(crate::domain::EntryId(1))),
            Problem::Ledger(LedgerError::AlreadyReversed(crate::domain::EntryId(1))),
            Problem::Ledger(LedgerError::NotReversible(crate::domain::EntryId(1), "release")),
            Problem::NoRoom(vec![crate::domain::purchase::Shortfall {
                room: crate::domain::purchase::Room {
                    category: crate::domain::grant::LineCategory::Equipment,
                    committed: m,
                    spent: m,
                    held: m,
                },
                requested: m,
                missing: m,
            }]),
        ];
        // What a step lacks, for every effect (those that take a command and the rest).
        all.extend(Effect::ALL.iter().map(|&effect| Problem::from(StorageError::CommandRequired { effect })));
        for p in &all {
            match p {
                Problem::BadRequest(_)
                | Problem::MalformedJson(_)
                | Problem::InvalidBody(_)
                | Problem::PayloadTooLarge
                | Problem::UnsupportedMediaType
                | Problem::Validation(_)
                | Problem::NotFound
                | Problem::NoSuchRoute
                | Problem::MethodNotAllowed
                | Problem::UnknownOrganism
                | Problem::DuplicateNeq
                | Problem::VersionConflict { .. }
                | Problem::NotEditable { .. }
                | Problem::EventNotAllowed { .. }
                | Problem::RoleNotPermitted { .. }
                | Problem::ConditionsNotMet { .. }
                | Problem::Unauthenticated
                | Problem::Forbidden
                | Problem::CsrfRejected
                | Problem::TooManyAttempts
                | Problem::DuplicateEmail
                | Problem::Unavailable
                | Problem::Internal
                | Problem::Refused { .. }
                | Problem::NoRoom(_)
                | Problem::Ledger(
                    LedgerError::NotPositive
                    | LedgerError::NoAllocation { .. }
                    | LedgerError::InsufficientFunds { .. }
                    | LedgerError::UnknownCommitment(_)
                    | LedgerError::ExceedsCommitment { .. }
                    | LedgerError::AlreadySettled(_)
                    | LedgerError::UnknownEntry(_)
                    | LedgerError::AlreadyReversed(_)
                    | LedgerError::NotReversible(..),
                ) => {}
            }
        }
        all
    }

    fn written(text: &str) -> bool {
        !text.trim().is_empty() && !text.starts_with("problem-")
    }

    /// Every problem has an error status, its own stable code, and a title (and detail, when it has one)
    /// written in each language.
    #[test]
    fn every_problem_has_a_status_a_code_and_both_languages() {
        let mut codes = std::collections::BTreeSet::new();
        for p in one_of_each() {
            assert!(p.status_code().is_client_error() || p.status_code().is_server_error(), "{p:?}");
            // Two ledger refusals each say the same to a person: one code for both.
            let shared = ["ledger-unknown-entry", "not-reversible", "command-required"].contains(&p.code());
            assert!(codes.insert(p.code()) || shared, "two problems share the code {}", p.code());
            let (fr, en) = (p.title_and_detail(Language::Fr), p.title_and_detail(Language::En));
            assert!(written(&fr.0) && written(&en.0) && fr.0 != en.0, "{p:?}: {fr:?} / {en:?}");
            for detail in [fr.1, en.1].into_iter().flatten() {
                assert!(written(&detail), "{p:?}: {detail}");
            }
        }
    }

    /// Every refusal code (`Code::ALL`, which the macro that declares the codes makes complete) has its
    /// title and detail in each language, and no two codes share a string.
    #[test]
    fn every_refusal_code_has_both_languages() {
        let strings: std::collections::BTreeSet<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
        assert_eq!(strings.len(), Code::ALL.len(), "two codes share a string");
        for &code in Code::ALL {
            let p = Problem::refused(code, StatusCode::CONFLICT);
            for lang in [Language::Fr, Language::En] {
                let (title, detail) = p.title_and_detail(lang);
                assert!(written(&title) && written(&detail.unwrap_or_default()), "{code:?} in {lang:?}");
            }
        }
    }

    #[test]
    fn a_lack_of_funds_says_how_much_is_missing_in_each_language() {
        let e = LedgerError::InsufficientFunds {
            envelope: "FQIS".into(),
            fiscal_year: "2024-2025".into(),
            available: crate::domain::Money::from_cents(25_000),
            missing: crate::domain::Money::from_cents(100_000),
        };
        let problem = Problem::from(StorageError::Ledger(e));
        assert_eq!((problem.status_code(), problem.code()), (StatusCode::CONFLICT, "insufficient-funds"));
        let fr = problem.body(Language::Fr, None);
        assert_eq!(fr["title"], "Fonds insuffisants");
        assert!(fr["detail"].as_str().unwrap().contains("il manque 1\u{a0}000,00\u{a0}$"), "{fr}");
        assert_eq!(fr["missing"], "1000.00");
        let en = problem.body(Language::En, None);
        assert!(en["detail"].as_str().unwrap().contains("$1,000.00 is missing"), "{en}");
    }
}
