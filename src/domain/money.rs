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
    /// A separator that could mean thousands or decimals here (`1,234` on a French page, `1,23` on an
    /// English one): refused rather than guessed.
    #[error("ambiguous separator: write it like {0}")]
    Ambiguous(&'static str),
}

/// How a number is written: the API's machine form, or a person's on a page of one language
/// (DESIGN.md, decision 13).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum NumberStyle {
    /// `1234.56` only: no grouping, a point for decimals.
    #[default]
    Machine,
    /// `1 234,56` (space, no-break or narrow no-break space for thousands, comma for decimals; a point is
    /// read as the decimal mark only where it cannot be a thousands separator, as in `12.50`).
    French,
    /// `1,234.56` (comma or space for thousands, point for decimals).
    English,
}

impl NumberStyle {
    /// The form a refusal shows.
    pub fn example(self) -> &'static str {
        match self {
            NumberStyle::Machine => "1234.56",
            NumberStyle::French => "1 234,56",
            NumberStyle::English => "1,234.56",
        }
    }
}

impl From<super::Language> for NumberStyle {
    fn from(lang: super::Language) -> Self {
        match lang {
            super::Language::Fr => NumberStyle::French,
            super::Language::En => NumberStyle::English,
        }
    }
}

/// The largest amount octroi accepts anywhere: far above the program's 5,4 M$, far below i64 cents.
const MAX_CENTS: i64 = 1_000_000_000_000;

const SPACES: [char; 3] = [' ', '\u{a0}', '\u{202f}'];

/// Groups the digits of a whole number by three with `sep`: amounts, and counts (`i18n::count`).
pub fn group(digits: &str, sep: char) -> String {
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(sep);
        }
        out.push(c);
    }
    out
}

/// `hundredths` written in `style`, with `min_decimals` decimals at least (2 for money, 0 for hours).
fn write_hundredths(hundredths: i64, style: NumberStyle, min_decimals: usize) -> String {
    let units = (hundredths / 100).to_string();
    let mut fraction = format!("{:02}", hundredths % 100);
    while fraction.len() > min_decimals && fraction.ends_with('0') {
        fraction.pop();
    }
    let (whole, mark) = match style {
        NumberStyle::Machine => (units, '.'),
        NumberStyle::French => (group(&units, '\u{a0}'), ','),
        NumberStyle::English => (group(&units, ','), '.'),
    };
    if fraction.is_empty() { whole } else { format!("{whole}{mark}{fraction}") }
}

/// Whether `whole` is grouped by thousands with separators from `seps`: 1 to 3 digits, then groups of 3.
fn well_grouped(whole: &str, seps: &[char]) -> bool {
    let groups: Vec<&str> = whole.split(|c| seps.contains(&c)).collect();
    groups.len() > 1
        && (1..=3).contains(&groups[0].len())
        && groups[1..].iter().all(|g| g.len() == 3)
        && groups.iter().all(|g| g.bytes().all(|b| b.is_ascii_digit()))
}

/// The number as `digits[.digits]`, the separators of `style` understood, or why not.
fn canonical(input: &str, style: NumberStyle, unit: char) -> Result<String, MoneyError> {
    let mut s = input.trim();
    if style != NumberStyle::Machine {
        // What octroi displays parses back: `1 234,56 $`, `$1,234.56`, `6,5 h`.
        s = s.strip_suffix(unit).or_else(|| s.strip_prefix(unit)).unwrap_or(s).trim_matches(&SPACES[..]);
    }
    let negative = s.starts_with('-');
    let body = s.strip_prefix('-').unwrap_or(s);
    if body.is_empty() || !body.starts_with(|c: char| c.is_ascii_digit() || c == '.' || c == ',') {
        return Err(MoneyError::NotANumber);
    }
    let ambiguous = Err(MoneyError::Ambiguous(style.example()));
    let (whole, fraction) = match style {
        NumberStyle::Machine => match body.split_once('.') {
            Some((w, f)) => (w.to_string(), Some(f)),
            None => (body.to_string(), None),
        },
        NumberStyle::French => {
            let (w, f) = match (body.matches(',').count(), body.matches('.').count()) {
                (0, 0) => (body, None),
                (1, 0) => {
                    let (w, f) = body.split_once(',').expect("one comma");
                    // `1,234` may be an English thousand.
                    if f.len() == 3 && !w.contains(&SPACES[..]) {
                        return ambiguous;
                    }
                    (w, Some(f))
                }
                (0, 1) => {
                    let (w, f) = body.split_once('.').expect("one point");
                    // A point is a decimal mark only where it cannot group thousands (`12.50`).
                    if f.len() == 3 {
                        return ambiguous;
                    }
                    (w, Some(f))
                }
                _ => return ambiguous,
            };
            (grouped(w, &SPACES, style)?, f)
        }
        NumberStyle::English => {
            if body.matches('.').count() > 1 {
                return Err(MoneyError::NotANumber);
            }
            let (w, f) = match body.split_once('.') {
                Some((w, f)) => (w, Some(f)),
                None => (body, None),
            };
            if f.is_some_and(|f| f.contains(',')) {
                return ambiguous;
            }
            // `1,23` or `12,50` (a French decimal comma, or a slip) are badly grouped: never guessed.
            (grouped(w, &[',', ' ', '\u{a0}', '\u{202f}'], style)?, f)
        }
    };
    if whole.is_empty() && fraction.is_none_or(str::is_empty) {
        return Err(MoneyError::NotANumber);
    }
    let digits = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
    if !digits(&whole) || !fraction.is_none_or(digits) {
        return Err(MoneyError::NotANumber);
    }
    let sign = if negative { "-" } else { "" };
    let whole = if whole.is_empty() { "0" } else { &whole };
    Ok(match fraction {
        Some(f) if !f.is_empty() => format!("{sign}{whole}.{f}"),
        _ => format!("{sign}{whole}"),
    })
}

/// The whole part without its thousands separators, which must group by three where present.
fn grouped(whole: &str, seps: &[char], style: NumberStyle) -> Result<String, MoneyError> {
    if !whole.contains(seps) {
        return Ok(whole.to_string());
    }
    if !well_grouped(whole, seps) {
        return Err(MoneyError::Ambiguous(style.example()));
    }
    Ok(whole.chars().filter(|c| !seps.contains(c)).collect())
}

fn parse_hundredths(input: &str, style: NumberStyle, unit: char) -> Result<i64, MoneyError> {
    let s = canonical(input, style, unit)?;
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

    /// Parses the machine form `1234.56` (the API, files, settings). Refuses more than two decimals
    /// rather than rounding silently.
    pub fn parse(input: &str) -> Result<Self, MoneyError> {
        Money::parse_as(input, NumberStyle::Machine)
    }

    /// Parses an amount as written in `style` (a page reads what people type in its language).
    pub fn parse_as(input: &str, style: NumberStyle) -> Result<Self, MoneyError> {
        parse_hundredths(input, style, '$').map(Money::from_cents)
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

    /// The amount as a person of `style` writes it, without the symbol: `1 234,56`, `1,234.56`; what
    /// a form shows again, and what [`Money::parse_as`] reads back.
    pub fn written(&self, style: NumberStyle) -> String {
        write_hundredths(self.cents(), style, 2)
    }

    pub fn checked_add(self, other: Money) -> Option<Money> {
        self.cents().checked_add(other.cents()).map(Money::from_cents)
    }
}

impl std::ops::Add for Money {
    type Output = Money;
    fn add(self, other: Money) -> Money {
        Money(self.0 + other.0)
    }
}

impl std::ops::Sub for Money {
    type Output = Money;
    fn sub(self, other: Money) -> Money {
        Money(self.0 - other.0)
    }
}

impl std::iter::Sum for Money {
    fn sum<I: Iterator<Item = Money>>(iter: I) -> Money {
        iter.fold(Money::ZERO, |a, b| a + b)
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
    /// The machine form `6.5`.
    pub fn parse(input: &str) -> Result<Self, MoneyError> {
        Hours::parse_as(input, NumberStyle::Machine)
    }

    /// Hours as written in `style` (`6,5` on a French page, `6.5 h`).
    pub fn parse_as(input: &str, style: NumberStyle) -> Result<Self, MoneyError> {
        parse_hundredths(input, style, 'h').map(Hours::from_hundredths)
    }

    pub fn from_hundredths(h: i64) -> Self {
        Hours(Decimal::new(h, 2))
    }

    pub fn hundredths(&self) -> i64 {
        i64::try_from(self.0 * Decimal::ONE_HUNDRED).expect("hours within i64 hundredths")
    }

    /// `6,5` in French, `6.5` in English, `1 000` hours grouped like money.
    pub fn written(&self, style: NumberStyle) -> String {
        write_hundredths(self.hundredths(), style, 0)
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
    fn the_machine_form_only_in_the_api() {
        assert_eq!(Money::parse("1234.56").unwrap().cents(), 123_456);
        assert_eq!(Money::parse("0").unwrap(), Money::ZERO);
        assert_eq!(Money::parse("4000000.00").unwrap().cents(), 400_000_000);
        assert_eq!(Money::parse("7.10").unwrap().to_string(), "7.10");
        for typed in ["1 234,56", "1,234.56", "12,500", "$12", "12,5"] {
            assert_eq!(Money::parse(typed), Err(MoneyError::NotANumber), "{typed}");
        }
    }

    #[test]
    fn each_page_reads_its_language() {
        let fr = |s: &str| Money::parse_as(s, NumberStyle::French).map(|m| m.cents());
        let en = |s: &str| Money::parse_as(s, NumberStyle::English).map(|m| m.cents());
        let fr_form = Err(MoneyError::Ambiguous("1 234,56"));
        let en_form = Err(MoneyError::Ambiguous("1,234.56"));
        assert_eq!(fr("1 234,56"), Ok(123_456));
        assert_eq!(fr("1\u{a0}234,5"), Ok(123_450));
        assert_eq!(fr("1\u{202f}099,99\u{a0}$"), Ok(109_999));
        assert_eq!(fr("12.50"), Ok(1_250), "a point that cannot group thousands");
        assert_eq!(fr("1099.9"), Ok(109_990));
        assert_eq!(fr("2000"), Ok(200_000));
        assert_eq!(fr(",5"), Ok(50));
        assert_eq!(fr("1.234"), fr_form);
        assert_eq!(fr("1,234"), fr_form, "an English thousand?");
        assert_eq!(fr("1.234.567"), fr_form);
        assert_eq!(fr("1 23,00"), fr_form, "badly grouped");
        assert_eq!(fr("1,2,3"), fr_form);
        assert_eq!(fr("1,234.56"), fr_form);
        assert_eq!(fr("1,005"), fr_form);
        assert_eq!(fr("1 234,567"), Err(MoneyError::TooPrecise));
        assert_eq!(en("12,500"), Ok(1_250_000));
        assert_eq!(en("2,000"), Ok(200_000));
        assert_eq!(en("1,299.99"), Ok(129_999));
        assert_eq!(en("$1,299.99"), Ok(129_999));
        assert_eq!(en("1,234,567.89"), Ok(123_456_789));
        assert_eq!(en("1 234.56"), Ok(123_456));
        assert_eq!(en("12.5"), Ok(1_250));
        assert_eq!(en("1,23"), en_form, "a French decimal comma?");
        assert_eq!(en("12,50"), en_form);
        assert_eq!(en("1234,56"), en_form);
        assert_eq!(en("1,2345.00"), en_form);
        assert_eq!(en("1.234"), Err(MoneyError::TooPrecise), "a point is always the decimal mark in English");
        assert_eq!(en("1.2.3"), Err(MoneyError::NotANumber));
        for style in [NumberStyle::French, NumberStyle::English] {
            assert_eq!(Money::parse_as("-5", style), Err(MoneyError::Negative));
            assert_eq!(Money::parse_as("abc", style), Err(MoneyError::NotANumber));
            assert_eq!(Money::parse_as("$", style), Err(MoneyError::NotANumber));
            assert_eq!(Money::parse_as("", style), Err(MoneyError::NotANumber));
        }
        assert_eq!(Hours::parse_as("6,5 h", NumberStyle::French).unwrap().hundredths(), 650);
        assert_eq!(Hours::parse_as("6.5", NumberStyle::French).unwrap().hundredths(), 650);
        assert_eq!(Hours::parse_as("1,5", NumberStyle::English), Err(MoneyError::Ambiguous("1,234.56")));
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
    fn written_as_people_of_each_language_write() {
        let m = Money::from_cents(123_456_789);
        assert_eq!(m.written(NumberStyle::Machine), "1234567.89");
        assert_eq!(m.written(NumberStyle::French), "1\u{a0}234\u{a0}567,89");
        assert_eq!(m.written(NumberStyle::English), "1,234,567.89");
        assert_eq!(Money::from_cents(5).written(NumberStyle::English), "0.05");
        assert_eq!(Hours::from_hundredths(650).written(NumberStyle::French), "6,5");
        assert_eq!(Hours::from_hundredths(600).written(NumberStyle::English), "6");
    }

    #[test]
    fn hours_to_the_hundredth() {
        assert_eq!(Hours::parse("6.5").unwrap().hundredths(), 650);
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

        /// What a page writes, a page of the same language reads back as the same amount.
        #[test]
        fn every_written_amount_reads_back_in_its_style(cents in 0i64..MAX_CENTS) {
            for style in [NumberStyle::Machine, NumberStyle::French, NumberStyle::English] {
                let m = Money::from_cents(cents);
                prop_assert_eq!(Money::parse_as(&m.written(style), style), Ok(m), "{:?}", style);
                let h = Hours::from_hundredths(cents);
                prop_assert_eq!(Hours::parse_as(&h.written(style), style), Ok(h), "{:?}", style);
            }
        }
    }
}
