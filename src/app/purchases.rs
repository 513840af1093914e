//! Purchases paid by a bourse (issue 13): the request as typed (a page or the API, one set of rules),
//! the use cases that start, save and move it through the purchase workflow, and the bourse's room that
//! the member and the program officer see beside it.

use crate::AppState;
use crate::app::applications::{LONG_TEXT_MAX, NAME_MAX, RawLine, convert_lines, line, raw_lines, text};
use crate::app::conversation::Upload;
use crate::app::grants::{check_reason, grant_title};
use crate::app::{AppError, Code, FieldError, FieldProblem, Fields, Refusal};
use crate::domain::purchase::{MAX_LINES, ReceiptLine, ReceiptProblem, Request, Room, Vendor, gst_number, qst_number};
use crate::domain::workflow::{FireError, Guard, PurchaseUse, Queue, Role};
use crate::domain::{Actor, GrantId, NumberStyle, PurchaseId, UserId};
use crate::i18n;
use crate::storage::StorageError;
use crate::storage::grants::Grant;
use crate::storage::outbox::{Mail, Recipient};
use crate::storage::purchases::{self, Command, Firing, InvoiceInput, Purchase, Rules};

/// A purchase request as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RawPurchase {
    pub vendor_name: String,
    pub vendor_gst: String,
    pub vendor_qst: String,
    pub justification: String,
    pub lines: Vec<RawLine>,
}

/// A registration number as typed: empty, or in its shape (kept without spaces).
fn registration(f: &mut Fields, field: &str, typed: &str, shape: fn(&str) -> Option<String>) -> String {
    if typed.trim().is_empty() {
        return String::new();
    }
    shape(typed).unwrap_or_else(|| {
        f.add(field, FieldProblem::TaxNumber);
        typed.trim().to_string()
    })
}

impl RawPurchase {
    /// Converts into the domain, recording each refused field (lines as `lines[i].field`). A draft may
    /// leave anything empty; completeness is the workflow's guard at submission. `None` when any field
    /// was refused.
    pub fn convert(&self, f: &mut Fields) -> Option<Request> {
        let before = f.len();
        let name = line(f, "vendor_name".into(), &self.vendor_name, NAME_MAX).unwrap_or_default();
        let gst_number = registration(f, "vendor_gst", &self.vendor_gst, gst_number);
        let qst_number = registration(f, "vendor_qst", &self.vendor_qst, qst_number);
        let justification = text(f, "justification".into(), &self.justification, LONG_TEXT_MAX).unwrap_or_default();
        let lines = convert_lines(f, "", &self.lines, MAX_LINES);
        (f.len() == before).then_some(Request { vendor: Vendor { name, gst_number, qst_number }, justification, lines })
    }

    /// The form's content for a request already saved, numbers written in `style`.
    pub fn from_request(r: &Request, style: NumberStyle) -> RawPurchase {
        RawPurchase {
            vendor_name: r.vendor.name.clone(),
            vendor_gst: r.vendor.gst_number.clone(),
            vendor_qst: r.vendor.qst_number.clone(),
            justification: r.justification.clone(),
            lines: raw_lines(&r.lines, style),
        }
    }
}

/// The program's purchase rules, with the grant workflow's states in which a bourse may be spent.
pub fn rules(state: &AppState) -> Rules {
    Rules::of(&state.program, state.grant_workflow())
}

/// Whether the grant's bourse may be spent now (the grant workflow's `spending` states).
pub fn may_spend(state: &AppState, grant: &Grant) -> bool {
    state.grant_workflow().queue(Queue::Spending).contains(&grant.state)
}

/// Refused as the workflow refuses it when the actor's role may not fire `event` from `from`.
pub(crate) fn require_role(state: &AppState, actor: &Actor, from: &str, event: PurchaseUse) -> Result<(), AppError> {
    let workflow = state.purchase_workflow();
    match workflow.fire(from, workflow.event(event), actor.role, |_, _| true) {
        Err(error @ FireError::RoleNotPermitted { .. }) => {
            Err(StorageError::Refused { error, missing: Vec::new() }.into())
        }
        _ => Ok(()),
    }
}

/// Only who may send a request (the purchase workflow's role for `submit`: the organism's members)
/// drafts one, changes it and attaches its quotes; staff are refused as the workflow refuses them.
fn require_requester(state: &AppState, actor: &Actor) -> Result<(), AppError> {
    require_role(state, actor, &state.purchase_workflow().initial, PurchaseUse::Submit)
}

/// Whether this role drafts and changes requests (what the pages offer it), the question
/// `require_requester` asks.
pub fn is_requester(state: &AppState, role: Role) -> bool {
    let workflow = state.purchase_workflow();
    workflow.allows(&workflow.initial, role, workflow.event(PurchaseUse::Submit))
}

/// Starts a purchase request on an active grant, as a draft.
pub async fn start(
    state: &AppState,
    actor: &Actor,
    by: UserId,
    grant: &Grant,
    request: Request,
) -> Result<Purchase, AppError> {
    require_requester(state, actor)?;
    if !may_spend(state, grant) {
        return Err(AppError::refused(Code::GrantNotActive, Refusal::Conflict));
    }
    Ok(state
        .db
        .create_purchase(grant.id, by, request, state.purchase_workflow(), state.program.purchases.taxes)
        .await?)
}

/// Saves a request's vendor and lines while the member may still change them, at the version they saw.
pub async fn save(
    state: &AppState,
    actor: &Actor,
    id: PurchaseId,
    version: i64,
    request: Request,
) -> Result<Purchase, AppError> {
    require_requester(state, actor)?;
    Ok(state.db.update_purchase(id, version, request, state.purchase_workflow(), state.program.purchases.taxes).await?)
}

/// The message announcing `event` on a purchase to one member of its organism.
pub(crate) fn step_mail(
    state: &AppState,
    to: &Recipient,
    grant: &Grant,
    p: &Purchase,
    event: &str,
    reason: &str,
) -> Mail {
    let lang = to.language();
    let args = [
        ("name", to.display_name.clone()),
        ("title", grant_title(grant, lang)),
        ("vendor", p.vendor_name.clone()),
        ("amount", i18n::money(lang, p.costs.cost)),
        ("link", format!("{}/purchases/{}", state.public_url, p.id)),
        ("reason", if reason.trim().is_empty() { "-".to_string() } else { reason.trim().to_string() }),
        ("mode", state.program.purchases.payment.as_str().to_string()),
    ];
    Mail {
        to: to.email.clone(),
        subject: i18n::t_args(lang, &format!("mail-purchase-{event}-subject"), &args),
        body: i18n::t_args(lang, &format!("mail-purchase-{event}-body"), &args),
    }
}

/// Fires `event` on a purchase (at the version `p` holds) for `actor`, with the e-mails it announces to
/// the organism's members, in one transaction.
pub async fn fire(
    state: &AppState,
    actor: &Actor,
    p: &Purchase,
    event: &str,
    reason: &str,
) -> Result<Purchase, AppError> {
    fire_with(state, actor, p, event, reason, None).await
}

/// [`fire`] with the command the event's effect takes (a receipt, an invoice).
async fn fire_with(
    state: &AppState,
    actor: &Actor,
    p: &Purchase,
    event: &str,
    reason: &str,
    command: Option<Command>,
) -> Result<Purchase, AppError> {
    let workflow = state.purchase_workflow();
    let mut f = Fields::default();
    check_reason(&mut f, workflow, event, reason);
    if !f.is_empty() {
        return Err(f.into_error());
    }
    let mut firing = Firing { event: event.into(), reason: reason.trim().into(), mails: Vec::new(), command };
    if workflow.announces(event) {
        let grant = state.db.grant(p.grant_id).await?;
        let recipients = state.db.organism_recipients(grant.organism_id).await?;
        firing.mails = recipients.iter().map(|to| step_mail(state, to, &grant, p, event, reason)).collect();
    }
    let announces = !firing.mails.is_empty();
    let after = state.db.fire_purchase_event(workflow, rules(state), p.id, p.version, actor, firing).await?;
    if announces {
        state.mail_waker.notify_one();
    }
    Ok(after)
}

/// The member records what was received: units per line (by position from 1), with one serial number
/// per unit of equipment. A refused line is named (`lines[i].quantity`, `lines[i].serials`); nothing
/// is recorded then.
pub async fn receive(
    state: &AppState,
    actor: &Actor,
    by: UserId,
    p: &Purchase,
    lines: Vec<ReceiptLine>,
) -> Result<Purchase, AppError> {
    let event = state.purchase_workflow().event(PurchaseUse::Receive).to_string();
    match fire_with(state, actor, p, &event, "", Some(Command::Receipt { by, lines })).await {
        Err(AppError::Storage(StorageError::Receipt(problems))) => {
            let mut f = Fields::default();
            for (position, problem) in problems {
                let field = |part: &str| format!("lines[{}].{part}", position - 1);
                match problem {
                    ReceiptProblem::Empty => f.add("lines", FieldProblem::NothingReceived),
                    ReceiptProblem::UnknownLine => f.add(field("quantity"), FieldProblem::Choice),
                    ReceiptProblem::MoreThanOrdered { left } => {
                        f.add(field("quantity"), FieldProblem::MoreThanOrdered { left: left.max(0) as u64 })
                    }
                    ReceiptProblem::Serials { expected } => {
                        f.add(field("serials"), FieldProblem::Serials { expected: expected.max(0) as u64 })
                    }
                    ReceiptProblem::DuplicateSerial { serial } => {
                        f.add(field("serials"), FieldProblem::DuplicateSerial { serial })
                    }
                }
            }
            Err(f.into_error())
        }
        other => other,
    }
}

/// An invoice as typed: its number, its date (`2026-11-30`), each line's quantity and unit price as
/// invoiced (in the order of the purchase's lines).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RawInvoice {
    pub number: String,
    pub date: String,
    pub lines: Vec<(String, String)>,
}

/// A form's text fields by name, as a page or the API sends them (multipart).
pub type FormText = std::collections::BTreeMap<String, String>;
/// A form's files by field name.
pub type FormFiles = std::collections::BTreeMap<String, Vec<Upload>>;

fn typed(form: &FormText, key: &str) -> String {
    form.get(key).cloned().unwrap_or_default()
}

impl RawInvoice {
    /// The invoice as its form sends it: `invoice_number`, `invoice_date`, and for each of the purchase's
    /// `lines`, `lines[i].quantity` and `lines[i].unit_price`.
    pub fn from_form(form: &FormText, lines: usize) -> RawInvoice {
        RawInvoice {
            number: typed(form, "invoice_number"),
            date: typed(form, "invoice_date"),
            lines: (0..lines)
                .map(|i| (typed(form, &format!("lines[{i}].quantity")), typed(form, &format!("lines[{i}].unit_price"))))
                .collect(),
        }
    }
}

/// The files that come with an invoice: the invoice itself, and the proof that the organism paid it.
#[derive(Default)]
pub struct InvoiceFiles {
    pub invoice: Vec<Upload>,
    pub proof: Vec<Upload>,
}

impl InvoiceFiles {
    /// The files of the invoice's form (`invoice_file`, `proof_file`), taken from those it sent.
    pub fn from_form(files: &mut FormFiles) -> Self {
        let mut take = |name: &str| files.remove(name).unwrap_or_default();
        InvoiceFiles { invoice: take("invoice_file"), proof: take("proof_file") }
    }
}

/// What an invoice is attached as, and the proof that the organism paid it (reimbursement).
pub const INVOICE: &str = "invoice";
pub const PROOF_OF_PAYMENT: &str = "proof_of_payment";

/// The member submits the vendor's invoice with its file (and the proof of payment when the bourse
/// reimburses the organism): within the program's tolerance of what was approved it goes to finance,
/// above it back to the program officer for a new approval. Refused (each field named, nothing kept):
/// a number already recorded for this vendor, a date in the future or before the award, amounts not
/// written as the page's language writes them, a missing or refused file.
pub async fn submit_invoice(
    state: &AppState,
    (actor, by): (&Actor, UserId),
    p: &Purchase,
    raw: RawInvoice,
    files: InvoiceFiles,
    numbers: NumberStyle,
) -> Result<Purchase, AppError> {
    use crate::app::conversation::store;
    let InvoiceFiles { invoice, proof } = files;
    let mut f = Fields::with_numbers(numbers);
    let number = f.required_line("invoice_number", raw.number.clone());
    f.at_most("invoice_number", &number, 60);
    let date = match chrono::NaiveDate::parse_from_str(raw.date.trim(), "%Y-%m-%d") {
        Ok(d) => d.to_string(),
        Err(_) => {
            f.add("invoice_date", FieldProblem::Date);
            String::new()
        }
    };
    if raw.lines.len() != p.lines.len() {
        f.add("lines", FieldProblem::Choice);
    }
    let mut lines = Vec::new();
    for (i, (quantity, price)) in raw.lines.iter().enumerate() {
        let q = match quantity.trim().parse::<i64>() {
            Ok(q) if (0..=crate::app::applications::QUANTITY_MAX).contains(&q) => Some(q),
            _ => {
                f.add(format!("lines[{i}].quantity"), FieldProblem::Quantity { max: 1_000 });
                None
            }
        };
        let price = f.money(&format!("lines[{i}].unit_price"), price);
        if let (Some(q), Some(price)) = (q, price) {
            lines.push((i as i64 + 1, q, price));
        }
    }
    let keep = |u: &Vec<Upload>| u.iter().any(|u| !(u.file_name.is_empty() && u.bytes.is_empty()));
    if !keep(&invoice) {
        f.add("invoice_file", FieldProblem::Required);
    }
    let reimbursed = state.program.purchases.payment == crate::domain::purchase::PaymentMode::Reimbursement;
    if reimbursed && !keep(&proof) {
        f.add("proof_file", FieldProblem::Required);
    }
    if !f.is_empty() {
        return Err(f.into_error());
    }
    let mut documents = store(state, &mut f, INVOICE, Some(p.id), by, invoice).await;
    if reimbursed {
        documents.extend(store(state, &mut f, PROOF_OF_PAYMENT, Some(p.id), by, proof).await);
    }
    if !f.is_empty() {
        return Err(f.into_error());
    }
    let input = InvoiceInput { by, number, date, lines, documents };
    let event = state.purchase_workflow().event(PurchaseUse::SubmitInvoice).to_string();
    match fire_with(state, actor, p, &event, "", Some(Command::Invoice(Box::new(input)))).await {
        Err(AppError::Storage(StorageError::DuplicateInvoice)) => {
            Err(Fields::field_error("invoice_number", FieldProblem::DuplicateInvoice))
        }
        Err(AppError::Storage(StorageError::InvoiceDate { awarded })) => {
            Err(Fields::field_error("invoice_date", FieldProblem::InvoiceDate { awarded }))
        }
        other => other,
    }
}

/// A credit note as typed: its number, the category of what went back, its amount before taxes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RawReturn {
    pub number: String,
    pub category: String,
    pub amount: String,
    /// The serial numbers of the units given back, one a line.
    pub serials: String,
    pub reason: String,
}

impl RawReturn {
    /// The credit note as its form sends it: `credit_note_number`, `return_category`, `return_amount`,
    /// `return_serials`, `reason`.
    pub fn from_form(form: &FormText) -> RawReturn {
        RawReturn {
            number: typed(form, "credit_note_number"),
            category: typed(form, "return_category"),
            amount: typed(form, "return_amount"),
            serials: typed(form, "return_serials"),
            reason: typed(form, "reason"),
        }
    }

    /// The credit note's file (`credit_note_file`), taken from those the form sent.
    pub fn file(files: &mut FormFiles) -> Vec<Upload> {
        files.remove("credit_note_file").unwrap_or_default()
    }
}

/// What a credit note is attached as.
pub const CREDIT_NOTE: &str = "credit_note";

/// A return to the vendor after payment: the credit note (number, category, amount before taxes, its
/// file) gives back to the bourse what it costs as the program pays, taken off the purchase's spends;
/// never more than was spent in that category (the field says how much was). The reason is required.
pub async fn record_return(
    state: &AppState,
    (actor, by): (&Actor, UserId),
    p: &Purchase,
    raw: RawReturn,
    files: Vec<Upload>,
    numbers: NumberStyle,
) -> Result<Purchase, AppError> {
    let reason = raw.reason.as_str();
    use crate::app::conversation::store;
    use crate::domain::grant::LineCategory;
    let mut f = Fields::with_numbers(numbers);
    let number = f.required_line("credit_note_number", raw.number.clone());
    f.at_most("credit_note_number", &number, 60);
    let category = LineCategory::ALL.iter().copied().find(|c| c.as_str() == raw.category.trim());
    if category.is_none() {
        f.add("return_category", FieldProblem::Choice);
    }
    let price = f.money("return_amount", &raw.amount);
    if price.is_some_and(|m| m <= crate::domain::Money::ZERO) {
        f.add("return_amount", FieldProblem::OutOfRange);
    }
    // Each unit once, as typed (whether it was received is the transaction's question).
    let mut serials: Vec<String> = Vec::new();
    for s in raw.serials.lines().map(str::trim).filter(|s| !s.is_empty()) {
        if !serials.iter().any(|t| t == s) {
            serials.push(s.to_string());
        }
    }
    let files: Vec<_> = files.into_iter().filter(|u| !(u.file_name.is_empty() && u.bytes.is_empty())).collect();
    if files.is_empty() {
        f.add("credit_note_file", FieldProblem::Required);
    }
    let event = state.purchase_workflow().event(PurchaseUse::RecordReturn).to_string();
    check_reason(&mut f, state.purchase_workflow(), &event, reason);
    let (Some(category), Some(price)) = (category, price) else { return Err(f.into_error()) };
    if !f.is_empty() {
        return Err(f.into_error());
    }
    let documents = store(state, &mut f, CREDIT_NOTE, Some(p.id), by, files).await;
    if !f.is_empty() {
        return Err(f.into_error());
    }
    let input = purchases::ReturnInput { by, number, category, price, serials, documents };
    match fire_with(state, actor, p, &event, reason, Some(Command::Return(Box::new(input)))).await {
        Err(AppError::Storage(StorageError::ReturnTooLarge { spent, .. })) => {
            Err(Fields::field_error("return_amount", FieldProblem::ReturnTooLarge { spent }))
        }
        Err(AppError::Storage(StorageError::SerialNotReturnable(serial))) => {
            Err(Fields::field_error("return_serials", FieldProblem::SerialNotReturnable { serial }))
        }
        other => other,
    }
}

/// A bourse's room by category, leaving out what `except` itself holds (the purchase being decided).
pub async fn rooms(state: &AppState, grant: GrantId, except: Option<PurchaseId>) -> Result<Vec<Room>, AppError> {
    Ok(state.db.purchase_rooms(grant, except).await?)
}

/// When `e` is the workflow refusing to send an incomplete request, what it lacks as errors on the
/// form's fields; `None` for any other refusal.
pub fn missing_fields(state: &AppState, p: &Purchase, e: &AppError) -> Option<Vec<FieldError>> {
    let AppError::Storage(StorageError::Refused { error: FireError::GuardFailed { failed, .. }, missing }) = e else {
        return None;
    };
    if !failed.contains(&Guard::PurchaseComplete) {
        return None;
    }
    let needed = state.program.purchases.quotes_needed(p.costs.price) as u64;
    Some(
        missing
            .iter()
            .map(|&field| FieldError {
                field: field.into(),
                problem: match field {
                    "lines" => FieldProblem::NothingRequested,
                    "quotes" => FieldProblem::QuotesNeeded { needed },
                    _ => FieldProblem::Required,
                },
            })
            .collect(),
    )
}

/// The member attaches quotes to a request while they may still change it: up to
/// [`FILES_MAX`](crate::app::conversation::FILES_MAX) files at a time, each checked and stored, then all
/// attached in one transaction (a refused file refuses them all, named with why). A replaced quote stays
/// in the purchase's documents: nothing is ever overwritten.
pub async fn attach_quotes(
    state: &AppState,
    actor: &Actor,
    by: UserId,
    p: &Purchase,
    uploads: Vec<Upload>,
) -> Result<(), AppError> {
    use crate::app::conversation::{FILES_MAX, store};
    require_requester(state, actor)?;
    if !state.purchase_workflow().is_editable(&p.state) {
        return Err(AppError::refused(Code::PurchaseNotEditable, Refusal::Conflict));
    }
    let mut f = Fields::default();
    let uploads: Vec<_> = uploads.into_iter().filter(|u| !(u.file_name.is_empty() && u.bytes.is_empty())).collect();
    if uploads.is_empty() {
        f.add("documents", FieldProblem::Required);
    }
    if uploads.len() > FILES_MAX {
        f.add("documents", FieldProblem::TooManyFiles { max: FILES_MAX as u64 });
    }
    let documents = if f.is_empty() { store(state, &mut f, QUOTE, Some(p.id), by, uploads).await } else { vec![] };
    if !f.is_empty() {
        return Err(f.into_error());
    }
    Ok(state.db.attach_documents(p.grant_id, documents).await?)
}

/// What a purchase's quotes are attached as (`documents.purpose`; the `purchase_complete` guard counts
/// them).
pub const QUOTE: &str = "quote";

pub use purchases::PurchaseSummary;
