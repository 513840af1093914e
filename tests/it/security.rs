//! Issue 10: the defects found by using octroi as applicants, staff and attackers would. Each test here
//! failed before its fix; every one runs on SQLite and, in CI, on PostgreSQL.

use crate::common;

use std::time::Duration;

use common::{Browser, PASSWORD, TestApp, member_with_draft, neq};
use octroi::domain::account::AccountRole;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Signs up an organism (the `n`-th NEQ) and its first member from a new browser.
async fn sign_up(app: &TestApp, name: &str, email: &str, n: u32) -> reqwest::Response {
    let browser = Browser::new(app);
    let csrf = browser.csrf("/signup").await;
    let neq = neq(n);
    let form = [
        ("display_name", name),
        ("email", email),
        ("password", PASSWORD),
        ("password_confirm", PASSWORD),
        ("legal_name", "Cuisine"),
        ("neq", neq.as_str()),
        ("region", "06"),
        ("street_address", "1, rue Ontario"),
        ("city", "Montréal"),
        ("postal_code", "H2K 1V2"),
        ("contact_email", "info@exemple.org"),
        ("mission_summary", "Aide alimentaire."),
        ("preferred_language", "fr"),
    ];
    browser.post_form("/signup", &csrf, &form).await
}

/// The edit form's fields with one line at `price`.
fn draft_form<'a>(version: &'a str, title: &'a str, price: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("version", version),
        ("action", "save"),
        ("title", title),
        ("needs_assessment", "Nos postes ont dix ans."),
        ("project_description", "Remplacer les postes."),
        ("line_category", "equipment"),
        ("line_description", "Portable"),
        ("line_quantity", "1"),
        ("line_unit_price", price),
        ("contact_name", "Marie Tremblay"),
        ("contact_email", "marie@test.org"),
    ]
}

async fn switch_to(browser: &Browser, csrf: &str, lang: &str) {
    let r = browser.post_form("/lang", csrf, &[("lang", lang), ("back", "/dashboard")]).await;
    assert_eq!(r.status(), 303);
}

/// Items 1 and 3: an English page reads `12,500` as twelve thousand five hundred dollars and
/// `1,299.99` as octroi displays it; a French page refuses `1,234` as ambiguous and says how to write
/// it; a draft with that one mistake still saves everything else, and says what was not saved.
#[tokio::test]
async fn amounts_are_read_in_the_language_of_the_page_and_a_draft_keeps_what_it_can() {
    let app = TestApp::spawn().await;
    let (grant, browser, csrf) = member_with_draft(&app, 1).await;
    let price = |app: &TestApp| {
        let db = app.db().clone();
        async move { db.grant(grant).await.unwrap().application().lines[0].unit_price.cents() }
    };
    switch_to(&browser, &csrf, "en").await;
    let path = format!("/grants/{grant}/edit");
    for (typed, cents) in [("12,500", 1_250_000), ("2,000", 200_000), ("1,299.99", 129_999), ("$1,299.99", 129_999)] {
        let version = app.db().grant(grant).await.unwrap().version.to_string();
        let r = browser.post_form(&path, &csrf, &draft_form(&version, "Virage", typed)).await;
        assert_eq!(r.status(), 303, "{typed}: {}", r.text().await.unwrap());
        assert_eq!(price(&app).await, cents, "{typed}");
    }
    let version = app.db().grant(grant).await.unwrap().version.to_string();
    let r = browser.post_form(&path, &csrf, &draft_form(&version, "Virage", "1,23")).await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("Write the amount like 1,234.56"));

    switch_to(&browser, &csrf, "fr").await;
    let version = app.db().grant(grant).await.unwrap().version.to_string();
    let r = browser.post_form(&path, &csrf, &draft_form(&version, "Virage numérique", "1,234")).await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("Écrivez le montant comme 1 234,56"), "{html}");
    assert!(html.contains("Brouillon enregistré, sauf ces champs"), "says what was saved: {html}");
    assert!(html.contains("value=\"1,234\""), "the typed value stays on the page");
    let g = app.db().grant(grant).await.unwrap();
    assert_eq!(g.title, "Virage numérique", "the rest of the draft is saved");
    assert!(g.application().lines.is_empty(), "the refused line is not");
    for (typed, cents) in [("1 234,56", 123_456), ("1\u{a0}099,99\u{a0}$", 109_999), ("12.50", 1_250)] {
        let version = app.db().grant(grant).await.unwrap().version.to_string();
        let r = browser.post_form(&path, &csrf, &draft_form(&version, "Virage", typed)).await;
        assert_eq!(r.status(), 303, "{typed}");
        assert_eq!(price(&app).await, cents, "{typed}");
    }
    // The form shows the stored amount as a French page writes it, and reads it back unchanged.
    let html = browser.get(&path).await.text().await.unwrap();
    assert!(html.contains("value=\"12,50\""), "{html}");

    // The API takes only the machine form.
    let token = app.member_token(g.organism_id).await;
    let mut application = common::complete_application();
    application["lines"][0]["unit_price"] = "1,200.00".into();
    let version = app.db().grant(grant).await.unwrap().version;
    let r = app
        .put_as(&token, &format!("/api/v1/grants/{grant}"), &json!({ "version": version, "application": application }))
        .await;
    assert_eq!(r.status(), 422);
    let p: Value = r.json().await.unwrap();
    assert_eq!(p["errors"][0]["field"], "application.lines[0].unit_price", "{p}");
}

/// Item 4: thirty wrong passwords and the right one at once from one address: the attempts are
/// counted before any password is checked, so only the allowed five are checked at all.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn parallel_guesses_are_counted_before_they_are_checked() {
    let app = TestApp::spawn().await;
    app.account("agente@test.org", AccountRole::ProgramOfficer, None).await;
    let mut tasks = Vec::new();
    for i in 0..40 {
        let browser = Browser::new(&app);
        let csrf = browser.csrf("/login").await;
        tasks.push(tokio::spawn(async move {
            let password = if i == 20 { PASSWORD.to_string() } else { format!("wrong {i}") };
            let form = [("email", "agente@test.org"), ("password", &password)];
            browser.post_form("/login", &csrf, &form).await.status().as_u16()
        }));
    }
    let mut statuses = std::collections::BTreeMap::new();
    for t in tasks {
        *statuses.entry(t.await.unwrap()).or_insert(0) += 1;
    }
    let checked = statuses.get(&401).copied().unwrap_or(0) + statuses.get(&303).copied().unwrap_or(0);
    assert_eq!(checked, 5, "five checked, the rest refused before checking: {statuses:?}");
    assert_eq!(statuses.get(&429), Some(&35), "{statuses:?}");
    assert!(!statuses.contains_key(&500), "{statuses:?}");
}

/// Items 9 and 17: behind a proxy octroi does not trust, many people share one address: failures on
/// other accounts never lock out the officer. Behind a trusted proxy, each client is throttled at its
/// own address, per account; a forwarded header from an untrusted peer is ignored. An e-mail address
/// longer than any real one is refused without being looked up or stored.
#[tokio::test]
async fn throttling_is_per_account_and_address_and_believes_only_trusted_proxies() {
    let app = TestApp::spawn().await;
    app.account("agente@test.org", AccountRole::ProgramOfficer, None).await;
    let attempt = |email: String, password: &'static str, forwarded: Option<&'static str>| {
        let browser = Browser::new(&app);
        async move {
            let csrf = browser.csrf("/login").await;
            let mut r = browser.client.post(format!("{}/login", browser.base));
            if let Some(f) = forwarded {
                r = r.header("x-forwarded-for", f);
            }
            r.form(&[("csrf", csrf.as_str()), ("email", &email), ("password", password)])
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    };
    for i in 0..25 {
        assert_eq!(attempt(format!("inconnu{i}@test.org"), "wrong", None).await, 401);
    }
    assert_eq!(attempt("agente@test.org".into(), PASSWORD, None).await, 303, "not locked out by others");
    assert_eq!(attempt("a".repeat(300), "wrong", None).await, 422);
    let stored: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM login_failures WHERE LENGTH(account) > 254")
        .fetch_one(app.db().pool())
        .await
        .unwrap();
    assert_eq!(stored, 0);

    let proxied = TestApp::spawn_with(
        |c| c.trusted_proxies = vec!["127.0.0.1/32".parse().unwrap()],
        octroi::server::Limits::default(),
    )
    .await;
    proxied.account("agente@test.org", AccountRole::ProgramOfficer, None).await;
    let attempt = |password: &'static str, forwarded: &'static str| {
        let browser = Browser::new(&proxied);
        async move {
            let csrf = browser.csrf("/login").await;
            let form = [("csrf", csrf.as_str()), ("email", "agente@test.org"), ("password", password)];
            let r = browser.client.post(format!("{}/login", browser.base)).header("x-forwarded-for", forwarded);
            r.form(&form).send().await.unwrap().status().as_u16()
        }
    };
    for _ in 0..5 {
        assert_eq!(attempt("wrong", "198.51.100.7").await, 401);
    }
    assert_eq!(attempt(PASSWORD, "198.51.100.7").await, 429, "this client waits");
    assert_eq!(attempt(PASSWORD, "198.51.100.8").await, 303, "another client is not held up");
    let clients: Vec<String> =
        sqlx::query_scalar("SELECT DISTINCT client FROM login_failures").fetch_all(proxied.db().pool()).await.unwrap();
    assert_eq!(clients, vec!["198.51.100.7".to_string()], "the client's address, not the proxy's");
}

/// Item 5: a client that sends its request one byte every second is cut off when the header deadline
/// passes, and shutting down does not wait for it.
#[tokio::test]
async fn slow_clients_are_cut_off_and_do_not_hold_shutdown() {
    let limits = octroi::server::Limits {
        header_read: Duration::from_secs(2),
        request_body: Duration::from_secs(2),
        max_connections: 64,
        shutdown_grace: Duration::from_secs(1),
        ..Default::default()
    };
    let app = TestApp::spawn_with(|_| {}, limits).await;
    let address = app.address.trim_start_matches("http://").to_string();
    let started = std::time::Instant::now();
    let mut slow = tokio::net::TcpStream::connect(&address).await.unwrap();
    let mut closed = false;
    for byte in b"GET /healthz HTTP/1.1\r\nHost: octroi\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n" {
        if slow.write_all(&[*byte]).await.is_err() {
            closed = true;
            break;
        }
        let mut buf = [0u8; 64];
        if let Ok(Ok(0) | Err(_)) = tokio::time::timeout(Duration::from_secs(1), slow.read(&mut buf)).await {
            closed = true;
            break;
        }
    }
    assert!(closed, "the trickling client was cut off");
    assert!(started.elapsed() < Duration::from_secs(20), "by the header deadline, not at the end of its trickle");

    // A request whose body never finishes does not hold the server at shutdown.
    let mut half = tokio::net::TcpStream::connect(&address).await.unwrap();
    half.write_all(b"POST /login HTTP/1.1\r\nHost: octroi\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\nemail=")
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    let stopping = std::time::Instant::now();
    tokio::time::timeout(Duration::from_secs(15), app.stop()).await.expect("shutdown finished");
    assert!(stopping.elapsed() < Duration::from_secs(10));
}

/// Issue 22, item 5: the body's time is a deadline on the whole of it, not a gap between chunks (a byte
/// every half second kept the body open forever), and one address cannot hold every connection: its
/// connections beyond `per_address` are closed at once, and another's request is answered meanwhile.
#[tokio::test]
async fn a_body_has_a_deadline_and_an_address_a_share_of_the_connections() {
    let limits = octroi::server::Limits {
        header_read: Duration::from_secs(20),
        request_body: Duration::from_secs(2),
        per_address: 4,
        ..Default::default()
    };
    let app = TestApp::spawn_with(|_| {}, limits).await;
    let address = app.address.trim_start_matches("http://").to_string();
    let mut slow = tokio::net::TcpStream::connect(&address).await.unwrap();
    slow.write_all(
        b"POST /login HTTP/1.1\r\nHost: octroi\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\n",
    )
    .await
    .unwrap();
    let started = std::time::Instant::now();
    let mut answered = false;
    for _ in 0..40 {
        if slow.write_all(b"a").await.is_err() {
            answered = true;
            break;
        }
        let mut buf = [0u8; 512];
        if let Ok(read) = tokio::time::timeout(Duration::from_millis(500), slow.read(&mut buf)).await {
            answered = !matches!(read, Ok(n) if n > 0) || String::from_utf8_lossy(&buf).starts_with("HTTP/1.1 4");
            break;
        }
    }
    assert!(answered, "the trickled body was cut off");
    assert!(started.elapsed() < Duration::from_secs(6), "at its deadline: {:?}", started.elapsed());
    drop(slow);

    // Four idle connections from this address are all it may hold: the fifth is closed unanswered.
    let mut idle = Vec::new();
    for _ in 0..4 {
        idle.push(tokio::net::TcpStream::connect(&address).await.unwrap());
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    let mut fifth = tokio::net::TcpStream::connect(&address).await.unwrap();
    let _ = fifth.write_all(b"GET /healthz HTTP/1.1\r\nHost: octroi\r\n\r\n").await;
    let mut buf = [0u8; 64];
    let read = tokio::time::timeout(Duration::from_secs(5), fifth.read(&mut buf)).await.expect("closed at once");
    assert!(matches!(read, Ok(0) | Err(_)), "the fifth connection is closed: {read:?}");
    // Once one closes, the address is served again.
    idle.pop();
    tokio::time::sleep(Duration::from_millis(200)).await;
    let r = reqwest::Client::new().get(format!("{}/healthz", app.address)).send().await.unwrap();
    assert_eq!(r.status(), 200);
}

/// Issue 22, item 7: an anonymous multipart request is answered before its body is read (the CSRF check
/// read 30 MB of it first): its headers alone get the answer.
#[tokio::test]
async fn an_anonymous_multipart_body_is_not_read() {
    let app = TestApp::spawn().await;
    let address = app.address.trim_start_matches("http://").to_string();
    let mut stream = tokio::net::TcpStream::connect(&address).await.unwrap();
    stream
        .write_all(
            b"POST /login HTTP/1.1\r\nHost: octroi\r\nContent-Type: multipart/form-data; boundary=x\r\n\
              Content-Length: 30000000\r\n\r\n--x\r\nContent-Disposition: form-data; name=\"email\"\r\n\r\n",
        )
        .await
        .unwrap();
    let mut buf = [0u8; 256];
    let n = tokio::time::timeout(Duration::from_secs(5), stream.read(&mut buf))
        .await
        .expect("answered without the body")
        .unwrap();
    let answer = String::from_utf8_lossy(&buf[..n]).to_string();
    assert!(answer.starts_with("HTTP/1.1 401") || answer.starts_with("HTTP/1.1 303"), "{answer}");
}

/// Item 6: a reset or an invitation with a bogus link is refused before the password is looked at (so
/// before any hashing), even when the password itself is unacceptable.
#[tokio::test]
async fn bogus_links_are_refused_before_any_hashing() {
    let app = TestApp::spawn().await;
    let browser = Browser::new(&app);
    let csrf = browser.csrf("/login").await;
    for (path, form) in [
        ("/password/reset", vec![("token", "bogus"), ("password", "court"), ("password_confirm", "court")]),
        (
            "/invitations/accept",
            vec![("token", "bogus"), ("display_name", "X"), ("password", "court"), ("password_confirm", "court")],
        ),
    ] {
        let r = browser.post_form(path, &csrf, &form).await;
        assert_eq!(r.status(), 410, "{path}");
    }
}

/// Item 8: changing the password asks for the current one, ends the account's other sessions and keeps
/// this one under a new id; a reset may revoke the API tokens too.
#[tokio::test]
async fn a_password_change_ends_the_other_sessions() {
    let app = TestApp::spawn().await;
    let user = app.account("agente@test.org", AccountRole::ProgramOfficer, None).await;
    let (here, elsewhere) = (Browser::new(&app), Browser::new(&app));
    let csrf = here.sign_in("agente@test.org", PASSWORD).await;
    elsewhere.sign_in("agente@test.org", PASSWORD).await;
    let new = "un tout nouveau mot de passe";
    let form = [("password", new), ("password_confirm", new)];
    let r = here.post_form("/password/change", &csrf, &form).await;
    assert_eq!(r.status(), 422, "the current password is asked for");
    let wrong = [("current_password", "pas le bon"), ("password", new), ("password_confirm", new)];
    assert_eq!(here.post_form("/password/change", &csrf, &wrong).await.status(), 422);
    let right = [("current_password", PASSWORD), ("password", new), ("password_confirm", new)];
    let r = here.post_form("/password/change", &csrf, &right).await;
    assert_eq!(r.status(), 303);
    assert_eq!(here.get("/dashboard").await.status(), 200, "this session continues");
    let r = elsewhere.get("/dashboard").await;
    assert_eq!(r.status(), 303, "the other session is over");
    assert!(r.headers()["location"].to_str().unwrap().starts_with("/login"));

    // A reset that revokes the tokens: the token no longer opens the API.
    let token = app.token_of(user).await;
    assert_eq!(app.get_as(&token, "/api/v1/queues/screening").await.status(), 200);
    let reset = "lien-de-test";
    let mail = octroi::storage::outbox::Mail { to: "agente@test.org".into(), subject: "s".into(), body: "b".into() };
    let expires = (chrono::Utc::now() + chrono::Duration::hours(1)).to_rfc3339();
    app.db().create_password_reset(user, octroi::passwords::token_hash(reset), expires, mail).await.unwrap();
    let anonymous = Browser::new(&app);
    let csrf = anonymous.csrf(&format!("/password/reset?token={reset}")).await;
    let form = [("token", reset), ("password", new), ("password_confirm", new), ("revoke_tokens", "1")];
    assert_eq!(anonymous.post_form("/password/reset", &csrf, &form).await.status(), 303);
    assert_eq!(app.get_as(&token, "/api/v1/queues/screening").await.status(), 401);
    assert_eq!(here.get("/dashboard").await.status(), 303, "a reset ends every session");
}

/// Item 10 (and issue 22, item 6): after sign-in and after choosing a language, only a path on octroi
/// itself, checked as it is returned once normalised (`/.//evil.example` is `//evil.example`); a tab or a
/// line end is no way out (and no 500).
#[tokio::test]
async fn sign_in_redirects_only_to_octroi_itself() {
    let app = TestApp::spawn().await;
    app.account("agente@test.org", AccountRole::ProgramOfficer, None).await;
    for (next, to) in [
        ("/\t/evil.example", "/dashboard"),
        ("/\r\n/evil.example", "/dashboard"),
        ("//evil.example", "/dashboard"),
        ("/.//evil.example", "/dashboard"),
        ("/..//evil.example", "/dashboard"),
        ("/queues/review", "/queues/review"),
    ] {
        let browser = Browser::new(&app);
        let csrf = browser.csrf("/login").await;
        let form = [("email", "agente@test.org"), ("password", PASSWORD), ("next", next)];
        let r = browser.post_form("/login", &csrf, &form).await;
        assert_eq!(r.status(), 303, "{next:?}");
        assert_eq!(r.headers()["location"], to, "{next:?}");
        let csrf = browser.csrf("/dashboard").await;
        let r = browser.post_form("/lang", &csrf, &[("lang", "en"), ("back", next)]).await;
        assert_eq!(r.status(), 303, "{next:?}");
        assert_eq!(r.headers()["location"], to, "/lang {next:?}");
    }
}

/// Items 11, 12, 13 and 14: the reviewer's own queue shows nothing of the others' reviews; the API asks
/// for the reason the pages ask for; drafts stay with their organism and nobody is assigned to one; the
/// API waits, like the pages, for a forced password change.
#[tokio::test]
async fn both_doors_keep_the_same_rules() {
    let app = TestApp::spawn().await;
    let grant = app.complete_draft(&neq(1)).await;
    let officer = app.token("program_officer").await;
    assert_eq!(app.get_as(&officer, &format!("/api/v1/grants/{grant}")).await.status(), 403, "a draft");
    let reviewer = common::staff(app.db(), "rev@test.org", AccountRole::Reviewer).await;
    common::staff(app.db(), "rev2@test.org", AccountRole::Reviewer).await;
    let r = app.post_as(&officer, &format!("/api/v1/grants/{grant}/reviewers"), &json!({ "user_id": reviewer })).await;
    assert_eq!(r.status(), 403, "no assignment to a draft");
    assert_eq!(app.fire(grant, "submit", 1, "applicant").await.status(), 200);
    let r = app.post_as(&officer, &format!("/api/v1/grants/{grant}/reviewers"), &json!({ "user_id": reviewer })).await;
    assert_eq!(r.status(), 409, "not in review yet");
    let body = json!({ "event": "request_info", "version": 2, "reason": "  " });
    let r = app.post_as(&officer, &format!("/api/v1/grants/{grant}/transitions"), &body).await;
    assert_eq!(r.status(), 422, "the reason the applicant will read");
    let p: Value = r.json().await.unwrap();
    assert_eq!(p["errors"][0]["field"], "reason", "{p}");

    for (event, version) in [("begin_screening", 2), ("send_to_review", 3)] {
        assert_eq!(app.fire(grant, event, version, "program_officer").await.status(), 200, "{event}");
    }
    let assigned = app.db().assigned_reviewers(grant).await.unwrap();
    let (first, second) = (assigned[0].0, assigned[1].0);
    let reviewing = octroi::app::reviewing_states(&app.state);
    app.db().submit_review(grant, first, reviewing, common::review(5)).await.unwrap();
    let token = app.token_of(second).await;
    let queue: Value = app.get_as(&token, "/api/v1/queues/my-reviews").await.json().await.unwrap();
    let row = &queue["items"][0];
    assert_eq!(row["id"], grant.get(), "{queue}");
    assert!(row["review_score"].is_null() && row["reviews_done"] == 0, "blind: {row}");
    assert_eq!(app.get_as(&token, "/api/v1/queues/my-reviews?sort=score").await.status(), 422);

    let admin = app.account("admin2@test.org", AccountRole::Admin, None).await;
    sqlx::query("UPDATE users SET must_change_password = 1 WHERE id = $1")
        .bind(admin)
        .execute(app.db().pool())
        .await
        .unwrap();
    let token = app.token_of(admin).await;
    assert_eq!(app.get_as(&app.token("admin").await, "/api/v1/organisms").await.status(), 200, "an admin's route");
    let r = app.get_as(&token, "/api/v1/organisms").await;
    assert_eq!(r.status(), 403);
    assert_eq!(r.json::<Value>().await.unwrap()["code"], "password-change-required");
}

/// Items 15 and 16: reset links are limited and only the newest works; invitations are limited; a name
/// with a line break is refused.
#[tokio::test]
async fn links_and_invitations_are_limited_and_names_are_one_line() {
    let app = TestApp::spawn().await;
    let user = app.account("agente@test.org", AccountRole::ProgramOfficer, None).await;
    let browser = Browser::new(&app);
    let csrf = browser.csrf("/password/forgot").await;
    let mut statuses = Vec::new();
    for _ in 0..6 {
        statuses.push(browser.post_form("/password/forgot", &csrf, &[("email", "agente@test.org")]).await.status());
    }
    assert_eq!(statuses.iter().filter(|s| **s == 200).count(), 3, "{statuses:?}");
    assert_eq!(statuses.last().unwrap().as_u16(), 429);
    let live: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM password_resets WHERE user_id = $1 AND used_at IS NULL")
        .bind(user)
        .fetch_one(app.db().pool())
        .await
        .unwrap();
    assert_eq!(live, 1, "only the newest link works");

    let member = app.account("membre@test.org", AccountRole::Member, Some(app.organism(&neq(2)).await)).await;
    let _ = member;
    let inviter = Browser::new(&app);
    let csrf = inviter.sign_in("membre@test.org", PASSWORD).await;
    let mut last = 0;
    for i in 0..21 {
        let email = format!("collegue{i}@test.org");
        last = inviter.post_form("/members/invite", &csrf, &[("email", &email)]).await.status().as_u16();
    }
    assert_eq!(last, 429, "twenty, then wait");

    let r = sign_up(&app, "Marie\r\nBcc: tous@exemple.org", "marie@exemple.org", 3).await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("Une seule ligne"));
}

/// Item 15: signing up with an address that already has an account answers exactly as a new sign-up
/// does; the address's owner is told by e-mail, and nothing is created.
#[tokio::test]
async fn sign_up_does_not_tell_who_has_an_account() {
    let app = TestApp::spawn().await;
    app.account("marie@exemple.org", AccountRole::ProgramOfficer, None).await;
    let answer = |r: reqwest::Response| {
        (r.status().as_u16(), r.headers().get("location").map(|l| l.to_str().unwrap().to_string()))
    };
    let known = answer(sign_up(&app, "Marie", "marie@exemple.org", 1).await);
    let new = answer(sign_up(&app, "Marie", "luc@exemple.org", 2).await);
    assert_eq!(known, new, "the same answer");
    assert_eq!(known, (303, Some("/signup/done".to_string())));
    assert_eq!(app.db().organisms(0, 10).await.unwrap().len(), 1, "nothing created for the known address");
    let told = app.db().mail_to("marie@exemple.org").await.unwrap();
    assert!(told[0].subject.contains("inscription avec votre adresse"), "{told:?}");

    // Issue 22, item 10: the two-request probe (a new NEQ with the address, then the same NEQ with
    // another) answered 409 when the first had created the organism, so when the address had no account.
    let probed = answer(sign_up(&app, "Sonde", "sonde@exemple.org", 3).await);
    let again = answer(sign_up(&app, "Autre", "autre@exemple.org", 3).await);
    assert_eq!((probed.clone(), again), (probed.clone(), probed), "a known NEQ answers as a new sign-up");
    assert_eq!(app.db().organisms(0, 10).await.unwrap().len(), 2, "nothing created for the known NEQ");
    let told = app.db().mail_to("autre@exemple.org").await.unwrap();
    assert!(told[0].body.contains("déjà inscrit") && told[0].body.contains(&neq(3)), "{told:?}");
}

/// Item 19: octroi's files are its user's alone; HSTS when served over https.
#[tokio::test]
async fn files_are_private_and_https_is_strict() {
    let app = TestApp::spawn_with(
        |c| c.public_url = Some("https://octroi.example".into()),
        octroi::server::Limits::default(),
    )
    .await;
    let r = app.client.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(r.headers()["strict-transport-security"], "max-age=31536000; includeSubDomains");
    use std::os::unix::fs::PermissionsExt;
    let outbox = app.database.dir.path().join("outbox");
    assert_eq!(std::fs::metadata(&outbox).unwrap().permissions().mode() & 0o777, 0o700);
    if app.database.backend == octroi::storage::Backend::Sqlite {
        let file = app.database.dir.path().join("octroi.db");
        assert_eq!(std::fs::metadata(&file).unwrap().permissions().mode() & 0o777, 0o600);
    }
    let plain = TestApp::spawn().await;
    let r = plain.client.get(plain.url("/healthz")).send().await.unwrap();
    assert!(!r.headers().contains_key("strict-transport-security"));
}
