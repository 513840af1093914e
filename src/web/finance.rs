//! What finance reads (issue 5): per envelope and fiscal year, allocated, committed, spent and available,
//! recomputed from the ledger; a grant's statement; and CSV exports of the ledger and of that summary.
//! The CSV files are written by [`crate::web::csv`].

use askama::Template;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;

use crate::AppState;
use crate::app::{self, finance::EnvelopeYear};
use crate::policy::authz::{Action, Resource};
use crate::web::auth::SignedIn;
use crate::web::csv::{csv_amount, csv_bytes, csv_response};
use crate::web::pages::{Page, render};
use crate::web::problem::Problem;

/// One envelope's year, as the API gives it (dollars, two decimals).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct EnvelopeYearView {
    pub envelope: String,
    pub fiscal_year: String,
    #[schema(example = "1300000.00")]
    pub allocated: String,
    pub committed: String,
    pub spent: String,
    pub available: String,
}

impl From<EnvelopeYear> for EnvelopeYearView {
    fn from(e: EnvelopeYear) -> Self {
        let [allocated, committed, spent, available] = e.amounts().map(|m| m.to_string());
        EnvelopeYearView { envelope: e.envelope, fiscal_year: e.fiscal_year, allocated, committed, spent, available }
    }
}

fn require(signed: &SignedIn, state: &AppState) -> Result<(), Problem> {
    signed.caller.require(state, Action::FinanceView, &Resource::Program)
}

/// The summary per envelope and fiscal year, as CSV.
pub async fn summary_csv(State(state): State<AppState>, signed: SignedIn) -> Result<Response, Problem> {
    require(&signed, &state)?;
    let rows = app::finance::envelopes(&state)
        .await?
        .into_iter()
        .map(|e| {
            let mut row = vec![e.envelope.clone(), e.fiscal_year.clone()];
            row.extend(e.amounts().iter().map(|m| csv_amount(m.cents())));
            row
        })
        .collect();
    let bytes = csv_bytes(&["Enveloppe", "Exercice", "Alloué", "Engagé", "Dépensé", "Disponible"], rows)?;
    Ok(csv_response("octroi-enveloppes.csv", bytes))
}

/// Every ledger entry, in order, as CSV.
pub async fn ledger_csv(State(state): State<AppState>, signed: SignedIn) -> Result<Response, Problem> {
    require(&signed, &state)?;
    let rows = state
        .db
        .ledger_export()
        .await?
        .into_iter()
        .map(|r| {
            vec![
                r.id.to_string(),
                r.at,
                r.envelope,
                r.fiscal_year,
                r.category,
                r.grant_id.to_string(),
                r.organism,
                r.kind.to_string(),
                csv_amount(r.amount.cents()),
                r.commitment.map(|c| c.to_string()).unwrap_or_default(),
                r.reverses.map(|c| c.to_string()).unwrap_or_default(),
                r.actor,
                r.reason,
            ]
        })
        .collect();
    let header_row = [
        "Écriture",
        "Date",
        "Enveloppe",
        "Exercice",
        "Catégorie",
        "Demande",
        "Organisme",
        "Nature",
        "Montant",
        "Engagement",
        "Contrepasse",
        "Par",
        "Raison",
    ];
    Ok(csv_response("octroi-grand-livre.csv", csv_bytes(&header_row, rows)?))
}

/// The asset register: every unit of equipment the bourses bought, with its serial number, organism,
/// purchase and invoice, as CSV.
pub async fn assets_csv(State(state): State<AppState>, signed: SignedIn) -> Result<Response, Problem> {
    require(&signed, &state)?;
    let rows = state
        .db
        .assets(None)
        .await?
        .into_iter()
        .map(|a| {
            vec![
                a.organism,
                a.purchase_id.to_string(),
                a.description,
                a.serial,
                a.vendor_name,
                a.invoice_number.unwrap_or_default(),
                a.received_at.get(..10).unwrap_or(&a.received_at).to_string(),
                a.returned.as_ref().map(|(_, at)| at.get(..10).unwrap_or(at).to_string()).unwrap_or_default(),
                a.returned.map(|(number, _)| number).unwrap_or_default(),
                if a.repeated { "oui" } else { "" }.to_string(),
            ]
        })
        .collect();
    let header_row = [
        "Organisme",
        "Achat",
        "Description",
        "Numéro de série",
        "Fournisseur",
        "Facture",
        "Reçu le",
        "Rendu le",
        "Note de crédit",
        "Numéro en double",
    ];
    Ok(csv_response("octroi-actifs.csv", csv_bytes(&header_row, rows)?))
}

#[derive(Template)]
#[template(path = "finance.html")]
pub struct FinancePage {
    pub page: Page,
    pub rows: Vec<EnvelopeYear>,
}

pub async fn finance_page(
    State(state): State<AppState>,
    signed: SignedIn,
    headers: HeaderMap,
) -> Result<Response, Problem> {
    require(&signed, &state)?;
    let page = crate::web::pages::review::work_page(&state, &signed, &headers, "/finance", None).await?;
    Ok(render(StatusCode::OK, &FinancePage { page, rows: app::finance::envelopes(&state).await? }))
}

/// `GET /api/v1/finance/envelopes`
#[utoipa::path(get, path = "/finance/envelopes", tag = "finance",
    responses((status = 200, body = [EnvelopeYearView]), (status = 403, body = crate::web::api::ProblemDetails)))]
pub async fn envelopes_api(
    State(state): State<AppState>,
    crate::web::auth::ApiCaller(caller): crate::web::auth::ApiCaller,
) -> Result<axum::Json<Vec<EnvelopeYearView>>, Problem> {
    caller.require(&state, Action::FinanceView, &Resource::Program)?;
    Ok(axum::Json(app::finance::envelopes(&state).await?.into_iter().map(Into::into).collect()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_and_fields_as_a_french_canadian_spreadsheet_reads_them() {
        assert_eq!(csv_amount(123_456), "1234,56");
        assert_eq!(csv_amount(5), "0,05");
        assert_eq!(csv_amount(-100), "-1,00");
        let bytes =
            csv_bytes(&["Organisme", "Montant"], vec![vec!["Cuisine; « l'Éveil »".into(), csv_amount(10)]]).unwrap();
        let text = String::from_utf8(bytes).unwrap();
        assert_eq!(text, "\u{feff}Organisme;Montant\r\n\"Cuisine; « l'Éveil »\";0,10\r\n");
    }
}
