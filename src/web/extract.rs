//! Extractors that turn a request into validated input, or into a [`Problem`] that says what is wrong.

use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;
use validator::Validate;

use super::problem::Problem;
pub use crate::app::Fields;

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

impl Fields {
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
