//! The conversation between the program and an organism about an application: the organism's answer to
//! the program's question, with the documents it attaches (quotes, statements), and the staff's internal
//! notes, which the organism never sees.

use crate::AppState;
use crate::app::grants::{REASON_MAX, fire_with, firing};
use crate::app::{AppError, FieldProblem, Fields};
use crate::documents::DocumentError;
use crate::domain::workflow::GrantUse;
use crate::domain::{Actor, UserId};
use crate::storage::documents::NewDocument;
use crate::storage::grants::Grant;

/// The most files one answer attaches.
pub const FILES_MAX: usize = 3;
/// The longest internal note.
pub const NOTE_MAX: usize = 5_000;

/// A file as uploaded: the name it had and its bytes.
pub struct Upload {
    pub file_name: String,
    pub bytes: Vec<u8>,
}

/// The organism answers the program's question (`grant` at the version the member saw): the answer's
/// text is the reason of the step back to the program, kept in the history; the files are checked and
/// stored first, then attached in the step's transaction. A refused file refuses the whole answer, and
/// says which file and why.
pub async fn answer(
    state: &AppState,
    actor: &Actor,
    user_id: UserId,
    grant: &Grant,
    text: &str,
    uploads: Vec<Upload>,
) -> Result<Grant, AppError> {
    let mut f = Fields::default();
    let text = f.required_text("answer", text, REASON_MAX);
    let uploads: Vec<Upload> =
        uploads.into_iter().filter(|u| !(u.file_name.is_empty() && u.bytes.is_empty())).collect();
    if uploads.len() > FILES_MAX {
        f.add("documents", FieldProblem::TooManyFiles { max: FILES_MAX as u64 });
    }
    let documents = if f.is_empty() { store(state, &mut f, "answer", None, user_id, uploads).await } else { vec![] };
    if !f.is_empty() {
        return Err(f.into_error());
    }
    let mut step = firing(state, state.grant_workflow().event(GrantUse::Answer), &text);
    step.documents = documents;
    Ok(fire_with(state, actor, grant, vec![step]).await?.0)
}

/// Puts each file in the document store (recognised by content, size-limited, under its SHA-256) and
/// returns what to attach, `purpose` and all; a refused file is recorded in `f` as `documents`, named
/// with why. Nothing is attached here: the caller attaches them in its transaction, or not at all.
pub async fn store(
    state: &AppState,
    f: &mut Fields,
    purpose: &str,
    purchase_id: Option<crate::domain::PurchaseId>,
    user_id: UserId,
    uploads: Vec<Upload>,
) -> Vec<NewDocument> {
    let mut documents = Vec::new();
    for upload in uploads {
        let file_name = crate::documents::clean_name(&upload.file_name);
        match state.documents.put(upload.bytes).await {
            Ok(stored) => documents.push(NewDocument {
                purchase_id,
                purpose: purpose.into(),
                sha256: stored.sha256,
                media_type: stored.media_type.into(),
                file_name: crate::documents::named_as(&file_name, stored.media_type),
                size_bytes: stored.size,
                uploaded_by: user_id,
            }),
            Err(DocumentError::Store(e)) => {
                tracing::error!("document store: {e}");
                f.add("documents", FieldProblem::Document { file: file_name, problem: DocumentError::Store(e) });
            }
            Err(problem) => f.add("documents", FieldProblem::Document { file: file_name, problem }),
        }
    }
    documents
}

/// A staff member adds an internal note to an application.
pub async fn add_note(state: &AppState, grant: &Grant, author: UserId, body: &str) -> Result<(), AppError> {
    let mut f = Fields::default();
    let body = f.required_text("note", body, NOTE_MAX);
    if !f.is_empty() {
        return Err(f.into_error());
    }
    Ok(state.db.add_note(grant.id, author, body).await?)
}
