//! Payment runs on the web (issue 13), finance's pages: the verified purchases to choose from and the
//! runs made, a run with what it takes from each envelope and fiscal year, its file for the bank, and a
//! form per line to record the bank's answer. Every step goes through `app::payments`.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};

use super::review::work_page;
use super::{ConfirmPage, FormErrors, Page, render};
use crate::AppState;
use crate::app::payments as usecase;
use crate::app::{FieldProblem, Fields};
use crate::domain::text::Search;
use crate::domain::{Money, PurchaseId, RunId};
use crate::policy::authz::{Action, Resource};
use crate::storage::payments::{LineFilter, LineShow, Outcome, Payable, Run, RunLine, RunTotal};
use crate::web::auth::SignedIn;
use crate::web::csv::{csv_amount, csv_bytes, csv_response};
use crate::web::problem::Problem;

/// How many payable purchases the page lists at most (a run takes those chosen among them).
const PAYABLE_SHOWN: i64 = 5_000;

/// A purchase to choose, with who the bank would pay.
pub struct Choice {
    pub p: Payable,
    pub payee: String,
}

/// `GET /payments`: the purchases to pay and the runs made.
#[derive(Template)]
#[template(path = "payments.html")]
pub struct PaymentsPage {
    pub page: Page,
    pub choices: Vec<Choice>,
    pub total: Money,
    pub runs: Vec<Run>,
    /// "Reimbursement: the bourse pays the organism" or the direct mode's words.
    pub mode: String,
    /// What the organisms owe the program on confirmed credit notes (kept back from their next line).
    pub owed: Vec<crate::storage::purchases::CreditNote>,
    pub errors: FormErrors,
}

async fn payments_page(state: &AppState, signed: &SignedIn, headers: &HeaderMap) -> Result<PaymentsPage, Problem> {
    let page = work_page(state, signed, headers, "/payments", None).await?;
    let mode = state.program.purchases.payment;
    let choices: Vec<Choice> = usecase::payable(state, PAYABLE_SHOWN)
        .await?
        .into_iter()
        .map(|p| Choice { payee: p.payee(mode).to_string(), p })
        .collect();
    Ok(PaymentsPage {
        total: choices.iter().map(|c| c.p.amount).sum(),
        mode: page.t(&format!("payments-mode-{mode}")),
        runs: state.db.runs(100).await?,
        owed: state.db.owed(None).await?,
        choices,
        page,
        errors: FormErrors::default(),
    })
}

pub async fn index(State(state): State<AppState>, signed: SignedIn, headers: HeaderMap) -> Result<Response, Problem> {
    signed.caller.require(&state, Action::PaymentRun, &Resource::Program)?;
    Ok(render(StatusCode::OK, &payments_page(&state, &signed, &headers).await?))
}

/// `POST /payments`: a run of the purchases ticked (`purchase`, repeated). Refused, the page comes back
/// with why and nothing made.
pub async fn create(
    State(state): State<AppState>,
    signed: SignedIn,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, Problem> {
    signed.caller.require(&state, Action::PaymentRun, &Resource::Program)?;
    let chosen: Vec<PurchaseId> = url::form_urlencoded::parse(&body)
        .filter(|(k, _)| k == "purchase")
        .filter_map(|(_, v)| v.parse().ok())
        .collect();
    match usecase::make_run(&state, &signed.caller.actor(), signed.caller.user.id, chosen).await {
        Ok(run) => Ok(Redirect::to(&format!("/payments/{run}")).into_response()),
        Err(e) => {
            let problem = Problem::from(e);
            let mut page = payments_page(&state, &signed, &headers).await?;
            page.errors = FormErrors::from_problem(&problem, page.page.lang);
            Ok(render(problem.status_code(), &page))
        }
    }
}

/// How many of a run's lines a page shows.
const LINES_PER_PAGE: i64 = 50;

/// `?show=waiting|answered|all&q=…&page=N`: which of a run's lines to show (by default, in a run longer
/// than a page, those still waiting on the bank; else all), matching a search, a page of them.
#[derive(Debug, Default, Clone, serde::Deserialize)]
pub struct LinesQuery {
    #[serde(default)]
    pub show: Option<String>,
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub page: Option<i64>,
    #[serde(default)]
    pub notice: Option<String>,
}

/// `GET /payments/{id}`: a run.
#[derive(Template)]
#[template(path = "payment_run.html")]
pub struct RunPage {
    pub page: Page,
    pub info: Run,
    pub lines: Vec<RunLine>,
    pub totals: Vec<RunTotal>,
    pub notice: Option<String>,
    pub errors: FormErrors,
    /// The line whose answer was refused, and the reason typed for it.
    pub refused: Option<(i64, String)>,
    pub show: LineShow,
    pub search: String,
    /// How many lines match what is shown, the page shown (from 1) and how many pages there are.
    pub matching: i64,
    pub current_page: i64,
    pub pages: i64,
}

impl RunPage {
    pub fn mode_key(&self) -> String {
        format!("payments-mode-{}", self.info.payment_mode)
    }

    pub fn reason_field(&self, line: &i64) -> String {
        format!("reason-{line}")
    }

    pub fn typed(&self, line: &i64) -> &str {
        match &self.refused {
            Some((l, reason)) if l == line => reason,
            _ => "",
        }
    }

    /// How many lines a page shows: a run longer than that offers to filter and search them.
    pub fn per_page(&self) -> i64 {
        LINES_PER_PAGE
    }

    /// The choices of lines to show: (value, label, chosen).
    pub fn show_choices(&self) -> Vec<(&'static str, String, bool)> {
        LineShow::ALL
            .into_iter()
            .map(|w| (w.as_str(), self.page.t(&format!("payments-show-{}", w.as_str())), w == self.show))
            .collect()
    }

    /// The address of page `n` of the lines shown.
    pub fn page_href(&self, n: &i64) -> String {
        let mut query = url::form_urlencoded::Serializer::new(String::new());
        query.append_pair("show", self.show.as_str());
        if !self.search.is_empty() {
            query.append_pair("q", &self.search);
        }
        query.append_pair("page", &n.to_string());
        format!("/payments/{}?{}#lines-title", self.info.id, query.finish())
    }
}

async fn run_page(
    state: &AppState,
    signed: &SignedIn,
    headers: &HeaderMap,
    id: RunId,
    q: LinesQuery,
) -> Result<RunPage, Problem> {
    let page = work_page(state, signed, headers, &format!("/payments/{id}"), None).await?;
    let (run, totals) = state.db.run(id).await?;
    // A run longer than a page opens on what still waits; a short one shows every line.
    let default = if run.waiting > 0 && run.lines > LINES_PER_PAGE { LineShow::Waiting } else { LineShow::All };
    let show = q.show.as_deref().and_then(LineShow::parse).unwrap_or(default);
    let filter =
        LineFilter { show, search: Search::parse(&q.q), page: q.page.unwrap_or(1).max(1), per_page: LINES_PER_PAGE };
    let (lines, matching) = state.db.run_lines(id, &filter).await?;
    let pages = ((matching + LINES_PER_PAGE - 1) / LINES_PER_PAGE).max(1);
    let notice = q.notice.and_then(|n| crate::i18n::t_opt(page.lang, &format!("payments-notice-{n}")));
    Ok(RunPage {
        page,
        info: run,
        lines,
        totals,
        notice,
        errors: FormErrors::default(),
        refused: None,
        show,
        search: q.q,
        matching,
        current_page: filter.page.min(pages),
        pages,
    })
}

pub async fn show(
    State(state): State<AppState>,
    signed: SignedIn,
    headers: HeaderMap,
    Path(id): Path<RunId>,
    Query(q): Query<LinesQuery>,
) -> Result<Response, Problem> {
    signed.caller.require(&state, Action::PaymentRun, &Resource::Program)?;
    Ok(render(StatusCode::OK, &run_page(&state, &signed, &headers, id, q).await?))
}

/// `GET /payments/{id}/export.csv`: the run's file for the bank, one line per purchase (payee, amount,
/// reference), as every octroi CSV is written. The run notes when it was first exported.
pub async fn export(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<RunId>,
) -> Result<Response, Problem> {
    signed.caller.require(&state, Action::PaymentRun, &Resource::Program)?;
    state.db.run(id).await?;
    let (lines, _) = state.db.run_lines(id, &LineFilter::all()).await?;
    let rows = lines
        .iter()
        .map(|l| vec![l.payee.clone(), csv_amount(l.amount.cents()), l.reference.clone(), l.purchase_id.to_string()])
        .collect();
    let bytes = csv_bytes(&["Bénéficiaire", "Montant", "Référence", "Achat"], rows)?;
    state.db.run_exported(id).await?;
    Ok(csv_response(&format!("octroi-lot-de-paiement-{id}.csv"), bytes))
}

/// `POST /payments/{id}/lines/{line}`: the bank's answer for a line (`outcome` cleared or rejected,
/// `reason` when it was rejected). Refused, the run comes back with the reason typed and why.
pub async fn answer(
    State(state): State<AppState>,
    signed: SignedIn,
    headers: HeaderMap,
    Path((id, line)): Path<(RunId, i64)>,
    body: Bytes,
) -> Result<Response, Problem> {
    signed.caller.require(&state, Action::PaymentRun, &Resource::Program)?;
    let form = super::form_map(&body);
    let outcome = form.get("outcome").and_then(|o| Outcome::parse(o));
    let reason = form.get("reason").cloned().unwrap_or_default();
    let result = match outcome {
        Some(outcome) => {
            usecase::answer(&state, (&signed.caller.actor(), signed.caller.user.id), (id, line), outcome, &reason)
                .await
                .map(|()| outcome)
        }
        None => Err(Fields::field_error("outcome", FieldProblem::Choice)),
    };
    match result {
        Ok(outcome) => {
            Ok(Redirect::to(&format!("/payments/{id}?notice={}#lines-title", outcome.as_str())).into_response())
        }
        Err(e) => {
            let problem = Problem::from(e);
            let mut run = run_page(&state, &signed, &headers, id, LinesQuery::default()).await?;
            // The line answered is shown alone, whatever the page shows by default.
            run.lines = state.db.run_line(id, line).await.into_iter().collect();
            (run.show, run.matching, run.current_page, run.pages) = (LineShow::All, run.lines.len() as i64, 1, 1);
            let field = run.reason_field(&line);
            run.errors = FormErrors::one_from_problem(&field, &problem, run.page.lang);
            run.refused = Some((line, reason));
            Ok(render(problem.status_code(), &run))
        }
    }
}

/// The page that asks before marking every line still waiting as paid: how many, what they come to,
/// what follows. The run's count of waiting lines stands for its version: if it changed, nothing is done.
fn clear_confirmation(page: Page, run: &Run) -> ConfirmPage {
    let count = run.waiting.to_string();
    ConfirmPage {
        title: page.ta("payments-clear-title", "id", &run.id.to_string()),
        lines: vec![
            crate::i18n::t_args(
                page.lang,
                "payments-clear-what",
                &[("count", count), ("total", page.money(&run.waiting_total))],
            ),
            page.t("payments-clear-after"),
        ],
        action: format!("/payments/{}/clear", run.id),
        version: run.waiting,
        reason: None,
        confirm: page.t("payments-clear-confirm"),
        cancel: format!("/payments/{}", run.id),
        errors: FormErrors::default(),
        page,
    }
}

/// `GET /payments/{id}/clear`: what marking the waiting lines as paid does, before it is done.
pub async fn clear_page(
    State(state): State<AppState>,
    signed: SignedIn,
    headers: HeaderMap,
    Path(id): Path<RunId>,
) -> Result<Response, Problem> {
    signed.caller.require(&state, Action::PaymentRun, &Resource::Program)?;
    let (run, _) = state.db.run(id).await?;
    if run.waiting == 0 {
        return Ok(Redirect::to(&format!("/payments/{id}")).into_response());
    }
    let page = work_page(&state, &signed, &headers, &format!("/payments/{id}/clear"), None).await?;
    Ok(render(StatusCode::OK, &clear_confirmation(page, &run)))
}

/// `POST /payments/{id}/clear` (`version`: the count of waiting lines confirmed): every line still
/// waiting is marked paid, in one transaction. Refused (the run changed meanwhile), the run comes back
/// as it is now, with why.
pub async fn clear(
    State(state): State<AppState>,
    signed: SignedIn,
    headers: HeaderMap,
    Path(id): Path<RunId>,
    body: Bytes,
) -> Result<Response, Problem> {
    signed.caller.require(&state, Action::PaymentRun, &Resource::Program)?;
    let seen = super::form_version(&super::form_map(&body));
    match usecase::clear_waiting(&state, (&signed.caller.actor(), signed.caller.user.id), id, seen).await {
        Ok(()) => Ok(Redirect::to(&format!("/payments/{id}?notice=all-cleared")).into_response()),
        Err(e) => {
            let problem = Problem::from(e);
            let mut run = run_page(&state, &signed, &headers, id, LinesQuery::default()).await?;
            run.errors = FormErrors::from_problem(&problem, run.page.lang);
            Ok(render(problem.status_code(), &run))
        }
    }
}
