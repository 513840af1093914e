//! Exact amounts. Money is a `Decimal` with at most two decimals in code and integer cents in storage;
//! hours likewise are exact to the hundredth. No float ever touches either (DESIGN.md, decision 2).

use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("not a number: write it like 1234.56")]
    NotANumber,
    #[error("at most two decimals (to the cent)")]
    TooPrecise,
    #[error("must not be negative")]
    Negative,
    #[error("too large")]
    TooLarge,
}

/// The largest amount octroi accepts anywhere: far above the program's 5,4 M$, far below i64 cents.
const MAX_CENTS: i64 = 1_000_000_000_000;

fn parse_hundredths(input: &str) -> Result<i64, MoneyError> {
    let s = input.trim().replace([' ', '\u{a0}', '\u{202f}'], "").replace(',', ".");
    if s.is_empty() || s.starts_with('+') || s.contains(['e', 'E']) {
        return Err(MoneyError::NotANumber);
    }
    let d = Decimal::from_str(&s).map_err(|_| MoneyError::NotANumber)?;
    if d.is_sign_negative() && !d.is_zero() {
        return Err(MoneyError::Negative);
    }
    if d.normalize().scale() > 2 {
        return Err(MoneyError::TooPrecise);
    }
    let hundredths = d * Decimal::ONE_HUNDRED;
    let n = i64::try_from(hundredths.trunc()).map_err(|_| MoneyError::TooLarge)?;
    if n > MAX_CENTS {
        return Err(MoneyError::TooLarge);
    }
    Ok(n)
}

/// A non-negative amount of Canadian dollars, exact to the cent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, Hash)]
pub struct Money(Decimal);

impl Money {
    pub const ZERO: Money = Money(Decimal::ZERO);

    /// Parses what a person or a client typed: `1234.56`, `1 234,56`. Refuses more than two decimals
    /// rather than rounding silently.
    pub fn parse(input: &str) -> Result<Self, MoneyError> {
        parse_hundredths(input).map(Money::from_cents)
    }

    pub fn from_cents(cents: i64) -> Self {
        Money(Decimal::new(cents, 2))
    }

    /// Exact: a `Money` never holds more than two decimals.
    pub fn cents(&self) -> i64 {
        i64::try_from(self.0 * Decimal::ONE_HUNDRED).expect("money within i64 cents")
    }

    pub fn amount(&self) -> Decimal {
        self.0
    }

    pub fn checked_add(self, other: Money) -> Option<Money> {
        self.cents().checked_add(other.cents()).map(Money::from_cents)
    }
}

/// Why an amount cannot be split.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AllocationError {
    #[error("no part to split into")]
    NoParts,
    #[error("a part's weight is negative")]
    NegativeWeight,
    #[error("the weights add up to zero")]
    ZeroWeights,
}

/// Splits `total` across parts in proportion to `weights`, to the cent, without creating or losing one:
/// each part first gets its exact share rounded down to the cent, then the cents left over go one by one
/// to the parts with the largest fractions left (the earlier part first among equals). The result adds
/// up to `total` exactly and every part is within one cent of its exact share.
pub fn allocate(total: Money, weights: &[Decimal]) -> Result<Vec<Money>, AllocationError> {
    if weights.is_empty() {
        return Err(AllocationError::NoParts);
    }
    if weights.iter().any(|w| w.is_sign_negative() && !w.is_zero()) {
        return Err(AllocationError::NegativeWeight);
    }
    let sum: Decimal = weights.iter().sum();
    if sum.is_zero() {
        return Err(AllocationError::ZeroWeights);
    }
    let cents = Decimal::from(total.cents());
    let exact: Vec<Decimal> = weights.iter().map(|w| cents * w / sum).collect();
    let mut parts: Vec<i64> = exact.iter().map(|e| i64::try_from(e.floor()).expect("within the total")).collect();
    let left = total.cents() - parts.iter().sum::<i64>();
    let mut by_fraction: Vec<usize> = (0..parts.len()).collect();
    // Stable: among equal fractions, the earlier part keeps its place.
    by_fraction.sort_by(|&a, &b| (exact[b] - exact[b].floor()).cmp(&(exact[a] - exact[a].floor())));
    for &i in by_fraction.iter().take(usize::try_from(left).expect("fewer cents left than parts")) {
        parts[i] += 1;
    }
    Ok(parts.into_iter().map(Money::from_cents).collect())
}

impl fmt::Display for Money {
    /// The canonical machine form, `1234.56`; people see the localized form from the web layer.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:.2}", self.0)
    }
}

/// A non-negative number of hours, exact to the hundredth (`6.5`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, Hash)]
pub struct Hours(Decimal);

impl Hours {
    pub fn parse(input: &str) -> Result<Self, MoneyError> {
        parse_hundredths(input).map(Hours::from_hundredths)
    }

    pub fn from_hundredths(h: i64) -> Self {
        Hours(Decimal::new(h, 2))
    }

    pub fn hundredths(&self) -> i64 {
        i64::try_from(self.0 * Decimal::ONE_HUNDRED).expect("hours within i64 hundredths")
    }

    pub fn amount(&self) -> Decimal {
        self.0
    }
}

impl fmt::Display for Hours {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0.normalize())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn parses_the_forms_people_type() {
        assert_eq!(Money::parse("1234.56").unwrap().cents(), 123_456);
        assert_eq!(Money::parse("1 234,56").unwrap().cents(), 123_456);
        assert_eq!(Money::parse("1\u{a0}234,5").unwrap().cents(), 123_450);
        assert_eq!(Money::parse("0").unwrap(), Money::ZERO);
        assert_eq!(Money::parse("4000000.00").unwrap().cents(), 400_000_000);
        assert_eq!(Money::parse("7.10").unwrap().to_string(), "7.10");
    }

    #[test]
    fn refuses_rather_than_rounds() {
        assert_eq!(Money::parse("1.005"), Err(MoneyError::TooPrecise));
        assert_eq!(Money::parse("-1"), Err(MoneyError::Negative));
        assert_eq!(Money::parse("abc"), Err(MoneyError::NotANumber));
        assert_eq!(Money::parse(""), Err(MoneyError::NotANumber));
        assert_eq!(Money::parse("1e3"), Err(MoneyError::NotANumber));
        assert_eq!(Money::parse("1.2.3"), Err(MoneyError::NotANumber));
        assert_eq!(Money::parse("99999999999999"), Err(MoneyError::TooLarge));
        // Trailing zeros beyond the cent are not extra precision.
        assert_eq!(Money::parse("1.500").unwrap().cents(), 150);
    }

    #[test]
    fn hours_to_the_hundredth() {
        assert_eq!(Hours::parse("6,5").unwrap().hundredths(), 650);
        assert_eq!(Hours::parse("6.5").unwrap().to_string(), "6.5");
        assert_eq!(Hours::parse("0.125"), Err(MoneyError::TooPrecise));
    }

    #[test]
    fn allocation_creates_and_loses_no_cent() {
        let d = |n: i64| Decimal::from(n);
        let thirds = allocate(Money::parse("100.00").unwrap(), &[d(1), d(1), d(1)]).unwrap();
        assert_eq!(thirds.iter().map(Money::cents).collect::<Vec<_>>(), [3334, 3333, 3333], "the earlier part first");
        let split = allocate(Money::parse("0.05").unwrap(), &[d(4_000_000), d(1_450_000)]).unwrap();
        assert_eq!(split.iter().map(Money::cents).collect::<Vec<_>>(), [4, 1]);
        let zero = allocate(Money::parse("10").unwrap(), &[d(0), d(3)]).unwrap();
        assert_eq!(zero.iter().map(Money::cents).collect::<Vec<_>>(), [0, 1000]);
        assert_eq!(allocate(Money::ZERO, &[]), Err(AllocationError::NoParts));
        assert_eq!(allocate(Money::ZERO, &[d(0)]), Err(AllocationError::ZeroWeights));
        assert_eq!(allocate(Money::ZERO, &[d(-1), d(2)]), Err(AllocationError::NegativeWeight));
    }

    proptest! {
        /// The parts add up to the total exactly, each within a cent of its exact share.
        #[test]
        fn allocation_adds_up_exactly(
            cents in 0i64..1_000_000_000,
            weights in proptest::collection::vec(0u32..1_000_000, 1..8),
        ) {
            prop_assume!(weights.iter().any(|w| *w > 0));
            let weights: Vec<Decimal> = weights.into_iter().map(Decimal::from).collect();
            let parts = allocate(Money::from_cents(cents), &weights).unwrap();
            prop_assert_eq!(parts.iter().map(Money::cents).sum::<i64>(), cents);
            let sum: Decimal = weights.iter().sum();
            for (part, w) in parts.iter().zip(&weights) {
                let exact = Decimal::from(cents) * w / sum;
                prop_assert!((Decimal::from(part.cents()) - exact).abs() < Decimal::ONE);
            }
        }

        #[test]
        fn cents_round_trip_through_text(cents in 0i64..MAX_CENTS) {
            let m = Money::from_cents(cents);
            prop_assert_eq!(Money::parse(&m.to_string()).unwrap().cents(), cents);
        }
    }
}
