//! Purchases on the web (issue 13): a bourse's purchases with what it has left by category, the request
//! form (vendor, justification, lines, no JavaScript needed), a purchase's page with its costs, its
//! history and the steps the person's role may take, and the program officers' queue of requests to
//! decide. Every step goes through `app::purchases`, as the API's do.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};

use super::review::work_page;
use super::{FormErrors, Page, render};
use crate::AppState;
use crate::app::applications::{LINE_DESCRIPTION_MAX, LONG_TEXT_MAX, NAME_MAX};
use crate::app::purchases::{self as usecase, RawPurchase};
use crate::app::{AppError, FieldError, FieldProblem, Fields};
use crate::domain::purchase::{MatchLine, ReceiptLine, Room, three_way};
use crate::domain::workflow::{PurchaseQueue, PurchaseUse};
use crate::domain::{GrantId, Language, PurchaseId};
use crate::policy::authz::{Action, Resource};
use crate::storage::StorageError;
use crate::storage::documents::Document;
use crate::storage::purchases::{Invoice, Purchase, PurchaseSummary};
use crate::storage::records::Transition;
use crate::web::auth::SignedIn;
use crate::web::problem::Problem;

/// Blank lines offered after the filled ones.
const BLANK_LINES: usize = 2;

/// The limits the form's inputs announce, the same the checks apply.
pub struct Limits {
    pub line: usize,
    pub name: usize,
    pub long_text: usize,
}

const LIMITS: Limits = Limits { line: LINE_DESCRIPTION_MAX, name: NAME_MAX, long_text: LONG_TEXT_MAX };

/// A bourse's room in one category, as a table row shows it.
pub struct RoomRow {
    pub category: String,
    pub room: Room,
    /// What the purchase on the page asks of this category, and whether the room lacks it.
    pub asked: Option<crate::domain::Money>,
}

impl RoomRow {
    pub fn short(&self) -> bool {
        self.asked.is_some_and(|a| a > self.room.available())
    }
}

/// The table of a bourse's room (`_rooms.html`).
pub struct RoomsTable {
    pub rows: Vec<RoomRow>,
    /// A purchase is on the page: a column says what it asks of each category.
    pub asks: bool,
}

fn room_rows(
    page: &Page,
    rooms: Vec<Room>,
    asked: &[(crate::domain::grant::LineCategory, crate::domain::Money)],
) -> RoomsTable {
    let rows = rooms
        .into_iter()
        .map(|room| RoomRow {
            category: page.t(&format!("category-{}", room.category)),
            asked: asked.iter().find(|(c, _)| *c == room.category).map(|(_, m)| *m),
            room,
        })
        .collect();
    RoomsTable { rows, asks: !asked.is_empty() }
}

/// `GET /grants/{id}/purchases`: "Mes achats".
#[derive(Template)]
#[template(path = "purchases.html")]
pub struct PurchasesPage {
    pub page: Page,
    pub grant_id: GrantId,
    pub grant_title: String,
    pub rooms: RoomsTable,
    pub purchases: Vec<PurchaseSummary>,
    /// The grant is active and the person may request purchases on it.
    pub can_request: bool,
    pub errors: FormErrors,
    /// The organism's asset register: the equipment its bourses bought, unit by unit.
    pub assets: Vec<crate::storage::purchases::Asset>,
}

impl PurchasesPage {
    /// "Rendu le 30 novembre 2026 (note de crédit NC-1)".
    pub fn returned_on(&self, number: &str, at: &str) -> String {
        let date = self.page.long_date(at);
        crate::i18n::t_args(self.page.lang, "assets-returned-on", &[("date", date), ("number", number.to_string())])
    }
}

pub async fn list(
    State(state): State<AppState>,
    signed: SignedIn,
    headers: HeaderMap,
    Path(id): Path<GrantId>,
) -> Result<Response, Problem> {
    let grant = signed.caller.grant(&state, id, Action::PurchaseView).await?;
    let page = work_page(&state, &signed, &headers, &format!("/grants/{id}/purchases"), None).await?;
    let can_request = usecase::may_spend(&state, &grant)
        && usecase::is_requester(&state, signed.caller.user.role().workflow_role())
        && signed.caller.may(&state, Action::PurchaseAct, &crate::web::auth::grant_resource(&state, &grant).await?);
    let rooms = room_rows(&page, usecase::rooms(&state, id, None).await?, &[]);
    let purchases = state.db.purchases_of_grant(id).await?;
    let grant_title = crate::app::grants::grant_title(&grant, page.lang);
    Ok(render(
        StatusCode::OK,
        &PurchasesPage {
            page,
            grant_id: id,
            grant_title,
            rooms,
            purchases,
            can_request,
            errors: FormErrors::default(),
            assets: state.db.assets(Some(grant.organism_id)).await?,
        },
    ))
}

/// `POST /grants/{id}/purchases`: a new request, as a draft, then its form.
pub async fn start(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<GrantId>,
) -> Result<Response, Problem> {
    let grant = signed.caller.grant(&state, id, Action::PurchaseAct).await?;
    let p = usecase::start(&state, &signed.caller.actor(), signed.caller.user.id, &grant, Default::default()).await?;
    Ok(Redirect::to(&format!("/purchases/{}/edit", p.id)).into_response())
}

/// The purchase and its grant, if the person may `action` on it.
async fn purchase_for(
    state: &AppState,
    signed: &SignedIn,
    id: PurchaseId,
    action: Action,
) -> Result<Purchase, Problem> {
    let p = state.db.purchase(id).await?;
    signed.caller.grant(state, p.grant_id, action).await?;
    Ok(p)
}

/// `GET|POST /purchases/{id}/edit`: the request form.
#[derive(Template)]
#[template(path = "purchase_edit.html")]
pub struct EditPage {
    pub page: Page,
    pub purchase: Purchase,
    pub form: RawPurchase,
    pub errors: FormErrors,
    pub notice: Option<String>,
    pub limits: Limits,
    /// "From 1 000,00 $ before taxes, 2 quotes."
    pub quotes_hint: String,
    /// The quotes attached so far.
    pub documents: Vec<Document>,
    /// What staff last asked or said about it: (heading, reason).
    pub asked: Option<(String, String)>,
}

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

/// The request form's fields in the order it shows them, with their labels: the order of its summary.
fn form_fields(lang: Language) -> Vec<(&'static str, String)> {
    let label = |name: &str| crate::i18n::t(lang, &format!("field-{}", name.replace('_', "-")));
    let mut fields: Vec<(&'static str, String)> =
        ["vendor_name", "vendor_gst", "vendor_qst", "justification"].into_iter().map(|n| (n, label(n))).collect();
    fields.extend(
        ["lines[]", "lines[].category", "lines[].description", "lines[].quantity", "lines[].unit_price"]
            .map(|n| (n, String::new())),
    );
    fields.extend(["lines", "quotes"].map(|n| (n, label(n))));
    fields
}

fn edit_page(page: Page, purchase: Purchase, form: RawPurchase, errors: Vec<FieldError>, extra: usize) -> EditPage {
    let lang = page.lang;
    let mut form = form;
    form.lines = super::with_blank_lines(form.lines, extra);
    let errors = FormErrors::from_fields(&errors, lang).arranged(lang, &form_fields(lang));
    EditPage {
        page,
        purchase,
        form,
        errors,
        notice: None,
        limits: LIMITS,
        quotes_hint: String::new(),
        documents: vec![],
        asked: None,
    }
}

/// What staff last said of a purchase, headed by its step and day ("Demande de modifications, le 7 décembre
/// 2026"), from its history: see [`crate::app::grants::standing_reason`].
fn last_said(page: &Page, history: &[Transition], state: &str) -> Option<(String, String)> {
    crate::app::grants::standing_reason(history, state).map(|step| {
        let args = [("step", page.t(&format!("event-{}", step.event))), ("date", page.long_date(&step.at))];
        (crate::i18n::t_args(page.lang, "purchase-asked", &args), step.reason)
    })
}

/// The edit page's parts read from the program and the database: the quotes' hint and the quotes.
async fn completed(state: &AppState, mut edit: EditPage) -> Result<EditPage, Problem> {
    edit.quotes_hint = quotes_hint(state, &edit.page);
    edit.documents = state.db.documents_of_purchase(edit.purchase.id).await?;
    let history = state.db.purchase_history(edit.purchase.id).await?;
    edit.asked = last_said(&edit.page, &history, &edit.purchase.state);
    Ok(edit)
}

fn quotes_hint(state: &AppState, page: &Page) -> String {
    let rules = &state.program.purchases;
    crate::i18n::t_args(
        page.lang,
        "purchase-quotes-hint",
        &[("price", page.money(&rules.quotes_above)), ("count", rules.quotes_required.to_string())],
    )
}

pub async fn edit_form(
    State(state): State<AppState>,
    signed: SignedIn,
    headers: HeaderMap,
    Path(id): Path<PurchaseId>,
    axum::extract::Query(q): axum::extract::Query<std::collections::HashMap<String, String>>,
) -> Result<Response, Problem> {
    let p = purchase_for(&state, &signed, id, Action::PurchaseAct).await?;
    if !state.purchase_workflow().is_editable(&p.state)
        || !usecase::is_requester(&state, signed.caller.user.role().workflow_role())
    {
        return Ok(Redirect::to(&format!("/purchases/{id}")).into_response());
    }
    let page = work_page(&state, &signed, &headers, &format!("/purchases/{id}/edit"), None).await?;
    let form = RawPurchase::from_request(&p.request(), page.lang.into());
    let mut edit = completed(&state, edit_page(page, p, form, Vec::new(), BLANK_LINES)).await?;
    edit.notice =
        ["saved", "attached"].into_iter().find(|k| q.contains_key(*k)).map(|k| edit.page.t(&format!("purchase-{k}")));
    Ok(render(StatusCode::OK, &edit))
}

/// Saves the request (`action=save`, `more_lines`) or saves and submits it (`action=send`). Refused,
/// the form comes back with everything typed and each error beside its field; nothing is saved.
pub async fn edit(
    State(state): State<AppState>,
    signed: SignedIn,
    headers: HeaderMap,
    Path(id): Path<PurchaseId>,
    body: Bytes,
) -> Result<Response, Problem> {
    let p = purchase_for(&state, &signed, id, Action::PurchaseAct).await?;
    if !usecase::is_requester(&state, signed.caller.user.role().workflow_role()) {
        return Err(Problem::Forbidden);
    }
    let page = work_page(&state, &signed, &headers, &format!("/purchases/{id}/edit"), None).await?;
    let (mut raw, mut version, mut action) = (RawPurchase::default(), 0, String::new());
    let mut lines = super::LineInputs::default();
    for (key, value) in url::form_urlencoded::parse(&body) {
        if lines.take(&key, &value) {
            continue;
        }
        let value = value.into_owned();
        match key.as_ref() {
            "vendor_name" => raw.vendor_name = value,
            "vendor_gst" => raw.vendor_gst = value,
            "vendor_qst" => raw.vendor_qst = value,
            "justification" => raw.justification = value,
            "version" => version = value.parse().unwrap_or(0),
            "action" => action = value,
            _ => {}
        }
    }
    raw.lines = lines.lines();
    let extra = if action == "more_lines" { BLANK_LINES + 2 } else { BLANK_LINES };
    let again = async |state: &AppState, status, errors: Vec<FieldError>, p: Purchase, raw: RawPurchase| {
        let edit = completed(state, edit_page(page.clone(), p, raw, errors, extra)).await?;
        Ok(render(status, &edit))
    };
    let mut f = Fields::for_page(page.lang);
    let Some(request) = raw.convert(&mut f) else {
        return again(&state, StatusCode::UNPROCESSABLE_ENTITY, f.into_errors(), p, raw).await;
    };
    let saved = match usecase::save(&state, &signed.caller.actor(), id, version, request).await {
        Ok(saved) => saved,
        Err(AppError::Storage(StorageError::VersionConflict { .. })) => {
            let conflict = FieldError { field: "form".into(), problem: FieldProblem::Conflict };
            return again(&state, StatusCode::CONFLICT, vec![conflict], p, raw).await;
        }
        Err(AppError::Storage(StorageError::NotEditable { .. })) => {
            return Ok(Redirect::to(&format!("/purchases/{id}")).into_response());
        }
        Err(e) => return Err(e.into()),
    };
    if action != "send" {
        let anchor = if action == "more_lines" { "#lines" } else { "" };
        return Ok(Redirect::to(&format!("/purchases/{id}/edit?saved=1{anchor}")).into_response());
    }
    let submit = state.purchase_workflow().event(PurchaseUse::Submit).to_string();
    match usecase::fire(&state, &signed.caller.actor(), &saved, &submit, "").await {
        Ok(_) => Ok(Redirect::to(&format!("/purchases/{id}?notice=submitted")).into_response()),
        Err(e) => {
            let errors = match usecase::missing_fields(&state, &saved, &e) {
                Some(missing) => missing,
                None => {
                    let problem = Problem::from(e);
                    let mut edit = completed(&state, edit_page(page.clone(), saved, raw, Vec::new(), extra)).await?;
                    edit.errors = FormErrors::from_problem(&problem, page.lang);
                    return Ok(render(problem.status_code(), &edit));
                }
            };
            again(&state, StatusCode::UNPROCESSABLE_ENTITY, errors, saved, raw).await
        }
    }
}

/// `POST /purchases/{id}/documents` (multipart): quotes for the request. Refused, the form comes back
/// with each file named and why (the files are to be chosen again: a browser never sends them back).
pub async fn attach(
    State(state): State<AppState>,
    signed: SignedIn,
    headers: HeaderMap,
    Path(id): Path<PurchaseId>,
    multipart: Result<axum::extract::Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Response, Problem> {
    let p = purchase_for(&state, &signed, id, Action::PurchaseAct).await?;
    if !usecase::is_requester(&state, signed.caller.user.role().workflow_role()) {
        return Err(Problem::Forbidden);
    }
    let (_, mut files) = super::read_multipart(multipart).await?;
    let uploads = files.remove("documents").unwrap_or_default();
    match usecase::attach_quotes(&state, &signed.caller.actor(), signed.caller.user.id, &p, uploads).await {
        Ok(()) => Ok(Redirect::to(&format!("/purchases/{id}/edit?attached=1#quotes")).into_response()),
        Err(e) => {
            let problem = Problem::from(e);
            let page = work_page(&state, &signed, &headers, &format!("/purchases/{id}/edit"), None).await?;
            let form = RawPurchase::from_request(&p.request(), page.lang.into());
            let mut edit = completed(&state, edit_page(page, p, form, Vec::new(), BLANK_LINES)).await?;
            edit.errors = match &problem {
                Problem::Validation(_) => FormErrors::from_problem(&problem, edit.page.lang),
                other => FormErrors::one("documents", other.title_and_detail(edit.page.lang).0),
            };
            Ok(render(problem.status_code(), &edit))
        }
    }
}

/// A step the page offers: its event, the button's words, whether it needs a reason.
pub struct Step {
    pub event: String,
    pub label: String,
    pub reason_required: bool,
    /// Money moves with it (an approval): shown as the main button.
    pub primary: bool,
}

/// `GET /purchases/{id}`: the purchase, its costs, the bourse's room, its history and the steps.
#[derive(Template)]
#[template(path = "purchase_show.html")]
pub struct ShowPage {
    pub page: Page,
    pub p: Purchase,
    pub grant_title: String,
    pub rooms: RoomsTable,
    pub history: Vec<Transition>,
    pub steps: Vec<Step>,
    /// One of the steps needs a reason: the form asks for it.
    pub needs_reason: bool,
    pub editable: bool,
    pub errors: FormErrors,
    pub notice: Option<String>,
    pub reason_typed: String,
    pub documents: Vec<Document>,
    /// The receipt form, when the person may record one now.
    pub receipt: Option<ReceiptForm>,
    /// The invoice form, when the person may submit the invoice now.
    pub invoice_form: Option<InvoiceForm>,
    /// The credit note form, when the person may record a return now.
    pub return_form: Option<ReturnForm>,
    /// The invoice in effect and its three-way match, line by line.
    pub invoice: Option<Invoice>,
    pub matching: Vec<MatchLine>,
    /// For staff: the organism's other invoices that may be this one, to compare before verifying.
    pub similar: Vec<crate::storage::purchases::SimilarInvoice>,
    /// The purchase's credit notes and where each stands.
    pub credit_notes: Vec<crate::storage::purchases::CreditNote>,
    /// What staff last asked or said about it: (heading, reason).
    pub asked: Option<(String, String)>,
}

/// The receipt form: per line, what was ordered and received so far, and what is typed now.
pub struct ReceiptForm {
    pub rows: Vec<ReceiptRow>,
}

pub struct ReceiptRow {
    pub description: String,
    pub equipment: bool,
    pub ordered: i64,
    pub received: i64,
    pub quantity: String,
    pub serials: String,
}

/// The invoice form: its number, its date, each line as invoiced, and whether the proof of payment is
/// asked (the bourse reimburses the organism).
pub struct InvoiceForm {
    pub number: String,
    pub date: String,
    pub rows: Vec<InvoiceRow>,
    pub proof: bool,
}

/// The credit note form, as typed: number, category (among those the purchase spent), amount before
/// taxes, the reason.
pub struct ReturnForm {
    pub raw: usecase::RawReturn,
    pub categories: Vec<(String, String)>,
}

/// A text input as a form's loop writes it: its name, its kind (`type` or `inputmode`), what is typed,
/// its length limit.
pub type Input = (&'static str, &'static str, String, usize);

impl InvoiceForm {
    pub fn inputs(&self) -> Vec<Input> {
        vec![("invoice_number", "text", self.number.clone(), 60), ("invoice_date", "date", self.date.clone(), 10)]
    }

    /// The files asked: the invoice, and the proof of payment when the bourse reimburses the organism.
    pub fn files(&self) -> Vec<&'static str> {
        if self.proof { vec!["invoice_file", "proof_file"] } else { vec!["invoice_file"] }
    }
}

impl InvoiceRow {
    /// (part, typed, inputmode, limit)
    pub fn inputs(&self) -> Vec<(&'static str, String, &'static str, usize)> {
        vec![("quantity", self.quantity.clone(), "numeric", 5), ("unit_price", self.unit_price.clone(), "decimal", 15)]
    }
}

impl ReturnForm {
    /// (name, typed, inputmode, limit)
    pub fn inputs(&self) -> Vec<(&'static str, String, &'static str, usize)> {
        vec![
            ("credit_note_number", self.raw.number.clone(), "text", 60),
            ("return_amount", self.raw.amount.clone(), "decimal", 15),
        ]
    }
}

pub struct InvoiceRow {
    pub description: String,
    pub quantity: String,
    pub unit_price: String,
}

impl ShowPage {
    pub fn field_id(&self, name: &str) -> String {
        super::field_id(name)
    }

    pub fn line_field(&self, i: &usize, part: &str) -> String {
        format!("lines[{i}].{part}")
    }

    pub fn event(&self, event: &str) -> String {
        self.page.t(&format!("event-{event}"))
    }

    pub fn category_label(&self, category: &str) -> String {
        self.page.t(&format!("category-{category}"))
    }

    /// Where a credit note stands, in words: "À vérifier…", "123,45 $ à rembourser au programme…".
    pub fn standing(&self, n: &crate::storage::purchases::CreditNote) -> String {
        let page = &self.page;
        let date = |at: &Option<String>| at.as_deref().map(|a| page.long_date(a)).unwrap_or_default();
        let args = [
            ("amount", page.money(&n.cost)),
            ("date", date(if n.refused_at.is_some() { &n.refused_at } else { &n.settled_at })),
            ("note", n.settled_note.clone()),
        ];
        crate::i18n::t_args(page.lang, &format!("return-{}", n.standing()), &args)
    }
}

async fn show_page(state: &AppState, signed: &SignedIn, headers: &HeaderMap, p: Purchase) -> Result<ShowPage, Problem> {
    let page = work_page(state, signed, headers, &format!("/purchases/{}", p.id), None).await?;
    let grant = state.db.grant(p.grant_id).await?;
    let role = signed.caller.user.role();
    let workflow = state.purchase_workflow();
    let submit = workflow.event(PurchaseUse::Submit);
    let mut steps = Vec::new();
    for event in workflow.allowed_events(&p.state, role.workflow_role()) {
        // Sending a request is its form's button; receipts, invoices and payments have their own forms.
        let needs_command = workflow
            .transitions
            .iter()
            .any(|t| t.from == p.state && t.event == event && t.effects.iter().any(|e| e.takes_command()));
        if event == submit || needs_command {
            continue;
        }
        steps.push(Step {
            label: page.t(&format!("purchase-do-{event}")),
            reason_required: workflow.reason_required(&event),
            primary: event == workflow.event(PurchaseUse::Approve),
            event,
        });
    }
    steps.sort_by_key(|s| !s.primary);
    // While the request waits on a decision, the room is shown as the approval will see it: without the
    // purchase's own hold (an amended one keeps it until then), beside what it asks.
    let deciding = workflow.queue(PurchaseQueue::Review).contains(&p.state);
    let rooms = usecase::rooms(state, p.grant_id, deciding.then_some(p.id)).await?;
    let asked = if deciding { p.costs.by_category() } else { Vec::new() };
    let p_id = p.id;
    let progress = state.db.purchase_progress(&p).await?;
    let may = |u: PurchaseUse| workflow.allows(&p.state, role.workflow_role(), workflow.event(u));
    let receipt = may(PurchaseUse::Receive).then(|| ReceiptForm {
        rows: p
            .lines
            .iter()
            .zip(&progress.received)
            .map(|(l, got)| ReceiptRow {
                description: l.description.clone(),
                equipment: l.category == crate::domain::grant::LineCategory::Equipment,
                ordered: l.quantity,
                received: *got,
                quantity: (l.quantity - got).max(0).to_string(),
                serials: String::new(),
            })
            .collect(),
    });
    let numbers: crate::domain::NumberStyle = page.lang.into();
    let invoice_form = may(PurchaseUse::SubmitInvoice).then(|| InvoiceForm {
        number: String::new(),
        date: String::new(),
        rows: p
            .lines
            .iter()
            .zip(&progress.received)
            .map(|(l, got)| InvoiceRow {
                description: l.description.clone(),
                quantity: got.to_string(),
                unit_price: l.unit_price.written(numbers),
            })
            .collect(),
        proof: state.program.purchases.payment == crate::domain::purchase::PaymentMode::Reimbursement,
    });
    let return_form =
        workflow.allows(&p.state, role.workflow_role(), workflow.event(PurchaseUse::RecordReturn)).then(|| {
            ReturnForm {
                raw: usecase::RawReturn::default(),
                categories: p
                    .costs
                    .by_category()
                    .into_iter()
                    .map(|(c, _)| (c.as_str().to_string(), page.t(&format!("category-{c}"))))
                    .collect(),
            }
        });
    let matching = match &progress.invoice {
        Some(_) => three_way(&p.lines, &progress.received, &progress.invoice_lines),
        None => Vec::new(),
    };
    let history = state.db.purchase_history(p.id).await?;
    let history = if role.is_staff() { history } else { crate::app::grants::hide_staff(history, page.lang) };
    Ok(ShowPage {
        asked: last_said(&page, &history, &p.state),
        needs_reason: steps.iter().any(|s| s.reason_required),
        grant_title: crate::app::grants::grant_title(&grant, page.lang),
        rooms: room_rows(&page, rooms, &asked),
        editable: workflow.is_editable(&p.state) && usecase::is_requester(state, role.workflow_role()),
        page,
        history,
        steps,
        p,
        errors: FormErrors::default(),
        notice: None,
        reason_typed: String::new(),
        documents: state.db.documents_of_purchase(p_id).await?,
        receipt,
        invoice_form,
        return_form,
        similar: if role.is_staff() { progress.similar } else { Vec::new() },
        credit_notes: state.db.credit_notes(p_id).await?,
        invoice: progress.invoice,
        matching,
    })
}

pub async fn show(
    State(state): State<AppState>,
    signed: SignedIn,
    headers: HeaderMap,
    Path(id): Path<PurchaseId>,
    axum::extract::Query(q): axum::extract::Query<std::collections::HashMap<String, String>>,
) -> Result<Response, Problem> {
    let p = purchase_for(&state, &signed, id, Action::PurchaseView).await?;
    let mut show = show_page(&state, &signed, &headers, p).await?;
    show.notice = q.get("notice").and_then(|n| crate::i18n::t_opt(show.page.lang, &format!("purchase-notice-{n}")));
    Ok(render(StatusCode::OK, &show))
}

/// `POST /purchases/{id}/transitions`: a step (`event`, `version`, `reason`). Refused, the page comes
/// back with the reason typed and why, with the bourse's figures when it lacks room.
pub async fn transition(
    State(state): State<AppState>,
    signed: SignedIn,
    headers: HeaderMap,
    Path(id): Path<PurchaseId>,
    body: Bytes,
) -> Result<Response, Problem> {
    let mut p = purchase_for(&state, &signed, id, Action::PurchaseAct).await?;
    let form = super::form_map(&body);
    let event = form.get("event").cloned().unwrap_or_default();
    let reason = form.get("reason").cloned().unwrap_or_default();
    let seen = p.clone();
    p.version = super::form_version(&form);
    match usecase::fire(&state, &signed.caller.actor(), &p, &event, &reason).await {
        Ok(_) => {
            // Staff go back to their queue for the next one; members stay on the purchase.
            let next = if signed.caller.may(&state, Action::QueuePurchases, &Resource::Program) {
                format!("/purchases?notice={event}")
            } else {
                format!("/purchases/{id}?notice={event}")
            };
            Ok(Redirect::to(&next).into_response())
        }
        Err(e) => {
            let problem = Problem::from(e);
            let mut show = show_page(&state, &signed, &headers, seen).await?;
            show.errors = match &problem {
                Problem::Validation(_) => FormErrors::from_problem(&problem, show.page.lang),
                other => {
                    let (title, detail) = other.title_and_detail(show.page.lang);
                    let text = match detail {
                        Some(d) => format!("{title}. {d}"),
                        None => title,
                    };
                    FormErrors::one("reason", text)
                }
            };
            show.reason_typed = reason;
            Ok(render(problem.status_code(), &show))
        }
    }
}

/// The purchase page again after a refused receipt or invoice: everything typed kept, each error beside
/// its field, the status of the refusal.
async fn refused_on_show(
    state: &AppState,
    signed: &SignedIn,
    headers: &HeaderMap,
    seen: Purchase,
    problem: Problem,
    keep: impl FnOnce(&mut ShowPage),
) -> Result<Response, Problem> {
    let mut show = show_page(state, signed, headers, seen).await?;
    keep(&mut show);
    show.errors = FormErrors::from_problem(&problem, show.page.lang);
    Ok(render(problem.status_code(), &show))
}

/// `POST /purchases/{id}/receipts`: what came, line by line (`lines[i].quantity`, and for equipment
/// `lines[i].serials`, one serial number a line of text), at the version seen.
pub async fn receive(
    State(state): State<AppState>,
    signed: SignedIn,
    headers: HeaderMap,
    Path(id): Path<PurchaseId>,
    body: Bytes,
) -> Result<Response, Problem> {
    let mut p = purchase_for(&state, &signed, id, Action::PurchaseAct).await?;
    let seen = p.clone();
    let form = super::form_map(&body);
    p.version = super::form_version(&form);
    let typed = |i: usize, part: &str| form.get(&format!("lines[{i}].{part}")).cloned().unwrap_or_default();
    let mut f = Fields::default();
    let mut lines = Vec::new();
    for i in 0..p.lines.len() {
        let quantity = typed(i, "quantity");
        let quantity = match quantity.trim() {
            "" => 0,
            q => q.parse::<i64>().unwrap_or_else(|_| {
                f.add(format!("lines[{i}].quantity"), FieldProblem::Quantity { max: 1_000 });
                0
            }),
        };
        let serials = typed(i, "serials").lines().map(str::trim).filter(|s| !s.is_empty()).map(String::from).collect();
        lines.push(ReceiptLine { position: i as i64 + 1, quantity, serials });
    }
    let result = match f.is_empty() {
        true => usecase::receive(&state, &signed.caller.actor(), signed.caller.user.id, &p, lines).await,
        false => Err(f.into_error()),
    };
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/purchases/{id}?notice=received")).into_response()),
        Err(e) => {
            refused_on_show(&state, &signed, &headers, seen, Problem::from(e), |show| {
                if let Some(r) = &mut show.receipt {
                    for (i, row) in r.rows.iter_mut().enumerate() {
                        row.quantity = typed(i, "quantity");
                        row.serials = typed(i, "serials");
                    }
                }
            })
            .await
        }
    }
}

/// `POST /purchases/{id}/invoices` (multipart): the vendor's invoice (`invoice_number`, `invoice_date`,
/// `lines[i].quantity`, `lines[i].unit_price`, the file `invoice_file` and, when the bourse reimburses
/// the organism, `proof_file`), at the version seen. Refused, the form comes back as typed (the files
/// to be chosen again: a browser never sends them back).
pub async fn invoice(
    State(state): State<AppState>,
    signed: SignedIn,
    headers: HeaderMap,
    Path(id): Path<PurchaseId>,
    multipart: Result<axum::extract::Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Response, Problem> {
    let mut p = purchase_for(&state, &signed, id, Action::PurchaseAct).await?;
    let seen = p.clone();
    let (text, mut uploads) = super::read_multipart(multipart).await?;
    let files = usecase::InvoiceFiles::from_form(&mut uploads);
    p.version = super::form_version(&text);
    let raw = usecase::RawInvoice::from_form(&text, p.lines.len());
    let lang = super::page_language(&headers);
    let actor = signed.caller.actor();
    match usecase::submit_invoice(&state, (&actor, signed.caller.user.id), &p, raw.clone(), files, lang.into()).await {
        Ok(_) => Ok(Redirect::to(&format!("/purchases/{id}?notice=invoiced")).into_response()),
        Err(e) => {
            refused_on_show(&state, &signed, &headers, seen, Problem::from(e), |show| {
                if let Some(form) = &mut show.invoice_form {
                    form.number = raw.number;
                    form.date = raw.date;
                    for (row, (quantity, price)) in form.rows.iter_mut().zip(raw.lines) {
                        row.quantity = quantity;
                        row.unit_price = price;
                    }
                }
            })
            .await
        }
    }
}

/// `POST /purchases/{id}/returns` (multipart): a return's credit note (`credit_note_number`,
/// `return_category`, `return_amount`, `reason`, the file `credit_note_file`), at the version seen.
pub async fn record_return(
    State(state): State<AppState>,
    signed: SignedIn,
    headers: HeaderMap,
    Path(id): Path<PurchaseId>,
    multipart: Result<axum::extract::Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Response, Problem> {
    let mut p = purchase_for(&state, &signed, id, Action::PurchaseAct).await?;
    let seen = p.clone();
    let (text, mut files) = super::read_multipart(multipart).await?;
    p.version = super::form_version(&text);
    let raw = usecase::RawReturn::from_form(&text);
    let (lang, actor) = (super::page_language(&headers), signed.caller.actor());
    let file = usecase::RawReturn::file(&mut files);
    match usecase::record_return(&state, (&actor, signed.caller.user.id), &p, raw.clone(), file, lang.into()).await {
        Ok(_) => Ok(Redirect::to(&format!("/purchases/{id}?notice=returned")).into_response()),
        Err(e) => {
            // The page's steps have their own reason: this form's is `return_reason`.
            let problem = match Problem::from(e) {
                Problem::Validation(mut errors) => {
                    errors.iter_mut().filter(|e| e.field == "reason").for_each(|e| e.field = "return_reason".into());
                    Problem::Validation(errors)
                }
                other => other,
            };
            refused_on_show(&state, &signed, &headers, seen, problem, |show| {
                if let Some(form) = &mut show.return_form {
                    form.raw = raw;
                }
            })
            .await
        }
    }
}

/// `GET /purchases`: the purchases waiting on the person's role (program officers: requests to decide).
#[derive(Template)]
#[template(path = "purchase_queue.html")]
pub struct QueuePage {
    pub page: Page,
    pub rows: Vec<PurchaseSummary>,
    pub notice: Option<String>,
}

pub async fn queue(
    State(state): State<AppState>,
    signed: SignedIn,
    headers: HeaderMap,
    axum::extract::Query(q): axum::extract::Query<std::collections::HashMap<String, String>>,
) -> Result<Response, Problem> {
    signed.caller.require(&state, Action::QueuePurchases, &Resource::Program)?;
    let page = work_page(&state, &signed, &headers, "/purchases", None).await?;
    // The queues' states from which the workflow lets this person's role act: program officers decide on
    // requests, finance verifies invoices and pays.
    let workflow = state.purchase_workflow();
    let role = signed.caller.user.role().workflow_role();
    let states: Vec<String> = [PurchaseQueue::Review, PurchaseQueue::Verify, PurchaseQueue::Pay]
        .into_iter()
        .flat_map(|q| workflow.queue(q).to_vec())
        .filter(|s| !workflow.allowed_events(s, role).is_empty())
        .collect();
    let rows = state.db.purchases_in(&states, 200).await?;
    // Never an organism the person works for or declared a conflict with (as the policies forbid).
    let grants: Vec<_> = rows.iter().map(|r| (r.grant_id, r.organism_id, r.grant_state.as_str())).collect();
    let resources = crate::web::auth::grant_resources(&state, &grants).await?;
    let visible = rows
        .into_iter()
        .filter(|r| resources.get(&r.grant_id).is_some_and(|g| signed.caller.may(&state, Action::PurchaseAct, g)))
        .collect();
    let notice = q.get("notice").and_then(|n| crate::i18n::t_opt(page.lang, &format!("purchase-done-{n}")));
    Ok(render(StatusCode::OK, &QueuePage { page, rows: visible, notice }))
}
