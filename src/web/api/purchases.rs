//! `/api/v1/purchases` (issue 13): purchase requests on a bourse, their place in the purchase workflow,
//! their history, and what the bourse has left by category. The same use cases as the pages
//! (`app::purchases`).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use super::ProblemDetails;
use super::grants::{LineBody, LineView, TransitionInput, TransitionRequest, TransitionView};
use crate::AppState;
use crate::app::applications::RawLine;
use crate::app::purchases::{self as usecase, RawPurchase};
use crate::domain::purchase::{Request, Room};
use crate::domain::{GrantId, PurchaseId};
use crate::policy::authz::Action;
use crate::storage::purchases::Purchase;
use crate::web::auth::ApiCaller;
use crate::web::extract::{ApiJson, ApiPath, Fields, Input};
use crate::web::problem::Problem;

/// A purchase request: the vendor, why, and the lines. A draft may leave fields empty; submission
/// requires a vendor, a reason, lines and, from the program's price, its quotes (`purchase_complete`).
/// Amounts are decimal strings in dollars (`"1299.99"`), before taxes.
#[derive(Debug, Default, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PurchaseBody {
    #[serde(default)]
    #[schema(example = "Coop informatique")]
    pub vendor_name: String,
    /// The vendor's GST number, `123456789RT0001` (spaces allowed), or empty.
    #[serde(default)]
    pub vendor_gst: String,
    /// The vendor's QST number, `1234567890TQ0001` (spaces allowed), or empty.
    #[serde(default)]
    pub vendor_qst: String,
    #[serde(default)]
    pub justification: String,
    /// At most 30 lines.
    #[serde(default)]
    pub lines: Vec<LineBody>,
}

impl PurchaseBody {
    fn raw(self) -> RawPurchase {
        RawPurchase {
            vendor_name: self.vendor_name,
            vendor_gst: self.vendor_gst,
            vendor_qst: self.vendor_qst,
            justification: self.justification,
            lines: self
                .lines
                .into_iter()
                .map(|l| RawLine {
                    category: l.category,
                    description: l.description,
                    quantity: l.quantity.to_string(),
                    unit_price: l.unit_price,
                })
                .collect(),
        }
    }
}

impl Input for PurchaseBody {
    type Domain = Request;

    fn convert(self, f: &mut Fields) -> Option<Request> {
        self.raw().convert(f)
    }
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdatePurchaseInput {
    /// The version the change was made from; a stale one is refused with 409.
    pub version: i64,
    pub purchase: PurchaseBody,
}

impl Input for UpdatePurchaseInput {
    type Domain = (i64, Request);

    fn convert(self, f: &mut Fields) -> Option<Self::Domain> {
        Some((self.version, self.purchase.raw().convert(f)?))
    }
}

/// A purchase as saved, with what it costs: the price before taxes, each tax on the total, the
/// public service bodies' rebate, and what the bourse pays (the program's setting), by category.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct PurchaseView {
    #[schema(value_type = i64)]
    pub id: PurchaseId,
    #[schema(value_type = i64)]
    pub grant_id: GrantId,
    pub state: String,
    pub version: i64,
    /// Whether the member may still change the request.
    pub editable: bool,
    pub vendor_name: String,
    pub vendor_gst: String,
    pub vendor_qst: String,
    pub justification: String,
    pub lines: Vec<LineView>,
    #[schema(example = "99.99")]
    pub price: String,
    #[schema(example = "5.00")]
    pub gst: String,
    #[schema(example = "9.97")]
    pub qst: String,
    #[schema(example = "7.49")]
    pub rebate: String,
    /// What the bourse pays.
    #[schema(example = "107.47")]
    pub cost: String,
    pub equipment_cost: String,
    pub software_cost: String,
    pub created_at: String,
    pub updated_at: String,
    pub state_entered_at: String,
}

impl PurchaseView {
    pub fn new(state: &AppState, p: Purchase) -> PurchaseView {
        PurchaseView {
            editable: state.purchase_workflow().is_editable(&p.state),
            lines: p
                .lines
                .iter()
                .map(|l| LineView {
                    category: l.category.as_str().into(),
                    description: l.description.clone(),
                    quantity: l.quantity,
                    unit_price: l.unit_price.to_string(),
                    total: l.total().to_string(),
                })
                .collect(),
            id: p.id,
            grant_id: p.grant_id,
            state: p.state,
            version: p.version,
            vendor_name: p.vendor_name,
            vendor_gst: p.vendor_gst,
            vendor_qst: p.vendor_qst,
            justification: p.justification,
            price: p.costs.price.to_string(),
            gst: p.costs.gst.to_string(),
            qst: p.costs.qst.to_string(),
            rebate: p.costs.rebate.to_string(),
            cost: p.costs.cost.to_string(),
            equipment_cost: p.costs.equipment_cost.to_string(),
            software_cost: p.costs.software_cost.to_string(),
            created_at: p.created_at,
            updated_at: p.updated_at,
            state_entered_at: p.state_entered_at,
        }
    }
}

/// What a bourse has in one category: committed (awarded, less what was released), spent, held by
/// approved purchases not yet paid, and available (committed − spent − held).
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct RoomView {
    #[schema(example = "equipment")]
    pub category: String,
    pub committed: String,
    pub spent: String,
    pub held: String,
    pub available: String,
}

impl From<Room> for RoomView {
    fn from(r: Room) -> Self {
        RoomView {
            category: r.category.as_str().into(),
            committed: r.committed.to_string(),
            spent: r.spent.to_string(),
            held: r.held.to_string(),
            available: r.available().to_string(),
        }
    }
}

/// A bourse's purchases and what it has left.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct GrantPurchasesView {
    pub balance: Vec<RoomView>,
    pub purchases: Vec<PurchaseView>,
}

/// A bourse's purchases, newest first, and what it has left by category.
#[utoipa::path(get, path = "/grants/{id}/purchases", tag = "purchases", params(("id" = i64, Path)),
    responses((status = 200, body = GrantPurchasesView), (status = 403, body = ProblemDetails), (status = 404, body = ProblemDetails)))]
#[tracing::instrument(skip_all, fields(grant_id = %id))]
pub async fn list(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(id): ApiPath<GrantId>,
) -> Result<Json<GrantPurchasesView>, Problem> {
    caller.grant(&state, id, Action::PurchaseView).await?;
    let balance = usecase::rooms(&state, id, None).await?.into_iter().map(Into::into).collect();
    let purchases = state.db.purchases_in_full(id).await?.into_iter().map(|p| PurchaseView::new(&state, p)).collect();
    Ok(Json(GrantPurchasesView { balance, purchases }))
}

/// Start a purchase request on an active bourse, as a draft (a member of the grant's organism).
#[utoipa::path(post, path = "/grants/{id}/purchases", tag = "purchases", params(("id" = i64, Path)), request_body = PurchaseBody,
    responses(
        (status = 201, body = PurchaseView),
        (status = 403, body = ProblemDetails),
        (status = 409, description = "The grant is not active", body = ProblemDetails),
        (status = 422, body = ProblemDetails),
    ))]
#[tracing::instrument(skip_all, fields(grant_id = %id))]
pub async fn create(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(id): ApiPath<GrantId>,
    ApiJson(request): ApiJson<PurchaseBody>,
) -> Result<(StatusCode, Json<PurchaseView>), Problem> {
    let grant = caller.grant(&state, id, Action::PurchaseAct).await?;
    let p = usecase::start(&state, &caller.actor(), caller.user.id, &grant, request).await?;
    Ok((StatusCode::CREATED, Json(PurchaseView::new(&state, p))))
}

/// The purchase, if the caller may `action` on its grant's purchases.
async fn purchase_for(
    state: &AppState,
    caller: &crate::web::auth::Caller,
    id: PurchaseId,
    action: Action,
) -> Result<Purchase, Problem> {
    let p = state.db.purchase(id).await?;
    caller.grant(state, p.grant_id, action).await?;
    Ok(p)
}

/// Read one purchase with its costs, state and version.
#[utoipa::path(get, path = "/purchases/{id}", tag = "purchases", params(("id" = i64, Path)),
    responses((status = 200, body = PurchaseView), (status = 403, body = ProblemDetails), (status = 404, body = ProblemDetails)))]
#[tracing::instrument(skip_all, fields(purchase_id = %id))]
pub async fn read(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(id): ApiPath<PurchaseId>,
) -> Result<Json<PurchaseView>, Problem> {
    Ok(Json(PurchaseView::new(&state, purchase_for(&state, &caller, id, Action::PurchaseView).await?)))
}

/// Replace the request's vendor and lines while the member may change it (a draft, or changes requested).
#[utoipa::path(put, path = "/purchases/{id}", tag = "purchases", params(("id" = i64, Path)), request_body = UpdatePurchaseInput,
    responses(
        (status = 200, body = PurchaseView),
        (status = 403, body = ProblemDetails),
        (status = 404, body = ProblemDetails),
        (status = 409, description = "Stale version, or no longer editable", body = ProblemDetails),
        (status = 422, body = ProblemDetails),
    ))]
#[tracing::instrument(skip_all, fields(purchase_id = %id))]
pub async fn update(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(id): ApiPath<PurchaseId>,
    ApiJson((version, request)): ApiJson<UpdatePurchaseInput>,
) -> Result<Json<PurchaseView>, Problem> {
    purchase_for(&state, &caller, id, Action::PurchaseAct).await?;
    Ok(Json(PurchaseView::new(&state, usecase::save(&state, &caller.actor(), id, version, request).await?)))
}

/// Fire a purchase workflow event (`submit`, `approve`, `decline`, `request_changes`, `amend`, `order`,
/// `cancel`, …) as the signed-in account; the workflow decides which events its role may fire. An
/// approval the bourse lacks room for is refused with 409 `bourse-lacks-room` and, per category, what is
/// committed, spent, held and available, what the purchase asks and what is missing (`shortfalls`).
#[utoipa::path(post, path = "/purchases/{id}/transitions", tag = "purchases", params(("id" = i64, Path)), request_body = TransitionInput,
    responses(
        (status = 200, description = "The purchase after the transition", body = PurchaseView),
        (status = 403, description = "The role may not fire this event", body = ProblemDetails),
        (status = 404, body = ProblemDetails),
        (status = 409, description = "Stale version, event not allowed now, or the bourse lacks room", body = ProblemDetails),
        (status = 422, description = "A guard failed (missing fields are listed), or a reason is missing", body = ProblemDetails),
    ))]
#[tracing::instrument(skip_all, fields(purchase_id = %id))]
pub async fn transition(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(id): ApiPath<PurchaseId>,
    ApiJson(request): ApiJson<TransitionInput>,
) -> Result<Json<PurchaseView>, Problem> {
    let TransitionRequest { event, version, reason, proposal } = request;
    if proposal.is_some() {
        return Err(Problem::BadRequest("a purchase's transition takes no proposal".into()));
    }
    let mut p = purchase_for(&state, &caller, id, Action::PurchaseAct).await?;
    p.version = version;
    let p = usecase::fire(&state, &caller.actor(), &p, &event, &reason).await?;
    Ok(Json(PurchaseView::new(&state, p)))
}

/// The purchase's history of state changes, oldest first (an organism's members read staff by role).
#[utoipa::path(get, path = "/purchases/{id}/transitions", tag = "purchases", params(("id" = i64, Path)),
    responses((status = 200, body = [TransitionView]), (status = 404, body = ProblemDetails)))]
#[tracing::instrument(skip_all, fields(purchase_id = %id))]
pub async fn history(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(id): ApiPath<PurchaseId>,
) -> Result<Json<Vec<TransitionView>>, Problem> {
    purchase_for(&state, &caller, id, Action::PurchaseView).await?;
    let history = state.db.purchase_history(id).await?;
    let history = if caller.user.role().is_staff() {
        history
    } else {
        crate::app::grants::hide_staff(history, caller.user.language())
    };
    Ok(Json(history.into_iter().map(Into::into).collect()))
}

/// A receipt: what came of each line, in the order of the purchase's lines (a line not received yet
/// has quantity 0), with one serial number per unit of equipment.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReceiptBody {
    /// The version the receipt was made from; a stale one is refused with 409.
    pub version: i64,
    pub lines: Vec<ReceiptLineBody>,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReceiptLineBody {
    #[schema(example = 1)]
    pub quantity: i64,
    #[serde(default)]
    #[schema(example = json!(["PF3X1"]))]
    pub serials: Vec<String>,
}

impl Input for ReceiptBody {
    type Domain = (i64, Vec<crate::domain::purchase::ReceiptLine>);

    fn convert(self, _: &mut Fields) -> Option<Self::Domain> {
        let lines = (1..)
            .zip(self.lines)
            .map(|(position, l)| crate::domain::purchase::ReceiptLine {
                position,
                quantity: l.quantity,
                serials: l.serials,
            })
            .collect();
        Some((self.version, lines))
    }
}

/// Record a receipt (the organism's member, once ordered): partial receipts leave the purchase
/// `partially_received`, the last one `received`. More than ordered, or serial numbers that do not
/// match the units of equipment, are refused with each line named (422), nothing recorded.
#[utoipa::path(post, path = "/purchases/{id}/receipts", tag = "purchases", params(("id" = i64, Path)), request_body = ReceiptBody,
    responses(
        (status = 200, description = "The purchase after the receipt", body = PurchaseView),
        (status = 403, body = ProblemDetails),
        (status = 404, body = ProblemDetails),
        (status = 409, description = "Stale version, or not ordered", body = ProblemDetails),
        (status = 422, body = ProblemDetails),
    ))]
#[tracing::instrument(skip_all, fields(purchase_id = %id))]
pub async fn receive(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(id): ApiPath<PurchaseId>,
    ApiJson((version, lines)): ApiJson<ReceiptBody>,
) -> Result<Json<PurchaseView>, Problem> {
    let mut p = purchase_for(&state, &caller, id, Action::PurchaseAct).await?;
    p.version = version;
    let p = usecase::receive(&state, &caller.actor(), caller.user.id, &p, lines).await?;
    Ok(Json(PurchaseView::new(&state, p)))
}

/// The vendor's invoice, as `multipart/form-data` (amounts written `1234.56`).
#[derive(Debug, ToSchema)]
#[allow(dead_code)]
pub struct InvoiceForm {
    pub version: i64,
    #[schema(example = "F-2026-118")]
    pub invoice_number: String,
    /// `2026-11-30`: from the award to today.
    pub invoice_date: String,
    /// `lines[0].quantity`, `lines[0].unit_price`, … in the order of the purchase's lines.
    #[schema(rename = "lines[0].quantity")]
    pub line_quantity: i64,
    #[schema(rename = "lines[0].unit_price", example = "1299.00")]
    pub line_unit_price: String,
    /// The invoice: PDF, PNG or JPEG, at most 10 MB.
    #[schema(value_type = String, format = Binary)]
    pub invoice_file: Vec<u8>,
    /// The proof that the organism paid the vendor (reimbursement mode).
    #[schema(value_type = String, format = Binary)]
    pub proof_file: Vec<u8>,
}

/// Submit the vendor's invoice (the organism's member, once received): within the program's tolerance of
/// what was approved it goes to finance, above it back to the program officer. A number already recorded
/// for this vendor, a date in the future or before the award, or a refused file: 422, nothing kept.
#[utoipa::path(post, path = "/purchases/{id}/invoices", tag = "purchases", params(("id" = i64, Path)),
    request_body(content = InvoiceForm, content_type = "multipart/form-data"),
    responses(
        (status = 200, description = "The purchase after the invoice", body = PurchaseView),
        (status = 403, body = ProblemDetails),
        (status = 404, body = ProblemDetails),
        (status = 409, body = ProblemDetails),
        (status = 413, body = ProblemDetails),
        (status = 422, body = ProblemDetails),
    ))]
#[tracing::instrument(skip_all, fields(purchase_id = %id))]
pub async fn invoice(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(id): ApiPath<PurchaseId>,
    multipart: Result<axum::extract::Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Json<PurchaseView>, Problem> {
    let mut p = purchase_for(&state, &caller, id, Action::PurchaseAct).await?;
    let (text, mut files) = crate::web::pages::read_multipart(multipart).await?;
    p.version = crate::web::pages::form_version(&text);
    let raw = usecase::RawInvoice::from_form(&text, p.lines.len());
    let uploads = usecase::InvoiceFiles::from_form(&mut files);
    let numbers = crate::domain::NumberStyle::Machine;
    let p = usecase::submit_invoice(&state, (&caller.actor(), caller.user.id), &p, raw, uploads, numbers).await?;
    Ok(Json(PurchaseView::new(&state, p)))
}

/// A credit note after a return to the vendor, as `multipart/form-data`.
#[derive(Debug, ToSchema)]
#[allow(dead_code)]
pub struct ReturnForm {
    pub version: i64,
    pub credit_note_number: String,
    /// `equipment` or `software`.
    pub return_category: String,
    /// Before taxes, `449.00`.
    pub return_amount: String,
    /// Equipment: the serial numbers of the units given back, one a line (each received, not yet
    /// returned; else 422 on this field). The asset register shows them returned.
    pub return_serials: String,
    pub reason: String,
    #[schema(value_type = String, format = Binary)]
    pub credit_note_file: Vec<u8>,
}

/// Record a return (a member of the organism or finance, once paid): the credit note gives back what it
/// costs the bourse; never more than the purchase spent in its category (422, the amount named).
#[utoipa::path(post, path = "/purchases/{id}/returns", tag = "purchases", params(("id" = i64, Path)),
    request_body(content = ReturnForm, content_type = "multipart/form-data"),
    responses(
        (status = 200, description = "The purchase after the return", body = PurchaseView),
        (status = 403, body = ProblemDetails),
        (status = 404, body = ProblemDetails),
        (status = 409, body = ProblemDetails),
        (status = 413, body = ProblemDetails),
        (status = 422, body = ProblemDetails),
    ))]
#[tracing::instrument(skip_all, fields(purchase_id = %id))]
pub async fn record_return(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(id): ApiPath<PurchaseId>,
    multipart: Result<axum::extract::Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Json<PurchaseView>, Problem> {
    let mut p = purchase_for(&state, &caller, id, Action::PurchaseAct).await?;
    let (text, mut files) = crate::web::pages::read_multipart(multipart).await?;
    p.version = crate::web::pages::form_version(&text);
    let raw = usecase::RawReturn::from_form(&text);
    let note = usecase::RawReturn::file(&mut files);
    let (actor, numbers) = (caller.actor(), crate::domain::NumberStyle::Machine);
    let p = usecase::record_return(&state, (&actor, caller.user.id), &p, raw, note, numbers).await?;
    Ok(Json(PurchaseView::new(&state, p)))
}

/// A document attached to a purchase (a quote, the invoice, the proof of payment, a credit note);
/// downloaded at `/documents/{id}` by those who may see the purchase.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct DocumentView {
    pub id: i64,
    /// `quote`, `invoice`, `proof_of_payment` or `credit_note`.
    pub purpose: String,
    pub file_name: String,
    pub media_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub uploaded_at: String,
    pub download: String,
}

/// The purchase's documents, oldest first.
#[utoipa::path(get, path = "/purchases/{id}/documents", tag = "purchases", params(("id" = i64, Path)),
    responses((status = 200, body = [DocumentView]), (status = 403, body = ProblemDetails), (status = 404, body = ProblemDetails)))]
#[tracing::instrument(skip_all, fields(purchase_id = %id))]
pub async fn documents(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    ApiPath(id): ApiPath<PurchaseId>,
) -> Result<Json<Vec<DocumentView>>, Problem> {
    purchase_for(&state, &caller, id, Action::PurchaseView).await?;
    let documents = state.db.documents_of_purchase(id).await?;
    Ok(Json(
        documents
            .into_iter()
            .map(|d| DocumentView {
                download: format!("/documents/{}", d.id),
                id: d.id,
                purpose: d.purpose,
                file_name: d.file_name,
                media_type: d.media_type,
                size_bytes: d.size_bytes,
                sha256: d.sha256,
                uploaded_at: d.uploaded_at,
            })
            .collect(),
    ))
}
