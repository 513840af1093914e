//! Payment runs on the web (issue 13), finance's pages: the verified purchases to choose from and the
//! runs made, a run with what it takes from each envelope and fiscal year, its file for the bank, and a
//! form per line to record the bank's answer. Every step goes through `app::payments`.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};

use super::review::work_page;
use super::{FormErrors, Page, render};
use crate::AppState;
use crate::app::payments as usecase;
use crate::domain::{Money, PurchaseId, RunId};
use crate::policy::authz::{Action, Resource};
use crate::storage::payments::{Outcome, Payable, Run, RunLine, RunTotal};
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
}

async fn run_page(state: &AppState, signed: &SignedIn, headers: &HeaderMap, id: RunId) -> Result<RunPage, Problem> {
    let page = work_page(state, signed, headers, &format!("/payments/{id}"), None).await?;
    let (run, lines, totals) = state.db.run(id).await?;
    Ok(RunPage { page, info: run, lines, totals, notice: None, errors: FormErrors::default(), refused: None })
}

pub async fn show(
    State(state): State<AppState>,
    signed: SignedIn,
    headers: HeaderMap,
    Path(id): Path<RunId>,
    Query(q): Query<std::collections::HashMap<String, String>>,
) -> Result<Response, Problem> {
    signed.caller.require(&state, Action::PaymentRun, &Resource::Program)?;
    let mut run = run_page(&state, &signed, &headers, id).await?;
    run.notice = q.get("notice").and_then(|n| crate::i18n::t_opt(run.page.lang, &format!("payments-notice-{n}")));
    Ok(render(StatusCode::OK, &run))
}

/// `GET /payments/{id}/export.csv`: the run's file for the bank, one line per purchase (payee, amount,
/// reference), as every octroi CSV is written. The run notes when it was first exported.
pub async fn export(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<RunId>,
) -> Result<Response, Problem> {
    signed.caller.require(&state, Action::PaymentRun, &Resource::Program)?;
    let (_, lines, _) = state.db.run(id).await?;
    let rows = lines
        .iter()
        .map(|l| vec![l.payee.clone(), csv_amount(l.amount.cents()), l.reference.clone(), l.purchase_id.to_string()])
        .collect();
    let bytes = csv_bytes(&["Bénéficiaire", "Montant", "Référence", "Achat"], rows)?;
    state.db.run_exported(id).await?;
    Ok(csv_response(&format!("octroi-lot-de-paiement-{id}.csv"), bytes))
}

/// `POST /payments/{id}/lines/{line}`: the bank's answer for a line (`outcome` paid or failed, `reason`
/// when it failed). Refused, the run comes back with the reason typed and why.
pub async fn answer(
    State(state): State<AppState>,
    signed: SignedIn,
    headers: HeaderMap,
    Path((id, line)): Path<(RunId, i64)>,
    body: Bytes,
) -> Result<Response, Problem> {
    signed.caller.require(&state, Action::PaymentRun, &Resource::Program)?;
    let form = super::form_map(&body);
    let paid = form.get("outcome").map(String::as_str) == Some(Outcome::Cleared.as_str());
    let reason = form.get("reason").cloned().unwrap_or_default();
    match usecase::answer(&state, &signed.caller.actor(), signed.caller.user.id, id, line, paid, &reason).await {
        Ok(()) => {
            let notice = if paid { Outcome::Cleared } else { Outcome::Rejected }.as_str();
            Ok(Redirect::to(&format!("/payments/{id}?notice={notice}#line-{line}")).into_response())
        }
        Err(e) => {
            let problem = Problem::from(e);
            let mut run = run_page(&state, &signed, &headers, id).await?;
            let field = run.reason_field(&line);
            run.errors = match &problem {
                Problem::Validation(_) => {
                    FormErrors::one(&field, FormErrors::from_problem(&problem, run.page.lang).list[0].message.clone())
                }
                other => FormErrors::one(&field, other.title_and_detail(run.page.lang).0),
            };
            run.refused = Some((line, reason));
            Ok(render(problem.status_code(), &run))
        }
    }
}
