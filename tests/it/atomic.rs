//! One use case, one transaction (issue 11, item 2): when a later step of a use case fails, nothing of
//! its earlier steps stays. Each test makes the later step fail in the database itself (a trigger that
//! refuses one kind of row, as a full disk or a broken constraint would) and checks that the state, the
//! history, the assignments, the reviews and the outbox are as before.

use crate::common;

use common::TestApp;
use common::{GrantId, UserId};
use octroi::app as usecase;
use octroi::domain::account::AccountRole;
use octroi::domain::workflow::Role;
use octroi::domain::{Actor, NumberStyle};
use octroi::storage::Backend;
use sqlx::Executor;

/// Makes every INSERT into `table` for which `when` holds fail, on either database.
async fn fail_inserts(app: &TestApp, table: &str, when: &str) {
    fail_on(app, "INSERT", table, when).await
}

/// Makes every `operation` (INSERT, UPDATE) on `table` for which `when` holds fail, on either database.
async fn fail_on(app: &TestApp, operation: &str, table: &str, when: &str) {
    let pool = app.db().pool();
    match app.db().backend() {
        Backend::Sqlite => {
            let sql = format!(
                "CREATE TRIGGER injected_failure BEFORE {operation} ON {table} WHEN {when}
                 BEGIN SELECT RAISE(ABORT, 'injected failure'); END"
            );
            pool.execute(sql.as_str()).await.unwrap();
        }
        Backend::Postgres => {
            pool.execute(
                "CREATE FUNCTION injected_failure() RETURNS trigger LANGUAGE plpgsql
                 AS $$ BEGIN RAISE EXCEPTION 'injected failure'; END $$",
            )
            .await
            .unwrap();
            let sql = format!(
                "CREATE TRIGGER injected_failure BEFORE {operation} ON {table} FOR EACH ROW WHEN ({when})
                 EXECUTE FUNCTION injected_failure()"
            );
            pool.execute(sql.as_str()).await.unwrap();
        }
    }
}

/// What a use case may write about a grant: its row, its history, its assignments, its reviews, and
/// every queued e-mail.
async fn footprint(app: &TestApp, grant: GrantId) -> (String, i64, i64, i64, i64, i64, i64) {
    let g = app.db().grant(grant).await.unwrap();
    let count = |sql: &'static str| async move {
        sqlx::query_scalar::<_, i64>(sql).bind(grant).fetch_one(app.db().pool()).await.unwrap()
    };
    (
        g.state,
        g.version,
        g.reviews_done,
        count("SELECT COUNT(*) FROM grant_transitions WHERE grant_id = $1").await,
        count("SELECT COUNT(*) FROM grant_assignments WHERE grant_id = $1").await,
        count("SELECT COUNT(*) FROM reviews WHERE grant_id = $1").await,
        sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM outbox").fetch_one(app.db().pool()).await.unwrap(),
    )
}

fn officer() -> Actor {
    Actor { id: "agente@test".into(), role: Role::ProgramOfficer }
}

/// Sending to review assigns the reviewers in the same transaction: when the assignment fails, the
/// application is still in screening, with no trace of the step.
#[tokio::test]
async fn sending_to_review_and_assigning_the_reviewers_are_one() {
    let app = TestApp::spawn().await;
    let grant = app.grant_in(1, "screening").await;
    for email in ["relecteur1@test.org", "relecteur2@test.org"] {
        common::staff(app.db(), email, octroi::domain::account::AccountRole::Reviewer).await;
    }
    let before = footprint(&app, grant.id).await;
    fail_inserts(&app, "grant_assignments", "1 = 1").await;
    let failed = usecase::fire(&app.state, &officer(), &grant, "send_to_review", "", None).await;
    assert!(failed.is_err(), "{failed:?}");
    assert_eq!(footprint(&app, grant.id).await, before);
}

/// Deciding on a submitted application begins its screening implicitly: when the decision fails, the
/// screening did not begin either.
#[tokio::test]
async fn the_implicit_screening_and_the_decision_are_one() {
    let app = TestApp::spawn().await;
    let grant = app.grant_in(1, "submitted").await;
    let before = footprint(&app, grant.id).await;
    fail_inserts(&app, "grant_transitions", "NEW.event = 'decline'").await;
    let reason = "Hors du champ du programme.";
    let failed = usecase::decide(&app.state, &officer(), &grant, "decline", reason, None, NumberStyle::Machine).await;
    assert!(failed.is_err(), "{failed:?}");
    assert_eq!(footprint(&app, grant.id).await, before);
    assert_eq!(app.db().grant(grant.id).await.unwrap().state, "submitted");
}

/// The last review moves the application to the decision in the same transaction: when that step
/// fails, the review is not recorded and the reviewer can submit it again.
#[tokio::test]
async fn the_last_review_and_completing_the_reviews_are_one() {
    let app = TestApp::spawn().await;
    let grant = app.grant_in(1, "in_review").await;
    let reviewers = app.db().assigned_reviewers(grant.id).await.unwrap();
    assert_eq!(reviewers.len(), 2, "{reviewers:?}");
    usecase::submit_review(&app.state, grant.id, reviewers[0].0, common::review(4)).await.unwrap();
    let before = footprint(&app, grant.id).await;
    assert_eq!(before.2, 1, "the first review counts");
    fail_inserts(&app, "grant_transitions", "NEW.event = 'complete_reviews'").await;
    let failed = usecase::submit_review(&app.state, grant.id, reviewers[1].0, common::review(3)).await;
    assert!(failed.is_err(), "{failed:?}");
    assert_eq!(footprint(&app, grant.id).await, before);
    assert_eq!(app.db().grant(grant.id).await.unwrap().state, "in_review");
}

/// Declaring a conflict takes the reviewer off the organism's applications and assigns another in the
/// same transaction: when the reassignment fails, the conflict is not recorded and the reviewer is still
/// on the application.
#[tokio::test]
async fn a_declared_conflict_and_the_reassignment_are_one() {
    let app = TestApp::spawn().await;
    let grant = app.grant_in(1, "in_review").await;
    // A third reviewer, free to take the place.
    common::staff(app.db(), "relecteur3@test.org", AccountRole::Reviewer).await;
    let leaving = app.db().assigned_reviewers(grant.id).await.unwrap()[0].0;
    let before = footprint(&app, grant.id).await;
    fail_inserts(&app, "grant_assignments", "1 = 1").await;
    let failed = usecase::declare_conflict(&app.state, leaving, grant.organism_id, "ancienne employée").await;
    assert!(failed.is_err(), "{failed:?}");
    assert_eq!(footprint(&app, grant.id).await, before);
    assert!(app.db().conflicts_of(leaving).await.unwrap().is_empty(), "the conflict was not recorded");
    let assigned: Vec<UserId> = app.db().assigned_reviewers(grant.id).await.unwrap().iter().map(|r| r.0).collect();
    assert!(assigned.contains(&leaving), "{assigned:?}");

    // Without the failure, the same declaration moves the application to the third reviewer.
    let drop = match app.db().backend() {
        Backend::Sqlite => "DROP TRIGGER injected_failure",
        Backend::Postgres => "DROP TRIGGER injected_failure ON grant_assignments",
    };
    app.db().pool().execute(drop).await.unwrap();
    let left = usecase::declare_conflict(&app.state, leaving, grant.organism_id, "ancienne employée").await.unwrap();
    assert_eq!(left, vec![grant.id]);
    let assigned: Vec<UserId> = app.db().assigned_reviewers(grant.id).await.unwrap().iter().map(|r| r.0).collect();
    assert_eq!(assigned.len(), 2, "{assigned:?}");
    assert!(!assigned.contains(&leaving), "{assigned:?}");
}

/// The test builder takes a new application to each state of its path.
#[tokio::test]
async fn the_builder_reaches_every_state_of_the_path() {
    let app = TestApp::spawn().await;
    for (n, target) in ["draft", "submitted", "screening", "in_review", "decision", "approved", "awarded", "active"]
        .into_iter()
        .enumerate()
    {
        let g = app.grant_in(n as u32 + 1, target).await;
        assert_eq!(g.state, target);
    }
}

/// An award under an Idempotency-Key keeps its answer in the award's transaction: when keeping it fails,
/// nothing of the award stays (it used to be written apart, after the commit, and a failure there left
/// the key "in progress" for ever), and the same request can be made again.
#[tokio::test]
async fn an_award_and_the_answer_kept_for_its_key_are_one() {
    let app = TestApp::spawn().await;
    let grant = app.grant_in(1, "approved").await;
    let user = app.account("agente@test.org", AccountRole::ProgramOfficer, None).await;
    let p = grant.proposal().unwrap();
    let amounts = octroi::domain::award::AwardAmounts {
        equipment: p.equipment,
        software: p.software,
        coaching_hours: p.coaching_hours,
    };
    let year = usecase::default_fiscal_year(&app.state);
    let key = || {
        Some(usecase::AwardKey { key: "k-1".into(), user_id: user, answer: std::sync::Arc::new(|_, _| "{}".into()) })
    };
    let before = footprint(&app, grant.id).await;
    fail_on(&app, "UPDATE", "idempotency_keys", "1 = 1").await;
    let failed = usecase::award(&app.state, &officer(), &grant, amounts, &year, key(), None).await;
    assert!(failed.is_err(), "{failed:?}");
    assert_eq!(footprint(&app, grant.id).await, before);
    assert!(app.db().ledger_entries_of(grant.id).await.unwrap().is_empty());
    assert!(app.db().idempotency("k-1").await.unwrap().is_none(), "the key is free again");

    let drop = match app.db().backend() {
        Backend::Sqlite => "DROP TRIGGER injected_failure",
        Backend::Postgres => "DROP TRIGGER injected_failure ON idempotency_keys",
    };
    app.db().pool().execute(drop).await.unwrap();
    let made = usecase::award(&app.state, &officer(), &grant, amounts, &year, key(), None).await.unwrap();
    assert!(matches!(made, usecase::Awarded::Now(_, Some(ref a)) if a == "{}"), "{made:?}");
}
