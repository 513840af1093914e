//! Review and attest: before an application is submitted, its organism sees the whole of it once more,
//! attests that it is accurate and that they may submit it for the organism, and only then submits. The
//! page submits the version it showed: an application changed since (in another tab) is shown again.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};

use super::account::signed_in_page;
use super::{FormErrors, Page, form_map, render};
use crate::AppState;
use crate::app;
use crate::domain::grant::{Application, LineCategory};
use crate::domain::workflow::GrantUse;
use crate::domain::{GrantId, Money};
use crate::policy::authz::Action;
use crate::storage::grants::Grant;
use crate::storage::organisms::Organism;
use crate::web::auth::SignedIn;
use crate::web::problem::{FieldError, FieldProblem, Problem};

#[derive(Template)]
#[template(path = "grant_submit.html")]
pub struct SubmitPage {
    pub page: Page,
    pub grant_id: GrantId,
    pub version: i64,
    pub title: String,
    pub organism: Organism,
    pub application: Application,
    /// Whether the attestation box was ticked (kept after an error).
    pub attested: bool,
    pub errors: FormErrors,
}

impl SubmitPage {
    pub fn equipment(&self) -> Money {
        self.application.requested(LineCategory::Equipment)
    }

    pub fn software(&self) -> Money {
        self.application.requested(LineCategory::Software)
    }
}

/// The grant, when it is a complete application its organism may submit now; otherwise where to go
/// instead: its edit page (incomplete: the errors are there) or its page (already sent, or not a draft).
async fn submittable(state: &AppState, signed: &SignedIn, id: GrantId) -> Result<Result<Grant, Redirect>, Problem> {
    let grant = signed.caller.grant(state, id, Action::GrantEdit).await?;
    let (workflow, member) = (state.grant_workflow(), crate::domain::account::AccountRole::Member.workflow_role());
    if !workflow.allows(&grant.state, member, workflow.event(GrantUse::Submit)) {
        return Ok(Err(Redirect::to(&format!("/grants/{id}"))));
    }
    if !grant.application().missing().is_empty() {
        return Ok(Err(Redirect::to(&format!("/grants/{id}/edit?incomplete=1"))));
    }
    Ok(Ok(grant))
}

async fn submit_page(
    state: &AppState,
    signed: &SignedIn,
    headers: &HeaderMap,
    grant: &Grant,
    attested: bool,
    errors: FormErrors,
) -> Result<SubmitPage, Problem> {
    let page = signed_in_page(signed, headers, &format!("/grants/{}/submit", grant.id));
    Ok(SubmitPage {
        title: app::grants::grant_title(grant, page.lang),
        page,
        grant_id: grant.id,
        version: grant.version,
        organism: state.db.organism(grant.organism_id).await?,
        application: grant.application(),
        attested,
        errors,
    })
}

/// `GET /grants/{id}/submit`: the whole application and the attestation.
pub async fn review_page(
    State(state): State<AppState>,
    signed: SignedIn,
    headers: HeaderMap,
    Path(id): Path<GrantId>,
) -> Result<Response, Problem> {
    let grant = match submittable(&state, &signed, id).await? {
        Ok(grant) => grant,
        Err(elsewhere) => return Ok(elsewhere.into_response()),
    };
    let page = submit_page(&state, &signed, &headers, &grant, false, FormErrors::default()).await?;
    Ok(render(StatusCode::OK, &page))
}

/// `POST /grants/{id}/submit`: submits the version shown, once attested. Without the box ticked, or
/// when the application changed since it was shown, the page comes back saying so; a second click after
/// the submission lands on the grant's page.
#[tracing::instrument(skip_all, fields(grant_id = %id))]
pub async fn submit(
    State(state): State<AppState>,
    signed: SignedIn,
    headers: HeaderMap,
    Path(id): Path<GrantId>,
    body: Bytes,
) -> Result<Response, Problem> {
    let grant = match submittable(&state, &signed, id).await? {
        Ok(grant) => grant,
        Err(elsewhere) => return Ok(elsewhere.into_response()),
    };
    let form = form_map(&body);
    let attested = form.get("attest").is_some_and(|v| v == "on");
    let version: i64 = super::form_version(&form);
    let lang = super::page_language(&headers);
    let errors = if version != grant.version {
        FormErrors::one("form", crate::i18n::t(lang, "submit-changed"))
    } else if !attested {
        FormErrors::from_fields(&[FieldError { field: "attest".into(), problem: FieldProblem::Required }], lang)
    } else {
        FormErrors::default()
    };
    if !errors.is_empty() {
        let page = submit_page(&state, &signed, &headers, &grant, attested, errors).await?;
        return Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &page));
    }
    let submit = state.grant_workflow().event(GrantUse::Submit).to_string();
    app::fire(&state, &signed.caller.actor(), &grant, &submit, "", None).await?;
    Ok(Redirect::to(&format!("/grants/{id}?notice=sent")).into_response())
}
