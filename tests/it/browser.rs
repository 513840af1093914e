//! The applicant's journey in real headless Chromium (Debian's `chromium` and `chromium-driver`), in
//! French, then the same page in English. Where Chromium is not installed the test says so and passes,
//! except when `OCTROI_REQUIRE_BROWSER=1` (as `.ci/run` sets it), where it fails.

use crate::common;

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::GrantId;
use common::{PASSWORD, TestApp};
use fantoccini::{Client, ClientBuilder, Locator};
use octroi::domain::account::AccountRole;
use serde_json::json;

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

async fn browser() -> Option<(Client, Driver, tempfile::TempDir)> {
    let installed = std::path::Path::new(CHROMIUM).exists() && std::path::Path::new(CHROMEDRIVER).exists();
    if !installed {
        assert!(
            std::env::var("OCTROI_REQUIRE_BROWSER").is_err(),
            "OCTROI_REQUIRE_BROWSER is set but Chromium or chromedriver is missing (apt-get install chromium chromium-driver)"
        );
        eprintln!("browser test not run: install chromium and chromium-driver to run it");
        return None;
    }
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let driver = Driver(
        Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let profile = tempfile::tempdir().unwrap();
    let capabilities = json!({
        "browserName": "chrome",
        "goog:chromeOptions": {
            "binary": CHROMIUM,
            "args": [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--no-first-run", "--disable-dev-shm-usage", "--disable-sync",
                "--window-size=1200,1000", format!("--user-data-dir={}", profile.path().display()),
            ]
        }
    });
    let capabilities: fantoccini::wd::Capabilities = capabilities.as_object().unwrap().clone();
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        match ClientBuilder::new(connector)
            .capabilities(capabilities.clone())
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
        {
            Ok(client) => return Some((client, driver, profile)),
            Err(e) if Instant::now() > deadline => panic!("chromedriver did not start: {e}"),
            Err(_) => tokio::time::sleep(Duration::from_millis(200)).await,
        }
    }
}

async fn fill(c: &Client, id: &str, text: &str) {
    let input = c.find(Locator::Id(id)).await.unwrap_or_else(|e| panic!("#{id}: {e}"));
    input.clear().await.unwrap();
    input.send_keys(text).await.unwrap();
}

async fn click(c: &Client, css: &str) {
    c.find(Locator::Css(css)).await.unwrap_or_else(|e| panic!("{css}: {e}")).click().await.unwrap();
}

async fn value(c: &Client, id: &str) -> String {
    c.find(Locator::Id(id)).await.unwrap().prop("value").await.unwrap().unwrap_or_default()
}

/// A Chrome DevTools command, through chromedriver (`goog/cdp/execute`).
#[derive(Debug)]
struct Cdp(serde_json::Value);

impl fantoccini::wd::WebDriverCompatibleCommand for Cdp {
    fn endpoint(&self, base: &url::Url, session: Option<&str>) -> Result<url::Url, url::ParseError> {
        base.join(&format!("session/{}/goog/cdp/execute", session.unwrap_or_default()))
    }

    fn method_and_body(&self, _: &url::Url) -> (axum::http::Method, Option<String>) {
        (axum::http::Method::POST, Some(self.0.to_string()))
    }
}

/// axe-core, fetched by `.ci/run` from npm into `target/axe/axe.min.js` (or `OCTROI_AXE_JS`).
fn axe_source() -> Option<&'static str> {
    static AXE: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();
    AXE.get_or_init(|| {
        let path = std::env::var("OCTROI_AXE_JS")
            .map(std::path::PathBuf::from)
            .unwrap_or_else(|_| common::manifest_dir().join("target/axe/axe.min.js"));
        std::fs::read_to_string(path).ok()
    })
    .as_deref()
}

/// Every page a journey shows is checked once (by its address): axe-core finds no WCAG 2.2 A or AA
/// violation, and at 375 px wide nothing scrolls sideways.
async fn check_page(c: &Client) {
    let url = c.current_url().await.unwrap();
    let key = format!("{}{}", url.path(), url.query().map(|q| format!("?{q}")).unwrap_or_default());
    static SEEN: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());
    {
        let mut seen = SEEN.lock().unwrap();
        if seen.contains(&key) {
            return;
        }
        seen.push(key.clone());
    }
    let Some(axe) = axe_source() else {
        assert!(
            std::env::var("OCTROI_REQUIRE_BROWSER").is_err(),
            "OCTROI_REQUIRE_BROWSER is set but axe-core is missing (target/axe/axe.min.js, fetched by .ci/run)"
        );
        return;
    };
    c.execute(axe, vec![]).await.unwrap();
    let violations = c
        .execute_async(
            r#"const done = arguments[arguments.length - 1];
            axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] } })
              .then(r => done(r.violations.map(v => v.id + ' (' + v.impact + '): ' + v.help + ' — '
                + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '))))
              .catch(e => done(['axe failed: ' + e]));"#,
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(violations, json!([]), "axe-core on {key}");
    let phone = json!({ "cmd": "Emulation.setDeviceMetricsOverride",
        "params": { "width": 375, "height": 800, "deviceScaleFactor": 1, "mobile": false } });
    c.issue_cmd(Cdp(phone)).await.unwrap();
    let widths = c
        .execute(
            r#"const wide = [...document.querySelectorAll('body *')]
                .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1 && !e.closest('.scroll'))
                .slice(0, 3).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right));
            return [document.documentElement.scrollWidth, window.innerWidth, wide];"#,
            vec![],
        )
        .await
        .unwrap();
    c.issue_cmd(Cdp(json!({ "cmd": "Emulation.clearDeviceMetricsOverride", "params": {} }))).await.unwrap();
    assert!(widths[0].as_i64() <= widths[1].as_i64(), "{key} scrolls sideways at 375 px: {widths}");
}

async fn body(c: &Client) -> String {
    c.find(Locator::Css("body")).await.unwrap().text().await.unwrap()
}

/// Waits until the page shows `text` (a click only starts the navigation), and returns the page's text.
async fn wait_text(c: &Client, text: &str) -> String {
    // WebDriver gives a no-break space as a plain one (a narrow one as itself): the text is compared as
    // it shows it.
    let text = &text.replace('\u{a0}', " ");
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let page = c.find(Locator::Css("body")).await.ok();
        let shown = match page {
            Some(b) => b.text().await.unwrap_or_default(),
            None => String::new(),
        };
        if shown.contains(text) {
            check_page(c).await;
            return shown;
        }
        assert!(Instant::now() < deadline, "the page never showed {text:?}; it shows:\n{shown}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_organism_signs_up_applies_and_follows_its_application_in_french_then_english() {
    let Some((c, _driver, _profile)) = browser().await else { return };
    let app = TestApp::spawn().await;
    let base = app.address.clone();

    // Sign up the organism and its first member.
    c.goto(&format!("{base}/signup")).await.unwrap();
    assert_eq!(c.find(Locator::Css("h1")).await.unwrap().text().await.unwrap(), "Inscrire un organisme");
    for (id, text) in [
        ("f-legal_name", "Cuisine collective d'Hochelaga"),
        ("f-neq", "1143356789"),
        ("f-street_address", "1945, rue Ontario Est"),
        ("f-city", "Montréal"),
        ("f-postal_code", "H2K 1V2"),
        ("f-contact_email", "info@cuisine-hochelaga.org"),
        ("f-mission_summary", "Sécurité alimentaire et lutte contre l'isolement."),
        ("f-display_name", "Marie Tremblay"),
        ("f-email", "marie@cuisine-hochelaga.org"),
        ("f-password", PASSWORD),
        ("f-password_confirm", PASSWORD),
    ] {
        fill(&c, id, text).await;
    }
    c.find(Locator::Id("f-region")).await.unwrap().select_by_value("06").await.unwrap();
    click(&c, "main form button[type=submit]").await;
    // Signed up: the same answer whoever owns the address, then the usual sign-in.
    wait_text(&c, "Inscription reçue").await;
    wait_text(&c, "deux évaluatrices ou évaluateurs").await;
    click(&c, "main a[href='/login']").await;
    fill(&c, "f-email", "marie@cuisine-hochelaga.org").await;
    fill(&c, "f-password", PASSWORD).await;
    click(&c, "main form button[type=submit]").await;
    wait_text(&c, "Commencer une demande de bourse").await;
    assert!(c.current_url().await.unwrap().path().ends_with("/dashboard"));

    // Start an application and send it once with an error: the error is shown next to its field, in
    // French, and what was typed is still there.
    click(&c, "main form[action='/grants/new'] button").await;
    wait_text(&c, "Demande de bourse DATAide").await;
    fill(&c, "f-title", "Virage numérique de la cuisine").await;
    fill(&c, "f-needs_assessment", "Nos trois postes ont dix ans; les inscriptions se font sur papier.").await;
    fill(&c, "f-project_description", "Remplacer les postes et adopter un logiciel d'inscription.").await;
    fill(&c, "f-lines-0-description", "Ordinateur portable 14 po").await;
    fill(&c, "f-lines-0-quantity", "3").await;
    fill(&c, "f-lines-0-unit_price", "1 099,999").await;
    fill(&c, "f-requested_coaching_hours", "6,5").await;
    fill(&c, "f-contact_name", "Marie Tremblay").await;
    click(&c, "button[value=save]").await;
    // The rest of the draft is saved; the page says what was not, and keeps what was typed.
    let text = wait_text(&c, "Brouillon enregistré, sauf ces champs").await;
    assert!(text.contains("Au plus deux décimales."), "{text}");
    assert_eq!(value(&c, "f-title").await, "Virage numérique de la cuisine");
    assert_eq!(value(&c, "f-lines-0-unit_price").await, "1 099,999");

    // Fix it and save the draft.
    fill(&c, "f-lines-0-unit_price", "1 099,99").await;
    click(&c, "button[value=save]").await;
    wait_text(&c, "Brouillon enregistré.").await;
    let edit_url = c.current_url().await.unwrap();

    // Sign out and in again: the draft is still there.
    click(&c, "header form[action='/logout'] button").await;
    wait_text(&c, "Mot de passe oublié\u{202f}?").await;
    assert!(c.current_url().await.unwrap().path().ends_with("/login"));
    fill(&c, "f-email", "marie@cuisine-hochelaga.org").await;
    fill(&c, "f-password", PASSWORD).await;
    click(&c, "main form button[type=submit]").await;
    wait_text(&c, "Virage numérique de la cuisine").await;
    c.goto(edit_url.as_str()).await.unwrap();
    assert_eq!(value(&c, "f-lines-0-unit_price").await, "1\u{a0}099,99", "as a French page writes it");

    // Submitting without the contact's e-mail is refused with the field named; with it, it goes through.
    click(&c, "button[value=send]").await;
    wait_text(&c, "Ce champ est obligatoire.").await;
    fill(&c, "f-contact_email", "marie@cuisine-hochelaga.org").await;
    click(&c, "button[value=send]").await;
    // The whole application to review; the attestation is asked for before it goes.
    wait_text(&c, "Vérifier et soumettre la demande").await;
    click(&c, "main form[action$='/submit'] button[type=submit]").await;
    wait_text(&c, "Attestation\u{a0}: Ce champ est obligatoire.").await;
    click(&c, "#f-attest").await;
    click(&c, "main form[action$='/submit'] button[type=submit]").await;
    wait_text(&c, "Historique").await;
    let status = c.find(Locator::Id("grant-state")).await.unwrap().text().await.unwrap();
    assert_eq!(status, "Soumise");
    let text = body(&c).await;
    assert!(text.contains("Historique") && text.contains("Soumission"), "{text}");
    assert!(text.contains("3 299,97 $"), "the amount in the fr-CA format: {text}");
    let status_url = c.current_url().await.unwrap();

    // The switch shows the same page in English, and is remembered.
    click(&c, "form.lang button").await;
    wait_text(&c, "History").await;
    assert_eq!(c.current_url().await.unwrap().path(), status_url.path(), "the same page (its notice said once)");
    assert_eq!(c.find(Locator::Id("grant-state")).await.unwrap().text().await.unwrap(), "Submitted");
    let text = body(&c).await;
    assert!(text.contains("History") && text.contains("$3,299.97"), "{text}");
    c.goto(&format!("{base}/dashboard")).await.unwrap();
    wait_text(&c, "Applications").await;
    c.close().await.unwrap();
}

async fn sign_in(c: &Client, base: &str, email: &str) {
    c.goto(&format!("{base}/login")).await.unwrap();
    fill(c, "f-email", email).await;
    fill(c, "f-password", PASSWORD).await;
    click(c, "main form button[type=submit]").await;
    wait_text(c, "Tableau de bord").await;
}

async fn sign_out(c: &Client) {
    click(c, "header form[action='/logout'] button").await;
    wait_text(c, "Mot de passe oublié\u{202f}?").await;
}

/// Two reviewers score an application from their queue, the program officer decides from the decision
/// queue, and the applicant sees the outcome in French.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reviewers_score_the_officer_approves_and_the_applicant_sees_it_in_french() {
    let Some((c, _driver, _profile)) = browser().await else { return };
    let app = TestApp::spawn().await;
    let base = app.address.clone();
    let grant = app.complete_draft(&common::neq(1)).await;
    let organism = app.db().grant(grant).await.unwrap().organism_id;
    app.account("marie@test.org", AccountRole::Member, Some(organism)).await;
    assert_eq!(app.fire(grant, "submit", 1, "applicant").await.status(), 200);
    app.account("agente@test.org", AccountRole::ProgramOfficer, None).await;
    app.account("alice@test.org", AccountRole::Reviewer, None).await;
    app.account("bruno@test.org", AccountRole::Reviewer, None).await;

    // The officer finds it in the screening queue, reads the eligibility and sends it to review.
    sign_in(&c, &base, "agente@test.org").await;
    click(&c, "header a[href='/queues/screening']").await;
    wait_text(&c, "Virage numérique de la cuisine collective").await;
    click(&c, &format!("a[href='/grants/{grant}/manage']")).await;
    let text = wait_text(&c, "Admissibilité").await;
    assert!(text.contains("Respectée"), "{text}");
    click(&c, "button[value=send_to_review]").await;
    wait_text(&c, "Décision enregistrée.").await;
    sign_out(&c).await;

    // Each reviewer scores from their own queue.
    for (email, scores, comment) in [
        ("alice@test.org", ["5", "4", "4", "3"], "Besoin clair."),
        ("bruno@test.org", ["3", "3", "2", "4"], "Budget à préciser."),
    ] {
        sign_in(&c, &base, email).await;
        click(&c, "header a[href='/queues/my-reviews']").await;
        wait_text(&c, "Virage numérique de la cuisine collective").await;
        click(&c, &format!("a[href='/grants/{grant}/review']")).await;
        wait_text(&c, "Votre évaluation").await;
        for (criterion, score) in ["need", "mission", "feasibility", "sustainability"].iter().zip(scores) {
            click(&c, &format!("input[name='score.{criterion}'][value='{score}']")).await;
        }
        click(&c, "input[name=recommendation][value=approve]").await;
        fill(&c, "f-comment", comment).await;
        click(&c, "main form[action$='/review'] button[type=submit]").await;
        let text = wait_text(&c, "Évaluation remise. Merci\u{202f}!").await;
        assert!(text.contains(comment), "one's own review shows: {text}");
        sign_out(&c).await;
    }

    // Both reviews in: the application waits in the decision queue; the officer approves as proposed.
    sign_in(&c, &base, "agente@test.org").await;
    click(&c, "header a[href='/queues/decision']").await;
    let text = wait_text(&c, "Virage numérique de la cuisine collective").await;
    assert!(text.contains("3,52"), "the mean score: {text}");
    click(&c, &format!("a[href='/grants/{grant}/manage']")).await;
    let text = wait_text(&c, "Besoin clair.").await;
    assert!(text.contains("Budget à préciser."), "the reviews side by side: {text}");
    click(&c, "button[value=approve]").await;
    wait_text(&c, "Décision enregistrée.").await;
    sign_out(&c).await;

    // The applicant sees the outcome, in French.
    sign_in(&c, &base, "marie@test.org").await;
    click(&c, &format!("a[href='/grants/{grant}']")).await;
    wait_text(&c, "Historique").await;
    assert_eq!(c.find(Locator::Id("grant-state")).await.unwrap().text().await.unwrap(), "Approuvée");
    assert!(body(&c).await.contains("Approbation"));
    c.close().await.unwrap();
}

/// The issue's "done when", in the browser: from the demo program a program officer previews and awards
/// an approved grant, a member of the organism downloads the French letter (the bytes the browser
/// receives are a correct PDF) and accepts it, finance sees the envelopes' balances change to the cent,
/// and the ledger agrees with itself.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_officer_awards_the_member_accepts_and_finance_sees_the_balances() {
    use octroi::domain::{Language, Money};
    use octroi::i18n::money;

    let Some((c, _driver, _profile)) = browser().await else { return };
    let app = TestApp::spawn().await;
    let base = app.address.clone();
    octroi::demo::load(&app.state).await.unwrap();
    let db = app.db();
    let grant: GrantId =
        sqlx::query_scalar("SELECT MIN(id) FROM grants WHERE state = 'approved'").fetch_one(db.pool()).await.unwrap();
    let g = db.grant(grant).await.unwrap();
    let organism = db.organism(g.organism_id).await.unwrap();
    let proposal = g.proposal().unwrap();
    app.account("agente.test@test.org", AccountRole::ProgramOfficer, None).await;
    app.account("signataire@test.org", AccountRole::Member, Some(g.organism_id)).await;
    app.account("finances.test@test.org", AccountRole::Finance, None).await;
    let before = db.ledger_balances().await.unwrap();

    // The officer previews the split across envelopes, then confirms.
    sign_in(&c, &base, "agente.test@test.org").await;
    c.goto(&format!("{base}/grants/{grant}/manage")).await.unwrap();
    wait_text(&c, "Octroyer la bourse").await;
    let french = proposal.equipment.written(octroi::domain::NumberStyle::French);
    assert_eq!(value(&c, "f-award-equipment").await, french, "prefilled as approved, as a French page writes it");
    click(&c, "form#award button[value=preview]").await;
    let text = wait_text(&c, "Répartition entre les enveloppes").await;
    assert!(text.contains("FQIS"), "{text}");
    click(&c, "form#award button[value=confirm]").await;
    wait_text(&c, "Bourse octroyée\u{a0}: les fonds sont engagés.").await;
    sign_out(&c).await;
    let awarded = db.grant(grant).await.unwrap();
    assert_eq!(awarded.state, "awarded");

    // The member downloads the letter from the grant's page, as the browser receives it, and accepts it.
    sign_in(&c, &base, "signataire@test.org").await;
    c.goto(&format!("{base}/grants/{grant}")).await.unwrap();
    wait_text(&c, "Accepter la lettre d'octroi").await;
    let link = c.find(Locator::Css("a[href$='/letter.pdf']")).await.unwrap();
    let href = link.attr("href").await.unwrap().unwrap();
    let bytes = c
        .execute_async(
            "const done = arguments[arguments.length - 1];
             fetch(arguments[0]).then(r => r.arrayBuffer()).then(b => done(Array.from(new Uint8Array(b))));",
            vec![json!(href)],
        )
        .await
        .unwrap();
    let pdf: Vec<u8> = serde_json::from_value(bytes).unwrap();
    assert_eq!(Some(octroi::domain::sha256_hex(&pdf)), awarded.letter_sha256, "the letter recorded at award time");
    let parsed = printpdf::PdfDocument::parse(&pdf, &printpdf::PdfParseOptions::default(), &mut Vec::new()).unwrap();
    let text = parsed.extract_text().concat().join("\n");
    for expected in [
        organism.legal_name.clone(),
        format!("NEQ\u{a0}{}", organism.neq),
        format!("Matériel informatique\n{}", money(Language::Fr, proposal.equipment)),
        "Dépenses admissibles".to_string(),
    ] {
        assert!(text.contains(&expected), "{expected:?} missing from the letter:\n{text}");
    }
    fill(&c, "f-signer_title", "Trésorière").await;
    click(&c, "#f-accept_conditions").await;
    click(&c, "form#accept button[type=submit]").await;
    let text = wait_text(&c, "Lettre acceptée\u{a0}: la bourse est active.").await;
    assert!(text.contains("Trésorière"), "{text}");
    assert_eq!(c.find(Locator::Id("grant-state")).await.unwrap().text().await.unwrap(), "En cours");
    sign_out(&c).await;

    // Finance sees each envelope's commitments grow by exactly what the award committed there.
    sign_in(&c, &base, "finances.test@test.org").await;
    click(&c, "header a[href='/finance']").await;
    let text = wait_text(&c, "Enveloppes et grand livre").await;
    let after = db.ledger_balances().await.unwrap();
    let mut moved = 0;
    for (key, b) in &after {
        let grew = b.committed - before[key].committed;
        let awarded_here: i64 = db
            .ledger_entries_of(grant)
            .await
            .unwrap()
            .iter()
            .filter(|e| (e.account.envelope.clone(), e.account.fiscal_year.clone()) == *key)
            .map(|e| e.amount.cents())
            .sum();
        assert_eq!(grew, awarded_here, "{key:?}");
        moved += grew;
        // The row as the page shows it (the browser reads the no-break spaces as spaces).
        let m = |cents: i64| money(Language::Fr, Money::from_cents(cents));
        let row =
            format!("{} {} {} {} {} {}", key.0, key.1, m(b.allocated), m(b.committed), m(b.spent), m(b.available()));
        let row = row.replace('\u{a0}', " ");
        assert!(text.replace('\u{a0}', " ").contains(&row), "{row:?} not shown:\n{text}");
    }
    let whole = octroi::domain::award::AwardAmounts {
        equipment: awarded.awarded_equipment.unwrap(),
        software: awarded.awarded_software.unwrap(),
        coaching_hours: awarded.awarded_coaching.unwrap(),
    };
    assert_eq!(moved, whole.total(app.state.program.coaching_hourly_rate).cents(), "not a cent more or less");
    assert_eq!(db.ledger_verify().await.unwrap(), Vec::<String>::new());
    c.close().await.unwrap();
}

/// Staff find an application by its organism's NEQ and by a name typed without its accents, sort the list
/// by amount, page through it, and find the approved application waiting in the award queue.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staff_search_sort_and_page_the_list_and_find_the_award_queue() {
    let Some((c, _driver, _profile)) = browser().await else { return };
    let app = TestApp::spawn().await;
    let base = app.address.clone();
    let mut grants = Vec::new();
    for n in 1..=3 {
        grants.push(app.grant_in(n, "submitted").await);
    }
    let approved = app.grant_in(4, "approved").await;
    let name = "Écoute Entraide Montérégie";
    sqlx::query("UPDATE organisms SET legal_name = $1, search_name = $2 WHERE id = $3")
        .bind(name)
        .bind(octroi::domain::text::fold(name))
        .bind(grants[0].organism_id)
        .execute(app.db().pool())
        .await
        .unwrap();
    app.account("agente@test.org", AccountRole::ProgramOfficer, None).await;
    sign_in(&c, &base, "agente@test.org").await;
    let rows = async |c: &Client| c.find_all(Locator::Css("table.queue tbody tr")).await.unwrap().len();

    // By NEQ: the one organism.
    click(&c, "header a[href='/queues/all']").await;
    wait_text(&c, "Toutes les demandes").await;
    let neq = app.db().organism(grants[1].organism_id).await.unwrap().neq.to_string();
    fill(&c, "f-q", &neq).await;
    click(&c, "form.filters button[type=submit]").await;
    wait_text(&c, &format!("NEQ {neq}")).await;
    assert_eq!(rows(&c).await, 1);
    // By a name typed without accents nor capitals.
    fill(&c, "f-q", "ecoute entraide").await;
    click(&c, "form.filters button[type=submit]").await;
    let text = wait_text(&c, name).await;
    assert_eq!(rows(&c).await, 1, "{text}");

    // Sorted by amount, largest first, from the column's header.
    c.goto(&format!("{base}/queues/all")).await.unwrap();
    click(&c, "th a[href*='sort=amount']").await;
    wait_text(&c, "Toutes les demandes").await;
    let sorted = c.find(Locator::Css("th[aria-sort]")).await.unwrap();
    assert_eq!(sorted.attr("aria-sort").await.unwrap().as_deref(), Some("descending"));
    assert!(sorted.text().await.unwrap().contains("Montant"));
    // Two a page: the next page keeps the size and the sort.
    c.goto(&format!("{base}/queues/all?sort=amount&per_page=2")).await.unwrap();
    wait_text(&c, "Page 1 / 2").await;
    assert_eq!(rows(&c).await, 2);
    click(&c, "nav.pages a[rel=next]").await;
    wait_text(&c, "Page 2 / 2").await;
    assert_eq!(rows(&c).await, 2);
    assert!(c.current_url().await.unwrap().query().unwrap().contains("sort=amount"));

    // The approved application waits in the award queue.
    click(&c, "header a[href='/queues/award']").await;
    wait_text(&c, "À octroyer").await;
    assert_eq!(rows(&c).await, 1);
    c.find(Locator::Css(&format!("table.queue a[href='/grants/{}/manage']", approved.id))).await.unwrap();
}

/// A member is told of two mistakes in two lines, each named with its line; deletes a draft after
/// confirming; and withdraws a submitted application after a page that says what withdrawing does.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_member_fixes_two_lines_deletes_a_draft_and_withdraws_after_confirming() {
    let Some((c, _driver, _profile)) = browser().await else { return };
    let app = TestApp::spawn().await;
    let base = app.address.clone();
    let draft = app.complete_draft(&common::neq(1)).await;
    let organism = app.db().grant(draft).await.unwrap().organism_id;
    app.account("marie@test.org", AccountRole::Member, Some(organism)).await;
    sign_in(&c, &base, "marie@test.org").await;

    // Two lines wrong: the summary names each with its line, in the form's order.
    c.goto(&format!("{base}/grants/{draft}/edit")).await.unwrap();
    wait_text(&c, "Matériel et logiciels").await;
    fill(&c, "f-lines-0-quantity", "deux").await;
    fill(&c, "f-lines-1-description", "Souris sans fil").await;
    fill(&c, "f-lines-1-quantity", "1").await;
    fill(&c, "f-lines-1-unit_price", "douze").await;
    click(&c, "button[value=save]").await;
    let text = wait_text(&c, "Ligne 1 — Quantité").await;
    let summary = c.find(Locator::Css(".error-summary")).await.unwrap().text().await.unwrap();
    let (first, second) = (summary.find("Ligne 1 — Quantité"), summary.find("Ligne 2 — Prix unitaire"));
    assert!(first.is_some() && second.is_some() && first < second, "{summary}");
    for id in ["f-lines-0-quantity", "f-lines-1-unit_price"] {
        let input = c.find(Locator::Id(id)).await.unwrap();
        assert_eq!(input.attr("aria-invalid").await.unwrap().as_deref(), Some("true"), "{id}: {text}");
    }
    assert_eq!(value(&c, "f-lines-1-unit_price").await, "douze", "what was typed is kept");

    // Deleting the draft asks first, then deletes it.
    click(&c, "#delete a").await;
    wait_text(&c, "Cette action est définitive.").await;
    assert!(app.db().grant(draft).await.is_ok(), "asking deletes nothing");
    click(&c, "main form button.danger").await;
    wait_text(&c, "Brouillon supprimé.").await;
    assert!(app.db().grant(draft).await.is_err());
    sign_out(&c).await;

    // Withdrawing a submitted application: a page says what it does; confirmed, it is withdrawn.
    let submitted = app.grant_in(2, "submitted").await;
    sign_in(&c, &base, "membre2@test.org").await;
    c.goto(&format!("{base}/grants/{}", submitted.id)).await.unwrap();
    click(&c, "#withdraw a").await;
    wait_text(&c, "ne peut plus être modifiée").await;
    assert_eq!(app.db().grant(submitted.id).await.unwrap().state, "submitted", "asking withdraws nothing");
    click(&c, "main form button.danger").await;
    wait_text(&c, "Retirée").await;
    assert_eq!(app.db().grant(submitted.id).await.unwrap().state, "withdrawn");
}

/// The conversation's pages pass axe-core and fit a phone: the organism reads the program's question and
/// the answer form with its file field; the officer keeps an internal note.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_question_the_answer_form_and_internal_notes_are_accessible() {
    let Some((c, _driver, _profile)) = browser().await else { return };
    let app = TestApp::spawn().await;
    let base = app.address.clone();
    let grant = app.complete_draft(&common::neq(1)).await;
    let organism = app.db().grant(grant).await.unwrap().organism_id;
    for (event, version, role) in
        [("submit", 1, "applicant"), ("begin_screening", 2, "program_officer"), ("request_info", 3, "program_officer")]
    {
        assert_eq!(app.fire(grant, event, version, role).await.status(), 200, "{event}");
    }
    app.account("marie@test.org", AccountRole::Member, Some(organism)).await;
    app.account("agente@test.org", AccountRole::ProgramOfficer, None).await;
    sign_in(&c, &base, "marie@test.org").await;
    c.goto(&format!("{base}/grants/{grant}")).await.unwrap();
    wait_text(&c, "request_info in a test").await;
    fill(&c, "f-answer", " ").await;
    click(&c, "form#answer button[type=submit]").await;
    wait_text(&c, "Réponse\u{a0}: Ce champ est obligatoire.").await;
    sign_out(&c).await;
    sign_in(&c, &base, "agente@test.org").await;
    c.goto(&format!("{base}/grants/{grant}/manage")).await.unwrap();
    wait_text(&c, "Notes internes").await;
    fill(&c, "f-note", "Rappeler jeudi.").await;
    click(&c, "form[action$='/notes'] button").await;
    wait_text(&c, "Rappeler jeudi.").await;
}

/// The issue's journey, in the browser: a member of an active bourse asks for a laptop of 1 299,00 $ (a
/// quantity of 0 first, refused beside its field) with its two quotes and submits it; the program
/// officer finds it in the purchases queue, sees what the bourse has left beside it and approves it; the
/// member orders it, records its receipt with the serial number and uploads the invoice and the proof of
/// payment; finance reads the three-way match, verifies it, makes a payment run, downloads the bank's
/// file and marks the line paid. The bourse's balance, the finance page and the ledger's CSV then show
/// the exact amounts, and `ledger verify` is clean. Every page passes axe-core and fits a phone.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_laptop_is_requested_approved_received_invoiced_and_paid_in_a_run() {
    let Some((c, _driver, _profile)) = browser().await else { return };
    let app = TestApp::spawn().await;
    let base = app.address.clone();
    let grant = app.grant_in(1, "active").await;
    app.account("agente@test.org", AccountRole::ProgramOfficer, None).await;
    app.account("tresorerie@test.org", AccountRole::Finance, None).await;
    let files = tempfile::tempdir().unwrap();
    let file = |name: &str| {
        let path = files.path().join(name);
        std::fs::write(&path, format!("%PDF-1.4\n% {name}\n")).unwrap();
        path.display().to_string()
    };
    sign_in(&c, &base, "membre1@test.org").await;
    c.goto(&format!("{base}/grants/{}", grant.id)).await.unwrap();
    wait_text(&c, "Achats de la bourse").await;
    click(&c, &format!("a[href='/grants/{}/purchases']", grant.id)).await;
    wait_text(&c, "Ce qui reste de la bourse").await;
    click(&c, &format!("form[action='/grants/{}/purchases'] button", grant.id)).await;
    wait_text(&c, "Fournisseur et raison").await;
    fill(&c, "f-vendor_name", "Coop informatique").await;
    fill(&c, "f-justification", "Notre seul poste a dix ans.").await;
    fill(&c, "f-lines-0-description", "Portable 14 pouces").await;
    fill(&c, "f-lines-0-quantity", "0").await;
    fill(&c, "f-lines-0-unit_price", "1 299,00").await;
    click(&c, "button[value=send]").await;
    wait_text(&c, "Ligne 1 — Quantité").await;
    assert_eq!(value(&c, "f-lines-0-unit_price").await, "1 299,00", "what was typed is kept");
    fill(&c, "f-lines-0-quantity", "1").await;
    click(&c, "button[value=save]").await;
    wait_text(&c, "Demande enregistrée").await;
    let quotes = format!("{}\n{}", file("soumission-coop.pdf"), file("soumission-2.pdf"));
    c.find(Locator::Id("f-documents")).await.unwrap().send_keys(&quotes).await.unwrap();
    click(&c, "form[action$='/documents'] button").await;
    wait_text(&c, "soumission-2.pdf").await;
    click(&c, "button[value=send]").await;
    wait_text(&c, "Votre demande d'achat est envoyée").await;
    let purchase = c.current_url().await.unwrap().path().to_string();
    sign_out(&c).await;
    sign_in(&c, &base, "agente@test.org").await;
    click(&c, "header a[href='/purchases']").await;
    wait_text(&c, "Achats à traiter").await;
    click(&c, "main table a").await;
    // 1 299,00 $ + TPS 64,95 $ + TVQ 129,58 $ − remboursement 97,27 $ = 1 396,26 $.
    let page = wait_text(&c, "Cet achat").await;
    assert!(page.contains("1 396,26 $") && page.contains("2 400,00 $"), "{page}");
    click(&c, "button[value=approve]").await;
    wait_text(&c, "Achat approuvé").await;
    sign_out(&c).await;
    // The member orders, records the receipt with its serial number, uploads the invoice and its proof.
    sign_in(&c, &base, "membre1@test.org").await;
    c.goto(&format!("{base}{purchase}")).await.unwrap();
    wait_text(&c, "J'ai passé la commande").await;
    click(&c, "button[value=order]").await;
    wait_text(&c, "La commande est notée").await;
    fill(&c, "f-lines-0-serials", "PF3X1").await;
    click(&c, "form[action$='/receipts'] button").await;
    wait_text(&c, "La réception est notée").await;
    fill(&c, "f-invoice_number", "F-2026-118").await;
    let today = chrono::Utc::now().date_naive().to_string();
    c.execute("document.getElementById('f-invoice_date').value = arguments[0];", vec![json!(today)]).await.unwrap();
    c.find(Locator::Id("f-invoice_file")).await.unwrap().send_keys(&file("facture.pdf")).await.unwrap();
    c.find(Locator::Id("f-proof_file")).await.unwrap().send_keys(&file("preuve.pdf")).await.unwrap();
    click(&c, "form[action$='/invoices'] button").await;
    wait_text(&c, "La facture est déposée").await;
    sign_out(&c).await;
    // Finance verifies beside the three-way match, pays in a run, downloads the bank's file.
    sign_in(&c, &base, "tresorerie@test.org").await;
    click(&c, "header a[href='/purchases']").await;
    wait_text(&c, "Achats à traiter").await;
    click(&c, "main table a").await;
    let page = wait_text(&c, "Rapprochement").await;
    assert!(page.contains("Facture F-2026-118") && page.contains("Concorde"), "{page}");
    click(&c, "button[value=verify]").await;
    wait_text(&c, "Facture vérifiée").await;
    click(&c, "header a[href='/payments']").await;
    wait_text(&c, "Achats à payer").await;
    click(&c, "form[action='/payments'] button").await;
    let page = wait_text(&c, "Lot de paiement nº").await;
    assert!(page.contains("1 396,26 $"), "{page}");
    let run = c.current_url().await.unwrap().path().to_string();
    let csv = c
        .execute_async(
            "const done = arguments[arguments.length - 1]; fetch(arguments[0]).then(r => r.text()).then(done);",
            vec![json!(format!("{run}/export.csv"))],
        )
        .await
        .unwrap();
    let csv = csv.as_str().unwrap();
    // (fetch's text() drops the byte-order mark; tests/it/purchases.rs reads the file's bytes.)
    assert!(
        csv.starts_with("Bénéficiaire;Montant;Référence;Achat\r\n") && csv.contains(";1396,26;DATAide A-"),
        "{csv}"
    );
    click(&c, "button[value=cleared]").await;
    wait_text(&c, "Ligne notée payée").await;
    // The envelopes and the ledger say what was spent, to the cent.
    click(&c, "header a[href='/finance']").await;
    let page = wait_text(&c, "Enveloppes").await;
    assert!(page.contains("1 396,26 $"), "{page}");
    let ledger = c
        .execute_async(
            "const done = arguments[arguments.length - 1]; fetch('/finance/ledger.csv').then(r => r.text()).then(done);",
            vec![],
        )
        .await
        .unwrap();
    assert!(ledger.as_str().unwrap().contains(";1396,26;"), "{ledger}");
    sign_out(&c).await;
    // The member sees what the bourse has left, and the laptop in the asset register.
    sign_in(&c, &base, "membre1@test.org").await;
    c.goto(&format!("{base}/grants/{}/purchases", grant.id)).await.unwrap();
    let page = wait_text(&c, "Registre des actifs").await;
    assert!(page.contains("PF3X1") && page.contains("1 003,74 $") && page.contains("Payé"), "{page}");
    assert_eq!(app.db().ledger_verify_against(&app.state.program).await.unwrap(), Vec::<String>::new());
}
