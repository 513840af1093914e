//! The conversation on an application's page: the organism's answer to the program's question, with its
//! attached documents (a form with files); downloading a document; the staff's internal notes.

use axum::extract::{Multipart, Path, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Redirect, Response};

use super::FormErrors;
use crate::AppState;
use crate::app;
use crate::app::conversation::Upload;
use crate::domain::GrantId;
use crate::policy::authz::Action;
use crate::web::auth::SignedIn;
use crate::web::problem::Problem;

/// `POST /grants/{id}/answer` (multipart): the answer's text, the version seen, up to three files.
/// Refused, the application's page comes back with the text typed and each problem named (the files are
/// to be chosen again: a browser never sends them back).
pub async fn answer(
    State(state): State<AppState>,
    signed: SignedIn,
    headers: HeaderMap,
    Path(id): Path<GrantId>,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Response, Problem> {
    // Who may answer first: what was sent is read only for them.
    let mut grant = signed.caller.grant(&state, id, Action::GrantEdit).await?;
    let mut multipart = multipart.map_err(|e| Problem::BadRequest(e.body_text()))?;
    let (mut text, mut version, mut uploads) = (String::new(), 0, Vec::new());
    while let Some(field) = multipart.next_field().await.map_err(|e| Problem::BadRequest(e.body_text()))? {
        let name = field.name().unwrap_or_default().to_string();
        match name.as_str() {
            "answer" => text = field.text().await.map_err(|e| Problem::BadRequest(e.body_text()))?,
            "version" => {
                version = field.text().await.map_err(|e| Problem::BadRequest(e.body_text()))?.parse().unwrap_or(0)
            }
            "documents" => {
                let file_name = field.file_name().unwrap_or_default().to_string();
                let bytes = field.bytes().await.map_err(|_| Problem::PayloadTooLarge)?.to_vec();
                uploads.push(Upload { file_name, bytes });
            }
            _ => {}
        }
    }
    let seen = grant.clone();
    grant.version = version;
    let actor = signed.caller.actor();
    match app::conversation::answer(&state, &actor, signed.caller.user.id, &grant, &text, uploads).await {
        Ok(_) => Ok(Redirect::to(&format!("/grants/{id}?notice=answered")).into_response()),
        Err(e) => {
            let problem = Problem::from(e);
            let lang = super::page_language(&headers);
            let mut show = super::grants::show_page(&state, &signed, &headers, seen, None).await?;
            show.errors = FormErrors::from_problem(&problem, lang);
            show.answer_typed = text;
            Ok(super::render(problem.status_code(), &show))
        }
    }
}

/// `GET /documents/{id}`: a document, to whoever may see its application, as an attachment (never shown
/// in the page's origin), with its SHA-256.
pub async fn download(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<i64>,
) -> Result<Response, Problem> {
    let document = state.db.document(id).await?;
    // A purchase's document is for those who may see the grant's purchases (not its reviewers).
    let action = if document.purchase_id.is_some() { Action::PurchaseView } else { Action::GrantView };
    signed.caller.grant(&state, document.grant_id, action).await?;
    let bytes = state.documents.get(&document.sha256).await.map_err(|e| {
        tracing::error!(document = id, "document store: {e}");
        Problem::Internal
    })?;
    // Named again as it is served: documents stored before names followed their content get it too.
    let name = crate::documents::named_as(&document.file_name, &document.media_type);
    let ascii: String = name.chars().map(|c| if c.is_ascii_graphic() || c == ' ' { c } else { '_' }).collect();
    let encoded: String = url::form_urlencoded::byte_serialize(name.as_bytes()).collect();
    let disposition = format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{}", encoded.replace('+', "%20"));
    Ok((
        [
            (header::CONTENT_TYPE, document.media_type.clone()),
            (header::CONTENT_DISPOSITION, disposition),
            (header::HeaderName::from_static("x-content-sha256"), document.sha256.clone()),
        ],
        bytes,
    )
        .into_response())
}

/// `POST /grants/{id}/notes`: a staff member's internal note; refused, the manage page comes back with it.
pub async fn add_note(
    State(state): State<AppState>,
    signed: SignedIn,
    headers: HeaderMap,
    Path(id): Path<GrantId>,
    body: axum::body::Bytes,
) -> Result<Response, Problem> {
    let grant = signed.caller.grant(&state, id, Action::GrantManage).await?;
    let form = super::form_map(&body);
    let note = form.get("note").cloned().unwrap_or_default();
    match app::conversation::add_note(&state, &grant, signed.caller.user.id, &note).await {
        Ok(()) => Ok(Redirect::to(&format!("/grants/{id}/manage#notes")).into_response()),
        Err(e) => super::review::manage_with_note(&state, &signed, &headers, grant, note, Problem::from(e)).await,
    }
}
