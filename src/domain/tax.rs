//! Québec sales taxes on a purchase and the public service bodies' rebate (DOMAIN.md, "Money and taxes").
//!
//! - GST (TPS) 5 % and QST (TVQ) 9,975 %, the QST on the price **before** GST (since 2013).
//! - Each tax is computed on the invoice total and rounded to the cent on its own: a fraction of 0,005 $
//!   or more counts as a whole cent (half up). octroi always taxes the invoice total, never each line.
//! - The rebate of public service bodies (charities and qualifying non-profits) is 50 % of the GST and
//!   50 % of the QST paid: each tax is rounded first, then its rebate is computed and rounded the same way.
//! - What a purchase costs a bourse is the price plus the taxes, less the rebate the organism can claim
//!   when the program pays net of it (a program setting).

use rust_decimal::{Decimal, RoundingStrategy};

use super::Money;

/// 5 %
pub const GST_RATE: Decimal = Decimal::from_parts(5, 0, 0, false, 2);
/// 9,975 %
pub const QST_RATE: Decimal = Decimal::from_parts(9975, 0, 0, false, 5);
/// 50 % of each tax paid.
pub const REBATE_RATE: Decimal = Decimal::from_parts(50, 0, 0, false, 2);

/// Rounds a non-negative amount to the cent, half up: 0,005 $ counts as a whole cent. The one rounding
/// rule of taxes; every tax and rebate goes through it once.
pub fn round_to_cent(amount: Decimal) -> Money {
    let rounded = amount.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
    Money::from_cents(i64::try_from(rounded * Decimal::ONE_HUNDRED).expect("an amount within i64 cents"))
}

/// The taxes on one invoice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Taxes {
    /// The price before taxes.
    pub price: Money,
    pub gst: Money,
    pub qst: Money,
}

/// The part of the taxes an eligible organism gets back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rebate {
    pub gst: Money,
    pub qst: Money,
}

impl Rebate {
    pub fn total(&self) -> Money {
        Money::from_cents(self.gst.cents() + self.qst.cents())
    }
}

/// Whether the program pays a purchase with its taxes (gross) or net of the rebate the organism claims.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BoursePays {
    Gross,
    NetOfRebate,
}

impl Taxes {
    /// The GST and QST on an invoice's total before taxes.
    pub fn on(price: Money) -> Taxes {
        Taxes { price, gst: round_to_cent(price.amount() * GST_RATE), qst: round_to_cent(price.amount() * QST_RATE) }
    }

    /// Price, GST and QST.
    pub fn total(&self) -> Money {
        Money::from_cents(self.price.cents() + self.gst.cents() + self.qst.cents())
    }

    /// The public service bodies' rebate on these taxes: half of each, computed on the rounded tax.
    pub fn rebate(&self) -> Rebate {
        Rebate {
            gst: round_to_cent(self.gst.amount() * REBATE_RATE),
            qst: round_to_cent(self.qst.amount() * REBATE_RATE),
        }
    }

    /// What the purchase costs a bourse.
    pub fn eligible_cost(&self, pays: BoursePays) -> Money {
        match pays {
            BoursePays::Gross => self.total(),
            BoursePays::NetOfRebate => Money::from_cents(self.total().cents() - self.rebate().total().cents()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn m(s: &str) -> Money {
        Money::parse(s).unwrap()
    }

    #[test]
    fn the_example_of_domain_md() {
        // 100,00 $ → GST 5,00 $, QST 9,98 $ (9,975 rounded up), total 114,98 $.
        let t = Taxes::on(m("100.00"));
        assert_eq!((t.gst, t.qst, t.total()), (m("5.00"), m("9.98"), m("114.98")));
        // Rebate: 2,50 $ and 4,99 $ (half of the rounded 9,98 $), so 107,49 $ net.
        let r = t.rebate();
        assert_eq!((r.gst, r.qst, r.total()), (m("2.50"), m("4.99"), m("7.49")));
        assert_eq!(t.eligible_cost(BoursePays::NetOfRebate), m("107.49"));
        assert_eq!(t.eligible_cost(BoursePays::Gross), m("114.98"));
    }

    #[test]
    fn half_a_cent_counts_as_a_cent() {
        assert_eq!(round_to_cent(Decimal::new(1005, 3)), m("1.01"));
        assert_eq!(round_to_cent(Decimal::new(10049, 4)), m("1.00"));
        assert_eq!(round_to_cent(Decimal::new(125, 3)), m("0.13"), "not banker's rounding");
        // 0,10 $ → GST 0,005 → 0,01; QST 0,009975 → 0,01.
        let t = Taxes::on(m("0.10"));
        assert_eq!((t.gst, t.qst), (m("0.01"), m("0.01")));
        // The rebate rounds the rounded tax: half of 0,01 $ is 0,005 $, so 0,01 $.
        assert_eq!(t.rebate().total(), m("0.02"));
    }

    #[test]
    fn taxes_apply_to_the_invoice_total_not_to_each_line() {
        // Three lines of 0,10 $: per line the GST would be 3 × 0,01 $; on the total it is 0,02 $ (0,015).
        let t = Taxes::on(m("0.30"));
        assert_eq!(t.gst, m("0.02"));
        assert_eq!(t.qst, m("0.03"), "0,029925 → 0,03");
        let laptops = Taxes::on(m("3299.97"));
        assert_eq!((laptops.gst, laptops.qst, laptops.total()), (m("165.00"), m("329.17"), m("3794.14")));
    }

    proptest! {
        /// Each tax is within half a cent of the exact one, and the rebate within half a cent of half the
        /// rounded tax; the net cost never exceeds the gross one.
        #[test]
        fn every_rounding_is_to_the_nearest_cent(cents in 0i64..1_000_000_000) {
            let t = Taxes::on(Money::from_cents(cents));
            let half_cent = Decimal::new(5, 3);
            prop_assert!((t.gst.amount() - t.price.amount() * GST_RATE).abs() <= half_cent);
            prop_assert!((t.qst.amount() - t.price.amount() * QST_RATE).abs() <= half_cent);
            let r = t.rebate();
            prop_assert!((r.gst.amount() - t.gst.amount() * REBATE_RATE).abs() <= half_cent);
            prop_assert!((r.qst.amount() - t.qst.amount() * REBATE_RATE).abs() <= half_cent);
            prop_assert!(t.eligible_cost(BoursePays::NetOfRebate) <= t.eligible_cost(BoursePays::Gross));
        }
    }
}
