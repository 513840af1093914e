//! What the integration tests share: a fresh database on the backend under test, and `TestApp`, the real
//! application on port 0.
//!
//! The backend comes from `OCTROI_TEST_DATABASE_URL`: unset, each test gets its own SQLite file; a
//! `postgres://` URL (a database made fresh for the run, as `.ci/run` does) gives each test its own
//! schema in it, dropped when the test ends.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Mutex;

use octroi::config::Config;
use octroi::domain::account::AccountRole;
use octroi::domain::{Email, Language};
pub use octroi::domain::{GrantId, OrganismId, UserId};
use octroi::storage::accounts::NewUser;
use octroi::storage::{Backend, Db, SqliteSync};
use octroi::{App, AppState};
use serde_json::{Value, json};
use tokio::sync::oneshot;

pub fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A database of the test's own; the SQLite file or the PostgreSQL schema goes when this is dropped.
pub struct TestDatabase {
    pub url: String,
    pub backend: Backend,
    pub dir: tempfile::TempDir,
    schema: Option<(String, String)>,
}

impl TestDatabase {
    pub async fn new() -> TestDatabase {
        let dir = tempfile::tempdir().expect("a temporary folder");
        match std::env::var("OCTROI_TEST_DATABASE_URL").ok().filter(|u| !u.is_empty()) {
            Some(base) if base.starts_with("postgres") => {
                let schema = format!("t_{}", uuid::Uuid::new_v4().simple());
                let admin = Db::connect(&base, SqliteSync::Full).await.expect("the PostgreSQL test database");
                sqlx::query(&format!("CREATE SCHEMA {schema}")).execute(admin.pool()).await.expect("create schema");
                admin.close().await;
                let sep = if base.contains('?') { '&' } else { '?' };
                // The test's connections carry its schema's name, so that the end of the test can find them.
                let url = format!("{base}{sep}options=-c%20search_path%3D{schema}%20-c%20application_name%3D{schema}");
                TestDatabase { url, backend: Backend::Postgres, dir, schema: Some((base, schema)) }
            }
            _ => {
                let url = format!("sqlite://{}", dir.path().join("octroi.db").display());
                TestDatabase { url, backend: Backend::Sqlite, dir, schema: None }
            }
        }
    }

    /// A connected, migrated handle on this database.
    pub async fn db(&self) -> Db {
        let db = Db::connect(&self.url, SqliteSync::Full).await.expect("connect");
        db.migrate().await.expect("migrate");
        db
    }

    pub fn config(&self) -> Config {
        Config {
            addr: "127.0.0.1:0".parse().unwrap(),
            database_url: self.url.clone(),
            data_dir: self.dir.path().to_path_buf(),
            workflows_dir: manifest_dir().join("workflows"),
            policies_dir: manifest_dir().join("policies"),
            sqlite_synchronous: SqliteSync::Full,
            public_url: None,
            smtp_url: None,
            documents_url: format!("file://{}", self.dir.path().join("documents").display()),
            trusted_proxies: Vec::new(),
        }
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if let Some((base, schema)) = self.schema.take() {
            // Drop runs outside any runtime the test may still be shutting down: use a thread of its own.
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
                rt.block_on(async {
                    if let Ok(admin) = Db::connect(&base, SqliteSync::Full).await {
                        // A task of the test's runtime stopped mid-transaction when the test ended leaves
                        // its connection idle in that transaction, holding locks the DROP would wait on
                        // for ever: end the test's own connections first.
                        let _ = sqlx::query(
                            "SELECT pg_terminate_backend(pid)::text FROM pg_stat_activity WHERE application_name = $1",
                        )
                        .bind(&schema)
                        .fetch_all(admin.pool())
                        .await;
                        let _ = sqlx::query(&format!("DROP SCHEMA {schema} CASCADE")).execute(admin.pool()).await;
                        admin.close().await;
                    }
                });
            })
            .join();
        }
    }
}

/// The application, serving on port 0 with a database of its own.
/// A staff account straight in storage (no password use); returns its id.
pub async fn staff(db: &Db, email: &str, role: AccountRole) -> UserId {
    let user = NewUser {
        email: Email::parse(email).unwrap(),
        display_name: email.split('@').next().unwrap().to_string(),
        role,
        organism_id: None,
        password_hash: "unused".into(),
        must_change_password: false,
        language: Language::Fr,
    };
    db.create_user(user).await.unwrap().id
}

/// The assignment e-mail, plain.
pub fn mail() -> octroi::storage::outbox::AssignmentMail {
    std::sync::Arc::new(|to, id, title| octroi::storage::outbox::Mail {
        to: to.email.clone(),
        subject: format!("review {id}"),
        body: title.to_string(),
    })
}

/// A review with the same score on every criterion of `policies/rubric.toml`.
pub fn review(score: i64) -> octroi::storage::review::NewReview {
    let scores: std::collections::BTreeMap<String, i64> =
        ["need", "mission", "feasibility", "sustainability"].iter().map(|c| (c.to_string(), score)).collect();
    octroi::storage::review::NewReview {
        scores,
        weighted: rust_decimal::Decimal::from(score),
        comment: "Solide.".into(),
        recommendation: "approve".into(),
    }
}

pub fn proposal() -> octroi::storage::grants::Proposal {
    octroi::storage::grants::Proposal {
        equipment: octroi::domain::Money::parse("2400.00").unwrap(),
        software: octroi::domain::Money::parse("199.99").unwrap(),
        coaching_hours: octroi::domain::Hours::parse("6").unwrap(),
    }
}

pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub state: AppState,
    pub database: TestDatabase,
    /// API tokens by "role" or "member:ORGANISM", created on first use.
    tokens: Mutex<HashMap<String, String>>,
    stop: Option<oneshot::Sender<()>>,
    server: Option<tokio::task::JoinHandle<()>>,
}

impl TestApp {
    pub async fn spawn() -> TestApp {
        TestApp::spawn_with(|_| {}, octroi::server::Limits::default()).await
    }

    /// The application with its configuration changed by `configure` and the server's limits.
    pub async fn spawn_with(configure: impl FnOnce(&mut Config), limits: octroi::server::Limits) -> TestApp {
        let database = TestDatabase::new().await;
        let mut config = database.config();
        configure(&mut config);
        let app = App::build(config).await.expect("the app starts").with_limits(limits);
        let address = format!("http://{}", app.local_addr());
        let state = app.state().clone();
        let (stop, stopped) = oneshot::channel::<()>();
        let server = tokio::spawn(async move {
            app.run(async {
                let _ = stopped.await;
            })
            .await
            .expect("the server runs");
        });
        TestApp {
            address,
            client: reqwest::Client::new(),
            state,
            database,
            tokens: Mutex::new(HashMap::new()),
            stop: Some(stop),
            server: Some(server),
        }
    }

    /// Creates an account (password "correct horse battery") and returns its id.
    pub async fn account(&self, email: &str, role: AccountRole, organism: Option<OrganismId>) -> UserId {
        let user = self
            .db()
            .create_user(NewUser {
                email: Email::parse(email).unwrap(),
                display_name: email.split('@').next().unwrap().to_string(),
                role,
                organism_id: organism,
                password_hash: octroi::passwords::hash(PASSWORD).await.unwrap(),
                must_change_password: false,
                language: Language::Fr,
            })
            .await
            .unwrap();
        user.id
    }

    /// A personal API token for an account.
    pub async fn token_of(&self, user_id: UserId) -> String {
        let token = format!("oct_{}", octroi::passwords::random_token());
        self.db().create_token(user_id, "test", octroi::passwords::token_hash(&token)).await.unwrap();
        token
    }

    /// A token for a staff role (one account per role), or for a member of an organism.
    pub async fn token(&self, key: &str) -> String {
        if let Some(t) = self.tokens.lock().unwrap().get(key) {
            return t.clone();
        }
        let user = match key.split_once(':') {
            Some(("member", organism)) => {
                let organism: OrganismId = organism.parse().unwrap();
                self.account(&format!("member{organism}@test.org"), AccountRole::Member, Some(organism)).await
            }
            _ => {
                let role = AccountRole::parse(key).unwrap_or_else(|| panic!("unknown role {key}"));
                self.account(&format!("{key}@test.org"), role, None).await
            }
        };
        let token = self.token_of(user).await;
        self.tokens.lock().unwrap().insert(key.to_string(), token.clone());
        token
    }

    pub async fn member_token(&self, organism: OrganismId) -> String {
        self.token(&format!("member:{organism}")).await
    }

    /// Assigns a reviewer as a program officer would (the conflict rule applies).
    pub async fn assign(&self, grant: GrantId, reviewer: UserId) -> Result<(), octroi::storage::StorageError> {
        self.db().assign_reviewer(grant, reviewer, octroi::app::assignment_mail(&self.state)).await
    }

    pub fn db(&self) -> &Db {
        &self.state.db
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    /// GET as a program officer.
    pub async fn get(&self, path: &str) -> reqwest::Response {
        let token = self.token("program_officer").await;
        self.client.get(self.url(path)).bearer_auth(token).send().await.expect("request")
    }

    /// POST as a program officer.
    pub async fn post(&self, path: &str, body: &Value) -> reqwest::Response {
        let token = self.token("program_officer").await;
        self.post_as(&token, path, body).await
    }

    pub async fn get_as(&self, token: &str, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).bearer_auth(token).send().await.expect("request")
    }

    pub async fn post_as(&self, token: &str, path: &str, body: &Value) -> reqwest::Response {
        self.client.post(self.url(path)).bearer_auth(token).json(body).send().await.expect("request")
    }

    pub async fn put_as(&self, token: &str, path: &str, body: &Value) -> reqwest::Response {
        self.client.put(self.url(path)).bearer_auth(token).json(body).send().await.expect("request")
    }

    /// Fires an event as `role`; "applicant" is a member of the grant's organism.
    pub async fn fire(&self, grant: GrantId, event: &str, version: i64, role: &str) -> reqwest::Response {
        let token = if role == "applicant" {
            let organism = self.db().grant(grant).await.unwrap().organism_id;
            self.member_token(organism).await
        } else {
            self.token(role).await
        };
        let body = json!({ "event": event, "version": version, "reason": format!("{event} in a test") });
        self.post_as(&token, &format!("/api/v1/grants/{grant}/transitions"), &body).await
    }

    /// A new organism's application (NEQ `neq(n)`) carried to `target` through the workflow by the use
    /// cases its users' requests run: a member submits; the program officer screens it and sends it to
    /// review (two reviewers, made when missing, are assigned automatically); each reviews it, which moves
    /// it to the decision; the officer approves [`proposal`], awards it in the default fiscal year; a
    /// member accepts it, which activates it. The one way tests put a grant in a given state.
    pub async fn grant_in(&self, n: u32, target: &str) -> octroi::storage::grants::Grant {
        self.grant_from(n, target, Draft::default()).await
    }

    /// As [`TestApp::grant_in`], from the organism and the application `draft` says.
    pub async fn grant_from(&self, n: u32, target: &str, draft: Draft) -> octroi::storage::grants::Grant {
        use octroi::app as usecase;
        use octroi::domain::Actor;
        use octroi::domain::workflow::Role;
        let state = &self.state;
        let organism = match draft.organism {
            Some(organism) => organism,
            None => {
                let mut body = organism_body(&neq(n));
                body["region"] = json!(draft.region);
                let r = self.post("/api/v1/organisms", &body).await;
                assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
                OrganismId(r.json::<Value>().await.unwrap()["id"].as_i64().unwrap())
            }
        };
        let r = self.start_draft(organism, draft.application).await;
        assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
        let id = GrantId(r.json::<Value>().await.unwrap()["id"].as_i64().unwrap());
        let mut grant = self.db().grant(id).await.unwrap();
        let officer = Actor { id: "agente@test".into(), role: Role::ProgramOfficer };
        let email = format!("membre{n}@test.org");
        let member_id = match self.db().user_by_email(&email).await.unwrap() {
            Some(user) => user.id,
            None => self.account(&email, AccountRole::Member, Some(organism)).await,
        };
        let member = Actor { id: member_id.to_string(), role: Role::Applicant };
        let path = ["submitted", "screening", "in_review", "decision", "approved", "awarded", "active"];
        assert!(target == "draft" || path.contains(&target), "no way to {target} in the builder");
        if path.iter().position(|s| *s == target) >= path.iter().position(|s| *s == "in_review") {
            for email in ["relecteur1@test.org", "relecteur2@test.org"] {
                if self.db().user_by_email(email).await.unwrap().is_none() {
                    staff(self.db(), email, AccountRole::Reviewer).await;
                }
            }
        }
        let path = ["submitted", "screening", "in_review", "decision", "approved", "awarded", "active"];
        assert!(target == "draft" || path.contains(&target), "no way to {target} in the builder");
        for next in path {
            if grant.state == target {
                break;
            }
            let fired = match next {
                "submitted" => usecase::fire(state, &member, &grant, "submit", "", None).await,
                "screening" => usecase::fire(state, &officer, &grant, "begin_screening", "", None).await,
                "in_review" => usecase::fire(state, &officer, &grant, "send_to_review", "", None).await,
                "decision" => {
                    for (reviewer, ..) in self.db().assigned_reviewers(id).await.unwrap() {
                        usecase::submit_review(state, id, reviewer, review(4)).await.unwrap();
                    }
                    Ok((self.db().grant(id).await.unwrap(), 0))
                }
                "approved" => usecase::fire(state, &officer, &grant, "approve", "", Some(proposal())).await,
                "awarded" => {
                    let p = grant.proposal().unwrap();
                    let amounts = octroi::domain::award::AwardAmounts {
                        equipment: p.equipment,
                        software: p.software,
                        coaching_hours: p.coaching_hours,
                    };
                    let year = usecase::default_fiscal_year(state);
                    let made = usecase::award(state, &officer, &grant, amounts, &year, None, None).await;
                    made.map(|a| (a.made().expect("made now"), 0))
                }
                _ => {
                    let signature =
                        usecase::Signature { name: "Marie".into(), title: "Directrice".into(), confirmed: true };
                    let address = std::net::IpAddr::from([127, 0, 0, 1]);
                    usecase::accept(state, &member, member_id, &grant, &signature, address).await.map(|g| (g, 0))
                }
            };
            grant = fired.unwrap_or_else(|p| panic!("{next}: {p:?}")).0;
            assert_eq!(grant.state, next);
        }
        assert_eq!(grant.state, target);
        grant
    }

    /// Registers an organism and returns its id.
    pub async fn organism(&self, neq: &str) -> OrganismId {
        let r = self.post("/api/v1/organisms", &organism_body(neq)).await;
        assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
        OrganismId(r.json::<Value>().await.unwrap()["id"].as_i64().unwrap())
    }

    /// Starts a draft as a member of the organism and returns the response.
    pub async fn start_draft(&self, organism: OrganismId, application: Value) -> reqwest::Response {
        let token = self.member_token(organism).await;
        self.post_as(&token, "/api/v1/grants", &json!({ "organism_id": organism, "application": application })).await
    }

    /// Starts a complete draft for a new organism and returns the grant's id.
    pub async fn complete_draft(&self, neq: &str) -> GrantId {
        let organism = self.organism(neq).await;
        let r = self.start_draft(organism, complete_application()).await;
        assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
        GrantId(r.json::<Value>().await.unwrap()["id"].as_i64().unwrap())
    }

    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(server) = self.server.take() {
            let _ = server.await;
        }
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// The password of every account the tests create.
pub const PASSWORD: &str = "correct horse battery";

/// What the builder's application is made of: an organism of the test's (a new one in `region` when
/// `None`) and the application's content as the API takes it.
pub struct Draft {
    pub organism: Option<OrganismId>,
    pub region: &'static str,
    pub application: Value,
}

impl Default for Draft {
    fn default() -> Draft {
        Draft { organism: None, region: "06", application: complete_application() }
    }
}

pub fn organism_body(neq: &str) -> Value {
    json!({
        "legal_name": "Cuisine collective d'Hochelaga-Maisonneuve",
        "neq": neq,
        "region": "06",
        "street_address": "1945, rue Ontario Est",
        "city": "Montréal",
        "postal_code": "H2K 1V2",
        "contact_email": "direction@cuisine-hochelaga.org",
        "mission_summary": "Sécurité alimentaire et lutte contre l'isolement.",
        "preferred_language": "fr"
    })
}

pub fn complete_application() -> Value {
    json!({
        "title": "Virage numérique de la cuisine collective",
        "needs_assessment": "Nos trois postes ont dix ans et nos inscriptions se font sur papier.",
        "project_description": "Remplacer les postes, adopter un logiciel d'inscription, former l'équipe.",
        "lines": [
            { "category": "equipment", "description": "Ordinateur portable 14 po", "quantity": 3, "unit_price": "1200.00" },
            { "category": "software", "description": "Suite bureautique, licence annuelle", "quantity": 1, "unit_price": "480.50" }
        ],
        "requested_coaching_hours": "6.5",
        "contact_name": "Marie Tremblay",
        "contact_email": "marie@cuisine-hochelaga.org"
    })
}

/// A distinct valid NEQ for the n-th organism of a test.
pub fn neq(n: u32) -> String {
    format!("11{n:08}")
}

/// A browser-like client: keeps cookies, does not follow redirects (tests look at them).
pub struct Browser {
    pub client: reqwest::Client,
    pub base: String,
}

impl Browser {
    pub fn new(app: &TestApp) -> Browser {
        let client =
            reqwest::Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).build().unwrap();
        Browser { client, base: app.address.clone() }
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(format!("{}{path}", self.base)).send().await.unwrap()
    }

    /// The CSRF token of the page at `path`.
    pub async fn csrf(&self, path: &str) -> String {
        let html = self.get(path).await.text().await.unwrap();
        csrf_of(&html).unwrap_or_else(|| panic!("no CSRF token on {path}"))
    }

    /// Posts a form with the given CSRF token.
    pub async fn post_form(&self, path: &str, csrf: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        let mut form: Vec<(&str, &str)> = vec![("csrf", csrf)];
        form.extend_from_slice(fields);
        self.client.post(format!("{}{path}", self.base)).form(&form).send().await.unwrap()
    }

    /// Posts a form with files (multipart), with the given CSRF token: `files` as (field, file name, bytes).
    pub async fn post_files(
        &self,
        path: &str,
        csrf: &str,
        fields: &[(&str, &str)],
        files: &[(&str, &str, &[u8])],
    ) -> reqwest::Response {
        let mut form = reqwest::multipart::Form::new().text("csrf", csrf.to_string());
        for (k, v) in fields {
            form = form.text(k.to_string(), v.to_string());
        }
        for (field, name, bytes) in files {
            form = form
                .part(field.to_string(), reqwest::multipart::Part::bytes(bytes.to_vec()).file_name(name.to_string()));
        }
        self.client.post(format!("{}{path}", self.base)).multipart(form).send().await.unwrap()
    }

    /// Signs in and returns the CSRF token of the signed-in session.
    pub async fn sign_in(&self, email: &str, password: &str) -> String {
        let csrf = self.csrf("/login").await;
        let r = self.post_form("/login", &csrf, &[("email", email), ("password", password)]).await;
        assert_eq!(r.status(), 303, "sign-in of {email}: {}", r.text().await.unwrap());
        self.csrf("/dashboard").await
    }
}

pub fn csrf_of(html: &str) -> Option<String> {
    let start = html.find("name=\"csrf\" value=\"")? + "name=\"csrf\" value=\"".len();
    Some(html[start..start + html[start..].find('"')?].to_string())
}

/// A member of a new organism with a complete draft, signed in on the web: (grant, browser, CSRF).
pub async fn member_with_draft(app: &TestApp, n: u32) -> (GrantId, Browser, String) {
    let grant = app.complete_draft(&neq(n)).await;
    let organism = app.db().grant(grant).await.unwrap().organism_id;
    let email = format!("membre{n}@test.org");
    app.account(&email, AccountRole::Member, Some(organism)).await;
    let browser = Browser::new(app);
    let csrf = browser.sign_in(&email, PASSWORD).await;
    (grant, browser, csrf)
}
