//! octroi: the DATAide grant program, from application to the last cent. The binary and the tests start
//! the application the same way: [`App::build`] then [`App::run`].

pub mod cli;
pub mod config;
pub mod domain;
pub mod policy;
pub mod storage;
pub mod web;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::Context;
use tokio::net::TcpListener;

use config::{Config, redact_url};
use domain::workflow::{self, Workflow, Workflows};
use policy::Program;
use storage::Db;

/// What every request handler shares.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub workflows: Arc<Workflows>,
    pub program: Arc<Program>,
}

impl AppState {
    /// The grant workflow; its presence is checked at start.
    pub fn grant_workflow(&self) -> &Workflow {
        &self.workflows["grant"]
    }
}

/// A started application: configuration checked, database migrated, program synced, port bound.
pub struct App {
    state: AppState,
    listener: TcpListener,
}

/// Loads and checks the workflows and the program; any error stops the start with every problem listed.
pub fn load_rules(config: &Config) -> anyhow::Result<(Workflows, Program)> {
    let workflows = workflow::load_dir(&config.workflows_dir).map_err(|errors| {
        let lines: Vec<String> = errors.iter().map(ToString::to_string).collect();
        anyhow::anyhow!("the workflows have errors:\n{}", lines.join("\n"))
    })?;
    if !workflows.contains_key("grant") {
        anyhow::bail!("{}: no workflow named 'grant'", config.workflows_dir.display());
    }
    let program = Program::load(&config.policies_dir.join("dataide.toml"))?;
    Ok((workflows, program))
}

impl App {
    pub async fn build(config: Config) -> anyhow::Result<App> {
        let (workflows, program) = load_rules(&config)?;
        let db = open_database(&config).await?;
        db.sync_program(&program).await.context("cannot sync the program into the database")?;
        let listener =
            TcpListener::bind(config.addr).await.with_context(|| format!("cannot listen on {}", config.addr))?;
        let state = AppState { db, workflows: Arc::new(workflows), program: Arc::new(program) };
        Ok(App { state, listener })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.listener.local_addr().expect("a bound listener has an address")
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves until `shutdown` completes, then finishes the requests in flight and closes the database.
    pub async fn run(self, shutdown: impl Future<Output = ()> + Send + 'static) -> anyhow::Result<()> {
        let db = self.state.db.clone();
        let router = web::router(self.state);
        axum::serve(self.listener, router).with_graceful_shutdown(shutdown).await?;
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

/// Completes on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing the requests in flight");
}
