//! The two doors agree (issue 11, item 6): what the pages accept and refuse is what the API does.

use crate::common;

use common::{Browser, PASSWORD, TestApp, member_with_draft};
use octroi::domain::account::AccountRole;

/// A reason over the limit is refused on the withdraw page as the API refuses it, with what was typed
/// kept on the page; it used to be cut at 2 000 characters and the application withdrawn.
#[tokio::test]
async fn the_withdraw_page_refuses_a_reason_over_the_limit_and_keeps_it() {
    let app = TestApp::spawn().await;
    let (grant, browser, csrf) = member_with_draft(&app, 1).await;
    let path = format!("/grants/{grant}/withdraw");

    let long = format!("{}fin", "é".repeat(1_998));
    let r = browser.post_form(&path, &csrf, &[("version", "1"), ("reason", &long)]).await;
    assert_eq!(r.status(), 422);
    let page = r.text().await.unwrap();
    assert!(page.contains(&long), "the reason typed is kept whole");
    assert!(page.contains("2\u{202f}000"), "the limit is said as French writes it: {page}");
    assert!(page.contains(r##"href="#f-reason""##), "the summary links to the field");
    let g = app.db().grant(grant).await.unwrap();
    assert_eq!((g.state.as_str(), g.version), ("draft", 1), "nothing was withdrawn");

    // A version missing or altered is a conflict said in words, never a raw parse error.
    let r = browser.post_form(&path, &csrf, &[("version", ""), ("reason", "Autre financement")]).await;
    assert_eq!(r.status(), 409);
    let page = r.text().await.unwrap();
    assert!(!page.contains("Failed to deserialize") && page.contains("<html"), "{page}");

    let api = app.fire(grant, "withdraw", 1, "applicant").await;
    assert_eq!(api.status(), 200, "the API withdraws with a short reason");
    let history = app.db().grant_history(grant).await.unwrap();
    assert_eq!(history.len(), 1);

    // And the page with a reason at the limit: withdrawn with the whole reason.
    let (grant, browser, csrf) = member_with_draft(&app, 2).await;
    let at_limit = "é".repeat(2_000);
    let r = browser
        .post_form(&format!("/grants/{grant}/withdraw"), &csrf, &[("version", "1"), ("reason", &at_limit)])
        .await;
    assert_eq!(r.status(), 303);
    let history = app.db().grant_history(grant).await.unwrap();
    assert_eq!((history[0].event.as_str(), history[0].reason.as_str()), ("withdraw", at_limit.as_str()));
}

/// Reviewers are assigned only while the application is in review, from the page as from the API, the
/// state read in the assignment's own transaction (a draft is not even the staff's to see).
#[tokio::test]
async fn reviewers_are_assigned_only_in_review_from_either_door() {
    let app = TestApp::spawn().await;
    let draft = app.grant_in(1, "submitted").await;
    let reviewer = common::staff(app.db(), "relecteur1@test.org", AccountRole::Reviewer).await;
    let body = serde_json::json!({ "user_id": reviewer });
    let r = app.post(&format!("/api/v1/grants/{}/reviewers", draft.id), &body).await;
    assert_eq!(r.status(), 409);
    assert_eq!(r.json::<serde_json::Value>().await.unwrap()["code"], "not-assignable");
    let r = app.post(&format!("/api/v1/grants/{}/reviewers", draft.id), &serde_json::json!({ "auto": true })).await;
    assert_eq!(r.status(), 409, "nor automatically");

    app.account("agente@test.org", AccountRole::ProgramOfficer, None).await;
    let officer = Browser::new(&app);
    let csrf = officer.sign_in("agente@test.org", PASSWORD).await;
    let user = reviewer.to_string();
    let path = format!("/grants/{}/reviewers", draft.id);
    let r = officer.post_form(&path, &csrf, &[("action", "assign"), ("user_id", &user)]).await;
    assert_eq!(r.status(), 409);
    assert!(app.db().assigned_reviewers(draft.id).await.unwrap().is_empty(), "nobody before review");

    // In review, both doors assign.
    let in_review = app.grant_in(2, "in_review").await;
    let third = common::staff(app.db(), "relecteur3@test.org", AccountRole::Reviewer).await;
    let r =
        app.post(&format!("/api/v1/grants/{}/reviewers", in_review.id), &serde_json::json!({ "user_id": third })).await;
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    assert_eq!(app.db().assigned_reviewers(in_review.id).await.unwrap().len(), 3);
    // And the page takes a reviewer off before their review is in.
    let path = format!("/grants/{}/reviewers", in_review.id);
    let r = officer.post_form(&path, &csrf, &[("action", "unassign"), ("user_id", &third.to_string())]).await;
    assert_eq!(r.status(), 303);
    let left = app.db().assigned_reviewers(in_review.id).await.unwrap();
    assert!(left.len() == 2 && left.iter().all(|r| r.0 != third), "{left:?}");
}

/// A conflict of interest needs a reason of at most 2 000 characters, checked by the one use case both
/// doors call: refused alike, nothing recorded, the page keeping what was typed.
#[tokio::test]
async fn a_conflict_is_declared_with_the_same_reason_rules_from_either_door() {
    let app = TestApp::spawn().await;
    let grant = app.grant_in(1, "in_review").await;
    let reviewer = app.account("relecteur3@test.org", AccountRole::Reviewer, None).await;
    app.assign(grant.id, reviewer).await.unwrap();
    let api = format!("/api/v1/grants/{}/conflict", grant.id);
    let token = app.token_of(reviewer).await;
    let too_long = "é".repeat(2_001);
    for reason in ["   ", too_long.as_str()] {
        let r = app.post_as(&token, &api, &serde_json::json!({ "reason": reason })).await;
        assert_eq!(r.status(), 422);
        let body: serde_json::Value = r.json().await.unwrap();
        assert_eq!(body["errors"][0]["field"], "reason", "{body}");
    }

    let browser = Browser::new(&app);
    let csrf = browser.sign_in("relecteur3@test.org", PASSWORD).await;
    let page = format!("/grants/{}/conflict", grant.id);
    let r = browser.post_form(&page, &csrf, &[("reason", "")]).await;
    assert_eq!(r.status(), 422);
    let typed = format!("{}fin", "a".repeat(1_998));
    let r = browser.post_form(&page, &csrf, &[("reason", &typed)]).await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains(&format!("value=\"{typed}\"")), "the reason typed is kept");
    assert!(html.contains("2\u{202f}000"), "the limit is said as French writes it");
    assert!(app.db().conflicts_of(reviewer).await.unwrap().is_empty(), "nothing was declared");
    assert!(app.db().assigned_reviewers(grant.id).await.unwrap().iter().any(|r| r.0 == reviewer));

    let r = browser.post_form(&page, &csrf, &[("reason", "  Membre du conseil  ")]).await;
    assert_eq!(r.status(), 303);
    assert_eq!(app.db().conflicts_of(reviewer).await.unwrap(), [grant.organism_id]);
    assert!(!app.db().assigned_reviewers(grant.id).await.unwrap().iter().any(|r| r.0 == reviewer), "left it");
}
