//! Extractors that turn a request into validated input, or into a [`Problem`] that says what is wrong.

use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;
use validator::{Validate, ValidationErrors, ValidationErrorsKind};

use super::problem::{FieldError, FieldProblem, Problem};
use crate::domain::{Hours, Language, Money, NumberStyle};

/// A request body as the client sends it, and how it becomes domain types.
pub trait Input: DeserializeOwned + Validate {
    type Domain;
    /// Converts into domain types, recording every field error in `fields` (which already holds the
    /// `validator` rules' errors); returns `None` when anything was wrong.
    fn convert(self, fields: &mut Fields) -> Option<Self::Domain>;
}

/// A JSON body, well-formed, without unknown fields (the input types deny them), within the size limit,
/// valid by its `validator` rules and converted into domain types: the handler gets `T::Domain`. Anything
/// else is one problem-details answer listing every refused field, and nothing is written.
pub struct ApiJson<T: Input>(pub T::Domain);

impl<S, T> FromRequest<S> for ApiJson<T>
where
    T: Input,
    S: Send + Sync,
{
    type Rejection = Problem;

    async fn from_request(req: Request, state: &S) -> Result<Self, Problem> {
        let axum::Json(value) =
            axum::Json::<T>::from_request(req, state).await.map_err(|rejection| match rejection {
                JsonRejection::JsonSyntaxError(e) => Problem::MalformedJson(e.body_text()),
                JsonRejection::JsonDataError(e) => Problem::InvalidBody(e.body_text()),
                JsonRejection::MissingJsonContentType(_) => Problem::UnsupportedMediaType,
                other if other.status() == StatusCode::PAYLOAD_TOO_LARGE => Problem::PayloadTooLarge,
                other => Problem::MalformedJson(other.body_text()),
            })?;
        let mut fields = Fields::default();
        match check(value, &mut fields) {
            Some(domain) if fields.is_empty() => Ok(ApiJson(domain)),
            _ => Err(fields.into_problem()),
        }
    }
}

/// Runs an input's `validator` rules and its conversion, recording every problem in `fields`.
pub fn check<T: Input>(value: T, fields: &mut Fields) -> Option<T::Domain> {
    if let Err(errors) = value.validate() {
        fields.add_validator_errors("", &errors);
    }
    value.convert(fields)
}

/// Collects field errors from `validator` and from domain parsing, so that one answer lists them all.
/// Numbers are read in the machine form (`1234.56`, the API) unless the fields come from a page, which
/// reads them as people write them in its language.
#[derive(Default)]
pub struct Fields {
    errors: Vec<FieldError>,
    numbers: NumberStyle,
}

impl Fields {
    /// The fields of a form on a page in `lang`.
    pub fn for_page(lang: Language) -> Fields {
        Fields::with_numbers(lang.into())
    }

    pub fn with_numbers(numbers: NumberStyle) -> Fields {
        Fields { errors: Vec::new(), numbers }
    }

    /// An amount as typed (blank is refused: callers decide what blank means).
    pub fn money(&mut self, field: &str, typed: &str) -> Option<Money> {
        let (parsed, style) = (Money::parse_as(typed, self.numbers), self.numbers);
        self.parse(field, parsed, |e| FieldProblem::Amount(e, style))
    }

    /// Hours as typed.
    pub fn hours(&mut self, field: &str, typed: &str) -> Option<Hours> {
        let (parsed, style) = (Hours::parse_as(typed, self.numbers), self.numbers);
        self.parse(field, parsed, |e| FieldProblem::Amount(e, style))
    }

    pub fn add(&mut self, field: impl Into<String>, problem: FieldProblem) {
        self.errors.push(FieldError { field: field.into(), problem });
    }

    /// Parses one field into its domain type, recording the error if any.
    pub fn parse<T, E>(
        &mut self,
        field: &str,
        result: Result<T, E>,
        problem: impl FnOnce(E) -> FieldProblem,
    ) -> Option<T> {
        match result {
            Ok(v) => Some(v),
            Err(e) => {
                self.add(field, problem(e));
                None
            }
        }
    }

    fn add_validator_errors(&mut self, prefix: &str, errors: &ValidationErrors) {
        for (field, kind) in errors.errors() {
            let path = if prefix.is_empty() { field.to_string() } else { format!("{prefix}.{field}") };
            match kind {
                ValidationErrorsKind::Field(list) => {
                    for e in list {
                        let problem = match e.code.as_ref() {
                            "length" => match e.params.get("max").and_then(|m| m.as_u64()) {
                                Some(max)
                                    if e.params
                                        .get("value")
                                        .and_then(|v| v.as_str())
                                        .is_some_and(|v| v.chars().count() as u64 > max) =>
                                {
                                    FieldProblem::TooLong { max }
                                }
                                _ => FieldProblem::Required,
                            },
                            "range" => FieldProblem::OutOfRange,
                            _ => FieldProblem::Required,
                        };
                        self.add(path.clone(), problem);
                    }
                }
                ValidationErrorsKind::Struct(inner) => self.add_validator_errors(&path, inner),
                ValidationErrorsKind::List(items) => {
                    for (i, inner) in items {
                        self.add_validator_errors(&format!("{path}[{i}]"), inner);
                    }
                }
            }
        }
    }

    pub fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }

    /// How many errors so far.
    pub fn len(&self) -> usize {
        self.errors.len()
    }

    /// A required text field, trimmed; blank is an error.
    pub fn required(&mut self, field: &str, value: String) -> String {
        let value = value.trim().to_string();
        if value.is_empty() && !self.errors.iter().any(|e| e.field == field) {
            self.add(field, FieldProblem::Required);
        }
        value
    }

    /// Whether a one-line text is free of control characters (a line break in a name or a title would
    /// forge lines in letters and e-mails); records the error if not.
    pub fn single_line(&mut self, field: &str, value: &str) -> bool {
        let clean = !value.chars().any(char::is_control);
        if !clean {
            self.add(field, FieldProblem::ControlCharacters);
        }
        clean
    }

    /// A required one-line text, trimmed.
    pub fn required_line(&mut self, field: &str, value: String) -> String {
        let value = self.required(field, value);
        self.single_line(field, &value);
        value
    }

    /// The errors, sorted by field, each once.
    pub fn into_errors(mut self) -> Vec<FieldError> {
        self.errors.sort_by(|a, b| a.field.cmp(&b.field));
        self.errors.dedup();
        self.errors
    }

    pub fn into_problem(self) -> Problem {
        Problem::Validation(self.into_errors())
    }
}

/// Path parameters; a malformed one (`/grants/abc`) is a problem-details 400.
pub struct ApiPath<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for ApiPath<T> {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Problem> {
        let axum::extract::Path(value) = axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map_err(|e| Problem::BadRequest(e.body_text()))?;
        Ok(ApiPath(value))
    }
}

/// Query parameters; unknown or malformed ones are a problem-details 400.
pub struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Problem> {
        let axum::extract::Query(value) = axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map_err(|e| Problem::BadRequest(e.body_text()))?;
        Ok(ApiQuery(value))
    }
}
