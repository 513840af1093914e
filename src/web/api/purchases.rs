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
    let mut purchases = Vec::new();
    for summary in state.db.purchases_of_grant(id).await? {
        purchases.push(PurchaseView::new(&state, state.db.purchase(summary.id).await?));
    }
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
