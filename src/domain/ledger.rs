//! The ledger's rules (DESIGN.md, decision 3), pure: storage loads the entries an operation touches
//! inside its write transaction, asks these rules, and appends what they return.
//!
//! Accounts are envelope × fiscal year × expense category. Entries are never changed: an award
//! *commits* funds (a pending commitment), purchases and coaching *spend* a commitment, partially if need
//! be, and closing *releases* what is left of it, once. A mistake is corrected by a *reversal* that
//! cancels one earlier entry. The invariants every operation keeps:
//! - for every envelope and fiscal year, committed (what commitments still hold) + spent ≤ allocated;
//! - a grant never spends more than its award in a category (a spend settles a commitment of that grant
//!   and category, within what the commitment still holds);
//! - a commitment settles once: after its release nothing more is spent from it or released.

use std::collections::{BTreeMap, BTreeSet};

use super::{EntryId, GrantId, Money};

named_enum!(
    /// What a ledger entry records.
    EntryKind { Commit = "commit", Spend = "spend", Release = "release", Reversal = "reversal" }
);

/// Where money sits: an envelope's allocation for a fiscal year, for one expense category.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Account {
    /// `FQIS`, `FDMT`
    pub envelope: String,
    /// As the program writes it: `2024-2025`.
    pub fiscal_year: String,
    /// `equipment`, `software`, `coaching`
    pub category: String,
}

/// One line of the ledger, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub id: EntryId,
    pub account: Account,
    pub grant_id: GrantId,
    pub kind: EntryKind,
    /// Always above zero; the kind says which way it moves.
    pub amount: Money,
    /// For a spend or a release: the commitment it settles.
    pub commitment: Option<EntryId>,
    /// For a reversal: the entry it cancels.
    pub reverses: Option<EntryId>,
}

/// An operation asked of the ledger.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Operation {
    Commit { account: Account, grant_id: GrantId, amount: Money },
    Spend { commitment: EntryId, amount: Money },
    Release { commitment: EntryId },
    Reverse { entry: EntryId },
}

/// A new entry to append (storage gives it its id).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEntry {
    pub account: Account,
    pub grant_id: GrantId,
    pub kind: EntryKind,
    pub amount: Money,
    pub commitment: Option<EntryId>,
    pub reverses: Option<EntryId>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LedgerError {
    #[error("an amount must be above zero")]
    NotPositive,
    #[error("envelope {envelope} has no allocation for fiscal year {fiscal_year}")]
    NoAllocation { envelope: String, fiscal_year: String },
    #[error("envelope {envelope} {fiscal_year} lacks {missing} (available: {available})")]
    InsufficientFunds { envelope: String, fiscal_year: String, available: Money, missing: Money },
    #[error("no commitment {0}")]
    UnknownCommitment(EntryId),
    #[error("commitment {commitment} holds {remaining}, less than {asked}")]
    ExceedsCommitment { commitment: EntryId, remaining: Money, asked: Money },
    #[error("commitment {0} is already settled")]
    AlreadySettled(EntryId),
    #[error("no entry {0}")]
    UnknownEntry(EntryId),
    #[error("entry {0} is already reversed")]
    AlreadyReversed(EntryId),
    #[error("entry {0} cannot be reversed: {1}")]
    NotReversible(EntryId, &'static str),
}

/// What an envelope holds for a fiscal year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Balance {
    pub allocated: i64,
    pub committed: i64,
    pub spent: i64,
}

impl Balance {
    pub fn available(&self) -> i64 {
        self.allocated - self.committed - self.spent
    }
}

/// The entries that matter to an operation and the allocations, with the rules over them. Built from
/// every entry of the envelopes and fiscal years concerned (storage's job); also the reference model
/// that `octroi ledger verify` recomputes balances with.
#[derive(Debug, Clone, Default)]
pub struct Book {
    /// Allocated cents by (envelope, fiscal year).
    allocations: BTreeMap<(String, String), i64>,
    entries: Vec<Entry>,
    /// Entry ids by position in `entries`, and the ids of the reversed entries.
    positions: BTreeMap<EntryId, usize>,
    reversed: BTreeSet<EntryId>,
    /// What the entries not loaded add to each balance (committed, spent); see [`Book::anchored`].
    base: BTreeMap<(String, String), (i64, i64)>,
}

impl Book {
    /// A book over these allocations and entries (in the order they were appended).
    pub fn new(allocations: BTreeMap<(String, String), i64>, entries: Vec<Entry>) -> Book {
        let mut book = Book { allocations, ..Default::default() };
        for e in entries {
            book.push(e);
        }
        book
    }

    /// Makes the balance of `key` equal the running totals kept with the ledger, the loaded entries
    /// being part of them: a book that holds only the entries an operation touches (a commitment and
    /// what settles it) still knows what the envelope has left.
    pub fn anchored(mut self, key: (String, String), committed: i64, spent: i64) -> Book {
        let loaded = self.balances().get(&key).copied().unwrap_or_default();
        self.base.insert(key, (committed - loaded.committed, spent - loaded.spent));
        self
    }

    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    fn push(&mut self, e: Entry) {
        if let Some(target) = e.reverses.filter(|_| e.kind == EntryKind::Reversal) {
            self.reversed.insert(target);
        }
        self.positions.insert(e.id, self.entries.len());
        self.entries.push(e);
    }

    fn entry(&self, id: EntryId) -> Option<&Entry> {
        self.positions.get(&id).map(|&i| &self.entries[i])
    }

    fn is_reversed(&self, id: EntryId) -> bool {
        self.reversed.contains(&id)
    }

    /// Entries in effect: those not cancelled by a reversal (reversals themselves excluded).
    fn effective(&self) -> impl Iterator<Item = &Entry> {
        self.entries.iter().filter(|e| e.kind != EntryKind::Reversal && !self.is_reversed(e.id))
    }

    /// What a commitment still holds, and whether it was released.
    pub fn remaining(&self, commitment: EntryId) -> Result<(Money, bool), LedgerError> {
        let commit = self
            .effective()
            .find(|e| e.id == commitment && e.kind == EntryKind::Commit)
            .ok_or(LedgerError::UnknownCommitment(commitment))?;
        let mut remaining = commit.amount.cents();
        let mut released = false;
        for e in self.effective().filter(|e| e.commitment == Some(commitment)) {
            remaining -= e.amount.cents();
            released |= e.kind == EntryKind::Release;
        }
        Ok((Money::from_cents(remaining), released))
    }

    /// Allocated, committed (what open commitments still hold) and spent, by envelope and fiscal year.
    pub fn balances(&self) -> BTreeMap<(String, String), Balance> {
        let mut out: BTreeMap<(String, String), Balance> = self
            .allocations
            .iter()
            .map(|(k, allocated)| (k.clone(), Balance { allocated: *allocated, ..Default::default() }))
            .collect();
        for e in self.effective() {
            let b = out.entry((e.account.envelope.clone(), e.account.fiscal_year.clone())).or_default();
            match e.kind {
                EntryKind::Commit => b.committed += e.amount.cents(),
                EntryKind::Spend => {
                    b.committed -= e.amount.cents();
                    b.spent += e.amount.cents();
                }
                EntryKind::Release => b.committed -= e.amount.cents(),
                EntryKind::Reversal => {}
            }
        }
        for (key, (committed, spent)) in &self.base {
            let b = out.entry(key.clone()).or_default();
            b.committed += committed;
            b.spent += spent;
        }
        out
    }

    /// Decides an operation: the entry to append, or why not. Never changes the book.
    pub fn decide(&self, op: &Operation) -> Result<NewEntry, LedgerError> {
        match op {
            Operation::Commit { account, grant_id, amount } => {
                if amount.cents() <= 0 {
                    return Err(LedgerError::NotPositive);
                }
                let key = (account.envelope.clone(), account.fiscal_year.clone());
                if !self.allocations.contains_key(&key) {
                    return Err(LedgerError::NoAllocation {
                        envelope: account.envelope.clone(),
                        fiscal_year: account.fiscal_year.clone(),
                    });
                }
                let balance = self.balances().get(&key).copied().unwrap_or_default();
                let available = balance.available().max(0);
                if amount.cents() > available {
                    return Err(LedgerError::InsufficientFunds {
                        envelope: account.envelope.clone(),
                        fiscal_year: account.fiscal_year.clone(),
                        available: Money::from_cents(available),
                        missing: Money::from_cents(amount.cents() - available),
                    });
                }
                Ok(NewEntry {
                    account: account.clone(),
                    grant_id: *grant_id,
                    kind: EntryKind::Commit,
                    amount: *amount,
                    commitment: None,
                    reverses: None,
                })
            }
            Operation::Spend { commitment, amount } => {
                if amount.cents() <= 0 {
                    return Err(LedgerError::NotPositive);
                }
                let (remaining, released) = self.remaining(*commitment)?;
                if released {
                    return Err(LedgerError::AlreadySettled(*commitment));
                }
                if amount.cents() > remaining.cents() {
                    return Err(LedgerError::ExceedsCommitment { commitment: *commitment, remaining, asked: *amount });
                }
                let commit = self.entry(*commitment).expect("a known commitment");
                Ok(NewEntry {
                    account: commit.account.clone(),
                    grant_id: commit.grant_id,
                    kind: EntryKind::Spend,
                    amount: *amount,
                    commitment: Some(*commitment),
                    reverses: None,
                })
            }
            Operation::Release { commitment } => {
                let (remaining, released) = self.remaining(*commitment)?;
                if released || remaining.cents() == 0 {
                    return Err(LedgerError::AlreadySettled(*commitment));
                }
                let commit = self.entry(*commitment).expect("a known commitment");
                Ok(NewEntry {
                    account: commit.account.clone(),
                    grant_id: commit.grant_id,
                    kind: EntryKind::Release,
                    amount: remaining,
                    commitment: Some(*commitment),
                    reverses: None,
                })
            }
            Operation::Reverse { entry } => {
                let target = self.entry(*entry).ok_or(LedgerError::UnknownEntry(*entry))?;
                if target.kind == EntryKind::Reversal {
                    return Err(LedgerError::NotReversible(*entry, "a reversal is corrected by a new entry"));
                }
                if self.is_reversed(*entry) {
                    return Err(LedgerError::AlreadyReversed(*entry));
                }
                if target.kind == EntryKind::Commit && self.effective().any(|e| e.commitment == Some(*entry)) {
                    return Err(LedgerError::NotReversible(*entry, "reverse what settled it first"));
                }
                if target.kind == EntryKind::Spend {
                    // Spending again is possible only while the commitment is open; reversing a spend of a
                    // released commitment would leave money neither committed nor spent nor released.
                    let (_, released) = self.remaining(target.commitment.expect("a spend settles a commitment"))?;
                    if released {
                        return Err(LedgerError::NotReversible(*entry, "its commitment is released"));
                    }
                }
                if target.kind == EntryKind::Release {
                    // The released money goes back into the commitment: the envelope must still have it.
                    let key = (target.account.envelope.clone(), target.account.fiscal_year.clone());
                    let available = self.balances().get(&key).copied().unwrap_or_default().available().max(0);
                    if target.amount.cents() > available {
                        return Err(LedgerError::InsufficientFunds {
                            envelope: key.0,
                            fiscal_year: key.1,
                            available: Money::from_cents(available),
                            missing: Money::from_cents(target.amount.cents() - available),
                        });
                    }
                }
                Ok(NewEntry {
                    account: target.account.clone(),
                    grant_id: target.grant_id,
                    kind: EntryKind::Reversal,
                    amount: target.amount,
                    commitment: target.commitment,
                    reverses: Some(*entry),
                })
            }
        }
    }

    /// Appends a decided entry with its id (the reference model of the tests, and `ledger verify`).
    pub fn append(&mut self, id: EntryId, new: NewEntry) {
        self.push(Entry {
            id,
            account: new.account,
            grant_id: new.grant_id,
            kind: new.kind,
            amount: new.amount,
            commitment: new.commitment,
            reverses: new.reverses,
        });
    }

    /// Every invariant, checked over the whole book: the list of what is wrong (empty when sound).
    pub fn violations(&self) -> Vec<String> {
        let mut out = Vec::new();
        for ((envelope, fy), b) in self.balances() {
            if b.committed < 0 || b.spent < 0 || b.committed + b.spent > b.allocated {
                out.push(format!(
                    "{envelope} {fy}: committed {} + spent {} exceed allocated {}",
                    Money::from_cents(b.committed.max(0)),
                    Money::from_cents(b.spent.max(0)),
                    Money::from_cents(b.allocated)
                ));
            }
        }
        // One pass over the entries, then one look per commitment: the check stays linear in the ledger.
        let settled = self.settlements();
        for line in self.commitments_with(&settled) {
            if line.remaining.cents() < 0 {
                let over = Money::from_cents(-line.remaining.cents());
                out.push(format!("commitment {} is overspent by {over}", line.commitment));
            }
            if settled.get(&line.commitment).is_some_and(|s| s.releases > 1) {
                out.push(format!("commitment {} is released more than once", line.commitment));
            }
        }
        out
    }

    /// What settles each commitment (spends and releases in effect), in one pass.
    fn settlements(&self) -> BTreeMap<EntryId, Settlement> {
        let mut out: BTreeMap<EntryId, Settlement> = BTreeMap::new();
        for e in self.effective() {
            let Some(commitment) = e.commitment else { continue };
            let s = out.entry(commitment).or_default();
            match e.kind {
                EntryKind::Spend => s.spent += e.amount.cents(),
                EntryKind::Release => {
                    s.released += e.amount.cents();
                    s.releases += 1;
                }
                EntryKind::Commit | EntryKind::Reversal => {}
            }
        }
        out
    }

    fn commitments_with(&self, settled: &BTreeMap<EntryId, Settlement>) -> Vec<CommitmentLine> {
        self.effective()
            .filter(|e| e.kind == EntryKind::Commit)
            .map(|c| {
                let s = settled.get(&c.id).copied().unwrap_or_default();
                CommitmentLine {
                    commitment: c.id,
                    account: c.account.clone(),
                    committed: c.amount,
                    spent: Money::from_cents(s.spent),
                    released: Money::from_cents(s.released),
                    remaining: Money::from_cents(c.amount.cents() - s.spent - s.released),
                }
            })
            .collect()
    }

    /// Every commitment in effect (not reversed), in order, with what was spent and released on it and
    /// what it still holds: a grant's statement, when the book holds that grant's entries.
    pub fn commitments(&self) -> Vec<CommitmentLine> {
        self.commitments_with(&self.settlements())
    }
}

#[derive(Debug, Clone, Copy, Default)]
struct Settlement {
    spent: i64,
    released: i64,
    releases: usize,
}

/// One commitment as a statement shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommitmentLine {
    pub commitment: EntryId,
    pub account: Account,
    pub committed: Money,
    pub spent: Money,
    pub released: Money,
    /// What may still be spent (zero once released).
    pub remaining: Money,
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn account(envelope: &str, category: &str) -> Account {
        Account { envelope: envelope.into(), fiscal_year: "2024-2025".into(), category: category.into() }
    }

    fn book(fqis: i64) -> Book {
        let fy = || "2024-2025".to_string();
        Book::new(BTreeMap::from([(("FQIS".into(), fy()), fqis), (("FDMT".into(), fy()), 1_000)]), vec![])
    }

    fn apply(book: &mut Book, op: Operation) -> Result<EntryId, LedgerError> {
        let new = book.decide(&op)?;
        let id = EntryId(book.entries().len() as i64 + 1);
        book.append(id, new);
        Ok(id)
    }

    #[test]
    fn commit_spend_partially_release_once() {
        let mut b = book(10_000);
        let c = apply(
            &mut b,
            Operation::Commit {
                account: account("FQIS", "equipment"),
                grant_id: GrantId(1),
                amount: Money::from_cents(6_000),
            },
        )
        .unwrap();
        apply(&mut b, Operation::Spend { commitment: c, amount: Money::from_cents(2_500) }).unwrap();
        let bal = b.balances()[&("FQIS".to_string(), "2024-2025".to_string())];
        assert_eq!((bal.committed, bal.spent, bal.available()), (3_500, 2_500, 4_000));
        let r = apply(&mut b, Operation::Release { commitment: c }).unwrap();
        assert_eq!(b.entries()[(r.0 - 1) as usize].amount, Money::from_cents(3_500), "releases what is left");
        assert_eq!(apply(&mut b, Operation::Release { commitment: c }), Err(LedgerError::AlreadySettled(c)));
        assert_eq!(
            apply(&mut b, Operation::Spend { commitment: c, amount: Money::from_cents(1) }),
            Err(LedgerError::AlreadySettled(c))
        );
        let bal = b.balances()[&("FQIS".to_string(), "2024-2025".to_string())];
        assert_eq!((bal.committed, bal.spent, bal.available()), (0, 2_500, 7_500));
        assert!(b.violations().is_empty());
    }

    /// A grant's statement: each commitment in effect with what was spent, released and what remains;
    /// a reversed spend gives its amount back, a reversed commitment leaves the statement.
    #[test]
    fn the_statement_shows_each_commitment_settled_or_not() {
        let mut b = book(10_000);
        let commit = |b: &mut Book, category: &str, cents: i64| {
            let op = Operation::Commit {
                account: account("FQIS", category),
                grant_id: GrantId(1),
                amount: Money::from_cents(cents),
            };
            apply(b, op).unwrap()
        };
        let equipment = commit(&mut b, "equipment", 6_000);
        let software = commit(&mut b, "software", 1_000);
        let gone = commit(&mut b, "software", 500);
        apply(&mut b, Operation::Spend { commitment: equipment, amount: Money::from_cents(2_500) }).unwrap();
        let wrong = apply(&mut b, Operation::Spend { commitment: equipment, amount: Money::from_cents(100) }).unwrap();
        apply(&mut b, Operation::Reverse { entry: wrong }).unwrap();
        apply(&mut b, Operation::Spend { commitment: software, amount: Money::from_cents(400) }).unwrap();
        apply(&mut b, Operation::Release { commitment: software }).unwrap();
        apply(&mut b, Operation::Reverse { entry: gone }).unwrap();
        let lines: Vec<(EntryId, i64, i64, i64, i64)> = b
            .commitments()
            .iter()
            .map(|l| (l.commitment, l.committed.cents(), l.spent.cents(), l.released.cents(), l.remaining.cents()))
            .collect();
        assert_eq!(lines, vec![(equipment, 6_000, 2_500, 0, 3_500), (software, 1_000, 400, 600, 0)]);
    }

    #[test]
    fn an_envelope_without_room_says_what_is_missing() {
        let mut b = book(10_000);
        apply(
            &mut b,
            Operation::Commit {
                account: account("FQIS", "software"),
                grant_id: GrantId(1),
                amount: Money::from_cents(9_000),
            },
        )
        .unwrap();
        let err = apply(
            &mut b,
            Operation::Commit {
                account: account("FQIS", "equipment"),
                grant_id: GrantId(2),
                amount: Money::from_cents(1_500),
            },
        );
        assert_eq!(
            err,
            Err(LedgerError::InsufficientFunds {
                envelope: "FQIS".into(),
                fiscal_year: "2024-2025".into(),
                available: Money::from_cents(1_000),
                missing: Money::from_cents(500)
            })
        );
        let far = Operation::Commit {
            account: Account { fiscal_year: "2031-2032".into(), ..account("FQIS", "software") },
            grant_id: GrantId(1),
            amount: Money::from_cents(1),
        };
        assert!(matches!(apply(&mut b, far), Err(LedgerError::NoAllocation { .. })));
    }

    #[test]
    fn reversals_cancel_one_entry_once() {
        let mut b = book(10_000);
        let c = apply(
            &mut b,
            Operation::Commit {
                account: account("FQIS", "equipment"),
                grant_id: GrantId(1),
                amount: Money::from_cents(5_000),
            },
        )
        .unwrap();
        let s = apply(&mut b, Operation::Spend { commitment: c, amount: Money::from_cents(5_000) }).unwrap();
        assert!(matches!(apply(&mut b, Operation::Reverse { entry: c }), Err(LedgerError::NotReversible(..))));
        let r = apply(&mut b, Operation::Reverse { entry: s }).unwrap();
        assert_eq!(apply(&mut b, Operation::Reverse { entry: s }), Err(LedgerError::AlreadyReversed(s)));
        assert!(matches!(apply(&mut b, Operation::Reverse { entry: r }), Err(LedgerError::NotReversible(..))));
        assert_eq!(b.remaining(c).unwrap(), (Money::from_cents(5_000), false));
        apply(&mut b, Operation::Reverse { entry: c }).unwrap();
        assert_eq!(b.balances()[&("FQIS".to_string(), "2024-2025".to_string())].available(), 10_000);
        assert!(b.violations().is_empty());
    }

    fn operation() -> impl Strategy<Value = (u8, usize, i64)> {
        (0u8..4, 0usize..40, 1i64..6_000)
    }

    proptest! {
        /// Whatever is asked, in any order, the book never breaks an invariant: refused operations change
        /// nothing and accepted ones keep committed + spent within the allocation.
        #[test]
        fn no_sequence_of_operations_breaks_an_invariant(ops in proptest::collection::vec(operation(), 1..60)) {
            let mut b = book(20_000);
            for (kind, target, cents) in ops {
                let ids: Vec<EntryId> = b.entries().iter().map(|e| e.id).collect();
                let pick = |n: usize| ids.get(n % ids.len().max(1)).copied().unwrap_or(EntryId(1));
                let op = match kind {
                    0 => Operation::Commit {
                        account: account(if target % 3 == 0 { "FDMT" } else { "FQIS" }, "equipment"),
                        grant_id: GrantId((target % 5) as i64),
                        amount: Money::from_cents(cents),
                    },
                    1 => Operation::Spend { commitment: pick(target), amount: Money::from_cents(cents) },
                    2 => Operation::Release { commitment: pick(target) },
                    _ => Operation::Reverse { entry: pick(target) },
                };
                let before = b.entries().len();
                let _ = apply(&mut b, op);
                prop_assert!(b.entries().len() <= before + 1);
                prop_assert!(b.violations().is_empty(), "{:?}", b.violations());
            }
        }
    }
}
