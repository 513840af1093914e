//! The command line: `serve`, `migrate`, `workflow check|diagram`, `policy check`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::config::{Config, Overrides};
use crate::domain::workflow;
use crate::policy::Program;
use crate::{App, open_database, shutdown_signal};

#[derive(Debug, Parser)]
#[command(name = "octroi", version, about = "octroi: the DATAide grant program, from application to the last cent")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the web interface and the API. With no flags: SQLite in ./data/octroi.db, created and
    /// migrated on first start, on 127.0.0.1:8080
    Serve(Overrides),
    /// Apply the database migrations and exit
    Migrate(Overrides),
    /// Check or draw the workflows (workflows/*.toml)
    #[command(subcommand)]
    Workflow(WorkflowCommand),
    /// Check the program and policy files (policies/)
    #[command(subcommand)]
    Policy(PolicyCommand),
}

#[derive(Debug, Subcommand)]
pub enum WorkflowCommand {
    /// Validate every workflow file in PATH (a folder or one file); exit 1 with `file:line: message` for
    /// each error
    Check {
        #[arg(default_value = "workflows")]
        path: PathBuf,
    },
    /// Print a Mermaid stateDiagram-v2 of the named workflow
    Diagram {
        name: String,
        /// Folder of the workflow files
        #[arg(long, default_value = "workflows")]
        dir: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub enum PolicyCommand {
    /// Validate policies/dataide.toml; exit 1 with a message for each error
    Check {
        #[arg(default_value = "policies")]
        dir: PathBuf,
    },
}

fn config(overrides: Overrides) -> anyhow::Result<Config> {
    Config::resolve(overrides, std::env::var("DATABASE_URL").ok())
}

/// Runs a parsed command; the exit code says whether it succeeded.
pub async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Serve(overrides) => {
            let app = App::build(config(overrides)?).await?;
            tracing::info!(addr = %app.local_addr(), "octroi is listening on http://{}", app.local_addr());
            app.run(shutdown_signal()).await?;
        }
        Command::Migrate(overrides) => {
            let db = open_database(&config(overrides)?).await?;
            db.close().await;
            println!("the database is up to date");
        }
        Command::Workflow(WorkflowCommand::Check { path }) => {
            let result = if path.is_dir() {
                workflow::load_dir(&path).map(|w| w.len())
            } else {
                workflow::load_file(&path).map(|_| 1)
            };
            match result {
                Ok(n) => println!("{n} workflow(s) valid in {}", path.display()),
                Err(errors) => {
                    for e in errors {
                        eprintln!("{e}");
                    }
                    return Ok(ExitCode::FAILURE);
                }
            }
        }
        Command::Workflow(WorkflowCommand::Diagram { name, dir }) => {
            let workflows = workflow::load_dir(&dir).map_err(|errors| {
                anyhow::anyhow!("{}", errors.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))
            })?;
            let Some(w) = workflows.get(&name) else {
                let known: Vec<&str> = workflows.keys().map(String::as_str).collect();
                eprintln!("no workflow named '{name}'; known: {}", known.join(", "));
                return Ok(ExitCode::FAILURE);
            };
            print!("{}", w.mermaid());
        }
        Command::Policy(PolicyCommand::Check { dir }) => match Program::load(&dir.join("dataide.toml")) {
            Ok(p) => {
                println!("{}: valid ({} envelopes, {} fiscal years)", p.code, p.envelopes.len(), p.fiscal_years.len())
            }
            Err(e) => {
                for problem in &e.problems {
                    eprintln!("{}: {problem}", e.file);
                }
                return Ok(ExitCode::FAILURE);
            }
        },
    }
    Ok(ExitCode::SUCCESS)
}
