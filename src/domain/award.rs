//! What an award commits (issue 5): the amounts per category, coaching hours at the program's hourly
//! rate, split across the envelopes that pay each category in the program's order of priority
//! (`policies/dataide.toml`: the FDMT pays coaching first, the FQIS the rest), within what each envelope
//! still has for the fiscal year. Pure: storage gives it the room left, inside the writing transaction.

use std::collections::BTreeMap;

use super::tax::round_to_cent;
use super::{GrantId, Hours, Money, UserId};

/// The amounts a program officer awards.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AwardAmounts {
    pub equipment: Money,
    pub software: Money,
    pub coaching_hours: Hours,
}

impl AwardAmounts {
    /// The coaching's cost: hours × the hourly rate, rounded half up to the cent (the one rounding).
    pub fn coaching(&self, hourly_rate: Money) -> Money {
        round_to_cent(self.coaching_hours.amount() * hourly_rate.amount())
    }

    /// Per category code, the amount to commit (zero amounts left out).
    pub fn by_category(&self, hourly_rate: Money) -> Vec<(&'static str, Money)> {
        [("equipment", self.equipment), ("software", self.software), ("coaching", self.coaching(hourly_rate))]
            .into_iter()
            .filter(|(_, m)| m.cents() > 0)
            .collect()
    }

    pub fn total(&self, hourly_rate: Money) -> Money {
        Money::from_cents(self.by_category(hourly_rate).iter().map(|(_, m)| m.cents()).sum())
    }
}

/// One commitment of an award: this much of this category from this envelope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    pub envelope: String,
    pub category: String,
    pub amount: Money,
}

/// What an award's preview showed, as one fingerprint: the grant, the amounts, the fiscal year and the
/// split across envelopes. A confirmation carries it back and commits only if the award it would make
/// has the same one (DESIGN.md, decision 13: what a person previewed is what is committed).
pub fn preview_id(grant_id: GrantId, amounts: &AwardAmounts, fiscal_year: &str, parts: &[Part]) -> String {
    let mut canonical = format!(
        "{grant_id}|{}|{}|{}|{fiscal_year}",
        amounts.equipment.cents(),
        amounts.software.cents(),
        amounts.coaching_hours.hundredths()
    );
    for p in parts {
        canonical.push_str(&format!("|{}:{}:{}", p.envelope, p.category, p.amount.cents()));
    }
    super::sha256_hex(canonical)
}

/// The fingerprint of an award request under an Idempotency-Key, the same from the page and the API:
/// who asks, the grant at which version, every amount (coaching hours included), the fiscal year and
/// the preview confirmed. A key comes back with the same fingerprint or is refused.
pub fn request_hash(
    user_id: UserId,
    grant_id: GrantId,
    version: i64,
    amounts: &AwardAmounts,
    fiscal_year: &str,
    previewed: &str,
) -> String {
    super::sha256_hex(format!(
        "award|{user_id}|{grant_id}|{version}|{}|{}|{}|{fiscal_year}|{previewed}",
        amounts.equipment.cents(),
        amounts.software.cents(),
        amounts.coaching_hours.hundredths()
    ))
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AwardError {
    #[error("nothing to award")]
    Nothing,
    #[error("the award ({total}) is above the per-bourse cap ({cap})")]
    AboveCap { total: Money, cap: Money },
    #[error("category {0} has no envelope to pay it")]
    NoEnvelope(String),
    #[error("envelope {envelope} lacks {missing} (first short for {category})")]
    Insufficient { category: String, envelope: String, available: Money, missing: Money },
}

/// Splits the award across envelopes: each category takes from its envelopes in order, as much as each
/// still has (after the categories before it), so that no cent is created or lost. `payers` gives each
/// category's envelopes by priority; `room` what each envelope has left for the fiscal year.
pub fn plan(
    amounts: &AwardAmounts,
    hourly_rate: Money,
    cap: Money,
    payers: &BTreeMap<String, Vec<String>>,
    room: &BTreeMap<String, i64>,
) -> Result<Vec<Part>, AwardError> {
    let by_category = amounts.by_category(hourly_rate);
    if by_category.is_empty() {
        return Err(AwardError::Nothing);
    }
    let total = amounts.total(hourly_rate);
    if total > cap {
        return Err(AwardError::AboveCap { total, cap });
    }
    let mut left = room.clone();
    let mut parts = Vec::new();
    // What each envelope lacks, over every category (the refusal says the whole of it).
    let mut short: Vec<(String, String, i64)> = Vec::new();
    for (category, amount) in by_category {
        let envelopes =
            payers.get(category).filter(|e| !e.is_empty()).ok_or(AwardError::NoEnvelope(category.into()))?;
        let mut due = amount.cents();
        for envelope in envelopes {
            let available = left.entry(envelope.clone()).or_insert(0);
            let take = due.min((*available).max(0));
            if take > 0 {
                parts.push(Part {
                    envelope: envelope.clone(),
                    category: category.into(),
                    amount: Money::from_cents(take),
                });
                *available -= take;
                due -= take;
            }
            if due == 0 {
                break;
            }
        }
        if due > 0 {
            let last = envelopes.last().expect("at least one envelope").clone();
            match short.iter_mut().find(|(e, _, _)| *e == last) {
                Some((_, _, missing)) => *missing += due,
                None => short.push((last, category.to_string(), due)),
            }
        }
    }
    match short.into_iter().next() {
        None => Ok(parts),
        Some((envelope, category, missing)) => Err(AwardError::Insufficient {
            available: Money::from_cents(room.get(&envelope).copied().unwrap_or(0).max(0)),
            category,
            envelope,
            missing: Money::from_cents(missing),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn m(s: &str) -> Money {
        Money::parse(s).unwrap()
    }

    fn payers() -> BTreeMap<String, Vec<String>> {
        BTreeMap::from([
            ("equipment".into(), vec!["FQIS".into()]),
            ("software".into(), vec!["FQIS".into()]),
            ("coaching".into(), vec!["FDMT".into(), "FQIS".into()]),
        ])
    }

    fn room(fqis: i64, fdmt: i64) -> BTreeMap<String, i64> {
        BTreeMap::from([("FQIS".into(), fqis), ("FDMT".into(), fdmt)])
    }

    #[test]
    fn coaching_goes_to_the_fdmt_first_then_the_fqis() {
        let a =
            AwardAmounts { equipment: m("3600"), software: m("480.50"), coaching_hours: Hours::parse("6.5").unwrap() };
        assert_eq!(a.coaching(m("95")), m("617.50"));
        let parts = plan(&a, m("95"), m("10000"), &payers(), &room(1_000_000, 50_000)).unwrap();
        let got: Vec<(&str, &str, i64)> =
            parts.iter().map(|p| (p.envelope.as_str(), p.category.as_str(), p.amount.cents())).collect();
        assert_eq!(
            got,
            [
                ("FQIS", "equipment", 360_000),
                ("FQIS", "software", 48_050),
                ("FDMT", "coaching", 50_000),
                ("FQIS", "coaching", 11_750)
            ]
        );
        assert_eq!(parts.iter().map(|p| p.amount.cents()).sum::<i64>(), a.total(m("95")).cents());
    }

    #[test]
    fn refusals_say_what_is_wrong() {
        let none = AwardAmounts { equipment: Money::ZERO, software: Money::ZERO, coaching_hours: Hours::default() };
        assert_eq!(plan(&none, m("95"), m("10000"), &payers(), &room(1, 1)), Err(AwardError::Nothing));
        let big =
            AwardAmounts { equipment: m("9900"), software: Money::ZERO, coaching_hours: Hours::parse("2").unwrap() };
        assert_eq!(
            plan(&big, m("95"), m("10000"), &payers(), &room(1, 1)),
            Err(AwardError::AboveCap { total: m("10090"), cap: m("10000") })
        );
        let a = AwardAmounts { equipment: m("1000"), software: Money::ZERO, coaching_hours: Hours::default() };
        assert_eq!(
            plan(&a, m("95"), m("10000"), &payers(), &room(40_000, 0)),
            Err(AwardError::Insufficient {
                category: "equipment".into(),
                envelope: "FQIS".into(),
                available: m("400"),
                missing: m("600")
            })
        );
        let odd = AwardAmounts {
            equipment: Money::ZERO,
            software: Money::ZERO,
            coaching_hours: Hours::parse("0.01").unwrap(),
        };
        assert_eq!(odd.coaching(m("95.50")), m("0.96"), "0,955 $ rounds half up");
    }

    proptest! {
        /// The parts add up to the award exactly, and no envelope gives more than it has.
        #[test]
        fn no_cent_is_created_or_lost(
            equipment in 0i64..500_000, software in 0i64..200_000, hours in 0i64..2_000,
            fqis in 0i64..2_000_000, fdmt in 0i64..200_000,
        ) {
            let a = AwardAmounts { equipment: Money::from_cents(equipment), software: Money::from_cents(software), coaching_hours: Hours::from_hundredths(hours) };
            let room = room(fqis, fdmt);
            match plan(&a, m("95"), m("10000"), &payers(), &room) {
                Ok(parts) => {
                    prop_assert_eq!(parts.iter().map(|p| p.amount.cents()).sum::<i64>(), a.total(m("95")).cents());
                    for (envelope, has) in &room {
                        let taken: i64 = parts.iter().filter(|p| &p.envelope == envelope).map(|p| p.amount.cents()).sum();
                        prop_assert!(taken <= *has);
                    }
                }
                Err(AwardError::Insufficient { missing, .. }) => prop_assert!(missing.cents() > 0),
                Err(_) => {}
            }
        }
    }
}
