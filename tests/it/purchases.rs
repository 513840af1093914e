//! Purchases paid by a bourse (issue 13), through the use cases on either database: what a request costs
//! with its taxes, approvals holding the bourse's room (64 at once competing for one category), and the
//! holds against a pure model over random approvals, amendments, declines, withdrawals and cancellations.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::common::TestApp;
use octroi::app::{self, AppError};
use octroi::domain::grant::{Line, LineCategory};
use octroi::domain::purchase::{Request, Vendor};
use octroi::domain::workflow::Role;
use octroi::domain::{Actor, Money, PurchaseId};
use octroi::storage::StorageError;
use octroi::storage::grants::Grant;
use octroi::storage::payments::Outcome;
use octroi::storage::purchases::Purchase;
use proptest::prelude::*;

fn m(s: &str) -> Money {
    Money::parse(s).unwrap()
}

pub(crate) fn request(lines: &[(LineCategory, i64, &str)]) -> Request {
    Request {
        vendor: Vendor { name: "Coop informatique".into(), ..Default::default() },
        justification: "Nos postes ont dix ans.".into(),
        lines: lines
            .iter()
            .map(|&(category, quantity, price)| Line {
                category,
                description: "Portable".into(),
                quantity,
                unit_price: m(price),
            })
            .collect(),
    }
}

fn officer() -> Actor {
    Actor { id: "agente@test".into(), role: Role::ProgramOfficer }
}

/// A member of the grant's organism, as the workflow sees them.
async fn member_of(app: &TestApp, grant: &Grant) -> (Actor, octroi::domain::UserId) {
    member(app, grant).await
}

async fn member(app: &TestApp, grant: &Grant) -> (Actor, octroi::domain::UserId) {
    let email = format!("acheteur{}@test.org", grant.organism_id);
    let id = match app.db().user_by_email(&email).await.unwrap() {
        Some(u) => u.id,
        None => app.account(&email, octroi::domain::account::AccountRole::Member, Some(grant.organism_id)).await,
    };
    (Actor { id: id.to_string(), role: Role::Applicant }, id)
}

/// A submitted request on an active grant.
async fn submitted(app: &TestApp, grant: &Grant, r: Request) -> Purchase {
    let (member, id) = member(app, grant).await;
    let p = app::purchases::start(&app.state, &member, id, grant, r).await.unwrap();
    app::purchases::fire(&app.state, &member, &p, "submit", "").await.unwrap()
}

/// What a bourse holds in a category, from the hold rows: holds not lifted nor spent.
async fn held(app: &TestApp, grant: &Grant, category: &str) -> i64 {
    let rows = app.db().hold_rows().await.unwrap();
    let settled: Vec<i64> = rows.iter().filter_map(|r| r.6).collect();
    rows.iter()
        .filter(|r| r.2 == grant.id && r.3 == category && r.4 == "hold" && !settled.contains(&r.0))
        .map(|r| r.5)
        .sum()
}

/// Three lines of 33,33 $ are taxed on their total: GST 5,00 $, QST 9,97 $; the bourse pays them net of
/// the rebate (the program's setting), split between the categories to the cent.
#[tokio::test]
async fn taxes_are_on_the_invoice_total_and_the_bourse_pays_net_of_the_rebate() {
    let app = TestApp::spawn().await;
    let grant = app.grant_in(1, "active").await;
    let (actor, by) = member(&app, &grant).await;
    let r = request(&[
        (LineCategory::Equipment, 1, "33.33"),
        (LineCategory::Equipment, 1, "33.33"),
        (LineCategory::Software, 1, "33.33"),
    ]);
    let p = app::purchases::start(&app.state, &actor, by, &grant, r).await.unwrap();
    let c = p.costs;
    assert_eq!((c.price, c.gst, c.qst, c.rebate), (m("99.99"), m("5.00"), m("9.97"), m("7.49")));
    assert_eq!((c.cost, c.equipment_cost, c.software_cost), (m("107.47"), m("71.65"), m("35.82")));
    app.stop().await;
}

/// A purchase needs an active grant: a grant not yet awarded cannot buy anything.
#[tokio::test]
async fn a_purchase_needs_an_active_grant() {
    let app = TestApp::spawn().await;
    let grant = app.grant_in(1, "approved").await;
    let (actor, by) = member(&app, &grant).await;
    let refused = app::purchases::start(&app.state, &actor, by, &grant, request(&[])).await.unwrap_err();
    assert!(matches!(refused, AppError::Refused { code: octroi::app::Code::GrantNotActive, .. }), "{refused:?}");
    app.stop().await;
}

/// 64 approvals at once of purchases competing for the equipment of one bourse (2 400,00 $ committed):
/// each costs 107,49 $ (100,00 $ and its taxes net of the rebate), so exactly 22 fit; the other 42 are
/// refused with the breakdown, and the holds add up to the cent.
#[tokio::test]
async fn sixty_four_concurrent_approvals_hold_exactly_what_fits() {
    let app = Arc::new(TestApp::spawn().await);
    let grant = app.grant_in(1, "active").await;
    assert_eq!(grant.awarded_equipment, Some(m("2400.00")));
    let mut purchases = Vec::new();
    for _ in 0..64 {
        purchases.push(submitted(&app, &grant, request(&[(LineCategory::Equipment, 1, "100.00")])).await);
    }
    assert_eq!(purchases[0].costs.cost, m("107.49"));
    let mut tasks = Vec::new();
    for p in purchases {
        let app = app.clone();
        tasks.push(tokio::spawn(async move { app::purchases::fire(&app.state, &officer(), &p, "approve", "").await }));
    }
    let (mut approved, mut refused) = (0, 0);
    for task in tasks {
        match task.await.unwrap() {
            Ok(p) => {
                assert_eq!(p.state, "approved");
                approved += 1;
            }
            Err(AppError::Storage(StorageError::NoRoom(short))) => {
                assert_eq!(short.len(), 1);
                let s = short[0];
                assert_eq!((s.room.committed, s.room.spent, s.requested), (m("2400.00"), Money::ZERO, m("107.49")));
                assert_eq!(s.missing.cents(), 10_749 - s.room.available().cents());
                assert!(s.room.available() < m("107.49"));
                refused += 1;
            }
            Err(e) => panic!("{e:?}"),
        }
    }
    assert_eq!((approved, refused), (22, 42));
    assert_eq!(held(&app, &grant, "equipment").await, 22 * 10_749);
    let rooms = app::purchases::rooms(&app.state, grant.id, None).await.unwrap();
    assert_eq!(rooms[0].available(), m("35.22"));
    Arc::try_unwrap(app).ok().expect("the tasks are done").stop().await;
}

/// An operation of the model test, on the purchase `n % count`.
#[derive(Debug, Clone)]
enum Op {
    /// A new request of this many dollars of equipment and software (under the price that asks for
    /// quotes), submitted.
    Request(i64, i64),
    Approve(usize),
    /// The member amends an approved purchase with new amounts, submits it; the officer decides again.
    Amend(usize, i64, i64),
    Decline(usize),
    Withdraw(usize),
    Cancel(usize),
    /// An approved purchase ordered, received, invoiced at its price, verified and paid; or one whose
    /// payment failed, paid again.
    Pay(usize),
    /// The bank refuses the payment run's line of an approved purchase (carried to verification) or of
    /// one whose payment failed already: it keeps its hold.
    Fail(usize),
    /// Some of a paid purchase's equipment goes back to the vendor: the member records a credit note of
    /// this many dollars before taxes (refused when it gives back more than was spent and not given back
    /// or owed already). Nothing moves until finance confirms it.
    Return(usize, i64),
    /// Finance confirms a recorded credit note: the organism, which the bourse reimbursed, owes it; it is
    /// kept back from the organism's next payment larger than it, or settled by a receipt.
    Confirm(usize),
    /// Finance refuses a recorded credit note: nothing moves.
    Refuse(usize),
    /// Finance records that the organism paid back what it owed on a purchase: the room comes back.
    Settle(usize),
}

fn op() -> impl Strategy<Value = Op> {
    // Weighted so that a purchase is often carried from its request to its payment and back.
    prop_oneof![
        3 => (0i64..300, 0i64..200).prop_map(|(e, s)| Op::Request(e, s)),
        3 => (0usize..20).prop_map(Op::Approve),
        1 => (0usize..20, 0i64..550, 0i64..400).prop_map(|(n, e, s)| Op::Amend(n, e, s)),
        1 => (0usize..20).prop_map(Op::Decline),
        1 => (0usize..20).prop_map(Op::Withdraw),
        1 => (0usize..20).prop_map(Op::Cancel),
        4 => (0usize..20).prop_map(Op::Pay),
        2 => (0usize..20).prop_map(Op::Fail),
        3 => (0usize..20, 1i64..200).prop_map(|(n, d)| Op::Return(n, d)),
        3 => (0usize..20).prop_map(Op::Confirm),
        1 => (0usize..20).prop_map(Op::Refuse),
        1 => (0usize..20).prop_map(Op::Settle),
    ]
}

/// The `n`-th (modulo) of the purchases in these states, so that payments and returns are frequent.
async fn in_states(app: &TestApp, ids: &[PurchaseId], n: usize, states: &[&str]) -> Option<Purchase> {
    let mut found = Vec::new();
    for id in ids {
        let p = app.db().purchase(*id).await.unwrap();
        if states.contains(&p.state.as_str()) {
            found.push(p);
        }
    }
    (!found.is_empty()).then(|| found.swap_remove(n % found.len()))
}

/// The pure model: what each purchase holds and what was spent on it, by category (equipment,
/// software), and the room the award gives.
#[derive(Default)]
struct Model {
    holds: BTreeMap<PurchaseId, (i64, i64)>,
    spent: BTreeMap<PurchaseId, (i64, i64)>,
    /// The credit note each purchase has waiting on finance (what it would give back to equipment).
    pending: BTreeMap<PurchaseId, i64>,
    /// What the organism owes on confirmed credit notes, in the order they were recorded: (purchase,
    /// amount).
    owed: Vec<(PurchaseId, i64)>,
    /// The purchases with a credit note confirmed.
    confirmed: std::collections::BTreeSet<PurchaseId>,
}

fn total(of: &BTreeMap<PurchaseId, (i64, i64)>) -> (i64, i64) {
    of.values().fold((0, 0), |(e, s), (he, hs)| (e + he, s + hs))
}

impl Model {
    fn held(&self) -> (i64, i64) {
        total(&self.holds)
    }

    /// What a purchase's credit notes, recorded or confirmed and not settled, will give back.
    fn coming(&self, id: PurchaseId) -> i64 {
        self.pending.get(&id).copied().unwrap_or(0) + self.owed.iter().filter(|o| o.0 == id).map(|o| o.1).sum::<i64>()
    }

    /// Gives back a settled credit note's amount to its purchase's equipment room.
    fn settle(&mut self, id: PurchaseId, amount: i64) {
        self.spent.get_mut(&id).expect("a returned purchase spent").0 -= amount;
    }

    /// A payment of `cost` to the organism keeps back, oldest first, each credit note smaller than what
    /// is left to pay; it returns what the bank pays.
    fn keep_back(&mut self, cost: i64) -> i64 {
        let mut left = cost;
        let owed = std::mem::take(&mut self.owed);
        for (id, amount) in owed {
            if amount < left {
                left -= amount;
                self.settle(id, amount);
            } else {
                self.owed.push((id, amount));
            }
        }
        left
    }

    /// Whether `cost` fits once `id`'s own hold is set aside.
    fn fits(&self, id: PurchaseId, cost: (i64, i64), committed: (i64, i64)) -> bool {
        let own = self.holds.get(&id).copied().unwrap_or((0, 0));
        let ((e, s), (se, ss)) = (self.held(), total(&self.spent));
        cost.0 <= committed.0 - se - (e - own.0) && cost.1 <= committed.1 - ss - (s - own.1)
    }
}

/// Carries an approved purchase to verification (ordered, received in full, invoiced at its price,
/// verified).
pub(crate) async fn verified(app: &TestApp, member: &Actor, by: octroi::domain::UserId, p: Purchase) -> Purchase {
    use octroi::app::conversation::Upload;
    use octroi::app::purchases::{InvoiceFiles, RawInvoice};
    use octroi::domain::purchase::ReceiptLine;
    let (state, finance) = (&app.state, Actor { id: "finances@test".into(), role: Role::Finance });
    let mut p = app::purchases::fire(state, member, &p, "order", "").await.unwrap();
    let lines = (1..=p.lines.len() as i64)
        .map(|position| {
            let line = &p.lines[position as usize - 1];
            let serials = match line.category {
                LineCategory::Equipment => (0..line.quantity).map(|u| format!("SN-{}-{position}-{u}", p.id)).collect(),
                _ => vec![],
            };
            ReceiptLine { position, quantity: line.quantity, serials }
        })
        .collect();
    p = app::purchases::receive(state, member, by, &p, lines).await.unwrap();
    let pdf = || vec![Upload { file_name: "f.pdf".into(), bytes: b"%PDF-1.4\n".to_vec() }];
    let raw = RawInvoice {
        number: format!("F-{}", p.id),
        date: chrono::Utc::now().date_naive().to_string(),
        lines: p.lines.iter().map(|l| (l.quantity.to_string(), l.unit_price.to_string())).collect(),
    };
    let files = InvoiceFiles { invoice: pdf(), proof: pdf() };
    p = app::purchases::submit_invoice(state, (member, by), &p, raw, files, octroi::domain::NumberStyle::Machine)
        .await
        .unwrap();
    app::purchases::fire(state, &finance, &p, "verify", "").await.unwrap()
}

/// Puts a verified purchase (or one whose payment failed) alone in a payment run, and records the bank's
/// answer for its line: paying and its failure happen only that way.
async fn in_run(app: &TestApp, p: &Purchase, outcome: Outcome, reason: &str) -> Purchase {
    let email = "paie@test.org";
    let by = match app.db().user_by_email(email).await.unwrap() {
        Some(u) => u.id,
        None => app.account(email, octroi::domain::account::AccountRole::Finance, None).await,
    };
    let finance = Actor { id: by.to_string(), role: Role::Finance };
    let run = app::payments::make_run(&app.state, &finance, by, vec![p.id]).await.unwrap();
    let (line, purchase) = app.db().waiting_lines(run).await.unwrap()[0];
    assert_eq!(purchase, p.id);
    app::payments::answer(&app.state, (&finance, by), (run, line), outcome, reason).await.unwrap();
    app.db().purchase(p.id).await.unwrap()
}

/// Carries an approved purchase to verification and a payment run's line, or puts again in a run one
/// whose payment failed; the bank pays it or refuses it (`outcome`).
async fn pay_through(
    app: &TestApp,
    member: &Actor,
    by: octroi::domain::UserId,
    p: Purchase,
    outcome: Outcome,
) -> Purchase {
    let p = if p.state == "approved" { verified(app, member, by, p).await } else { p };
    in_run(app, &p, outcome, "Refusé par la banque").await
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    /// Random requests, approvals, amendments, declines, withdrawals, cancellations, payments and failed
    /// payments on one bourse, against the model: the same answers (approved, or refused for lack of
    /// room), the same holds and spends, `ledger verify` clean.
    #[test]
    fn holds_match_their_model(ops in proptest::collection::vec(op(), 1..60)) {
        let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
        runtime.block_on(async move {
            let app = TestApp::spawn().await;
            let grant = app.grant_in(1, "active").await;
            let committed = (grant.awarded_equipment.unwrap().cents(), grant.awarded_software.unwrap().cents());
            let (member, by) = member(&app, &grant).await;
            let state = &app.state;
            let mut model = Model::default();
            let mut ids: Vec<PurchaseId> = Vec::new();
            let cost = |p: &Purchase| (p.costs.equipment_cost.cents(), p.costs.software_cost.cents());
            let lines = |e: i64, s: i64| {
                let (e, s) = (format!("{e}.00"), format!("{s}.00"));
                let mut l = vec![(LineCategory::Equipment, 1, e.clone()), (LineCategory::Software, 1, s.clone())];
                l.retain(|(_, _, price)| price != "0.00");
                l
            };
            for op in ops {
                let pick = |n: usize| ids.get(n % ids.len().max(1)).copied();
                match op {
                    Op::Request(e, s) => {
                        let l = lines(e, s);
                        let l: Vec<(LineCategory, i64, &str)> = l.iter().map(|(c, q, p)| (*c, *q, p.as_str())).collect();
                        if l.is_empty() { continue; }
                        ids.push(submitted(&app, &grant, request(&l)).await.id);
                    }
                    Op::Pay(n) => {
                        let Some(p) = in_states(&app, &ids, n, &["approved", "payment_failed"]).await else { continue };
                        let id = p.id;
                        let paid = pay_through(&app, &member, by, p, Outcome::Cleared).await;
                        assert_eq!(paid.state, "paid");
                        let cost = model.holds.remove(&id).expect("a purchase paid was held");
                        model.spent.insert(id, cost);
                        let line: i64 = sqlx::query_scalar("SELECT amount_cents FROM payment_run_lines WHERE purchase_id = $1 AND outcome = 'cleared'")
                            .bind(id).fetch_one(app.db().pool()).await.unwrap();
                        assert_eq!(line, model.keep_back(cost.0 + cost.1), "what the bank paid, less what was owed");
                    }
                    Op::Fail(n) => {
                        let Some(p) = in_states(&app, &ids, n, &["approved", "payment_failed"]).await else { continue };
                        let failed = pay_through(&app, &member, by, p, Outcome::Rejected).await;
                        assert_eq!(failed.state, "payment_failed");
                        assert!(model.holds.contains_key(&failed.id), "a purchase whose payment failed keeps its hold");
                    }
                    Op::Return(n, dollars) => {
                        use octroi::app::purchases::RawReturn;
                        let Some(p) = in_states(&app, &ids, n, &["paid", "returned"]).await else { continue };
                        let id = p.id;
                        let line = Line { category: LineCategory::Equipment, description: String::new(), quantity: 1,
                            unit_price: Money::from_cents(dollars * 100) };
                        let back = octroi::domain::purchase::Cost::of(&[line], state.program.purchases.taxes).to_bourse().cents();
                        let raw = RawReturn { number: format!("NC-{id}"), category: "equipment".into(), amount: format!("{dollars}.00"), serials: String::new(), reason: "Rendu".into() };
                        let note = vec![octroi::app::conversation::Upload { file_name: "nc.pdf".into(), bytes: b"%PDF-1.4\n".to_vec() }];
                        let got = app::purchases::record_return(state, (&member, by), &p, raw, note, octroi::domain::NumberStyle::Machine).await;
                        let left = model.spent[&id].0 - model.coming(id);
                        match got {
                            Ok(after) if back <= left => {
                                assert_eq!(after.state, "return_recorded");
                                model.pending.insert(id, back);
                            }
                            Err(AppError::Invalid(e)) if back > left => assert_eq!(e[0].field, "return_amount"),
                            other => panic!("a return of {back} on {left} left to give back: {other:?}"),
                        }
                    }
                    Op::Confirm(n) | Op::Refuse(n) | Op::Settle(n) => {
                        let states: &[&str] = if matches!(op, Op::Settle(_)) { &["returned", "paid"] } else { &["return_recorded"] };
                        let Some(p) = in_states(&app, &ids, n, states).await else { continue };
                        let id = p.id;
                        let finance = Actor { id: "paie@test.org".into(), role: Role::Finance };
                        let (event, reason) = match op {
                            Op::Confirm(_) => ("confirm_return", ""),
                            Op::Refuse(_) => ("refuse_return", "Note de crédit illisible."),
                            _ => ("settle_return", "Chèque 1042 reçu."),
                        };
                        let got = app::purchases::fire(state, &finance, &p, event, reason).await;
                        let owes = model.owed.iter().any(|o| o.0 == id);
                        match (event, got) {
                            ("confirm_return", Ok(after)) => {
                                assert_eq!(after.state, "returned");
                                let amount = model.pending.remove(&id).expect("a credit note waited");
                                model.owed.push((id, amount));
                                model.confirmed.insert(id);
                            }
                            ("refuse_return", Ok(after)) => {
                                model.pending.remove(&id).expect("a credit note waited");
                                assert_eq!(after.state, if model.confirmed.contains(&id) { "returned" } else { "paid" });
                            }
                            ("settle_return", Ok(after)) if owes => {
                                assert_eq!(after.state, "returned");
                                let (mine, others) = std::mem::take(&mut model.owed).into_iter().partition(|o| o.0 == id);
                                model.owed = others;
                                for (id, amount) in mine as Vec<(PurchaseId, i64)> {
                                    model.settle(id, amount);
                                }
                            }
                            ("settle_return", Err(AppError::Storage(StorageError::Refused { .. }))) if !owes => {}
                            (event, got) => panic!("{event} from {} (owes: {owes}): {got:?}", p.state),
                        }
                    }
                    Op::Approve(n) | Op::Amend(n, ..) | Op::Decline(n) | Op::Withdraw(n) | Op::Cancel(n) => {
                        // An approval is most often of a request waiting on one (an even `n`), so that
                        // purchases go on to their payment; else of any purchase, where it may be refused.
                        let waiting = match op {
                            Op::Approve(n) if n % 2 == 0 => in_states(&app, &ids, n / 2, &["submitted", "in_review"]).await,
                            _ => None,
                        };
                        let Some(id) = waiting.map(|p| p.id).or(pick(n)) else { continue };
                        let mut p = app.db().purchase(id).await.unwrap();
                        let (event, actor) = match &op {
                            Op::Approve(_) => ("approve", officer()),
                            Op::Decline(_) => ("decline", officer()),
                            Op::Withdraw(_) => ("withdraw", member.clone()),
                            Op::Cancel(_) => ("cancel", member.clone()),
                            Op::Amend(_, e, s) => {
                                let l = lines(*e, *s);
                                let l: Vec<(LineCategory, i64, &str)> = l.iter().map(|(c, q, pr)| (*c, *q, pr.as_str())).collect();
                                if p.state != "approved" || l.is_empty() { continue; }
                                p = app::purchases::fire(state, &member, &p, "amend", "Le prix a changé.").await.unwrap();
                                p = app::purchases::save(state, &member, p.id, p.version, request(&l)).await.unwrap();
                                p = app::purchases::fire(state, &member, &p, "submit", "").await.unwrap();
                                ("approve", officer())
                            }
                            Op::Request(..) | Op::Pay(_) | Op::Fail(_) | Op::Return(..) | Op::Confirm(_) | Op::Refuse(_)
                            | Op::Settle(_) => unreachable!(),
                        };
                        let allowed = state.purchase_workflow().allows(&p.state, actor.role, event);
                        let got = app::purchases::fire(state, &actor, &p, event, "Une raison.").await;
                        match (allowed, event, got) {
                            (false, _, Err(AppError::Storage(StorageError::Refused { .. }))) => {}
                            (true, "approve", Ok(after)) => {
                                assert!(model.fits(id, cost(&after), committed), "approved beyond the room");
                                model.holds.insert(id, cost(&after));
                            }
                            (true, "approve", Err(AppError::Storage(StorageError::NoRoom(short)))) => {
                                assert!(!short.is_empty());
                                assert!(!model.fits(id, cost(&p), committed), "refused though it fits");
                            }
                            (true, _, Ok(_)) => {
                                model.holds.remove(&id);
                            }
                            // Cancelling after a failed payment: allowed, and the hold goes.
                            (allowed, event, got) => panic!("{event} (allowed: {allowed}) from {}: {got:?}", p.state),
                        }
                    }
                }
                let (e, s) = model.held();
                assert_eq!((held(&app, &grant, "equipment").await, held(&app, &grant, "software").await), (e, s));
                let rooms = app::purchases::rooms(state, grant.id, None).await.unwrap();
                assert_eq!((rooms[0].spent.cents(), rooms[1].spent.cents()), total(&model.spent));
                assert_eq!(app.db().ledger_verify_against(&state.program).await.unwrap(), Vec::<String>::new());
            }
            app.stop().await;
        });
    }
}

/// Holds cannot be changed nor deleted, on either database; `ledger verify` checks them and catches a
/// hold altered with the protection removed.
#[tokio::test]
async fn holds_are_append_only_and_verified() {
    let app = TestApp::spawn().await;
    let grant = app.grant_in(1, "active").await;
    let p = submitted(&app, &grant, request(&[(LineCategory::Equipment, 1, "100.00")])).await;
    app::purchases::fire(&app.state, &officer(), &p, "approve", "").await.unwrap();
    for statement in ["UPDATE purchase_holds SET amount_cents = 1", "DELETE FROM purchase_holds"] {
        let refused = sqlx::query(statement).execute(app.db().pool()).await.unwrap_err();
        assert!(refused.to_string().contains("append-only"), "{statement}: {refused}");
    }
    let program = app.state.program.clone();
    let p = submitted(&app, &grant, request(&[(LineCategory::Equipment, 1, "500.00")])).await;
    let p = app::purchases::fire(&app.state, &officer(), &p, "approve", "").await.unwrap();
    app::purchases::fire(&app.state, &officer(), &p, "cancel", "Commande annulée.").await.unwrap();
    assert_eq!(app.db().ledger_verify_against(&program).await.unwrap(), Vec::<String>::new());
    let disable = match app.db().backend() {
        octroi::storage::Backend::Sqlite => "DROP TRIGGER purchase_holds_no_update",
        octroi::storage::Backend::Postgres => "ALTER TABLE purchase_holds DISABLE TRIGGER purchase_holds_no_change",
    };
    sqlx::query(disable).execute(app.db().pool()).await.unwrap();
    // The lift now settles less than its hold, and another hold takes more than the bourse has.
    sqlx::query("UPDATE purchase_holds SET amount_cents = 100 WHERE kind = 'lift'")
        .execute(app.db().pool())
        .await
        .unwrap();
    sqlx::query("UPDATE purchase_holds SET amount_cents = 300000 WHERE id = 1").execute(app.db().pool()).await.unwrap();
    let problems = app.db().ledger_verify_against(&program).await.unwrap();
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert!(problems[0].contains("does not settle hold"), "{problems:?}");
    assert!(
        problems[1].contains("equipment holds 3000.00 and spent 0.00, more than its commitments hold (2400.00)"),
        "{problems:?}"
    );
    app.stop().await;
}

/// The purchase's path in a redirect (`/purchases/7/edit` → 7).
fn purchase_in(location: &str) -> PurchaseId {
    PurchaseId(location.trim_start_matches("/purchases/").split(['/', '?']).next().unwrap().parse().unwrap())
}

/// A member asks for a laptop on the web, with the mistakes people make (an amount written the English
/// way on a French page, three decimals, a quantity of 0, a missing reason, no quotes, a program named
/// devis.pdf): each refused with its field named, everything typed kept, nothing saved. With two quotes
/// the request goes; another organism's member, a reviewer of the grant and finance cannot act on it;
/// the officer sees the breakdown, a stale version is refused, the approval holds the cost, and a second
/// request beyond the room is refused with what is missing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_member_requests_a_laptop_on_the_web_and_the_officer_approves_it() {
    use crate::common::{Browser, PASSWORD};
    let app = TestApp::spawn().await;
    let grant = app.grant_in(1, "active").await;
    let member = Browser::new(&app);
    let csrf = member.sign_in("membre1@test.org", PASSWORD).await;
    let list = member.get(&format!("/grants/{}/purchases", grant.id)).await.text().await.unwrap();
    assert!(list.contains("Ce qui reste de la bourse") && list.contains("2\u{a0}400,00\u{a0}$"), "{list}");
    let r = member.post_form(&format!("/grants/{}/purchases", grant.id), &csrf, &[]).await;
    assert_eq!(r.status(), 303);
    let location = r.headers()["location"].to_str().unwrap().to_string();
    let id = purchase_in(&location);
    let edit = format!("/purchases/{id}/edit");
    let line = |price: &'static str, quantity: &'static str| {
        vec![
            ("line_category", "equipment"),
            ("line_description", "Portable 14 pouces"),
            ("line_quantity", quantity),
            ("line_unit_price", price),
        ]
    };
    let mut fields = vec![("version", "1"), ("action", "send"), ("vendor_name", "Coop informatique")];
    fields.extend(line("1,299.99", "1"));
    fields.extend(line("12,345", "0"));
    fields.push(("vendor_gst", "12345"));
    let r = member.post_form(&edit, &csrf, &fields).await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    for expected in [
        "Ligne 1 — Prix unitaire",
        "Ligne 2 — Quantité",
        "Ligne 2 — Prix unitaire",
        "TPS 123456789 RT 0001",
        "value=\"1,299.99\"",
        "value=\"Coop informatique\"",
    ] {
        assert!(html.contains(expected), "{expected}: {html}");
    }
    assert_eq!(app.db().purchase(id).await.unwrap().version, 1, "nothing saved");
    // Written right, but without its reason and quotes: saved, not sent.
    let mut fields = vec![("version", "1"), ("action", "send"), ("vendor_name", "Coop informatique")];
    fields.extend(line("1 299,99", "1"));
    let r = member.post_form(&edit, &csrf, &fields).await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("Pourquoi cet achat") && html.contains("joignez au moins 2 soumissions"), "{html}");
    let p = app.db().purchase(id).await.unwrap();
    assert_eq!((p.state.as_str(), p.costs.price), ("draft", m("1299.99")));
    // Quotes: a program named devis.pdf is refused, two PDFs are attached.
    let docs = format!("/purchases/{id}/documents");
    let r = member.post_files(&docs, &csrf, &[], &[("documents", "devis.pdf", b"#!/bin/sh\nrm -rf /\n")]).await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("devis.pdf"));
    // Issue 22, items 8 and 11: two quotes of 3 MB each (a page took only 2 MB: "Formulaire expiré"),
    // polyglots (a PDF that is also HTML) named as another kind: stored, and named as PDFs.
    let mut quote = b"%PDF-1.4\n% Soumission\n".to_vec();
    quote.resize(3 * 1024 * 1024, b' ');
    quote.extend_from_slice(b"<html><script>alert(1)</script></html>");
    let r = member
        .post_files(
            &docs,
            &csrf,
            &[],
            &[("documents", "devis-coop.html", &quote), ("documents", "devis-2.pdf.cmd", &quote)],
        )
        .await;
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
    let stored = app.db().documents_of_purchase(id).await.unwrap();
    let names: Vec<&str> = stored.iter().map(|d| d.file_name.as_str()).collect();
    assert_eq!(names, ["devis-coop.pdf", "devis-2.pdf"]);
    let r = member.get(&format!("/documents/{}", stored[0].id)).await;
    let disposition = r.headers()["content-disposition"].to_str().unwrap().to_string();
    assert!(disposition.contains("filename=\"devis-coop.pdf\""), "{disposition}");
    let mut fields = vec![
        ("version", "2"),
        ("action", "send"),
        ("vendor_name", "Coop informatique"),
        ("justification", "Notre seul poste a dix ans."),
    ];
    fields.extend(line("1 299,99", "1"));
    let r = member.post_form(&edit, &csrf, &fields).await;
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
    let p = app.db().purchase(id).await.unwrap();
    assert_eq!(p.state, "submitted");
    // Nobody else's to act on.
    let show = format!("/purchases/{id}");
    let outsider = crate::common::Browser::new(&app);
    app.grant_in(2, "active").await;
    let outsider_csrf = outsider.sign_in("membre2@test.org", PASSWORD).await;
    assert_eq!(outsider.get(&show).await.status(), 403);
    let v = p.version.to_string();
    let approve = [("version", v.as_str()), ("event", "approve")];
    let r = outsider.post_form(&format!("{show}/transitions"), &outsider_csrf, &approve).await;
    assert_eq!(r.status(), 403);
    for (email, role) in [
        ("relecteur-achats@test.org", octroi::domain::account::AccountRole::Reviewer),
        ("finances@test.org", octroi::domain::account::AccountRole::Finance),
    ] {
        let user = app.account(email, role, None).await;
        // A reviewer of the grant itself, when the rules let them be assigned now.
        let _ = app.assign(grant.id, user).await;
        let b = crate::common::Browser::new(&app);
        let c = b.sign_in(email, PASSWORD).await;
        let r = b.post_form(&format!("{show}/transitions"), &c, &approve).await;
        assert!(r.status() == 403, "{email}: {}", r.status());
    }
    // The member cannot approve their own request: the workflow says so.
    let r = member.post_form(&format!("{show}/transitions"), &csrf, &approve).await;
    assert_eq!(r.status(), 403);
    // The officer: the breakdown beside the decision, a stale version refused, then approved.
    let officer = crate::common::Browser::new(&app);
    app.account("agente@test.org", octroi::domain::account::AccountRole::ProgramOfficer, None).await;
    let oc = officer.sign_in("agente@test.org", PASSWORD).await;
    let queue = officer.get("/purchases").await.text().await.unwrap();
    assert!(queue.contains(&format!("/purchases/{id}")), "{queue}");
    let page = officer.get(&show).await.text().await.unwrap();
    assert!(page.contains("Cet achat") && page.contains("1\u{a0}397,32\u{a0}$"), "{page}");
    let r = officer.post_form(&format!("{show}/transitions"), &oc, &[("version", "1"), ("event", "approve")]).await;
    assert_eq!(r.status(), 409);
    let r = officer.post_form(&format!("{show}/transitions"), &oc, &approve).await;
    assert_eq!(r.status(), 303);
    assert_eq!(app.db().purchase(id).await.unwrap().state, "approved");
    assert_eq!(held(&app, &grant, "equipment").await, 139_732);
    // A second laptop (1 021,13 $ with its taxes) does not fit in what is left (1 002,68 $): refused with
    // the figures.
    let (member_actor, by) = member_of(&app, &grant).await;
    let second = app::purchases::start(
        &app.state,
        &member_actor,
        by,
        &grant,
        request(&[(LineCategory::Equipment, 1, "950.00")]),
    )
    .await;
    let second = app::purchases::fire(&app.state, &member_actor, &second.unwrap(), "submit", "").await.unwrap();
    let v = second.version.to_string();
    let r = officer
        .post_form(&format!("/purchases/{}/transitions", second.id), &oc, &[("version", &v), ("event", "approve")])
        .await;
    assert_eq!(r.status(), 409);
    let html = r.text().await.unwrap();
    assert!(html.contains("disponible 1\u{a0}002,68\u{a0}$") && html.contains("il manque 18,45\u{a0}$"), "{html}");
    assert_eq!(app.db().purchase(second.id).await.unwrap().state, "submitted");
    app.stop().await;
}

/// The API runs the same use cases: a member starts and submits a request with JSON (amounts as
/// `"1234.56"` only), the officer approves it, and an approval beyond the room is a 409 whose body says,
/// per category, what is committed, spent, held and available, what is asked and what is missing.
#[tokio::test]
async fn the_api_requests_and_approves_with_the_breakdown_on_refusal() {
    use serde_json::{Value, json};
    let app = TestApp::spawn().await;
    let grant = app.grant_in(1, "active").await;
    let member = app.member_token(grant.organism_id).await;
    let body = |price: &str| {
        json!({ "vendor_name": "Coop informatique", "justification": "Poste d'accueil.",
                "lines": [{ "category": "equipment", "description": "Portable", "quantity": 1, "unit_price": price }] })
    };
    let path = format!("/api/v1/grants/{}/purchases", grant.id);
    let r = app.post_as(&member, &path, &body("1 299,99")).await;
    assert_eq!(r.status(), 422, "the API takes 1299.99 only");
    let r = app.post_as(&member, &path, &body("899.00")).await;
    assert_eq!(r.status(), 201);
    let p: Value = r.json().await.unwrap();
    assert_eq!(
        (p["cost"].as_str(), p["gst"].as_str(), p["qst"].as_str()),
        (Some("966.31"), Some("44.95"), Some("89.68"))
    );
    let id = p["id"].as_i64().unwrap();
    let fire = |event: &str, version: i64| json!({ "event": event, "version": version, "reason": "" });
    let r = app.post_as(&member, &format!("/api/v1/purchases/{id}/transitions"), &fire("submit", 1)).await;
    assert_eq!(r.status(), 200);
    let officer = app.token("program_officer").await;
    let r = app.post_as(&officer, &format!("/api/v1/purchases/{id}/transitions"), &fire("approve", 2)).await;
    assert_eq!(r.status(), 200);
    // Two more of the same (966,31 $ each, under the price that asks for quotes): 2 400,00 $ holds two,
    // the third lacks 498,93 $ (467,38 $ left).
    let mut last = Value::Null;
    for expected in [200, 409] {
        let r = app.post_as(&member, &path, &body("899.00")).await;
        let next: Value = r.json().await.unwrap();
        let nid = next["id"].as_i64().unwrap();
        let r = app.post_as(&member, &format!("/api/v1/purchases/{nid}/transitions"), &fire("submit", 1)).await;
        assert_eq!(r.status(), 200);
        let r = app.post_as(&officer, &format!("/api/v1/purchases/{nid}/transitions"), &fire("approve", 2)).await;
        assert_eq!(r.status(), expected);
        last = r.json().await.unwrap();
    }
    assert_eq!(last["code"], "bourse-lacks-room");
    let s = &last["shortfalls"][0];
    assert_eq!(
        (s["category"].as_str(), s["committed"].as_str(), s["held"].as_str(), s["available"].as_str()),
        (Some("equipment"), Some("2400.00"), Some("1932.62"), Some("467.38"))
    );
    assert_eq!((s["requested"].as_str(), s["missing"].as_str()), (Some("966.31"), Some("498.93")));
    let listed: Value = app.get_as(&member, &path).await.json().await.unwrap();
    assert_eq!(listed["balance"][0]["available"], "467.38");
    assert_eq!(listed["purchases"].as_array().unwrap().len(), 3);
    let other = app.grant_in(2, "active").await;
    let outsider = app.member_token(other.organism_id).await;
    assert_eq!(app.get_as(&outsider, &format!("/api/v1/purchases/{id}")).await.status(), 403);
    app.stop().await;
}

/// The money path, through the use cases: approved, ordered, received in two parts (a serial number per
/// laptop), invoiced within the tolerance with the invoice and the proof of payment, verified and paid
/// by finance in a payment run, only there: the ledger spends the invoice's cost on the grant's equipment
/// commitment, dated by the invoice and naming the purchase, the hold is spent, `ledger verify` is clean.
/// A run's line the bank refused keeps the hold; paid in the next run, the books add up. The same invoice number
/// for the same vendor is refused, as is an invoice dated before the award.
#[tokio::test]
async fn a_purchase_is_received_invoiced_verified_paid_and_its_payment_can_fail() {
    use octroi::app::conversation::Upload;
    use octroi::app::purchases::{InvoiceFiles, RawInvoice};
    use octroi::domain::NumberStyle;
    use octroi::domain::purchase::ReceiptLine;
    let app = TestApp::spawn().await;
    let state = &app.state;
    let grant = app.grant_in(1, "active").await;
    let (member, by) = member(&app, &grant).await;
    let finance = Actor { id: "finances@test".into(), role: Role::Finance };
    let p = submitted(&app, &grant, request(&[(LineCategory::Equipment, 2, "449.00")])).await;
    let p = app::purchases::fire(state, &officer(), &p, "approve", "").await.unwrap();
    let p = app::purchases::fire(state, &member, &p, "order", "").await.unwrap();
    let receipt = |serials: &[&str]| {
        vec![ReceiptLine {
            position: 1,
            quantity: serials.len() as i64,
            serials: serials.iter().map(|s| s.to_string()).collect(),
        }]
    };
    let refused = app::purchases::receive(
        state,
        &member,
        by,
        &p,
        vec![ReceiptLine { position: 1, quantity: 1, serials: vec![] }],
    )
    .await;
    assert!(matches!(&refused, Err(AppError::Invalid(e)) if e[0].field == "lines[0].serials"), "{refused:?}");
    let p = app::purchases::receive(state, &member, by, &p, receipt(&["PF3X1"])).await.unwrap();
    assert_eq!(p.state, "partially_received");
    let refused = app::purchases::receive(state, &member, by, &p, receipt(&["PF3X2", "PF3X3"])).await;
    assert!(matches!(&refused, Err(AppError::Invalid(e)) if e[0].field == "lines[0].quantity"), "{refused:?}");
    let p = app::purchases::receive(state, &member, by, &p, receipt(&["PF3X2"])).await.unwrap();
    assert_eq!(p.state, "received");
    let pdf = || vec![Upload { file_name: "facture.pdf".into(), bytes: b"%PDF-1.4\n% facture\n".to_vec() }];
    let files = || InvoiceFiles { invoice: pdf(), proof: pdf() };
    let today = chrono::Utc::now().date_naive().to_string();
    let invoice = |number: &str, date: &str, price: &str| RawInvoice {
        number: number.into(),
        date: date.into(),
        lines: vec![("2".into(), price.into())],
    };
    let early = app::purchases::submit_invoice(
        state,
        (&member, by),
        &p,
        invoice("F-1", "2020-01-01", "449.00"),
        files(),
        NumberStyle::Machine,
    )
    .await;
    assert!(matches!(&early, Err(AppError::Invalid(e)) if e[0].field == "invoice_date"), "{early:?}");
    // 2 × 455,00 $ is 1,3 % above what was approved: within the 5 % tolerance.
    let p = app::purchases::submit_invoice(
        state,
        (&member, by),
        &p,
        invoice("F-1", &today, "455.00"),
        files(),
        NumberStyle::Machine,
    )
    .await
    .unwrap();
    assert_eq!(p.state, "invoiced");
    assert_eq!(held(&app, &grant, "equipment").await, 97_813, "held for what the invoice costs");
    // The transition taken is announced, not another one of the same event: nobody is told that this
    // invoice needs a new approval.
    let subjects: Vec<String> =
        sqlx::query_scalar("SELECT subject FROM outbox").fetch_all(app.db().pool()).await.unwrap();
    assert!(!subjects.iter().any(|s| s.contains("nouvelle approbation") || s.contains("new approval")), "{subjects:?}");
    // Finance finds it in its queue, with the invoice to verify.
    app.account("tresorerie@test.org", octroi::domain::account::AccountRole::Finance, None).await;
    let browser = crate::common::Browser::new(&app);
    browser.sign_in("tresorerie@test.org", crate::common::PASSWORD).await;
    let queue = browser.get("/purchases").await.text().await.unwrap();
    assert!(queue.contains(&format!("/purchases/{}", p.id)) && queue.contains("Facturée"), "{queue}");
    let p = app::purchases::fire(state, &finance, &p, "verify", "").await.unwrap();
    // Neither paying nor its failure can be fired outside a payment run's line, and no page offers them.
    for event in ["pay", "fail_payment"] {
        let refused = app::purchases::fire(state, &finance, &p, event, "Virement direct").await.unwrap_err();
        assert!(matches!(refused, AppError::Storage(StorageError::CommandRequired { .. })), "{event}: {refused:?}");
    }
    let page = browser.get(&format!("/purchases/{}", p.id)).await.text().await.unwrap();
    assert!(!page.contains("value=\"pay\"") && !page.contains("value=\"fail_payment\""), "{page}");
    // The bank refuses the first run's line: the purchase keeps its hold and waits for the next run.
    let p = in_run(&app, &p, Outcome::Rejected, "Compte fermé").await;
    assert_eq!(p.state, "payment_failed");
    assert_eq!(held(&app, &grant, "equipment").await, 97_813);
    assert_eq!(app.db().ledger_verify_against(&state.program).await.unwrap(), Vec::<String>::new());
    let p = in_run(&app, &p, Outcome::Cleared, "").await;
    assert_eq!(p.state, "paid");
    // 910,00 $ + TPS 45,50 $ + TVQ 90,77 $ − remboursement 68,14 $ = 978,13 $.
    let spends: Vec<(String, i64, Option<String>)> =
        sqlx::query_as("SELECT kind, amount_cents, value_date FROM ledger_entries WHERE purchase_id = $1 ORDER BY id")
            .bind(p.id)
            .fetch_all(app.db().pool())
            .await
            .unwrap();
    assert_eq!(spends, vec![("spend".to_string(), 97_813, Some(today.clone()))]);
    assert_eq!(held(&app, &grant, "equipment").await, 0, "the hold is spent");
    let room = app::purchases::rooms(state, grant.id, None).await.unwrap()[0];
    assert_eq!((room.spent, room.held, room.available()), (m("978.13"), Money::ZERO, m("1421.87")));
    assert_eq!(app.db().ledger_verify_against(&state.program).await.unwrap(), Vec::<String>::new());
    // An invoice changed behind octroi's back no longer matches what the ledger paid: verify says so.
    sqlx::query("UPDATE purchase_invoices SET cost_cents = cost_cents + 1").execute(app.db().pool()).await.unwrap();
    let problems = app.db().ledger_verify_against(&state.program).await.unwrap();
    assert_eq!(
        problems,
        [
            format!("purchase {}: spent 978.13, its invoice less its returns costs 978.14", p.id),
            format!("payment line 1 (purchase {}) pays 978.13 and keeps back 0.00, not its invoice's cost", p.id),
            format!("payment line 2 (purchase {}) pays 978.13 and keeps back 0.00, not its invoice's cost", p.id),
        ]
    );
    sqlx::query("UPDATE purchase_invoices SET cost_cents = cost_cents - 1").execute(app.db().pool()).await.unwrap();
    // The same invoice number from the same vendor, on another purchase of the organism: refused.
    let q = submitted(&app, &grant, request(&[(LineCategory::Software, 1, "100.00")])).await;
    let q = app::purchases::fire(state, &officer(), &q, "approve", "").await.unwrap();
    let q = app::purchases::fire(state, &member, &q, "order", "").await.unwrap();
    let line = vec![ReceiptLine { position: 1, quantity: 1, serials: vec![] }];
    let q = app::purchases::receive(state, &member, by, &q, line).await.unwrap();
    let twice = RawInvoice { number: " F-1 ".into(), date: today.clone(), lines: vec![("1".into(), "100.00".into())] };
    let again = app::purchases::submit_invoice(state, (&member, by), &q, twice, files(), NumberStyle::Machine).await;
    assert!(matches!(&again, Err(AppError::Invalid(e)) if e[0].field == "invoice_number"), "{again:?}");
    app.stop().await;
}

/// A laptop of 900,00 $ (967,39 $ to the bourse) approved, ordered and received (serial `SN-9`).
async fn laptop_received(app: &TestApp, grant: &Grant) -> Purchase {
    let p = received_from(app, grant, "Coop informatique", "900.00", "SN-9").await;
    assert_eq!(p.costs.cost, m("967.39"));
    p
}

/// One unit of equipment at `price` from `vendor`, approved, ordered and received (serial `serial`).
async fn received_from(app: &TestApp, grant: &Grant, vendor: &str, price: &str, serial: &str) -> Purchase {
    use octroi::domain::purchase::ReceiptLine;
    let (state, (member, by)) = (&app.state, member(app, grant).await);
    let mut r = request(&[(LineCategory::Equipment, 1, price)]);
    r.vendor.name = vendor.into();
    let p = submitted(app, grant, r).await;
    let p = app::purchases::fire(state, &officer(), &p, "approve", "").await.unwrap();
    let p = app::purchases::fire(state, &member, &p, "order", "").await.unwrap();
    let line = vec![ReceiptLine { position: 1, quantity: 1, serials: vec![serial.into()] }];
    app::purchases::receive(state, &member, by, &p, line).await.unwrap()
}

/// Issue 22, item 9: a reason that is only invisible characters (a zero-width space, a byte-order mark,
/// a right-to-left override) says nothing: a change request needs a visible one; the purchase stays.
#[tokio::test]
async fn a_reason_must_say_something_visible() {
    use octroi::app::{AppError, FieldProblem};
    let app = TestApp::spawn().await;
    let grant = app.grant_in(1, "active").await;
    let p = submitted(&app, &grant, request(&[(LineCategory::Equipment, 1, "100.00")])).await;
    for blank in ["\u{200B}", " \u{FEFF}\u{2060} ", "\u{202E}", "\u{3164}"] {
        let refused = app::purchases::fire(&app.state, &officer(), &p, "request_changes", blank).await.unwrap_err();
        let AppError::Invalid(fields) = &refused else { panic!("{blank:?}: {refused:?}") };
        assert!(fields.iter().any(|e| e.field == "reason" && e.problem == FieldProblem::Required), "{fields:?}");
    }
    assert_eq!(app.db().purchase(p.id).await.unwrap().state, "submitted");
    let p = app::purchases::fire(&app.state, &officer(), &p, "request_changes", "\u{200B}Le prix ?").await.unwrap();
    assert_eq!(p.state, "changes_requested");
}

/// Issue 22, item 19: the officer's reason is the first thing the member reads on the purchase's page
/// and on its edit page (it was only in the history's last column, off-screen on a phone, and the edit
/// page never showed it).
#[tokio::test]
async fn the_officers_last_reason_heads_the_purchase_and_its_edit_page() {
    use crate::common::{Browser, PASSWORD};
    let app = TestApp::spawn().await;
    let grant = app.grant_in(1, "active").await;
    let p = submitted(&app, &grant, request(&[(LineCategory::Equipment, 1, "100.00")])).await;
    let reason = "Le prix du portable semble élevé : joignez une deuxième soumission.";
    app::purchases::fire(&app.state, &officer(), &p, "request_changes", reason).await.unwrap();
    let member = Browser::new(&app);
    member.sign_in(&format!("acheteur{}@test.org", grant.organism_id), PASSWORD).await;
    for page in [format!("/purchases/{}", p.id), format!("/purchases/{}/edit", p.id)] {
        let html = member.get(&page).await.text().await.unwrap();
        let (heading, said) = (html.find("id=\"asked-heading\""), html.find("deuxième soumission"));
        assert!(heading.is_some() && said.is_some(), "{page}: {html}");
        assert!(html.contains("Demande de modifications, le "), "{page}: {html}");
        let first_form = html.find("<form method=\"post\" action=\"/purchases/").unwrap();
        assert!(said.unwrap() < first_form, "{page}: the reason comes before the forms");
    }
}

/// Issue 22, item 17: a serial number typed twice in one receipt is refused (nothing received), as meant
/// (`sn-7` is `SN-07`); one that another receipt of the organism already has is received, and flagged
/// in the register on both units.
#[tokio::test]
async fn a_serial_number_is_refused_twice_in_a_receipt_and_flagged_twice_in_the_register() {
    use octroi::app::{AppError, FieldProblem};
    use octroi::domain::purchase::ReceiptLine;
    let app = TestApp::spawn().await;
    let state = &app.state;
    let grant = app.grant_in(1, "active").await;
    let (member, by) = member(&app, &grant).await;
    let p = submitted(&app, &grant, request(&[(LineCategory::Equipment, 2, "100.00")])).await;
    let p = app::purchases::fire(state, &officer(), &p, "approve", "").await.unwrap();
    let p = app::purchases::fire(state, &member, &p, "order", "").await.unwrap();
    let twice = vec![ReceiptLine { position: 1, quantity: 2, serials: vec!["SN-07".into(), " sn 7".into()] }];
    let refused = app::purchases::receive(state, &member, by, &p, twice).await.unwrap_err();
    let AppError::Invalid(fields) = &refused else { panic!("{refused:?}") };
    assert!(
        fields
            .iter()
            .any(|e| e.field == "lines[0].serials" && matches!(e.problem, FieldProblem::DuplicateSerial { .. })),
        "{fields:?}"
    );
    assert_eq!(app.db().purchase_progress(&p).await.unwrap().received, vec![0], "nothing received");
    let two = vec![ReceiptLine { position: 1, quantity: 2, serials: vec!["SN-07".into(), "SN-08".into()] }];
    app::purchases::receive(state, &member, by, &p, two).await.unwrap();
    received_from(&app, &grant, "Coop informatique", "100.00", "sn-7").await;
    let flagged: Vec<(String, bool)> =
        app.db().assets(Some(grant.organism_id)).await.unwrap().into_iter().map(|a| (a.serial, a.repeated)).collect();
    assert_eq!(flagged, [("SN-07".to_string(), true), ("SN-08".to_string(), false), ("sn-7".to_string(), true)]);
}

/// Issue 22, item 4: one invoice cannot back two purchases of an organism however its number or its
/// vendor's name is typed; the same number under a name that is not the same key is accepted, and finance
/// sees the first beside it when it verifies.
#[tokio::test]
async fn an_invoice_number_is_compared_as_meant_and_finance_sees_the_near_ones() {
    use octroi::app::purchases::RawInvoice;
    use octroi::app::{AppError, FieldProblem};
    let app = TestApp::spawn().await;
    let state = &app.state;
    let grant = app.grant_in(1, "active").await;
    let (member, by) = member(&app, &grant).await;
    let today = chrono::Utc::now().date_naive().to_string();
    let submit = async |p: &Purchase, number: &str| {
        let raw = RawInvoice { number: number.into(), date: today.clone(), lines: vec![("1".into(), "100,00".into())] };
        app::purchases::submit_invoice(
            state,
            (&member, by),
            p,
            raw,
            invoice_files(),
            octroi::domain::NumberStyle::French,
        )
        .await
    };
    let first = received_from(&app, &grant, "Probe Vendor", "100.00", "SN-1").await;
    submit(&first, "DUP-X-1").await.unwrap();
    let second = received_from(&app, &grant, " probe  vendor.", "100.00", "SN-2").await;
    for typed in ["DUP-X-1", "dup-x-1", "DUP\u{2010}X\u{2010}1", "DUP-X-1\u{200B}", "DUP X 1", "DUP-X-01"] {
        let refused = submit(&second, typed).await.unwrap_err();
        let AppError::Invalid(fields) = &refused else { panic!("{typed:?}: {refused:?}") };
        assert!(
            fields.iter().any(|e| e.field == "invoice_number" && e.problem == FieldProblem::DuplicateInvoice),
            "{typed:?}: {fields:?}"
        );
    }
    assert_eq!(app.db().purchase(second.id).await.unwrap().state, "received", "nothing recorded");
    let other = submit(&second, "DUP-X-2").await.unwrap();
    let third = received_from(&app, &grant, "Próbe Vendor", "100.00", "SN-3").await;
    let third = submit(&third, "DUP-X-1").await.unwrap();
    let similar = app.db().purchase_progress(&third).await.unwrap().similar;
    assert_eq!(
        similar.iter().map(|s| (s.purchase_id, s.same_key)).collect::<Vec<_>>(),
        vec![(first.id, true)],
        "the same number under another name, not DUP-X-2 ({})",
        other.id
    );
    assert_eq!(app.db().ledger_verify_against(&state.program).await.unwrap(), Vec::<String>::new());
}

/// An invoice's files: the invoice and the proof of payment, each a PDF.
fn invoice_files() -> octroi::app::purchases::InvoiceFiles {
    use octroi::app::conversation::Upload;
    let pdf = || vec![Upload { file_name: "f.pdf".into(), bytes: b"%PDF-1.4\n".to_vec() }];
    octroi::app::purchases::InvoiceFiles { invoice: pdf(), proof: pdf() }
}

/// An invoice above the tolerance goes back to the program officer, whose approval holds what the
/// invoice costs and sends it on to finance.
#[tokio::test]
async fn an_invoice_above_the_tolerance_needs_a_new_approval_of_what_it_costs() {
    use octroi::app::purchases::RawInvoice;
    let app = TestApp::spawn().await;
    let state = &app.state;
    let grant = app.grant_in(1, "active").await;
    let (member, by) = member(&app, &grant).await;
    let p = laptop_received(&app, &grant).await;
    let today = chrono::Utc::now().date_naive().to_string();
    // 900,00 $ costs 967,39 $; 960,00 $ costs 1 031,88 $: 64,49 $ more, above 5 % (48,36 $).
    let raw = RawInvoice { number: "A-7".into(), date: today, lines: vec![("1".into(), "960,00".into())] };
    let p = app::purchases::submit_invoice(
        state,
        (&member, by),
        &p,
        raw,
        invoice_files(),
        octroi::domain::NumberStyle::French,
    )
    .await
    .unwrap();
    assert_eq!(p.state, "in_review");
    assert_eq!(held(&app, &grant, "equipment").await, 96_739, "the hold stays until the new decision");
    let p = app::purchases::fire(state, &officer(), &p, "approve", "").await.unwrap();
    assert_eq!(p.state, "invoiced");
    assert_eq!(held(&app, &grant, "equipment").await, 103_188);
    assert_eq!(app.db().ledger_verify_against(&state.program).await.unwrap(), Vec::<String>::new());
    app.stop().await;
}

/// An invoice within the tolerance but above its approval takes the difference from the bourse's room
/// with the approval's check: refused with the breakdown when the room lacks it (nothing recorded), held
/// for what it costs when it fits; paid, the bourse never goes below zero and `ledger verify` is clean.
#[tokio::test]
async fn an_invoice_within_the_tolerance_takes_its_excess_from_the_room_or_is_refused() {
    use octroi::app::purchases::RawInvoice;
    let app = TestApp::spawn().await;
    let state = &app.state;
    let grant = app.grant_in(1, "active").await;
    let (member, by) = member(&app, &grant).await;
    let p = laptop_received(&app, &grant).await;
    // Two other approvals leave little room in equipment.
    let mut others = Money::ZERO;
    for _ in 0..2 {
        let other = submitted(&app, &grant, request(&[(LineCategory::Equipment, 1, "650.00")])).await;
        others = others + app::purchases::fire(state, &officer(), &other, "approve", "").await.unwrap().costs.cost;
    }
    let left = app::purchases::rooms(state, grant.id, None).await.unwrap()[0].available();
    assert!(left > Money::ZERO && left < m("40.00"), "{left}");
    let today = chrono::Utc::now().date_naive().to_string();
    let invoice = |price: &str| RawInvoice {
        number: format!("T-{price}"),
        date: today.clone(),
        lines: vec![("1".into(), price.into())],
    };
    // 936,00 $ is 4 % above the approval (inside 5 %), and costs more than the approval and the room.
    let refused = app::purchases::submit_invoice(
        state,
        (&member, by),
        &p,
        invoice("936.00"),
        invoice_files(),
        octroi::domain::NumberStyle::Machine,
    )
    .await
    .unwrap_err();
    let AppError::Storage(StorageError::NoRoom(short)) = refused else { panic!("{refused:?}") };
    assert_eq!(short.len(), 1);
    // The breakdown counts the room without the purchase's own hold, as an approval does.
    assert_eq!(short[0].room.available(), left + p.costs.cost);
    assert_eq!(short[0].missing.cents(), short[0].requested.cents() - (left + p.costs.cost).cents());
    assert_eq!(app.db().purchase(p.id).await.unwrap().state, "received", "nothing recorded");
    assert_eq!(app.db().purchase_progress(&p).await.unwrap().invoice, None);
    assert_eq!(app.db().ledger_verify_against(&state.program).await.unwrap(), Vec::<String>::new());
    // 927,00 $ (3 %) fits: the purchase is held for what its invoice costs, and paid for that.
    let p = app::purchases::submit_invoice(
        state,
        (&member, by),
        &p,
        invoice("927.00"),
        invoice_files(),
        octroi::domain::NumberStyle::Machine,
    )
    .await
    .unwrap();
    assert_eq!(p.state, "invoiced");
    let cost = app.db().purchase_progress(&p).await.unwrap().invoice.unwrap().costs.cost;
    assert_eq!(held(&app, &grant, "equipment").await, cost.cents() + others.cents());
    let finance = Actor { id: "finances@test".into(), role: Role::Finance };
    let p = app::purchases::fire(state, &finance, &p, "verify", "").await.unwrap();
    let p = in_run(&app, &p, Outcome::Cleared, "").await;
    assert_eq!(p.state, "paid");
    let room = app::purchases::rooms(state, grant.id, None).await.unwrap()[0];
    assert_eq!(room.spent, cost);
    assert!(room.available() >= Money::ZERO, "{room:?}");
    assert_eq!(app.db().ledger_verify_against(&state.program).await.unwrap(), Vec::<String>::new());
    app.stop().await;
}

/// Staff cannot draft or change a member's request, whichever door they use: the use case asks the
/// workflow who may send one.
#[tokio::test]
async fn staff_do_not_draft_purchase_requests() {
    let app = TestApp::spawn().await;
    let grant = app.grant_in(1, "active").await;
    let refused = app::purchases::start(&app.state, &officer(), octroi::domain::UserId(1), &grant, request(&[])).await;
    assert!(matches!(refused, Err(AppError::Storage(StorageError::Refused { .. }))), "{refused:?}");
    let officer_token = app.token("program_officer").await;
    let r =
        app.post_as(&officer_token, &format!("/api/v1/grants/{}/purchases", grant.id), &serde_json::json!({})).await;
    assert_eq!(r.status(), 403);
    app.stop().await;
}

/// The web carries a purchase from its receipt to its payment: the member records what came (one serial
/// number per unit, or the form comes back as typed) and uploads the invoice; finance reads the
/// three-way match, refuses the invoice once (its number may come again), verifies, makes a payment run
/// of two purchases with its totals per envelope and fiscal year, exports the bank's file, and records
/// one line paid and the other failed. The asset register lists the serial numbers.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_web_records_receipt_and_invoice_and_finance_pays_in_a_run() {
    use crate::common::{Browser, PASSWORD};
    use octroi::domain::account::AccountRole;
    let app = TestApp::spawn().await;
    let state = &app.state;
    let grant = app.grant_in(1, "active").await;
    let (member_actor, by) = member_of(&app, &grant).await;
    let p = submitted(
        &app,
        &grant,
        request(&[(LineCategory::Equipment, 2, "449.00"), (LineCategory::Software, 1, "100.00")]),
    )
    .await;
    let p = app::purchases::fire(state, &officer(), &p, "approve", "").await.unwrap();
    let p = app::purchases::fire(state, &member_actor, &p, "order", "").await.unwrap();
    let member = Browser::new(&app);
    let csrf = member.sign_in(&format!("acheteur{}@test.org", grant.organism_id), PASSWORD).await;
    let show = format!("/purchases/{}", p.id);
    let page = member.get(&show).await.text().await.unwrap();
    assert!(page.contains("Noter une réception") && page.contains("Numéros de série"), "{page}");
    // Two laptops, one serial number: refused, everything typed kept, nothing recorded.
    let v = p.version.to_string();
    let fields = [
        ("version", v.as_str()),
        ("lines[0].quantity", "2"),
        ("lines[0].serials", "PF1-A"),
        ("lines[1].quantity", "1"),
    ];
    let r = member.post_form(&format!("{show}/receipts"), &csrf, &fields).await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("Un numéro de série par unité reçue") && html.contains(">PF1-A</textarea>"), "{html}");
    assert_eq!(app.db().purchase(p.id).await.unwrap().state, "ordered");
    let fields = [
        ("version", v.as_str()),
        ("lines[0].quantity", "2"),
        ("lines[0].serials", "PF1-A\r\n PF1-B \r\n"),
        ("lines[1].quantity", "1"),
    ];
    let r = member.post_form(&format!("{show}/receipts"), &csrf, &fields).await;
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
    let p = app.db().purchase(p.id).await.unwrap();
    assert_eq!(p.state, "received");
    // The invoice: dated tomorrow, refused with the number typed kept; then right, with its files.
    let v = p.version.to_string();
    let tomorrow = (chrono::Utc::now().date_naive() + chrono::Days::new(1)).to_string();
    let today = chrono::Utc::now().date_naive().to_string();
    let pdf: &[u8] = b"%PDF-1.4\n% facture\n";
    let invoice = |version: &str, date: &str| -> Vec<(&'static str, String)> {
        [
            ("version", version),
            ("invoice_number", "F-77"),
            ("invoice_date", date),
            ("lines[0].quantity", "2"),
            ("lines[0].unit_price", "449,00"),
            ("lines[1].quantity", "1"),
            ("lines[1].unit_price", "100,00"),
        ]
        .map(|(k, v)| (k, v.to_string()))
        .into()
    };
    let files = [("invoice_file", "facture.pdf", pdf), ("proof_file", "preuve.pdf", pdf)];
    let fields = invoice(&v, &tomorrow);
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = member.post_files(&format!("{show}/invoices"), &csrf, &fields, &files).await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("facture va de l&#39;octroi"), "{html}");
    assert!(html.contains("value=\"F-77\""), "{html}");
    let fields = invoice(&v, &today);
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = member.post_files(&format!("{show}/invoices"), &csrf, &fields, &files).await;
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
    let p = app.db().purchase(p.id).await.unwrap();
    assert_eq!(p.state, "invoiced");
    // Finance reads the match line by line, refuses the invoice once, then verifies the one sent again.
    app.account("tresorerie@test.org", AccountRole::Finance, None).await;
    let finance = Browser::new(&app);
    let fc = finance.sign_in("tresorerie@test.org", PASSWORD).await;
    let page = finance.get(&show).await.text().await.unwrap();
    assert!(
        page.contains("Facture F-77") && page.contains("Concorde") && !page.contains("Quantité différente"),
        "{page}"
    );
    let v = p.version.to_string();
    let r = finance
        .post_form(
            &format!("{show}/transitions"),
            &fc,
            &[("version", &v), ("event", "refuse_invoice"), ("reason", "Illisible")],
        )
        .await;
    assert_eq!(r.status(), 303);
    let p = app.db().purchase(p.id).await.unwrap();
    assert_eq!(p.state, "received");
    let v = p.version.to_string();
    let fields = invoice(&v, &today);
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = member.post_files(&format!("{show}/invoices"), &csrf, &fields, &files).await;
    assert_eq!(r.status(), 303, "the refused invoice's number may come again: {}", r.text().await.unwrap());
    let p = app.db().purchase(p.id).await.unwrap();
    let v = p.version.to_string();
    let r = finance.post_form(&format!("{show}/transitions"), &fc, &[("version", &v), ("event", "verify")]).await;
    assert_eq!(r.status(), 303);
    // A second purchase, verified through the use cases.
    let q = submitted(&app, &grant, request(&[(LineCategory::Equipment, 1, "300.00")])).await;
    let q = app::purchases::fire(state, &officer(), &q, "approve", "").await.unwrap();
    let q = verified(&app, &member_actor, by, q).await;
    // Nobody but finance makes runs.
    assert_eq!(member.get("/payments").await.status(), 403);
    let list = finance.get("/payments").await.text().await.unwrap();
    assert!(list.contains(&format!("value=\"{}\"", p.id)) && list.contains(&format!("value=\"{}\"", q.id)), "{list}");
    let (pid, qid) = (p.id.to_string(), q.id.to_string());
    let r = finance.post_form("/payments", &fc, &[("purchase", &pid), ("purchase", &qid)]).await;
    assert_eq!(r.status(), 303);
    let run = r.headers()["location"].to_str().unwrap().to_string();
    let page = finance.get(&run).await.text().await.unwrap();
    // What the run takes from each envelope and year adds up to its lines, and the page shows it.
    let total: i64 = sqlx::query_scalar("SELECT CAST(SUM(amount_cents) AS BIGINT) FROM payment_run_lines")
        .fetch_one(app.db().pool())
        .await
        .unwrap();
    let by_year: Vec<(String, String, i64)> = sqlx::query_as(
        "SELECT envelope_code, fiscal_year, CAST(SUM(amount_cents) AS BIGINT) FROM payment_run_splits GROUP BY envelope_code, fiscal_year ORDER BY envelope_code, fiscal_year",
    )
    .fetch_all(app.db().pool())
    .await
    .unwrap();
    assert_eq!(by_year.iter().map(|r| r.2).sum::<i64>(), total, "the splits add up to the run");
    for (envelope, year, cents) in &by_year {
        let amount = octroi::i18n::money(octroi::domain::Language::Fr, Money::from_cents(*cents));
        assert!(
            page.contains(envelope) && page.contains(year) && page.contains(&amount),
            "{envelope} {year} {amount}: {page}"
        );
    }
    let paid_before = app::purchases::rooms(state, grant.id, None).await.unwrap();
    // The bank's file: BOM, `;`, decimal comma, CRLF; the organism is the payee (reimbursement).
    let csv = finance.get(&format!("{run}/export.csv")).await;
    assert_eq!(csv.headers()["content-type"], "text/csv; charset=utf-8");
    let csv = csv.text().await.unwrap();
    assert!(csv.starts_with("\u{feff}Bénéficiaire;Montant;Référence;Achat\r\n"), "{csv}");
    let p_cost: i64 = sqlx::query_scalar("SELECT amount_cents FROM payment_run_lines WHERE purchase_id = $1")
        .bind(p.id)
        .fetch_one(app.db().pool())
        .await
        .unwrap();
    let line = format!(";{},{:02};DATAide A-{} F-77;{}\r\n", p_cost / 100, p_cost % 100, p.id, p.id);
    assert!(csv.contains(&line), "{line}: {csv}");
    // Paid, then failed (a reason is required), then a second answer refused.
    let lines: Vec<(i64, PurchaseId)> = sqlx::query_as("SELECT id, purchase_id FROM payment_run_lines ORDER BY id")
        .fetch_all(app.db().pool())
        .await
        .unwrap();
    let answer = |line: i64| format!("{run}/lines/{line}");
    let r = finance.post_form(&answer(lines[0].0), &fc, &[("outcome", "cleared")]).await;
    assert_eq!(r.status(), 303);
    let r = finance.post_form(&answer(lines[1].0), &fc, &[("outcome", "rejected"), ("reason", " ")]).await;
    assert_eq!(r.status(), 422);
    assert_eq!(app.db().purchase(q.id).await.unwrap().state, "verified", "nothing written");
    let r = finance.post_form(&answer(lines[1].0), &fc, &[("outcome", "rejected"), ("reason", "Compte fermé")]).await;
    assert_eq!(r.status(), 303);
    let r = finance.post_form(&answer(lines[0].0), &fc, &[("outcome", "rejected"), ("reason", "Deux fois")]).await;
    assert_eq!(r.status(), 409);
    assert_eq!(app.db().purchase(p.id).await.unwrap().state, "paid");
    assert_eq!(app.db().purchase(q.id).await.unwrap().state, "payment_failed");
    let after = app::purchases::rooms(state, grant.id, None).await.unwrap();
    assert_eq!(
        after[0].spent.cents() + after[1].spent.cents() - paid_before[0].spent.cents() - paid_before[1].spent.cents(),
        p_cost
    );
    // The failed one waits for the next run; the paid one cannot go in one (nothing made).
    let list = finance.get("/payments").await.text().await.unwrap();
    assert!(list.contains(&format!("value=\"{}\"", q.id)) && !list.contains(&format!("value=\"{}\"", p.id)), "{list}");
    let r = finance.post_form("/payments", &fc, &[("purchase", &pid), ("purchase", &qid)]).await;
    assert_eq!(r.status(), 409);
    let runs: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM payment_runs").fetch_one(app.db().pool()).await.unwrap();
    assert_eq!(runs, 1);
    // One laptop goes back to the vendor: a credit note larger than the spend is refused with what was
    // spent, as typed; 449,00 $ before taxes gives back what it costs the bourse, the rest stays spent.
    let p = app.db().purchase(p.id).await.unwrap();
    let v = p.version.to_string();
    let credit = |amount: &'static str, serials: &'static str| {
        vec![
            ("version", v.clone()),
            ("credit_note_number", "NC-5".into()),
            ("return_category", "equipment".into()),
            ("return_amount", amount.into()),
            ("return_serials", serials.into()),
            ("reason", "Écran défectueux".into()),
        ]
    };
    let note = [("credit_note_file", "note.pdf", pdf)];
    let fields = credit("5 000,00", "PF1-B");
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = member.post_files(&format!("{show}/returns"), &csrf, &fields, &note).await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("Un retour ne rend pas plus") && html.contains("value=\"5 000,00\""), "{html}");
    // A unit the purchase never received is refused beside its field, as typed; nothing written.
    let fields = credit("449,00", "PF1-B\nPF9-Z");
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = member.post_files(&format!("{show}/returns"), &csrf, &fields, &note).await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("«\u{a0}PF9-Z\u{a0}» n&#39;est pas un appareil reçu") && html.contains("PF1-B\nPF9-Z</textarea>"),
        "{html}"
    );
    assert_eq!(app.db().purchase(p.id).await.unwrap().state, "paid");
    let fields = credit("449,00", " PF1-B \n\nPF1-B");
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = member.post_files(&format!("{show}/returns"), &csrf, &fields, &note).await;
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
    assert_eq!(app.db().purchase(p.id).await.unwrap().state, "return_recorded");
    let back: i64 = sqlx::query_scalar("SELECT cost_cents FROM purchase_returns WHERE purchase_id = $1")
        .bind(p.id)
        .fetch_one(app.db().pool())
        .await
        .unwrap();
    assert!(back > 44_900 && back < p_cost, "{back}");
    let spent = |rooms: &[octroi::domain::purchase::Room]| rooms[0].spent.cents();
    let recorded = app::purchases::rooms(state, grant.id, None).await.unwrap();
    assert_eq!(spent(&recorded), spent(&after), "a member alone gives nothing back");
    // The member cannot confirm the credit note; finance can, and then the organism owes it.
    let v = app.db().purchase(p.id).await.unwrap().version.to_string();
    let fields = [("version", v.as_str()), ("event", "confirm_return"), ("reason", "")];
    let r = member.post_form(&format!("{show}/transitions"), &csrf, &fields).await;
    assert_eq!(r.status(), 403);
    assert_eq!(app.db().purchase(p.id).await.unwrap().state, "return_recorded");
    let r = finance.post_form(&format!("{show}/transitions"), &fc, &fields).await;
    assert_eq!(r.status(), 303);
    assert_eq!(app.db().purchase(p.id).await.unwrap().state, "returned");
    let confirmed = app::purchases::rooms(state, grant.id, None).await.unwrap();
    assert_eq!(spent(&confirmed), spent(&after), "the room comes back only once the organism pays it back");
    let owed = octroi::i18n::money(octroi::domain::Language::Fr, Money::from_cents(back));
    let mine = member.get(&show).await.text().await.unwrap();
    assert!(mine.contains(&format!("{owed} à rembourser au programme")), "{mine}");
    let payments = finance.get("/payments").await.text().await.unwrap();
    assert!(payments.contains("Sommes dues au programme") && payments.contains(&owed), "{payments}");
    // Closing the file waits until it is settled; the receipt finance records settles it.
    let v = app.db().purchase(p.id).await.unwrap().version.to_string();
    let close = [("version", v.as_str()), ("event", "close"), ("reason", "")];
    assert_eq!(finance.post_form(&format!("{show}/transitions"), &fc, &close).await.status(), 422);
    assert_eq!(app.db().purchase(p.id).await.unwrap().state, "returned");
    let settle = [("version", v.as_str()), ("event", "settle_return"), ("reason", "Chèque 1042 reçu le 3 décembre")];
    assert_eq!(finance.post_form(&format!("{show}/transitions"), &fc, &settle).await.status(), 303);
    let returned = app::purchases::rooms(state, grant.id, None).await.unwrap();
    assert_eq!(spent(&after) - spent(&returned), back, "the credit note is given back once paid back");
    let mine = member.get(&show).await.text().await.unwrap();
    assert!(mine.contains("(Chèque 1042 reçu le 3 décembre)") && !mine.contains("à rembourser au programme"), "{mine}");
    assert_eq!(app.db().ledger_verify_against(&state.program).await.unwrap(), Vec::<String>::new());
    // The asset register: each laptop by its serial number, for the organism and for finance.
    // The one given back shows returned, with its credit note; the other is still held.
    let assets = finance.get("/finance/assets.csv").await.text().await.unwrap();
    let row = |serial: &str| assets.lines().find(|l| l.contains(&format!(";{serial};"))).unwrap_or("").to_string();
    assert!(row("PF1-A").contains("F-77") && row("PF1-A").ends_with(";;;"), "{assets}");
    assert!(row("PF1-B").ends_with(";NC-5;"), "{assets}");
    let mine = member.get(&format!("/grants/{}/purchases", grant.id)).await.text().await.unwrap();
    assert!(mine.contains("Registre des actifs") && mine.contains("PF1-A"), "{mine}");
    assert_eq!(mine.matches("(note de crédit NC-5)").count(), 1, "{mine}");
    // The same unit cannot be given back twice.
    let v = app.db().purchase(p.id).await.unwrap().version.to_string();
    let fields = [
        ("version", v.as_str()),
        ("credit_note_number", "NC-6"),
        ("return_category", "equipment"),
        ("return_amount", "10,00"),
        ("return_serials", "PF1-B"),
        ("reason", "Encore"),
    ];
    let r = member.post_files(&format!("{show}/returns"), &csrf, &fields, &note).await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("«\u{a0}PF1-B\u{a0}» n&#39;est pas un appareil reçu"));
    // A unit is equipment: a software credit note gives none back.
    let fields = [
        ("version", v.as_str()),
        ("credit_note_number", "NC-7"),
        ("return_category", "software"),
        ("return_amount", "10,00"),
        ("return_serials", "PF1-A"),
        ("reason", "Licence"),
    ];
    let r = member.post_files(&format!("{show}/returns"), &csrf, &fields, &note).await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("«\u{a0}PF1-A\u{a0}» n&#39;est pas un appareil reçu"));
    assert_eq!(app.db().ledger_verify_against(&state.program).await.unwrap(), Vec::<String>::new());
    app.stop().await;
}

/// A run of many lines is read page by page (the waiting lines first, a search by organism or number),
/// and once the bank has paid all but one, the rest are recorded paid in one step: asked first, refused
/// whole (nothing written) if the run changed since it was read, then every purchase paid.
#[tokio::test]
async fn a_long_run_is_read_page_by_page_and_its_waiting_lines_cleared_at_once() {
    use crate::common::{Browser, PASSWORD};
    use octroi::domain::account::AccountRole;
    let app = TestApp::spawn().await;
    let state = &app.state;
    let grant = app.grant_in(1, "active").await;
    let (member_actor, by) = member_of(&app, &grant).await;
    let mut ids = Vec::new();
    for _ in 0..51 {
        let p = submitted(&app, &grant, request(&[(LineCategory::Software, 1, "1.00")])).await;
        let p = app::purchases::fire(state, &officer(), &p, "approve", "").await.unwrap();
        ids.push(verified(&app, &member_actor, by, p).await.id.to_string());
    }
    app.account("tresorerie@test.org", AccountRole::Finance, None).await;
    let finance = Browser::new(&app);
    let fc = finance.sign_in("tresorerie@test.org", PASSWORD).await;
    let chosen: Vec<(&str, &str)> = ids.iter().map(|id| ("purchase", id.as_str())).collect();
    let r = finance.post_form("/payments", &fc, &chosen).await;
    assert_eq!(r.status(), 303);
    let run = r.headers()["location"].to_str().unwrap().to_string();
    let forms = |html: &str| html.matches(&format!("action=\"{run}/lines/")).count();
    let page = finance.get(&run).await.text().await.unwrap();
    assert!(page.contains("51 lignes correspondent.") && page.contains("Page 1 / 2"), "{page}");
    assert_eq!(forms(&page), 50);
    assert_eq!(forms(&finance.get(&format!("{run}?show=waiting&page=2")).await.text().await.unwrap()), 1);
    let found = finance.get(&format!("{run}?show=all&q={}", ids[7])).await.text().await.unwrap();
    assert!(found.contains("1 ligne correspond.") && found.contains(&format!("Achat nº\u{a0}{}", ids[7])), "{found}");
    let lines: Vec<i64> =
        sqlx::query_scalar("SELECT id FROM payment_run_lines ORDER BY id").fetch_all(app.db().pool()).await.unwrap();
    let r = finance
        .post_form(&format!("{run}/lines/{}", lines[0]), &fc, &[("outcome", "rejected"), ("reason", "Compte fermé")])
        .await;
    assert_eq!(r.status(), 303);
    let answered = finance.get(&format!("{run}?show=answered")).await.text().await.unwrap();
    assert!(answered.contains("1 ligne correspond.") && answered.contains("Compte fermé"), "{answered}");
    // Asked first: how many lines, what they come to.
    let ask = finance.get(&format!("{run}/clear")).await.text().await.unwrap();
    assert!(ask.contains("les 50 lignes encore en attente, pour 53,50") && ask.contains("value=\"50\""), "{ask}");
    let paid = || async {
        sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM purchases WHERE state = 'paid'")
            .fetch_one(app.db().pool())
            .await
            .unwrap()
    };
    // Read when 51 waited: refused whole.
    let r = finance.post_form(&format!("{run}/clear"), &fc, &[("version", "51")]).await;
    assert_eq!(r.status(), 409);
    assert!(r.text().await.unwrap().contains("Des lignes ont reçu leur réponse entre-temps"));
    assert_eq!(paid().await, 0);
    let r = finance.post_form(&format!("{run}/clear"), &fc, &[("version", "50")]).await;
    assert_eq!(r.status(), 303);
    assert_eq!(paid().await, 50);
    let failed: String = sqlx::query_scalar("SELECT state FROM purchases WHERE id = $1")
        .bind(ids[0].parse::<i64>().unwrap())
        .fetch_one(app.db().pool())
        .await
        .unwrap();
    assert_eq!(failed, "payment_failed");
    let page = finance.get(&format!("{run}?notice=all-cleared")).await.text().await.unwrap();
    assert!(
        page.contains("Toutes les lignes en attente sont notées payées") && page.contains("51 lignes correspondent.")
    );
    assert_eq!(forms(&page), 0);
    // A second click finds nothing left to record, and says so.
    let r = finance.post_form(&format!("{run}/clear"), &fc, &[("version", "50")]).await;
    assert_eq!(r.status(), 409);
    assert_eq!(paid().await, 50);
    assert_eq!(app.db().ledger_verify_against(&state.program).await.unwrap(), Vec::<String>::new());
    app.stop().await;
}

/// When the program pays vendors directly, the invoice needs no proof of payment and the bank pays the
/// vendor: the member's form does not ask for the proof, and the run's line and its file name the vendor.
#[tokio::test]
async fn in_direct_mode_the_run_pays_the_vendor_and_no_proof_is_asked() {
    use crate::common::{Browser, PASSWORD};
    use octroi::app::conversation::Upload;
    use octroi::app::purchases::{InvoiceFiles, RawInvoice};
    use octroi::domain::account::AccountRole;
    use octroi::domain::purchase::ReceiptLine;
    let policies = tempfile::tempdir().unwrap();
    for file in std::fs::read_dir(crate::common::manifest_dir().join("policies")).unwrap() {
        let file = file.unwrap().path();
        let mut text = std::fs::read_to_string(&file).unwrap();
        if file.ends_with("dataide.toml") {
            assert!(text.contains("payment = \"reimbursement\""));
            text = text.replace("payment = \"reimbursement\"", "payment = \"direct\"");
        }
        std::fs::write(policies.path().join(file.file_name().unwrap()), text).unwrap();
    }
    let dir = policies.path().to_path_buf();
    let app = TestApp::spawn_with(|c| c.policies_dir = dir, octroi::server::Limits::default()).await;
    let state = &app.state;
    let grant = app.grant_in(1, "active").await;
    let (member_actor, by) = member_of(&app, &grant).await;
    let p = submitted(&app, &grant, request(&[(LineCategory::Software, 1, "150.00")])).await;
    let p = app::purchases::fire(state, &officer(), &p, "approve", "").await.unwrap();
    let p = app::purchases::fire(state, &member_actor, &p, "order", "").await.unwrap();
    let p = app::purchases::receive(
        state,
        &member_actor,
        by,
        &p,
        vec![ReceiptLine { position: 1, quantity: 1, serials: vec![] }],
    )
    .await
    .unwrap();
    let member = Browser::new(&app);
    member.sign_in(&format!("acheteur{}@test.org", grant.organism_id), PASSWORD).await;
    let page = member.get(&format!("/purchases/{}", p.id)).await.text().await.unwrap();
    assert!(page.contains("name=\"invoice_file\"") && !page.contains("name=\"proof_file\""), "{page}");
    let raw = RawInvoice {
        number: "F-D1".into(),
        date: chrono::Utc::now().date_naive().to_string(),
        lines: vec![("1".into(), "150.00".into())],
    };
    let files = InvoiceFiles {
        invoice: vec![Upload { file_name: "f.pdf".into(), bytes: b"%PDF-1.4\n".to_vec() }],
        proof: vec![],
    };
    let p = app::purchases::submit_invoice(
        state,
        (&member_actor, by),
        &p,
        raw,
        files,
        octroi::domain::NumberStyle::Machine,
    )
    .await
    .unwrap();
    let finance_actor = Actor { id: "finances@test".into(), role: Role::Finance };
    let p = app::purchases::fire(state, &finance_actor, &p, "verify", "").await.unwrap();
    app.account("tresorerie@test.org", AccountRole::Finance, None).await;
    let finance = Browser::new(&app);
    let fc = finance.sign_in("tresorerie@test.org", PASSWORD).await;
    let list = finance.get("/payments").await.text().await.unwrap();
    assert!(list.contains("direct (la bourse paie le fournisseur)"), "{list}");
    let r = finance.post_form("/payments", &fc, &[("purchase", &p.id.to_string())]).await;
    assert_eq!(r.status(), 303);
    let run = r.headers()["location"].to_str().unwrap().to_string();
    let csv = finance.get(&format!("{run}/export.csv")).await.text().await.unwrap();
    assert!(csv.contains("\r\nCoop informatique;") && csv.contains(&format!("DATAide A-{} F-D1", p.id)), "{csv}");
    let payee: String =
        sqlx::query_scalar("SELECT payee FROM payment_run_lines").fetch_one(app.db().pool()).await.unwrap();
    assert_eq!(payee, "Coop informatique");
    app.stop().await;
}

/// The API carries a purchase from its receipt to its payment with the same use cases: a receipt in JSON
/// (serial numbers refused when they do not match), the invoice as multipart with its files, the
/// purchase's documents listed, a payment run made by finance only, the bank's answer recorded once.
#[tokio::test]
async fn the_api_receives_invoices_and_pays_in_a_run() {
    use serde_json::{Value, json};
    let app = TestApp::spawn().await;
    let grant = app.grant_in(1, "active").await;
    let member = app.member_token(grant.organism_id).await;
    let (member_actor, _) = member_of(&app, &grant).await;
    let p = submitted(&app, &grant, request(&[(LineCategory::Equipment, 1, "899.00")])).await;
    let p = app::purchases::fire(&app.state, &officer(), &p, "approve", "").await.unwrap();
    let p = app::purchases::fire(&app.state, &member_actor, &p, "order", "").await.unwrap();
    let path = |rest: &str| format!("/api/v1/purchases/{}/{rest}", p.id);
    let receipt = |serials: Value| json!({ "version": p.version, "lines": [{ "quantity": 1, "serials": serials }] });
    let r = app.post_as(&member, &path("receipts"), &receipt(json!([]))).await;
    assert_eq!(r.status(), 422);
    let problem: Value = r.json().await.unwrap();
    assert_eq!(problem["errors"][0]["field"], "lines[0].serials", "{problem}");
    let r = app.post_as(&member, &path("receipts"), &receipt(json!(["PF3X9"]))).await;
    assert_eq!(r.status(), 200);
    let after: Value = r.json().await.unwrap();
    assert_eq!(after["state"], "received");
    let today = chrono::Utc::now().date_naive().to_string();
    let pdf = || reqwest::multipart::Part::bytes(b"%PDF-1.4\n% facture\n".to_vec()).file_name("facture.pdf");
    let form = reqwest::multipart::Form::new()
        .text("version", after["version"].to_string())
        .text("invoice_number", "F-9")
        .text("invoice_date", today)
        .text("lines[0].quantity", "1")
        .text("lines[0].unit_price", "899.00")
        .part("invoice_file", pdf())
        .part("proof_file", pdf());
    let url = format!("{}{}", app.address, path("invoices"));
    let r = app.client.post(&url).bearer_auth(&member).multipart(form).send().await.unwrap();
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    let documents: Value = app.get_as(&member, &path("documents")).await.json().await.unwrap();
    let purposes: Vec<&str> = documents.as_array().unwrap().iter().map(|d| d["purpose"].as_str().unwrap()).collect();
    assert_eq!(purposes, ["invoice", "proof_of_payment"]);
    let finance = app.token("finance").await;
    let p = app.db().purchase(p.id).await.unwrap();
    let fire = json!({ "event": "verify", "version": p.version, "reason": "" });
    assert_eq!(app.post_as(&finance, &path("transitions"), &fire).await.status(), 200);
    // Finance only makes runs.
    let run = json!({ "purchases": [p.id] });
    assert_eq!(app.post_as(&member, "/api/v1/payment-runs", &run).await.status(), 403);
    let payable: Value = app.get_as(&finance, "/api/v1/payment-runs/payable").await.json().await.unwrap();
    assert_eq!(payable[0]["purchase_id"], p.id.get(), "{payable}");
    let r = app.post_as(&finance, "/api/v1/payment-runs", &run).await;
    assert_eq!(r.status(), 201);
    let made: Value = r.json().await.unwrap();
    // 899,00 $ + TPS 44,95 $ + TVQ 89,68 $ − remboursement 67,32 $ = 966,31 $.
    assert_eq!((made["total"].as_str(), made["totals"][0]["amount"].as_str()), (Some("966.31"), Some("966.31")));
    let line = made["lines"][0]["id"].as_i64().unwrap();
    let answer = format!("/api/v1/payment-runs/{}/lines/{line}", made["id"]);
    let r = app.post_as(&finance, &answer, &json!({ "outcome": "paid" })).await;
    assert_eq!(r.status(), 422, "the outcome is cleared or rejected");
    let r = app.post_as(&finance, &answer, &json!({ "outcome": "cleared" })).await;
    assert_eq!(r.status(), 200);
    let r = app.post_as(&finance, &answer, &json!({ "outcome": "rejected", "reason": "Deux fois" })).await;
    assert_eq!(r.status(), 409);
    assert_eq!(app.db().purchase(p.id).await.unwrap().state, "paid");
    // Clearing the rest names how many lines waited when the bank's answer was read.
    let clear = format!("/api/v1/payment-runs/{}/clear", made["id"]);
    let r = app.post_as(&finance, &clear, &json!({ "waiting": 1 })).await;
    assert_eq!(r.status(), 409);
    let problem: Value = r.json().await.unwrap();
    assert_eq!(problem["code"], "payment-run-changed", "{problem}");
    let r = app.post_as(&finance, &clear, &json!({ "waiting": 0 })).await;
    assert_eq!(r.status(), 200);
    let cleared: Value = r.json().await.unwrap();
    assert_eq!((cleared["waiting"].as_i64(), cleared["lines"][0]["outcome"].as_str()), (Some(0), Some("cleared")));
    assert_eq!(app.db().ledger_verify_against(&app.state.program).await.unwrap(), Vec::<String>::new());
    app.stop().await;
}

/// Clients that hang up: an invoice upload cut in the middle of its file leaves no document (neither a
/// row nor a file in the store) and no invoice; approvals whose clients leave at once or soon after
/// sending them either apply whole (the purchase approved and its cost held) or not at all.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn clients_hanging_up_mid_upload_or_approval_leave_nothing_half_done() {
    use tokio::io::AsyncWriteExt;
    let app = TestApp::spawn().await;
    let state = &app.state;
    let grant = app.grant_in(1, "active").await;
    let (member_actor, by) = member_of(&app, &grant).await;
    let member = app.member_token(grant.organism_id).await;
    let officer_token = app.token("program_officer").await;
    let host = app.address.trim_start_matches("http://").to_string();
    // A purchase received, whose invoice (a 3 MB PDF) is cut off halfway, twenty times.
    let p = submitted(&app, &grant, request(&[(LineCategory::Software, 1, "100.00")])).await;
    let p = app::purchases::fire(state, &officer(), &p, "approve", "").await.unwrap();
    let p = app::purchases::fire(state, &member_actor, &p, "order", "").await.unwrap();
    let line = vec![octroi::domain::purchase::ReceiptLine { position: 1, quantity: 1, serials: vec![] }];
    let p = app::purchases::receive(state, &member_actor, by, &p, line).await.unwrap();
    let boundary = "octroi-hang-up";
    let mut body = String::new();
    let today = chrono::Utc::now().date_naive().to_string();
    let fields = [
        ("version", p.version.to_string()),
        ("invoice_number", "F-1".into()),
        ("invoice_date", today),
        ("lines[0].quantity", "1".into()),
        ("lines[0].unit_price", "100.00".into()),
    ];
    for (name, value) in fields {
        body.push_str(&format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"));
    }
    // The proof of payment whole, then the invoice, cut in its middle.
    body.push_str(&format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"proof_file\"; filename=\"preuve.pdf\"\r\n\
         Content-Type: application/pdf\r\n\r\n%PDF-1.4\n% preuve\n\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"invoice_file\"; filename=\"facture.pdf\"\r\n\
         Content-Type: application/pdf\r\n\r\n%PDF-1.4\n"
    ));
    let mut bytes = body.into_bytes();
    bytes.extend(std::iter::repeat_n(b'x', 3 * 1024 * 1024));
    bytes.extend(format!("\r\n--{boundary}--\r\n").into_bytes());
    let head = format!(
        "POST /api/v1/purchases/{}/invoices HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {member}\r\n\
         Content-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: {}\r\n\r\n",
        p.id,
        bytes.len()
    );
    let mut tasks = Vec::new();
    for i in 0..20usize {
        let (host, head, part) = (host.clone(), head.clone(), bytes[..bytes.len() / 2 + i * 1000].to_vec());
        tasks.push(tokio::spawn(async move {
            let mut stream = tokio::net::TcpStream::connect(host).await.unwrap();
            stream.write_all(head.as_bytes()).await.unwrap();
            let _ = stream.write_all(&part).await;
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }));
    }
    // Ten requests to decide, each approval sent whole and its client gone at once.
    let mut decided = Vec::new();
    for _ in 0..10 {
        decided.push(submitted(&app, &grant, request(&[(LineCategory::Equipment, 1, "150.00")])).await);
    }
    for (i, q) in decided.iter().enumerate() {
        let body = serde_json::json!({ "event": "approve", "version": q.version, "reason": "" }).to_string();
        let request = format!(
            "POST /api/v1/purchases/{}/transitions HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {officer_token}\r\n\
             Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            q.id,
            body.len()
        );
        let host = host.clone();
        tasks.push(tokio::spawn(async move {
            let mut stream = tokio::net::TcpStream::connect(host).await.unwrap();
            let _ = stream.write_all(request.as_bytes()).await;
            // Gone at once, or a little later: some approvals get to their transaction, some not.
            tokio::time::sleep(std::time::Duration::from_millis(i as u64 * 40)).await;
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    // Let the detached units of work still running finish, as the resilience tests do: wait until the
    // purchases' versions stop moving (at most 30 s), rather than a fixed time.
    let versions = || async {
        let mut v = vec![app.db().purchase(p.id).await.unwrap().version];
        for q in &decided {
            v.push(app.db().purchase(q.id).await.unwrap().version);
        }
        v
    };
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let before = versions().await;
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        if versions().await == before || std::time::Instant::now() > deadline {
            break;
        }
    }
    let after = app.db().purchase(p.id).await.unwrap();
    assert_eq!((after.state.as_str(), after.version), ("received", p.version), "no invoice recorded");
    assert!(app.db().documents_of_purchase(p.id).await.unwrap().is_empty());
    let store = app.database.dir.path().join("documents");
    let files = std::fs::read_dir(&store).map(|d| d.count()).unwrap_or(0);
    assert_eq!(files, 0, "no half-stored document in {}", store.display());
    let mut approved = 0;
    for q in &decided {
        let q = app.db().purchase(q.id).await.unwrap();
        let held: i64 = sqlx::query_scalar(
            "SELECT CAST(COALESCE(SUM(amount_cents), 0) AS BIGINT) FROM purchase_holds WHERE purchase_id = $1",
        )
        .bind(q.id)
        .fetch_one(app.db().pool())
        .await
        .unwrap();
        match q.state.as_str() {
            "approved" => {
                approved += 1;
                assert_eq!(held, q.costs.cost.cents(), "an approved purchase holds its cost");
            }
            "submitted" => assert_eq!(held, 0, "a purchase not approved holds nothing"),
            other => panic!("{other}"),
        }
    }
    assert!(approved > 0, "some of the approvals applied (else this proves nothing)");
    assert_eq!(app.db().ledger_verify_against(&state.program).await.unwrap(), Vec::<String>::new());
    app.stop().await;
}

/// A member alone gives nothing back (issue 22, item 3): the credit note waits on finance, which refuses
/// or confirms it; confirmed on a reimbursed purchase, the organism owes it and the bourse's room comes
/// back only once it is settled. The next payment larger than it keeps it back (the bank file pays the
/// rest); a line the bank refuses keeps nothing back and the organism owes it still; the next run keeps
/// it back again and, paid, settles it. `ledger verify` is clean after every step.
#[tokio::test]
async fn a_return_waits_on_finance_and_what_is_owed_is_kept_back_from_the_next_payment() {
    use octroi::app::purchases::RawReturn;
    let app = TestApp::spawn().await;
    let state = &app.state;
    let grant = app.grant_in(1, "active").await;
    let (member, by) = member(&app, &grant).await;
    let finance = Actor { id: "paie@test.org".into(), role: Role::Finance };
    let clean =
        || async { assert_eq!(app.db().ledger_verify_against(&state.program).await.unwrap(), Vec::<String>::new()) };
    let spent = || async { app::purchases::rooms(state, grant.id, None).await.unwrap()[0].spent.cents() };
    let approved = |price: &'static str| {
        let (app, member) = (&app, member.clone());
        let grant = grant.clone();
        async move {
            let p = submitted(app, &grant, request(&[(LineCategory::Equipment, 1, price)])).await;
            let p = app::purchases::fire(&app.state, &officer(), &p, "approve", "").await.unwrap();
            verified(app, &member, by, p).await
        }
    };
    let pool = app.db().pool().clone();
    let line_of = |p: PurchaseId| {
        let pool = pool.clone();
        async move {
            sqlx::query_scalar::<_, i64>(
                "SELECT amount_cents FROM payment_run_lines WHERE purchase_id = $1 ORDER BY id DESC LIMIT 1",
            )
            .bind(p)
            .fetch_one(&pool)
            .await
            .unwrap()
        }
    };
    let p1 = in_run(&app, &approved("900.00").await, Outcome::Cleared, "").await;
    assert_eq!(p1.state, "paid");
    clean().await;
    let paid = spent().await;
    let raw = |number: &str| RawReturn {
        number: number.into(),
        category: "equipment".into(),
        amount: "200.00".into(),
        serials: String::new(),
        reason: "Un portable rendu.".into(),
    };
    let note = || vec![octroi::app::conversation::Upload { file_name: "nc.pdf".into(), bytes: b"%PDF-1.4\n".to_vec() }];
    let machine = octroi::domain::NumberStyle::Machine;
    // Recorded by the member: nothing moves, and the member cannot confirm it.
    let p = app::purchases::record_return(state, (&member, by), &p1, raw("NC-1"), note(), machine).await.unwrap();
    assert_eq!((p.state.as_str(), spent().await), ("return_recorded", paid));
    let refused = app::purchases::fire(state, &member, &p, "confirm_return", "").await;
    use octroi::domain::workflow::FireError;
    let not_hers = matches!(
        &refused,
        Err(AppError::Storage(StorageError::Refused { error: FireError::RoleNotPermitted { .. }, .. }))
    );
    assert!(not_hers, "{refused:?}");
    clean().await;
    // Refused by finance: back to paid, nothing moved.
    let p = app::purchases::fire(state, &finance, &p, "refuse_return", "Illisible.").await.unwrap();
    assert_eq!((p.state.as_str(), spent().await), ("paid", paid));
    // Recorded again and confirmed: owed, the room still spent; the file cannot be closed.
    let p = app::purchases::record_return(state, (&member, by), &p, raw("NC-1b"), note(), machine).await.unwrap();
    let p = app::purchases::fire(state, &finance, &p, "confirm_return", "").await.unwrap();
    assert_eq!((p.state.as_str(), spent().await), ("returned", paid));
    let owed = app.db().owed(None).await.unwrap();
    assert_eq!((owed.len(), owed[0].number.as_str(), owed[0].standing()), (1, "NC-1b", "owed".to_string()));
    let back = owed[0].cost.cents();
    assert!(back > 20_000, "taxes included: {back}");
    let closing = app::purchases::fire(state, &finance, &p, "close", "").await;
    assert!(matches!(closing, Err(AppError::Storage(StorageError::Refused { .. }))), "{closing:?}");
    clean().await;
    // A payment smaller than what is owed keeps nothing back.
    let p2 = approved("100.00").await;
    let p2 = in_run(&app, &p2, Outcome::Cleared, "").await;
    assert_eq!(line_of(p2.id).await, p2.costs.cost.cents(), "paid whole");
    assert_eq!(app.db().owed(None).await.unwrap().len(), 1);
    clean().await;
    let before = spent().await;
    // A larger one keeps it back: the bank file pays the rest. The bank refuses the line: owed still.
    let p3 = approved("500.00").await;
    let p3 = in_run(&app, &p3, Outcome::Rejected, "Compte fermé").await;
    assert_eq!(p3.state, "payment_failed");
    assert_eq!(line_of(p3.id).await, p3.costs.cost.cents() - back, "kept back from the line");
    let owed = app.db().owed(None).await.unwrap();
    assert_eq!((owed.len(), owed[0].line_id), (1, None), "owed again once the line is refused");
    assert_eq!(spent().await, before);
    clean().await;
    // The next run keeps it back again and, paid, settles it: the room comes back.
    let p3 = in_run(&app, &p3, Outcome::Cleared, "").await;
    assert_eq!(p3.state, "paid");
    assert_eq!(line_of(p3.id).await, p3.costs.cost.cents() - back);
    assert!(app.db().owed(None).await.unwrap().is_empty());
    assert_eq!(spent().await, before + p3.costs.cost.cents() - back);
    let notes = app.db().credit_notes(p1.id).await.unwrap();
    let standings: Vec<String> = notes.iter().map(|n| n.standing()).collect();
    assert_eq!(standings, ["refused", "settled-deduction"]);
    assert_eq!(notes[1].settled_note, format!("A-{}", p3.id));
    clean().await;
    // Nothing is owed: the file closes, and a receipt has nothing to settle.
    let p1 = app.db().purchase(p1.id).await.unwrap();
    let settle = app::purchases::fire(state, &finance, &p1, "settle_return", "Chèque").await;
    assert!(matches!(settle, Err(AppError::Storage(StorageError::Refused { .. }))), "{settle:?}");
    let p1 = app::purchases::fire(state, &finance, &p1, "close", "").await.unwrap();
    assert_eq!(p1.state, "closed");
    clean().await;
    app.stop().await;
}
