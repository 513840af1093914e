//! The ledger in the database under test: the implementation checked against the pure model over random
//! operations, entries that cannot be changed, `ledger verify` catching a row altered behind its back,
//! and concurrent commitments against an envelope with room for exactly ten.

use crate::common;

use std::collections::BTreeMap;
use std::sync::Arc;

use common::TestDatabase;
use common::{GrantId, UserId};
use octroi::domain::EntryId;
use octroi::domain::Money;
use octroi::domain::ledger::{Account, Book, EntryKind, LedgerError, Operation};
use octroi::storage::ledger::Context;
use octroi::storage::{Backend, Db, StorageError};
use proptest::prelude::*;

const FY: &str = "2024-2025";

/// A database with the program synced and one organism with `grants` draft applications.
async fn ledger_db(t: &TestDatabase, grants: usize) -> (Db, Vec<GrantId>) {
    let db = t.db().await;
    let program = octroi::policy::Program::load(&common::manifest_dir().join("policies/dataide.toml")).unwrap();
    db.sync_program(&program).await.unwrap();
    let w = octroi::domain::workflow::load_file(&common::manifest_dir().join("workflows/grant.toml")).unwrap();
    let o = db
        .create_organism(octroi::storage::organisms::NewOrganism {
            legal_name: "Cuisine collective".into(),
            neq: octroi::domain::Neq::parse("1100000001").unwrap(),
            region: octroi::domain::Region::parse("06").unwrap(),
            street_address: "1, rue Principale".into(),
            city: "Montréal".into(),
            postal_code: octroi::domain::PostalCode::parse("H2K 1V2").unwrap(),
            contact_email: octroi::domain::Email::parse("info@exemple.org").unwrap(),
            mission_summary: "Sécurité alimentaire.".into(),
            preferred_language: octroi::domain::Language::Fr,
        })
        .await
        .unwrap();
    let mut ids = Vec::new();
    for _ in 0..grants {
        ids.push(db.create_grant(o.id, Default::default(), &w).await.unwrap().id);
    }
    (db, ids)
}

fn account(envelope: &str, category: &str) -> Account {
    Account { envelope: envelope.into(), fiscal_year: FY.into(), category: category.into() }
}

fn context(key: &str) -> Context {
    Context { actor: "finance@test".into(), reason: "test".into(), idempotency_key: Some(key.into()), purchase: None }
}

async fn allocated(db: &Db, envelope: &str) -> i64 {
    sqlx::query_scalar("SELECT amount_cents FROM envelope_allocations WHERE envelope_code = $1 AND fiscal_year = $2")
        .bind(envelope)
        .bind(FY)
        .fetch_one(db.pool())
        .await
        .unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 8, ..ProptestConfig::default() })]

    /// Random commits, spends, releases and reversals, applied to the database and to the pure model: the
    /// same answers (accepted, or refused for the same reason), the same balances, `verify` clean.
    #[test]
    fn the_ledger_matches_its_model(ops in proptest::collection::vec((0u8..4, 0usize..30, 1i64..200_000_000), 1..40)) {
        let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
        runtime.block_on(async move {
            let t = TestDatabase::new().await;
            let (db, grants) = ledger_db(&t, 3).await;
            let allocations = BTreeMap::from([
                (("FQIS".to_string(), FY.to_string()), allocated(&db, "FQIS").await),
                (("FDMT".to_string(), FY.to_string()), allocated(&db, "FDMT").await),
            ]);
            let mut model = Book::new(allocations, Vec::new());
            let mut ids: Vec<EntryId> = Vec::new();
            for (i, (kind, target, cents)) in ops.into_iter().enumerate() {
                let pick = |n: usize| ids.get(n % ids.len().max(1)).copied().unwrap_or(EntryId(1));
                let op = match kind {
                    0 => Operation::Commit {
                        account: account(if target % 2 == 0 { "FDMT" } else { "FQIS" }, "coaching"),
                        grant_id: grants[target % grants.len()],
                        amount: Money::from_cents(cents),
                    },
                    1 => Operation::Spend { commitment: pick(target), amount: Money::from_cents(cents / 3 + 1) },
                    2 => Operation::Release { commitment: pick(target) },
                    _ => Operation::Reverse { entry: pick(target) },
                };
                let expected = model.decide(&op);
                let got = db.ledger_apply(op.clone(), context(&format!("k{i}"))).await;
                match (expected, got) {
                    (Ok(new), Ok(entry)) => {
                        assert_eq!((entry.kind, entry.amount, entry.commitment, entry.reverses), (new.kind, new.amount, new.commitment, new.reverses));
                        model.append(entry.id, new);
                        ids.push(entry.id);
                    }
                    (Err(e), Err(StorageError::Ledger(g))) => assert_eq!(e, g, "{op:?}"),
                    (e, g) => panic!("{op:?}: the model says {e:?}, the database {g:?}"),
                }
            }
            let mut balances = db.ledger_balances().await.unwrap();
            balances.retain(|(_, fy), _| fy == FY);
            assert_eq!(balances, model.balances());
            assert_eq!(db.ledger_verify().await.unwrap(), Vec::<String>::new());
        });
    }
}

/// Entries cannot be changed nor deleted, on either database; `ledger verify` catches a row altered with
/// the protection removed, and says where.
#[tokio::test]
async fn entries_are_append_only_and_verify_catches_a_tampered_row() {
    let t = TestDatabase::new().await;
    let (db, grants) = ledger_db(&t, 1).await;
    let commit = Operation::Commit {
        account: account("FQIS", "equipment"),
        grant_id: grants[0],
        amount: Money::from_cents(500_000),
    };
    let c = db.ledger_apply(commit, context("a")).await.unwrap();
    db.ledger_apply(Operation::Spend { commitment: c.id, amount: Money::from_cents(120_000) }, context("b"))
        .await
        .unwrap();
    assert_eq!(db.ledger_verify().await.unwrap(), Vec::<String>::new());
    for statement in ["UPDATE ledger_entries SET amount_cents = 1", "DELETE FROM ledger_entries"] {
        let refused = sqlx::query(statement).execute(db.pool()).await.unwrap_err();
        assert!(refused.to_string().contains("append-only"), "{statement}: {refused}");
    }
    // Someone with the database's keys removes the protection and changes a row.
    let disable = match db.backend() {
        Backend::Sqlite => "DROP TRIGGER ledger_entries_no_update",
        Backend::Postgres => "ALTER TABLE ledger_entries DISABLE TRIGGER ledger_entries_no_change",
    };
    sqlx::query(disable).execute(db.pool()).await.unwrap();
    sqlx::query("UPDATE ledger_entries SET amount_cents = 100000 WHERE kind = 'spend'")
        .execute(db.pool())
        .await
        .unwrap();
    let problems = db.ledger_verify().await.unwrap();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        problems[0].starts_with(&format!("FQIS {FY}: the entries give committed 4000.00 and spent 1000.00")),
        "{problems:?}"
    );
}

/// 64 commitments at once against an envelope with room for exactly ten: ten accepted, 54 refused saying
/// what is missing, and the balance exact.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_commitments_never_exceed_the_allocation() {
    let t = TestDatabase::new().await;
    let (db, grants) = ledger_db(&t, 1).await;
    let room = allocated(&db, "FDMT").await;
    // Take everything but room for ten commitments of 1 000,00 $.
    let fill = Operation::Commit {
        account: account("FDMT", "coaching"),
        grant_id: grants[0],
        amount: Money::from_cents(room - 1_000_000),
    };
    db.ledger_apply(fill, context("fill")).await.unwrap();
    let db = Arc::new(db);
    let tasks: Vec<_> = (0..64)
        .map(|i| {
            let (db, grant) = (db.clone(), grants[0]);
            tokio::spawn(async move {
                let op = Operation::Commit {
                    account: account("FDMT", "coaching"),
                    grant_id: grant,
                    amount: Money::from_cents(100_000),
                };
                db.ledger_apply(op, context(&format!("c{i}"))).await
            })
        })
        .collect();
    let mut accepted = 0;
    let mut refused = 0;
    for task in tasks {
        match task.await.unwrap() {
            Ok(e) => {
                assert_eq!(e.kind, EntryKind::Commit);
                accepted += 1;
            }
            Err(StorageError::Ledger(LedgerError::InsufficientFunds { missing, .. })) => {
                assert_eq!(missing, Money::from_cents(100_000));
                refused += 1;
            }
            Err(e) => panic!("{e}"),
        }
    }
    assert_eq!((accepted, refused), (10, 54));
    let b = db.ledger_balances().await.unwrap()[&("FDMT".to_string(), FY.to_string())];
    assert_eq!((b.committed, b.available()), (room, 0));
    assert_eq!(db.ledger_verify().await.unwrap(), Vec::<String>::new());
}

/// Awarding commits the funds with the transition, split by the program's rules (equipment and software
/// from the FQIS, coaching from the FDMT first); the same Idempotency-Key cannot commit twice; an envelope
/// without room refuses the whole award and writes nothing; only an approved grant is awarded, once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_award_commits_its_funds_with_the_transition() {
    use octroi::app as usecase;
    use octroi::domain::award::AwardAmounts;
    use octroi::domain::{Actor, Hours};
    use octroi::web::problem::Problem;

    let app = common::TestApp::spawn().await;
    octroi::demo::load(&app.state).await.unwrap();
    let db = app.db();
    let approved: Vec<GrantId> = sqlx::query_scalar("SELECT id FROM grants WHERE state = 'approved' ORDER BY id")
        .fetch_all(db.pool())
        .await
        .unwrap();
    let officer = Actor { id: "agente@test".into(), role: octroi::domain::workflow::Role::ProgramOfficer };
    let fy = "2024-2025";
    let before = db.ledger_balances().await.unwrap();
    let amounts = AwardAmounts {
        equipment: Money::parse("3600").unwrap(),
        software: Money::parse("480.50").unwrap(),
        coaching_hours: Hours::parse("6.5").unwrap(),
    };
    let key = |k: &str| {
        Some(usecase::AwardKey { key: k.into(), user_id: UserId(1), answer: Arc::new(|g, _| g.id.to_string()) })
    };
    let grant = db.grant(approved[0]).await.unwrap();
    let made = usecase::award(&app.state, &officer, &grant, amounts, fy, key("award-1"), None).await.unwrap();
    let usecase::Awarded::Now(awarded, Some(answer)) = made else { panic!("{made:?}") };
    assert_eq!(answer, grant.id.to_string(), "the answer kept with the key");
    assert_eq!(awarded.state, "awarded");
    assert_eq!(
        (awarded.awarded_equipment, awarded.awarded_software, awarded.awarded_coaching),
        (Some(Money::from_cents(360_000)), Some(Money::from_cents(48_050)), Some(Hours::from_hundredths(650)))
    );
    let parts: Vec<(String, String, i64)> = sqlx::query_as(
        "SELECT envelope_code, category_code, amount_cents FROM ledger_entries WHERE grant_id = $1 ORDER BY id",
    )
    .bind(grant.id)
    .fetch_all(db.pool())
    .await
    .unwrap();
    let parts: Vec<(&str, &str, i64)> = parts.iter().map(|(e, c, a)| (e.as_str(), c.as_str(), *a)).collect();
    assert_eq!(parts, [("FQIS", "equipment", 360_000), ("FQIS", "software", 48_050), ("FDMT", "coaching", 61_750)]);
    let after = db.ledger_balances().await.unwrap();
    let moved = |e: &str| {
        after[&(e.to_string(), fy.to_string())].committed - before[&(e.to_string(), fy.to_string())].committed
    };
    assert_eq!((moved("FQIS"), moved("FDMT")), (408_050, 61_750));
    // The running balances previews read say what replaying every entry says.
    let room = db.room_in(fy).await.unwrap();
    for envelope in ["FQIS", "FDMT"] {
        assert_eq!(room[envelope], after[&(envelope.to_string(), fy.to_string())].available(), "{envelope}");
    }

    // The same request again under its key: the answer kept, nothing more committed.
    let replay = usecase::award(&app.state, &officer, &grant, amounts, fy, key("award-1"), None).await.unwrap();
    assert!(matches!(&replay, usecase::Awarded::Before(a) if *a == grant.id.to_string()), "{replay:?}");
    // The same key for another grant: refused, nothing committed.
    let other = db.grant(approved[1]).await.unwrap();
    let reused =
        usecase::award(&app.state, &officer, &other, amounts, fy, key("award-1"), None).await.map_err(Problem::from);
    assert!(
        matches!(reused, Err(Problem::Refused { code: octroi::app::Code::IdempotencyKeyReused, .. })),
        "{reused:?}"
    );
    assert_eq!(db.grant(other.id).await.unwrap().state, "approved");
    // Awarded once only.
    let again =
        usecase::award(&app.state, &officer, &awarded, amounts, fy, key("award-2"), None).await.map_err(Problem::from);
    assert!(matches!(again, Err(Problem::EventNotAllowed { .. })), "{again:?}");

    // No room: the whole award is refused with what is missing; nothing is written, the key stays free.
    let room = after[&("FQIS".to_string(), fy.to_string())].available();
    let fill = Operation::Commit {
        account: account("FQIS", "equipment"),
        grant_id: awarded.id,
        amount: Money::from_cents(room - 100_000),
    };
    db.ledger_apply(fill, context("fill")).await.unwrap();
    let entries_before: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM ledger_entries").fetch_one(db.pool()).await.unwrap();
    let refused =
        usecase::award(&app.state, &officer, &other, amounts, fy, key("award-3"), None).await.map_err(Problem::from);
    match refused {
        Err(Problem::Ledger(LedgerError::InsufficientFunds { envelope, fiscal_year, available, missing })) => {
            assert_eq!((envelope.as_str(), fiscal_year.as_str()), ("FQIS", fy));
            assert_eq!((available, missing), (Money::from_cents(100_000), Money::from_cents(308_050)));
        }
        other => panic!("{other:?}"),
    }
    let entries_after: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM ledger_entries").fetch_one(db.pool()).await.unwrap();
    assert_eq!(entries_after, entries_before);
    assert_eq!(db.grant(other.id).await.unwrap().state, "approved");
    let keys: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM idempotency_keys WHERE key = 'award-3'")
        .fetch_one(db.pool())
        .await
        .unwrap();
    assert_eq!(keys, 0);

    // Cancelling the awarded grant releases what its commitments still hold, in the same transaction.
    let fdmt =
        |b: &BTreeMap<(String, String), octroi::domain::ledger::Balance>| b[&("FDMT".to_string(), fy.to_string())];
    let before_cancel = db.ledger_balances().await.unwrap();
    let awarded = db.grant(awarded.id).await.unwrap();
    let (cancelled, _) =
        usecase::fire(&app.state, &officer, &awarded, "cancel", "L'organisme a fermé.", None).await.unwrap();
    assert_eq!(cancelled.state, "cancelled");
    let after_cancel = db.ledger_balances().await.unwrap();
    assert_eq!(fdmt(&before_cancel).committed - fdmt(&after_cancel).committed, 61_750);
    let entries = db.ledger_entries_of(awarded.id).await.unwrap();
    let releases = entries.iter().filter(|e| e.kind == EntryKind::Release).count();
    assert_eq!(releases, 4, "the award's three commitments and the filler, also on this grant: {entries:#?}");
    assert_eq!(db.ledger_verify().await.unwrap(), Vec::<String>::new());
}

/// `n` grants carried to approved by the builder (organisms `neq(1)`…`neq(n)`).
async fn approved_grants(app: &common::TestApp, n: u32) -> Vec<GrantId> {
    let mut ids = Vec::new();
    for i in 1..=n {
        ids.push(app.grant_in(i, "approved").await.id);
    }
    ids
}

/// Over HTTP: 64 officers award 64 grants at once against an envelope with room for exactly ten awards:
/// ten 200s, 54 409s saying what is missing, no 5xx, an exact balance; then the same award retried 20
/// times at once with one Idempotency-Key gives one commitment and the same answer; the key with another
/// body is a 422; a confirmation without a key is a 422.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_awards_over_http_commit_exactly_what_the_envelope_holds() {
    let app = common::TestApp::spawn().await;
    let grants = approved_grants(&app, 65).await;
    let db = app.db();
    let room = allocated(db, "FQIS").await;
    let fill = Operation::Commit {
        account: account("FQIS", "software"),
        grant_id: grants[64],
        amount: Money::from_cents(room - 1_000_000),
    };
    db.ledger_apply(fill, context("fill")).await.unwrap();
    let token = app.token("program_officer").await;
    // Each officer previews first (while there is room for all), then all confirm at once.
    let mut bodies = Vec::new();
    for grant in grants.iter().take(64) {
        let version = db.grant(*grant).await.unwrap().version;
        let body = serde_json::json!({ "version": version, "equipment": "1000", "fiscal_year": FY });
        bodies.push(previewed(&app, *grant, body).await);
    }
    let mut tasks = Vec::new();
    for (i, (grant, body)) in grants.iter().zip(bodies).enumerate() {
        let (client, url, token) =
            (app.client.clone(), app.url(&format!("/api/v1/grants/{grant}/award")), token.clone());
        tasks.push(tokio::spawn(async move {
            let r = client
                .post(url)
                .bearer_auth(token)
                .header("idempotency-key", format!("k-{i}"))
                .json(&body)
                .send()
                .await
                .unwrap();
            let status = r.status().as_u16();
            (status, r.json::<serde_json::Value>().await.unwrap())
        }));
    }
    let mut statuses = BTreeMap::new();
    for t in tasks {
        let (status, body) = t.await.unwrap();
        *statuses.entry(status).or_insert(0) += 1;
        if status == 409 {
            assert_eq!(body["code"], "insufficient-funds", "{body}");
            assert_eq!(body["missing"], "1000.00", "{body}");
        }
    }
    assert_eq!(statuses, BTreeMap::from([(200, 10), (409, 54)]));
    let b = db.ledger_balances().await.unwrap()[&("FQIS".to_string(), FY.to_string())];
    assert_eq!((b.committed, b.available()), (room, 0));

    // Room for one more; the same award retried 20 times at once with one key: one commitment.
    let free = db.ledger_entries_of(grants[64]).await.unwrap()[0].id;
    db.ledger_apply(Operation::Reverse { entry: free }, context("unfill")).await.unwrap();
    let mut grant = GrantId(0);
    for g in &grants[..64] {
        if db.grant(*g).await.unwrap().state == "approved" {
            grant = *g;
            break;
        }
    }
    let version = db.grant(grant).await.unwrap().version;
    let body =
        previewed(&app, grant, serde_json::json!({ "version": version, "equipment": "1000", "fiscal_year": FY })).await;
    let mut retries = Vec::new();
    for _ in 0..20 {
        let (client, url, token, body) =
            (app.client.clone(), app.url(&format!("/api/v1/grants/{grant}/award")), token.clone(), body.clone());
        retries.push(tokio::spawn(async move {
            let r = client
                .post(url)
                .bearer_auth(token)
                .header("idempotency-key", "same-award")
                .json(&body)
                .send()
                .await
                .unwrap();
            r.status().as_u16()
        }));
    }
    let mut codes = Vec::new();
    for t in retries {
        codes.push(t.await.unwrap());
    }
    assert!(codes.iter().all(|c| *c == 200 || *c == 409), "{codes:?}");
    assert!(codes.contains(&200));
    let commitments = db.ledger_entries_of(grant).await.unwrap();
    assert_eq!(commitments.len(), 1, "one commitment for twenty tries");
    // Once answered, a retry gets the same answer.
    let r = app
        .client
        .post(app.url(&format!("/api/v1/grants/{grant}/award")))
        .bearer_auth(&token)
        .header("idempotency-key", "same-award")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let other = serde_json::json!({ "version": version, "equipment": "999", "fiscal_year": FY });
    let r = app
        .client
        .post(app.url(&format!("/api/v1/grants/{grant}/award")))
        .bearer_auth(&token)
        .header("idempotency-key", "same-award")
        .json(&other)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let r = app
        .client
        .post(app.url(&format!("/api/v1/grants/{grant}/award")))
        .bearer_auth(&token)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422, "no key");
    assert_eq!(db.ledger_verify().await.unwrap(), Vec::<String>::new());
}

/// The award's body with the `preview_id` its preview answered, as a client confirms what it previewed.
async fn previewed(app: &common::TestApp, grant: GrantId, mut body: serde_json::Value) -> serde_json::Value {
    let mut preview = body.clone();
    preview["preview"] = true.into();
    let r = app.post(&format!("/api/v1/grants/{grant}/award"), &preview).await;
    assert_eq!(r.status(), 200, "the preview");
    body["preview_id"] = r.json::<serde_json::Value>().await.unwrap()["preview_id"].clone();
    body
}

/// In the browser's terms: the program officer previews the split of an approved grant's award, then
/// confirms it; a second click on the same confirmation commits nothing more.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_officer_awards_from_the_page_once() {
    let app = common::TestApp::spawn().await;
    let grant = approved_grants(&app, 1).await[0];
    app.account("agente@test.org", octroi::domain::account::AccountRole::ProgramOfficer, None).await;
    let officer = common::Browser::new(&app);
    let csrf = officer.sign_in("agente@test.org", common::PASSWORD).await;
    let page = officer.get(&format!("/grants/{grant}/manage")).await.text().await.unwrap();
    assert!(
        page.contains("Octroyer la bourse") && page.contains("value=\"2\u{a0}400,00\""),
        "prefilled in French: {page}"
    );
    let version = app.db().grant(grant).await.unwrap().version.to_string();
    let fields = |action: &'static str| {
        vec![
            ("version", version.clone()),
            ("equipment", "2400.00".into()),
            ("software", "199.99".into()),
            ("coaching_hours", "6".into()),
            ("fiscal_year", FY.into()),
            ("action", action.into()),
        ]
    };
    let as_refs = |v: &Vec<(&'static str, String)>| v.iter().map(|(k, v)| (*k, v.clone())).collect::<Vec<_>>();
    let preview = as_refs(&fields("preview"));
    let preview: Vec<(&str, &str)> = preview.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let html = officer.post_form(&format!("/grants/{grant}/award"), &csrf, &preview).await.text().await.unwrap();
    assert!(html.contains("Répartition entre les enveloppes"), "{html}");
    assert!(html.contains("FDMT") && html.contains("570,00"), "coaching 6 h × 95,00 $ from the FDMT: {html}");
    assert!(app.db().ledger_entries_of(grant).await.unwrap().is_empty(), "a preview writes nothing");
    let hidden = |name: &str| {
        html.split(&format!("name=\"{name}\" value=\"")).nth(1).unwrap().split('"').next().unwrap().to_string()
    };
    let mut confirm = as_refs(&fields("confirm"));
    confirm.push(("key", hidden("key")));
    confirm.push(("preview_id", hidden("preview_id")));
    // The officer changes a field after the preview and confirms (issue 10, item 2): refused, nothing
    // committed, and the page asks for a new preview.
    let mut changed: Vec<(&str, &str)> = confirm.iter().map(|(k, v)| (*k, v.as_str())).collect();
    changed[1] = ("equipment", "1,00");
    let r = officer.post_form(&format!("/grants/{grant}/award"), &csrf, &changed).await;
    assert_eq!(r.status(), 409);
    assert!(r.text().await.unwrap().contains("Refaites l"), "asks for a new preview");
    assert!(app.db().ledger_entries_of(grant).await.unwrap().is_empty(), "nothing committed");
    let confirm: Vec<(&str, &str)> = confirm.iter().map(|(k, v)| (*k, v.as_str())).collect();
    for _ in 0..2 {
        let r = officer.post_form(&format!("/grants/{grant}/award"), &csrf, &confirm).await;
        assert_eq!(r.status(), 303);
    }
    assert_eq!(app.db().grant(grant).await.unwrap().state, "awarded");
    assert_eq!(app.db().ledger_entries_of(grant).await.unwrap().len(), 3, "equipment, software, coaching: once");
    // The same key with other coaching hours is another request (issue 11, item 6): refused, not taken
    // for a second click (the page's fingerprint left the hours out).
    let mut other_hours = confirm.clone();
    other_hours[3] = ("coaching_hours", "7");
    let r = officer.post_form(&format!("/grants/{grant}/award"), &csrf, &other_hours).await;
    assert_eq!(r.status(), 422);
    assert_eq!(app.db().ledger_entries_of(grant).await.unwrap().len(), 3);

    // Finance sees the envelopes move, on the page and in CSV files a French-Canadian spreadsheet opens.
    app.account("finances@test.org", octroi::domain::account::AccountRole::Finance, None).await;
    let finance = common::Browser::new(&app);
    finance.sign_in("finances@test.org", common::PASSWORD).await;
    let html = finance.get("/finance").await.text().await.unwrap();
    assert!(html.contains("570,00\u{a0}$"), "the FDMT's commitment: {html}");
    let r = finance.get("/finance/summary.csv").await;
    assert_eq!(r.headers()["content-type"], "text/csv; charset=utf-8");
    let csv = r.text().await.unwrap();
    assert!(csv.starts_with("\u{feff}Enveloppe;Exercice;Alloué;Engagé;Dépensé;Disponible\r\n"), "{csv}");
    assert!(csv.contains(&format!("FDMT;{FY};500000,00;570,00;0,00;499430,00\r\n")), "{csv}");
    let ledger = finance.get("/finance/ledger.csv").await.text().await.unwrap();
    assert_eq!(ledger.lines().count(), 4, "a header and three commitments: {ledger}");
    assert!(ledger.contains(";commit;2400,00;"), "{ledger}");

    // The organism's member downloads the award letter: a PDF in French with the amounts formatted for
    // fr-CA and the accents intact, the same bytes each time, whose SHA-256 was recorded at award time.
    let organism = app.db().grant(grant).await.unwrap().organism_id;
    app.account("membre@test.org", octroi::domain::account::AccountRole::Member, Some(organism)).await;
    let member = common::Browser::new(&app);
    member.sign_in("membre@test.org", common::PASSWORD).await;
    let r = member.get(&format!("/grants/{grant}/letter.pdf")).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "application/pdf");
    let pdf = r.bytes().await.unwrap().to_vec();
    assert!(pdf.len() < 100_000, "the font is subset: {} bytes", pdf.len());
    let again = member.get(&format!("/grants/{grant}/letter.pdf")).await.bytes().await.unwrap().to_vec();
    assert_eq!(pdf, again, "the same letter, the same bytes");
    let recorded = app.db().grant(grant).await.unwrap().letter_sha256.unwrap();
    assert_eq!(octroi::domain::sha256_hex(&pdf), recorded);
    let parsed = printpdf::PdfDocument::parse(&pdf, &printpdf::PdfParseOptions::default(), &mut Vec::new()).unwrap();
    let text = parsed.extract_text().concat().join("\n");
    let today = chrono::Utc::now().date_naive().to_string();
    let written = format!("Le {}", octroi::i18n::long_date(octroi::domain::Language::Fr, &today));
    assert!(text.contains(&written), "the date written out: {text}");
    // Each cell of a table is a run of text of its own: a label, then its amount.
    for expected in [
        "Lettre d'octroi — DATAide",
        "Cuisine collective d'Hochelaga-Maisonneuve\n",
        "NEQ\u{a0}1100000001",
        "Madame, Monsieur,",
        "Matériel informatique\n2\u{a0}400,00\u{a0}$",
        "Logiciels\n199,99\u{a0}$",
        "Accompagnement (6\u{a0}h à 95,00\u{a0}$ l'heure)\n570,00\u{a0}$",
        "Total\n3\u{a0}169,99\u{a0}$",
        "Fonds de développement du marché du travail (FDMT) — Accompagnement\n570,00\u{a0}$",
        "2.\nDépenses admissibles",
        "Direction du programme DATAide",
        "En attente\u{a0}: la personne autorisée",
        "page 1 de 2",
    ] {
        assert!(text.contains(expected), "{expected:?} missing from:\n{text}");
    }
    let english = member.get(&format!("/grants/{grant}/letter.pdf?lang=en")).await.bytes().await.unwrap().to_vec();
    let parsed =
        printpdf::PdfDocument::parse(&english, &printpdf::PdfParseOptions::default(), &mut Vec::new()).unwrap();
    assert!(parsed.extract_text().concat().join("\n").contains("Computer equipment\n$2,400.00"));
    let stranger = common::Browser::new(&app);
    app.account("autre@test.org", octroi::domain::account::AccountRole::Reviewer, None).await;
    let stranger_csrf = stranger.sign_in("autre@test.org", common::PASSWORD).await;
    assert_eq!(stranger.get(&format!("/grants/{grant}/letter.pdf")).await.status(), 403);

    // The member accepts the letter on the grant's page. A signature without a title nor the box ticked
    // is refused with what was typed kept and nothing written; staff and strangers may not accept.
    let page = member.get(&format!("/grants/{grant}")).await.text().await.unwrap();
    assert!(page.contains(&format!(r#"action="/grants/{grant}/accept""#)), "{page}");
    let member_csrf = common::csrf_of(&page).unwrap();
    let version = app.db().grant(grant).await.unwrap().version.to_string();
    let accept = format!("/grants/{grant}/accept");
    let bad = [("version", version.as_str()), ("signer_name", "Josée Côté"), ("signer_title", " ")];
    let r = member.post_form(&accept, &member_csrf, &bad).await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains(r#"value="Josée Côté""#), "the name typed is kept: {html}");
    let (title, conditions) =
        (html.find("href=\"#f-signer_title\"").unwrap(), html.find("href=\"#f-accept_conditions\"").unwrap());
    assert!(title < conditions, "the summary in the order of the form");
    assert!(
        html.contains("Votre titre ou fonction dans l&#39;organisme\u{a0}: ") && html.contains("novalidate"),
        "{html}"
    );
    assert!(!html.contains(" required>"), "the browser's bubbles are not used");
    let history_len = app.db().grant_history(grant).await.unwrap().len();
    let good = [
        ("version", version.as_str()),
        ("signer_name", "Josée Côté"),
        ("signer_title", "Directrice générale"),
        ("accept_conditions", "on"),
    ];
    assert_eq!(officer.post_form(&accept, &csrf, &good).await.status(), 403, "staff do not accept");
    assert_eq!(stranger.post_form(&accept, &stranger_csrf, &good).await.status(), 403);
    let g = app.db().grant(grant).await.unwrap();
    assert_eq!((g.state.as_str(), app.db().grant_history(grant).await.unwrap().len()), ("awarded", history_len));
    assert_eq!(app.db().acceptance(grant).await.unwrap(), None);
    let r = member.post_form(&accept, &member_csrf, &good).await;
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"].to_str().unwrap(), format!("/grants/{grant}?notice=signed"));
    assert_eq!(app.db().grant(grant).await.unwrap().state, "active", "accepted, then activated by octroi");
    let steps: Vec<(String, String, String, String)> = app.db().grant_history(grant).await.unwrap()[history_len..]
        .iter()
        .map(|t| (t.event.clone(), t.to_state.clone(), t.actor.clone(), t.reason.clone()))
        .collect();
    assert_eq!(
        steps,
        vec![
            ("accept".into(), "accepted".into(), "membre@test.org".into(), "Josée Côté, Directrice générale".into()),
            ("activate".into(), "active".into(), "octroi".into(), String::new()),
        ]
    );
    let signed = app.db().acceptance(grant).await.unwrap().unwrap();
    assert_eq!((signed.signer_name.as_str(), signed.signer_title.as_str()), ("Josée Côté", "Directrice générale"));
    assert_eq!((signed.client_address.as_str(), signed.letter_sha256.as_str()), ("127.0.0.1", recorded.as_str()));
    assert!(signed.accepted_at.starts_with("20"), "{}", signed.accepted_at);
    let html = member.get(&format!("/grants/{grant}?notice=signed")).await.text().await.unwrap();
    assert!(html.contains("Lettre acceptée\u{a0}: la bourse est active."), "{html}");
    assert!(html.contains("Lettre d&#39;octroi acceptée par Josée Côté (Directrice générale)"), "{html}");
    assert!(!html.contains(&format!(r#"action="/grants/{grant}/accept""#)), "no second form");
    // The member sees the bourse in plain words (awarded, spent, left to spend, per category), not the
    // ledger's statement, which staff see.
    let bourse = &html[html.find("Votre bourse").expect("the bourse")..];
    let bourse = &bourse[..bourse.find("</table>").unwrap()];
    assert!(bourse.contains("Reste à dépenser") && bourse.contains("2\u{a0}400,00\u{a0}$"), "{bourse}");
    assert!(bourse.contains("Accompagnement") && bourse.contains("570,00\u{a0}$"), "{bourse}");
    assert!(!html.contains("Relevé de la bourse"), "no ledger terms for the member");
    let officer_view = officer.get(&format!("/grants/{grant}")).await.text().await.unwrap();
    assert!(officer_view.contains("Relevé de la bourse") && officer_view.contains("3\u{a0}169,99\u{a0}$"));
    let again = member.post_form(&accept, &member_csrf, &good).await;
    assert_eq!(again.status(), 409, "accepted once");
    assert_eq!(app.db().grant_history(grant).await.unwrap().len(), history_len + 2);
    let mails: Vec<String> =
        sqlx::query_scalar("SELECT subject FROM outbox ORDER BY id").fetch_all(app.db().pool()).await.unwrap();
    assert!(mails.iter().any(|m| m.contains("lettre d'octroi acceptée")), "{mails:?}");
}

/// Over the API: only a member of the organism accepts, with a name, a title and the conditions
/// accepted (each missing one named), once; the grant is then active. The statement follows the grant
/// from its commitments to their release; `octroi letters` makes every awarded grant's letters again,
/// the same bytes as recorded, and says which no longer match.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_member_accepts_over_the_api_and_the_statement_follows_the_grant() {
    use octroi::app as usecase;
    use octroi::domain::award::AwardAmounts;
    use octroi::domain::workflow::Role;
    use octroi::domain::{Actor, Hours};
    use serde_json::{Value, json};

    let app = common::TestApp::spawn().await;
    let db = app.db();
    let ids = approved_grants(&app, 2).await;
    let officer = Actor { id: "agente@test".into(), role: Role::ProgramOfficer };
    let amounts = AwardAmounts {
        equipment: Money::parse("1000").unwrap(),
        software: Money::ZERO,
        coaching_hours: Hours::default(),
    };
    for &id in &ids {
        let grant = db.grant(id).await.unwrap();
        usecase::award(&app.state, &officer, &grant, amounts, FY, None, None).await.unwrap();
    }
    let (first, second) = (db.grant(ids[0]).await.unwrap(), db.grant(ids[1]).await.unwrap());
    let member =
        app.account("membre@test.org", octroi::domain::account::AccountRole::Member, Some(first.organism_id)).await;
    let member = app.token_of(member).await;
    let other =
        app.account("autre@test.org", octroi::domain::account::AccountRole::Member, Some(second.organism_id)).await;
    let other = app.token_of(other).await;
    let staff = app.account("agente@test.org", octroi::domain::account::AccountRole::ProgramOfficer, None).await;
    let staff = app.token_of(staff).await;
    let path = format!("/api/v1/grants/{}/acceptance", first.id);
    let good = json!({ "version": first.version, "signer_name": "Marie Tremblay", "signer_title": "Présidente",
        "accept_conditions": true });
    assert_eq!(app.post_as(&staff, &path, &good).await.status(), 403, "staff do not accept");
    assert_eq!(app.post_as(&other, &path, &good).await.status(), 403, "nor another organism's member");
    let r = app.post_as(&member, &path, &json!({ "version": first.version, "signer_name": "  " })).await;
    assert_eq!(r.status(), 422);
    let problem: Value = r.json().await.unwrap();
    let fields: Vec<&str> =
        problem["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["accept_conditions", "signer_name", "signer_title"]);
    let stale = json!({ "version": first.version - 1, "signer_name": "Marie", "signer_title": "Présidente",
        "accept_conditions": true });
    assert_eq!(app.post_as(&member, &path, &stale).await.status(), 409);
    assert_eq!(db.grant(first.id).await.unwrap().state, "awarded", "nothing written by a refusal");
    assert_eq!(app.get_as(&member, &path).await.status(), 404, "not accepted yet");
    let r = app.post_as(&member, &path, &good).await;
    assert_eq!(r.status(), 200);
    let view: Value = r.json().await.unwrap();
    assert_eq!(view["state"], "active");
    let signed: Value = app.get_as(&staff, &path).await.json().await.unwrap();
    assert_eq!(
        (signed["signer_name"].as_str(), signed["signer_title"].as_str()),
        (Some("Marie Tremblay"), Some("Présidente"))
    );
    assert_eq!(signed["letter_sha256"].as_str(), first.letter_sha256.as_deref());
    assert_eq!(app.post_as(&member, &path, &good).await.status(), 409, "accepted once");

    // The statement: the commitment, nothing spent, all of it left; after cancelling, all of it released.
    let statement = format!("/api/v1/grants/{}/statement", first.id);
    let s: Value = app.get_as(&member, &statement).await.json().await.unwrap();
    assert_eq!(s["commitments"].as_array().unwrap().len(), 1, "{s}");
    assert_eq!(
        (s["committed"].as_str(), s["spent"].as_str(), s["remaining"].as_str()),
        (Some("1000.00"), Some("0.00"), Some("1000.00"))
    );
    assert_eq!(app.get_as(&other, &statement).await.status(), 403);
    let active = db.grant(first.id).await.unwrap();
    usecase::fire(&app.state, &officer, &active, "cancel", "Projet abandonné.", None).await.unwrap();
    let s: Value = app.get_as(&staff, &statement).await.json().await.unwrap();
    assert_eq!((s["released"].as_str(), s["remaining"].as_str()), (Some("1000.00"), Some("0.00")), "{s}");
    let kinds: Vec<&str> = s["entries"].as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["commit", "release"]);

    // The batch of letters: one French letter each, and an English one for the organism that prefers it;
    // the same bytes as recorded at award time, until the organism's address changes.
    sqlx::query("UPDATE organisms SET preferred_language = 'en' WHERE id = $1")
        .bind(second.organism_id)
        .execute(db.pool())
        .await
        .unwrap();
    let out = tempfile::tempdir().unwrap();
    let seen = std::sync::Mutex::new(Vec::new());
    let report = octroi::letters::batch(&app.state, out.path(), |done, total| seen.lock().unwrap().push((done, total)))
        .await
        .unwrap();
    assert_eq!((report.letters, report.files, report.changed.clone()), (2, 3, vec![]));
    assert_eq!(seen.into_inner().unwrap(), vec![(1, 2), (2, 2)]);
    let mut accepted = 0;
    for id in [first.id, second.id] {
        let pdf = std::fs::read(out.path().join(octroi::letters::file_name(id, octroi::domain::Language::Fr))).unwrap();
        let recorded = db.grant(id).await.unwrap().letter_sha256.unwrap();
        if db.acceptance(id).await.unwrap().is_some() {
            // Accepted: the letter shows who accepted it and the fingerprint of the letter as awarded.
            let parsed =
                printpdf::PdfDocument::parse(&pdf, &printpdf::PdfParseOptions::default(), &mut Vec::new()).unwrap();
            let text = parsed.extract_text().concat().join("\n");
            assert!(text.contains(&recorded) && text.contains("Acceptée au nom de"), "{text}");
            accepted += 1;
        } else {
            assert_eq!(octroi::domain::sha256_hex(&pdf), recorded);
        }
    }
    assert_eq!(accepted, 1, "one letter of each kind");
    let english = std::fs::read(out.path().join(format!("lettre-octroi-{}-en.pdf", second.id))).unwrap();
    let bytes: u64 = std::fs::read_dir(out.path()).unwrap().map(|f| f.unwrap().metadata().unwrap().len()).sum();
    assert_eq!(report.bytes, bytes);
    assert!(english.starts_with(b"%PDF"));
    sqlx::query("UPDATE organisms SET street_address = '2, rue Neuve' WHERE id = $1")
        .bind(first.organism_id)
        .execute(db.pool())
        .await
        .unwrap();
    let report = octroi::letters::batch(&app.state, out.path(), |_, _| {}).await.unwrap();
    assert_eq!(report.changed, vec![first.id]);
    assert_eq!(db.ledger_verify().await.unwrap(), Vec::<String>::new());
}

/// Bad awards over the API, each refused with a clear answer and nothing written: three decimals, a
/// negative amount, nothing at all, above the program's cap, a grant that is not approved, a second award.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_awards_are_refused_and_write_nothing() {
    use serde_json::{Value, json};
    let app = common::TestApp::spawn().await;
    let grant = approved_grants(&app, 1).await[0];
    let officer = app.account("agente@test.org", octroi::domain::account::AccountRole::ProgramOfficer, None).await;
    let officer = app.token_of(officer).await;
    let version = app.db().grant(grant).await.unwrap().version;
    let award = |body: Value, key: &'static str| {
        let (app, officer) = (&app, officer.clone());
        async move {
            let r = app
                .client
                .post(app.url(&format!("/api/v1/grants/{grant}/award")))
                .bearer_auth(officer)
                .header("idempotency-key", key)
                .json(&body)
                .send()
                .await
                .unwrap();
            let status = r.status().as_u16();
            (status, r.json::<Value>().await.unwrap())
        }
    };
    let fields = |p: &Value| -> Vec<String> {
        p["errors"]
            .as_array()
            .map(|a| a.iter().map(|e| e["field"].as_str().unwrap().to_string()).collect())
            .unwrap_or_default()
    };
    let (status, p) =
        award(json!({ "version": version, "preview_id": "p", "equipment": "100.001", "fiscal_year": FY }), "k1").await;
    assert_eq!((status, fields(&p)), (422, vec!["equipment".to_string()]), "{p}");
    let (status, p) =
        award(json!({ "version": version, "preview_id": "p", "software": "-5", "fiscal_year": FY }), "k2").await;
    assert_eq!((status, fields(&p)), (422, vec!["software".to_string()]), "{p}");
    let (status, p) =
        award(json!({ "version": version, "preview_id": "p", "equipment": "0", "fiscal_year": FY }), "k3").await;
    assert_eq!(status, 422, "nothing awarded: {p}");
    let (status, p) =
        award(json!({ "version": version, "preview_id": "p", "equipment": "1000000", "fiscal_year": FY }), "k4").await;
    assert_eq!((status, p["code"].as_str()), (422, Some("award-above-cap")), "{p}");
    assert!(app.db().ledger_entries_of(grant).await.unwrap().is_empty(), "nothing written by a refusal");
    assert_eq!(app.db().grant(grant).await.unwrap().state, "approved");
    let keys: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM idempotency_keys").fetch_one(app.db().pool()).await.unwrap();
    assert_eq!(keys, 0, "a refused award leaves its key free");

    // What is confirmed must be what was previewed (issue 10, item 2): the officer previewed 1 099,99 $,
    // then changed the field; the confirmation is refused and commits nothing.
    let seen = previewed(&app, grant, json!({ "version": version, "equipment": "1099.99", "fiscal_year": FY })).await;
    let changed =
        json!({ "version": version, "equipment": "1.00", "fiscal_year": FY, "preview_id": seen["preview_id"] });
    let (status, p) = award(changed, "k5").await;
    assert_eq!((status, p["code"].as_str()), (409, Some("award-not-as-previewed")), "{p}");
    let (status, p) = award(json!({ "version": version, "equipment": "1099.99", "fiscal_year": FY }), "k5").await;
    assert_eq!((status, fields(&p)), (422, vec!["preview_id".to_string()]), "a confirmation without its preview: {p}");
    let other_year = json!({ "version": version, "equipment": "1099.99", "fiscal_year": "2022-2023", "preview_id": seen["preview_id"] });
    let (status, p) = award(other_year, "k5").await;
    assert_eq!((status, p["code"].as_str()), (409, Some("award-not-as-previewed")), "another year: {p}");
    assert!(app.db().ledger_entries_of(grant).await.unwrap().is_empty(), "nothing written by a refusal");

    let (status, p) = award(seen, "k5").await;
    assert_eq!(status, 200, "{p}");
    assert_eq!(app.db().ledger_entries_of(grant).await.unwrap()[0].amount, Money::parse("1099.99").unwrap());
    let version = app.db().grant(grant).await.unwrap().version;
    let again = previewed(&app, grant, json!({ "version": version, "equipment": "1000", "fiscal_year": FY })).await;
    let (status, p) = award(again, "k6").await;
    assert_eq!(status, 409, "awarded once: {p}");
    assert_eq!(app.db().ledger_entries_of(grant).await.unwrap().len(), 1);

    // A grant that is not approved (a draft) cannot be awarded.
    let draft = app.complete_draft(&common::neq(99)).await;
    let r = app
        .client
        .post(app.url(&format!("/api/v1/grants/{draft}/award")))
        .bearer_auth(&officer)
        .header("idempotency-key", "k7")
        .json(&json!({ "version": 1, "equipment": "1000", "fiscal_year": FY, "preview_id": "p" }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403, "a draft is its organism's alone");
    assert!(app.db().ledger_entries_of(draft).await.unwrap().is_empty());
    assert_eq!(app.db().ledger_verify().await.unwrap(), Vec::<String>::new());
}

/// Issue 10, item 18: on SQLite, `INSERT OR REPLACE` (which deletes the row it replaces without firing
/// the delete trigger) cannot rewrite an entry, nor can PostgreSQL's `ON CONFLICT DO UPDATE`; and
/// `ledger verify` also checks each award against its commitments and the allocations against the
/// program's file.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn entries_cannot_be_replaced_and_verify_checks_awards_and_allocations() {
    use octroi::domain::award::AwardAmounts;
    use octroi::domain::{Actor, Hours};
    let app = common::TestApp::spawn().await;
    let db = app.db();
    let grant = db.grant(approved_grants(&app, 1).await[0]).await.unwrap();
    let officer = Actor { id: "agente@test".into(), role: octroi::domain::workflow::Role::ProgramOfficer };
    let amounts = AwardAmounts {
        equipment: Money::parse("1000").unwrap(),
        software: Money::ZERO,
        coaching_hours: Hours::parse("2").unwrap(),
    };
    octroi::app::award(&app.state, &officer, &grant, amounts, FY, None, None).await.unwrap();
    let program = &app.state.program;
    assert_eq!(db.ledger_verify_against(program).await.unwrap(), Vec::<String>::new());

    let entry = db.ledger_entries_of(grant.id).await.unwrap()[0].id;
    let replace = match app.database.backend {
        octroi::storage::Backend::Sqlite => {
            "INSERT OR REPLACE INTO ledger_entries (id, envelope_code, fiscal_year, category_code, grant_id, kind,
               amount_cents, actor, reason, at)
             SELECT id, envelope_code, fiscal_year, category_code, grant_id, kind, 1, actor, reason, at
             FROM ledger_entries WHERE id = $1"
        }
        octroi::storage::Backend::Postgres => {
            "INSERT INTO ledger_entries (id, envelope_code, fiscal_year, category_code, grant_id, kind,
               amount_cents, actor, reason, at)
             SELECT id, envelope_code, fiscal_year, category_code, grant_id, kind, 1, actor, reason, at
             FROM ledger_entries WHERE id = $1
             ON CONFLICT (id) DO UPDATE SET amount_cents = 1"
        }
    };
    let replaced = sqlx::query(replace).bind(entry).execute(db.pool()).await;
    assert!(replaced.is_err(), "an entry was rewritten in place");
    assert_eq!(db.ledger_entries_of(grant.id).await.unwrap()[0].amount, Money::parse("1000").unwrap());

    sqlx::query("UPDATE grants SET awarded_equipment_cents = 100001 WHERE id = $1")
        .bind(grant.id)
        .execute(db.pool())
        .await
        .unwrap();
    sqlx::query("UPDATE envelope_allocations SET amount_cents = amount_cents + 1 WHERE envelope_code = 'FDMT' AND fiscal_year = $1")
        .bind(FY)
        .execute(db.pool())
        .await
        .unwrap();
    let problems = db.ledger_verify_against(program).await.unwrap();
    assert_eq!(problems.len(), 2, "{problems:#?}");
    assert!(problems[0].starts_with(&format!("FDMT {FY}: allocated")), "{problems:#?}");
    assert_eq!(problems[1], format!("grant {}: awarded 1000.01 of equipment, its commitments hold 1000.00", grant.id));
}

/// The award's letter is rendered before the award takes the envelopes' lock: the award records the
/// SHA-256 rendered when it commits the parts the letter states, on the day it is dated, without making it
/// again; when the split differs it makes the letter again inside its transaction, so the SHA-256 always
/// belongs to a letter that states what was committed.
#[tokio::test]
async fn the_letter_is_rendered_before_the_award_and_made_again_only_when_the_split_differs() {
    use octroi::domain::award::{AwardAmounts, Part};
    use octroi::storage::grants::{AwardLetter, AwardRequest, Command, Firing, MakeLetter};
    let app = common::TestApp::spawn().await;
    let state = &app.state;
    let officer =
        octroi::domain::Actor { id: "agente@test".into(), role: octroi::domain::workflow::Role::ProgramOfficer };
    let award = |grant: &octroi::storage::grants::Grant,
                 rendered: Option<(Vec<Part>, String, String)>,
                 make: Arc<MakeLetter>| {
        let p = grant.proposal().unwrap();
        let amounts = AwardAmounts { equipment: p.equipment, software: p.software, coaching_hours: p.coaching_hours };
        let request = AwardRequest {
            amounts,
            hourly_rate: state.program.coaching_hourly_rate,
            cap: state.program.bourse_cap,
            fiscal_year: octroi::app::default_fiscal_year(state),
            payers: state.program.categories.iter().map(|c| (c.code.clone(), c.envelopes.clone())).collect(),
            idempotency: None,
            previewed: None,
            letter: Some(AwardLetter { rendered, make }),
        };
        Firing { command: Some(Command::Award(Box::new(request))), ..Firing::new("award", "") }
    };
    let today = octroi::storage::now()[..10].to_string();

    // Rendered with the parts the award commits: recorded as rendered, never made again.
    let grant = app.grant_in(1, "approved").await;
    let p = grant.proposal().unwrap();
    let amounts = AwardAmounts { equipment: p.equipment, software: p.software, coaching_hours: p.coaching_hours };
    let year = octroi::app::default_fiscal_year(state);
    let parts = octroi::app::award_preview(state, &amounts, &year).await.unwrap();
    let never: Arc<MakeLetter> = Arc::new(|_: &[Part], _: &str| panic!("made again although the split is the same"));
    let firing = award(&grant, Some((parts.clone(), today.clone(), "rendered-before".into())), never);
    let done =
        app.db().fire_grant_event(state.grant_workflow(), grant.id, grant.version, &officer, firing).await.unwrap();
    assert_eq!(done.letter_sha256.as_deref(), Some("rendered-before"));

    // Rendered with another split (or the day before): made again from the parts committed.
    let grant = app.grant_in(2, "approved").await;
    let mut other = parts.clone();
    other[0].amount = Money::from_cents(other[0].amount.cents() - 1);
    let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
    let make: Arc<MakeLetter> = Arc::new({
        let seen = seen.clone();
        move |parts: &[Part], _: &str| {
            seen.lock().unwrap().push(parts.to_vec());
            "made-again".into()
        }
    });
    let firing = award(&grant, Some((other, today.clone(), "stale".into())), make.clone());
    let done =
        app.db().fire_grant_event(state.grant_workflow(), grant.id, grant.version, &officer, firing).await.unwrap();
    assert_eq!(done.letter_sha256.as_deref(), Some("made-again"));
    assert_eq!(seen.lock().unwrap().as_slice(), std::slice::from_ref(&parts), "made from the parts committed");
    let grant = app.grant_in(3, "approved").await;
    let firing = award(&grant, Some((parts.clone(), "2020-01-01".into(), "yesterday".into())), make);
    let done =
        app.db().fire_grant_event(state.grant_workflow(), grant.id, grant.version, &officer, firing).await.unwrap();
    assert_eq!(done.letter_sha256.as_deref(), Some("made-again"));

    // Through the use case: the SHA-256 recorded is the letter's as it reads.
    let grant = app.grant_in(4, "awarded").await;
    let letter = octroi::letters::letter_for(state, &grant).await.unwrap().unwrap();
    let bytes = octroi::letters::render(&letter, octroi::domain::Language::Fr);
    assert_eq!(grant.letter_sha256, Some(octroi::domain::sha256_hex(&bytes)));
}
