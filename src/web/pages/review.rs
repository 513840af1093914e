//! The staff's work: the queues (screening, in review, decision, waiting for the applicant, my reviews),
//! the program officer's page for one application (eligibility, reviewers, reviews side by side, the
//! decision), the reviewer's form, conflict declarations and batch decisions.

use std::sync::Arc;

use askama::Template;
use axum::body::Bytes;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};

use super::account::signed_in_page;
use super::{FormErrors, Page, form_map, render};
use crate::AppState;
use crate::app::review::COMMENT_MAX;
use crate::app::{self, RawProposal, RawReview};
use crate::domain::workflow::{GrantUse, Queue, Role};
use crate::domain::{GrantId, Language, Money, NumberStyle, Region, UserId};
use crate::policy::authz::{Action, Resource};
use crate::storage::grants::Grant;
use crate::storage::organisms::Organism;
use crate::storage::queues::{Filter, QueuePage, QueueQuery, QueueRow};
use crate::storage::review::Review;
use crate::web::auth::{Caller, SignedIn};
use crate::web::csv::{csv_amount, csv_bytes, csv_response};
use crate::web::extract::Fields;
use crate::web::problem::{FieldProblem, Problem};
use crate::web::review::{PER_PAGE, QueueKind, QueueParams, queue_query};

// --- queues --------------------------------------------------------------------------------------------

/// A queue in the navigation, with its count.
#[derive(Debug, Clone)]
pub struct QueueLink {
    pub href: String,
    pub label: String,
    pub count: i64,
    pub current: bool,
}

impl QueueLink {
    /// Whether it is the list of all applications rather than a queue of work (the navigation keeps it on
    /// phones, where the queues are reached from the dashboard).
    pub fn is_list(&self) -> bool {
        self.href.ends_with("/all")
    }
}

/// The queues this caller works through, with their counts, for the navigation.
async fn queue_links(state: &AppState, caller: &Caller, current: Option<QueueKind>) -> Result<Vec<QueueLink>, Problem> {
    if !caller.user.role().is_staff() {
        return Ok(Vec::new());
    }
    let kinds: Vec<QueueKind> =
        QueueKind::ALL.into_iter().filter(|k| caller.may(state, k.action(), &Resource::Program)).collect();
    let queries: Vec<QueueQuery> = kinds.iter().map(|k| queue_query(state, caller, *k, Filter::none(1))).collect();
    let counts = state.db.queue_counts(&queries).await?;
    let lang_page = |k: QueueKind| format!("queue-{}", k.slug());
    Ok(kinds
        .into_iter()
        .zip(counts)
        .map(|(k, count)| QueueLink {
            href: format!("/queues/{}", k.slug()),
            label: lang_page(k),
            count,
            current: Some(k) == current,
        })
        .collect())
}

/// One queue on the staff's dashboard: its link and count, and the application waiting longest in it.
#[derive(Debug, Clone)]
pub struct QueueWork {
    pub link: QueueLink,
    /// (its page, its title or number, days waiting in its state)
    pub oldest: Option<(String, String, i64)>,
}

/// What waits on staff: each queue this caller works through but the list of all applications, with its
/// count (as the navigation counted it) and its oldest application.
pub async fn queue_work(state: &AppState, signed: &SignedIn, page: &Page) -> Result<Vec<QueueWork>, Problem> {
    let today = chrono::Utc::now().date_naive();
    let mut work = Vec::new();
    for link in page.queues.iter().filter(|q| !q.is_list()) {
        let Some(kind) = link.href.rsplit('/').next().and_then(QueueKind::parse) else { continue };
        let query = queue_query(state, &signed.caller, kind, Filter::none(1));
        let oldest = state.db.queue(&query, Some(link.count)).await?.rows.into_iter().next().map(|r| {
            let days = r.state_entered_at.get(..10).and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
            let title = if r.title.is_empty() { page.ta("grant-untitled", "id", &r.id.to_string()) } else { r.title };
            (kind.item_href(r.id), title, days.map(|d| (today - d).num_days().max(0)).unwrap_or(0))
        });
        work.push(QueueWork { link: link.clone(), oldest });
    }
    Ok(work)
}

/// A signed-in page with the staff's queues in its navigation.
pub async fn work_page(
    state: &AppState,
    signed: &SignedIn,
    headers: &HeaderMap,
    path: &str,
    current: Option<QueueKind>,
) -> Result<Page, Problem> {
    let mut page = signed_in_page(signed, headers, path);
    let mut links = queue_links(state, &signed.caller, current).await?;
    for q in &mut links {
        q.label = page.t(&q.label);
    }
    page.queues = links;
    page.finance = signed.caller.may(state, Action::FinanceView, &Resource::Program);
    page.purchases = signed.caller.may(state, Action::QueuePurchases, &Resource::Program);
    page.payments = signed.caller.may(state, Action::PaymentRun, &Resource::Program);
    Ok(page)
}

#[derive(Template)]
#[template(path = "queue.html")]
pub struct QueueTemplate {
    pub page: Page,
    pub kind: QueueKind,
    pub title: String,
    pub params: QueueParams,
    pub errors: FormErrors,
    pub result: QueuePage,
    pub pages: i64,
    pub current_page: i64,
    pub regions: Vec<(String, String)>,
    /// The fiscal years one may narrow the list to (`2026-2027`).
    pub years: Vec<String>,
    /// The reviewers one may narrow the list to (id, name); none for a reviewer's own list.
    pub reviewers: Vec<(String, String)>,
    /// The states one may narrow the list to (the list of all applications only).
    pub states: Vec<String>,
    /// A search or a filter leaves applications out.
    pub narrowed: bool,
    pub today: chrono::NaiveDate,
    pub batch: bool,
    /// What the batch form offers: (label, action).
    pub batch_actions: Vec<(String, String)>,
    /// The batch form as it was sent (ticks, decision, reason) and its outcomes.
    pub batch_form: Batch,
    pub notice: Option<String>,
}

impl QueueTemplate {
    /// Whether the row was ticked when the batch form came back.
    pub fn picked(&self, id: &GrantId) -> bool {
        self.batch_form.picked.iter().any(|(p, _)| p == id)
    }

    pub fn days(&self, row: &QueueRow) -> i64 {
        row.state_entered_at
            .get(..10)
            .and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
            .map(|d| (self.today - d).num_days().max(0))
            .unwrap_or(0)
    }

    pub fn score(&self, row: &QueueRow) -> String {
        row.review_score_hundredths.map(|h| score_text(self.page.lang, h)).unwrap_or_else(|| "—".into())
    }

    pub fn href(&self, id: &GrantId) -> String {
        self.kind.item_href(*id)
    }

    /// The address of another page of the same list, search and filters kept.
    pub fn page_href(&self, page: &i64) -> String {
        format!("/queues/{}?{}", self.kind.slug(), self.query(None, Some(*page)))
    }

    /// The address of the list sorted by `sort`, search and filters kept, from its first page.
    pub fn sort_href(&self, sort: &str) -> String {
        format!("/queues/{}?{}", self.kind.slug(), self.query(Some(sort), None))
    }

    /// The CSV of what the list shows: every row its search and filters keep, not only this page.
    pub fn csv_href(&self) -> String {
        format!("/queues/{}/export.csv?{}", self.kind.slug(), self.query(None, None))
    }

    /// Whether the list is sorted by `sort` (`age` when nothing says otherwise).
    pub fn sorted_by(&self, sort: &str) -> bool {
        self.params.sort.as_deref().filter(|s| !s.is_empty()).unwrap_or("age") == sort
    }

    fn query(&self, sort: Option<&str>, page: Option<i64>) -> String {
        let p = &self.params;
        let mut query = url::form_urlencoded::Serializer::new(String::new());
        let sort = sort.map(str::to_string).or_else(|| p.sort.clone());
        let filters = [
            ("q", &p.q),
            ("state", &p.state),
            ("region", &p.region),
            ("min", &p.min),
            ("max", &p.max),
            ("year", &p.year),
            ("reviewer", &p.reviewer),
            ("sort", &sort),
        ];
        for (k, v) in filters {
            if let Some(v) = v.as_deref().filter(|v| !v.is_empty()) {
                query.append_pair(k, v);
            }
        }
        if let Some(per_page) = p.per_page {
            query.append_pair("per_page", &per_page.to_string());
        }
        if let Some(page) = page {
            query.append_pair("page", &page.to_string());
        }
        query.finish()
    }

    pub fn selected(&self, value: &Option<String>, option: &str) -> bool {
        value.as_deref() == Some(option)
    }
}

/// A score in hundredths, formatted for the language (`3,75` / `3.75`).
fn score_text(lang: crate::domain::Language, hundredths: i64) -> String {
    localized_decimal(lang, &format!("{}.{:02}", hundredths / 100, hundredths % 100))
}

/// The list's search and filters as the address gives them; one the list does not know (an old or
/// mistyped link) shows the whole list with a message saying so, never a raw parse error.
fn list_params(query: Result<Query<QueueParams>, QueryRejection>, f: &mut Fields) -> QueueParams {
    match query {
        Ok(Query(params)) => params,
        Err(_) => {
            f.add("q", FieldProblem::UnknownFilter);
            QueueParams::default()
        }
    }
}

pub async fn queue(
    State(state): State<AppState>,
    signed: SignedIn,
    headers: HeaderMap,
    Path(slug): Path<String>,
    query: Result<Query<QueueParams>, QueryRejection>,
) -> Result<Response, Problem> {
    let kind = QueueKind::parse(&slug).ok_or(Problem::NotFound)?;
    let lang = super::page_language(&headers);
    let mut f = Fields::for_page(lang);
    let params = list_params(query, &mut f);
    queue_page(&state, &signed, &headers, kind, params, f, Batch::default()).await
}

/// What the decision queue's batch form holds: the applications ticked (id and version seen), the
/// decision and its reason as typed, and, once applied, what became of each.
#[derive(Debug, Clone, Default)]
pub struct Batch {
    pub picked: Vec<(GrantId, i64)>,
    pub event: String,
    pub reason: String,
    pub outcomes: Vec<String>,
}

/// A list page: its rows for `params`, each refused filter (and the batch's errors, in `f`) next to its
/// field, the batch form as it was sent.
async fn queue_page(
    state: &AppState,
    signed: &SignedIn,
    headers: &HeaderMap,
    kind: QueueKind,
    params: QueueParams,
    mut f: Fields,
    batch_form: Batch,
) -> Result<Response, Problem> {
    signed.caller.require(state, kind.action(), &Resource::Program)?;
    let slug = kind.slug();
    let page = work_page(state, signed, headers, &format!("/queues/{slug}"), Some(kind)).await?;
    let states = kind.states(state);
    let filter = params.convert(&mut f, kind, &states);
    let errors = FormErrors::from_fields(&f.into_errors(), page.lang);
    // Refused filters show the list unfiltered, with the errors next to them.
    let filter =
        filter.filter(|_| errors.list.iter().all(|e| ["grant", "event", "reason"].contains(&e.field.as_str())));
    let filter = filter.unwrap_or(Filter::none(PER_PAGE));
    // Unfiltered, the queue holds what its link in the navigation counted.
    let narrowed = filter.narrows();
    let known_total = page.queues.iter().find(|q| q.current && !narrowed).map(|q| q.count);
    let (per_page, current_page) = (filter.per_page, filter.page);
    let result = state.db.queue(&queue_query(state, &signed.caller, kind, filter), known_total).await?;
    let pages = ((result.total + per_page - 1) / per_page).max(1);
    let title = page.t(&format!("queue-{slug}"));
    let regions = Region::all().map(|r| (r.code(), format!("{} – {}", r.code(), r.name()))).collect();
    let state_choices = if kind == QueueKind::All { states } else { Vec::new() };
    let years = crate::web::review::fiscal_years(state).iter().map(ToString::to_string).collect();
    let reviewers = match kind {
        QueueKind::MyReviews => Vec::new(),
        _ => state.db.reviewers().await?.into_iter().map(|(id, name)| (id.to_string(), name)).collect(),
    };
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let batch_actions: Vec<(String, String)> = if kind != QueueKind::MyReviews
        && signed.caller.may(state, Action::QueueManage, &Resource::Program)
    {
        let actions = app::review::bulk_actions(state.grant_workflow(), &kind.states(state));
        let label = |a: &str| {
            crate::i18n::t_opt(page.lang, &format!("batch-{a}")).unwrap_or_else(|| page.t(&format!("manage-do-{a}")))
        };
        actions.into_iter().map(|a| (label(&a), a)).collect()
    } else {
        Vec::new()
    };
    let batch = !batch_actions.is_empty();
    let notice = notice(page.lang, params.notice.as_deref());
    let mut template = QueueTemplate {
        page,
        kind,
        title,
        params,
        errors,
        result,
        pages,
        current_page,
        regions,
        years,
        reviewers,
        states: state_choices,
        narrowed,
        today: chrono::Utc::now().date_naive(),
        batch,
        batch_actions,
        batch_form,
        notice,
    };
    // The language switch comes back to the same search, filters and page.
    template.page.path = template.page_href(&current_page);
    Ok(render(status, &template))
}

/// The most rows one export holds.
const EXPORT_MAX: i64 = 10_000;

/// `GET /queues/{kind}/export.csv`: every row the list's search and filters keep (not only the page
/// shown), in the list's order, written as octroi's other exports are (`web::csv`).
pub async fn queue_csv(
    State(state): State<AppState>,
    signed: SignedIn,
    headers: HeaderMap,
    Path(slug): Path<String>,
    query: Result<Query<QueueParams>, QueryRejection>,
) -> Result<Response, Problem> {
    let kind = QueueKind::parse(&slug).ok_or(Problem::NotFound)?;
    signed.caller.require(&state, kind.action(), &Resource::Program)?;
    let lang = super::page_language(&headers);
    let mut f = Fields::for_page(lang);
    let params = list_params(query, &mut f);
    let filter = params.convert(&mut f, kind, &kind.states(&state)).filter(|_| f.is_empty());
    let Some(mut filter) = filter else { return Err(f.into_problem()) };
    filter.per_page = 200;
    let mut rows = Vec::new();
    for number in 1..=EXPORT_MAX / filter.per_page {
        filter.page = number;
        let page = state.db.queue(&queue_query(&state, &signed.caller, kind, filter.clone()), None).await?;
        let last = (page.rows.len() as i64) < filter.per_page;
        rows.extend(page.rows);
        if last {
            break;
        }
    }
    let lines = rows
        .into_iter()
        .map(|r| {
            let score = r.review_score_hundredths.filter(|_| kind.shows_scores());
            vec![
                r.id.to_string(),
                r.title,
                r.organism_name,
                r.neq.to_string(),
                r.region.code(),
                crate::i18n::t(lang, &format!("state-{}", r.state)),
                r.submitted_at.as_deref().map(|d| d.get(..10).unwrap_or(d).to_string()).unwrap_or_default(),
                csv_amount(r.requested.cents()),
                csv_amount(r.requested_coaching.hundredths()),
                score.map(csv_amount).unwrap_or_default(),
            ]
        })
        .collect();
    let header_row =
        ["Demande", "Titre", "Organisme", "NEQ", "Région", "État", "Soumise le", "Demandé", "Heures", "Note"];
    Ok(csv_response(&format!("octroi-{slug}.csv"), csv_bytes(&header_row, lines)?))
}

// --- one application, for the program officer ---------------------------------------------------------

/// The reviews of an application side by side: one row per criterion, one column per reviewer.
pub struct ReviewTable {
    pub criteria: Vec<String>,
    pub columns: Vec<ReviewColumn>,
    pub mean: Option<String>,
}

pub struct ReviewColumn {
    pub reviewer: String,
    pub scores: Vec<String>,
    pub weighted: String,
    pub recommendation: String,
    pub comment: String,
    pub submitted_at: String,
}

fn review_table(state: &AppState, page: &Page, grant: &Grant, reviews: &[Review]) -> ReviewTable {
    let criteria = state.rubric.criteria.iter().map(|c| c.name(page.lang).to_string()).collect();
    let columns = reviews
        .iter()
        .map(|r| ReviewColumn {
            reviewer: r.reviewer_name.clone(),
            scores: state
                .rubric
                .criteria
                .iter()
                .map(|c| r.score(&c.code).map(|s| s.to_string()).unwrap_or_default())
                .collect(),
            weighted: localized_decimal(page.lang, &r.weighted_score),
            recommendation: page.t(&format!("recommendation-{}", r.recommendation)),
            comment: r.comment.clone(),
            submitted_at: page.date(&r.submitted_at),
        })
        .collect();
    ReviewTable { criteria, columns, mean: grant.review_score_hundredths.map(|h| score_text(page.lang, h)) }
}

/// A decimal written with a point, with the language's decimal separator.
fn localized_decimal(lang: crate::domain::Language, text: &str) -> String {
    match lang {
        crate::domain::Language::Fr => text.replace('.', ","),
        crate::domain::Language::En => text.to_string(),
    }
}

/// One eligibility rule's result, with what it looked for and what it found in the application.
pub struct RuleResult {
    pub name: String,
    pub passed: bool,
    pub looked_for: String,
    /// The words a rule looks for, when it has a list of them: (the list's summary, the words).
    pub terms: Option<(String, String)>,
    pub found: String,
}

#[derive(Template)]
#[template(path = "manage.html")]
pub struct ManageTemplate {
    pub page: Page,
    pub grant: Grant,
    pub organism: Organism,
    pub rules: Vec<RuleResult>,
    pub reviewers: Vec<(UserId, String, Option<String>, bool)>,
    pub candidates: Vec<(UserId, String, Option<String>, u32)>,
    pub reviews: ReviewTable,
    /// The decisions the program officer may take now, in the workflow's order.
    pub actions: Vec<String>,
    pub proposal: RawProposal,
    pub reason: String,
    pub errors: FormErrors,
    pub notice: Option<String>,
    pub wanted: i64,
    pub requested_total: Money,
    /// When the workflow lets the program officer award the grant now.
    pub award: Option<AwardForm>,
    /// The staff's internal notes, and one being typed.
    pub notes: Vec<crate::storage::documents::Note>,
    pub note: String,
    pub documents: Vec<crate::storage::documents::Document>,
}

impl ManageTemplate {
    pub fn proposal_fields(&self) -> [(&'static str, &str); 3] {
        let p = &self.proposal;
        [("equipment", &p.equipment), ("software", &p.software), ("coaching_hours", &p.coaching_hours)]
    }

    pub fn has(&self, action: &str) -> bool {
        self.actions.iter().any(|a| a == action)
    }

    /// Whether an eligibility rule failed: sending the application on then overrides it, with a reason.
    pub fn a_rule_failed(&self) -> bool {
        self.rules.iter().any(|r| !r.passed)
    }

    pub fn event(&self, event: &str) -> String {
        self.page.t(&format!("manage-do-{event}"))
    }

    pub fn region_name(&self, code: &Option<String>) -> String {
        code.as_deref().and_then(|c| Region::parse(c).ok()).map(|r| r.name().to_string()).unwrap_or_default()
    }

    pub fn field_id(&self, name: &str) -> String {
        super::field_id(name)
    }
}

fn offered_actions(state: &AppState, grant_state: &str) -> Vec<String> {
    let workflow = state.grant_workflow();
    let allowed = workflow.allowed_events(grant_state, Role::ProgramOfficer);
    workflow
        .decisions
        .iter()
        .filter(|e| allowed.contains(e) || app::implicit_first(workflow, grant_state, e).is_some())
        .cloned()
        .collect()
}

/// The eligibility rules as the screening page shows them: each rule, what it looked for, what it found.
async fn eligibility(
    state: &AppState,
    page: &Page,
    grant: &Grant,
    organism: &Organism,
) -> Result<Vec<RuleResult>, Problem> {
    use crate::policy::eligibility::{Check, Found};
    let t = |id: &str, args: &[(&str, String)]| crate::i18n::t_args(page.lang, id, args);
    let quoted = |words: &[String]| match page.lang {
        Language::Fr => words.iter().map(|w| format!("«\u{a0}{w}\u{a0}»")).collect::<Vec<_>>().join(", "),
        Language::En => words.iter().map(|w| format!("“{w}”")).collect::<Vec<_>>().join(", "),
    };
    let findings = app::review::screening(state, grant, organism).await?;
    Ok(findings
        .into_iter()
        .map(|f| {
            let (looked_for, terms) = match &f.rule.check {
                Check::NeqValid => (t("rule-looked-neq", &[]), None),
                Check::RegionIn(regions) => (t("rule-looked-region", &[("count", regions.len().to_string())]), None),
                Check::MissionMentionsAny(keywords) => {
                    let shown: Vec<String> = keywords.iter().map(|(_, k)| k.clone()).collect();
                    let count = [("count", shown.len().to_string())];
                    (t("rule-looked-mission", &count), Some((t("rule-keywords", &count), quoted(&shown))))
                }
                Check::MaxBoursesAwarded(max) => (t("rule-looked-bourses", &[("max", max.to_string())]), None),
            };
            let found = match &f.found {
                Found::Neq(neq) => neq.clone(),
                Found::Region(code) => {
                    Region::parse(code).map(|r| format!("{} — {}", r.code(), r.name())).unwrap_or_else(|_| code.clone())
                }
                Found::Keywords(words) if words.is_empty() => t("rule-found-no-keyword", &[]),
                Found::Keywords(words) => quoted(words),
                Found::Bourses(n) => t("rule-found-bourses", &[("count", n.to_string())]),
            };
            RuleResult { name: f.rule.name(page.lang).to_string(), passed: f.passed, looked_for, terms, found }
        })
        .collect())
}

/// The award form: the amounts as typed, the fiscal year, and the split once previewed (with the key
/// the confirmation will carry, so that a second click cannot award twice).
#[derive(Debug, Clone, Default)]
pub struct AwardForm {
    pub equipment: String,
    pub software: String,
    pub coaching_hours: String,
    pub fiscal_year: String,
    pub years: Vec<String>,
    pub preview: Option<AwardPreview>,
}

#[derive(Debug, Clone)]
pub struct AwardPreview {
    /// (envelope, category label, amount)
    pub parts: Vec<(String, String, Money)>,
    pub total: Money,
    pub key: String,
    /// The fingerprint of what this preview shows; the confirmation commits only that.
    pub id: String,
}

impl AwardForm {
    pub fn fields(&self) -> [(&'static str, &str); 3] {
        [("equipment", &self.equipment), ("software", &self.software), ("coaching_hours", &self.coaching_hours)]
    }

    fn for_grant(state: &AppState, grant: &Grant, style: NumberStyle) -> AwardForm {
        let p = grant.proposal();
        AwardForm {
            equipment: p.map(|p| p.equipment.written(style)).unwrap_or_default(),
            software: p.map(|p| p.software.written(style)).unwrap_or_default(),
            coaching_hours: p.map(|p| p.coaching_hours.written(style)).unwrap_or_default(),
            fiscal_year: app::default_fiscal_year(state),
            years: state.program.fiscal_years.iter().map(ToString::to_string).collect(),
            preview: None,
        }
    }
}

struct ManageInput {
    /// The internal note as typed, when it was refused.
    note: String,
    award: Option<AwardForm>,
    proposal: Option<RawProposal>,
    reason: String,
    errors: FormErrors,
    notice: Option<String>,
    status: StatusCode,
}

async fn manage_page_with(
    state: &AppState,
    signed: &SignedIn,
    headers: &HeaderMap,
    grant: Grant,
    input: ManageInput,
) -> Result<Response, Problem> {
    let page = work_page(state, signed, headers, &format!("/grants/{}/manage", grant.id), None).await?;
    let organism = state.db.organism(grant.organism_id).await?;
    let rules = eligibility(state, &page, &grant, &organism).await?;
    let reviews = state.db.reviews(grant.id).await?;
    let reviewers = state.db.assigned_reviewers(grant.id).await?;
    let mut candidates = state.db.eligible_reviewers(grant.id).await?;
    candidates.retain(|c| !reviewers.iter().any(|r| r.0 == c.0));
    let table = review_table(state, &page, &grant, &reviews);
    let application = grant.application();
    let requested_total = application.requested(crate::domain::grant::LineCategory::Equipment)
        + application.requested(crate::domain::grant::LineCategory::Software);
    let award_event = state.grant_workflow().event(GrantUse::Award);
    let can_award =
        state.grant_workflow().allowed_events(&grant.state, Role::ProgramOfficer).iter().any(|e| e == award_event);
    let award = can_award.then(|| input.award.unwrap_or_else(|| AwardForm::for_grant(state, &grant, page.lang.into())));
    let template = ManageTemplate {
        award,
        actions: offered_actions(state, &grant.state),
        proposal: input.proposal.unwrap_or_else(|| RawProposal::requested(&grant, page.lang.into())),
        page,
        organism,
        rules,
        reviewers,
        candidates,
        reviews: table,
        reason: input.reason,
        errors: input.errors,
        notice: input.notice,
        wanted: state.rubric.reviewers_per_application,
        requested_total,
        notes: state.db.notes(grant.id).await?,
        note: input.note,
        documents: state.db.documents_of(grant.id).await?,
        grant,
    };
    Ok(render(input.status, &template))
}

use super::{NoticeQuery, notice};

/// The manage page again with an internal note refused, as typed.
pub(super) async fn manage_with_note(
    state: &AppState,
    signed: &SignedIn,
    headers: &HeaderMap,
    grant: Grant,
    note: String,
    problem: Problem,
) -> Result<Response, Problem> {
    let lang = super::page_language(headers);
    let input = ManageInput {
        note,
        award: None,
        proposal: None,
        reason: String::new(),
        errors: FormErrors::from_problem(&problem, lang),
        notice: None,
        status: problem.status_code(),
    };
    manage_page_with(state, signed, headers, grant, input).await
}

pub async fn manage_page(
    State(state): State<AppState>,
    signed: SignedIn,
    headers: HeaderMap,
    Path(id): Path<GrantId>,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, Problem> {
    let grant = signed.caller.grant(&state, id, Action::GrantManage).await?;
    let lang = super::page_language(&headers);
    let input = ManageInput {
        note: String::new(),
        award: None,
        proposal: None,
        reason: String::new(),
        errors: FormErrors::default(),
        notice: notice(lang, q.notice.as_deref()),
        status: StatusCode::OK,
    };
    manage_page_with(&state, &signed, &headers, grant, input).await
}

pub async fn manage(
    State(state): State<AppState>,
    signed: SignedIn,
    headers: HeaderMap,
    Path(id): Path<GrantId>,
    body: Bytes,
) -> Result<Response, Problem> {
    let mut grant = signed.caller.grant(&state, id, Action::GrantManage).await?;
    let form = form_map(&body);
    let get = |k: &str| form.get(k).cloned().unwrap_or_default();
    let event = get("event");
    let reason = get("reason");
    let proposal =
        RawProposal { equipment: get("equipment"), software: get("software"), coaching_hours: get("coaching_hours") };
    let seen = grant.clone();
    grant.version = get("version").parse().unwrap_or(0);
    let numbers = super::page_language(&headers).into();
    let actor = signed.caller.actor();
    match app::decide(&state, &actor, &grant, &event, &reason, Some(&proposal), numbers).await.map_err(Problem::from) {
        Ok((after, missing)) => {
            // Back to the queue the application has just left, to take the next one; else stay on it.
            let key = if missing > 0 { "short" } else { "done" };
            let workflow = state.grant_workflow();
            let left = Queue::ALL.iter().filter(|q| **q != Queue::Spending).find(|q| {
                let states = workflow.queue(**q);
                states.contains(&seen.state) && !states.contains(&after.state)
            });
            let next = match left {
                Some(q) => format!("/queues/{q}?notice={key}"),
                None => format!("/grants/{id}/manage?notice={key}"),
            };
            Ok(Redirect::to(&next).into_response())
        }
        Err(problem) => {
            let lang = super::page_language(&headers);
            let status = problem.status_code();
            let errors = FormErrors::from_problem(&problem, lang);
            let input = ManageInput {
                note: String::new(),
                award: None,
                proposal: Some(proposal),
                reason,
                errors,
                notice: None,
                status,
            };
            // The page shows the application as it is now, with what was typed.
            let current = state.db.grant(id).await.unwrap_or(seen);
            manage_page_with(&state, &signed, &headers, current, input).await
        }
    }
}

/// Awards an approved grant from its page: `action=preview` shows the split across envelopes,
/// `action=confirm` commits it (with the key the preview gave, so that a second click cannot award twice).
pub async fn award(
    State(state): State<AppState>,
    signed: SignedIn,
    headers: HeaderMap,
    Path(id): Path<GrantId>,
    body: Bytes,
) -> Result<Response, Problem> {
    let mut grant = signed.caller.grant(&state, id, Action::GrantManage).await?;
    let form = form_map(&body);
    let get = |k: &str| form.get(k).cloned().unwrap_or_default();
    let lang = super::page_language(&headers);
    let mut typed = AwardForm::for_grant(&state, &grant, lang.into());
    (typed.equipment, typed.software, typed.coaching_hours) =
        (get("equipment"), get("software"), get("coaching_hours"));
    if !get("fiscal_year").is_empty() {
        typed.fiscal_year = get("fiscal_year");
    }
    let mut f = Fields::for_page(lang);
    let amounts = RawProposal {
        equipment: typed.equipment.clone(),
        software: typed.software.clone(),
        coaching_hours: typed.coaching_hours.clone(),
    }
    .convert(&mut f, &state.program)
    .map(|p| crate::domain::award::AwardAmounts {
        equipment: p.equipment,
        software: p.software,
        coaching_hours: p.coaching_hours,
    });
    let outcome = match amounts {
        None => Err(f.into_problem()),
        Some(amounts) if get("action") == "confirm" => {
            grant.version = get("version").parse().unwrap_or(0);
            // The key the preview gave: a second click, or the back button and a click again, finds the
            // award made and its answer kept (the same scheme as the API's Idempotency-Key).
            let key = Some(get("key")).filter(|k| !k.is_empty()).unwrap_or_else(crate::passwords::random_token);
            let done = format!("/grants/{id}/manage?notice=award-made");
            let answer = done.clone();
            let key = app::AwardKey {
                key,
                user_id: signed.caller.user.id,
                answer: Arc::new(move |_: &Grant, _: &[crate::domain::award::Part]| answer.clone()),
            };
            // Exactly what the preview showed, or nothing (an empty id never matches).
            let previewed = Some(get("preview_id"));
            let actor = signed.caller.actor();
            match app::award(&state, &actor, &grant, amounts, &typed.fiscal_year, Some(key), previewed)
                .await
                .map_err(Problem::from)
            {
                Ok(_) => return Ok(Redirect::to(&done).into_response()),
                Err(e) => Err(e),
            }
        }
        Some(amounts) => {
            app::award_preview(&state, &amounts, &typed.fiscal_year).await.map_err(Problem::from).map(|parts| {
                typed.preview = Some(AwardPreview {
                    id: crate::domain::award::preview_id(id, &amounts, &typed.fiscal_year, &parts),
                    parts: parts
                        .into_iter()
                        .map(|p| {
                            let label = crate::i18n::t(lang, &format!("category-{}", p.category));
                            (p.envelope, label, p.amount)
                        })
                        .collect(),
                    total: amounts.total(state.program.coaching_hourly_rate),
                    key: crate::passwords::random_token(),
                });
            })
        }
    };
    let (errors, status) = match outcome {
        Ok(()) => (FormErrors::default(), StatusCode::OK),
        Err(problem) => (FormErrors::from_problem(&problem, lang), problem.status_code()),
    };
    let input = ManageInput {
        note: String::new(),
        award: Some(typed),
        proposal: None,
        reason: String::new(),
        errors,
        notice: None,
        status,
    };
    let current = state.db.grant(id).await?;
    manage_page_with(&state, &signed, &headers, current, input).await
}

/// Assigns a reviewer chosen by the program officer, takes one off, or completes the reviewers
/// automatically (`action` = assign, unassign, auto).
pub async fn reviewers(
    State(state): State<AppState>,
    signed: SignedIn,
    headers: HeaderMap,
    Path(id): Path<GrantId>,
    body: Bytes,
) -> Result<Response, Problem> {
    let grant = signed.caller.grant(&state, id, Action::GrantManage).await?;
    let form = form_map(&body);
    let user = UserId(form.get("user_id").and_then(|u| u.parse().ok()).unwrap_or(0));
    let key = match form.get("action").map(String::as_str) {
        Some("assign") => match app::assign(&state, id, app::Reviewers::One(user)).await {
            Ok(_) => "assigned",
            Err(e) => {
                let problem = Problem::from(e);
                let lang = super::page_language(&headers);
                let input = ManageInput {
                    note: String::new(),
                    award: None,
                    proposal: None,
                    reason: String::new(),
                    errors: FormErrors::one("user_id", problem.title_and_detail(lang).1.unwrap_or_default()),
                    notice: None,
                    status: problem.status_code(),
                };
                return manage_page_with(&state, &signed, &headers, grant, input).await;
            }
        },
        Some("unassign") => {
            app::unassign(&state, id, user).await?;
            "unassigned"
        }
        Some("auto") => {
            let missing = app::assign(&state, id, app::Reviewers::Automatic).await?;
            if missing > 0 { "short" } else { "assigned" }
        }
        _ => return Err(Problem::BadRequest("action must be assign, unassign or auto".into())),
    };
    state.mail_waker.notify_one();
    Ok(Redirect::to(&format!("/grants/{id}/manage?notice={key}")).into_response())
}

/// `POST /queues/{kind}/batch`: one action on every application ticked in a list, each at the version
/// the officer saw: a workflow decision the list's states allow, or completing the reviewers. What
/// became of each is listed on the list's page; the batch's own input is checked first.
pub async fn batch(
    State(state): State<AppState>,
    signed: SignedIn,
    headers: HeaderMap,
    Path(slug): Path<String>,
    body: Bytes,
) -> Result<Response, Problem> {
    let kind = QueueKind::parse(&slug).ok_or(Problem::NotFound)?;
    signed.caller.require(&state, Action::QueueManage, &Resource::Program)?;
    let lang = super::page_language(&headers);
    let mut form = Batch::default();
    for (k, v) in url::form_urlencoded::parse(&body) {
        match k.as_ref() {
            // `grant` = "id:version", the version the officer saw in the queue.
            "grant" => {
                if let Some((id, version)) = v.split_once(':')
                    && let (Ok(id), Ok(version)) = (id.parse(), version.parse())
                {
                    form.picked.push((id, version));
                }
            }
            "event" => form.event = v.into_owned(),
            "reason" => form.reason = v.into_owned(),
            _ => {}
        }
    }
    // The batch's own input first: nothing is decided unless it is whole (the page keeps it all).
    let workflow = state.grant_workflow();
    let mut f = Fields::for_page(lang);
    if form.picked.is_empty() {
        f.add("grant", FieldProblem::NotChosen("application"));
    }
    if !app::review::bulk_actions(workflow, &kind.states(&state)).contains(&form.event) {
        f.add("event", FieldProblem::Choice);
    } else if form.event != app::review::BULK_ASSIGN {
        app::check_reason(&mut f, workflow, &form.event, &form.reason);
    }
    if !f.is_empty() {
        return queue_page(&state, &signed, &headers, kind, QueueParams::default(), f, form).await;
    }
    for (id, version) in form.picked.clone() {
        let outcome: Result<String, Problem> = async {
            let mut grant = signed.caller.grant(&state, id, Action::GrantManage).await?;
            grant.version = version;
            let actor = signed.caller.actor();
            let key =
                match app::review::apply_bulk(&state, &actor, &grant, &form.event, &form.reason, lang.into()).await? {
                    app::review::BulkOutcome::Decided => "batch-done",
                    app::review::BulkOutcome::Assigned { missing: 0 } => "notice-assigned",
                    app::review::BulkOutcome::Assigned { .. } => "notice-short",
                };
            Ok(crate::i18n::t(lang, key))
        }
        .await;
        let text = outcome.unwrap_or_else(|problem| {
            let (title, detail) = problem.title_and_detail(lang);
            let fields = FormErrors::from_problem(&problem, lang);
            let first = fields.list.first().map(|e| e.message.clone());
            format!("{title} {}", first.or(detail).unwrap_or_default())
        });
        form.outcomes.push(crate::i18n::labelled(lang, &format!("#{id}"), &text));
    }
    // Done: the list again, with what became of each (the ticks cleared, the rest of the form kept).
    form.picked.clear();
    let fields = Fields::for_page(lang);
    queue_page(&state, &signed, &headers, kind, QueueParams::default(), fields, form).await
}

// --- the reviewer --------------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "review.html")]
pub struct ReviewTemplate {
    pub page: Page,
    pub grant: Grant,
    pub organism: Organism,
    /// (code, name, what the reviewer looks for, its weight as a percentage)
    pub criteria: Vec<(String, String, String, String)>,
    /// (score, what it means)
    pub scale: Vec<(i64, String)>,
    pub form: RawReview,
    /// When the review in progress shown was saved, if it was.
    pub draft_saved_at: Option<String>,
    pub errors: FormErrors,
    pub notice: Option<String>,
    /// Submitted: the reviewer now sees every review.
    pub reviewed: bool,
    pub open: bool,
    pub reviews: ReviewTable,
    pub requested_equipment: Money,
    pub requested_software: Money,
    pub comment_max: usize,
    /// The conflict's reason as typed, shown again when it was refused.
    pub conflict_reason: String,
}

impl ReviewTemplate {
    pub fn score_field(&self, code: &str) -> String {
        format!("score.{code}")
    }

    pub fn field_id(&self, name: &str) -> String {
        super::field_id(name)
    }

    pub fn checked(&self, code: &str, value: &i64) -> bool {
        self.form.scores.get(code).is_some_and(|s| s.trim() == value.to_string())
    }
}

/// What the review page shows besides the application: what was typed, what was wrong, a notice.
#[derive(Default)]
struct ReviewInput {
    form: RawReview,
    /// When the review in progress shown was saved.
    draft_saved_at: Option<String>,
    conflict_reason: String,
    errors: FormErrors,
    notice: Option<String>,
    status: Option<StatusCode>,
}

async fn review_page_with(
    state: &AppState,
    signed: &SignedIn,
    headers: &HeaderMap,
    grant: Grant,
    input: ReviewInput,
) -> Result<Response, Problem> {
    let ReviewInput { form, draft_saved_at, conflict_reason, errors, notice, status } = input;
    let page = work_page(state, signed, headers, &format!("/grants/{}/review", grant.id), None).await?;
    let reviews = state.db.reviews(grant.id).await?;
    let me = signed.caller.user.id;
    let reviewed = reviews.iter().any(|r| r.reviewer_id == me);
    // The others' scores stay hidden until this reviewer has submitted their own.
    let visible: Vec<Review> = if reviewed { reviews } else { Vec::new() };
    let open = !reviewed && app::reviewing_states(state).contains(&grant.state);
    let application = grant.application();
    let template = ReviewTemplate {
        organism: state.db.organism(grant.organism_id).await?,
        criteria: state
            .rubric
            .criteria
            .iter()
            .map(|c| {
                let weight = page.ta("review-weight", "weight", &c.weight.normalize().to_string());
                (c.code.clone(), c.name(page.lang).to_string(), c.description(page.lang).to_string(), weight)
            })
            .collect(),
        scale: (state.rubric.min..=state.rubric.max).map(|v| (v, state.rubric.score_label(page.lang, v))).collect(),
        reviews: review_table(state, &page, &grant, &visible),
        requested_equipment: application.requested(crate::domain::grant::LineCategory::Equipment),
        requested_software: application.requested(crate::domain::grant::LineCategory::Software),
        comment_max: COMMENT_MAX,
        draft_saved_at,
        conflict_reason,
        page,
        form,
        errors,
        notice,
        reviewed,
        open,
        grant,
    };
    Ok(render(status.unwrap_or(StatusCode::OK), &template))
}

pub async fn review_page(
    State(state): State<AppState>,
    signed: SignedIn,
    headers: HeaderMap,
    Path(id): Path<GrantId>,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, Problem> {
    let grant = signed.caller.grant(&state, id, Action::GrantReview).await?;
    let notice = notice(super::page_language(&headers), q.notice.as_deref());
    // A review in progress comes back as it was saved.
    let (form, draft_saved_at) = match app::review::review_draft(&state, id, signed.caller.user.id).await? {
        Some((form, at)) => (form, Some(at)),
        None => (RawReview::default(), None),
    };
    let input = ReviewInput { notice, form, draft_saved_at, ..Default::default() };
    review_page_with(&state, &signed, &headers, grant, input).await
}

pub async fn review(
    State(state): State<AppState>,
    signed: SignedIn,
    headers: HeaderMap,
    Path(id): Path<GrantId>,
    body: Bytes,
) -> Result<Response, Problem> {
    let grant = signed.caller.grant(&state, id, Action::GrantReview).await?;
    let mut form = RawReview::default();
    let mut draft = false;
    for (k, v) in url::form_urlencoded::parse(&body) {
        match k.as_ref() {
            "comment" => form.comment = v.into_owned(),
            "recommendation" => form.recommendation = v.into_owned(),
            "action" => draft = v == "keep",
            key => {
                if let Some(code) = key.strip_prefix("score.") {
                    form.scores.insert(code.to_string(), v.into_owned());
                }
            }
        }
    }
    let lang = super::page_language(&headers);
    let mut f = Fields::default();
    let me = signed.caller.user.id;
    let outcome = match form.convert(&mut f, &state.rubric) {
        _ if draft => app::review::save_review_draft(&state, id, me, &form).await.map_err(Problem::from),
        None => Err(f.into_problem()),
        Some(new) => app::submit_review(&state, id, me, new).await.map_err(Problem::from),
    };
    match outcome {
        Ok(()) if draft => Ok(Redirect::to(&format!("/grants/{id}/review?notice=draft-saved")).into_response()),
        Ok(()) => Ok(Redirect::to(&format!("/grants/{id}/review?notice=reviewed")).into_response()),
        Err(problem) => {
            let status = problem.status_code();
            // Each error named by its criterion, in the order of the form.
            let scores: Vec<String> = state.rubric.criteria.iter().map(|c| format!("score.{}", c.code)).collect();
            let mut fields: Vec<(&str, String)> = scores
                .iter()
                .zip(&state.rubric.criteria)
                .map(|(f, c)| (f.as_str(), c.name(lang).to_string()))
                .collect();
            fields.push(("recommendation", crate::i18n::t(lang, "field-recommendation")));
            fields.push(("comment", crate::i18n::t(lang, "field-comment")));
            let errors = FormErrors::from_problem(&problem, lang).arranged(lang, &fields);
            let input = ReviewInput { form, errors, status: Some(status), ..Default::default() };
            review_page_with(&state, &signed, &headers, grant, input).await
        }
    }
}

/// A reviewer declares a conflict of interest with the applicant organism: they leave its applications
/// not yet reviewed, and octroi assigns other reviewers in their place.
pub async fn conflict(
    State(state): State<AppState>,
    signed: SignedIn,
    headers: HeaderMap,
    Path(id): Path<GrantId>,
    body: Bytes,
) -> Result<Response, Problem> {
    let grant = signed.caller.grant(&state, id, Action::GrantReview).await?;
    let form = form_map(&body);
    let reason = form.get("reason").map(String::as_str).unwrap_or_default();
    match app::declare_conflict(&state, signed.caller.user.id, grant.organism_id, reason).await {
        Ok(_) => Ok(Redirect::to("/queues/my-reviews?notice=conflict").into_response()),
        Err(app::AppError::Invalid(fields)) => {
            let input = ReviewInput {
                conflict_reason: reason.to_string(),
                errors: FormErrors::from_fields(&fields, super::page_language(&headers)),
                status: Some(StatusCode::UNPROCESSABLE_ENTITY),
                ..Default::default()
            };
            review_page_with(&state, &signed, &headers, grant, input).await
        }
        Err(e) => Err(e.into()),
    }
}
