//! Review (issue 4) on the backend under test: the pages a program officer and reviewers use, the queues'
//! filters and pages, the conflict rule under a property test, and every refusal leaving nothing written.

use crate::common;

use std::collections::BTreeSet;

use common::{Browser, PASSWORD, TestApp, neq};
use common::{GrantId, OrganismId, UserId};
use octroi::domain::account::AccountRole;
use octroi::domain::grant::{Application, Line, LineCategory};
use octroi::domain::workflow::Role;
use octroi::domain::{Actor, Email, Hours, Language, Money, Neq, PostalCode, Region};
use octroi::storage::StorageError;
use octroi::storage::grants::{Command, Firing};
use octroi::storage::organisms::NewOrganism;
use octroi::storage::queues::{Filter, QueueQuery, QueueSort, Viewer};
use proptest::prelude::*;

fn organism(n: u32, region: &str) -> NewOrganism {
    NewOrganism {
        legal_name: format!("Organisme {n}"),
        neq: Neq::parse(&neq(n)).unwrap(),
        region: Region::parse(region).unwrap(),
        street_address: "1, rue Principale".into(),
        city: "Québec".into(),
        postal_code: PostalCode::parse("G1R 1N9").unwrap(),
        contact_email: Email::parse("info@exemple.org").unwrap(),
        mission_summary: "Lutte contre la pauvreté et l'isolement.".into(),
        preferred_language: Language::Fr,
    }
}

fn application(title: &str, equipment: &str) -> Application {
    Application {
        title: title.into(),
        needs_assessment: "Nos postes ont dix ans.".into(),
        project_description: "Les remplacer.".into(),
        lines: vec![Line {
            category: LineCategory::Equipment,
            description: "Portable".into(),
            quantity: 1,
            unit_price: Money::parse(equipment).unwrap(),
        }],
        requested_coaching_hours: Hours::parse("6").unwrap(),
        contact_name: "Marie".into(),
        contact_email: Some(Email::parse("marie@exemple.org").unwrap()),
    }
}

fn actor(role: Role) -> Actor {
    Actor { id: format!("{role}@test"), role }
}

/// A new organism in `region` with one application asking `equipment` dollars, submitted by the
/// builder; returns (organism, grant).
async fn submitted(app: &TestApp, n: u32, region: &'static str, equipment: &str) -> (OrganismId, GrantId) {
    let application = serde_json::json!({
        "title": format!("Projet {n}"),
        "needs_assessment": "Nos postes ont dix ans.",
        "project_description": "Les remplacer.",
        "lines": [{ "category": "equipment", "description": "Portable", "quantity": 1, "unit_price": equipment }],
        "requested_coaching_hours": "6",
        "contact_name": "Marie",
        "contact_email": "marie@exemple.org"
    });
    let g = app.grant_from(n, "submitted", common::Draft { organism: None, region, application }).await;
    (g.organism_id, g.id)
}

/// Fires events in turn as a program officer, with the app's review policy.
async fn fire(app: &TestApp, grant: GrantId, events: &[&str]) {
    for event in events {
        let g = app.db().grant(grant).await.unwrap();
        let command = Some(Command::Propose(common::proposal()));
        let firing = Firing { command, ..octroi::app::firing(&app.state, event, "") };
        app.db()
            .fire_grant_event(app.state.grant_workflow(), grant, g.version, &actor(Role::ProgramOfficer), firing)
            .await
            .unwrap_or_else(|e| panic!("{event}: {e}"));
    }
}

fn reviewing() -> Vec<String> {
    vec!["in_review".into()]
}

/// A program officer screens and sends an application to review (two reviewers are picked, the
/// applicant's region first, never its own staff); each reviewer scores without seeing the other's
/// scores; the last review moves it to the decision queue; the officer approves it; the applicant is
/// told, in French, and the history says who did what.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_officer_and_two_reviewers_take_an_application_to_approval_in_the_browser() {
    let app = TestApp::spawn().await;
    let grant = app.complete_draft(&neq(1)).await;
    let organism = app.db().grant(grant).await.unwrap().organism_id;
    app.account("membre@test.org", AccountRole::Member, Some(organism)).await;
    assert_eq!(app.fire(grant, "submit", 1, "applicant").await.status(), 200);
    app.account("agente@test.org", AccountRole::ProgramOfficer, None).await;
    let mut reviewers = Vec::new();
    for (email, region) in [("alice@test.org", "06"), ("bruno@test.org", "03"), ("chloe@test.org", "06")] {
        let id = app.account(email, AccountRole::Reviewer, None).await;
        app.db().set_user_region(id, Some(Region::parse(region).unwrap())).await.unwrap();
        reviewers.push(id);
    }
    // Chloé works for the applicant: never picked.
    sqlx::query("UPDATE users SET organism_id = $1 WHERE id = $2")
        .bind(organism)
        .bind(reviewers[2])
        .execute(app.db().pool())
        .await
        .unwrap();

    let officer = Browser::new(&app);
    let csrf = officer.sign_in("agente@test.org", PASSWORD).await;
    let queue = officer.get("/queues/screening").await.text().await.unwrap();
    assert!(queue.contains("Virage numérique de la cuisine collective"), "{queue}");
    assert!(queue.contains(r#"Vérification <span class="badge">1</span>"#), "the count in the navigation: {queue}");
    let manage = officer.get(&format!("/grants/{grant}/manage")).await.text().await.unwrap();
    assert!(manage.contains("NEQ valide") && manage.contains("Respectée"), "eligibility results: {manage}");
    let version = app.db().grant(grant).await.unwrap().version.to_string();
    let r = officer
        .post_form(&format!("/grants/{grant}/manage"), &csrf, &[("version", &version), ("event", "send_to_review")])
        .await;
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
    let g = app.db().grant(grant).await.unwrap();
    assert_eq!(g.state, "in_review", "screening began implicitly, then review");
    let assigned: BTreeSet<UserId> = app.db().assigned_reviewers(grant).await.unwrap().iter().map(|r| r.0).collect();
    assert_eq!(assigned, BTreeSet::from([reviewers[0], reviewers[1]]), "two reviewers, never the applicant's own");
    assert_eq!(app.db().mail_to("alice@test.org").await.unwrap().len(), 1, "the reviewer is told");

    let alice = Browser::new(&app);
    let alice_csrf = alice.sign_in("alice@test.org", PASSWORD).await;
    let mine = alice.get("/queues/my-reviews").await.text().await.unwrap();
    assert!(mine.contains(&format!("/grants/{grant}/review")), "{mine}");
    // A score off the scale: refused, what was typed kept, nothing saved.
    let bad = [
        ("score.need", "7"),
        ("score.mission", "4"),
        ("score.feasibility", "4"),
        ("score.sustainability", "3"),
        ("recommendation", "approve"),
        ("comment", "Un projet clair et nécessaire."),
    ];
    let r = alice.post_form(&format!("/grants/{grant}/review"), &alice_csrf, &bad).await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("Choisissez une note entière de 0 à 5."), "{html}");
    assert!(html.contains("Besoin démontré\u{a0}: Choisissez une note"), "the summary names the criterion: {html}");
    assert!(
        html.contains("pondération 30\u{a0}%") && html.contains("3 — Satisfaisant"),
        "weights and what scores mean"
    );
    assert!(html.contains("le manque est réel"), "what the criterion looks for");
    assert!(html.contains("Un projet clair et nécessaire."), "the comment is kept");
    assert!(app.db().reviews(grant).await.unwrap().is_empty());
    let good: Vec<(&str, &str)> = bad.iter().map(|&(k, v)| if k == "score.need" { (k, "5") } else { (k, v) }).collect();
    let r = alice.post_form(&format!("/grants/{grant}/review"), &alice_csrf, &good).await;
    assert_eq!(r.status(), 303);

    let bruno = Browser::new(&app);
    let bruno_csrf = bruno.sign_in("bruno@test.org", PASSWORD).await;
    let before = bruno.get(&format!("/grants/{grant}/review")).await.text().await.unwrap();
    assert!(!before.contains("Un projet clair et nécessaire."), "the other's review stays hidden before one's own");
    let bruno_review = [
        ("score.need", "3"),
        ("score.mission", "3"),
        ("score.feasibility", "2"),
        ("score.sustainability", "4"),
        ("recommendation", "discuss"),
        ("comment", "Budget à préciser."),
    ];
    let r = bruno.post_form(&format!("/grants/{grant}/review"), &bruno_csrf, &bruno_review).await;
    assert_eq!(r.status(), 303);
    let after = bruno.get(&format!("/grants/{grant}/review")).await.text().await.unwrap();
    assert!(after.contains("Un projet clair et nécessaire."), "visible once submitted");
    let g = app.db().grant(grant).await.unwrap();
    assert_eq!(g.state, "decision", "the last review moved it on");
    // Alice: 5×30 + 4×25 + 4×25 + 3×20 = 410 → 4.1; Bruno: 3×30 + 3×25 + 2×25 + 4×20 = 295 → 2.95.
    assert_eq!((g.reviews_done, g.review_score_hundredths), (2, Some(352)), "mean 3.525 → 3.52, half to even");

    let decision = officer.get("/queues/decision?sort=score").await.text().await.unwrap();
    assert!(decision.contains("3,52"), "{decision}");
    let manage = officer.get(&format!("/grants/{grant}/manage")).await.text().await.unwrap();
    assert!(manage.contains("4,1") && manage.contains("2,95"), "both reviews side by side: {manage}");
    let version = g.version.to_string();
    let above_cap = [
        ("version", version.as_str()),
        ("event", "approve"),
        ("equipment", "9000"),
        ("software", "480.50"),
        ("coaching_hours", "10"),
    ];
    let r = officer.post_form(&format!("/grants/{grant}/manage"), &csrf, &above_cap).await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("dépasse le plafond de 10\u{a0}000,00\u{a0}$ par bourse"), "{html}");
    assert!(html.contains(r#"value="9000""#), "typed amounts kept");
    assert_eq!(app.db().grant(grant).await.unwrap().state, "decision", "nothing changed");
    let approve = [
        ("version", version.as_str()),
        ("event", "approve"),
        ("equipment", "3600"),
        ("software", "480.50"),
        ("coaching_hours", "6.5"),
    ];
    let r = officer.post_form(&format!("/grants/{grant}/manage"), &csrf, &approve).await;
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
    let g = app.db().grant(grant).await.unwrap();
    assert_eq!(g.state, "approved");
    assert_eq!(
        (g.proposed_equipment, g.proposed_software, g.proposed_coaching),
        (Some(Money::from_cents(360_000)), Some(Money::from_cents(48_050)), Some(Hours::from_hundredths(650)))
    );
    let mails = app.db().mail_to("membre@test.org").await.unwrap();
    let subjects: Vec<&str> = mails.iter().map(|m| m.subject.as_str()).collect();
    assert_eq!(
        subjects,
        [
            "DATAide\u{a0}: demande «\u{a0}Virage numérique de la cuisine collective\u{a0}» reçue",
            "DATAide\u{a0}: demande «\u{a0}Virage numérique de la cuisine collective\u{a0}» approuvée"
        ]
    );
    let history = app.db().grant_history(grant).await.unwrap();
    let steps: Vec<(&str, &str)> = history.iter().map(|h| (h.event.as_str(), h.actor.as_str())).collect();
    assert_eq!(
        steps,
        [
            ("submit", steps[0].1),
            ("begin_screening", "agente@test.org"),
            ("send_to_review", "agente@test.org"),
            ("complete_reviews", "octroi"),
            ("approve", "agente@test.org"),
        ]
    );
    // The applicant reads the same history with staff named by their role, never by their address.
    let member = Browser::new(&app);
    member.sign_in("membre@test.org", PASSWORD).await;
    let page = member.get(&format!("/grants/{grant}")).await.text().await.unwrap();
    assert!(page.contains("L&#39;équipe du programme") || page.contains("L'équipe du programme"), "{page}");
    assert!(!page.contains("agente@test.org"), "no staff address shown to the applicant: {page}");
    let api = member.get(&format!("/api/v1/grants/{grant}/transitions")).await.text().await.unwrap();
    assert!(api.contains("L'équipe du programme") && !api.contains("agente@test.org"), "nor through the API: {api}");
}

/// Screening shows the mission and what each rule looked for and found; sending on an application that
/// fails a rule overrides the rule, which takes a reason the history keeps.
#[tokio::test]
async fn overriding_a_failed_rule_takes_a_reason_kept_in_the_history() {
    let app = TestApp::spawn().await;
    let grant = app.complete_draft(&neq(1)).await;
    let organism = app.db().grant(grant).await.unwrap().organism_id;
    sqlx::query("UPDATE organisms SET mission_summary = 'Club de photographie des Laurentides' WHERE id = $1")
        .bind(organism)
        .execute(app.db().pool())
        .await
        .unwrap();
    assert_eq!(app.fire(grant, "submit", 1, "applicant").await.status(), 200);
    app.account("agente@test.org", AccountRole::ProgramOfficer, None).await;
    for email in ["alice@test.org", "bruno@test.org"] {
        app.account(email, AccountRole::Reviewer, None).await;
    }
    let officer = Browser::new(&app);
    let csrf = officer.sign_in("agente@test.org", PASSWORD).await;
    let manage = officer.get(&format!("/grants/{grant}/manage")).await.text().await.unwrap();
    for shown in ["Club de photographie des Laurentides", "Aucun de ces mots", "pauvreté", "f-override_reason"] {
        assert!(manage.contains(shown), "{shown:?} missing from the screening page");
    }
    let send = async |reason: &str| {
        let version = app.db().grant(grant).await.unwrap().version.to_string();
        let fields = [("version", version.as_str()), ("event", "send_to_review"), ("reason", reason)];
        officer.post_form(&format!("/grants/{grant}/manage"), &csrf, &fields).await
    };
    let r = send("  ").await;
    assert_eq!(r.status(), 422);
    let page = r.text().await.unwrap();
    assert!(page.contains("Expliquez pourquoi vous passez outre"), "{page}");
    assert!(page.contains(r##"href="#f-override_reason""##), "the summary links to the reason: {page}");
    assert_eq!(app.db().grant(grant).await.unwrap().state, "submitted", "nothing written");
    let r = send("Banque alimentaire : la mission est mal décrite, vérifié au téléphone.").await;
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
    assert_eq!(app.db().grant(grant).await.unwrap().state, "in_review");
    let history = app.db().grant_history(grant).await.unwrap();
    let step = history.iter().find(|h| h.event == "send_to_review").unwrap();
    assert_eq!(step.reason, "Banque alimentaire : la mission est mal décrite, vérifié au téléphone.");
}

/// Declining needs a reason, which the applicant receives in their own language; a request for
/// information from the decision queue comes back to it with the answer.
#[tokio::test]
async fn declines_and_requests_for_information_reach_the_applicant_in_their_language() {
    let app = TestApp::spawn().await;
    let (organism, grant) = submitted(&app, 1, "06", "1000").await;
    let english = app.account("pat@test.org", AccountRole::Member, Some(organism)).await;
    app.db().set_language(english, Language::En).await.unwrap();
    let officer_id = app.account("agente@test.org", AccountRole::ProgramOfficer, None).await;
    let officer = app.db().user(officer_id).await.unwrap();
    let caller = octroi::web::auth::Caller::load(app.db(), officer).await.unwrap();
    let g = app.db().grant(grant).await.unwrap();
    let (g, _) = octroi::app::fire(&app.state, &caller.actor(), &g, "begin_screening", "", None).await.unwrap();
    let refused = octroi::app::fire(&app.state, &caller.actor(), &g, "approve", "", None).await;
    assert!(refused.is_err(), "no approval from screening");
    let (g, _) = octroi::app::fire(&app.state, &caller.actor(), &g, "request_info", "Joignez une soumission.", None)
        .await
        .unwrap();
    assert_eq!(g.state, "more_info");
    let mail = app.db().mail_to("pat@test.org").await.unwrap().pop().unwrap();
    assert_eq!(mail.subject, "DATAide: information requested for “Projet 1”");
    assert!(mail.body.contains("Joignez une soumission."), "{}", mail.body);
    let answer = Firing::new("provide_info", "Voilà.");
    let g =
        app.db().fire_grant_event(app.state.grant_workflow(), grant, g.version, &actor(Role::Applicant), answer).await;
    assert_eq!(g.unwrap().state, "screening", "back to the queue it came from");
    let g = app.db().grant(grant).await.unwrap();
    let (g, _) = octroi::app::fire(&app.state, &caller.actor(), &g, "decline", "Hors du champ du programme.", None)
        .await
        .unwrap();
    assert_eq!(g.state, "declined");
    let mail = app.db().mail_to("pat@test.org").await.unwrap().pop().unwrap();
    assert_eq!(mail.subject, "DATAide: decision on “Projet 1”");
    assert!(mail.body.contains("Reason: Hors du champ du programme."), "{}", mail.body);
}

/// Every refusal of the review steps is clear and leaves nothing written: a review by someone not
/// assigned, a second review, a review once the application left review, a score off the scale, a
/// decision before every review is in, an approval without amounts, a conflicted reviewer.
#[tokio::test]
async fn review_refusals_write_nothing() {
    let app = TestApp::spawn().await;
    let db = app.db();
    let (organism, grant) = submitted(&app, 1, "06", "1000").await;
    let alice = common::staff(db, "alice@test.org", AccountRole::Reviewer).await;
    let bruno = common::staff(db, "bruno@test.org", AccountRole::Reviewer).await;
    let officer = common::staff(db, "officer@test.org", AccountRole::ProgramOfficer).await;
    fire(&app, grant, &["begin_screening", "send_to_review"]).await;
    app.assign(grant, alice).await.unwrap();
    let version = db.grant(grant).await.unwrap().version;

    let not_assigned = db.submit_review(grant, bruno, reviewing(), common::review(3)).await;
    assert!(matches!(not_assigned, Err(StorageError::NotAssigned)), "{not_assigned:?}");
    assert!(matches!(db.assign_reviewer(grant, officer, common::mail()).await, Err(StorageError::NotAReviewer)));
    db.declare_conflict(bruno, organism, "ancien employé").await.unwrap();
    let conflicted = app.assign(grant, bruno).await;
    assert!(matches!(conflicted, Err(StorageError::ConflictOfInterest)), "{conflicted:?}");
    assert_eq!(db.grant(grant).await.unwrap().version, version, "no refusal touched the grant");

    // The decision waits for every review: the program asks for two.
    let early = octroi::app::firing(&app.state, "complete_reviews", "");
    let refused =
        db.fire_grant_event(app.state.grant_workflow(), grant, version, &actor(Role::ProgramOfficer), early).await;
    assert!(matches!(refused, Err(StorageError::Refused { .. })), "{refused:?}");

    db.submit_review(grant, alice, reviewing(), common::review(4)).await.unwrap();
    let twice = db.submit_review(grant, alice, reviewing(), common::review(1)).await;
    assert!(matches!(twice, Err(StorageError::AlreadyReviewed)), "{twice:?}");
    let g = db.grant(grant).await.unwrap();
    assert_eq!((g.reviews_done, g.review_score_hundredths), (1, Some(400)), "the second review changed nothing");

    // Through the API: a score off the scale is a 422 listing the field; nothing is saved.
    let carl = app.account("carl@test.org", AccountRole::Reviewer, None).await;
    app.assign(grant, carl).await.unwrap();
    let token = app.token_of(carl).await;
    let body = serde_json::json!({
        "scores": { "need": 9, "mission": 3, "feasibility": 3, "sustainability": 3 },
        "comment": "x", "recommendation": "approve"
    });
    let r = app.post_as(&token, &format!("/api/v1/grants/{grant}/reviews"), &body).await;
    assert_eq!(r.status(), 422);
    let problem: serde_json::Value = r.json().await.unwrap();
    assert_eq!(problem["errors"][0]["field"], "score.need", "{problem}");
    assert_eq!(db.reviews(grant).await.unwrap().len(), 1);

    let g = db.grant(grant).await.unwrap();
    let workflow = app.state.grant_workflow();
    let mut complete = octroi::app::firing(&app.state, "complete_reviews", "");
    complete.reviews_required = 1;
    let refused = db.fire_grant_event(workflow, grant, g.version, &actor(Role::ProgramOfficer), complete.clone()).await;
    assert!(matches!(refused, Err(StorageError::Refused { .. })), "Carl has not reviewed yet: {refused:?}");
    db.unassign_reviewer(grant, carl).await.unwrap();
    let g = db.grant(grant).await.unwrap();
    let g = db.fire_grant_event(workflow, grant, g.version, &actor(Role::ProgramOfficer), complete).await.unwrap();
    let late = db.submit_review(grant, alice, vec!["in_review".into()], common::review(2)).await;
    assert!(matches!(late, Err(StorageError::AlreadyReviewed | StorageError::NotReviewable { .. })));
    let approve = Firing::new("approve", "");
    let refused = db.fire_grant_event(workflow, grant, g.version, &actor(Role::ProgramOfficer), approve).await;
    assert!(
        matches!(
            refused,
            Err(StorageError::CommandRequired { effect: octroi::domain::workflow::Effect::RecordProposal })
        ),
        "{refused:?}"
    );
    let after = db.grant(grant).await.unwrap();
    assert_eq!((after.state.as_str(), after.version), ("decision", g.version), "nothing half-written");
}

/// Two program officers decide the same application at once: exactly one wins, the other gets the
/// conflict, in French, over the API.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_officers_deciding_at_once_one_wins() {
    let app = TestApp::spawn().await;
    let (_, grant) = submitted(&app, 1, "06", "1000").await;
    let a = common::staff(app.db(), "a@test.org", AccountRole::Reviewer).await;
    let b = common::staff(app.db(), "b@test.org", AccountRole::Reviewer).await;
    fire(&app, grant, &["begin_screening", "send_to_review"]).await;
    for r in [a, b] {
        app.assign(grant, r).await.unwrap();
        app.db().submit_review(grant, r, reviewing(), common::review(4)).await.unwrap();
    }
    fire(&app, grant, &["complete_reviews"]).await;
    let version = app.db().grant(grant).await.unwrap().version;
    let token = app.token("program_officer").await;
    let bodies = [
        serde_json::json!({ "event": "approve", "version": version,
            "proposal": { "equipment": "1000", "software": "0", "coaching_hours": "6" } }),
        serde_json::json!({ "event": "decline", "version": version, "reason": "Budget épuisé." }),
    ];
    let request = |body: &serde_json::Value| {
        app.client
            .post(app.url(&format!("/api/v1/grants/{grant}/transitions")))
            .bearer_auth(&token)
            .header("accept-language", "fr-CA")
            .json(body)
            .send()
    };
    let (first, second) = tokio::join!(request(&bodies[0]), request(&bodies[1]));
    let responses = [first.unwrap(), second.unwrap()];
    let mut statuses: Vec<u16> = responses.iter().map(|r| r.status().as_u16()).collect();
    statuses.sort();
    assert_eq!(statuses, [200, 409]);
    for r in responses {
        if r.status() == 409 {
            let problem: serde_json::Value = r.json().await.unwrap();
            assert_eq!(problem["code"], "version-conflict");
            assert_eq!(problem["title"], "Modifié entre-temps", "{problem}");
        }
    }
    let history = app.db().grant_history(grant).await.unwrap();
    assert_eq!(history.iter().filter(|h| h.event == "approve" || h.event == "decline").count(), 1);
}

/// The queues filter by region and requested amount, sort by age and by score, page through, and
/// never show a viewer their own organism's applications nor a conflicted one's, in rows or counts.
#[tokio::test]
async fn queues_filter_sort_and_paginate() {
    let app = TestApp::spawn().await;
    let db = app.db();
    let regions = ["01", "02", "03"];
    let mut grants = Vec::new();
    for n in 1..=20u32 {
        let region = regions[(n % 3) as usize];
        let amount = format!("{}", n * 1000);
        grants.push((n, region, submitted(&app, n, region, &amount).await));
    }
    let officer = common::staff(db, "officer@test.org", AccountRole::ProgramOfficer).await;
    let screening = |page: i64, per_page: i64| QueueQuery {
        states: vec!["submitted".into(), "screening".into()],
        to_review_by_viewer: false,
        viewer: Viewer { user_id: officer, affiliation: None },
        filter: Filter { page, ..Filter::none(per_page) },
    };
    let filtered = |filter: Filter| QueueQuery { filter, ..screening(1, 100) };
    let all = db.queue(&screening(1, 100), None).await.unwrap();
    assert_eq!(all.total, 20);
    let ids: Vec<GrantId> = all.rows.iter().map(|r| r.id).collect();
    assert_eq!(ids, grants.iter().map(|(_, _, (_, g))| *g).collect::<Vec<_>>(), "oldest in the state first");
    // Pages of 7: 7, 7, 6, in order, the total on each.
    let mut paged = Vec::new();
    for page in 1..=3 {
        let p = db.queue(&screening(page, 7), None).await.unwrap();
        assert_eq!(p.total, 20);
        paged.extend(p.rows.iter().map(|r| r.id));
    }
    assert_eq!(paged, ids);
    assert!(db.queue(&screening(4, 7), None).await.unwrap().rows.is_empty());

    let in_region = db.queue(&filtered(Filter { region: Some("02".into()), ..Filter::none(100) }), None).await.unwrap();
    let expected: Vec<GrantId> = grants.iter().filter(|(_, r, _)| *r == "02").map(|(_, _, (_, g))| *g).collect();
    assert_eq!(in_region.rows.iter().map(|r| r.id).collect::<Vec<_>>(), expected);
    assert!(in_region.rows.iter().all(|r| r.region.code() == "02"));
    let between = db
        .queue(&filtered(Filter { min_cents: Some(500_000), max_cents: Some(800_000), ..Filter::none(100) }), None)
        .await
        .unwrap();
    let amounts: Vec<i64> = between.rows.iter().map(|r| r.requested.cents()).collect();
    assert_eq!(amounts, [500_000, 600_000, 700_000, 800_000], "inclusive bounds");

    // Scores: three applications reviewed, sorted best first, the unscored last.
    for (i, score) in [(0, 2), (1, 5), (2, 3)] {
        let g = grants[i].2.1;
        fire(&app, g, &["begin_screening", "send_to_review"]).await;
        let r = common::staff(db, &format!("r{i}@test.org"), AccountRole::Reviewer).await;
        app.assign(g, r).await.unwrap();
        db.submit_review(g, r, reviewing(), common::review(score)).await.unwrap();
    }
    let review = QueueQuery { states: reviewing(), ..filtered(Filter { sort: QueueSort::Score, ..Filter::none(100) }) };
    let by_score = db.queue(&review, None).await.unwrap();
    // By reviewer: the one application assigned to r1.
    let r1 = db.user_by_email("r1@test.org").await.unwrap().unwrap().id;
    let theirs = QueueQuery { states: reviewing(), ..filtered(Filter { reviewer: Some(r1), ..Filter::none(100) }) };
    let theirs: Vec<GrantId> = db.queue(&theirs, None).await.unwrap().rows.iter().map(|r| r.id).collect();
    assert_eq!(theirs, [grants[1].2.1]);
    // By fiscal year of submission: all of this year's, none of last year's.
    let this_year = octroi::domain::FiscalYear::of(chrono::Utc::now().date_naive());
    let starting = |year| Filter { fiscal_year: Some(year), ..Filter::none(100) };
    let total = |filter| async { db.queue(&QueueQuery { filter, ..screening(1, 100) }, None).await.unwrap().total };
    assert_eq!(total(starting(this_year)).await, 17);
    assert_eq!(total(starting(octroi::domain::FiscalYear::starting(2020))).await, 0);
    let order: Vec<GrantId> = by_score.rows.iter().map(|r| r.id).collect();
    assert_eq!(order, [grants[1].2.1, grants[2].2.1, grants[0].2.1]);
    assert_eq!(by_score.rows[0].review_score_hundredths, Some(500));

    // A conflict hides the organism's applications, in rows and counts; so does an affiliation.
    db.declare_conflict(officer, grants[3].2.0, "conjointe au conseil").await.unwrap();
    let affiliated = Viewer { user_id: officer, affiliation: Some(grants[4].2.0) };
    let seen = db.queue(&QueueQuery { viewer: affiliated, ..screening(1, 100) }, None).await.unwrap();
    assert_eq!(seen.total, 15, "20 - 3 in review - 1 conflicted - 1 affiliated");
    assert!(!seen.rows.iter().any(|r| r.id == grants[3].2.1 || r.id == grants[4].2.1));
    let counts =
        db.queue_counts(&[QueueQuery { viewer: affiliated, ..screening(1, 1) }, review.clone()]).await.unwrap();
    assert_eq!(counts, [15, 3]);

    // My reviews: assigned to me and not yet reviewed by me.
    let r = common::staff(db, "mine@test.org", AccountRole::Reviewer).await;
    app.assign(grants[1].2.1, r).await.unwrap();
    app.assign(grants[2].2.1, r).await.unwrap();
    db.submit_review(grants[2].2.1, r, reviewing(), common::review(1)).await.unwrap();
    let mine = QueueQuery {
        to_review_by_viewer: true,
        viewer: Viewer { user_id: r, affiliation: None },
        states: reviewing(),
        ..screening(1, 100)
    };
    let mine = db.queue(&mine, None).await.unwrap();
    assert_eq!(mine.rows.iter().map(|r| r.id).collect::<Vec<_>>(), [grants[1].2.1]);

    // The same filters through the API, with a bad one refused in the caller's language.
    let token = app.token("program_officer").await;
    let r = app
        .client
        .get(app.url("/api/v1/queues/screening?region=03&per_page=2&page=2"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let body: serde_json::Value = r.json().await.unwrap();
    let in_03 = grants.iter().filter(|(n, r, _)| *r == "03" && ![1u32, 2, 3].contains(n)).count();
    assert_eq!(body["total"], in_03 as i64, "{body}");
    assert_eq!(body["items"].as_array().unwrap().len(), 2);
    let r = app
        .client
        .get(app.url("/api/v1/queues/screening?region=42&min=abc"))
        .bearer_auth(&token)
        .header("accept-language", "en-CA")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let problem: serde_json::Value = r.json().await.unwrap();
    let fields: Vec<&str> =
        problem["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["min", "region"]);
    let reviewer_token = app.token("reviewer").await;
    let r = app.client.get(app.url("/api/v1/queues/screening")).bearer_auth(&reviewer_token).send().await.unwrap();
    assert_eq!(r.status(), 403, "reviewers work through their own queue only");
}

/// Batch decisions from the decision queue: each selected application decided on its own; a stale one
/// reported, the others applied.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn batch_decisions_apply_to_each_selected_application() {
    let app = TestApp::spawn().await;
    let mut grants = Vec::new();
    for n in 1..=3 {
        let (_, g) = submitted(&app, n, "06", "1500").await;
        fire(&app, g, &["begin_screening", "send_to_review"]).await;
        for i in 0..2 {
            let r = common::staff(app.db(), &format!("r{n}{i}@test.org"), AccountRole::Reviewer).await;
            app.assign(g, r).await.unwrap();
            app.db().submit_review(g, r, reviewing(), common::review(3)).await.unwrap();
        }
        fire(&app, g, &["complete_reviews"]).await;
        grants.push(app.db().grant(g).await.unwrap());
    }
    app.account("agente@test.org", AccountRole::ProgramOfficer, None).await;
    let officer = Browser::new(&app);
    let csrf = officer.sign_in("agente@test.org", PASSWORD).await;
    let picks: Vec<String> = grants.iter().map(|g| format!("{}:{}", g.id, g.version)).collect();
    let stale = format!("{}:{}", grants[2].id, grants[2].version - 1);
    let fields =
        [("grant", picks[0].as_str()), ("grant", picks[1].as_str()), ("grant", stale.as_str()), ("event", "approve")];
    let r = officer.post_form("/queues/decision/batch", &csrf, &fields).await;
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    assert!(html.contains("Modifié entre-temps"), "the stale one is reported: {html}");
    let mut states = Vec::new();
    for g in &grants {
        states.push(app.db().grant(g.id).await.unwrap().state);
    }
    assert_eq!(states, ["approved", "approved", "decision"]);
    let g = app.db().grant(grants[0].id).await.unwrap();
    assert_eq!(g.proposed_equipment, Some(Money::from_cents(150_000)), "approved as requested");
    assert!(html.contains("<h2>Actions en lot</h2>"), "the outcomes are on the queue page");
    assert!(html.contains(r#"name="grant""#), "the queue itself is shown again");
    // Declining in a batch needs the reason the applicants will read: refused on the same page, before
    // anything is decided, the box still ticked and the decision kept.
    let pick = format!("{}:{}", grants[2].id, grants[2].version);
    let r = officer.post_form("/queues/decision/batch", &csrf, &[("grant", &pick), ("event", "decline")]).await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("Ce champ est obligatoire"), "{html}");
    assert!(html.contains(&format!(r#"value="{pick}" id="pick-{}" checked"#, grants[2].id)), "still ticked: {html}");
    assert!(html.contains(r#"<option value="decline" selected>"#), "the decision kept");
    assert_eq!(app.db().grant(grants[2].id).await.unwrap().state, "decision");
    // Nothing ticked: said on the page, nothing decided.
    let r = officer.post_form("/queues/decision/batch", &csrf, &[("event", "approve")]).await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("Cochez au moins une demande."));
    // A decision the list's states do not allow is refused before anything is done.
    let r = officer.post_form("/queues/decision/batch", &csrf, &[("grant", &pick), ("event", "send_to_review")]).await;
    assert_eq!(r.status(), 422);
    assert_eq!(app.db().grant(grants[2].id).await.unwrap().state, "decision");
}

/// The screening list sends the applications ticked to review at once (each gets its reviewers, as from
/// its own page); the review list completes the reviewers of those that lack some.
#[tokio::test]
async fn staff_send_several_applications_to_review_and_complete_their_reviewers_at_once() {
    let app = TestApp::spawn().await;
    let mut grants = Vec::new();
    for n in 1..=3 {
        let (_, g) = submitted(&app, n, "06", "1500").await;
        grants.push(app.db().grant(g).await.unwrap());
    }
    app.account("agente@test.org", AccountRole::ProgramOfficer, None).await;
    common::staff(app.db(), "alice@test.org", AccountRole::Reviewer).await;
    let officer = Browser::new(&app);
    let csrf = officer.sign_in("agente@test.org", PASSWORD).await;
    let page = officer.get("/queues/screening").await.text().await.unwrap();
    assert!(page.contains(r#"action="/queues/screening/batch""#), "{page}");
    assert!(page.contains(r#"<option value="send_to_review">"#) && !page.contains(r#"<option value="approve">"#));
    let picks: Vec<String> = grants[..2].iter().map(|g| format!("{}:{}", g.id, g.version)).collect();
    let fields = [("grant", picks[0].as_str()), ("grant", picks[1].as_str()), ("event", "send_to_review")];
    let r = officer.post_form("/queues/screening/batch", &csrf, &fields).await;
    assert_eq!(r.status(), 200);
    for (g, expected) in grants.iter().zip(["in_review", "in_review", "submitted"]) {
        assert_eq!(app.db().grant(g.id).await.unwrap().state, expected);
    }
    // One reviewer for two wanted: each application in review lacks one; a second reviewer arrives and the
    // review list completes them both.
    for g in &grants[..2] {
        assert_eq!(app.db().assigned_reviewers(g.id).await.unwrap().len(), 1);
    }
    common::staff(app.db(), "bruno@test.org", AccountRole::Reviewer).await;
    let page = officer.get("/queues/review").await.text().await.unwrap();
    assert!(page.contains(r#"<option value="assign">"#), "{page}");
    let fields = [("grant", picks[0].as_str()), ("grant", picks[1].as_str()), ("event", "assign")];
    let r = officer.post_form("/queues/review/batch", &csrf, &fields).await;
    assert_eq!(r.status(), 200);
    assert!(r.text().await.unwrap().contains("Évaluatrices et évaluateurs assignés."));
    for g in &grants[..2] {
        assert_eq!(app.db().assigned_reviewers(g.id).await.unwrap().len(), 2, "completed");
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    /// Whatever the reviewers' affiliations and declared conflicts, no assignment stored through octroi,
    /// automatic or manual, ever puts a reviewer on an application of their own organism or of one they
    /// declared a conflict with.
    #[test]
    fn no_stored_assignment_ever_breaks_the_conflict_rule(
        reviewers in proptest::collection::vec(
            (proptest::option::of(0usize..4), proptest::collection::btree_set(0usize..4, 0..3), 0usize..3), 1..7),
        applications in proptest::collection::vec(0usize..4, 1..10),
        manual in proptest::collection::vec((0usize..10, 0usize..7), 0..8),
    ) {
        let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
        runtime.block_on(async move {
            let t = common::TestDatabase::new().await;
            let db = t.db().await;
            let w = octroi::domain::workflow::load_file(&common::manifest_dir().join("workflows/grant.toml")).unwrap();
            let mut organisms = Vec::new();
            for n in 0..4u32 {
                organisms.push(db.create_organism(organism(n + 1, ["01", "06", "03", "06"][n as usize])).await.unwrap().id);
            }
            let mut ids = Vec::new();
            for (i, (affiliation, conflicts, region)) in reviewers.iter().enumerate() {
                let id = common::staff(&db, &format!("r{i}@test.org"), AccountRole::Reviewer).await;
                if let Some(a) = affiliation {
                    sqlx::query("UPDATE users SET organism_id = $1 WHERE id = $2")
                        .bind(organisms[*a]).bind(id).execute(db.pool()).await.unwrap();
                }
                db.set_user_region(id, Some(Region::parse(["01", "03", "06"][*region]).unwrap())).await.unwrap();
                for c in conflicts {
                    db.declare_conflict(id, organisms[*c], "test").await.unwrap();
                }
                ids.push(id);
            }
            let mut grants = Vec::new();
            for (i, o) in applications.iter().enumerate() {
                grants.push(db.create_grant(organisms[*o], application(&format!("G{i}"), "100"), &w).await.unwrap().id);
            }
            db.auto_assign(grants.clone(), 2, common::mail()).await.unwrap();
            for (g, r) in manual {
                let (Some(g), Some(r)) = (grants.get(g), ids.get(r)) else { continue };
                match db.assign_reviewer(*g, *r, common::mail()).await {
                    Ok(()) | Err(StorageError::ConflictOfInterest) => {}
                    Err(e) => panic!("{e}"),
                }
            }
            let broken: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM grant_assignments a JOIN grants g ON g.id = a.grant_id JOIN users u ON u.id = a.user_id
                 WHERE u.organism_id = g.organism_id
                    OR EXISTS (SELECT 1 FROM conflicts c WHERE c.user_id = a.user_id AND c.organism_id = g.organism_id)",
            )
            .fetch_one(db.pool())
            .await
            .unwrap();
            assert_eq!(broken, 0);
            // Every application got as many reviewers as the rule allows, up to two.
            for (g, o) in grants.iter().zip(&applications) {
                let may = reviewers.iter().filter(|(a, c, _)| *a != Some(*o) && !c.contains(o)).count().min(2);
                let got = db.assigned_reviewers(*g).await.unwrap().len();
                assert!(got >= may, "grant {g}: {got} of {may}");
            }
        });
    }
}

/// The demo program: organisms in every region, an application in every state of the workflow (each
/// moved there through it), one account per role with a printed password, and loading it twice refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_program_covers_every_region_state_and_role() {
    let app = TestApp::spawn().await;
    let accounts = octroi::demo::load(&app.state).await.unwrap();
    let roles: BTreeSet<&str> = accounts.iter().map(|a| a.role.as_str()).collect();
    assert_eq!(roles, BTreeSet::from(["admin", "coach", "finance", "member", "program_officer", "reviewer"]));
    assert!(accounts.iter().filter(|a| a.role == AccountRole::Reviewer).count() >= 2);
    // Every state is reached through the workflow; `accepted` only on the way to `active`, since octroi
    // activates a grant as soon as its letter is accepted.
    let states: BTreeSet<String> =
        sqlx::query_scalar("SELECT state FROM grants UNION SELECT to_state FROM grant_transitions")
            .fetch_all(app.db().pool())
            .await
            .unwrap()
            .into_iter()
            .collect();
    let declared: BTreeSet<String> = app.state.grant_workflow().states.iter().cloned().collect();
    assert_eq!(states, declared);
    let regions: i64 =
        sqlx::query_scalar("SELECT COUNT(DISTINCT region) FROM organisms").fetch_one(app.db().pool()).await.unwrap();
    assert_eq!(regions, 17);
    // The printed passwords work, and the officer's queues have work in them.
    let officer = accounts.iter().find(|a| a.role == AccountRole::ProgramOfficer).unwrap();
    let browser = Browser::new(&app);
    let csrf = browser.csrf("/login").await;
    let r = browser.post_form("/login", &csrf, &[("email", &officer.email), ("password", &officer.password)]).await;
    assert_eq!(r.status(), 303);
    let html = browser.get("/queues/screening").await.text().await.unwrap();
    assert!(html.contains("Deuxième demande"), "{html}");
    // Its awards went through the ledger, which agrees with itself.
    let commitments: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM ledger_entries WHERE kind = 'commit'")
        .fetch_one(app.db().pool())
        .await
        .unwrap();
    assert!(commitments >= 6, "{commitments}");
    assert_eq!(app.db().ledger_verify().await.unwrap(), Vec::<String>::new());
    let again = octroi::demo::load(&app.state).await;
    assert!(again.unwrap_err().to_string().contains("already loaded"));
}

/// With `--smtp-url`, the outbox goes out through SMTP: a minimal SMTP server receives the message
/// announcing a step, as queued in that step's transaction.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_outbox_goes_out_through_smtp_when_configured() {
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = tokio::spawn(async move {
        let (socket, _) = listener.accept().await.unwrap();
        let (read, mut write) = socket.into_split();
        let mut lines = BufReader::new(read).lines();
        write.write_all(b"220 test ESMTP\r\n").await.unwrap();
        let (mut data, mut in_data) = (String::new(), false);
        while let Some(line) = lines.next_line().await.unwrap() {
            if in_data {
                if line == "." {
                    in_data = false;
                    write.write_all(b"250 queued\r\n").await.unwrap();
                } else {
                    data.push_str(&line);
                    data.push('\n');
                }
                continue;
            }
            let verb = line.split_whitespace().next().unwrap_or_default().to_ascii_uppercase();
            let reply: &[u8] = match verb.as_str() {
                "EHLO" | "HELO" => b"250 test\r\n",
                "DATA" => {
                    in_data = true;
                    b"354 go ahead\r\n"
                }
                "QUIT" => {
                    write.write_all(b"221 bye\r\n").await.unwrap();
                    break;
                }
                _ => b"250 ok\r\n",
            };
            write.write_all(reply).await.unwrap();
        }
        data
    });
    let t = common::TestDatabase::new().await;
    let config = octroi::config::Config { smtp_url: Some(format!("smtp://127.0.0.1:{port}")), ..t.config() };
    let state = octroi::AppState::prepare(&config, "http://octroi.test".into()).await.unwrap();
    let o = state.db.create_organism(organism(1, "06")).await.unwrap().id;
    common::staff(&state.db, "unused@test.org", AccountRole::Reviewer).await;
    sqlx::query("UPDATE users SET organism_id = $1, role = 'member' WHERE email = 'unused@test.org'")
        .bind(o)
        .execute(state.db.pool())
        .await
        .unwrap();
    let g = state.db.create_grant(o, application("Projet SMTP", "100"), state.grant_workflow()).await.unwrap();
    octroi::app::fire(&state, &actor(Role::Applicant), &g, "submit", "", None).await.unwrap();
    let mailer = octroi::notify::Mailer::new(config.smtp_url.as_deref(), &config.data_dir.join("outbox")).unwrap();
    assert_eq!(octroi::notify::deliver_pending(&state.db, &mailer).await.unwrap(), 1);
    let received = tokio::time::timeout(std::time::Duration::from_secs(10), server).await.unwrap().unwrap();
    assert!(received.contains("To: unused@test.org"), "{received}");
    assert!(received.contains("Projet SMTP"), "{received}");
    assert!(state.db.pending_mail(10).await.unwrap().is_empty(), "marked sent");
}

/// Staff find an application by its organism's name typed without accents or case, by the start of the
/// NEQ, or by its number, in the list of all applications (every state but drafts); sort it by any
/// column; narrow it to a state.
#[tokio::test]
async fn the_list_of_all_applications_is_searched_without_accents_and_sorted_by_any_column() {
    let app = TestApp::spawn().await;
    let db = app.db();
    let mut grants = Vec::new();
    for (n, name, equipment) in
        [(1, "L'Éveil des familles", "3000"), (2, "Cuisine collective", "1000"), (3, "Œuvre Sainte-Anne", "2000")]
    {
        let mut body = common::organism_body(&neq(n));
        body["legal_name"] = serde_json::json!(name);
        let r = app.post("/api/v1/organisms", &body).await;
        assert_eq!(r.status(), 201);
        let organism = OrganismId(r.json::<serde_json::Value>().await.unwrap()["id"].as_i64().unwrap());
        let mut application = common::complete_application();
        application["lines"] = serde_json::json!([
            { "category": "equipment", "description": "Portable", "quantity": 1, "unit_price": equipment }
        ]);
        let draft = common::Draft { organism: Some(organism), application, ..Default::default() };
        grants.push(app.grant_from(n, "submitted", draft).await.id);
    }
    let draft = app.grant_from(4, "draft", common::Draft::default()).await.id;
    let officer = common::staff(db, "officer@test.org", AccountRole::ProgramOfficer).await;
    let states: Vec<String> = app.state.grant_workflow().states.iter().filter(|s| *s != "draft").cloned().collect();
    let list = |filter: Filter| QueueQuery {
        states: states.clone(),
        to_review_by_viewer: false,
        viewer: Viewer { user_id: officer, affiliation: None },
        filter,
    };
    let found = |typed: &str| {
        let q = list(Filter { search: octroi::domain::text::Search::parse(typed), ..Filter::none(100) });
        async move { db.queue(&q, None).await.unwrap().rows.iter().map(|r| r.id).collect::<Vec<_>>() }
    };
    // Organisms written before the search existed are folded when the database is opened.
    sqlx::query("UPDATE organisms SET search_name = ''").execute(db.pool()).await.unwrap();
    assert!(found("eveil").await.is_empty());
    db.migrate().await.unwrap();
    assert_eq!(found("eveil").await, [grants[0]], "no accent typed");
    assert_eq!(found("  L'ÉVEIL  ").await, [grants[0]], "case and spacing");
    assert_eq!(found("oeuvre sainte anne").await, [grants[2]], "ligature and hyphen");
    assert_eq!(found("1100 000 002").await, [grants[1]], "a NEQ as people write it");
    assert_eq!(found(&grants[2].to_string()).await, [grants[2]], "a grant's number");
    assert!(found("piscine").await.is_empty());
    assert!(!found("1100000004").await.contains(&draft), "a draft is its organism's alone");
    let all = db.queue(&list(Filter::none(100)), None).await.unwrap();
    assert_eq!(all.total, 3);
    let sorted = |sort: QueueSort| {
        let q = list(Filter { sort, ..Filter::none(100) });
        async move { db.queue(&q, None).await.unwrap().rows.iter().map(|r| r.id).collect::<Vec<_>>() }
    };
    assert_eq!(sorted(QueueSort::Organism).await, [grants[1], grants[0], grants[2]], "cuisine, eveil, oeuvre");
    assert_eq!(sorted(QueueSort::Amount).await, [grants[0], grants[2], grants[1]], "largest first");
    assert_eq!(sorted(QueueSort::Submitted).await, [grants[2], grants[1], grants[0]], "last submitted first");
    fire(&app, grants[1], &["begin_screening"]).await;
    let screening = db.queue(&list(Filter { state: Some("screening".into()), ..Filter::none(100) }), None).await;
    assert_eq!(screening.unwrap().rows.iter().map(|r| r.id).collect::<Vec<_>>(), [grants[1]]);
}

/// The list's page: searched, sorted by a column's link, exported as CSV with its search, and an unknown
/// parameter in the address said in words on the page, never a raw parse error. The award and the
/// acceptance have their queues.
#[tokio::test]
async fn staff_search_the_list_page_export_it_and_see_every_waiting_queue() {
    let app = TestApp::spawn().await;
    let approved = app.grant_in(1, "approved").await;
    let awarded = app.grant_in(2, "awarded").await;
    app.account("agente@test.org", AccountRole::ProgramOfficer, None).await;
    let officer = Browser::new(&app);
    officer.sign_in("agente@test.org", PASSWORD).await;

    let page = officer.get("/queues/all?q=HOCHELAGA&sort=organism").await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(
        html.contains(&format!("/grants/{}/manage", approved.id))
            && html.contains(&format!("/grants/{}/manage", awarded.id))
    );
    assert!(html.contains(r#"aria-sort="ascending""#), "the column sorted says so");
    assert!(
        html.contains(r#"name="back" value="/queues/all?q=HOCHELAGA&#38;sort=organism&#38;page=1""#),
        "switching the language keeps the search"
    );
    assert!(html.contains("export.csv?q=HOCHELAGA&#38;sort=organism"), "the export keeps the search: {html}");

    let csv = officer.get("/queues/all/export.csv?q=hochelaga").await;
    assert_eq!(csv.status(), 200);
    let text = csv.text().await.unwrap();
    assert!(text.starts_with("\u{feff}Demande;Titre;Organisme;NEQ;"), "{text}");
    assert_eq!(text.matches("\r\n").count(), 3, "a header and two rows: {text}");

    let odd = officer.get("/queues/all?colonne=2").await;
    assert_eq!(odd.status(), 422);
    let html = odd.text().await.unwrap();
    assert!(html.contains("filtre que la liste ne connaît pas") && !html.contains("Failed to deserialize"), "{html}");
    assert!(html.contains(&format!("/grants/{}/manage", approved.id)), "the whole list is shown");

    let award = officer.get("/queues/award").await.text().await.unwrap();
    assert!(
        award.contains(&format!("/grants/{}/manage", approved.id))
            && !award.contains(&format!("/grants/{}/manage", awarded.id))
    );
    let acceptance = officer.get("/queues/acceptance").await.text().await.unwrap();
    assert!(acceptance.contains(&format!("/grants/{}/manage", awarded.id)));
    assert!(acceptance.contains("À octroyer") && acceptance.contains("acceptation"), "in the navigation");
}

/// A reviewer saves a review in progress, even with a score not yet right, finds it as typed when they
/// come back, and submits it once it is whole; the submission deletes the draft. Someone not assigned
/// cannot save one.
#[tokio::test]
async fn a_reviewer_saves_a_draft_review_and_finishes_it_later() {
    let app = TestApp::spawn().await;
    let (_, grant) = submitted(&app, 1, "06", "1000").await;
    fire(&app, grant, &["begin_screening", "send_to_review"]).await;
    let alice = app.account("alice@test.org", AccountRole::Reviewer, None).await;
    app.assign(grant, alice).await.unwrap();
    app.account("bruno@test.org", AccountRole::Reviewer, None).await;
    let reviewer = Browser::new(&app);
    let csrf = reviewer.sign_in("alice@test.org", PASSWORD).await;
    let path = format!("/grants/{grant}/review");
    // Half done: two criteria scored, two not yet.
    let typed = [
        ("score.need", "4"),
        ("score.mission", "2"),
        ("recommendation", "approve"),
        ("comment", "À compléter après l'appel."),
        ("action", "keep"),
    ];
    let r = reviewer.post_form(&path, &csrf, &typed).await;
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], format!("{path}?notice=draft-saved").as_str());
    assert!(app.db().reviews(grant).await.unwrap().is_empty(), "nothing submitted");
    let page = reviewer.get(&path).await.text().await.unwrap();
    assert!(page.contains("Brouillon enregistré le"), "{page}");
    assert!(page.contains("l&#39;appel") || page.contains("l'appel"), "the comment as typed: {page}");
    assert!(page.contains(r#"name="score.mission" value="2" checked"#), "the scores as typed: {page}");
    assert!(page.contains(r#"name="recommendation" value="approve" checked"#));
    let draft = app.db().review_draft(grant, alice).await.unwrap().unwrap();
    assert_eq!(draft.scores.get("mission").map(String::as_str), Some("2"));
    // Submitted whole: the draft is gone.
    let whole = [
        ("score.need", "4"),
        ("score.mission", "4"),
        ("score.feasibility", "3"),
        ("score.sustainability", "4"),
        ("recommendation", "approve"),
        ("comment", "Complet."),
    ];
    let r = reviewer.post_form(&path, &csrf, &whole).await;
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
    assert_eq!(app.db().reviews(grant).await.unwrap().len(), 1);
    assert_eq!(app.db().review_draft(grant, alice).await.unwrap(), None, "the draft is deleted with the submission");
    // Not assigned: no draft.
    let bruno = Browser::new(&app);
    let csrf = bruno.sign_in("bruno@test.org", PASSWORD).await;
    let r = bruno.post_form(&path, &csrf, &typed).await;
    assert!(matches!(r.status().as_u16(), 403 | 404 | 409 | 422), "{}", r.status());
    let bruno_id = app.db().user_by_email("bruno@test.org").await.unwrap().unwrap().id;
    assert_eq!(app.db().review_draft(grant, bruno_id).await.unwrap(), None);
}

/// Staff keep internal notes on an application: on its manage page, with who wrote them; never on the
/// organism's pages nor in what the API gives the organism.
#[tokio::test]
async fn internal_notes_stay_with_the_staff() {
    let app = TestApp::spawn().await;
    let (organism, grant) = submitted(&app, 1, "06", "1000").await;
    app.account("agente@test.org", AccountRole::ProgramOfficer, None).await;
    app.account("marie@test.org", AccountRole::Member, Some(organism)).await;
    let officer = Browser::new(&app);
    let csrf = officer.sign_in("agente@test.org", PASSWORD).await;
    let notes = format!("/grants/{grant}/notes");
    let r = officer.post_form(&notes, &csrf, &[("note", "   ")]).await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("Ce champ est obligatoire."));
    let secret = "Appelé la directrice : le conseil vote le budget jeudi.";
    let r = officer.post_form(&notes, &csrf, &[("note", secret)]).await;
    assert_eq!(r.status(), 303);
    let manage = officer.get(&format!("/grants/{grant}/manage")).await.text().await.unwrap();
    assert!(manage.contains("le conseil vote le budget jeudi") && manage.contains("Notes internes"), "{manage}");
    let member = Browser::new(&app);
    member.sign_in("marie@test.org", PASSWORD).await;
    for path in
        [format!("/grants/{grant}"), format!("/api/v1/grants/{grant}"), format!("/api/v1/grants/{grant}/transitions")]
    {
        let seen = member.get(&path).await.text().await.unwrap();
        assert!(!seen.contains("budget jeudi"), "{path} shows a note to the organism");
    }
    assert_eq!(
        member.post_form(&notes, &member.csrf("/dashboard").await, &[("note", "moi aussi")]).await.status(),
        403
    );
}
