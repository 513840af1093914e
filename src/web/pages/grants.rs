//! The applicant's journey and the staff's first view: the dashboard, the application form (save a
//! draft, submit, answer a request for information), the status page with its history, withdrawal.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::account::signed_in_page;
use super::{ConfirmPage, FormErrors, Page, ReasonField, render};
use crate::AppState;
use crate::app;
use crate::app::applications::{
    self, EMAIL_MAX, LINE_DESCRIPTION_MAX, LONG_TEXT_MAX, NAME_MAX, RawApplication, TITLE_MAX,
};
use crate::domain::account::AccountRole;
use crate::domain::grant::{Application, LineCategory};
use crate::domain::ledger::CommitmentLine;
use crate::domain::workflow::GrantUse;
use crate::domain::{GrantId, Language, Money};
use crate::policy::authz::{Action, Resource};
use crate::storage::StorageError;
use crate::storage::grants::{AcceptanceRecord, Grant, GrantSummary, GrantTransition};
use crate::storage::organisms::Organism;
use crate::web::auth::{SignedIn, grant_resource};
use crate::web::client::ClientAddress;
use crate::web::extract::Fields;
use crate::web::problem::{FieldError, FieldProblem, Problem};

#[derive(Template)]
#[template(path = "dashboard.html")]
pub struct DashboardPage {
    pub page: Page,
    pub organism: Option<Organism>,
    pub grants: Vec<GrantSummary>,
    pub can_start: bool,
    /// The organism has a draft in progress: "start" opens it.
    pub resume: bool,
    /// Why the organism may not start another application, if the program's rules forbid it.
    pub start_refused: Option<String>,
    pub notice: Option<String>,
    /// Staff: what waits on them, queue by queue.
    pub work: Vec<super::review::QueueWork>,
    /// Staff who see the whole program: how it stands this fiscal year.
    pub year: Option<crate::app::finance::ProgramYear>,
}

pub async fn dashboard(
    State(state): State<AppState>,
    signed: SignedIn,
    headers: HeaderMap,
    Query(q): Query<super::NoticeQuery>,
) -> Result<Response, Problem> {
    let page = super::review::work_page(&state, &signed, &headers, "/dashboard", None).await?;
    let user = &signed.caller.user;
    let (mut resume, mut start_refused) = (false, None);
    let (organism, grants, can_start) = match user.role() {
        AccountRole::Member => {
            let organism_id = user.organism_id.ok_or(Problem::Forbidden)?;
            let grants = state.db.grants_of_organism(organism_id).await?;
            // "Start" opens the draft in progress; an organism the rules forbid another bourse is told why.
            resume = grants.iter().any(|g| state.grant_workflow().is_initial(&g.state));
            let may = signed.caller.may(&state, Action::GrantCreate, &Resource::Organism(organism_id));
            let allowed = resume || applications::may_start(&state, organism_id).await?;
            if may && !allowed {
                start_refused = Some(page.t("problem-one-bourse-per-organism-detail"));
            }
            (Some(state.db.organism(organism_id).await?), grants, may && allowed)
        }
        AccountRole::Reviewer => (None, state.db.grants_assigned_to(user.id, "reviewer").await?, false),
        AccountRole::Coach => (None, state.db.grants_assigned_to(user.id, "coach").await?, false),
        _ => {
            signed.caller.require(&state, Action::GrantListAll, &Resource::Program)?;
            (None, state.db.recent_grants(&state.grant_workflow().initial, 10).await?, false)
        }
    };
    // Lists show only what the policies let this account see: a declared conflict hides an assigned
    // application too. The lists come from assignments, so an assigned user is assigned to each row.
    let me = vec![user.id];
    let mut visible = Vec::with_capacity(grants.len());
    for g in grants {
        let (reviewers, coaches) = match user.role() {
            AccountRole::Reviewer => (me.clone(), vec![]),
            AccountRole::Coach => (vec![], me.clone()),
            _ => (vec![], vec![]),
        };
        let draft = state.grant_workflow().is_initial(&g.state);
        let resource = Resource::Grant { id: g.id, organism: g.organism_id, reviewers, coaches, draft };
        if signed.caller.may(&state, Action::GrantView, &resource) {
            visible.push(g);
        }
    }
    let work = super::review::queue_work(&state, &signed, &page).await?;
    let year = if user.role().is_staff() && signed.caller.may(&state, Action::GrantListAll, &Resource::Program) {
        Some(crate::app::finance::program_year(&state).await?)
    } else {
        None
    };
    let notice = super::notice(page.lang, q.notice.as_deref());
    let dashboard =
        DashboardPage { page, organism, grants: visible, can_start, resume, start_refused, notice, work, year };
    Ok(render(StatusCode::OK, &dashboard))
}

/// "Start an application": the organism's draft if it has one, else a new one (see
/// [`applications::open_draft`]).
pub async fn start(State(state): State<AppState>, signed: SignedIn) -> Result<Response, Problem> {
    let organism = signed.caller.user.organism_id.ok_or(Problem::Forbidden)?;
    signed.caller.require(&state, Action::GrantCreate, &Resource::Organism(organism))?;
    let grant = applications::open_draft(&state, organism).await?;
    Ok(Redirect::to(&format!("/grants/{}/edit", grant.id)).into_response())
}

/// Loads a grant the caller may act on with `action`; anything else is 404 or 403.

#[derive(Template)]
#[template(path = "grant_edit.html")]
pub struct EditPage {
    pub page: Page,
    pub grant_id: GrantId,
    pub version: i64,
    pub state: String,
    pub form: RawApplication,
    pub errors: FormErrors,
    pub notice: Option<String>,
    /// The event the main button fires: `submit` for a draft, `provide_info` when answering.
    /// The program's question, when the application waits on an answer: (when, what).
    pub question: Option<(String, String)>,
    pub send_event: String,
    pub limits: Limits,
    /// A draft never sent: the page offers to delete it.
    pub can_delete: bool,
}

/// The limits the form's inputs announce, the same the checks apply.
pub struct Limits {
    pub title: usize,
    pub long_text: usize,
    pub line: usize,
    pub name: usize,
    pub email: usize,
}

const LIMITS: Limits =
    Limits { title: TITLE_MAX, long_text: LONG_TEXT_MAX, line: LINE_DESCRIPTION_MAX, name: NAME_MAX, email: EMAIL_MAX };

impl EditPage {
    pub fn field_id(&self, name: &str) -> String {
        super::field_id(name)
    }

    pub fn line_field(&self, i: &usize, part: &str) -> String {
        format!("lines[{i}].{part}")
    }

    pub fn category_label(&self, category: &str) -> String {
        self.page.t(&format!("category-{category}"))
    }
}

/// Blank lines offered after the filled ones, so that lines can be added without JavaScript.
const BLANK_LINES: usize = 3;

fn with_blank_lines(mut form: RawApplication, extra: usize) -> RawApplication {
    form.lines = super::with_blank_lines(form.lines, extra);
    form
}

fn send_event(state: &AppState, grant: &Grant) -> String {
    let allowed = state.grant_workflow().allowed_events(&grant.state, AccountRole::Member.workflow_role());
    let workflow = state.grant_workflow();
    let (submit, answer) = (workflow.event(GrantUse::Submit), workflow.event(GrantUse::Answer));
    [submit, answer].into_iter().find(|e| allowed.iter().any(|a| a == e)).unwrap_or(submit).to_string()
}

#[derive(Deserialize)]
pub struct SavedQuery {
    #[serde(default)]
    saved: Option<u8>,
    #[serde(default)]
    incomplete: Option<u8>,
}

pub async fn edit_page(
    State(state): State<AppState>,
    signed: SignedIn,
    headers: HeaderMap,
    Path(id): Path<GrantId>,
    Query(q): Query<SavedQuery>,
) -> Result<Response, Problem> {
    let grant = signed.caller.grant(&state, id, Action::GrantEdit).await?;
    if !state.grant_workflow().is_editable(&grant.state) {
        return Ok(Redirect::to(&format!("/grants/{id}")).into_response());
    }
    let page = signed_in_page(&signed, &headers, &format!("/grants/{id}/edit"));
    let notice = q.saved.map(|_| page.t("grant-saved"));
    let form = with_blank_lines(RawApplication::from_application(&grant.application(), page.lang.into()), BLANK_LINES);
    // Sent back from the review page: what is missing, field by field.
    let errors = match q.incomplete {
        Some(_) => FormErrors::from_fields(&applications::missing_as_errors(&grant.application().missing()), page.lang)
            .arranged(page.lang, &application_fields(page.lang)),
        None => FormErrors::default(),
    };
    let question = app::grants::open_question(&state, &grant).await?;
    let edit = EditPage {
        question,
        send_event: send_event(&state, &grant),
        can_delete: state.grant_workflow().is_initial(&grant.state),
        page,
        grant_id: id,
        version: grant.version,
        state: grant.state,
        form,
        errors,
        notice,
        limits: LIMITS,
    };
    Ok(render(StatusCode::OK, &edit))
}

/// Reads the application form. Lines come as `line_category`, `line_description`, `line_quantity`,
/// `line_unit_price`, repeated in order.
fn parse_form(body: &[u8]) -> (RawApplication, i64, String) {
    let mut raw = RawApplication::default();
    let (mut version, mut action) = (0, String::new());
    let mut lines = super::LineInputs::default();
    for (key, value) in url::form_urlencoded::parse(body) {
        if lines.take(&key, &value) {
            continue;
        }
        let value = value.into_owned();
        match key.as_ref() {
            "title" => raw.title = value,
            "needs_assessment" => raw.needs_assessment = value,
            "project_description" => raw.project_description = value,
            "requested_coaching_hours" => raw.requested_coaching_hours = value,
            "contact_name" => raw.contact_name = value,
            "contact_email" => raw.contact_email = value,
            "version" => version = value.parse().unwrap_or(0),
            "action" => action = value,
            _ => {}
        }
    }
    raw.lines = lines.lines();
    (raw, version, action)
}

/// The application form's fields in the order it shows them, with their labels (a line's fields as
/// `lines[].part`, by line): the order of its error summary.
fn application_fields(lang: Language) -> Vec<(&'static str, String)> {
    let label = |name: &str| crate::i18n::t(lang, &format!("field-{}", name.replace('_', "-")));
    let mut fields: Vec<(&'static str, String)> =
        ["title", "needs_assessment", "project_description"].into_iter().map(|n| (n, label(n))).collect();
    fields.extend(
        ["lines[]", "lines[].category", "lines[].description", "lines[].quantity", "lines[].unit_price"]
            .map(|n| (n, String::new())),
    );
    fields.extend(["lines", "requested_coaching_hours", "contact_name", "contact_email"].map(|n| (n, label(n))));
    fields
}

/// Saves the draft (`action=save` or `more_lines`), or saves it and goes on (`action=send`): a complete
/// draft to its review-and-attest page, an answer to the program's question straight to the program.
/// Whatever is refused, the page comes back with everything typed and each error next to its field.
#[tracing::instrument(skip_all, fields(grant_id = %id))]
pub async fn edit(
    State(state): State<AppState>,
    signed: SignedIn,
    headers: HeaderMap,
    Path(id): Path<GrantId>,
    body: Bytes,
) -> Result<Response, Problem> {
    let grant = signed.caller.grant(&state, id, Action::GrantEdit).await?;
    let page = signed_in_page(&signed, &headers, &format!("/grants/{id}/edit"));
    let (raw, version, action) = parse_form(&body);
    let event = send_event(&state, &grant);
    let question = app::grants::open_question(&state, &grant).await?;
    let again = |errors: Vec<FieldError>, raw: RawApplication, version: i64| {
        let extra = if action == "more_lines" { BLANK_LINES + 2 } else { BLANK_LINES };
        EditPage {
            question: question.clone(),
            errors: FormErrors::from_fields(&errors, page.lang).arranged(page.lang, &application_fields(page.lang)),
            page: page.clone(),
            grant_id: id,
            version,
            state: grant.state.clone(),
            form: with_blank_lines(raw, extra),
            notice: None,
            send_event: event.clone(),
            limits: LIMITS,
            can_delete: state.grant_workflow().is_initial(&grant.state),
        }
    };
    // Whatever can be stored is saved; a refused field keeps what was typed, on the page, with its error.
    let mut f = Fields::for_page(page.lang);
    let application = raw.salvage(&mut f, "", &grant.application());
    let refused = f.into_errors();
    let saved = match applications::save(&state, id, version, application).await {
        Ok(saved) => saved,
        Err(app::AppError::Storage(StorageError::VersionConflict { .. })) => {
            let message = FieldError { field: "form".into(), problem: FieldProblem::Conflict };
            return Ok(render(StatusCode::CONFLICT, &again(vec![message], raw, grant.version)));
        }
        Err(app::AppError::Storage(StorageError::NotEditable { .. })) => {
            return Ok(Redirect::to(&format!("/grants/{id}")).into_response());
        }
        Err(e) => return Err(e.into()),
    };
    if !refused.is_empty() {
        let mut edit = again(refused, raw, saved.version);
        edit.errors.partly_saved = true;
        return Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &edit));
    }
    if action != "send" {
        let extra = if action == "more_lines" { "#lines" } else { "" };
        return Ok(Redirect::to(&format!("/grants/{id}/edit?saved=1{extra}")).into_response());
    }
    // An answer to the program's question is written, with its documents, on the application's page.
    if event == state.grant_workflow().event(GrantUse::Answer) {
        return Ok(Redirect::to(&format!("/grants/{id}#answer")).into_response());
    }
    // A first submission is reviewed and attested on its own page, once nothing is missing.
    let missing = saved.application().missing();
    if !missing.is_empty() {
        let page = again(applications::missing_as_errors(&missing), raw, saved.version);
        return Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &page));
    }
    Ok(Redirect::to(&format!("/grants/{id}/submit")).into_response())
}

#[derive(Template)]
#[template(path = "grant_show.html")]
pub struct ShowPage {
    pub page: Page,
    pub grant: Grant,
    pub organism: Organism,
    pub application: Application,
    pub history: Vec<GrantTransition>,
    pub can_edit: bool,
    pub can_withdraw: bool,
    /// The bourse is awarded and the person may see its purchases.
    pub can_see_purchases: bool,
    /// The program asked the applicant for information (the workflow offers the applicant an answer).
    pub awaiting_answer: bool,
    /// The program's question, when it waits on an answer: (when, what).
    pub question: Option<(String, String)>,
    /// The answer as typed, when it was refused.
    pub answer_typed: String,
    /// The documents attached to the application.
    pub documents: Vec<crate::storage::documents::Document>,
    /// Links to the program officer's page and the reviewer's form, for those who may use them.
    pub can_manage: bool,
    pub can_review: bool,
    /// The member's acceptance of the award letter, once given.
    pub acceptance: Option<AcceptanceRecord>,
    /// The acceptance form, for a member while the grant waits for it (what was typed, after an error).
    pub accept: Option<AcceptForm>,
    pub errors: FormErrors,
    /// A draft never sent, which its organism may delete.
    pub can_delete: bool,
    pub notice: Option<String>,
    /// The grant's commitments in the ledger, with what was spent, released and what remains.
    pub statement: Vec<CommitmentLine>,
}

/// The acceptance form as typed.
#[derive(Debug, Clone, Default)]
pub struct AcceptForm {
    pub version: i64,
    pub signer_name: String,
    pub signer_title: String,
    /// The checkbox: present (`on`) when ticked.
    pub accept_conditions: Option<String>,
}

impl AcceptForm {
    /// The text fields: (name, label's message id, value typed).
    pub fn fields(&self) -> [(&'static str, &'static str, &str); 2] {
        [
            ("signer_name", "field-signer-name", self.signer_name.as_str()),
            ("signer_title", "field-signer-title", self.signer_title.as_str()),
        ]
    }
}

impl ShowPage {
    pub fn category(&self, code: &str) -> String {
        self.page.t(&format!("category-{code}"))
    }

    /// The bourse in plain words, per category in the order the letter gives them: awarded, spent, and
    /// what is left to spend (a released remainder is neither spent nor left).
    pub fn bourse(&self) -> Vec<(String, Money, Money, Money)> {
        let mut rows: Vec<(String, Money, Money, Money)> = Vec::new();
        for category in ["equipment", "software", "coaching"] {
            let lines: Vec<&CommitmentLine> =
                self.statement.iter().filter(|l| l.account.category == category).collect();
            if lines.is_empty() {
                continue;
            }
            let sum = |f: fn(&CommitmentLine) -> Money| lines.iter().map(|l| f(l)).sum::<Money>();
            rows.push((self.category(category), sum(|l| l.committed), sum(|l| l.spent), sum(|l| l.remaining)));
        }
        rows
    }

    pub fn accepted_line(&self) -> String {
        let Some(a) = &self.acceptance else { return String::new() };
        let args = [
            ("name", a.signer_name.clone()),
            ("title", a.signer_title.clone()),
            ("date", crate::i18n::long_date(self.page.lang, &a.accepted_at)),
        ];
        crate::i18n::t_args(self.page.lang, "letter-accept-recorded", &args)
    }

    pub fn accepted_details(&self) -> String {
        let Some(a) = &self.acceptance else { return String::new() };
        let args = [("address", a.client_address.clone()), ("sha", a.letter_sha256.clone())];
        crate::i18n::t_args(self.page.lang, "letter-accept-record-details", &args)
    }

    /// The statement's sums: committed, spent, released, remaining.
    pub fn statement_total(&self, which: &usize) -> Money {
        self.statement.iter().map(|l| [l.committed, l.spent, l.released, l.remaining][*which]).sum()
    }

    pub fn equipment(&self) -> Money {
        self.application.requested(LineCategory::Equipment)
    }

    pub fn software(&self) -> Money {
        self.application.requested(LineCategory::Software)
    }

    pub fn event(&self, event: &str) -> String {
        self.page.t(&format!("event-{event}"))
    }
}

#[derive(Deserialize)]
pub struct ShowQuery {
    #[serde(default)]
    notice: Option<String>,
}

pub async fn show(
    State(state): State<AppState>,
    signed: SignedIn,
    headers: HeaderMap,
    Path(id): Path<GrantId>,
    Query(q): Query<ShowQuery>,
) -> Result<Response, Problem> {
    let grant = signed.caller.grant(&state, id, Action::GrantView).await?;
    let mut show = show_page(&state, &signed, &headers, grant, None).await?;
    show.notice = match q.notice.as_deref() {
        Some("signed") => Some(show.page.t("notice-accepted")),
        Some("sent") => Some(show.page.t("notice-sent")),
        Some("answered") => Some(show.page.t("notice-answered")),
        _ => None,
    };
    Ok(render(StatusCode::OK, &show))
}

/// The grant's page; `typed` is the acceptance form as the member typed it, after an error.
pub(super) async fn show_page(
    state: &AppState,
    signed: &SignedIn,
    headers: &HeaderMap,
    grant: Grant,
    typed: Option<AcceptForm>,
) -> Result<ShowPage, Problem> {
    let id = grant.id;
    let resource = grant_resource(state, &grant).await?;
    let workflow = state.grant_workflow();
    let can_edit = workflow.is_editable(&grant.state) && signed.caller.may(state, Action::GrantEdit, &resource);
    let can_withdraw = signed.caller.may(state, Action::GrantFire, &resource)
        && workflow_allows(state, signed, &grant, GrantUse::Withdraw);
    let answer = workflow.event(GrantUse::Answer);
    let can_accept = signed.caller.may(state, Action::GrantAccept, &resource)
        && workflow_allows(state, signed, &grant, GrantUse::Accept);
    let awaiting_answer = workflow.allows(&grant.state, AccountRole::Member.workflow_role(), answer);
    let can_manage = signed.caller.may(state, Action::GrantManage, &resource);
    let can_review = signed.caller.may(state, Action::GrantReview, &resource);
    let page = super::review::work_page(state, signed, headers, &format!("/grants/{id}"), None).await?;
    let accept = can_accept.then(|| {
        typed.unwrap_or_else(|| AcceptForm {
            version: grant.version,
            signer_name: signed.caller.user.display_name.clone(),
            ..Default::default()
        })
    });
    let history = app::grants::history_seen_by(state, signed.caller.user.role(), id, page.lang).await?;
    let question = app::grants::open_question(state, &grant).await?;
    Ok(ShowPage {
        can_see_purchases: grant.awarded_at.is_some() && signed.caller.may(state, Action::PurchaseView, &resource),
        can_manage,
        can_review,
        page,
        organism: state.db.organism(grant.organism_id).await?,
        application: grant.application(),
        history,
        acceptance: state.db.acceptance(id).await?,
        statement: if grant.awarded_at.is_some() { state.db.statement(id).await?.0 } else { Vec::new() },
        accept,
        errors: FormErrors::default(),
        can_delete: can_edit && workflow.is_initial(&grant.state),
        notice: None,
        grant,
        can_edit,
        can_withdraw,
        awaiting_answer,
        question,
        answer_typed: String::new(),
        documents: state.db.documents_of(id).await?,
    })
}

/// A member accepts the award letter on the organism's behalf; octroi activates the grant. A refused
/// form comes back with what was typed and the errors next to the fields.
pub async fn accept(
    State(state): State<AppState>,
    signed: SignedIn,
    headers: HeaderMap,
    ClientAddress(client): ClientAddress,
    Path(id): Path<GrantId>,
    body: Bytes,
) -> Result<Response, Problem> {
    let mut grant = signed.caller.grant(&state, id, Action::GrantAccept).await?;
    let form = super::form_map(&body);
    let get = |k: &str| form.get(k).cloned().unwrap_or_default();
    let typed = AcceptForm {
        version: get("version").parse().unwrap_or(0),
        signer_name: get("signer_name"),
        signer_title: get("signer_title"),
        accept_conditions: form.get("accept_conditions").cloned(),
    };
    grant.version = typed.version;
    let signature = app::Signature {
        name: typed.signer_name.clone(),
        title: typed.signer_title.clone(),
        confirmed: typed.accept_conditions.is_some(),
    };
    match app::accept(&state, &signed.caller.actor(), signed.caller.user.id, &grant, &signature, client)
        .await
        .map_err(Problem::from)
    {
        Ok(_) => Ok(Redirect::to(&format!("/grants/{id}?notice=signed")).into_response()),
        Err(problem @ (Problem::Validation(_) | Problem::VersionConflict { .. })) => {
            let current = state.db.grant(id).await?;
            let mut typed = typed;
            typed.version = current.version;
            let mut show = show_page(&state, &signed, &headers, current, Some(typed)).await?;
            let lang = show.page.lang;
            let fields = [
                ("signer_name", show.page.t("field-signer-name")),
                ("signer_title", show.page.t("field-signer-title")),
                ("accept_conditions", show.page.t("field-accept-conditions-short")),
            ];
            show.errors = FormErrors::from_problem(&problem, lang).arranged(lang, &fields);
            Ok(render(problem.status_code(), &show))
        }
        Err(e) => Err(e),
    }
}

#[derive(Deserialize)]
pub struct LetterQuery {
    #[serde(default)]
    lang: Option<String>,
}

/// The award letter, for the organism's members and the staff who see the grant: French, or English
/// with `?lang=en`.
pub async fn letter(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<GrantId>,
    Query(q): Query<LetterQuery>,
) -> Result<Response, Problem> {
    let grant = signed.caller.grant(&state, id, Action::GrantView).await?;
    let letter = crate::letters::letter_for(&state, &grant).await?.ok_or(Problem::NotFound)?;
    let lang = if q.lang.as_deref() == Some("en") { crate::domain::Language::En } else { crate::domain::Language::Fr };
    let bytes = crate::letters::render_off_thread(letter, lang).await;
    let name = crate::letters::file_name(id, lang);
    Ok((
        [
            (axum::http::header::CONTENT_TYPE, "application/pdf".to_string()),
            (axum::http::header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\"")),
        ],
        bytes,
    )
        .into_response())
}

/// A member withdraws the application. A refused reason (too long) comes back on the grant's page with
/// what was typed: never cut short.
pub async fn withdraw(
    State(state): State<AppState>,
    signed: SignedIn,
    headers: HeaderMap,
    Path(id): Path<GrantId>,
    body: Bytes,
) -> Result<Response, Problem> {
    let mut grant = signed.caller.grant(&state, id, Action::GrantFire).await?;
    // Read as the other forms are: a missing or altered version is a conflict, never a raw parse error.
    let form = super::form_map(&body);
    let reason = form.get("reason").cloned().unwrap_or_default();
    grant.version = super::form_version(&form);
    let withdraw = state.grant_workflow().event(GrantUse::Withdraw);
    match app::fire(&state, &signed.caller.actor(), &grant, withdraw, reason.trim(), None).await.map_err(Problem::from)
    {
        Ok(_) => Ok(Redirect::to(&format!("/grants/{id}")).into_response()),
        Err(problem @ Problem::Validation(_)) => {
            let grant = state.db.grant(id).await?;
            let mut confirm = withdraw_confirmation(&signed, &headers, &grant, reason);
            confirm.errors = FormErrors::from_problem(&problem, confirm.page.lang);
            Ok(render(problem.status_code(), &confirm))
        }
        Err(e) => Err(e),
    }
}

/// The page that asks before withdrawing: what withdrawing does, and the reason, kept as typed.
fn withdraw_confirmation(signed: &SignedIn, headers: &HeaderMap, grant: &Grant, typed: String) -> ConfirmPage {
    let page = signed_in_page(signed, headers, &format!("/grants/{}/withdraw", grant.id));
    ConfirmPage {
        title: page.ta("withdraw-title", "title", &app::grants::grant_title(grant, page.lang)),
        lines: vec![page.t("withdraw-what"), page.t("withdraw-after")],
        action: format!("/grants/{}/withdraw", grant.id),
        version: grant.version,
        reason: Some(ReasonField {
            label: page.t("field-withdraw-reason"),
            hint: page.t("hint-withdraw-reason"),
            typed,
            max: crate::app::grants::REASON_MAX,
        }),
        confirm: page.t("withdraw-confirm"),
        cancel: format!("/grants/{}", grant.id),
        errors: FormErrors::default(),
        page,
    }
}

/// Whether the workflow lets this caller's role fire the event `what` names from the grant's state.
fn workflow_allows(state: &AppState, signed: &SignedIn, grant: &Grant, what: GrantUse) -> bool {
    let workflow = state.grant_workflow();
    workflow.allows(&grant.state, signed.caller.user.role().workflow_role(), workflow.event(what))
}

/// `GET /grants/{id}/withdraw`: what withdrawing does, before it is done.
pub async fn withdraw_page(
    State(state): State<AppState>,
    signed: SignedIn,
    headers: HeaderMap,
    Path(id): Path<GrantId>,
) -> Result<Response, Problem> {
    let grant = signed.caller.grant(&state, id, Action::GrantFire).await?;
    // Only those the workflow lets withdraw from this state are asked (the applicant's organism).
    if !workflow_allows(&state, &signed, &grant, GrantUse::Withdraw) {
        return Err(Problem::Forbidden);
    }
    Ok(render(StatusCode::OK, &withdraw_confirmation(&signed, &headers, &grant, String::new())))
}

/// `GET /grants/{id}/delete`: what deleting a draft does, before it is done.
pub async fn delete_page(
    State(state): State<AppState>,
    signed: SignedIn,
    headers: HeaderMap,
    Path(id): Path<GrantId>,
) -> Result<Response, Problem> {
    let grant = signed.caller.grant(&state, id, Action::GrantEdit).await?;
    if !state.grant_workflow().is_initial(&grant.state) {
        return Ok(Redirect::to(&format!("/grants/{id}")).into_response());
    }
    let page = signed_in_page(&signed, &headers, &format!("/grants/{id}/delete"));
    let confirm = ConfirmPage {
        title: page.ta("delete-title", "title", &app::grants::grant_title(&grant, page.lang)),
        lines: vec![page.t("delete-what")],
        action: format!("/grants/{id}/delete"),
        version: grant.version,
        reason: None,
        confirm: page.t("delete-confirm"),
        cancel: format!("/grants/{id}/edit"),
        errors: FormErrors::default(),
        page,
    };
    Ok(render(StatusCode::OK, &confirm))
}

/// `POST /grants/{id}/delete`: deletes the draft at the version the person confirmed.
pub async fn delete(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<GrantId>,
    body: Bytes,
) -> Result<Response, Problem> {
    let grant = signed.caller.grant(&state, id, Action::GrantEdit).await?;
    let version = super::form_version(&super::form_map(&body));
    applications::delete_draft(&state, &grant, version).await?;
    Ok(Redirect::to("/dashboard?notice=deleted").into_response())
}
