//! The command line: `serve`, `demo`, `migrate`, `workflow check|diagram`, `policy check`, `user`, `token`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::config::{Config, Overrides};
use crate::domain::account::{AccountRole, NewPassword};
use crate::domain::workflow;
use crate::domain::{Email, GrantId, Language};
use crate::passwords;
use crate::policy::Program;
use crate::policy::authz::Authz;
use crate::policy::eligibility::Eligibility;
use crate::policy::rubric::Rubric;
use crate::storage::accounts::NewUser;
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
    Serve {
        /// Load the demo program first (once per database; see `octroi demo`)
        #[arg(long)]
        demo: bool,
        #[command(flatten)]
        overrides: Overrides,
    },
    /// Load the demo program: organisms in every region, applications in every state, one account per
    /// role whose password is printed once
    Demo(Overrides),
    /// Apply the database migrations and exit
    Migrate(Overrides),
    /// Check or draw the workflows (workflows/*.toml)
    #[command(subcommand)]
    Workflow(WorkflowCommand),
    /// Check the program and policy files (policies/)
    #[command(subcommand)]
    Policy(PolicyCommand),
    /// Manage accounts
    #[command(subcommand)]
    User(UserCommand),
    /// Manage personal API tokens (`Authorization: Bearer …` on /api/v1)
    #[command(subcommand)]
    Token(TokenCommand),
    /// Check the ledger
    #[command(subcommand)]
    Ledger(LedgerCommand),
    /// Look after the document store
    #[command(subcommand)]
    Documents(DocumentsCommand),
    /// Make again the award letter of every awarded grant (French, and English for an organism that
    /// prefers it) into a folder, with a progress bar; report the letters whose SHA-256 no longer
    /// matches the one recorded at award time
    Letters {
        /// The folder to write the PDF files to (created if need be)
        #[arg(long)]
        out: PathBuf,
        #[command(flatten)]
        overrides: Overrides,
    },
}

#[derive(Debug, Subcommand)]
pub enum LedgerCommand {
    /// Recompute every balance from the ledger's entries and check every invariant; exit 1, listing each
    /// mismatch, when anything disagrees
    Verify(Overrides),
}

#[derive(Debug, Subcommand)]
pub enum DocumentsCommand {
    /// Delete the files no document names: stored for an upload whose request was then refused (an
    /// invoice number already used, say). Only files older than `--hours`, so that an upload still
    /// being recorded keeps its file
    Sweep {
        #[arg(long, default_value_t = 24)]
        hours: u32,
        #[command(flatten)]
        overrides: Overrides,
    },
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create an account; the password is read from standard input (at least 12 characters)
    Create {
        #[arg(long)]
        email: String,
        /// member, reviewer, program_officer, finance, coach or admin
        #[arg(long)]
        role: String,
        /// The organism of a member (required for members; the affiliation of staff)
        #[arg(long)]
        organism: Option<i64>,
        /// The name shown in the interface [default: the e-mail address]
        #[arg(long)]
        name: Option<String>,
        #[command(flatten)]
        overrides: Overrides,
    },
}

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Create a token for an account and print it (it is stored hashed and not shown again)
    Create {
        #[arg(long)]
        email: String,
        /// What the token is for
        #[arg(long, default_value = "cli")]
        label: String,
        #[command(flatten)]
        overrides: Overrides,
    },
    /// Revoke a token by its id (printed at creation)
    Revoke {
        #[arg(long)]
        id: i64,
        #[command(flatten)]
        overrides: Overrides,
    },
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
    /// Validate policies/dataide.toml, the Cedar schema and policies, the eligibility rules
    /// and the rubric; exit 1 with a message for
    /// each error
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
        Command::Serve { demo, overrides } => {
            let app = App::build(config(overrides)?).await?;
            if demo {
                match crate::demo::load(app.state()).await {
                    Ok(accounts) => print!("{}", crate::demo::describe(&accounts)),
                    Err(e) => println!("octroi: {e}"),
                }
            }
            tracing::info!(addr = %app.local_addr(), "octroi is listening on http://{}", app.local_addr());
            app.run(shutdown_signal()).await?;
        }
        Command::Demo(overrides) => {
            let config = config(overrides)?;
            let public_url = config.public_url(config.addr);
            let mailer = crate::notify::Mailer::new(config.smtp_url.as_deref(), &config.data_dir.join("outbox"))?;
            let state = crate::AppState::prepare(&config, public_url).await?;
            let accounts = crate::demo::load(&state).await?;
            crate::notify::deliver_pending(&state.db, &mailer).await?;
            print!("{}", crate::demo::describe(&accounts));
            state.db.close().await;
        }
        Command::Ledger(LedgerCommand::Verify(overrides)) => {
            let config = config(overrides)?;
            let program = crate::policy::Program::load(&config.policies_dir.join("dataide.toml"))?;
            let db = open_database(&config).await?;
            let problems = db.ledger_verify_against(&program).await?;
            db.close().await;
            if !problems.is_empty() {
                for p in &problems {
                    eprintln!("{p}");
                }
                eprintln!("the ledger disagrees with itself in {} place(s)", problems.len());
                return Ok(ExitCode::FAILURE);
            }
            println!(
                "the ledger is sound: every balance agrees with its entries, every award with its commitments, \
                 every allocation with the program's file"
            );
        }
        Command::Documents(DocumentsCommand::Sweep { hours, overrides }) => {
            let config = config(overrides)?;
            let store = crate::documents::DocumentStore::open(&config.documents_url)?;
            let db = open_database(&config).await?;
            let named = db.document_hashes().await?;
            db.close().await;
            let before = chrono::Utc::now() - chrono::Duration::hours(i64::from(hours));
            let swept = store.sweep(before, |sha256| named.contains(sha256)).await?;
            println!("{swept} file(s) no document names, older than {hours} hour(s), deleted from the store");
        }
        Command::Letters { out, overrides } => {
            let config = config(overrides)?;
            let state = crate::AppState::prepare(&config, config.public_url(config.addr)).await?;
            let bar = indicatif::ProgressBar::new(0).with_style(indicatif::ProgressStyle::with_template(
                "{bar:40} {pos}/{len} letters · {per_sec} · {eta} left",
            )?);
            let started = std::time::Instant::now();
            let report = crate::letters::batch(&state, &out, |done, total| {
                bar.set_length(total);
                bar.set_position(done);
            })
            .await;
            bar.finish_and_clear();
            state.db.close().await;
            let report = report?;
            let seconds = started.elapsed().as_secs_f64();
            println!(
                "{} letters ({} PDF files, {} bytes, {} bytes a file on average) in {seconds:.2} s: {:.1} letters/s, into {}",
                report.letters,
                report.files,
                report.bytes,
                report.bytes.checked_div(report.files as u64).unwrap_or(0),
                report.letters as f64 / seconds.max(f64::EPSILON),
                out.display()
            );
            if !report.changed.is_empty() {
                let ids: Vec<String> = report.changed.iter().map(GrantId::to_string).collect();
                println!(
                    "warning: {} letter(s) differ from the one recorded at award time (grants {}): the organism's \
                     name or address, or the program's wording, changed since",
                    ids.len(),
                    ids.join(", ")
                );
            }
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
        Command::Policy(PolicyCommand::Check { dir }) => {
            let mut ok = true;
            match Program::load(&dir.join("dataide.toml")) {
                Ok(p) => println!(
                    "{}: valid ({} envelopes, {} fiscal years)",
                    p.code,
                    p.envelopes.len(),
                    p.fiscal_years.len()
                ),
                Err(e) => {
                    ok = false;
                    for problem in &e.problems {
                        eprintln!("{}: {problem}", e.file);
                    }
                }
            }
            match Authz::load(&dir) {
                Ok(_) => println!("authorization policies: valid"),
                Err(e) => {
                    ok = false;
                    eprintln!("{e}");
                }
            }
            match Eligibility::load(&dir.join("eligibility.toml")) {
                Ok(e) => println!("eligibility: valid ({} rules)", e.rules.len()),
                Err(e) => {
                    ok = false;
                    eprintln!("{e}");
                }
            }
            match Rubric::load(&dir.join("rubric.toml")) {
                Ok(r) => println!("rubric: valid ({} criteria, scale {} to {})", r.criteria.len(), r.min, r.max),
                Err(e) => {
                    ok = false;
                    eprintln!("{e}");
                }
            }
            if !ok {
                return Ok(ExitCode::FAILURE);
            }
        }
        Command::User(UserCommand::Create { email, role, organism, name, overrides }) => {
            let Some(role) = AccountRole::parse(&role) else {
                eprintln!("unknown role '{role}': member, reviewer, program_officer, finance, coach or admin");
                return Ok(ExitCode::FAILURE);
            };
            if role == AccountRole::Member && organism.is_none() {
                eprintln!("a member belongs to an organism: give --organism ID");
                return Ok(ExitCode::FAILURE);
            }
            let email = Email::parse(&email).map_err(|e| anyhow::anyhow!("--email: {e}"))?;
            let mut password = String::new();
            std::io::stdin().read_line(&mut password)?;
            let password = NewPassword::parse(password.trim_end_matches(['\n', '\r']))
                .map_err(|e| anyhow::anyhow!("the password from standard input: {e}"))?;
            let db = open_database(&config(overrides)?).await?;
            let user = db
                .create_user(NewUser {
                    display_name: name.unwrap_or_else(|| email.as_str().to_string()),
                    email,
                    role,
                    organism_id: organism.map(crate::domain::OrganismId),
                    password_hash: passwords::hash(password.expose()).await?,
                    must_change_password: false,
                    language: Language::Fr,
                })
                .await?;
            println!("account {} created: {} ({})", user.id, user.email, user.role);
        }
        Command::Token(TokenCommand::Create { email, label, overrides }) => {
            let db = open_database(&config(overrides)?).await?;
            let Some(user) = db.user_by_email(&email).await? else {
                eprintln!("no account with the e-mail address {email}");
                return Ok(ExitCode::FAILURE);
            };
            let token = format!("oct_{}", passwords::random_token());
            let id = db.create_token(user.id, &label, passwords::token_hash(&token)).await?;
            eprintln!("token {id} for {} ({label}); keep it secret, it is not shown again:", user.email);
            println!("{token}");
        }
        Command::Token(TokenCommand::Revoke { id, overrides }) => {
            let db = open_database(&config(overrides)?).await?;
            if !db.revoke_token(id).await? {
                eprintln!("no live token with the id {id}");
                return Ok(ExitCode::FAILURE);
            }
            println!("token {id} revoked");
        }
    }
    Ok(ExitCode::SUCCESS)
}
