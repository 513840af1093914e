//! What reviewers and program officers type (web form) or send (API) — a review, an approval's proposal,
//! a queue's filters — and its conversion into the domain: one set of rules for both doors.

use std::collections::BTreeMap;

use crate::AppState;
use crate::domain::grant::LineCategory;
use crate::domain::workflow::Queue;
use crate::domain::{Hours, Money, NumberStyle, Region};
use crate::policy::Program;
use crate::policy::authz::Action;
use crate::policy::rubric::{RECOMMENDATIONS, Rubric, ScoreError};
use crate::storage::grants::{Grant, Proposal};
use crate::storage::queues::{Filter, QueueQuery, QueueSort, Viewer};
use crate::storage::review::NewReview;
use crate::web::auth::Caller;
use crate::web::extract::Fields;
use crate::web::problem::FieldProblem;

pub const COMMENT_MAX: usize = 5_000;
pub const REASON_MAX: usize = 2_000;
/// Rows per queue page, unless asked otherwise (at most 200).
pub const PER_PAGE: i64 = 25;

/// A review as typed: one score per criterion (text, as typed), a comment, a recommendation.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RawReview {
    pub scores: BTreeMap<String, String>,
    pub comment: String,
    pub recommendation: String,
}

impl RawReview {
    /// Checks every score against the rubric (fields `score.{code}`), the comment and the recommendation.
    pub fn convert(&self, f: &mut Fields, rubric: &Rubric) -> Option<NewReview> {
        let mut scores = BTreeMap::new();
        for code in self.scores.keys().filter(|c| !rubric.criteria.iter().any(|k| &k.code == *c)) {
            f.add(format!("score.{code}"), FieldProblem::Choice);
        }
        for c in &rubric.criteria {
            let field = format!("score.{}", c.code);
            let typed = self.scores.get(&c.code).map(|s| s.trim()).unwrap_or_default();
            if typed.is_empty() {
                f.add(field, FieldProblem::Required);
                continue;
            }
            match typed.parse::<i64>() {
                Ok(score) if (rubric.min..=rubric.max).contains(&score) => {
                    scores.insert(c.code.clone(), score);
                }
                _ => f.add(field, FieldProblem::Score { min: rubric.min, max: rubric.max }),
            }
        }
        let comment = self.comment.trim().to_string();
        if comment.is_empty() {
            f.add("comment", FieldProblem::Required);
        } else if comment.chars().count() > COMMENT_MAX {
            f.add("comment", FieldProblem::TooLong { max: COMMENT_MAX as u64 });
        }
        let recommendation = self.recommendation.trim().to_string();
        if !RECOMMENDATIONS.contains(&recommendation.as_str()) {
            f.add("recommendation", FieldProblem::Choice);
        }
        if !f.is_empty() {
            return None;
        }
        let pairs: Vec<(&str, i64)> = scores.iter().map(|(c, s)| (c.as_str(), *s)).collect();
        let weighted = match rubric.weighted(&pairs) {
            Ok(w) => w,
            Err(ScoreError::Missing(code) | ScoreError::Unknown(code) | ScoreError::OutOfScale { code, .. }) => {
                f.add(format!("score.{code}"), FieldProblem::Score { min: rubric.min, max: rubric.max });
                return None;
            }
        };
        Some(NewReview { scores, weighted, comment, recommendation })
    }
}

/// An approval's proposal as typed: amounts in dollars, coaching hours.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RawProposal {
    pub equipment: String,
    pub software: String,
    pub coaching_hours: String,
}

impl RawProposal {
    /// The proposal the form starts from: what the organism asked for, written in `style`.
    pub fn requested(grant: &Grant, style: NumberStyle) -> RawProposal {
        let application = grant.application();
        RawProposal {
            equipment: application.requested(LineCategory::Equipment).written(style),
            software: application.requested(LineCategory::Software).written(style),
            coaching_hours: application.requested_coaching_hours.written(style),
        }
    }

    /// The three amounts, each well-formed (two decimals at most, not negative; blank is zero), every
    /// refused one recorded under its field.
    pub fn amounts(&self, f: &mut Fields) -> Option<(Money, Money, Hours)> {
        let money = |f: &mut Fields, field: &str, typed: &str| {
            let typed = typed.trim();
            if typed.is_empty() { Some(Money::ZERO) } else { f.money(field, typed) }
        };
        let equipment = money(f, "equipment", &self.equipment);
        let software = money(f, "software", &self.software);
        let hours = self.coaching_hours.trim();
        let coaching_hours = if hours.is_empty() { Some(Hours::default()) } else { f.hours("coaching_hours", hours) };
        Some((equipment?, software?, coaching_hours?))
    }

    /// Each amount well-formed (two decimals at most, not negative), something proposed, and the total
    /// with the coaching hours at the program's rate within the per-bourse cap (field `proposal`).
    pub fn convert(&self, f: &mut Fields, program: &Program) -> Option<Proposal> {
        let (equipment, software, coaching_hours) = self.amounts(f)?;
        let total =
            equipment.amount() + software.amount() + coaching_hours.amount() * program.coaching_hourly_rate.amount();
        if total.is_zero() {
            f.add("proposal", FieldProblem::NothingProposed);
            return None;
        }
        if total > program.bourse_cap.amount() {
            f.add("proposal", FieldProblem::AboveCap { cap: program.bourse_cap });
            return None;
        }
        Some(Proposal { equipment, software, coaching_hours })
    }
}

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
    pub fn item_href(&self, id: i64) -> String {
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
