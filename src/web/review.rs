//! The staff's queues as pages and the API read them: a queue's filters as typed in the address and their
//! conversion, which queue holds what, who works through it. (What reviewers and officers type — a
//! review, a proposal — and its rules are use cases: `app::review`.)

use crate::AppState;
use crate::domain::text::Search;
use crate::domain::workflow::Queue;
use crate::domain::{GrantId, Region};
use crate::policy::authz::Action;
use crate::storage::queues::{Filter, QueueQuery, QueueSort, Viewer};
use crate::web::auth::Caller;
use crate::web::extract::Fields;
use crate::web::problem::FieldProblem;

/// Rows per queue page, unless asked otherwise (at most 200).
pub const PER_PAGE: i64 = 25;

/// A list's search and filters as typed in the address: words or numbers to find, state, region,
/// requested amount between two bounds (dollars), sort, page.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct QueueParams {
    /// An organism's name (case and accents ignored), the start of its NEQ, or a grant's number.
    #[serde(default)]
    pub q: Option<String>,
    /// One of the list's states.
    #[serde(default)]
    pub state: Option<String>,
    /// A region code, `01` to `17`.
    #[serde(default)]
    pub region: Option<String>,
    /// Requested equipment and software of at least this many dollars.
    #[serde(default)]
    pub min: Option<String>,
    /// … and at most this many.
    #[serde(default)]
    pub max: Option<String>,
    /// Submitted in this fiscal year, `2026-2027`.
    #[serde(default)]
    pub year: Option<String>,
    /// Assigned to this reviewer (an account's number).
    #[serde(default)]
    pub reviewer: Option<String>,
    /// `age` (longest in its state first, the default), `score` (best reviewed first), `date` (last
    /// submitted first), `organism` (A to Z), `amount` (largest first) or `state`.
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
    pub fn convert(&self, f: &mut Fields, kind: QueueKind, states: &[String]) -> Option<Filter> {
        let blank = |v: &Option<String>| v.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(str::to_string);
        let search = self.q.as_deref().and_then(Search::parse);
        let state = match blank(&self.state) {
            Some(s) if !states.contains(&s) => {
                f.add("state", FieldProblem::Choice);
                None
            }
            s => Some(s),
        };
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
        let sort = match blank(&self.sort).as_deref().map(QueueSort::parse) {
            None => Some(QueueSort::Age),
            Some(Some(QueueSort::Score)) if !kind.shows_scores() => {
                f.add("sort", FieldProblem::Choice);
                None
            }
            Some(Some(sort)) => Some(sort),
            Some(None) => {
                f.add("sort", FieldProblem::Choice);
                None
            }
        };
        let fiscal_year = match blank(&self.year) {
            None => Some(None),
            Some(y) => match fiscal_year_named(&y) {
                Some(year) => Some(Some(year)),
                None => {
                    f.add("year", FieldProblem::Choice);
                    None
                }
            },
        };
        let reviewer = match blank(&self.reviewer) {
            None => Some(None),
            Some(r) => match r.parse::<i64>() {
                Ok(id) => Some(Some(crate::domain::UserId(id))),
                Err(_) => {
                    f.add("reviewer", FieldProblem::Choice);
                    None
                }
            },
        };
        let page = self.page.unwrap_or(1);
        if page < 1 {
            f.add("page", FieldProblem::OutOfRange);
        }
        let per_page = self.per_page.unwrap_or(PER_PAGE);
        if !(1..=200).contains(&per_page) {
            f.add("per_page", FieldProblem::OutOfRange);
        }
        let (state, region, min_cents, max_cents, sort) = (state?, region?, min?, max?, sort?);
        let (fiscal_year, reviewer) = (fiscal_year?, reviewer?);
        if let (Some(lo), Some(hi)) = (min_cents, max_cents)
            && lo > hi
        {
            f.add("max", FieldProblem::OutOfRange);
        }
        if !f.is_empty() {
            return None;
        }
        Some(Filter { search, state, region, min_cents, max_cents, fiscal_year, reviewer, sort, page, per_page })
    }
}

/// `2026-2027` as a fiscal year: two consecutive years.
fn fiscal_year_named(name: &str) -> Option<crate::domain::FiscalYear> {
    let (start, end) = name.split_once('-')?;
    let (start, end): (i32, i32) = (start.parse().ok()?, end.parse().ok()?);
    (end == start + 1 && (2000..=2100).contains(&start)).then(|| crate::domain::FiscalYear::starting(start))
}

/// The fiscal years a list offers to filter by: the program's, and on to the current one.
pub fn fiscal_years(state: &AppState) -> Vec<crate::domain::FiscalYear> {
    let mut years: Vec<_> = state.program.fiscal_years.clone();
    let now = crate::domain::FiscalYear::of(chrono::Utc::now().date_naive());
    while let Some(last) = years.last().copied()
        && last < now
    {
        years.push(last.next());
    }
    years
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueueKind {
    Screening,
    Review,
    Decision,
    Waiting,
    Award,
    Acceptance,
    MyReviews,
    /// Every application staff may see, whatever its state.
    All,
}

impl QueueKind {
    pub const ALL: [QueueKind; 8] = [
        QueueKind::All,
        QueueKind::Screening,
        QueueKind::Review,
        QueueKind::Decision,
        QueueKind::Waiting,
        QueueKind::Award,
        QueueKind::Acceptance,
        QueueKind::MyReviews,
    ];

    /// The workflow's queue this one shows (a reviewer's own is the review queue, theirs only); `None`
    /// for the list of all applications.
    pub fn queue(&self) -> Option<Queue> {
        match self {
            QueueKind::Screening => Some(Queue::Screening),
            QueueKind::Review | QueueKind::MyReviews => Some(Queue::Review),
            QueueKind::Decision => Some(Queue::Decision),
            QueueKind::Waiting => Some(Queue::Waiting),
            QueueKind::Award => Some(Queue::Award),
            QueueKind::Acceptance => Some(Queue::Acceptance),
            QueueKind::All => None,
        }
    }

    pub fn slug(&self) -> &'static str {
        match self {
            QueueKind::MyReviews => "my-reviews",
            QueueKind::All => "all",
            other => other.queue().map_or("all", |q| q.as_str()),
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

    /// The states the queue holds (`[queues]` in the workflow file); for the list of all applications,
    /// every state but the first (a draft is its organism's alone).
    pub fn states(&self, state: &AppState) -> Vec<String> {
        let workflow = state.grant_workflow();
        match self.queue() {
            Some(queue) => workflow.queue(queue).to_vec(),
            None => workflow.states.iter().filter(|s| **s != workflow.initial).cloned().collect(),
        }
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
