//! Every error the web layer can answer, mapped in this one file to a status, a stable `code` and an RFC
//! 9457 problem-details body in the caller's language. Handlers return `Problem` with `?`; the
//! [`render`] middleware writes the body once it knows the request's language and id.

use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::domain::account::PasswordError;
use crate::domain::workflow::{FireError, Guard, Role};
use crate::domain::{Language, MoneyError, OrganismError};
use crate::storage::StorageError;

/// Why one field was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldProblem {
    Required,
    TooLong {
        max: u64,
    },
    Organism(OrganismError),
    Amount(MoneyError),
    OutOfRange,
    /// Not one of the offered choices.
    Choice,
    /// A whole number from 1 to `max`.
    Quantity {
        max: u64,
    },
    TooMany {
        max: u64,
    },
    Password(PasswordError),
    /// The two passwords typed differ.
    PasswordMismatch,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: String,
    pub problem: FieldProblem,
}

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
    VersionConflict { current: i64 },
    NotEditable { state: String },
    EventNotAllowed { state: String, event: String, allowed: Vec<String> },
    RoleNotPermitted { role: Role, event: String, roles: Vec<Role> },
    ConditionsNotMet { event: String, failed: Vec<Guard>, missing: Vec<&'static str> },
    MissingActor,
    Unavailable,
    Internal,
}

impl From<StorageError> for Problem {
    fn from(e: StorageError) -> Self {
        match e {
            StorageError::NotFound => Problem::NotFound,
            StorageError::UnknownOrganism => Problem::UnknownOrganism,
            StorageError::DuplicateNeq => Problem::DuplicateNeq,
            StorageError::VersionConflict { current } => Problem::VersionConflict { current },
            StorageError::NotEditable { state } => Problem::NotEditable { state },
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

/// Picks fr or en from one message pair.
fn t(lang: Language, fr: impl Into<String>, en: impl Into<String>) -> String {
    match lang {
        Language::Fr => fr.into(),
        Language::En => en.into(),
    }
}

impl FieldProblem {
    pub fn code(&self) -> &'static str {
        match self {
            FieldProblem::Required => "required",
            FieldProblem::TooLong { .. } => "too-long",
            FieldProblem::Organism(OrganismError::NeqShape | OrganismError::NeqLegalForm) => "invalid-neq",
            FieldProblem::Organism(OrganismError::Region) => "invalid-region",
            FieldProblem::Organism(OrganismError::Email) => "invalid-email",
            FieldProblem::Organism(OrganismError::PostalCode) => "invalid-postal-code",
            FieldProblem::Organism(OrganismError::Language) => "invalid-language",
            FieldProblem::Amount(_) => "invalid-amount",
            FieldProblem::OutOfRange => "out-of-range",
            FieldProblem::Choice => "invalid-choice",
            FieldProblem::Quantity { .. } => "invalid-quantity",
            FieldProblem::TooMany { .. } => "too-many",
            FieldProblem::Password(_) => "weak-password",
            FieldProblem::PasswordMismatch => "password-mismatch",
        }
    }

    pub fn message(&self, lang: Language) -> String {
        match self {
            FieldProblem::Required => t(lang, "Ce champ est obligatoire.", "This field is required."),
            FieldProblem::TooLong { max } => {
                t(lang, format!("Au plus {max} caractères."), format!("At most {max} characters."))
            }
            FieldProblem::Organism(e) => match e {
                OrganismError::NeqShape => {
                    t(lang, "Le NEQ compte exactement 10 chiffres.", "A NEQ is exactly 10 digits.")
                }
                OrganismError::NeqLegalForm => t(
                    lang,
                    "Le NEQ commence par 11, 22, 33 ou 88 (sa forme juridique).",
                    "A NEQ starts with 11, 22, 33 or 88 (its legal form).",
                ),
                OrganismError::Region => {
                    t(lang, "La région est un code de 01 à 17.", "The region is a code from 01 to 17.")
                }
                OrganismError::Email => t(
                    lang,
                    "L'adresse courriel doit ressembler à nom@exemple.org.",
                    "The e-mail address must look like name@example.org.",
                ),
                OrganismError::PostalCode => {
                    t(lang, "Le code postal doit ressembler à H2X 1Y4.", "The postal code must look like H2X 1Y4.")
                }
                OrganismError::Language => t(lang, "La langue est fr ou en.", "The language is fr or en."),
            },
            FieldProblem::Amount(e) => match e {
                MoneyError::NotANumber => {
                    t(lang, "Nombre invalide : écrivez-le comme 1234,56.", "Not a number: write it like 1234.56.")
                }
                MoneyError::TooPrecise => t(lang, "Au plus deux décimales.", "At most two decimals."),
                MoneyError::Negative => t(lang, "Ne peut pas être négatif.", "Must not be negative."),
                MoneyError::TooLarge => t(lang, "Trop élevé.", "Too large."),
            },
            FieldProblem::OutOfRange => t(lang, "Valeur hors des limites permises.", "Value out of the allowed range."),
            FieldProblem::Choice => {
                t(lang, "Choisissez une des options offertes.", "Choose one of the options offered.")
            }
            FieldProblem::Quantity { max } => {
                t(lang, format!("Un nombre entier de 1 à {max}."), format!("A whole number from 1 to {max}."))
            }
            FieldProblem::TooMany { max } => t(lang, format!("Au plus {max} lignes."), format!("At most {max} lines.")),
            FieldProblem::Password(PasswordError::TooShort) => {
                t(lang, "Le mot de passe compte au moins 12 caractères.", "The password has at least 12 characters.")
            }
            FieldProblem::Password(PasswordError::TooLong) => {
                t(lang, "Le mot de passe compte au plus 256 caractères.", "The password has at most 256 characters.")
            }
            FieldProblem::PasswordMismatch => t(lang, "Les deux mots de passe diffèrent.", "The two passwords differ."),
        }
    }
}

impl Problem {
    fn status(&self) -> StatusCode {
        match self {
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
            Problem::MissingActor => StatusCode::UNAUTHORIZED,
            Problem::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            Problem::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
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
            Problem::MissingActor => "missing-actor",
            Problem::Unavailable => "unavailable",
            Problem::Internal => "internal",
        }
    }

    /// (title, detail, extra members) in the caller's language.
    fn describe(&self, lang: Language) -> (String, Option<String>, Value) {
        let none = Value::Null;
        match self {
            Problem::BadRequest(d) => (t(lang, "Requête invalide", "Bad request"), Some(d.clone()), none),
            Problem::MalformedJson(d) => (t(lang, "JSON mal formé", "Malformed JSON"), Some(d.clone()), none),
            Problem::InvalidBody(d) => {
                (t(lang, "Corps de requête invalide", "Invalid request body"), Some(d.clone()), none)
            }
            Problem::PayloadTooLarge => (
                t(lang, "Requête trop volumineuse", "Request too large"),
                Some(t(lang, "Le corps d'une requête est limité à 1 Mio.", "A request body is limited to 1 MiB.")),
                none,
            ),
            Problem::UnsupportedMediaType => (
                t(lang, "Type de contenu non pris en charge", "Unsupported content type"),
                Some(t(
                    lang,
                    "Envoyez du JSON (Content-Type: application/json).",
                    "Send JSON (Content-Type: application/json).",
                )),
                none,
            ),
            Problem::Validation(errors) => {
                let list: Vec<Value> = errors
                    .iter()
                    .map(|e| json!({ "field": e.field, "code": e.problem.code(), "message": e.problem.message(lang) }))
                    .collect();
                (
                    t(lang, "Certains champs sont invalides", "Some fields are invalid"),
                    Some(t(
                        lang,
                        "Rien n'a été enregistré; corrigez les champs indiqués.",
                        "Nothing was saved; correct the fields listed.",
                    )),
                    json!({ "errors": list }),
                )
            }
            Problem::NotFound => (t(lang, "Introuvable", "Not found"), None, none),
            Problem::MethodNotAllowed => (
                t(lang, "Méthode non permise", "Method not allowed"),
                Some(t(
                    lang,
                    "Cette adresse n'accepte pas cette méthode HTTP.",
                    "This address does not accept this HTTP method.",
                )),
                none,
            ),
            Problem::NoSuchRoute => (
                t(lang, "Adresse inconnue", "Unknown address"),
                Some(t(
                    lang,
                    "Voir /api/v1/openapi.json pour les adresses de l'API.",
                    "See /api/v1/openapi.json for the API's addresses.",
                )),
                none,
            ),
            Problem::UnknownOrganism => (t(lang, "Organisme inconnu", "Unknown organism"), None, none),
            Problem::DuplicateNeq => (
                t(lang, "Organisme déjà inscrit", "Organism already registered"),
                Some(t(lang, "Un organisme avec ce NEQ existe déjà.", "An organism with this NEQ already exists.")),
                none,
            ),
            Problem::VersionConflict { current } => (
                t(lang, "Modifié entre-temps", "Changed in the meantime"),
                Some(t(
                    lang,
                    "Quelqu'un d'autre a modifié cette demande; rechargez-la et recommencez.",
                    "Someone else changed this application; reload it and try again.",
                )),
                json!({ "current_version": current }),
            ),
            Problem::NotEditable { state } => (
                t(lang, "Demande non modifiable", "Application cannot be changed"),
                Some(t(
                    lang,
                    format!("Une demande à l'état « {state} » ne peut plus être modifiée."),
                    format!("An application in state '{state}' can no longer be changed."),
                )),
                json!({ "state": state }),
            ),
            Problem::EventNotAllowed { state, event, allowed } => (
                t(lang, "Action impossible à cette étape", "Action not possible at this stage"),
                Some(t(
                    lang,
                    format!("« {event} » n'est pas permis à l'état « {state} ». Permis : {}.", or_none(allowed, lang)),
                    format!("'{event}' is not allowed in state '{state}'. Allowed: {}.", or_none(allowed, lang)),
                )),
                json!({ "state": state, "allowed_events": allowed }),
            ),
            Problem::RoleNotPermitted { role, event, roles } => {
                let roles: Vec<&str> = roles.iter().map(Role::as_str).collect();
                (
                    t(lang, "Action réservée à un autre rôle", "Action reserved for another role"),
                    Some(t(
                        lang,
                        format!("Le rôle « {role} » ne peut pas faire « {event} »."),
                        format!("Role '{role}' may not do '{event}'."),
                    )),
                    json!({ "allowed_roles": roles }),
                )
            }
            Problem::ConditionsNotMet { event, failed, missing } => {
                let failed: Vec<&str> = failed.iter().map(Guard::as_str).collect();
                (
                    t(lang, "Conditions non remplies", "Conditions not met"),
                    Some(t(
                        lang,
                        format!("« {event} » exige : {}.", failed.join(", ")),
                        format!("'{event}' requires: {}.", failed.join(", ")),
                    )),
                    json!({ "failed_guards": failed, "missing_fields": missing }),
                )
            }
            Problem::MissingActor => (
                t(lang, "Identité requise", "Identity required"),
                Some(t(
                    lang,
                    "Indiquez qui agit avec les en-têtes X-Octroi-Actor et X-Octroi-Role.",
                    "Say who acts with the X-Octroi-Actor and X-Octroi-Role headers.",
                )),
                none,
            ),
            Problem::Unavailable => (t(lang, "Service indisponible", "Service unavailable"), None, none),
            Problem::Internal => (
                t(lang, "Erreur interne", "Internal error"),
                Some(t(
                    lang,
                    "Une erreur imprévue est survenue; rien n'a été enregistré. Donnez l'identifiant de requête au soutien.",
                    "An unexpected error occurred; nothing was saved. Give the request id to support.",
                )),
                none,
            ),
        }
    }
}

fn or_none(items: &[String], lang: Language) -> String {
    if items.is_empty() { t(lang, "aucune action", "nothing") } else { items.join(", ") }
}

impl IntoResponse for Problem {
    /// The body is written by [`render`], which knows the language; this carries the problem to it.
    fn into_response(self) -> Response {
        let mut response = self.status().into_response();
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
    let lang = language_of(request.headers());
    let request_id = request.headers().get("x-request-id").and_then(|v| v.to_str().ok()).map(String::from);
    let response = next.run(request).await;
    let Some(problem) = response.extensions().get::<Problem>().cloned() else {
        return response;
    };
    let status = response.status();
    let (title, detail, extra) = problem.describe(lang);
    let mut body = json!({
        "type": format!("urn:octroi:problem:{}", problem.code()),
        "title": title,
        "status": status.as_u16(),
        "code": problem.code(),
        "request_id": request_id,
    });
    if let Some(detail) = detail {
        body["detail"] = json!(detail);
    }
    if let Value::Object(extra) = extra {
        body.as_object_mut().expect("an object").extend(extra);
    }
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

    #[test]
    fn every_field_problem_has_both_languages() {
        let problems = [
            FieldProblem::Required,
            FieldProblem::TooLong { max: 3 },
            FieldProblem::Organism(OrganismError::NeqShape),
            FieldProblem::Amount(MoneyError::TooPrecise),
            FieldProblem::OutOfRange,
        ];
        for p in problems {
            assert_ne!(p.message(Language::Fr), p.message(Language::En));
        }
    }
}
