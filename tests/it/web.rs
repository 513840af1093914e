//! The web interface and its controls, through the real router: the authorization matrix, sessions,
//! CSRF, security headers, throttling, password resets, tokens, and forms that keep what was typed.

use crate::common;

use std::collections::BTreeSet;

use common::{Browser, PASSWORD, TestApp, complete_application, csrf_of, neq, organism_body};
use common::{GrantId, OrganismId, UserId};
use octroi::domain::account::AccountRole;
use octroi::storage::StorageError;
use octroi::web::routes::page_routes;
use serde_json::{Value, json};

/// Who asks, in the matrix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    Anonymous,
    OwnMember,
    OtherMember,
    AssignedReviewer,
    UnassignedReviewer,
    ConflictedReviewer,
    ProgramOfficer,
    Finance,
    Coach,
    Admin,
}

const EVERYONE: [Who; 10] = [
    Who::Anonymous,
    Who::OwnMember,
    Who::OtherMember,
    Who::AssignedReviewer,
    Who::UnassignedReviewer,
    Who::ConflictedReviewer,
    Who::ProgramOfficer,
    Who::Finance,
    Who::Coach,
    Who::Admin,
];

/// The specification, written from the issue and DESIGN.md, independently of the policies: who may use
/// each route. `None` marks the public routes, open to all.
fn expected(method: &str, path: &str, who: Who) -> Option<bool> {
    use Who::*;
    let signed_in = who != Anonymous;
    let member = matches!(who, OwnMember | OtherMember);
    let sees_grant = matches!(who, OwnMember | AssignedReviewer | ProgramOfficer | Finance | Admin);
    let sees_active = matches!(who, OwnMember | ProgramOfficer | Finance | Admin);
    let sees_purchases = matches!(who, OwnMember | ProgramOfficer | Finance | Admin);
    let acts_on_purchases = matches!(who, OwnMember | ProgramOfficer | Finance);
    Some(match (method, path) {
        ("GET", "/" | "/static/octroi.css" | "/login" | "/signup" | "/password/forgot" | "/password/reset")
        | ("GET", "/invitations/accept" | "/signup/done" | "/contact" | "/privacy" | "/accessibility")
        | ("POST", "/login" | "/logout" | "/signup" | "/password/forgot" | "/password/reset" | "/invitations/accept")
        | ("POST", "/lang") => return None,
        ("GET" | "POST", "/password/change") | ("GET", "/dashboard") => signed_in,
        ("GET", "/finance" | "/finance/summary.csv" | "/finance/ledger.csv" | "/api/v1/finance/envelopes") => {
            matches!(who, ProgramOfficer | Finance | Admin)
        }
        ("GET" | "POST", "/members/invite") | ("POST", "/grants/new") => member,
        ("GET" | "POST", "/staff/invite") => who == Admin,
        ("GET", "/grants/{id}") => sees_grant,
        // The letter and the acceptance are the active grant's (the other records below): its organism
        // and the staff who see every grant; its reviewers are not the matrix's.
        ("GET", "/grants/{id}/letter.pdf" | "/api/v1/grants/{id}/acceptance") => sees_active,
        // Accepting is a member's, of the organism only (not awarded: the workflow then refuses, 409).
        ("POST", "/grants/{id}/accept") | ("POST", "/api/v1/grants/{id}/acceptance") => who == OwnMember,
        ("GET", "/api/v1/grants/{id}/statement") => sees_grant,
        (
            "GET" | "POST",
            "/grants/{id}/edit" | "/grants/{id}/submit" | "/grants/{id}/withdraw" | "/grants/{id}/delete",
        ) => who == OwnMember,
        // The matrix opens the screening queue; reviewers have their own.
        ("GET", "/queues/{kind}" | "/queues/{kind}/export.csv") | ("POST", "/queues/{kind}/batch") => {
            who == ProgramOfficer
        }
        ("GET" | "POST", "/grants/{id}/manage")
        | ("POST", "/grants/{id}/reviewers" | "/grants/{id}/award" | "/grants/{id}/notes") => who == ProgramOfficer,
        // Answering is the organism's (the workflow then refuses a submitted application, 409).
        ("POST", "/grants/{id}/answer") => who == OwnMember,
        // The document is the purchase's invoice: for those who see the grant's purchases.
        ("GET", "/documents/{id}") => sees_purchases,
        ("GET" | "POST", "/grants/{id}/review") | ("POST", "/grants/{id}/conflict") => who == AssignedReviewer,
        // A grant's purchases: its members and the staff who handle purchases see them (the matrix's grant
        // is not active: a member's request is then refused by the rules, 409, past the policies).
        ("GET", "/grants/{id}/purchases") => matches!(who, OwnMember | ProgramOfficer | Finance | Admin),
        ("POST", "/grants/{id}/purchases") | ("POST", "/api/v1/grants/{id}/purchases") => who == OwnMember,
        ("GET", "/api/v1/grants/{id}/purchases") => matches!(who, OwnMember | ProgramOfficer | Finance | Admin),
        // The matrix's purchase (of the active grant, verified, waiting in a payment run): seen by its
        // organism and the staff of purchases; acted on by its organism, the program officers and finance
        // (what each may do is then the workflow's: a refusal past the policies is a 409 or a 422).
        ("GET", "/purchases/{id}" | "/api/v1/purchases/{id}" | "/api/v1/purchases/{id}/transitions")
        | ("GET", "/api/v1/purchases/{id}/documents") => sees_purchases,
        // The request itself (its lines, its quotes) is written by its organism alone (the edit page of
        // a purchase past its draft sends the others who act on it to the purchase's page).
        ("POST", "/purchases/{id}/edit" | "/purchases/{id}/documents") | ("PUT", "/api/v1/purchases/{id}") => {
            who == OwnMember
        }
        ("GET", "/purchases/{id}/edit")
        | ("POST", "/purchases/{id}/transitions" | "/purchases/{id}/receipts")
        | ("POST", "/purchases/{id}/invoices" | "/purchases/{id}/returns")
        | ("POST", "/api/v1/purchases/{id}/transitions" | "/api/v1/purchases/{id}/receipts")
        | ("POST", "/api/v1/purchases/{id}/invoices" | "/api/v1/purchases/{id}/returns") => acts_on_purchases,
        ("GET", "/purchases") => matches!(who, ProgramOfficer | Finance),
        // Finance pays, in runs (the matrix's empty choice is refused by the use case, 422, past the
        // policies), and answers the bank's lines of its run.
        ("GET" | "POST", "/payments")
        | ("GET", "/payments/{id}" | "/payments/{id}/export.csv")
        | ("GET" | "POST", "/payments/{id}/clear")
        | ("POST", "/payments/{id}/lines/{line}")
        | ("GET", "/api/v1/payment-runs/payable" | "/api/v1/payment-runs/{id}")
        | ("POST", "/api/v1/payment-runs" | "/api/v1/payment-runs/{id}/lines/{line}")
        | ("POST", "/api/v1/payment-runs/{id}/clear") => who == Finance,
        ("GET", "/finance/assets.csv") => matches!(who, ProgramOfficer | Finance | Admin),
        ("POST", "/api/v1/organisms") => matches!(who, ProgramOfficer | Admin),
        ("GET", "/api/v1/organisms") => matches!(who, ProgramOfficer | Finance | Admin),
        ("GET", "/api/v1/organisms/{id}") => matches!(who, OwnMember | ProgramOfficer | Finance | Admin),
        ("POST", "/api/v1/grants") | ("PUT", "/api/v1/grants/{id}") => who == OwnMember,
        ("GET", "/api/v1/grants/{id}" | "/api/v1/grants/{id}/transitions") => sees_grant,
        // Every role the policies let act on the grant is then checked by the workflow: only the
        // applicant may withdraw.
        ("POST", "/api/v1/grants/{id}/transitions") => who == OwnMember,
        ("GET", "/api/v1/queues/{kind}")
        | ("POST", "/api/v1/grants/{id}/reviewers" | "/api/v1/decisions" | "/api/v1/grants/{id}/award") => {
            who == ProgramOfficer
        }
        ("POST", "/api/v1/grants/{id}/reviews" | "/api/v1/grants/{id}/conflict") => who == AssignedReviewer,
        ("GET", "/api/v1/grants/{id}/reviews") => matches!(who, AssignedReviewer | ProgramOfficer),
        other => panic!("no expectation for {other:?}: add it to the specification"),
    })
}

/// (who, signed-in browser and its CSRF token, API token)
type Caller = (Who, Option<(Browser, String)>, Option<String>);

struct World {
    app: TestApp,
    own: OrganismId,
    records: Records,
    /// Each caller with its signed-in browser and CSRF token, and its API token (none when anonymous).
    browsers: Vec<Caller>,
    reviewers: [UserId; 2],
}

async fn world() -> World {
    let app = TestApp::spawn().await;
    let own = app.organism(&neq(1)).await;
    let other = app.organism(&neq(2)).await;
    // Before the matrix's reviewers exist: the active grant's are its own, not theirs.
    let records = records(&app, own).await;
    let mut browsers = Vec::new();
    let mut reviewers = [UserId(0); 2];
    for who in EVERYONE {
        let (email, role, organism) = match who {
            Who::Anonymous => {
                browsers.push((who, None, None));
                continue;
            }
            Who::OwnMember => ("own@test.org", AccountRole::Member, Some(own)),
            Who::OtherMember => ("other@test.org", AccountRole::Member, Some(other)),
            Who::AssignedReviewer => ("assigned@test.org", AccountRole::Reviewer, None),
            Who::UnassignedReviewer => ("unassigned@test.org", AccountRole::Reviewer, None),
            Who::ConflictedReviewer => ("conflicted@test.org", AccountRole::Reviewer, None),
            Who::ProgramOfficer => ("officer@test.org", AccountRole::ProgramOfficer, None),
            Who::Finance => ("finance@test.org", AccountRole::Finance, None),
            Who::Coach => ("coach@test.org", AccountRole::Coach, None),
            Who::Admin => ("admin@test.org", AccountRole::Admin, None),
        };
        let id = app.account(email, role, organism).await;
        match who {
            Who::AssignedReviewer => reviewers[0] = id,
            Who::ConflictedReviewer => {
                reviewers[1] = id;
                app.db().declare_conflict(id, own, "board member").await.unwrap();
            }
            _ => {}
        }
        let token = app.token_of(id).await;
        let browser = Browser::new(&app);
        let csrf = browser.sign_in(email, PASSWORD).await;
        browsers.push((who, Some((browser, csrf)), Some(token)));
    }
    World { app, own, records, browsers, reviewers }
}

/// A record of each kind a route names, so that every route is asked about a record that exists (given a
/// grant's id, a purchase route answered 404 to everyone before any policy ran): an active grant of the
/// own organism (its letter, its acceptance), a verified purchase of it waiting in a payment run (the
/// run, its line), and the purchase's invoice (a document).
struct Records {
    active: GrantId,
    purchase: String,
    run: String,
    line: String,
    document: String,
}

async fn records(app: &TestApp, own: OrganismId) -> Records {
    use octroi::app;
    use octroi::domain::Actor;
    use octroi::domain::grant::LineCategory;
    use octroi::domain::workflow::Role;
    let draft = common::Draft { organism: Some(own), ..Default::default() };
    let active = app.grant_from(1, "active", draft).await;
    let member_id = app.db().user_by_email("membre1@test.org").await.unwrap().unwrap().id;
    let member = Actor { id: member_id.to_string(), role: Role::Applicant };
    let officer = Actor { id: "agente@test".into(), role: Role::ProgramOfficer };
    let request = crate::purchases::request(&[(LineCategory::Equipment, 1, "100.00")]);
    let p = app::purchases::start(&app.state, &member, member_id, &active, request).await.unwrap();
    let p = app::purchases::fire(&app.state, &member, &p, "submit", "").await.unwrap();
    let p = app::purchases::fire(&app.state, &officer, &p, "approve", "").await.unwrap();
    let p = crate::purchases::verified(app, &member, member_id, p).await;
    let payer = app.account("paie-matrice@test.org", AccountRole::Finance, None).await;
    let finance = Actor { id: payer.to_string(), role: Role::Finance };
    let run = app::payments::make_run(&app.state, &finance, payer, vec![p.id]).await.unwrap();
    let (line, _) = app.db().waiting_lines(run).await.unwrap()[0];
    let document = app.db().documents_of_purchase(p.id).await.unwrap()[0].id;
    Records {
        active: active.id,
        purchase: p.id.to_string(),
        run: run.to_string(),
        line: line.to_string(),
        document: document.to_string(),
    }
}

/// The record a route's `{id}` names: the kind its path says.
fn record_for(w: &World, method: &str, path: &str, fresh: GrantId) -> String {
    let r = &w.records;
    let kind = path.trim_start_matches("/api/v1");
    if kind.starts_with("/organisms/") {
        w.own.to_string()
    } else if kind.starts_with("/purchases/") {
        r.purchase.clone()
    } else if kind.starts_with("/payments/") || kind.starts_with("/payment-runs/") {
        r.run.clone()
    } else if kind.starts_with("/documents/") {
        r.document.clone()
    } else if method == "GET" && (kind.ends_with("/letter.pdf") || kind.ends_with("/acceptance")) {
        r.active.to_string()
    } else {
        fresh.to_string()
    }
}

/// A fresh complete application of the own organism, submitted, with the assigned reviewer on it (the
/// conflicted one is refused).
async fn fresh_grant(w: &World) -> GrantId {
    let mut application = complete_application();
    application["title"] = json!("Matrice");
    // Submitted: a draft is its organism's alone (tests/security.rs), the matrix checks who may act on
    // an application staff can see.
    let draft = common::Draft { organism: Some(w.own), application, ..Default::default() };
    let grant = w.app.grant_from(1, "submitted", draft).await;
    w.app.assign(grant.id, w.reviewers[0]).await.unwrap();
    let refused = w.app.assign(grant.id, w.reviewers[1]).await;
    assert!(matches!(refused, Err(StorageError::ConflictOfInterest)), "{refused:?}");
    grant.id
}

fn allowed(status: u16, location: Option<&str>) -> bool {
    let to_login = location.is_some_and(|l| l.starts_with("/login"));
    !(status == 401 || status == 403 || status == 404 || to_login)
}

/// Every route × every kind of caller × own/other organism: the answer is the one the specification
/// expects, with zero unexpected success.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_authorization_matrix_holds_for_every_route() {
    let w = world().await;
    let doc: Value = w.app.get("/api/v1/openapi.json").await.json().await.unwrap();
    let mut routes: Vec<(String, String)> =
        page_routes().into_iter().map(|(m, p)| (m.to_string(), p.to_string())).collect();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            routes.push((method.to_uppercase(), format!("/api/v1{path}")));
        }
    }
    let mut checked = 0;
    let mut failures = Vec::new();
    // Per route, whether anyone got past its door: a protected route that refuses everyone (a 404 to each
    // identity, when it is given an id of another kind) checks nothing about who may use it.
    let mut answered: std::collections::BTreeMap<(String, String), bool> = Default::default();
    let mut n = 100;
    for (method, path) in &routes {
        for (who, browser, token) in &w.browsers {
            let Some(expect) = expected(method, path, *who) else { continue };
            n += 1;
            let grant = fresh_grant(&w).await;
            // The version the caller sees, so that only who asks decides the answer.
            let version = w.app.db().grant(grant).await.unwrap().version;
            let v = version.to_string();
            let url_path = path
                .replace("{id}", &record_for(&w, method, path, grant))
                .replace("{kind}", "screening")
                .replace("{line}", &w.records.line);
            let url = format!("{}{url_path}", w.app.address);
            let response = if path.starts_with("/api/") {
                let body = match (method.as_str(), path.as_str()) {
                    ("POST", "/api/v1/organisms") => organism_body(&neq(n)),
                    ("POST", "/api/v1/grants") => json!({ "organism_id": w.own, "application": {} }),
                    ("PUT", "/api/v1/purchases/{id}") => json!({ "version": version, "purchase": {} }),
                    ("POST", "/api/v1/grants/{id}/purchases") => json!({}),
                    ("POST", "/api/v1/purchases/{id}/receipts") => json!({ "version": version, "lines": [] }),
                    ("POST", "/api/v1/payment-runs") => json!({ "purchases": [] }),
                    ("POST", "/api/v1/payment-runs/{id}/lines/{line}") => json!({ "outcome": "cleared" }),
                    ("POST", "/api/v1/payment-runs/{id}/clear") => json!({ "waiting": 0 }),
                    ("PUT", _) => json!({ "version": version, "application": { "title": "Changé" } }),
                    ("POST", "/api/v1/grants/{id}/reviews") => json!({
                        "scores": { "need": 3, "mission": 3, "feasibility": 3, "sustainability": 3 },
                        "comment": "Matrice", "recommendation": "discuss"
                    }),
                    ("POST", "/api/v1/grants/{id}/reviewers") => json!({ "auto": true }),
                    ("POST", "/api/v1/grants/{id}/award") => {
                        json!({ "version": version, "equipment": "100", "fiscal_year": "2024-2025", "preview": true })
                    }
                    ("POST", "/api/v1/grants/{id}/conflict") => json!({ "reason": "Matrice" }),
                    ("POST", "/api/v1/grants/{id}/acceptance") => json!({ "version": version,
                        "signer_name": "Matrice", "signer_title": "Matrice", "accept_conditions": true }),
                    ("POST", "/api/v1/decisions") => {
                        json!({ "decisions": [{ "grant_id": grant, "version": version, "event": "send_to_review" }] })
                    }
                    ("POST", _) => json!({ "event": "withdraw", "version": version }),
                    _ => json!({}),
                };
                let mut request = w.app.client.request(method.parse().unwrap(), &url);
                if let Some(token) = token {
                    request = request.bearer_auth(token);
                }
                if method != "GET" {
                    request = request.json(&body);
                }
                request.send().await.unwrap()
            } else {
                let email = format!("invite{n}@test.org");
                let fields: Vec<(&str, &str)> = match path.as_str() {
                    "/members/invite" => vec![("email", &email)],
                    "/staff/invite" => vec![("email", &email), ("role", "reviewer")],
                    "/grants/{id}/edit" => vec![("version", &v), ("action", "save"), ("title", "Changé")],
                    "/grants/{id}/withdraw" | "/grants/{id}/delete" => vec![("version", &v)],
                    "/grants/{id}/submit" => vec![("version", &v), ("attest", "on")],
                    "/grants/{id}/notes" => vec![("note", "Matrice")],
                    "/grants/{id}/manage" => vec![("version", &v), ("event", "send_to_review")],
                    "/grants/{id}/reviewers" => vec![("action", "auto")],
                    "/grants/{id}/award" => vec![("action", "preview"), ("equipment", "100")],
                    "/grants/{id}/accept" => {
                        vec![
                            ("version", &v),
                            ("signer_name", "Matrice"),
                            ("signer_title", "Matrice"),
                            ("accept_conditions", "on"),
                        ]
                    }
                    "/password/change" => vec![("password", PASSWORD), ("password_confirm", PASSWORD)],
                    _ => vec![],
                };
                match browser {
                    Some((b, csrf)) if method == "POST" => b.post_form(&url_path, csrf, &fields).await,
                    Some((b, _)) => b.get(&url_path).await,
                    None => {
                        let anonymous = Browser::new(&w.app);
                        if method == "POST" {
                            let csrf = anonymous.csrf("/login").await;
                            anonymous.post_form(&url_path, &csrf, &fields).await
                        } else {
                            anonymous.get(&url_path).await
                        }
                    }
                }
            };
            if path.ends_with("/conflict") {
                // A declared conflict would keep the reviewer off every later grant of the matrix.
                sqlx::query("DELETE FROM conflicts WHERE user_id = $1")
                    .bind(w.reviewers[0])
                    .execute(w.app.db().pool())
                    .await
                    .unwrap();
            }
            let status = response.status().as_u16();
            let location = response.headers().get("location").and_then(|v| v.to_str().ok()).map(String::from);
            let got = allowed(status, location.as_deref());
            *answered.entry((method.clone(), path.clone())).or_default() |= got;
            if got != expect {
                failures.push(format!("{method} {path} as {who:?}: expected {expect}, got {status} {location:?}"));
            }
            checked += 1;
        }
    }
    for ((method, path), _) in answered.iter().filter(|(_, some)| !**some) {
        failures.push(format!("{method} {path} refuses every identity: give it a record of its own kind"));
    }
    assert!(failures.is_empty(), "{} of {checked} checks failed:\n{}", failures.len(), failures.join("\n"));
    assert!(checked >= 200, "{checked}");
}

#[tokio::test]
async fn the_session_id_is_cycled_at_sign_in_and_refused_after_sign_out() {
    let app = TestApp::spawn().await;
    let organism = app.organism(&neq(1)).await;
    app.account("marie@test.org", AccountRole::Member, Some(organism)).await;
    let sessions = || async {
        let table = match app.database.backend {
            octroi::storage::Backend::Sqlite => "tower_sessions",
            octroi::storage::Backend::Postgres => "session",
        };
        sqlx::query_scalar::<_, i64>(&format!("SELECT COUNT(*) FROM {table}")).fetch_one(app.db().pool()).await.unwrap()
    };
    // Issue 10, item 17: visiting the sign-in page stores nothing; its CSRF token is a signed cookie.
    let browser = Browser::new(&app);
    for _ in 0..3 {
        let r = browser.get("/login").await;
        assert!(session_cookie(&r).is_none(), "no session before sign-in");
    }
    assert_eq!(sessions().await, 0, "no session row for anonymous visits");
    let api = app.get("/api/v1/queues/screening").await;
    assert!(api.headers().get("set-cookie").is_none(), "an API client gets no cookie");
    let r = browser.get("/login").await;
    let csrf = csrf_of(&r.text().await.unwrap()).unwrap();
    // An attacker's own valid token, sent with this browser's cookie (login CSRF): refused.
    let attacker = Browser::new(&app).csrf("/login").await;
    let r = browser.post_form("/login", &attacker, &[("email", "marie@test.org"), ("password", PASSWORD)]).await;
    assert_eq!(r.status(), 403, "a token the cookie does not carry");
    let r = browser.post_form("/login", &csrf, &[("email", "marie@test.org"), ("password", PASSWORD)]).await;
    let after = session_cookie(&r).expect("a session cookie at sign-in");
    assert_eq!(sessions().await, 1);
    // A session id chosen before sign-in (fixation) is never the one signed in.
    let fixed = "octroi=AAAAAAAAAAAAAAAAAAAAAA";
    let fixated = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let page = fixated.get(app.url("/login")).header("cookie", fixed).send().await.unwrap();
    let csrf_cookie = page.headers()["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_string();
    let token = csrf_of(&page.text().await.unwrap()).unwrap();
    let form = [("csrf", token.as_str()), ("email", "marie@test.org"), ("password", PASSWORD)];
    let r = fixated
        .post(app.url("/login"))
        .header("cookie", format!("{fixed}; {csrf_cookie}"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let before = fixed.to_string();
    assert_ne!(session_cookie(&r).unwrap(), before, "the session id changes at sign-in");

    // The old cookie is worthless, and after sign-out so is the new one.
    let raw = |cookie: &str| {
        let c = cookie.to_string();
        let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
        let url = format!("{}/dashboard", app.address);
        async move { client.get(url).header("cookie", c).send().await.unwrap() }
    };
    assert_eq!(raw(&before).await.headers()["location"], "/login?next=%2Fdashboard");
    assert_eq!(raw(&after).await.status(), 200);
    let csrf = browser.csrf("/dashboard").await;
    assert_eq!(browser.post_form("/logout", &csrf, &[]).await.status(), 303);
    assert_eq!(raw(&after).await.headers()["location"], "/login?next=%2Fdashboard");
    // A tampered cookie is refused the same way, never an error.
    let tampered = format!("{}x", after);
    let r = raw(&tampered).await;
    assert_eq!(r.status(), 303);
}

fn session_cookie(r: &reqwest::Response) -> Option<String> {
    r.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("octroi="))
        .map(|c| c.split(';').next().unwrap().to_string())
}

#[tokio::test]
async fn every_state_changing_route_refuses_a_forged_or_missing_csrf_token() {
    let app = TestApp::spawn().await;
    let organism = app.organism(&neq(1)).await;
    app.account("marie@test.org", AccountRole::Member, Some(organism)).await;
    let grant =
        GrantId(app.start_draft(organism, json!({})).await.json::<Value>().await.unwrap()["id"].as_i64().unwrap());
    let browser = Browser::new(&app);
    browser.sign_in("marie@test.org", PASSWORD).await;
    let mut checked = BTreeSet::new();
    for (method, path) in page_routes().into_iter().filter(|(m, _)| *m != axum::http::Method::GET) {
        let path = path.replace("{id}", &grant.to_string());
        for token in ["forged", ""] {
            let r = browser.post_form(&path, token, &[("email", "x@y.org")]).await;
            assert_eq!(r.status(), 403, "{method} {path} with csrf {token:?}");
            assert!(r.text().await.unwrap().contains("Formulaire expiré"), "{path}: a clear message in French");
        }
        checked.insert(path);
    }
    // The API with the session cookie needs the token too; with a bearer token it does not.
    let r = browser
        .client
        .post(format!("{}/api/v1/grants", app.address))
        .json(&json!({"organism_id": organism}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    assert!(checked.len() >= 12, "{checked:?}");
    let g = app.db().grant(grant).await.unwrap();
    assert_eq!((g.version, g.state.as_str()), (1, "draft"), "nothing was changed");
}

#[tokio::test]
async fn security_headers_are_on_every_response_errors_included() {
    let app = TestApp::spawn().await;
    let browser = Browser::new(&app);
    for path in ["/login", "/nothing-here", "/api/v1/grants/1", "/healthz", "/static/octroi.css", "/dashboard"] {
        let r = browser.get(path).await;
        let h = r.headers();
        let csp = h["content-security-policy"].to_str().unwrap();
        assert!(
            csp.contains("frame-ancestors 'none'")
                && csp.contains("script-src 'self'")
                && !csp.contains("unsafe-inline"),
            "{path}"
        );
        assert_eq!(h["x-content-type-options"], "nosniff", "{path}");
        assert!(h.contains_key("referrer-policy"), "{path}");
        if path != "/static/octroi.css" {
            assert_eq!(h["cache-control"], "no-store", "{path}");
        }
    }
}

#[tokio::test]
async fn sign_up_keeps_what_was_typed_and_shows_each_error_in_french() {
    let app = TestApp::spawn().await;
    let browser = Browser::new(&app);
    let csrf = browser.csrf("/signup").await;
    let mut fields: Vec<(&str, &str)> = vec![
        ("legal_name", "<script>alert('x')</script> Cuisine"),
        ("neq", "123"),
        ("region", "06"),
        ("street_address", "1945, rue Ontario Est"),
        ("city", "Montréal"),
        ("postal_code", "H2K 1V2"),
        ("contact_email", "info@cuisine.org"),
        ("mission_summary", "Sécurité alimentaire"),
        ("preferred_language", "fr"),
        ("display_name", "Marie Tremblay"),
        ("email", "marie@cuisine.org"),
        ("password", "court"),
        ("password_confirm", "court"),
    ];
    let r = browser.post_form("/signup", &csrf, &fields).await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("Le NEQ compte exactement 10 chiffres."), "{html}");
    assert!(html.contains("Le mot de passe compte au moins 12 caractères."));
    assert!(html.contains("href=\"#f-neq\""), "the summary links to the field");
    assert!(
        html.contains("value=\"Marie Tremblay\"") && html.contains("value=\"1945, rue Ontario Est\""),
        "typed values kept"
    );
    assert!(!html.contains("<script>alert"), "HTML typed in a field is escaped");
    assert!(html.contains("&#60;script&#62;") || html.contains("&lt;script&gt;"));
    assert_eq!(app.db().organisms(0, 10).await.unwrap().len(), 0, "nothing was written");

    fields[1].1 = "1143356789";
    fields[11].1 = PASSWORD;
    fields[12].1 = PASSWORD;
    let r = browser.post_form("/signup", &csrf, &fields).await;
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], "/signup/done", "signed in only with the password, like anyone");
    let html = browser.get("/signup/done").await.text().await.unwrap();
    assert!(html.contains("Inscription reçue") && html.contains("<ol class=\"steps\">"), "{html}");
    assert!(html.contains("deux évaluatrices ou évaluateurs"), "what happens next: {html}");
    browser.sign_in("marie@cuisine.org", PASSWORD).await;
    let html = browser.get("/dashboard").await.text().await.unwrap();
    assert!(html.contains("Commencer une demande de bourse"));
    let welcome = app.db().mail_to("marie@cuisine.org").await.unwrap();
    assert!(welcome[0].subject.contains("votre compte est prêt"), "{welcome:?}");
}

#[tokio::test]
async fn sign_in_is_throttled_per_account_with_a_clear_message() {
    let app = TestApp::spawn().await;
    let organism = app.organism(&neq(1)).await;
    app.account("marie@test.org", AccountRole::Member, Some(organism)).await;
    let browser = Browser::new(&app);
    let csrf = browser.csrf("/login").await;
    for _ in 0..5 {
        let r =
            browser.post_form("/login", &csrf, &[("email", "marie@test.org"), ("password", "wrong password!")]).await;
        assert_eq!(r.status(), 401);
        let html = r.text().await.unwrap();
        assert!(html.contains("Courriel ou mot de passe incorrect.") && html.contains("value=\"marie@test.org\""));
    }
    let r = browser.post_form("/login", &csrf, &[("email", "marie@test.org"), ("password", PASSWORD)]).await;
    assert_eq!(r.status(), 429, "even the right password waits");
    assert!(r.text().await.unwrap().contains("Trop de tentatives"));
}

#[tokio::test]
async fn a_reset_link_works_once_and_then_says_so() {
    let app = TestApp::spawn().await;
    let organism = app.organism(&neq(1)).await;
    app.account("marie@test.org", AccountRole::Member, Some(organism)).await;
    let browser = Browser::new(&app);
    let csrf = browser.csrf("/password/forgot").await;
    let r = browser.post_form("/password/forgot", &csrf, &[("email", "marie@test.org")]).await;
    assert!(r.text().await.unwrap().contains("Si un compte existe"));
    let r = browser.post_form("/password/forgot", &csrf, &[("email", "nobody@test.org")]).await;
    assert!(r.text().await.unwrap().contains("Si un compte existe"), "the same answer for unknown addresses");
    let mail = app.db().mail_to("marie@test.org").await.unwrap();
    assert_eq!(mail.len(), 1);
    let link = mail[0].body.lines().find(|l| l.contains("/password/reset?token=")).unwrap().trim().to_string();
    let path = &link[link.find("/password/reset").unwrap()..];
    let token = path.split("token=").nth(1).unwrap();

    let csrf = browser.csrf(path).await;
    let new = "une nouvelle phrase secrète";
    let r = browser
        .post_form("/password/reset", &csrf, &[("token", token), ("password", new), ("password_confirm", new)])
        .await;
    assert_eq!(r.headers()["location"], "/login?done=reset");
    let r = browser
        .post_form("/password/reset", &csrf, &[("token", token), ("password", new), ("password_confirm", new)])
        .await;
    assert_eq!(r.status(), 410);
    assert!(r.text().await.unwrap().contains("Ce lien a déjà servi"));
    let r = browser.get(path).await;
    assert_eq!(r.status(), 410);
    browser.sign_in("marie@test.org", new).await;

    // A link past its hour says so.
    let user = app.db().user_by_email("marie@test.org").await.unwrap().unwrap();
    let stale = octroi::passwords::random_token();
    let mail = octroi::storage::outbox::Mail { to: user.email.to_string(), subject: "s".into(), body: "b".into() };
    let past = "2020-01-01T00:00:00.000Z".to_string();
    app.db().create_password_reset(user.id, octroi::passwords::token_hash(&stale), past, mail).await.unwrap();
    let r = browser.get(&format!("/password/reset?token={stale}")).await;
    assert_eq!(r.status(), 410);
    assert!(r.text().await.unwrap().contains("Ce lien a expiré"));
}

#[tokio::test]
async fn a_revoked_api_token_is_refused() {
    let app = TestApp::spawn().await;
    let user = app.account("officer@test.org", AccountRole::ProgramOfficer, None).await;
    let token = format!("oct_{}", octroi::passwords::random_token());
    let id = app.db().create_token(user, "test", octroi::passwords::token_hash(&token)).await.unwrap();
    let get = || app.client.get(format!("{}/api/v1/organisms", app.address)).bearer_auth(&token).send();
    assert_eq!(get().await.unwrap().status(), 200);
    assert!(app.db().revoke_token(id).await.unwrap());
    let r = get().await.unwrap();
    assert_eq!(r.status(), 401);
    assert_eq!(r.json::<Value>().await.unwrap()["code"], "unauthenticated");
}

#[tokio::test]
async fn the_applicant_answers_a_request_for_information_and_the_application_returns_to_its_queue() {
    let app = TestApp::spawn().await;
    let grant = app.complete_draft(&neq(1)).await;
    let organism = app.db().grant(grant).await.unwrap().organism_id;
    for (event, version, role) in
        [("submit", 1, "applicant"), ("begin_screening", 2, "program_officer"), ("request_info", 3, "program_officer")]
    {
        assert_eq!(app.fire(grant, event, version, role).await.status(), 200, "{event}");
    }
    app.account("marie@test.org", AccountRole::Member, Some(organism)).await;
    let browser = Browser::new(&app);
    let csrf = browser.sign_in("marie@test.org", PASSWORD).await;
    let html = browser.get(&format!("/grants/{grant}")).await.text().await.unwrap();
    assert!(html.contains("Renseignements demandés") && html.contains("Modifier la demande avant de répondre"));
    // The program's question is on the application's page and above the form the answer is written in.
    assert!(html.contains("Question du programme") && html.contains("request_info in a test"), "{html}");
    let html = browser.get(&format!("/grants/{grant}/edit")).await.text().await.unwrap();
    assert!(html.contains("Enregistrer et écrire ma réponse"));
    assert!(html.contains("request_info in a test"), "{html}");
    let fields = [
        ("version", "4"),
        ("action", "send"),
        ("title", "Virage numérique"),
        ("needs_assessment", "Précisions : nos postes datent de 2014."),
        ("project_description", "Remplacer les postes."),
        ("line_category", "equipment"),
        ("line_description", "Portable"),
        ("line_quantity", "2"),
        ("line_unit_price", "1000"),
        ("contact_name", "Marie Tremblay"),
        ("contact_email", "marie@test.org"),
    ];
    // Saved, then the answer is written on the application's page, with its documents.
    let r = browser.post_form(&format!("/grants/{grant}/edit"), &csrf, &fields).await;
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], format!("/grants/{grant}#answer").as_str());
    let g = app.db().grant(grant).await.unwrap();
    assert_eq!(
        (g.state.as_str(), g.needs_assessment.as_str()),
        ("more_info", "Précisions : nos postes datent de 2014.")
    );
    let html = browser.get(&format!("/grants/{grant}")).await.text().await.unwrap();
    assert!(html.contains(r#"enctype="multipart/form-data" id="answer""#), "{html}");
    let answer = format!("/grants/{grant}/answer");
    let v = g.version.to_string();
    let quote: &[u8] = b"%PDF-1.4\n% Soumission Bureau en Gros\n";
    // A program disguised as a PDF and an empty answer: refused, each said, nothing written.
    let r = browser
        .post_files(
            &answer,
            &csrf,
            &[("version", &v), ("answer", " ")],
            &[("documents", "devis.pdf", b"MZ\x90\x00 not a pdf")],
        )
        .await;
    assert_eq!(r.status(), 422);
    let page = r.text().await.unwrap();
    assert!(page.contains("Ce champ est obligatoire."), "{page}");
    assert_eq!(app.db().grant(grant).await.unwrap().state, "more_info");
    let r = browser
        .post_files(
            &answer,
            &csrf,
            &[("version", &v), ("answer", "Voici la soumission.")],
            &[("documents", "devis.pdf", b"MZ\x90\x00")],
        )
        .await;
    assert_eq!(r.status(), 422);
    let page = r.text().await.unwrap();
    assert!(page.contains("devis.pdf") && page.contains("pas un PDF"), "the file named, and why: {page}");
    assert!(page.contains("Voici la soumission."), "the answer typed is kept");
    assert!(app.db().documents_of(grant).await.unwrap().is_empty());
    // Without the CSRF token: refused.
    let r = browser.post_files(&answer, "faux", &[("version", &v), ("answer", "x")], &[]).await;
    assert_eq!(r.status(), 403);
    // The answer and its quote.
    let r = browser
        .post_files(
            &answer,
            &csrf,
            &[("version", &v), ("answer", "Voici la soumission.")],
            &[("documents", "Devis 2026.pdf", quote)],
        )
        .await;
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
    let g = app.db().grant(grant).await.unwrap();
    assert_eq!(g.state, "screening", "back to the queue the request came from");
    let history = app.db().grant_history(grant).await.unwrap();
    let last = history.last().unwrap();
    assert_eq!(
        (last.event.as_str(), last.reason.as_str(), last.actor.as_str()),
        ("provide_info", "Voici la soumission.", "marie@test.org")
    );
    let documents = app.db().documents_of(grant).await.unwrap();
    assert_eq!(documents.len(), 1);
    assert_eq!(
        (documents[0].file_name.as_str(), documents[0].media_type.as_str()),
        ("Devis 2026.pdf", "application/pdf")
    );
    // Downloaded as stored, by the organism and the program; not by another organism's member.
    let download = format!("/documents/{}", documents[0].id);
    let r = browser.get(&download).await;
    assert_eq!(r.status(), 200);
    assert!(r.headers()["content-disposition"].to_str().unwrap().starts_with("attachment;"));
    assert_eq!(r.bytes().await.unwrap().as_ref(), quote);
    app.account("agente@test.org", AccountRole::ProgramOfficer, None).await;
    let officer = Browser::new(&app);
    officer.sign_in("agente@test.org", PASSWORD).await;
    assert_eq!(officer.get(&download).await.status(), 200);
    let other = app.grant_in(2, "submitted").await;
    let stranger = Browser::new(&app);
    stranger.sign_in("membre2@test.org", PASSWORD).await;
    assert_eq!(stranger.get(&download).await.status(), 403, "{:?}", other.id);
}

#[tokio::test]
async fn a_reviewer_sees_the_assigned_applications_but_not_one_with_a_declared_conflict() {
    let app = TestApp::spawn().await;
    let mut grants = Vec::new();
    for n in 1..=3 {
        let grant = app.complete_draft(&neq(n)).await;
        let g = app.db().grant(grant).await.unwrap();
        let application = octroi::domain::grant::Application { title: format!("Projet {n}"), ..g.application() };
        app.db().update_application(grant, 1, application, app.state.grant_workflow()).await.unwrap();
        assert_eq!(app.fire(grant, "submit", 2, "applicant").await.status(), 200);
        grants.push((grant, g.organism_id));
    }
    let reviewer = app.account("rev@test.org", AccountRole::Reviewer, None).await;
    app.assign(grants[0].0, reviewer).await.unwrap();
    app.assign(grants[1].0, reviewer).await.unwrap();
    let left = app.db().declare_conflict(reviewer, grants[1].1, "sits on its board").await.unwrap();
    assert_eq!(left, vec![grants[1].0], "the declaration takes the reviewer off the organism's application");
    let browser = Browser::new(&app);
    browser.sign_in("rev@test.org", PASSWORD).await;
    let html = browser.get("/dashboard").await.text().await.unwrap();
    assert!(html.contains("Projet 1"), "{html}");
    assert!(!html.contains("Projet 2"), "conflicted");
    assert!(!html.contains("Projet 3"), "not assigned");
    assert_eq!(browser.get(&format!("/grants/{}", grants[1].0)).await.status(), 403);
}

/// Sessions live in the database: a second instance on the same database honours a session opened on the
/// first, and a sign-out on one is a sign-out on both.
#[tokio::test]
async fn a_second_instance_on_the_same_database_sees_the_same_sessions() {
    let first = TestApp::spawn().await;
    let organism = first.organism(&neq(1)).await;
    first.account("marie@test.org", AccountRole::Member, Some(organism)).await;
    let second = octroi::App::build(first.database.config()).await.unwrap();
    let second_address = format!("http://{}", second.local_addr());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(second.run(async {
        let _ = stopped.await;
    }));

    // Sign in on the first instance and keep the session cookie it sets.
    let browser = Browser::new(&first);
    let login_csrf = browser.csrf("/login").await;
    let r = browser.post_form("/login", &login_csrf, &[("email", "marie@test.org"), ("password", PASSWORD)]).await;
    let cookie = session_cookie(&r).expect("a session cookie at sign-in");
    let on_second = |cookie: String| {
        let url = format!("{second_address}/dashboard");
        async move {
            let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
            client.get(url).header("cookie", cookie).send().await.unwrap()
        }
    };
    let r = on_second(cookie.clone()).await;
    assert_eq!(r.status(), 200, "the second instance knows the session");
    assert!(r.text().await.unwrap().contains("Cuisine collective"));

    // Signing out on the first instance ends the session on the second.
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let html = client.get(format!("{}/dashboard", first.address)).header("cookie", &cookie).send().await.unwrap();
    let token = csrf_of(&html.text().await.unwrap()).unwrap();
    let r = client
        .post(format!("{}/logout", first.address))
        .header("cookie", &cookie)
        .form(&[("csrf", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(on_second(cookie).await.status(), 303, "signed out everywhere");
    let _ = stop.send(());
    let _ = server.await;
}

#[tokio::test]
async fn a_member_invites_a_colleague_who_joins_the_same_organism() {
    let app = TestApp::spawn().await;
    let grant = app.complete_draft(&neq(1)).await;
    let organism = app.db().grant(grant).await.unwrap().organism_id;
    app.account("marie@test.org", AccountRole::Member, Some(organism)).await;
    let marie = Browser::new(&app);
    let csrf = marie.sign_in("marie@test.org", PASSWORD).await;
    let r = marie.post_form("/members/invite", &csrf, &[("email", "luc@test.org")]).await;
    assert!(r.text().await.unwrap().contains("Invitation envoyée à luc@test.org."));
    let mail = app.db().mail_to("luc@test.org").await.unwrap();
    let link = mail[0].body.lines().find(|l| l.contains("/invitations/accept?token=")).unwrap().trim().to_string();
    let path = &link[link.find("/invitations/accept").unwrap()..];
    let token = path.split("token=").nth(1).unwrap();

    let luc = Browser::new(&app);
    let csrf = luc.csrf(path).await;
    let fields =
        [("token", token), ("display_name", "Luc Gagnon"), ("password", PASSWORD), ("password_confirm", PASSWORD)];
    let r = luc.post_form("/invitations/accept", &csrf, &fields).await;
    assert_eq!(r.headers()["location"], "/login?done=joined");
    let r = luc.post_form("/invitations/accept", &csrf, &fields).await;
    assert_eq!(r.status(), 410, "an invitation is used once");
    luc.sign_in("luc@test.org", PASSWORD).await;
    let html = luc.get("/dashboard").await.text().await.unwrap();
    assert!(html.contains("Virage numérique de la cuisine collective"), "the organism's application: {html}");
    assert_eq!(luc.get(&format!("/grants/{grant}/edit")).await.status(), 200);
}

#[tokio::test]
async fn a_program_officers_dashboard_lists_submitted_applications_not_drafts() {
    let app = TestApp::spawn().await;
    let submitted = app.complete_draft(&neq(1)).await;
    assert_eq!(app.fire(submitted, "submit", 1, "applicant").await.status(), 200);
    let organism = app.organism(&neq(2)).await;
    let r = app.start_draft(organism, json!({ "title": "Brouillon privé" })).await;
    assert_eq!(r.status(), 201);
    app.account("po@test.org", AccountRole::ProgramOfficer, None).await;
    let browser = Browser::new(&app);
    browser.sign_in("po@test.org", PASSWORD).await;
    let html = browser.get("/dashboard").await.text().await.unwrap();
    assert!(html.contains("Virage numérique de la cuisine collective") && html.contains("Soumise"), "{html}");
    assert!(!html.contains("Brouillon privé"));
}

/// An error summary says what to fix: each message names its field, lines by number ("Ligne 2 —
/// Catégorie : …"), in the order of the form, each field once; a list left blank says "Choisissez …".
#[tokio::test]
async fn the_error_summary_names_each_field_in_the_order_of_the_form() {
    let app = TestApp::spawn().await;
    let (grant, browser, csrf) = common::member_with_draft(&app, 1).await;
    let r = browser
        .post_form(
            &format!("/grants/{grant}/edit"),
            &csrf,
            &[
                ("version", "1"),
                ("action", "save"),
                ("title", "Virage"),
                ("line_category", "equipment"),
                ("line_description", "Portable"),
                ("line_quantity", "0"),
                ("line_unit_price", "1 200"),
                ("line_category", ""),
                ("line_description", "Licence"),
                ("line_quantity", "1"),
                ("line_unit_price", "beaucoup"),
                ("contact_email", "marie"),
            ],
        )
        .await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    let summary = &html[html.find("error-summary").unwrap()..html.find("</ul>").unwrap()];
    let items: Vec<&str> = summary.split("<li>").skip(1).map(|li| li.split('>').nth(1).unwrap_or_default()).collect();
    let starts: Vec<String> = items.iter().map(|i| i.split('\u{a0}').next().unwrap_or_default().to_string()).collect();
    assert_eq!(
        starts,
        [
            "Ligne 1 — Quantité",
            "Ligne 2 — Catégorie",
            "Ligne 2 — Prix unitaire estimé ($)",
            "Courriel de la personne-ressource"
        ],
        "{summary}"
    );
    assert!(items[1].contains("Choisissez une catégorie."), "{summary}");
    assert!(html.contains("value=\"beaucoup\""), "what was typed stays");
    assert!(
        html.contains(r#"aria-invalid="true" aria-describedby="f-lines-1-unit_price-error""#)
            && html.contains(r#"id="f-lines-1-unit_price-error""#),
        "a line's field is marked invalid and described by its error"
    );

    // A form of the generic kind (sign-up): the same naming, and a region left blank says so.
    let visitor = Browser::new(&app);
    let csrf = visitor.csrf("/signup").await;
    let html =
        visitor.post_form("/signup", &csrf, &[("legal_name", "Maison"), ("region", "")]).await.text().await.unwrap();
    assert!(html.contains("Région\u{a0}: Choisissez une région."), "{html}");
    let neq = html.find("NEQ\u{a0}: ").unwrap();
    assert!(neq < html.find("Région\u{a0}: ").unwrap(), "in the order of the form");
}

/// The staff's dashboard says what waits on them, queue by queue with the oldest application, and how
/// the program stands this fiscal year: requested, awarded, committed, spent and available.
#[tokio::test]
async fn the_staff_dashboard_says_what_needs_doing_and_how_the_program_stands() {
    let app = TestApp::spawn().await;
    let awarded = app.grant_in(1, "awarded").await;
    let submitted = app.grant_in(2, "submitted").await;
    app.account("agente@test.org", AccountRole::ProgramOfficer, None).await;
    let officer = Browser::new(&app);
    officer.sign_in("agente@test.org", PASSWORD).await;
    let html = officer.get("/dashboard").await.text().await.unwrap();
    let work = &html[html.find("work-heading").unwrap()..html.find("year-heading").unwrap()];
    assert!(work.contains(&format!("/grants/{}/manage", submitted.id)), "the oldest in screening: {work}");
    assert!(work.contains(&format!("/grants/{}/manage", awarded.id)), "the oldest waiting for acceptance");
    let year = &html[html.find("year-heading").unwrap()..];
    // Requested: two applications of 3 × 1 200,00 $ + 480,50 $; awarded: the proposal and 6 h of coaching.
    let figure = |label: &str| {
        let at = year.find(&format!("<dt>{label}</dt><dd>")).unwrap_or_else(|| panic!("{label} in {year}"));
        let rest = &year[at + label.len() + 13..];
        rest[..rest.find("</dd>").unwrap()].to_string()
    };
    assert_eq!(figure("Demandé (matériel et logiciels)"), "8\u{a0}161,00\u{a0}$");
    assert_eq!(figure("Octroyé"), "3\u{a0}169,99\u{a0}$");
    assert_eq!(figure("Engagé"), "3\u{a0}169,99\u{a0}$", "held until spent");
}

/// Nothing lost, nothing by surprise: "start" opens the draft in progress instead of a second one; a
/// draft is deleted only after a page says what that does; withdrawing asks first too; after sending,
/// the grant's page says what happens next; an organism the rules forbid another bourse is told why.
#[tokio::test]
async fn members_are_asked_before_what_cannot_be_undone_and_never_get_a_second_draft() {
    let app = TestApp::spawn().await;
    let (grant, member, csrf) = common::member_with_draft(&app, 1).await;
    let r = member.post_form("/grants/new", &csrf, &[]).await;
    assert_eq!(r.headers()["location"], format!("/grants/{grant}/edit"), "the draft in progress");
    let dashboard = member.get("/dashboard").await.text().await.unwrap();
    assert!(dashboard.contains("Reprendre la demande en cours"), "{dashboard}");

    // Deleting asks, then deletes the draft at the version confirmed.
    let ask = member.get(&format!("/grants/{grant}/delete")).await.text().await.unwrap();
    assert!(ask.contains("Cette action est définitive") && ask.contains(r#"name="version" value="1""#), "{ask}");
    let stale = member.post_form(&format!("/grants/{grant}/delete"), &csrf, &[("version", "0")]).await;
    assert_eq!(stale.status(), 409, "a stale confirmation deletes nothing");
    let r = member.post_form(&format!("/grants/{grant}/delete"), &csrf, &[("version", "1")]).await;
    assert_eq!(r.headers()["location"], "/dashboard?notice=deleted");
    assert!(app.db().grant(grant).await.is_err(), "gone");
    assert!(member.get("/dashboard?notice=deleted").await.text().await.unwrap().contains("Brouillon supprimé."));

    // A new draft, sent: the page says what happens next; withdrawing it asks first.
    let r = member.post_form("/grants/new", &csrf, &[]).await;
    let edit = r.headers()["location"].to_str().unwrap().to_string();
    let second = GrantId(edit.trim_start_matches("/grants/").trim_end_matches("/edit").parse().unwrap());
    assert_eq!(app.db().grant(second).await.unwrap().title, "", "a new, empty draft");
    let fields = [
        ("version", "1"),
        ("action", "send"),
        ("title", "Virage numérique"),
        ("needs_assessment", "Nos postes ont dix ans."),
        ("project_description", "Les remplacer."),
        ("line_category", "equipment"),
        ("line_description", "Portable"),
        ("line_quantity", "2"),
        ("line_unit_price", "1 200"),
        ("contact_name", "Marie Tremblay"),
        ("contact_email", "marie@exemple.org"),
    ];
    let r = member.post_form(&edit, &csrf, &fields).await;
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
    // Saved and complete: the whole application to review, and an attestation to give before it goes.
    let review = format!("/grants/{second}/submit");
    assert_eq!(r.headers()["location"], review.as_str());
    let page = member.get(&review).await.text().await.unwrap();
    for shown in [
        "Vérifier et soumettre la demande",
        "Nos postes ont dix ans.",
        "Portable",
        "2\u{a0}400,00\u{a0}$",
        "atteste que les renseignements",
    ] {
        assert!(page.contains(shown), "{shown:?} missing from the review page");
    }
    assert_eq!(app.db().grant(second).await.unwrap().state, "draft", "reviewing sends nothing");
    let r = member.post_form(&review, &csrf, &[("version", "2")]).await;
    assert_eq!(r.status(), 422, "not attested");
    let page = r.text().await.unwrap();
    assert!(page.contains("Attestation\u{a0}: "), "the summary names the box: {page}");
    assert_eq!(app.db().grant(second).await.unwrap().state, "draft");
    let r = member.post_form(&review, &csrf, &[("version", "1"), ("attest", "on")]).await;
    assert_eq!(r.status(), 422, "a version other than the one shown is shown again");
    assert!(r.text().await.unwrap().contains("a été modifiée depuis"));
    let r = member.post_form(&review, &csrf, &[("version", "2"), ("attest", "on")]).await;
    let next = r.headers()["location"].to_str().unwrap().to_string();
    assert_eq!(next, format!("/grants/{second}?notice=sent"));
    let again = member.post_form(&review, &csrf, &[("version", "2"), ("attest", "on")]).await;
    assert_eq!(again.headers()["location"], format!("/grants/{second}").as_str(), "a second click: its page");
    assert!(member.get(&next).await.text().await.unwrap().contains("vérifie d’abord son admissibilité"));
    assert_eq!(member.get(&format!("/grants/{second}/delete")).await.status(), 303, "sent: no deleting");
    let ask = member.get(&format!("/grants/{second}/withdraw")).await.text().await.unwrap();
    assert!(ask.contains("ne peut plus être modifiée") && ask.contains("Retirer définitivement"), "{ask}");
    assert_eq!(app.db().grant(second).await.unwrap().state, "submitted", "asking withdraws nothing");

    // An organism with a bourse is not offered another one.
    let awarded = app.grant_in(2, "awarded").await;
    let other = app.db().user_by_email("membre2@test.org").await.unwrap().unwrap();
    assert_eq!(other.organism_id, Some(awarded.organism_id));
    let browser = Browser::new(&app);
    let csrf = browser.sign_in("membre2@test.org", PASSWORD).await;
    let dashboard = browser.get("/dashboard").await.text().await.unwrap();
    assert!(dashboard.contains("déjà reçu une bourse") && !dashboard.contains(r#"action="/grants/new""#));
    assert_eq!(browser.post_form("/grants/new", &csrf, &[]).await.status(), 409);
}

/// An error page is a page of octroi: a signed-in person keeps their header (name, sign-out) on a 403
/// and on any 404, known route or not.
#[tokio::test]
async fn error_pages_keep_the_signed_in_header() {
    let app = TestApp::spawn().await;
    let (grant, member, _) = common::member_with_draft(&app, 1).await;
    let other = app.grant_in(2, "submitted").await;
    for (path, status) in [
        ("/grants/999999".to_string(), 404),
        ("/nulle-part".to_string(), 404),
        (format!("/grants/{}", other.id), 403),
        ("/queues/all".to_string(), 403),
    ] {
        let r = member.get(&path).await;
        assert_eq!(r.status(), status, "{path}");
        let html = r.text().await.unwrap();
        assert!(html.contains("membre1") && html.contains(r#"action="/logout""#), "{path}: {html}");
    }
    let anonymous = Browser::new(&app).get(&format!("/grants/{grant}")).await;
    assert!(!anonymous.text().await.unwrap().contains("membre1"));
}

/// Every page's footer leads to the contact page, the privacy notice (who answers for personal
/// information, for how long it is kept, the rights of the people it is about) and the accessibility
/// statement; anyone may read them, and a signed-in person keeps their header there.
#[tokio::test]
async fn the_footer_leads_to_contact_privacy_and_accessibility_for_anyone() {
    let app = TestApp::spawn().await;
    let anonymous = Browser::new(&app);
    let login = anonymous.get("/login").await.text().await.unwrap();
    for href in ["/contact", "/privacy", "/accessibility"] {
        assert!(login.contains(&format!(r#"<a href="{href}">"#)), "{href} missing from the footer: {login}");
    }
    let privacy = anonymous.get("/privacy").await;
    assert_eq!(privacy.status(), 200);
    let privacy = privacy.text().await.unwrap();
    for shown in ["Avis de confidentialité", "vie-privee@centraide.example", "dans les 30 jours", "Commission d"] {
        assert!(privacy.contains(shown), "{shown:?} missing from the privacy notice");
    }
    let statement = anonymous.get("/accessibility").await.text().await.unwrap();
    assert!(statement.contains("WCAG") && statement.contains("Limites connues"), "{statement}");
    let contact = anonymous.get("/contact").await.text().await.unwrap();
    assert!(contact.contains(r#"href="tel:+15145550100""#) && contact.contains("dataide@centraide.example"));
    assert!(!contact.contains(r#"action="/logout""#), "no one is signed in");

    app.account("marie@test.org", AccountRole::Reviewer, None).await;
    let member = Browser::new(&app);
    member.sign_in("marie@test.org", PASSWORD).await;
    let page = member.get("/privacy").await.text().await.unwrap();
    assert!(
        page.contains(r#"action="/logout""#) && page.contains(r#"href="/dashboard""#),
        "the header of the signed-in"
    );
}
