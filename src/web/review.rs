//! The staff's queues as pages and the API read them: a queue's filters as typed in the address and their
//! conversion, which queue holds what, who works through it. (What reviewers and officers type — a
//! review, a proposal — and its rules are use cases: `app::review`.)

use crate::AppState;
use crate::domain::workflow::Queue;
use crate::domain::{GrantId, Region};
use crate::policy::authz::Action;
use crate::storage::queues::{Filter, QueueQuery, QueueSort, Viewer};
use crate::web::auth::Caller;
use crate::web::extract::Fields;
use crate::web::problem::FieldProblem;

/// Rows per queue page, unless asked otherwise (at most 200).
pub const PER_PAGE: i64 = 25;

/// A queue's filters as typed in the address: region, requested amount between two bounds (dollars),
/// sort, page.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct QueueParams {
    /// A region code, `01` to `17`.
    #[serde(default)]
    pub region: Option<String>,
    /// Requested equipment and software of at least this many dollars.
    #[serde(default)]
    pub min: Option<String>,
    /// … and at most this many.
    #[serde(default)]
    pub max: Option<String>,
    /// `age` (longest in its state first, the default) or `score` (best reviewed first).
    #[serde(default)]
    pub sort: Option<String>,
    /// From 1.
    #[serde(default)]
    pub page: Option<i64>,
    /// Rows per page, 1 to 200 (25 by default).
    #[serde(default)]
    pub per_page: Option<i64>,
    /// Web pages only: a notice to show after a redirect (`done`, `assigned`…); ignored otherwise.
    #[serde(default)]
    #[param(ignore)]
    pub notice: Option<String>,
}

impl QueueParams {
    /// The filter for queue `kind`. A reviewer's own queue holds applications they have not reviewed
    /// yet: reviews are blind until one's own is in, so it cannot be sorted by score.
    pub fn convert(&self, f: &mut Fields, kind: QueueKind) -> Option<Filter> {
        let blank = |v: &Option<String>| v.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(str::to_string);
        let region = match blank(&self.region) {
            None => Some(None),
            Some(r) => f.parse("region", Region::parse(&r), FieldProblem::Organism).map(|r| Some(r.code())),
        };
        let min = match blank(&self.min) {
            None => Some(None),
            Some(m) => f.money("min", &m).map(|m| Some(m.cents())),
        };
        let max = match blank(&self.max) {
            None => Some(None),
            Some(m) => f.money("max", &m).map(|m| Some(m.cents())),
        };
        let sort = match blank(&self.sort).as_deref() {
            None | Some("age") => Some(QueueSort::Age),
            Some("score") if kind.shows_scores() => Some(QueueSort::Score),
            Some(_) => {
                f.add("sort", FieldProblem::Choice);
                None
            }
        };
        let page = self.page.unwrap_or(1);
        if page < 1 {
            f.add("page", FieldProblem::OutOfRange);
        }
        let per_page = self.per_page.unwrap_or(PER_PAGE);
        if !(1..=200).contains(&per_page) {
            f.add("per_page", FieldProblem::OutOfRange);
        }
        let (region, min_cents, max_cents, sort) = (region?, min?, max?, sort?);
        if let (Some(lo), Some(hi)) = (min_cents, max_cents)
            && lo > hi
        {
            f.add("max", FieldProblem::OutOfRange);
        }
        if !f.is_empty() {
            return None;
        }
        Some(Filter { region, min_cents, max_cents, sort, page, per_page })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueueKind {
    Screening,
    Review,
    Decision,
    Waiting,
    MyReviews,
}

impl QueueKind {
    pub const ALL: [QueueKind; 5] =
        [QueueKind::Screening, QueueKind::Review, QueueKind::Decision, QueueKind::Waiting, QueueKind::MyReviews];

    /// The workflow's queue this one shows (a reviewer's own is the review queue, theirs only).
    pub fn queue(&self) -> Queue {
        match self {
            QueueKind::Screening => Queue::Screening,
            QueueKind::Review | QueueKind::MyReviews => Queue::Review,
            QueueKind::Decision => Queue::Decision,
            QueueKind::Waiting => Queue::Waiting,
        }
    }

    pub fn slug(&self) -> &'static str {
        match self {
            QueueKind::MyReviews => "my-reviews",
            other => other.queue().as_str(),
        }
    }

    pub fn parse(slug: &str) -> Option<QueueKind> {
        QueueKind::ALL.into_iter().find(|k| k.slug() == slug)
    }

    /// Whether the queue may show (and sort by) the reviews' scores: not a reviewer's own queue, whose
    /// applications they have not reviewed yet (reviews are blind until one's own is in).
    pub fn shows_scores(&self) -> bool {
        *self != QueueKind::MyReviews
    }

    /// The states the queue holds (`[queues]` in the workflow file).
    pub fn states(&self, state: &AppState) -> Vec<String> {
        state.grant_workflow().queue(self.queue()).to_vec()
    }

    /// Who works through this queue: reviewers through their own, program officers (and admins)
    /// through the others.
    pub fn action(&self) -> Action {
        match self {
            QueueKind::MyReviews => Action::QueueReview,
            _ => Action::QueueManage,
        }
    }

    /// The page for one application of the queue.
    pub fn item_href(&self, id: GrantId) -> String {
        match self {
            QueueKind::MyReviews => format!("/grants/{id}/review"),
            _ => format!("/grants/{id}/manage"),
        }
    }
}

pub fn viewer(caller: &Caller) -> Viewer {
    Viewer { user_id: caller.user.id, affiliation: caller.user.organism_id }
}

pub fn queue_query(state: &AppState, caller: &Caller, kind: QueueKind, filter: Filter) -> QueueQuery {
    QueueQuery {
        states: kind.states(state),
        to_review_by_viewer: kind == QueueKind::MyReviews,
        viewer: viewer(caller),
        filter,
    }
}
