//! The queues staff work through: applications in some workflow states (or assigned to one reviewer and
//! not yet reviewed by them), searched by organism name (without case or accents), NEQ or number,
//! filtered by state, region and requested amount, sorted by any of their columns, a page at a time. A viewer never sees their own organism's applications nor those of an
//! organism they declared a conflict with, in the rows as in the counts (the policies say the same).
//!
//! Counting a queue of tens of thousands of applications on every page is most of a page's work, so the
//! program-wide number of grants in each state is reused for up to [`COUNTS_TTL`]; every state change
//! made by this process forgets it at once, so only another instance's changes can show that late. The
//! viewer's exclusions and every filtered count are always counted afresh.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use sqlx::Arguments;
use sqlx::any::AnyArguments;

use super::{Db, Result};
use crate::domain::text::Search;
use crate::domain::{GrantId, Hours, Money, Neq, OrganismId, Region, UserId};

named_enum!(
    /// How a list is sorted.
    QueueSort {
        /// Longest in its state first.
        Age = "age",
        /// Highest mean review score first; unscored last.
        Score = "score",
        /// Last submitted first; drafts last.
        Submitted = "date",
        /// By organism name, A to Z (accents and case ignored).
        Organism = "organism",
        /// Largest request (equipment and software) first.
        Amount = "amount",
        /// Grouped by state.
        State = "state",
    }
);

impl QueueSort {
    /// The ORDER BY of a page, ties broken by number so that pages never overlap.
    fn order(&self) -> &'static str {
        match self {
            QueueSort::Age => "g.state_entered_at ASC, g.id ASC",
            QueueSort::Score => "g.review_score_hundredths DESC NULLS LAST, g.state_entered_at ASC, g.id ASC",
            QueueSort::Submitted => "g.submitted_at DESC NULLS LAST, g.id DESC",
            QueueSort::Organism => "o.search_name ASC, g.id ASC",
            QueueSort::Amount => "g.requested_equipment_cents + g.requested_software_cents DESC, g.id ASC",
            QueueSort::State => "g.state ASC, g.state_entered_at ASC, g.id ASC",
        }
    }
}

/// Who is looking: their account and the organism they work for, if any.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Viewer {
    pub user_id: UserId,
    pub affiliation: Option<OrganismId>,
}

/// What a person narrows a queue to, how they sort it, which page they look at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filter {
    /// What was typed in the search box.
    pub search: Option<Search>,
    /// One of the list's states.
    pub state: Option<String>,
    /// A region code (`06`).
    pub region: Option<String>,
    /// Requested equipment and software, in cents, inclusive bounds.
    pub min_cents: Option<i64>,
    pub max_cents: Option<i64>,
    /// Submitted within this fiscal year.
    pub fiscal_year: Option<crate::domain::fiscal::FiscalYear>,
    /// Assigned to this reviewer.
    pub reviewer: Option<UserId>,
    pub sort: QueueSort,
    /// From 1.
    pub page: i64,
    pub per_page: i64,
}

impl Filter {
    /// The whole queue, oldest first, `per_page` rows a page.
    pub const fn none(per_page: i64) -> Filter {
        Filter {
            search: None,
            state: None,
            region: None,
            min_cents: None,
            max_cents: None,
            fiscal_year: None,
            reviewer: None,
            sort: QueueSort::Age,
            page: 1,
            per_page,
        }
    }

    /// Whether it leaves applications of the queue out.
    pub fn narrows(&self) -> bool {
        self.search.is_some()
            || self.state.is_some()
            || self.region.is_some()
            || self.min_cents.is_some()
            || self.max_cents.is_some()
            || self.fiscal_year.is_some()
            || self.reviewer.is_some()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueQuery {
    /// The workflow states the queue holds.
    pub states: Vec<String>,
    /// Only the applications assigned to the viewer as reviewer and not yet reviewed by them.
    pub to_review_by_viewer: bool,
    pub viewer: Viewer,
    pub filter: Filter,
}

/// One application in a queue.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct QueueRow {
    pub id: GrantId,
    pub organism_id: OrganismId,
    pub organism_name: String,
    pub neq: Neq,
    pub region: Region,
    pub title: String,
    pub state: String,
    pub version: i64,
    #[sqlx(rename = "requested_cents")]
    pub requested: Money,
    #[sqlx(rename = "requested_coaching_hundredths")]
    pub requested_coaching: Hours,
    pub state_entered_at: String,
    pub submitted_at: Option<String>,
    pub review_score_hundredths: Option<i64>,
    pub reviews_done: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueuePage {
    pub rows: Vec<QueueRow>,
    /// Rows across all pages.
    pub total: i64,
}

/// How long the program-wide counts per state may be reused.
pub const COUNTS_TTL: Duration = Duration::from_secs(2);

/// The number of grants in each state, and when it was counted.
#[derive(Debug, Default)]
pub struct StateCounts {
    counted_at: Option<Instant>,
    by_state: HashMap<String, i64>,
    /// Bumped by every state change, so that a count that overlapped one is not kept.
    generation: u64,
}

/// A value to bind, in the order of the `$n` placeholders.
enum Arg {
    Int(i64),
    Text(String),
}

/// A queue's SQL pieces: the FROM and WHERE without the viewer's exclusions, the condition that an
/// application is excluded for the viewer (their organism's, or one they declared a conflict with), and
/// the arguments both use.
struct Parts {
    from_where: String,
    excluded: String,
    args: Vec<Arg>,
}

fn parts(q: &QueueQuery) -> Parts {
    let mut args: Vec<Arg> = Vec::new();
    let next = |arg: Arg, args: &mut Vec<Arg>| {
        args.push(arg);
        format!("${}", args.len())
    };
    let viewer = next(Arg::Int(q.viewer.user_id.get()), &mut args);
    // Only the filters that need the organism join it: an unfiltered queue is read from the
    // `grants_queue` index alone.
    let mut sql = String::from("FROM grants g ");
    let f = &q.filter;
    if f.region.is_some() || f.search.is_some() || f.sort == QueueSort::Organism {
        sql.push_str("JOIN organisms o ON o.id = g.organism_id ");
    }
    if q.to_review_by_viewer {
        sql.push_str(&format!(
            "JOIN grant_assignments a ON a.grant_id = g.id AND a.user_id = {viewer} AND a.kind = 'reviewer' "
        ));
    }
    let states: Vec<String> = q.states.iter().map(|s| next(Arg::Text(s.clone()), &mut args)).collect();
    // An empty queue definition matches nothing rather than everything.
    let states = if states.is_empty() { "NULL".to_string() } else { states.join(", ") };
    sql.push_str(&format!("WHERE g.state IN ({states})"));
    if q.to_review_by_viewer {
        sql.push_str(&format!(
            " AND NOT EXISTS (SELECT 1 FROM reviews r WHERE r.grant_id = g.id AND r.reviewer_id = {viewer})"
        ));
    }
    let mut excluded = format!("g.organism_id IN (SELECT c.organism_id FROM conflicts c WHERE c.user_id = {viewer})");
    if let Some(affiliation) = q.viewer.affiliation {
        excluded = format!("({excluded} OR g.organism_id = {})", next(Arg::Int(affiliation.get()), &mut args));
    }
    if let Some(state) = &f.state {
        sql.push_str(&format!(" AND g.state = {}", next(Arg::Text(state.clone()), &mut args)));
    }
    if let Some(search) = &f.search {
        // The folded form holds only letters, digits and spaces: nothing in it is a LIKE wildcard.
        let pattern = format!("%{}%", search.folded);
        let mut any = vec![format!("o.search_name LIKE {}", next(Arg::Text(pattern), &mut args))];
        if let Some(digits) = &search.digits {
            any.push(format!("o.neq LIKE {}", next(Arg::Text(format!("{digits}%")), &mut args)));
            if let Ok(number) = digits.parse::<i64>() {
                any.push(format!("g.id = {}", next(Arg::Int(number), &mut args)));
            }
        }
        sql.push_str(&format!(" AND ({})", any.join(" OR ")));
    }
    if let Some(region) = &q.filter.region {
        sql.push_str(&format!(" AND o.region = {}", next(Arg::Text(region.clone()), &mut args)));
    }
    if let Some(min) = q.filter.min_cents {
        sql.push_str(&format!(
            " AND g.requested_equipment_cents + g.requested_software_cents >= {}",
            next(Arg::Int(min), &mut args)
        ));
    }
    if let Some(max) = q.filter.max_cents {
        sql.push_str(&format!(
            " AND g.requested_equipment_cents + g.requested_software_cents <= {}",
            next(Arg::Int(max), &mut args)
        ));
    }
    if let Some(year) = q.filter.fiscal_year {
        // Stored times are ISO 8601 text: compared as text, a day's bounds hold every time in it.
        let (from, to) = (year.start().to_string(), year.next().start().to_string());
        sql.push_str(&format!(
            " AND g.submitted_at >= {} AND g.submitted_at < {}",
            next(Arg::Text(from), &mut args),
            next(Arg::Text(to), &mut args)
        ));
    }
    if let Some(reviewer) = q.filter.reviewer {
        sql.push_str(&format!(
            " AND EXISTS (SELECT 1 FROM grant_assignments ra WHERE ra.grant_id = g.id AND ra.kind = 'reviewer' AND ra.user_id = {})",
            next(Arg::Int(reviewer.get()), &mut args)
        ));
    }
    Parts { from_where: sql, excluded, args }
}

/// The arguments, bound in order.
fn arguments(args: Vec<Arg>) -> AnyArguments<'static> {
    let mut bound = AnyArguments::default();
    for arg in args {
        let added = match arg {
            Arg::Int(v) => bound.add(v),
            Arg::Text(v) => bound.add(v),
        };
        added.expect("integers and text always encode");
    }
    bound
}

/// The number of applications in a queue for its viewer: all those matching, less the few excluded for
/// the viewer (counting the excluded is cheap; checking every row against them is not). An unfiltered
/// queue takes "all those matching" from the counts per state.
async fn count(db: &Db, q: &QueueQuery) -> Result<i64> {
    let Parts { from_where, excluded, args } = parts(q);
    let unfiltered = !q.to_review_by_viewer && !q.filter.narrows();
    if unfiltered {
        let by_state = db.state_counts().await?;
        let all: i64 = q.states.iter().map(|s| by_state.get(s).copied().unwrap_or(0)).sum();
        let sql = format!("SELECT COUNT(*) {from_where} AND {excluded}");
        let excluded: i64 = sqlx::query_scalar_with(&sql, arguments(args)).fetch_one(&db.pool).await?;
        return Ok(all - excluded);
    }
    let sql = format!("SELECT (SELECT COUNT(*) {from_where}) - (SELECT COUNT(*) {from_where} AND {excluded})");
    Ok(sqlx::query_scalar_with(&sql, arguments(args)).fetch_one(&db.pool).await?)
}

impl Db {
    /// The number of grants in each state, counted at most [`COUNTS_TTL`] ago.
    async fn state_counts(&self) -> Result<HashMap<String, i64>> {
        let generation = {
            let cached = self.state_counts.lock().expect("the counts' lock");
            if cached.counted_at.is_some_and(|at| at.elapsed() < COUNTS_TTL) {
                return Ok(cached.by_state.clone());
            }
            cached.generation
        };
        let started = Instant::now();
        let rows: Vec<(String, i64)> =
            sqlx::query_as("SELECT state, COUNT(*) FROM grants GROUP BY state").fetch_all(&self.pool).await?;
        let by_state: HashMap<String, i64> = rows.into_iter().collect();
        let mut cached = self.state_counts.lock().expect("the counts' lock");
        // Kept only if no state changed while counting.
        if cached.generation == generation {
            cached.counted_at = Some(started);
            cached.by_state = by_state.clone();
        }
        Ok(by_state)
    }

    /// Forgets the counts per state: this process changed a grant's state.
    pub(crate) fn state_changed(&self) {
        let mut cached = self.state_counts.lock().expect("the counts' lock");
        cached.counted_at = None;
        cached.generation += 1;
    }

    /// One page of a queue and the number of rows across all pages (`known_total` when the caller
    /// already counted them, as the navigation does for an unfiltered queue).
    pub async fn queue(&self, q: &QueueQuery, known_total: Option<i64>) -> Result<QueuePage> {
        let Parts { from_where, excluded, args } = parts(q);
        let order = q.filter.sort.order();
        let per_page = q.filter.per_page.clamp(1, 200);
        let offset = (q.filter.page.max(1) - 1).saturating_mul(per_page);
        // The page's ids first, from the index; then their rows (a "deferred join": only 25 rows are read).
        let rows_sql = format!(
            "SELECT g.id, g.organism_id, o.legal_name AS organism_name, o.neq, o.region, g.title, g.state, g.version,
               g.requested_equipment_cents + g.requested_software_cents AS requested_cents,
               g.requested_coaching_hundredths, g.state_entered_at, g.submitted_at, g.review_score_hundredths, g.reviews_done
             FROM (SELECT g.id AS id {from_where} AND NOT {excluded} ORDER BY {order} LIMIT {per_page} OFFSET {offset}) page
             JOIN grants g ON g.id = page.id JOIN organisms o ON o.id = g.organism_id
             ORDER BY {order}"
        );
        let mut rows: Vec<QueueRow> = sqlx::query_as_with(&rows_sql, arguments(args)).fetch_all(&self.pool).await?;
        if q.to_review_by_viewer {
            // Blind review: a reviewer sees nothing of the others' reviews before submitting their own.
            for row in &mut rows {
                (row.review_score_hundredths, row.reviews_done) = (None, 0);
            }
        }
        // The first page, when shorter than a page, is the whole queue: no count needed.
        let total = match known_total {
            Some(total) => total,
            None if offset == 0 && (rows.len() as i64) < per_page => rows.len() as i64,
            None => count(self, q).await?,
        };
        Ok(QueuePage { rows, total })
    }

    /// How many applications each of `queues` holds for this viewer (no filters), in the same order.
    pub async fn queue_counts(&self, queues: &[QueueQuery]) -> Result<Vec<i64>> {
        let mut counts = Vec::with_capacity(queues.len());
        for q in queues {
            counts.push(count(self, q).await?);
        }
        Ok(counts)
    }
}
