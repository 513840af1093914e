//! The Québec government's fiscal year, April 1 to March 31 (DOMAIN.md, Fiscal years).

use std::fmt;

use chrono::{Datelike, NaiveDate};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FiscalYear {
    /// The calendar year in which it starts: 2022 is 2022-04-01 to 2023-03-31.
    start_year: i32,
}

impl FiscalYear {
    pub fn starting(start_year: i32) -> Self {
        FiscalYear { start_year }
    }

    /// The fiscal year a date belongs to.
    pub fn of(date: NaiveDate) -> Self {
        let start_year = if date.month() >= 4 { date.year() } else { date.year() - 1 };
        FiscalYear { start_year }
    }

    /// Only April 1 starts a fiscal year.
    pub fn from_start(date: NaiveDate) -> Option<Self> {
        (date.month() == 4 && date.day() == 1).then_some(FiscalYear { start_year: date.year() })
    }

    pub fn start(&self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.start_year, 4, 1).expect("April 1 exists")
    }

    pub fn end(&self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.start_year + 1, 3, 31).expect("March 31 exists")
    }

    pub fn next(&self) -> Self {
        FiscalYear { start_year: self.start_year + 1 }
    }
}

impl fmt::Display for FiscalYear {
    /// `2022-2023`, as the government writes it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.start_year, self.start_year + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn april_first_to_march_thirty_first() {
        assert_eq!(FiscalYear::of(d("2022-04-01")).to_string(), "2022-2023");
        assert_eq!(FiscalYear::of(d("2023-03-31")).to_string(), "2022-2023");
        assert_eq!(FiscalYear::of(d("2023-04-01")).to_string(), "2023-2024");
        assert_eq!(FiscalYear::starting(2024).end(), d("2025-03-31"));
        assert_eq!(FiscalYear::from_start(d("2022-04-01")), Some(FiscalYear::starting(2022)));
        assert_eq!(FiscalYear::from_start(d("2022-01-01")), None);
    }
}
