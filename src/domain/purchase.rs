//! A purchase paid by a bourse (issue 13): its vendor and lines, what it costs the bourse with Québec
//! taxes, whether a bourse has room for it, and the invoice tolerance. Pure: storage gathers the figures
//! inside its transaction and asks these rules.

use rust_decimal::Decimal;

use super::Money;
use super::grant::{Line, LineCategory};
use super::money::allocate;
use super::tax::{BoursePays, Rebate, Taxes};
use super::workflow::Guard;

/// The most lines one purchase may list.
pub const MAX_LINES: usize = 30;

named_enum!(
    /// Whom the bourse pays (`policies/dataide.toml`, `[purchases] payment`).
    PaymentMode { Reimbursement = "reimbursement", Direct = "direct" }
);

/// Who sells: the name, and the registration numbers its invoice shows (DOMAIN.md: from a total of
/// 30 $, an invoice must show them).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Vendor {
    pub name: String,
    pub gst_number: String,
    pub qst_number: String,
}

/// A registration number in its official shape, spaces and case forgiven: `digits` digits, the two
/// letters, four digits (GST: `123456789 RT 0001`; QST: `1234567890 TQ 0001`). Written without spaces.
fn registration(typed: &str, digits: usize, letters: &str) -> Option<String> {
    let compact: String = typed.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_uppercase();
    let (head, tail) = (compact.get(..digits)?, compact.get(digits..)?);
    let ok = head.chars().all(|c| c.is_ascii_digit())
        && tail.len() == 6
        && tail.starts_with(letters)
        && tail[2..].chars().all(|c| c.is_ascii_digit());
    ok.then_some(compact)
}

/// A GST/HST registration number: the 9-digit business number, `RT`, 4 digits.
pub fn gst_number(typed: &str) -> Option<String> {
    registration(typed, 9, "RT")
}

/// A QST registration number: 10 digits, `TQ`, 4 digits (DOMAIN.md).
pub fn qst_number(typed: &str) -> Option<String> {
    registration(typed, 10, "TQ")
}

/// What the organism asks to buy. A draft may be incomplete; `purchase_complete` guards submission.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Request {
    pub vendor: Vendor,
    pub justification: String,
    pub lines: Vec<Line>,
}

impl Request {
    /// The price before taxes: every line, exact.
    pub fn price(&self) -> Money {
        self.lines.iter().map(Line::total).sum()
    }

    /// What the lines cost the bourse, the way the program pays taxes.
    pub fn cost(&self, pays: BoursePays) -> Cost {
        Cost::of(&self.lines, pays)
    }

    /// The fields that must be filled before the request can be submitted, by their API names, given the
    /// quotes attached and how many the program asks for at this price.
    pub fn missing(&self, quotes: usize, quotes_needed: usize) -> Vec<&'static str> {
        let mut missing = Vec::new();
        if self.vendor.name.trim().is_empty() {
            missing.push("vendor_name");
        }
        if self.justification.trim().is_empty() {
            missing.push("justification");
        }
        if self.price() <= Money::ZERO {
            missing.push("lines");
        }
        if quotes < quotes_needed {
            missing.push("quotes");
        }
        missing
    }
}

/// What a purchase costs: its price, each tax on the total, the rebate, what the bourse pays, and that
/// split by category in proportion to each category's price (to the cent, nothing created or lost).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cost {
    pub taxes: Taxes,
    pub rebate: Rebate,
    pub pays: BoursePays,
    /// What the bourse pays, by category (only the categories the lines name), in category order.
    pub by_category: Vec<(LineCategory, Money)>,
}

impl Cost {
    pub fn of(lines: &[Line], pays: BoursePays) -> Cost {
        let price: Money = lines.iter().map(Line::total).sum();
        let taxes = Taxes::on(price);
        let prices: Vec<(LineCategory, Money)> = LineCategory::ALL
            .iter()
            .map(|&c| (c, lines.iter().filter(|l| l.category == c).map(Line::total).sum::<Money>()))
            .filter(|(_, m)| *m > Money::ZERO)
            .collect();
        let to_bourse = taxes.eligible_cost(pays);
        let by_category = if prices.is_empty() {
            Vec::new()
        } else {
            let weights: Vec<Decimal> = prices.iter().map(|(_, m)| m.amount()).collect();
            let parts = allocate(to_bourse, &weights).expect("positive weights");
            prices.iter().map(|(c, _)| *c).zip(parts).collect()
        };
        Cost { taxes, rebate: taxes.rebate(), pays, by_category }
    }

    /// What the purchase costs the bourse, all categories.
    pub fn to_bourse(&self) -> Money {
        self.taxes.eligible_cost(self.pays)
    }

    /// What the bourse pays of one category.
    pub fn of_category(&self, category: LineCategory) -> Money {
        self.by_category.iter().find(|(c, _)| *c == category).map(|(_, m)| *m).unwrap_or(Money::ZERO)
    }
}

/// What a bourse holds in one category: what its commitments hold (awarded, less what was released),
/// what was spent, what approved purchases hold. Available = committed − spent − held.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Room {
    pub category: LineCategory,
    pub committed: Money,
    pub spent: Money,
    pub held: Money,
}

impl Room {
    pub fn available(&self) -> Money {
        Money::from_cents(self.committed.cents() - self.spent.cents() - self.held.cents())
    }
}

/// A category that lacks room for a request, with every figure the refusal shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shortfall {
    pub room: Room,
    pub requested: Money,
    pub missing: Money,
}

/// Whether the bourse has room for `asked` (by category), given `rooms` (which must not count the
/// purchase's own hold, when it is approved again): the categories that lack room, empty when it fits.
pub fn shortfalls(rooms: &[Room], asked: &[(LineCategory, Money)]) -> Vec<Shortfall> {
    asked
        .iter()
        .filter(|(_, amount)| *amount > Money::ZERO)
        .filter_map(|&(category, requested)| {
            let room = rooms.iter().copied().find(|r| r.category == category).unwrap_or(Room {
                category,
                committed: Money::ZERO,
                spent: Money::ZERO,
                held: Money::ZERO,
            });
            let missing = requested.cents() - room.available().cents().max(0);
            (missing > 0).then(|| Shortfall { room, requested, missing: Money::from_cents(missing) })
        })
        .collect()
}

/// How far an invoice may exceed what was approved without a new approval: a share of the approved cost
/// or an amount, whichever is less (`policies/dataide.toml`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tolerance {
    /// In percent: `5` is 5 %.
    pub percent: Decimal,
    pub max: Money,
}

impl Tolerance {
    /// The most an invoice may cost above `approved`, to the cent (the share rounded down: never more
    /// than the program allows).
    pub fn margin(&self, approved: Money) -> Money {
        let share = (approved.amount() * self.percent / Decimal::ONE_HUNDRED)
            .round_dp_with_strategy(2, rust_decimal::RoundingStrategy::ToZero);
        let share = Money::from_cents(i64::try_from(share * Decimal::ONE_HUNDRED).expect("within i64 cents"));
        share.min(self.max)
    }

    pub fn allows(&self, approved: Money, invoiced: Money) -> bool {
        invoiced.cents() <= approved.cents() + self.margin(approved).cents()
    }
}

/// Everything a purchase guard may look at, gathered by storage inside the transaction (with what the
/// event brings: this receipt, this invoice).
pub struct GuardFacts {
    pub grant_active: bool,
    /// What [`Request::missing`] says.
    pub missing: Vec<&'static str>,
    pub invoice_recorded: bool,
    pub ordered: bool,
    pub fully_received: bool,
    /// The cost approved (held), and what the invoice costs the bourse, when there is one.
    pub approved: Money,
    pub invoiced: Option<Money>,
    pub tolerance: Tolerance,
    /// Credit notes of the purchase confirmed so far, and what the organism owes of them: to settle, and
    /// kept back by a payment run's line waiting on the bank.
    pub returns_confirmed: i64,
    pub owed: Money,
    pub owed_in_run: Money,
}

impl GuardFacts {
    pub fn holds(&self, guard: Guard) -> bool {
        let within = self.invoiced.is_some_and(|i| self.tolerance.allows(self.approved, i));
        match guard {
            Guard::GrantActive => self.grant_active,
            Guard::PurchaseComplete => self.missing.is_empty(),
            Guard::InvoiceRecorded => self.invoice_recorded,
            Guard::AlreadyOrdered => self.ordered,
            Guard::FullyReceived => self.fully_received,
            Guard::WithinTolerance => within,
            Guard::OverTolerance => self.invoiced.is_some() && !within,
            Guard::ReturnedBefore => self.returns_confirmed > 0,
            Guard::FirstReturn => self.returns_confirmed == 0,
            Guard::ReturnOwed => self.owed > Money::ZERO,
            Guard::NothingOwed => self.owed == Money::ZERO && self.owed_in_run == Money::ZERO,
            // A grant's guards; the loader keeps them out of the purchase workflow.
            _ => false,
        }
    }
}

/// Some units of one line received (`position` counts from 1), with one serial number per unit for
/// equipment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceiptLine {
    pub position: i64,
    pub quantity: i64,
    pub serials: Vec<String>,
}

/// Why a receipt's line is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReceiptProblem {
    /// No line at this position.
    UnknownLine,
    /// More than the line still expects (what it orders, less what came before).
    MoreThanOrdered { left: i64 },
    /// Equipment needs one serial number per unit received.
    Serials { expected: i64 },
    /// A serial number given twice in one receipt (compared as meant: `SN-01` is `sn 1`).
    DuplicateSerial { serial: String },
    /// Nothing received at all.
    Empty,
}

/// Checks a receipt against the lines ordered and what each already received (by position from 1):
/// each problem with its line's position, or whether every line is then received in full.
pub fn check_receipt(
    lines: &[Line],
    received: &[i64],
    receipt: &[ReceiptLine],
) -> Result<bool, Vec<(i64, ReceiptProblem)>> {
    let mut problems = Vec::new();
    let mut after: Vec<i64> = (0..lines.len()).map(|i| received.get(i).copied().unwrap_or(0)).collect();
    // Every serial number of the receipt, whichever line gives it.
    let mut seen = std::collections::BTreeSet::new();
    if receipt.iter().all(|r| r.quantity == 0) {
        problems.push((0, ReceiptProblem::Empty));
    }
    for r in receipt.iter().filter(|r| r.quantity != 0 || !r.serials.is_empty()) {
        let Some(line) = usize::try_from(r.position - 1).ok().and_then(|i| lines.get(i)) else {
            problems.push((r.position, ReceiptProblem::UnknownLine));
            continue;
        };
        let i = (r.position - 1) as usize;
        let left = line.quantity - after[i];
        if r.quantity < 0 || r.quantity > left {
            problems.push((r.position, ReceiptProblem::MoreThanOrdered { left }));
            continue;
        }
        let serials = r.serials.iter().filter(|s| !s.trim().is_empty()).count() as i64;
        if line.category == LineCategory::Equipment && serials != r.quantity {
            problems.push((r.position, ReceiptProblem::Serials { expected: r.quantity }));
            continue;
        }
        if let Some(twice) = r.serials.iter().find(|s| !s.trim().is_empty() && !seen.insert(super::text::key(s))) {
            problems.push((r.position, ReceiptProblem::DuplicateSerial { serial: twice.trim().to_string() }));
            continue;
        }
        after[i] += r.quantity;
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(lines.iter().zip(&after).all(|(l, got)| *got == l.quantity))
}

/// A commitment a payment may spend: its entry, envelope, fiscal year and what it has left.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Payable {
    pub commitment: super::EntryId,
    pub envelope: String,
    pub fiscal_year: String,
    pub left: Money,
}

/// How a payment of `amount` in one category is spread over the bourse's commitments of that category:
/// in the program's payer order (`payers`, envelope codes), then by fiscal year and entry, each
/// commitment up to what it has left. The parts, and what no commitment covers (zero when all is).
pub fn plan_spend(amount: Money, mut payable: Vec<Payable>, payers: &[String]) -> (Vec<(Payable, Money)>, Money) {
    let rank = |envelope: &str| payers.iter().position(|e| e == envelope).unwrap_or(payers.len());
    payable.sort_by(|a, b| {
        (rank(&a.envelope), &a.fiscal_year, a.commitment).cmp(&(rank(&b.envelope), &b.fiscal_year, b.commitment))
    });
    let mut left = amount.cents();
    let mut parts = Vec::new();
    for p in payable {
        let take = left.min(p.left.cents());
        if take > 0 {
            left -= take;
            parts.push((p, Money::from_cents(take)));
        }
    }
    (parts, Money::from_cents(left))
}

/// One line of the three-way match finance reads before verifying an invoice: what was approved, what
/// was received, what the vendor invoiced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MatchLine {
    pub category: LineCategory,
    pub description: String,
    pub ordered: i64,
    pub approved_unit: Money,
    pub received: i64,
    pub invoiced: i64,
    pub invoiced_unit: Money,
}

impl MatchLine {
    pub fn approved_total(&self) -> Money {
        Money::from_cents(self.approved_unit.cents() * self.ordered)
    }

    pub fn invoiced_total(&self) -> Money {
        Money::from_cents(self.invoiced_unit.cents() * self.invoiced)
    }

    /// The vendor invoices what was received, never more than was ordered.
    pub fn quantity_matches(&self) -> bool {
        self.invoiced == self.received && self.received <= self.ordered
    }

    /// The unit price invoiced is at most the one approved.
    pub fn price_matches(&self) -> bool {
        self.invoiced_unit <= self.approved_unit
    }

    pub fn matches(&self) -> bool {
        self.quantity_matches() && self.price_matches()
    }

    /// Invoiced less approved, before taxes (negative when the invoice asks less).
    pub fn difference(&self) -> Money {
        Money::from_cents(self.invoiced_total().cents() - self.approved_total().cents())
    }
}

/// The three-way match of a purchase's lines (approved), what each received (by position from 1) and
/// the invoice's lines (position, quantity, unit price); a line the invoice leaves out is invoiced 0.
pub fn three_way(lines: &[Line], received: &[i64], invoiced: &[(i64, i64, Money)]) -> Vec<MatchLine> {
    lines
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let position = i as i64 + 1;
            let (quantity, unit) =
                invoiced.iter().find(|(p, _, _)| *p == position).map_or((0, Money::ZERO), |(_, q, u)| (*q, *u));
            MatchLine {
                category: l.category,
                description: l.description.clone(),
                ordered: l.quantity,
                approved_unit: l.unit_price,
                received: received.get(i).copied().unwrap_or(0),
                invoiced: quantity,
                invoiced_unit: unit,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(s: &str) -> Money {
        Money::parse(s).unwrap()
    }

    fn line(category: LineCategory, quantity: i64, price: &str) -> Line {
        Line { category, description: "x".into(), quantity, unit_price: m(price) }
    }

    /// A payment spends the first payer's commitments before the next's, oldest year first, and says
    /// what none covers.
    #[test]
    fn a_payment_follows_the_payer_order() {
        let c = |id, envelope: &str, fy: &str, left: &str| Payable {
            commitment: crate::domain::EntryId(id),
            envelope: envelope.into(),
            fiscal_year: fy.into(),
            left: m(left),
        };
        let payers = ["FQIS".to_string(), "FDMT".to_string()];
        let payable = vec![c(3, "FDMT", "2026-2027", "500.00"), c(1, "FQIS", "2026-2027", "300.00")];
        let (parts, missing) = plan_spend(m("450.00"), payable.clone(), &payers);
        let got: Vec<_> = parts.iter().map(|(p, a)| (p.commitment.0, *a)).collect();
        assert_eq!(got, vec![(1, m("300.00")), (3, m("150.00"))]);
        assert_eq!(missing, Money::ZERO);
        let (parts, missing) = plan_spend(m("900.00"), payable, &payers);
        assert_eq!((parts.len(), missing), (2, m("100.00")));
    }

    /// Finance sees, line by line, what the invoice asks beyond what was approved and received.
    #[test]
    fn the_three_way_match_names_each_line_that_differs() {
        let lines = [line(LineCategory::Equipment, 2, "800.00"), line(LineCategory::Software, 1, "100.00")];
        let invoiced = [(1, 2, m("800.00")), (2, 1, m("104.50"))];
        let rows = three_way(&lines, &[2, 1], &invoiced);
        assert!(rows[0].matches());
        assert_eq!(rows[0].difference(), Money::ZERO);
        assert!(rows[1].quantity_matches() && !rows[1].price_matches());
        assert_eq!(rows[1].difference(), m("4.50"));
        // Invoiced for two while one came: the quantity differs; a line left out is invoiced 0.
        let rows = three_way(&lines, &[1, 1], &[(1, 2, m("790.00"))]);
        assert!(!rows[0].quantity_matches() && rows[0].price_matches());
        assert_eq!((rows[1].invoiced, rows[1].quantity_matches()), (0, false));
        assert_eq!(rows[1].difference(), Money::from_cents(-10_000));
    }

    /// The example: three lines of 33,33 $ are taxed on their total (99,99 $), not line by line
    /// (line by line the GST would be 3 × 1,67 $ = 5,01 $ and the QST 3 × 3,32 $ = 9,96 $).
    #[test]
    fn three_lines_of_33_33_are_taxed_on_their_total() {
        let lines = vec![
            line(LineCategory::Equipment, 1, "33.33"),
            line(LineCategory::Equipment, 1, "33.33"),
            line(LineCategory::Software, 1, "33.33"),
        ];
        let gross = Cost::of(&lines, BoursePays::Gross);
        assert_eq!((gross.taxes.price, gross.taxes.gst, gross.taxes.qst), (m("99.99"), m("5.00"), m("9.97")));
        assert_eq!(gross.to_bourse(), m("114.96"));
        // Rebate: 2,50 $ and 4,99 $ (half of 9,97 rounded up), so 107,47 $ net.
        assert_eq!((gross.rebate.gst, gross.rebate.qst), (m("2.50"), m("4.99")));
        let net = Cost::of(&lines, BoursePays::NetOfRebate);
        assert_eq!(net.to_bourse(), m("107.47"));
        // Split two thirds, one third, to the cent and adding up.
        assert_eq!(net.by_category, vec![(LineCategory::Equipment, m("71.65")), (LineCategory::Software, m("35.82"))]);
        assert_eq!(net.by_category.iter().map(|(_, c)| *c).sum::<Money>(), net.to_bourse());
    }

    #[test]
    fn room_is_committed_less_spent_less_held_and_a_shortfall_says_what_is_missing() {
        let room = Room { category: LineCategory::Equipment, committed: m("3000"), spent: m("500"), held: m("1000") };
        assert_eq!(room.available(), m("1500"));
        assert!(shortfalls(&[room], &[(LineCategory::Equipment, m("1500"))]).is_empty(), "exactly fits");
        let short = shortfalls(&[room], &[(LineCategory::Equipment, m("1500.01")), (LineCategory::Software, m("1"))]);
        assert_eq!(short.len(), 2);
        assert_eq!((short[0].requested, short[0].missing), (m("1500.01"), m("0.01")));
        assert_eq!((short[1].room.committed, short[1].missing), (Money::ZERO, m("1")), "nothing awarded there");
    }

    #[test]
    fn the_tolerance_is_the_lesser_of_the_share_and_the_amount() {
        let t = Tolerance { percent: Decimal::new(5, 0), max: m("100") };
        assert_eq!(t.margin(m("1000")), m("50"));
        assert_eq!(t.margin(m("3000")), m("100"), "5 % would be 150");
        assert_eq!(t.margin(m("10.01")), m("0.50"), "0,5005 rounds down");
        assert!(t.allows(m("1000"), m("1050")));
        assert!(!t.allows(m("1000"), m("1050.01")));
        assert!(t.allows(m("1000"), m("10")), "less is always within");
    }

    #[test]
    fn a_receipt_takes_what_is_left_with_a_serial_per_unit_of_equipment() {
        let lines = vec![line(LineCategory::Equipment, 2, "700"), line(LineCategory::Software, 1, "90")];
        let r = |position, quantity, serials: &[&str]| ReceiptLine {
            position,
            quantity,
            serials: serials.iter().map(|s| s.to_string()).collect(),
        };
        assert_eq!(check_receipt(&lines, &[0, 0], &[r(1, 1, &["SN1"])]), Ok(false), "one laptop of two");
        assert_eq!(check_receipt(&lines, &[1, 0], &[r(1, 1, &["SN2"]), r(2, 1, &[])]), Ok(true));
        assert_eq!(
            check_receipt(&lines, &[1, 0], &[r(1, 2, &["SN2", "SN3"])]),
            Err(vec![(1, ReceiptProblem::MoreThanOrdered { left: 1 })])
        );
        assert_eq!(
            check_receipt(&lines, &[0, 0], &[r(1, 2, &["SN1", " "])]),
            Err(vec![(1, ReceiptProblem::Serials { expected: 2 })])
        );
        assert_eq!(check_receipt(&lines, &[0, 0], &[r(3, 1, &[])]), Err(vec![(3, ReceiptProblem::UnknownLine)]));
        assert_eq!(check_receipt(&lines, &[0, 0], &[r(1, 0, &[])]), Err(vec![(0, ReceiptProblem::Empty)]));
    }

    #[test]
    fn registration_numbers_have_their_official_shape() {
        assert_eq!(gst_number("123456789 rt 0001").as_deref(), Some("123456789RT0001"));
        assert_eq!(qst_number("1234567890TQ0001").as_deref(), Some("1234567890TQ0001"));
        assert_eq!(gst_number("1234567890TQ0001"), None, "a QST number is not a GST number");
        assert_eq!(qst_number("123456789RT0001"), None);
        assert_eq!(gst_number("123456789RT001"), None);
        assert_eq!(gst_number("12345678éRT0001"), None);
    }

    #[test]
    fn a_request_is_complete_with_a_vendor_a_reason_lines_and_its_quotes() {
        let mut r = Request::default();
        assert_eq!(r.missing(0, 0), vec!["vendor_name", "justification", "lines"]);
        r.vendor.name = "Bureau en gros".into();
        r.justification = "Nos postes ont dix ans.".into();
        r.lines.push(line(LineCategory::Equipment, 2, "700"));
        assert_eq!(r.missing(1, 2), vec!["quotes"]);
        assert!(r.missing(2, 2).is_empty());
    }
}
