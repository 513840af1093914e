//! `policies/dataide.toml`: the envelopes and their allocation by fiscal year, the targets, the expense
//! categories and which envelope pays each. Every rule that a wrong file could break is checked here, so
//! that octroi never runs on a program that does not add up.

use std::collections::BTreeSet;
use std::path::Path;

use serde::Deserialize;

use crate::domain::purchase::{PaymentMode, Tolerance};
use crate::domain::tax::BoursePays;
use crate::domain::{FiscalYear, Money};

#[derive(Debug, thiserror::Error)]
#[error("{file}: {}", problems.join("; "))]
pub struct ProgramError {
    pub file: String,
    pub problems: Vec<String>,
}

/// The categories octroi's code knows how to price; the file must define each exactly once.
pub const CATEGORY_CODES: [&str; 3] = ["equipment", "software", "coaching"];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Program {
    pub code: String,
    pub name: String,
    pub operator: String,
    pub contact: Contact,
    pub fiscal_years: Vec<FiscalYear>,
    pub bourse_cap: Money,
    pub coaching_hourly_rate: Money,
    pub targets: Targets,
    pub envelopes: Vec<Envelope>,
    pub categories: Vec<Category>,
    pub purchases: PurchaseRules,
}

/// How the program pays for purchases (`[purchases]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PurchaseRules {
    pub taxes: BoursePays,
    pub payment: PaymentMode,
    pub tolerance: Tolerance,
    /// From this price before taxes, a request brings `quotes_required` quotes.
    pub quotes_above: Money,
    pub quotes_required: usize,
}

impl PurchaseRules {
    /// How many quotes a request of this price before taxes needs.
    pub fn quotes_needed(&self, price: Money) -> usize {
        if price >= self.quotes_above { self.quotes_required } else { 0 }
    }
}

/// Who signs the letters, how organisms reach the program and who answers for personal information.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    pub signatory_name: String,
    pub signatory_title_fr: String,
    pub signatory_title_en: String,
    pub email: String,
    pub phone: String,
    pub privacy_officer: String,
    pub privacy_email: String,
}

impl Contact {
    /// The signatory's title in `lang`.
    pub fn signatory_title(&self, lang: crate::domain::Language) -> &str {
        match lang {
            crate::domain::Language::Fr => &self.signatory_title_fr,
            crate::domain::Language::En => &self.signatory_title_en,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Targets {
    pub organizations_reached: i64,
    pub organizations_trained: i64,
    pub leaders_supported: i64,
    pub bourses: i64,
    pub coaching_hours: i64,
}

impl Targets {
    pub fn pairs(&self) -> [(&'static str, i64); 5] {
        [
            ("organizations_reached", self.organizations_reached),
            ("organizations_trained", self.organizations_trained),
            ("leaders_supported", self.leaders_supported),
            ("bourses", self.bourses),
            ("coaching_hours", self.coaching_hours),
        ]
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Envelope {
    pub code: String,
    pub name_fr: String,
    pub name_en: String,
    pub total: Money,
    pub allocations: Vec<(FiscalYear, Money)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Category {
    pub code: String,
    pub name_fr: String,
    pub name_en: String,
    /// In the order they are drawn on.
    pub envelopes: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    program: RawProgram,
    contact: Contact,
    targets: Targets,
    envelopes: Vec<RawEnvelope>,
    categories: Vec<RawCategory>,
    purchases: RawPurchases,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPurchases {
    taxes: String,
    payment: String,
    invoice_tolerance_percent: String,
    invoice_tolerance_max: String,
    quotes_above: String,
    quotes_required: u8,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProgram {
    code: String,
    name: String,
    operator: String,
    first_fiscal_year: toml::value::Datetime,
    fiscal_years: u8,
    bourse_cap: String,
    coaching_hourly_rate: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEnvelope {
    code: String,
    name_fr: String,
    name_en: String,
    total: String,
    allocations: Vec<RawAllocation>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAllocation {
    fiscal_year: toml::value::Datetime,
    amount: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCategory {
    code: String,
    name_fr: String,
    name_en: String,
    envelopes: Vec<String>,
}

/// A TOML date that must be April 1.
fn fiscal_year(value: &toml::value::Datetime) -> Result<FiscalYear, String> {
    let date = match (value.date, value.time) {
        (Some(d), None) => chrono::NaiveDate::from_ymd_opt(i32::from(d.year), u32::from(d.month), u32::from(d.day)),
        _ => None,
    };
    let date = date.ok_or_else(|| format!("{value} is not a date (write it as 2022-04-01)"))?;
    FiscalYear::from_start(date).ok_or_else(|| format!("{date} does not start a fiscal year (they start on April 1)"))
}

impl Program {
    pub fn load(path: &Path) -> Result<Program, ProgramError> {
        let src = std::fs::read_to_string(path).map_err(|e| ProgramError {
            file: path.display().to_string(),
            problems: vec![format!("cannot read: {e}")],
        })?;
        Program::parse(&path.display().to_string(), &src)
    }

    pub fn parse(file: &str, src: &str) -> Result<Program, ProgramError> {
        let fail = |problems: Vec<String>| ProgramError { file: file.to_string(), problems };
        let raw: Raw = toml::from_str(src).map_err(|e| fail(vec![e.to_string().trim().replace('\n', " ")]))?;
        let mut problems = Vec::new();
        let mut money = |what: &str, s: &str| match Money::parse(s) {
            Ok(m) if m > Money::ZERO => m,
            Ok(_) => {
                problems.push(format!("{what} must be more than zero"));
                Money::ZERO
            }
            Err(e) => {
                problems.push(format!("{what} '{s}': {e}"));
                Money::ZERO
            }
        };
        let bourse_cap = money("program.bourse_cap", &raw.program.bourse_cap);
        let coaching_hourly_rate = money("program.coaching_hourly_rate", &raw.program.coaching_hourly_rate);
        let tolerance_max = money("purchases.invoice_tolerance_max", &raw.purchases.invoice_tolerance_max);
        let quotes_above = money("purchases.quotes_above", &raw.purchases.quotes_above);
        let mut envelopes = Vec::new();
        for e in &raw.envelopes {
            let total = money(&format!("envelope {} total", e.code), &e.total);
            let mut allocations = Vec::new();
            for a in &e.allocations {
                let amount = money(&format!("envelope {} allocation", e.code), &a.amount);
                allocations.push((a.fiscal_year, amount));
            }
            envelopes.push((e, total, allocations));
        }

        let first = match fiscal_year(&raw.program.first_fiscal_year) {
            Ok(fy) => Some(fy),
            Err(e) => {
                problems.push(format!("program.first_fiscal_year: {e}"));
                None
            }
        };
        if raw.program.fiscal_years == 0 {
            problems.push("program.fiscal_years must be at least 1".into());
        }
        let fiscal_years: Vec<FiscalYear> = first
            .map(|f| {
                std::iter::successors(Some(f), |fy| Some(fy.next()))
                    .take(usize::from(raw.program.fiscal_years))
                    .collect()
            })
            .unwrap_or_default();
        let labels = fiscal_years.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ");

        for (name, value) in raw.targets.pairs() {
            if value <= 0 {
                problems.push(format!("targets.{name} must be more than zero"));
            }
        }

        let mut codes = BTreeSet::new();
        let mut checked_envelopes = Vec::new();
        for (e, total, allocations) in envelopes {
            if !codes.insert(e.code.as_str()) {
                problems.push(format!("envelope {} is defined twice", e.code));
            }
            let mut years = BTreeSet::new();
            let mut sum: i64 = 0;
            let mut checked = Vec::new();
            for (date, amount) in allocations {
                match fiscal_year(&date) {
                    Ok(fy) if !fiscal_years.contains(&fy) => problems
                        .push(format!("envelope {}: fiscal year {fy} is not one of the program's ({labels})", e.code)),
                    Ok(fy) if !years.insert(fy) => {
                        problems.push(format!("envelope {}: fiscal year {fy} is allocated twice", e.code))
                    }
                    Ok(fy) => checked.push((fy, amount)),
                    Err(msg) => problems.push(format!("envelope {}: {msg}", e.code)),
                }
                sum += amount.cents();
            }
            if sum != total.cents() {
                problems.push(format!(
                    "envelope {}: the allocations add up to {} but the total is {}",
                    e.code,
                    Money::from_cents(sum),
                    total
                ));
            }
            checked.sort();
            checked_envelopes.push(Envelope {
                code: e.code.clone(),
                name_fr: e.name_fr.clone(),
                name_en: e.name_en.clone(),
                total,
                allocations: checked,
            });
        }
        if checked_envelopes.is_empty() {
            problems.push("the program has no envelope".into());
        }

        let mut categories = Vec::new();
        let mut seen = BTreeSet::new();
        for c in &raw.categories {
            if !CATEGORY_CODES.contains(&c.code.as_str()) {
                problems.push(format!("category '{}' is unknown; octroi knows {}", c.code, CATEGORY_CODES.join(", ")));
            }
            if !seen.insert(c.code.as_str()) {
                problems.push(format!("category {} is defined twice", c.code));
            }
            if c.envelopes.is_empty() {
                problems.push(format!("category {}: no envelope may pay it", c.code));
            }
            for env in &c.envelopes {
                if !codes.contains(env.as_str()) {
                    problems.push(format!("category {}: envelope {env} is not defined", c.code));
                }
            }
            categories.push(Category {
                code: c.code.clone(),
                name_fr: c.name_fr.clone(),
                name_en: c.name_en.clone(),
                envelopes: c.envelopes.clone(),
            });
        }
        for code in CATEGORY_CODES {
            if !seen.contains(code) {
                problems.push(format!("category {code} is missing"));
            }
        }

        let p = &raw.purchases;
        let taxes = match p.taxes.as_str() {
            "gross" => BoursePays::Gross,
            "net_of_rebate" => BoursePays::NetOfRebate,
            other => {
                problems.push(format!("purchases.taxes '{other}': write \"gross\" or \"net_of_rebate\""));
                BoursePays::Gross
            }
        };
        let payment = PaymentMode::parse(&p.payment).unwrap_or_else(|| {
            problems.push(format!("purchases.payment '{}': write \"reimbursement\" or \"direct\"", p.payment));
            PaymentMode::Reimbursement
        });
        let percent = match p.invoice_tolerance_percent.trim().parse::<rust_decimal::Decimal>() {
            Ok(d) if d >= rust_decimal::Decimal::ZERO && d <= rust_decimal::Decimal::ONE_HUNDRED => d,
            _ => {
                problems.push(format!(
                    "purchases.invoice_tolerance_percent '{}': a share from 0 to 100",
                    p.invoice_tolerance_percent
                ));
                rust_decimal::Decimal::ZERO
            }
        };
        let purchases = PurchaseRules {
            taxes,
            payment,
            tolerance: Tolerance { percent, max: tolerance_max },
            quotes_above,
            quotes_required: usize::from(p.quotes_required),
        };

        if !problems.is_empty() {
            return Err(fail(problems));
        }
        Ok(Program {
            purchases,
            code: raw.program.code,
            name: raw.program.name,
            operator: raw.program.operator,
            contact: raw.contact,
            fiscal_years,
            bourse_cap,
            coaching_hourly_rate,
            targets: raw.targets,
            envelopes: checked_envelopes,
            categories,
        })
    }

    pub fn envelope(&self, code: &str) -> Option<&Envelope> {
        self.envelopes.iter().find(|e| e.code == code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = include_str!("../../policies/dataide.toml");

    fn problems(src: &str) -> String {
        Program::parse("dataide.toml", src).unwrap_err().to_string()
    }

    #[test]
    fn the_shipped_program_is_dataide() {
        let p = Program::parse("dataide.toml", FILE).unwrap();
        assert_eq!(p.envelope("FQIS").unwrap().total, Money::parse("4000000").unwrap());
        assert_eq!(p.envelope("FDMT").unwrap().total, Money::parse("1450000").unwrap());
        let years: Vec<String> = p.fiscal_years.iter().map(ToString::to_string).collect();
        assert_eq!(years, ["2022-2023", "2023-2024", "2024-2025"]);
        assert_eq!(p.targets.bourses, 500);
        assert_eq!(p.targets.coaching_hours, 3000);
        assert_eq!(p.categories.len(), 3);
    }

    #[test]
    fn allocations_must_add_up_to_the_total() {
        let src = FILE.replace("amount = \"1500000.00\"", "amount = \"1500000.01\"");
        assert!(
            problems(&src).contains("envelope FQIS: the allocations add up to 4000000.01 but the total is 4000000.00")
        );
    }

    #[test]
    fn allocation_dates_must_be_the_programs_fiscal_years() {
        let src = FILE.replace(
            "{ fiscal_year = 2024-04-01, amount = \"500000.00\" }",
            "{ fiscal_year = 2024-05-01, amount = \"500000.00\" }",
        );
        assert!(
            problems(&src).contains("envelope FDMT: 2024-05-01 does not start a fiscal year"),
            "{}",
            problems(&src)
        );
        let src = FILE.replace(
            "{ fiscal_year = 2024-04-01, amount = \"500000.00\" }",
            "{ fiscal_year = 2025-04-01, amount = \"500000.00\" }",
        );
        assert!(
            problems(&src)
                .contains("fiscal year 2025-2026 is not one of the program's (2022-2023, 2023-2024, 2024-2025)")
        );
        let src = FILE.replace("first_fiscal_year = 2022-04-01", "first_fiscal_year = 2022-01-01");
        assert!(problems(&src).contains("program.first_fiscal_year: 2022-01-01 does not start a fiscal year"));
    }

    #[test]
    fn categories_must_name_defined_envelopes_and_cover_every_known_category() {
        let src = FILE.replace("envelopes = [\"FDMT\", \"FQIS\"]", "envelopes = [\"FDMT\", \"FQSI\"]");
        assert!(problems(&src).contains("category coaching: envelope FQSI is not defined"));
        let src = FILE.replace("code = \"software\"", "code = \"furniture\"");
        let p = problems(&src);
        assert!(p.contains("category 'furniture' is unknown") && p.contains("category software is missing"), "{p}");
    }

    #[test]
    fn bad_amounts_targets_and_syntax_are_named() {
        assert!(
            problems(&FILE.replace("\"95.00\"", "\"95.001\""))
                .contains("program.coaching_hourly_rate '95.001': at most two decimals")
        );
        assert!(
            problems(&FILE.replace("bourses = 500", "bourses = 0")).contains("targets.bourses must be more than zero")
        );
        assert!(problems(&FILE.replace("bourses = 500", "bourses = 500\nwishes = 3")).contains("wishes"));
        assert!(problems(&FILE.replace("[targets]", "[targets")).contains("line"));
    }
}
