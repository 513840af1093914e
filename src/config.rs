//! Typed configuration. Precedence: command-line flags, then the environment (`OCTROI_*`, then
//! `DATABASE_URL`), then the optional config file (`--config`, `OCTROI_CONFIG`, or `./octroi.toml` when
//! present), then the defaults. A database password never appears in anything this module prints.

use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::storage::SqliteSync;

/// What the command line and environment gave (clap reads both; see `cli.rs`).
#[derive(Debug, Default, Clone, clap::Args)]
pub struct Overrides {
    /// Address to listen on [default: 127.0.0.1:8080]
    #[arg(long, env = "OCTROI_ADDR")]
    pub addr: Option<SocketAddr>,
    /// sqlite://PATH or postgres://USER@HOST/DB (also read from DATABASE_URL) [default: sqlite://DATA_DIR/octroi.db]
    #[arg(long, env = "OCTROI_DATABASE_URL", hide_env_values = true)]
    pub database_url: Option<String>,
    /// Folder for the embedded database and generated files [default: ./data]
    #[arg(long, env = "OCTROI_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
    /// Folder of the workflow files [default: ./workflows]
    #[arg(long, env = "OCTROI_WORKFLOWS_DIR")]
    pub workflows_dir: Option<PathBuf>,
    /// Folder of the program and policy files [default: ./policies]
    #[arg(long, env = "OCTROI_POLICIES_DIR")]
    pub policies_dir: Option<PathBuf>,
    /// SQLite durability: full (an acknowledged write survives a power cut) or normal [default: full]
    #[arg(long, env = "OCTROI_SQLITE_SYNCHRONOUS")]
    pub sqlite_synchronous: Option<SqliteSync>,
    /// The address people reach octroi at, for links in e-mails; https:// makes cookies Secure with the
    /// __Host- prefix [default: http://ADDR]
    #[arg(long, env = "OCTROI_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// Send e-mail through this SMTP server: smtps://USER:PASS@HOST:465 or smtp://…:587?tls=required
    /// [default: none, each message becomes an .eml file under DATA_DIR/outbox/]
    #[arg(long, env = "OCTROI_SMTP_URL", hide_env_values = true)]
    pub smtp_url: Option<String>,
    /// Where documents (quotes, statements, invoices) are kept: file:///PATH or s3://BUCKET/PREFIX (with
    /// the AWS_* variables of an S3-compatible service) [default: DATA_DIR/documents]
    #[arg(long, env = "OCTROI_DOCUMENTS_URL", hide_env_values = true)]
    pub documents_url: Option<String>,
    /// Reverse proxies whose X-Forwarded-For or Forwarded header names the client, as addresses or
    /// networks separated by commas (127.0.0.1,10.0.0.0/8); from anyone else those headers are ignored
    /// [default: none]
    #[arg(long, env = "OCTROI_TRUSTED_PROXIES", value_delimiter = ',')]
    pub trusted_proxies: Option<Vec<String>>,
    /// Optional TOML file with the same keys (addr, database_url, data_dir, …) [default: ./octroi.toml if present]
    #[arg(long, env = "OCTROI_CONFIG")]
    pub config: Option<PathBuf>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    addr: Option<SocketAddr>,
    database_url: Option<String>,
    data_dir: Option<PathBuf>,
    workflows_dir: Option<PathBuf>,
    policies_dir: Option<PathBuf>,
    sqlite_synchronous: Option<String>,
    public_url: Option<String>,
    smtp_url: Option<String>,
    documents_url: Option<String>,
    trusted_proxies: Option<Vec<String>>,
}

#[derive(Clone)]
pub struct Config {
    pub addr: SocketAddr,
    pub database_url: String,
    pub data_dir: PathBuf,
    pub workflows_dir: PathBuf,
    pub policies_dir: PathBuf,
    pub sqlite_synchronous: SqliteSync,
    pub public_url: Option<String>,
    pub smtp_url: Option<String>,
    /// See [`Overrides::documents_url`].
    pub documents_url: String,
    /// See [`Overrides::trusted_proxies`].
    pub trusted_proxies: Vec<ipnet::IpNet>,
}

/// An address (a network of one) or a network.
fn parse_network(s: &str) -> anyhow::Result<ipnet::IpNet> {
    let s = s.trim();
    s.parse::<ipnet::IpNet>()
        .or_else(|_| s.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
        .map_err(|_| anyhow::anyhow!("trusted proxy {s:?}: an address (10.0.0.1) or a network (10.0.0.0/8)"))
}

impl Config {
    /// The base of links in e-mails, without a trailing slash.
    pub fn public_url(&self, bound: std::net::SocketAddr) -> String {
        self.public_url.clone().unwrap_or_else(|| format!("http://{bound}")).trim_end_matches('/').to_string()
    }

    /// Resolves the configuration; `database_url_env` is the value of `DATABASE_URL`, passed in so that
    /// tests do not depend on the process environment.
    pub fn resolve(o: Overrides, database_url_env: Option<String>) -> anyhow::Result<Config> {
        let file = match &o.config {
            Some(path) => read_file(path)?,
            None if Path::new("octroi.toml").is_file() => read_file(Path::new("octroi.toml"))?,
            None => FileConfig::default(),
        };
        let data_dir = o.data_dir.or(file.data_dir).unwrap_or_else(|| PathBuf::from("data"));
        let database_url = o
            .database_url
            .or(database_url_env.filter(|u| !u.is_empty()))
            .or(file.database_url)
            .unwrap_or_else(|| format!("sqlite://{}", data_dir.join("octroi.db").display()));
        let sqlite_synchronous = match (o.sqlite_synchronous, file.sqlite_synchronous) {
            (Some(s), _) => s,
            (None, Some(s)) => s.parse().map_err(anyhow::Error::msg)?,
            (None, None) => SqliteSync::default(),
        };
        let documents_url = o.documents_url.or(file.documents_url).unwrap_or_else(|| {
            let folder = data_dir.join("documents");
            format!("file://{}", std::path::absolute(&folder).unwrap_or(folder).display())
        });
        Ok(Config {
            addr: o.addr.or(file.addr).unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 8080))),
            database_url,
            data_dir,
            workflows_dir: o.workflows_dir.or(file.workflows_dir).unwrap_or_else(|| PathBuf::from("workflows")),
            policies_dir: o.policies_dir.or(file.policies_dir).unwrap_or_else(|| PathBuf::from("policies")),
            sqlite_synchronous,
            public_url: o.public_url.or(file.public_url),
            smtp_url: o.smtp_url.or(file.smtp_url),
            documents_url,
            trusted_proxies: o
                .trusted_proxies
                .or(file.trusted_proxies)
                .unwrap_or_default()
                .iter()
                .filter(|s| !s.trim().is_empty())
                .map(|s| parse_network(s))
                .collect::<anyhow::Result<_>>()?,
        })
    }
}

fn read_file(path: &Path) -> anyhow::Result<FileConfig> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| anyhow::anyhow!("cannot read the config file {}: {e}", path.display()))?;
    toml::from_str(&text).map_err(|e| anyhow::anyhow!("config file {}: {e}", path.display()))
}

/// The URL with any password replaced by `***`, safe for logs and messages.
pub fn redact_url(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            let _ = parsed.set_password(Some("***"));
            parsed.to_string()
        }
        Ok(_) => url.to_string(),
        // Not a URL we can parse: show only its scheme rather than risk printing a secret.
        Err(_) => format!("{}://…", url.split("://").next().unwrap_or("?")),
    }
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("addr", &self.addr)
            .field("database_url", &redact_url(&self.database_url))
            .field("data_dir", &self.data_dir)
            .field("workflows_dir", &self.workflows_dir)
            .field("policies_dir", &self.policies_dir)
            .field("sqlite_synchronous", &self.sqlite_synchronous)
            .field("public_url", &self.public_url)
            .field("smtp_url", &self.smtp_url.as_deref().map(redact_url))
            .field("documents_url", &redact_url(&self.documents_url))
            .field("trusted_proxies", &self.trusted_proxies)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_put_sqlite_under_data() {
        let c =
            Config::resolve(Overrides { config: Some("/nonexistent-but-unused".into()), ..Default::default() }, None);
        assert!(c.is_err(), "a named config file that is missing is an error");
        let c = Config::resolve(Overrides::default(), None).unwrap();
        assert_eq!(c.database_url, "sqlite://data/octroi.db");
        assert_eq!(c.addr.to_string(), "127.0.0.1:8080");
        assert_eq!(c.sqlite_synchronous, SqliteSync::Full);
    }

    #[test]
    fn flags_beat_environment_beat_file() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("octroi.toml");
        std::fs::write(
            &file,
            "database_url = \"sqlite://from-file.db\"\naddr = \"0.0.0.0:9000\"\nsqlite_synchronous = \"normal\"\n",
        )
        .unwrap();
        let from_file = Config::resolve(Overrides { config: Some(file.clone()), ..Default::default() }, None).unwrap();
        assert_eq!(from_file.database_url, "sqlite://from-file.db");
        assert_eq!(from_file.addr.to_string(), "0.0.0.0:9000");
        assert_eq!(from_file.sqlite_synchronous, SqliteSync::Normal);
        let from_env = Config::resolve(
            Overrides { config: Some(file.clone()), ..Default::default() },
            Some("postgres://env/db".into()),
        )
        .unwrap();
        assert_eq!(from_env.database_url, "postgres://env/db");
        let from_flag = Config::resolve(
            Overrides { config: Some(file), database_url: Some("sqlite://flag.db".into()), ..Default::default() },
            Some("postgres://env/db".into()),
        )
        .unwrap();
        assert_eq!(from_flag.database_url, "sqlite://flag.db");
    }

    #[test]
    fn unknown_keys_in_the_file_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("octroi.toml");
        std::fs::write(&file, "databse_url = \"x\"\n").unwrap();
        let err = Config::resolve(Overrides { config: Some(file), ..Default::default() }, None).unwrap_err();
        assert!(err.to_string().contains("databse_url"), "{err}");
    }

    #[test]
    fn passwords_are_never_printed() {
        assert_eq!(redact_url("postgres://octroi:s3cret@db.example/octroi"), "postgres://octroi:***@db.example/octroi");
        assert_eq!(redact_url("sqlite://data/octroi.db"), "sqlite://data/octroi.db");
        let c = Config::resolve(
            Overrides { database_url: Some("postgres://u:hunter2@h/d".into()), ..Default::default() },
            None,
        )
        .unwrap();
        assert!(!format!("{c:?}").contains("hunter2"));
        assert!(!redact_url("postgres://u:hun ter2@h/d").contains("hun"));
    }
}
