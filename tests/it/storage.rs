//! Storage stories. Each runs on the backend `OCTROI_TEST_DATABASE_URL` names (SQLite by default);
//! `.ci/run` runs them again on PostgreSQL.

use crate::common;

use std::collections::BTreeSet;
use std::sync::Arc;

use common::{GrantId, OrganismId};
use common::{TestDatabase, manifest_dir};
use octroi::domain::account::AccountRole;
use octroi::domain::grant::{Application, Line, LineCategory};
use octroi::domain::workflow::{FireError, Role, Workflow, load_file};
use octroi::domain::{Actor, Email, Hours, Language, Money, Neq, PostalCode, Region};
use octroi::policy::Program;
use octroi::storage::grants::{Command, Firing};
use octroi::storage::organisms::NewOrganism;
use octroi::storage::{Db, StorageError};

fn workflow() -> Workflow {
    load_file(&manifest_dir().join("workflows/grant.toml")).unwrap()
}

fn organism(neq: &str) -> NewOrganism {
    NewOrganism {
        legal_name: "Maison de la famille".into(),
        neq: Neq::parse(neq).unwrap(),
        region: Region::parse("03").unwrap(),
        street_address: "12, rue Saint-Jean".into(),
        city: "Québec".into(),
        postal_code: PostalCode::parse("G1R 1N9").unwrap(),
        contact_email: Email::parse("info@maison.org").unwrap(),
        mission_summary: "Soutien aux familles.".into(),
        preferred_language: Language::Fr,
    }
}

fn application() -> Application {
    Application {
        title: "Postes pour l'accueil".into(),
        needs_assessment: "Deux postes hors d'usage.".into(),
        project_description: "Deux portables et une suite bureautique.".into(),
        lines: vec![
            Line {
                category: LineCategory::Equipment,
                description: "Portable".into(),
                quantity: 2,
                unit_price: Money::parse("1200.00").unwrap(),
            },
            Line {
                category: LineCategory::Software,
                description: "Suite bureautique".into(),
                quantity: 1,
                unit_price: Money::parse("199.99").unwrap(),
            },
        ],
        requested_coaching_hours: Hours::parse("6").unwrap(),
        contact_name: "Jean Roy".into(),
        contact_email: Some(Email::parse("jean@maison.org").unwrap()),
    }
}

fn actor(role: Role) -> Actor {
    Actor { id: format!("{role}@test"), role }
}

async fn draft(db: &Db, w: &Workflow, neq: &str) -> GrantId {
    let o = db.create_organism(organism(neq)).await.unwrap();
    db.create_grant(o.id, application(), w).await.unwrap().id
}

#[tokio::test]
async fn organisms_round_trip_and_a_neq_registers_once() {
    let t = TestDatabase::new().await;
    let db = t.db().await;
    let created = db.create_organism(organism("1100000001")).await.unwrap();
    let read = db.organism(created.id).await.unwrap();
    assert_eq!(created, read);
    assert_eq!(read.postal_code.as_str(), "G1R 1N9");
    assert_eq!(read.region.code(), "03");
    assert!(matches!(db.create_organism(organism("1100000001")).await, Err(StorageError::DuplicateNeq)));
    assert!(matches!(db.organism(OrganismId(created.id.get() + 1000)).await, Err(StorageError::NotFound)));
    let page = db.organisms(0, 10).await.unwrap();
    assert_eq!(page.len(), 1, "the refused duplicate left nothing behind");
}

#[tokio::test]
async fn amounts_are_stored_exactly_in_cents() {
    let t = TestDatabase::new().await;
    let db = t.db().await;
    let w = workflow();
    let id = draft(&db, &w, "1100000002").await;
    let g = db.grant(id).await.unwrap();
    assert_eq!(g.requested_equipment.cents(), 240_000);
    assert_eq!(g.requested_software.cents(), 19_999);
    assert_eq!(g.requested_coaching.hundredths(), 600);
    assert_eq!(g.application(), application());
    assert_eq!((g.state.as_str(), g.version), ("draft", 1));
}

#[tokio::test]
async fn a_grant_for_an_unknown_organism_is_refused() {
    let t = TestDatabase::new().await;
    let db = t.db().await;
    assert!(matches!(
        db.create_grant(OrganismId(999), application(), &workflow()).await,
        Err(StorageError::UnknownOrganism)
    ));
}

#[tokio::test]
async fn a_draft_is_editable_until_submitted_and_edits_check_the_version() {
    let t = TestDatabase::new().await;
    let db = t.db().await;
    let w = workflow();
    let id = draft(&db, &w, "1100000003").await;
    let changed = Application { title: "Nouveau titre".into(), ..application() };
    let g = db.update_application(id, 1, changed.clone(), &w).await.unwrap();
    assert_eq!((g.version, g.title.as_str()), (2, "Nouveau titre"));
    assert!(matches!(
        db.update_application(id, 1, application(), &w).await,
        Err(StorageError::VersionConflict { current: 2 })
    ));
    db.fire_grant_event(&w, id, 2, &actor(Role::Applicant), Firing::new("submit", "")).await.unwrap();
    let refused = db.update_application(id, 3, application(), &w).await;
    assert!(matches!(refused, Err(StorageError::NotEditable { ref state }) if state == "submitted"), "{refused:?}");
    assert_eq!(db.grant(id).await.unwrap().title, "Nouveau titre");
}

#[tokio::test]
async fn transitions_write_the_state_and_the_audit_row_together() {
    let t = TestDatabase::new().await;
    let db = t.db().await;
    let w = workflow();
    let id = draft(&db, &w, "1100000004").await;
    let steps = [
        ("submit", Role::Applicant),
        ("begin_screening", Role::ProgramOfficer),
        ("request_info", Role::ProgramOfficer),
        ("provide_info", Role::Applicant),
        ("send_to_review", Role::ProgramOfficer),
        ("request_info", Role::ProgramOfficer),
        ("provide_info", Role::Applicant),
    ];
    let mut version = 1;
    for (event, role) in steps {
        let firing = Firing::new(event, &format!("because {event}"));
        version = db.fire_grant_event(&w, id, version, &actor(role), firing).await.unwrap().version;
    }
    // One review in, then the decision.
    let reviewer = common::staff(&db, "reviewer@test.org", AccountRole::Reviewer).await;
    db.assign_reviewer(id, reviewer, common::mail()).await.unwrap();
    db.submit_review(id, reviewer, vec!["in_review".into()], common::review(4)).await.unwrap();
    version = db.grant(id).await.unwrap().version;
    for (event, role) in [("complete_reviews", Role::ProgramOfficer), ("approve", Role::ProgramOfficer)] {
        let command = Some(Command::Propose(common::proposal()));
        let firing = Firing { command, ..Firing::new(event, &format!("because {event}")) };
        version = db.fire_grant_event(&w, id, version, &actor(role), firing).await.unwrap().version;
    }
    let g = db.grant(id).await.unwrap();
    assert_eq!((g.state.as_str(), g.version), ("approved", 12), "9 steps, an assignment and a review");
    assert_eq!(g.proposal(), Some(common::proposal()));
    assert!(g.submitted_at.is_some() && g.decided_at.is_some() && g.closed_at.is_none());
    let history = db.grant_history(id).await.unwrap();
    let path: Vec<(&str, &str)> = history.iter().map(|h| (h.from_state.as_str(), h.to_state.as_str())).collect();
    assert_eq!(
        path,
        [
            ("draft", "submitted"),
            ("submitted", "screening"),
            ("screening", "more_info"),
            ("more_info", "screening"),
            ("screening", "in_review"),
            ("in_review", "more_info"),
            ("more_info", "in_review"),
            ("in_review", "decision"),
            ("decision", "approved"),
        ],
        "the applicant's answer returned to the queue the request came from"
    );
    let last = history.last().unwrap();
    assert_eq!(
        (last.actor.as_str(), last.actor_role.as_str(), last.reason.as_str()),
        ("program_officer@test", "program_officer", "because approve")
    );
    let versions: Vec<i64> = history.iter().map(|h| h.version).collect();
    assert!(versions.windows(2).all(|v| v[0] < v[1]) && versions.last() == Some(&12), "{versions:?}");
}

#[tokio::test]
async fn refused_transitions_change_nothing() {
    let t = TestDatabase::new().await;
    let db = t.db().await;
    let w = workflow();
    let id = draft(&db, &w, "1100000005").await;
    let err =
        db.fire_grant_event(&w, id, 1, &actor(Role::ProgramOfficer), Firing::new("approve", "")).await.unwrap_err();
    assert!(
        matches!(err, StorageError::Refused { error: FireError::NotAllowed { ref allowed, .. }, .. } if allowed.is_empty()),
        "{err:?}"
    );
    let err = db.fire_grant_event(&w, id, 1, &actor(Role::Finance), Firing::new("submit", "")).await.unwrap_err();
    assert!(matches!(err, StorageError::Refused { error: FireError::RoleNotPermitted { .. }, .. }), "{err:?}");
    let err = db.fire_grant_event(&w, id, 7, &actor(Role::Applicant), Firing::new("submit", "")).await.unwrap_err();
    assert!(matches!(err, StorageError::VersionConflict { current: 1 }), "{err:?}");

    let empty = Application { needs_assessment: " ".into(), contact_email: None, ..application() };
    db.update_application(id, 1, empty, &w).await.unwrap();
    let err = db.fire_grant_event(&w, id, 2, &actor(Role::Applicant), Firing::new("submit", "")).await.unwrap_err();
    assert!(
        matches!(err, StorageError::Refused { ref missing, .. } if *missing == ["needs_assessment", "contact_email"]),
        "{err:?}"
    );

    let g = db.grant(id).await.unwrap();
    assert_eq!((g.state.as_str(), g.version), ("draft", 2));
    assert!(db.grant_history(id).await.unwrap().is_empty());
}

/// 16 tasks fire on one grant at the same version: exactly one wins, the others get a version conflict,
/// and the audit trail holds exactly one row.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn of_sixteen_concurrent_transitions_exactly_one_wins() {
    let t = TestDatabase::new().await;
    let db = t.db().await;
    let w = Arc::new(workflow());
    let id = draft(&db, &w, "1100000006").await;
    let barrier = Arc::new(tokio::sync::Barrier::new(16));
    let tasks: Vec<_> = (0..16)
        .map(|i| {
            let (db, w, barrier) = (db.clone(), w.clone(), barrier.clone());
            tokio::spawn(async move {
                barrier.wait().await;
                // Half submit, half withdraw: both are allowed from draft, only one may happen.
                let event = if i % 2 == 0 { "submit" } else { "withdraw" };
                db.fire_grant_event(&w, id, 1, &actor(Role::Applicant), Firing::new(event, &format!("task {i}"))).await
            })
        })
        .collect();
    let mut wins = 0;
    let mut conflicts = 0;
    for task in tasks {
        match task.await.unwrap() {
            Ok(g) => {
                wins += 1;
                assert_eq!(g.version, 2);
            }
            Err(StorageError::VersionConflict { .. }) => conflicts += 1,
            Err(other) => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!((wins, conflicts), (1, 15));
    let history = db.grant_history(id).await.unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!(db.grant(id).await.unwrap().state, history[0].to_state);
}

#[tokio::test]
async fn migrations_and_the_program_sync_are_idempotent() {
    let t = TestDatabase::new().await;
    let db = t.db().await;
    db.migrate().await.unwrap();
    let program = Program::load(&manifest_dir().join("policies/dataide.toml")).unwrap();
    db.sync_program(&program).await.unwrap();
    let first = db.allocations().await.unwrap();
    db.sync_program(&program).await.unwrap();
    assert_eq!(db.allocations().await.unwrap(), first);
    assert_eq!(first.len(), 6);
    let fqis: i64 = first.iter().filter(|(e, _, _)| e == "FQIS").map(|(_, _, c)| c).sum();
    assert_eq!(fqis, 400_000_000);
    assert!(first.iter().any(|(e, fy, c)| e == "FDMT" && fy == "2023-2024" && *c == 55_000_000));

    // A changed file is mirrored: a new allocation split replaces the old one.
    let src = std::fs::read_to_string(manifest_dir().join("policies/dataide.toml")).unwrap();
    let changed = src
        .replace("amount = \"400000.00\"", "amount = \"450000.00\"")
        .replace("amount = \"550000.00\"", "amount = \"500000.00\"");
    let program = Program::parse("changed.toml", &changed).unwrap();
    db.sync_program(&program).await.unwrap();
    let fy: BTreeSet<(String, String, i64)> =
        db.allocations().await.unwrap().into_iter().filter(|(e, _, _)| e == "FDMT").collect();
    assert!(fy.contains(&("FDMT".into(), "2022-2023".into(), 45_000_000)));
}

/// Callers dropped at every point of a write (as axum drops a handler whose client hung up) leave no
/// connection inside a transaction and nothing half-applied: every later write succeeds.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn writes_dropped_midway_leave_the_pool_healthy() {
    let t = TestDatabase::new().await;
    let db = t.db().await;
    let w = Arc::new(workflow());
    let mut grants = Vec::new();
    for n in 0..8 {
        grants.push(draft(&db, &w, &format!("11000001{n:02}")).await);
    }
    let mut tasks = Vec::new();
    for i in 0..400u64 {
        let (db, w, grant) = (db.clone(), w.clone(), grants[(i % 8) as usize]);
        tasks.push(tokio::spawn(async move {
            let version = db.grant(grant).await.map(|g| g.version).unwrap_or(1);
            let event = if version % 2 == 1 { "submit" } else { "withdraw" };
            let applicant = actor(Role::Applicant);
            let write = db.fire_grant_event(&w, grant, version, &applicant, Firing::new(event, "dropped"));
            let _ = tokio::time::timeout(std::time::Duration::from_micros(i * 37 % 2000), write).await;
            let edit = db.update_application(grant, version, application(), &w);
            let _ = tokio::time::timeout(std::time::Duration::from_micros(i * 53 % 1500), edit).await;
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    for n in 0..40 {
        let id = draft(&db, &w, &format!("11000002{n:02}")).await;
        db.fire_grant_event(&w, id, 1, &actor(Role::Applicant), Firing::new("submit", "after")).await.unwrap();
    }
    for grant in grants {
        let g = db.grant(grant).await.unwrap();
        let history = db.grant_history(grant).await.unwrap();
        let edits = g.version - 1 - history.len() as i64;
        assert!(edits >= 0, "grant {grant}: more audit rows than versions");
        if let Some(last) = history.last() {
            assert_eq!(g.state, last.to_state);
        }
    }
}

/// A stored name that is no value of its type is an error, never a default (a bad ledger kind used to
/// read as a commitment, a bad line category as equipment).
#[tokio::test]
async fn a_name_that_is_no_value_is_an_error_not_a_default() {
    use octroi::domain::ledger::EntryKind;
    let t = TestDatabase::new().await;
    let db = t.db().await;
    let read = |sql: &'static str| sqlx::query_scalar::<_, LineCategory>(sql).fetch_one(db.pool());
    assert_eq!(read("SELECT 'software'").await.unwrap(), LineCategory::Software);
    let bad = read("SELECT 'furniture'").await.unwrap_err();
    assert!(matches!(bad, sqlx::Error::ColumnDecode { .. }), "{bad:?}");
    assert!(bad.to_string().contains("'furniture' is not a"), "{bad}");
    let kind = sqlx::query_scalar::<_, EntryKind>("SELECT 'refund'").fetch_one(db.pool()).await;
    assert!(kind.is_err(), "{kind:?}");
    let role = sqlx::query_scalar::<_, AccountRole>("SELECT 'root'").fetch_one(db.pool()).await;
    assert!(role.is_err(), "{role:?}");
    let ok = sqlx::query_scalar::<_, EntryKind>("SELECT 'reversal'").fetch_one(db.pool()).await.unwrap();
    assert_eq!(ok, EntryKind::Reversal);
}

/// Records carry domain types: a stored organism or grant whose e-mail, NEQ, region or postal code no
/// longer reads as one is refused when read, never shown as a blank or a default.
#[tokio::test]
async fn a_record_with_a_value_its_type_refuses_is_an_error_when_read() {
    let t = TestDatabase::new().await;
    let db = t.db().await;
    let w = workflow();
    let grant = draft(&db, &w, "1100000009").await;
    let organism = db.grant(grant).await.unwrap().organism_id;
    let org = db.organism(organism).await.unwrap();
    assert_eq!((org.region.code(), org.neq.as_str(), org.postal_code.as_str()), ("03".into(), "1100000009", "G1R 1N9"));
    assert_eq!(org.contact_email.as_str(), "info@maison.org");
    for (column, bad) in
        [("contact_email", "pas-un-courriel"), ("neq", "12"), ("region", "0a"), ("postal_code", "00000")]
    {
        let sql = format!("UPDATE organisms SET {column} = $1 WHERE id = $2");
        let good: String = sqlx::query_scalar(&format!("SELECT {column} FROM organisms WHERE id = $1"))
            .bind(organism)
            .fetch_one(db.pool())
            .await
            .unwrap();
        sqlx::query(&sql).bind(bad).bind(organism).execute(db.pool()).await.unwrap();
        let read = db.organism(organism).await.map(|o| o.legal_name);
        let message = format!("{read:?}");
        assert!(message.contains(&format!("'{bad}' is not a")), "{column}: {message}");
        sqlx::query(&sql).bind(good).bind(organism).execute(db.pool()).await.unwrap();
    }
    sqlx::query("UPDATE grants SET contact_email = 'marie' WHERE id = $1")
        .bind(grant)
        .execute(db.pool())
        .await
        .unwrap();
    let read = db.grant(grant).await.map(|g| g.contact_email);
    assert!(format!("{read:?}").contains("'marie' is not a"), "a bad address is not read as none: {read:?}");
}
