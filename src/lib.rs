//! octroi: the DATAide grant program, from application to the last cent. The binary and the tests start
//! the application the same way: [`App::build`] then [`App::run`].

pub mod app;
pub mod cli;
pub mod config;
pub mod demo;
pub mod documents;
#[macro_use]
pub mod domain;
pub mod i18n;
pub mod letters;
pub mod notify;
pub mod passwords;
pub mod policy;
pub mod server;
pub mod storage;
pub mod web;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::Context;
use tokio::net::TcpListener;
use tokio::sync::Notify;

use config::{Config, redact_url};
use domain::account::AccountRole;
use domain::workflow::{self, Workflow, Workflows};
use policy::Program;
use policy::authz::Authz;
use policy::eligibility::Eligibility;
use policy::rubric::Rubric;
use storage::Db;
use web::session_store::SessionStore;

/// What every request handler shares.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub workflows: Arc<Workflows>,
    pub program: Arc<Program>,
    pub authz: Arc<Authz>,
    pub rubric: Arc<Rubric>,
    pub eligibility: Arc<Eligibility>,
    /// The base of links in e-mails.
    pub public_url: String,
    /// Wakes the outbox worker when a message is queued.
    pub mail_waker: Arc<Notify>,
    /// The reverse proxies whose forwarded headers name the client.
    pub trusted_proxies: Arc<Vec<ipnet::IpNet>>,
    /// Signs the CSRF cookie of visitors who are not signed in (no session is stored for them).
    pub csrf_key: Arc<String>,
    /// Where attached documents are kept.
    pub documents: documents::DocumentStore,
}

impl AppState {
    /// Everything checked and the database ready (migrated, program synced): the state a server, or a
    /// command that works like one (`octroi demo`), runs on.
    pub async fn prepare(config: &Config, public_url: String) -> anyhow::Result<AppState> {
        let rules = load_rules(config)?;
        let db = open_database(config).await?;
        db.sync_program(&rules.program).await.context("cannot sync the program into the database")?;
        let csrf_key = Arc::new(db.secret("csrf").await.context("cannot read octroi's secrets")?);
        let documents = documents::DocumentStore::open(&config.documents_url)?;
        Ok(AppState {
            documents,
            csrf_key,
            db,
            workflows: Arc::new(rules.workflows),
            program: Arc::new(rules.program),
            authz: Arc::new(rules.authz),
            rubric: Arc::new(rules.rubric),
            eligibility: Arc::new(rules.eligibility),
            public_url,
            mail_waker: Arc::new(Notify::new()),
            trusted_proxies: Arc::new(config.trusted_proxies.clone()),
        })
    }

    /// The grant workflow; its presence is checked at start.
    pub fn grant_workflow(&self) -> &Workflow {
        &self.workflows[crate::storage::records::Kind::Grant.workflow()]
    }

    /// The purchase workflow; its presence is checked at start.
    pub fn purchase_workflow(&self) -> &Workflow {
        &self.workflows[crate::storage::records::Kind::Purchase.workflow()]
    }
}

/// The rules octroi runs on, all checked before anything starts.
pub struct Rules {
    pub workflows: Workflows,
    pub program: Program,
    pub authz: Authz,
    pub rubric: Rubric,
    pub eligibility: Eligibility,
}

/// Loads and checks the workflows, the program and the authorization policies; any error stops the
/// start with every problem listed.
pub fn load_rules(config: &Config) -> anyhow::Result<Rules> {
    let workflows = workflow::load_dir(&config.workflows_dir).map_err(|errors| {
        let lines: Vec<String> = errors.iter().map(ToString::to_string).collect();
        anyhow::anyhow!("the workflows have errors:\n{}", lines.join("\n"))
    })?;
    for kind in crate::storage::records::Kind::ALL {
        if !workflows.contains_key(kind.workflow()) {
            anyhow::bail!("{}: no workflow named '{}'", config.workflows_dir.display(), kind.workflow());
        }
    }
    let program = Program::load(&config.policies_dir.join("dataide.toml"))?;
    let authz = Authz::load(&config.policies_dir).map_err(|e| anyhow::anyhow!("the authorization policies: {e}"))?;
    let rubric =
        Rubric::load(&config.policies_dir.join("rubric.toml")).map_err(|e| anyhow::anyhow!("the rubric: {e}"))?;
    let eligibility = Eligibility::load(&config.policies_dir.join("eligibility.toml"))
        .map_err(|e| anyhow::anyhow!("the eligibility rules: {e}"))?;
    Ok(Rules { workflows, program, authz, rubric, eligibility })
}

/// A started application: configuration checked, database migrated, program synced, port bound.
pub struct App {
    state: AppState,
    sessions: SessionStore,
    secure_cookies: bool,
    listener: TcpListener,
    mailer: notify::Mailer,
    limits: server::Limits,
}

impl App {
    pub async fn build(config: Config) -> anyhow::Result<App> {
        // The rules first: a broken file stops the start before anything is created or bound.
        load_rules(&config)?;
        let listener =
            TcpListener::bind(config.addr).await.with_context(|| format!("cannot listen on {}", config.addr))?;
        let public_url = config.public_url(listener.local_addr()?);
        let mailer = notify::Mailer::new(config.smtp_url.as_deref(), &config.data_dir.join("outbox"))?;
        let state = AppState::prepare(&config, public_url.clone()).await?;
        first_admin(&state.db).await?;
        let sessions = SessionStore::connect(&config.database_url).await?;
        let secure_cookies = public_url.starts_with("https://");
        Ok(App { state, sessions, secure_cookies, listener, mailer, limits: server::Limits::default() })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.listener.local_addr().expect("a bound listener has an address")
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Other time and connection limits than the defaults (tests use short ones).
    pub fn with_limits(mut self, limits: server::Limits) -> App {
        self.limits = limits;
        self
    }

    /// Serves until `shutdown` completes, then finishes the requests in flight and closes the database.
    pub async fn run(self, shutdown: impl Future<Output = ()> + Send + 'static) -> anyhow::Result<()> {
        let db = self.state.db.clone();
        let outbox = tokio::spawn(notify::deliver_forever(db.clone(), self.state.mail_waker.clone(), self.mailer));
        let sweeper = self.sessions.delete_expired_forever();
        let proxies = self.state.trusted_proxies.clone();
        let router = web::router(self.state, self.sessions, self.secure_cookies);
        server::serve(self.listener, router, self.limits, proxies, shutdown).await;
        outbox.abort();
        sweeper.abort();
        db.close().await;
        Ok(())
    }
}

/// Opens and migrates the configured database.
pub async fn open_database(config: &Config) -> anyhow::Result<Db> {
    tracing::info!(database = %redact_url(&config.database_url), "opening the database");
    let db = Db::connect(&config.database_url, config.sqlite_synchronous).await?;
    db.migrate().await.context("cannot migrate the database")?;
    Ok(db)
}

/// On first start with no account at all, creates an admin and prints a one-time password, once. The
/// admin must choose a new password at first sign-in.
async fn first_admin(db: &Db) -> anyhow::Result<()> {
    if db.user_count().await? > 0 {
        return Ok(());
    }
    let password = passwords::random_token()[..20].to_string();
    let user = storage::accounts::NewUser {
        email: domain::Email::parse("admin@octroi.local").expect("a valid address"),
        display_name: "Administration".into(),
        role: AccountRole::Admin,
        organism_id: None,
        password_hash: passwords::hash(&password).await?,
        must_change_password: true,
        language: domain::Language::Fr,
    };
    match db.create_user(user).await {
        Ok(_) => {
            println!("octroi: first start. Sign in as admin@octroi.local with the one-time password {password}");
            println!("octroi: you will be asked to choose a new password; this one is not shown again.");
            Ok(())
        }
        // Another instance created it at the same moment.
        Err(storage::StorageError::DuplicateEmail) => Ok(()),
        Err(e) => Err(e.into()),
    }
}

/// Completes on Ctrl-C or SIGTERM. The handlers are installed when this is called, not when the future is
/// first polled: a SIGTERM that arrives as soon as the server answers still shuts it down gracefully
/// (under load, axum may poll the shutdown future after it has begun to serve).
pub fn shutdown_signal() -> impl Future<Output = ()> + Send + 'static {
    #[cfg(unix)]
    let (terminate, interrupt) = {
        use tokio::signal::unix::{SignalKind, signal};
        (signal(SignalKind::terminate()).ok(), signal(SignalKind::interrupt()).ok())
    };
    async move {
        #[cfg(unix)]
        {
            let wait = |s: Option<tokio::signal::unix::Signal>| async move {
                match s {
                    Some(mut s) => {
                        s.recv().await;
                    }
                    None => std::future::pending::<()>().await,
                }
            };
            tokio::select! {
                () = wait(terminate) => {},
                () = wait(interrupt) => {},
            }
        }
        #[cfg(not(unix))]
        let _ = tokio::signal::ctrl_c().await;
        tracing::info!("shutting down: finishing the requests in flight");
    }
}
