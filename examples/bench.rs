//! The benchmark harness (run it with `scripts/bench`, which builds it and the server in release mode).
//!
//! Seeds N grants (default 50 000) straight into a fresh database, starts the real `octroi serve` binary
//! on it, and measures requests/s and latency percentiles under C concurrent connections (default 64) of:
//! `GET /api/v1/grants/{id}` on random grants, and firing a transition (each worker owns its own grants,
//! alternating `request_info` and `provide_info`, so that every request is a real state change).
//! Prints the server's peak resident memory at the end.

use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use clap::Parser;
use octroi::storage::{Db, SqliteSync};
use serde_json::json;

#[derive(Parser, Debug)]
struct Args {
    /// sqlite, or a postgres:// URL of a server (a fresh database `octroi_bench` is created on it)
    #[arg(long, default_value = "sqlite")]
    database: String,
    /// The octroi binary to serve with
    #[arg(long, default_value = "target/release/octroi")]
    server: String,
    #[arg(long, default_value_t = 50_000)]
    grants: u32,
    #[arg(long, default_value_t = 64)]
    connections: u32,
    /// Length of each measured phase
    #[arg(long, default_value_t = 10)]
    seconds: u64,
    /// `api`: GET a grant and fire transitions; `web`: sign in and save the application form, as
    /// browsers do (use --connections 32); `queues`: 100 reviewers, the grants spread over the review
    /// states, then the screening queue page (program officers) and the my-reviews page (reviewers);
    /// `awards`: every grant approved, then award confirmations, then `octroi letters` over the awarded;
    /// `purchases`: every grant active with a commitment and a purchase to decide, approvals competing,
    /// then one payment run of the 5 000 verified purchases (made, then every line answered)
    #[arg(long, default_value = "api")]
    scenario: String,
}

/// The password of every seeded account, and the tokens of the seeded program officer and members.
const PASSWORD: &str = "bench password 2026";
const OFFICER_TOKEN: &str = "oct_bench_officer";

fn member_token(organism: u32) -> String {
    format!("oct_bench_member_{organism}")
}

fn organism_of(grant: u32) -> u32 {
    1 + (grant - 1) / 10
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let url = prepare_database(&args.database).await?;
    let started = Instant::now();
    seed(&url, args.grants).await?;
    if args.scenario == "queues" {
        seed_review(&url, args.grants).await?;
    }
    if args.scenario == "awards" {
        seed_approved(&url).await?;
    }
    if args.scenario == "purchases" {
        seed_purchases(&url, args.grants).await?;
    }
    println!("seeded {} grants in {:.1} s", args.grants, started.elapsed().as_secs_f64());

    let port = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
    let mut server = Server(
        Command::new(&args.server)
            .args(["serve", "--addr", &format!("127.0.0.1:{port}"), "--database-url", &url])
            .env("OCTROI_LOG", "warn")
            .stdout(Stdio::null())
            .spawn()?,
    );
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::builder().pool_max_idle_per_host(args.connections as usize).build()?;
    wait_ready(&client, &base).await?;

    let backend = if url.starts_with("sqlite") { "SQLite" } else { "PostgreSQL" };
    println!("{backend}, {} connections, {} s a phase, server {}", args.connections, args.seconds, args.server);
    if args.scenario == "awards" {
        awards(&client, &base, args.connections, args.seconds, args.grants).await;
        println!("server peak resident memory: {}", peak_memory(&server.0).unwrap_or_else(|| "unknown".into()));
        drop(server);
        // Then the letters of every grant just awarded, in one batch, as `octroi letters` makes them.
        let out = std::env::temp_dir().join(format!("octroi-bench-letters-{}", std::process::id()));
        let letters = Command::new(&args.server)
            .args(["letters", "--out", &out.display().to_string(), "--database-url", &url])
            .env("OCTROI_LOG", "warn")
            .output()?;
        print!("octroi letters: {}", String::from_utf8_lossy(&letters.stdout));
        anyhow::ensure!(
            letters.status.success(),
            "octroi letters failed: {}",
            String::from_utf8_lossy(&letters.stderr)
        );
        std::fs::remove_dir_all(&out)?;
        return Ok(());
    }
    if args.scenario == "purchases" {
        purchases(&client, &base, args.connections, args.seconds, args.grants).await?;
        println!("server peak resident memory: {}", peak_memory(&server.0).unwrap_or_else(|| "unknown".into()));
        return Ok(());
    }
    if args.scenario == "web" || args.scenario == "queues" {
        if args.scenario == "web" {
            web(&base, args.connections, args.seconds).await?;
        } else {
            queues(&base, args.connections, args.seconds).await?;
        }
        println!("server peak resident memory: {}", peak_memory(&server.0).unwrap_or_else(|| "unknown".into()));
        return Ok(());
    }
    let reads = run(args.connections, args.seconds, {
        let (client, base, n) = (client.clone(), base.clone(), u64::from(args.grants));
        move |worker, i| {
            let (client, base) = (client.clone(), base.clone());
            async move {
                // A cheap spread over all grants (the same on every run).
                let id = 1 + (u64::from(worker) * 7_919 + i * 104_729) % n;
                let r = client.get(format!("{base}/api/v1/grants/{id}")).bearer_auth(OFFICER_TOKEN).send().await?;
                Ok((r.status() == 200 && r.bytes().await.is_ok(), None))
            }
        }
    })
    .await;
    reads.print("GET /api/v1/grants/{id}");

    // Each worker fires on its own slice of grants, knowing their versions: no conflicts by design.
    let per_worker = args.grants / args.connections;
    let versions: Arc<Vec<AtomicU64>> = Arc::new((0..=args.grants).map(|_| AtomicU64::new(3)).collect());
    let writes = run(args.connections, args.seconds, {
        let (client, base) = (client.clone(), base.clone());
        move |worker, i| {
            let (client, base, versions) = (client.clone(), base.clone(), versions.clone());
            async move {
                let id = 1 + worker * per_worker + (i % u64::from(per_worker)) as u32;
                let version = versions[id as usize].load(Ordering::Relaxed);
                // Version 3 is screening; odd versions are back in screening, even ones wait for the applicant.
                let (event, token) = if version % 2 == 1 {
                    ("request_info", OFFICER_TOKEN.to_string())
                } else {
                    ("provide_info", member_token(organism_of(id)))
                };
                let r = client
                    .post(format!("{base}/api/v1/grants/{id}/transitions"))
                    .bearer_auth(token)
                    .json(&json!({ "event": event, "version": version, "reason": "benchmark" }))
                    .send()
                    .await?;
                let ok = r.status() == 200;
                if ok {
                    versions[id as usize].store(version + 1, Ordering::Relaxed);
                }
                Ok((ok && r.bytes().await.is_ok(), None))
            }
        }
    })
    .await;
    writes.print("POST /api/v1/grants/{id}/transitions");
    println!("server peak resident memory: {}", peak_memory(&server.0).unwrap_or_else(|| "unknown".into()));
    server.0.kill()?;
    Ok(())
}

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

async fn prepare_database(database: &str) -> anyhow::Result<String> {
    if database == "sqlite" {
        let dir = std::path::Path::new("target/bench");
        std::fs::create_dir_all(dir)?;
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(dir.join(format!("octroi-bench.db{suffix}")));
        }
        return Ok(format!("sqlite://{}/octroi-bench.db", dir.display()));
    }
    let admin = Db::connect(database, SqliteSync::Full).await?;
    sqlx::query("DROP DATABASE IF EXISTS octroi_bench WITH (FORCE)").execute(admin.pool()).await?;
    sqlx::query("CREATE DATABASE octroi_bench").execute(admin.pool()).await?;
    admin.close().await;
    let mut url = url::Url::parse(database)?;
    url.set_path("/octroi_bench");
    Ok(url.to_string())
}

/// N grants in screening (version 3, with their two audit rows), 10 per organism, in large batches.
async fn seed(url: &str, grants: u32) -> anyhow::Result<()> {
    let db = Db::connect(url, SqliteSync::Normal).await?;
    db.migrate().await?;
    let at = "2026-11-01T12:00:00.000Z";
    let organisms = grants.div_ceil(10);
    let mut tx = db.begin_write().await?;
    for chunk in (1..=organisms).collect::<Vec<_>>().chunks(1000) {
        let rows: Vec<String> = chunk
            .iter()
            .map(|n| {
                format!(
                    "({n}, 'Organisme {n}', '11{n:08}', '{:02}', '{n}, rue Principale', 'Montréal', 'H2X 1Y4', \
                     'info{n}@exemple.org', 'Lutte contre la pauvreté', 'fr', '{at}', '{at}')",
                    1 + n % 17
                )
            })
            .collect();
        sqlx::query(&format!(
            "INSERT INTO organisms (id, legal_name, neq, region, street_address, city, postal_code, contact_email, \
             mission_summary, preferred_language, created_at, updated_at) VALUES {}",
            rows.join(",")
        ))
        .execute(&mut *tx)
        .await?;
    }
    for chunk in (1..=grants).collect::<Vec<_>>().chunks(1000) {
        let rows: Vec<String> = chunk
            .iter()
            .map(|n| {
                format!(
                    "({n}, {}, 'screening', 3, 'Projet {n}', 'Besoins', 'Projet', {}, 48000, 650, 'Personne {n}', \
                     'contact{n}@exemple.org', '{at}', '{at}', '{at}', '{at}')",
                    1 + (n - 1) / 10,
                    100_000 + (n % 50) * 10_000
                )
            })
            .collect();
        sqlx::query(&format!(
            "INSERT INTO grants (id, organism_id, state, version, title, needs_assessment, project_description, \
             requested_equipment_cents, requested_software_cents, requested_coaching_hundredths, contact_name, \
             contact_email, created_at, updated_at, state_entered_at, submitted_at) VALUES {}",
            rows.join(",")
        ))
        .execute(&mut *tx)
        .await?;
        let history: Vec<String> = chunk
            .iter()
            .flat_map(|n| {
                [
                    format!("({n}, 2, 'submit', 'draft', 'submitted', 'seed', 'applicant', '', '{at}')"),
                    format!(
                        "({n}, 3, 'begin_screening', 'submitted', 'screening', 'seed', 'program_officer', '', '{at}')"
                    ),
                ]
            })
            .collect();
        sqlx::query(&format!(
            "INSERT INTO grant_transitions (grant_id, version, event, from_state, to_state, actor, actor_role, reason, at) \
             VALUES {}",
            history.join(",")
        ))
        .execute(&mut *tx)
        .await?;
    }
    // A program officer and one member per organism, each with a token.
    let hash = octroi::passwords::hash(PASSWORD).await?;
    let token_hash = octroi::passwords::token_hash;
    let mut users =
        vec![format!("(1, 'officer@bench.org', 'Agente', 'program_officer', NULL, '{hash}', 0, 'fr', '{at}')")];
    let mut tokens = vec![format!("(1, 1, '{}', 'bench', '{at}')", token_hash(OFFICER_TOKEN))];
    for n in 1..=organisms {
        let id = n + 1;
        users.push(format!("({id}, 'member{n}@bench.org', 'Membre {n}', 'member', {n}, '{hash}', 0, 'fr', '{at}')"));
        tokens.push(format!("({id}, {id}, '{}', 'bench', '{at}')", token_hash(&member_token(n))));
    }
    for (chunk_users, chunk_tokens) in users.chunks(1000).zip(tokens.chunks(1000)) {
        sqlx::query(&format!(
            "INSERT INTO users (id, email, display_name, role, organism_id, password_hash, must_change_password, \
             language, created_at) VALUES {}",
            chunk_users.join(",")
        ))
        .execute(&mut *tx)
        .await?;
        sqlx::query(&format!(
            "INSERT INTO api_tokens (id, user_id, token_hash, label, created_at) VALUES {}",
            chunk_tokens.join(",")
        ))
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    if url.starts_with("postgres") {
        // Identity columns must continue after the ids given explicitly.
        for table in ["organisms", "grants", "users", "api_tokens"] {
            sqlx::query(&format!(
                "SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
            ))
            .execute(db.pool())
            .await?;
        }
        sqlx::query("ANALYZE").execute(db.pool()).await?;
    }
    db.close().await;
    Ok(())
}

async fn wait_ready(client: &reqwest::Client, base: &str) -> anyhow::Result<()> {
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        if client.get(format!("{base}/readyz")).send().await.is_ok_and(|r| r.status() == 200) {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    anyhow::bail!("the server did not become ready")
}

struct Report {
    latencies: Vec<Duration>,
    errors: u64,
    elapsed: Duration,
}

impl Report {
    fn percentile(&self, p: f64) -> Duration {
        if self.latencies.is_empty() {
            return Duration::ZERO;
        }
        let rank = ((p / 100.0) * self.latencies.len() as f64).ceil() as usize;
        self.latencies[rank.clamp(1, self.latencies.len()) - 1]
    }

    fn print(&self, what: &str) {
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        println!(
            "{what}: {} requests, {:.0} req/s, p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms, {} errors",
            self.latencies.len(),
            self.latencies.len() as f64 / self.elapsed.as_secs_f64(),
            ms(self.percentile(50.0)),
            ms(self.percentile(99.0)),
            ms(self.latencies.last().copied().unwrap_or_default()),
            self.errors
        );
    }
}

/// Runs `request(worker, i)` in `connections` concurrent loops for `seconds` (after a one-second warm-up).
/// A request says whether it succeeded and, when only part of it is to be timed, how long that part took.
async fn run<F, Fut>(connections: u32, seconds: u64, request: F) -> Report
where
    F: Fn(u32, u64) -> Fut + Clone + Send + 'static,
    Fut: std::future::Future<Output = anyhow::Result<(bool, Option<Duration>)>> + Send,
{
    let warmup = Instant::now() + Duration::from_secs(1);
    let end = warmup + Duration::from_secs(seconds);
    let tasks: Vec<_> = (0..connections)
        .map(|worker| {
            let request = request.clone();
            tokio::spawn(async move {
                let (mut latencies, mut errors, mut i) = (Vec::new(), 0u64, 0u64);
                loop {
                    let start = Instant::now();
                    if start >= end {
                        break;
                    }
                    let (ok, timed) = request(worker, i).await.unwrap_or((false, None));
                    i += 1;
                    if start >= warmup {
                        if ok {
                            latencies.push(timed.unwrap_or_else(|| start.elapsed()));
                        } else {
                            errors += 1;
                        }
                    }
                }
                (latencies, errors)
            })
        })
        .collect();
    let mut report = Report { latencies: Vec::new(), errors: 0, elapsed: Duration::from_secs(seconds) };
    for t in tasks {
        let (latencies, errors) = t.await.expect("a worker");
        report.latencies.extend(latencies);
        report.errors += errors;
    }
    report.latencies.sort();
    report
}

/// The review states the queues scenario spreads grants over, by `id % 10`: 0–3 stay in screening
/// (half of them back to submitted), 4–6 in review with two reviewers each (one review in for some),
/// 7–8 in decision with both reviews in, 9 waiting for the applicant.
async fn seed_review(url: &str, grants: u32) -> anyhow::Result<()> {
    let db = Db::connect(url, SqliteSync::Normal).await?;
    let at = "2026-11-01T12:00:00.000Z";
    let mut tx = db.begin_write().await?;
    // States, ages (a day per id modulo 60, so that sorting by age means something) and scores.
    sqlx::query(
        "UPDATE grants SET
           state = CASE WHEN id % 10 < 4 THEN (CASE WHEN id % 2 = 0 THEN 'submitted' ELSE 'screening' END)
                        WHEN id % 10 < 7 THEN 'in_review' WHEN id % 10 < 9 THEN 'decision' ELSE 'more_info' END,
           state_entered_at = '2026-' || (CASE WHEN id % 12 < 9 THEN '0' ELSE '' END) || CAST(1 + id % 12 AS TEXT)
             || '-' || (CASE WHEN id % 28 < 9 THEN '0' ELSE '' END) || CAST(1 + id % 28 AS TEXT) || 'T12:00:00.000Z',
           reviews_done = CASE WHEN id % 10 IN (7, 8) THEN 2 WHEN id % 10 = 4 THEN 1 ELSE 0 END,
           review_score_hundredths = CASE WHEN id % 10 IN (4, 7, 8) THEN 100 + (id * 37) % 400 ELSE NULL END",
    )
    .execute(&mut *tx)
    .await?;
    let first_reviewer = 1_000_000;
    let hash = octroi::passwords::hash(PASSWORD).await?;
    let reviewers: Vec<String> = (0..100)
        .map(|r| {
            format!(
                "({}, 'reviewer{r}@bench.org', 'Évaluateur {r}', 'reviewer', NULL, '{hash}', 0, 'fr', '{at}', '{:02}')",
                first_reviewer + r,
                1 + r % 17
            )
        })
        .collect();
    sqlx::query(&format!(
        "INSERT INTO users (id, email, display_name, role, organism_id, password_hash, must_change_password,          language, created_at, region) VALUES {}",
        reviewers.join(",")
    ))
    .execute(&mut *tx)
    .await?;
    // Each reviewer declared a conflict with five organisms.
    let conflicts: Vec<String> = (0..100u32)
        .flat_map(|r| (0..5u32).map(move |k| (r, 1 + (r * 97 + k * 13) % grants.div_ceil(10))))
        .map(|(r, o)| format!("({}, {o}, 'bench', '{at}')", first_reviewer + r))
        .collect();
    sqlx::query(&format!(
        "INSERT INTO conflicts (user_id, organism_id, reason, declared_at) VALUES {} ON CONFLICT DO NOTHING",
        conflicts.join(",")
    ))
    .execute(&mut *tx)
    .await?;
    let reviewed: Vec<u32> = (1..=grants).filter(|id| (4..9).contains(&(id % 10))).collect();
    for chunk in reviewed.chunks(1000) {
        let (mut assignments, mut reviews) = (Vec::new(), Vec::new());
        for &id in chunk {
            let a = id % 100;
            let b = (a + 1 + (id / 100) % 99) % 100;
            for (k, r) in [a, b].into_iter().enumerate() {
                let user = first_reviewer + r;
                assignments.push(format!("({id}, {user}, 'reviewer', '{at}')"));
                let done = id % 10 >= 7 || (id % 10 == 4 && k == 0);
                if done {
                    reviews.push(format!(
                        "({id}, {user}, '{{\"need\":3,\"mission\":3,\"feasibility\":3,\"sustainability\":3}}', '3', 'Bien.', 'approve', '{at}')"
                    ));
                }
            }
        }
        sqlx::query(&format!(
            "INSERT INTO grant_assignments (grant_id, user_id, kind, assigned_at) VALUES {}",
            assignments.join(",")
        ))
        .execute(&mut *tx)
        .await?;
        sqlx::query(&format!(
            "INSERT INTO reviews (grant_id, reviewer_id, scores, weighted_score, comment, recommendation, submitted_at)              VALUES {}",
            reviews.join(",")
        ))
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    // The steady state of a live database: statistics gathered and, on PostgreSQL, the visibility map
    // that index-only scans need (autovacuum's work; a bulk load has not had it yet).
    let maintenance = if url.starts_with("postgres") { "VACUUM ANALYZE" } else { "ANALYZE" };
    sqlx::query(maintenance).execute(db.pool()).await?;
    db.close().await;
    Ok(())
}

/// Every grant approved (as after the decision), with its proposal, ready to be awarded.
async fn seed_approved(url: &str) -> anyhow::Result<()> {
    let db = Db::connect(url, SqliteSync::Normal).await?;
    let mut tx = db.begin_write().await?;
    sqlx::query(
        "UPDATE grants SET state = 'approved', proposed_equipment_cents = 10000, proposed_software_cents = 0,
           proposed_coaching_hundredths = 0",
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    let maintenance = if url.starts_with("postgres") { "VACUUM ANALYZE" } else { "ANALYZE" };
    sqlx::query(maintenance).execute(db.pool()).await?;
    db.close().await;
    Ok(())
}

/// The awards scenario: 64 program officers at once, each confirming awards of 100,00 $ of equipment on
/// its own grants (each awarded once, with its own Idempotency-Key), all from the FQIS 2024-2025 envelope:
/// every confirmation takes that envelope's lock.
async fn awards(client: &reqwest::Client, base: &str, connections: u32, seconds: u64, grants: u32) {
    let report = run(connections, seconds, {
        let (client, base) = (client.clone(), base.to_string());
        move |worker, i| {
            let (client, base) = (client.clone(), base.clone());
            async move {
                let id = 1 + u64::from(worker) + i * u64::from(connections);
                anyhow::ensure!(id <= u64::from(grants), "no grant left to award");
                // What is confirmed is what was previewed: the preview's id goes with the confirmation.
                let mut body = json!({ "version": 3, "equipment": "100", "fiscal_year": "2024-2025" });
                let url = format!("{base}/api/v1/grants/{id}/award");
                let mut preview = body.clone();
                preview["preview"] = true.into();
                let seen: serde_json::Value =
                    client.post(&url).bearer_auth(OFFICER_TOKEN).json(&preview).send().await?.json().await?;
                body["preview_id"] = seen["preview_id"].clone();
                let r = client
                    .post(&url)
                    .bearer_auth(OFFICER_TOKEN)
                    .header("idempotency-key", format!("bench-{id}"))
                    .json(&body)
                    .send()
                    .await?;
                Ok((r.status() == 200 && r.bytes().await.is_ok(), None))
            }
        }
    })
    .await;
    report.print("POST /api/v1/grants/{id}/award (preview, then confirm: commits in the ledger)");
}

/// The queues scenario: 64 people at once, each signed in once (not timed): half program officers paging
/// through the screening queue with and without filters, half reviewers opening their own queue.
async fn queues(base: &str, connections: u32, seconds: u64) -> anyhow::Result<()> {
    let mut officers = Vec::new();
    let mut reviewers = Vec::new();
    for worker in 0..connections {
        let client = browser();
        let token = csrf(&client, format!("{base}/login")).await?;
        let email =
            if worker % 2 == 0 { "officer@bench.org".to_string() } else { format!("reviewer{}@bench.org", worker / 2) };
        let r = client
            .post(format!("{base}/login"))
            .form(&[("csrf", token.as_str()), ("email", &email), ("password", PASSWORD)])
            .send()
            .await?;
        anyhow::ensure!(r.status() == 303, "sign-in of {email}: {}", r.status());
        if worker % 2 == 0 { officers.push(client) } else { reviewers.push(client) }
    }
    let (officers, reviewers) = (Arc::new(officers), Arc::new(reviewers));
    let screening = run(connections, seconds, {
        let (base, officers) = (base.to_string(), officers.clone());
        move |worker, i| {
            let (base, officers) = (base.clone(), officers.clone());
            async move {
                let client = &officers[worker as usize % officers.len()];
                // Pages 1 to 40 by age; every third request filtered by region and amount, sorted by score.
                let query = if i % 3 == 2 {
                    format!("?region={:02}&min=1000&max=4000&sort=score&page={}", 1 + i % 17, 1 + i % 5)
                } else {
                    format!("?page={}", 1 + (u64::from(worker) * 7 + i) % 40)
                };
                let r = client.get(format!("{base}/queues/screening{query}")).send().await?;
                Ok((r.status() == 200 && r.bytes().await.is_ok(), None))
            }
        }
    })
    .await;
    screening.print("GET /queues/screening (program officers)");
    let mine = run(connections, seconds, {
        let (base, reviewers) = (base.to_string(), reviewers.clone());
        move |worker, _| {
            let (base, reviewers) = (base.clone(), reviewers.clone());
            async move {
                let client = &reviewers[worker as usize % reviewers.len()];
                let r = client.get(format!("{base}/queues/my-reviews")).send().await?;
                Ok((r.status() == 200 && r.bytes().await.is_ok(), None))
            }
        }
    })
    .await;
    mine.print("GET /queues/my-reviews (reviewers)");
    Ok(())
}

fn browser() -> reqwest::Client {
    reqwest::Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).build().expect("a client")
}

async fn csrf(client: &reqwest::Client, url: String) -> anyhow::Result<String> {
    let html = client.get(url).send().await?.text().await?;
    let start = html.find("name=\"csrf\" value=\"").ok_or_else(|| anyhow::anyhow!("no CSRF token"))? + 19;
    let end = html[start..].find('"').ok_or_else(|| anyhow::anyhow!("no end to the CSRF token"))?;
    Ok(html[start..start + end].to_string())
}

/// The web scenario: `connections` people at once, each signing in (fresh session, argon2id check) and
/// saving their application form over and over.
async fn web(base: &str, connections: u32, seconds: u64) -> anyhow::Result<()> {
    let logins = run(connections, seconds, {
        let base = base.to_string();
        move |worker, i| {
            let base = base.clone();
            async move {
                // Not timed: the visit to the sign-in page that gives the session and its CSRF token.
                let client = browser();
                let token = csrf(&client, format!("{base}/login")).await?;
                let email = format!("member{}@bench.org", 1 + (u64::from(worker) * 131 + i) % 4_000);
                let form = [("csrf", token.as_str()), ("email", email.as_str()), ("password", PASSWORD)];
                let started = Instant::now();
                let r = client.post(format!("{base}/login")).form(&form).send().await?;
                Ok((r.status() == 303, Some(started.elapsed())))
            }
        }
    })
    .await;
    logins.print("POST /login (argon2id)");

    // Each person signs in once, starts a draft, then saves it again and again.
    let mut people = Vec::new();
    for worker in 0..connections {
        let client = browser();
        let token = csrf(&client, format!("{base}/login")).await?;
        let email = format!("member{}@bench.org", 4_001 + worker);
        client
            .post(format!("{base}/login"))
            .form(&[("csrf", token.as_str()), ("email", &email), ("password", PASSWORD)])
            .send()
            .await?;
        let token = csrf(&client, format!("{base}/dashboard")).await?;
        let r = client.post(format!("{base}/grants/new")).form(&[("csrf", token.as_str())]).send().await?;
        let location = r.headers().get("location").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
        people.push((client, token, location.replace("/edit", ""), Arc::new(AtomicU64::new(1))));
    }
    let people = Arc::new(people);
    let saves = run(connections, seconds, {
        let (base, people) = (base.to_string(), people.clone());
        move |worker, i| {
            let (base, people) = (base.clone(), people.clone());
            async move {
                let (client, token, grant, version) = &people[worker as usize];
                let v = version.load(Ordering::Relaxed).to_string();
                let title = format!("Virage numérique, version {i}");
                let form = [
                    ("csrf", token.as_str()),
                    ("version", v.as_str()),
                    ("action", "save"),
                    ("title", title.as_str()),
                    ("needs_assessment", "Nos postes ont dix ans et les inscriptions se font sur papier."),
                    ("project_description", "Remplacer trois postes et adopter un logiciel d'inscription."),
                    ("line_category", "equipment"),
                    ("line_description", "Ordinateur portable 14 po"),
                    ("line_quantity", "3"),
                    ("line_unit_price", "1 099,99"),
                    ("line_category", "software"),
                    ("line_description", "Suite bureautique"),
                    ("line_quantity", "1"),
                    ("line_unit_price", "480,50"),
                    ("requested_coaching_hours", "6,5"),
                    ("contact_name", "Marie Tremblay"),
                    ("contact_email", "marie@exemple.org"),
                ];
                let r = client.post(format!("{base}{grant}/edit")).form(&form).send().await?;
                let ok = r.status() == 303;
                if ok {
                    version.fetch_add(1, Ordering::Relaxed);
                }
                Ok((ok, None))
            }
        }
    })
    .await;
    saves.print("POST /grants/{id}/edit (save the application form)");
    Ok(())
}

/// The server's peak resident memory (VmHWM) and, now, its own memory (RssAnon) apart from the database
/// file's pages it maps (RssFile: SQLite's memory map, shared with the OS cache and counted once per
/// connection's mapping), from /proc.
fn peak_memory(child: &Child) -> Option<String> {
    let status = std::fs::read_to_string(format!("/proc/{}/status", child.id())).ok()?;
    let field = |name: &str| {
        status.lines().find(|l| l.starts_with(name)).map(|l| l.trim_start_matches(name).trim().to_string())
    };
    Some(format!("{} (now: {} anonymous, {} mapped files)", field("VmHWM:")?, field("RssAnon:")?, field("RssFile:")?))
}

const FINANCE_TOKEN: &str = "oct_bench_finance";
/// How many verified purchases the payment run pays.
const RUN_SIZE: u32 = 5_000;

/// Every grant active with a commitment of 20,00 $ of equipment (FQIS 2024-2025) and a purchase of
/// 10,00 $ before taxes waiting for the program officer (purchase n on grant n); the first 5 000 grants
/// also hold a verified purchase of 5,00 $ (its invoice recorded, its cost held) for the payment run.
async fn seed_purchases(url: &str, grants: u32) -> anyhow::Result<()> {
    use octroi::domain::grant::{Line, LineCategory};
    use octroi::domain::{Money, purchase::Cost};
    use octroi::storage::purchases::Costs;
    let program = octroi::policy::Program::load(std::path::Path::new("policies/dataide.toml"))?;
    let db = Db::connect(url, SqliteSync::Normal).await?;
    db.sync_program(&program).await?;
    let costs = |price: i64| {
        let line = Line {
            category: LineCategory::Equipment,
            description: "Portable".into(),
            quantity: 1,
            unit_price: Money::from_cents(price),
        };
        Costs::of(&Cost::of(&[line], program.purchases.taxes))
    };
    let (asked, paid) = (costs(1_000), costs(500));
    let columns = |c: &Costs| {
        [c.price, c.gst, c.qst, c.rebate, c.cost, c.equipment_cost, c.software_cost]
            .map(|m| m.cents().to_string())
            .join(", ")
    };
    let at = "2026-11-01T12:00:00.000Z";
    let organisms = grants.div_ceil(10);
    let finance = organisms + 2;
    let mut tx = db.begin_write().await?;
    sqlx::query("UPDATE grants SET state = 'active'").execute(&mut *tx).await?;
    let hash = octroi::passwords::hash(PASSWORD).await?;
    sqlx::query(&format!(
        "INSERT INTO users (id, email, display_name, role, organism_id, password_hash, must_change_password, language, \
         created_at) VALUES ({finance}, 'finance@bench.org', 'Finances', 'finance', NULL, '{hash}', 0, 'fr', '{at}')"
    ))
    .execute(&mut *tx)
    .await?;
    sqlx::query(&format!(
        "INSERT INTO api_tokens (id, user_id, token_hash, label, created_at) VALUES ({finance}, {finance}, '{}', 'bench', '{at}')",
        octroi::passwords::token_hash(FINANCE_TOKEN)
    ))
    .execute(&mut *tx)
    .await?;
    for chunk in (1..=grants).collect::<Vec<_>>().chunks(1000) {
        let commits: Vec<String> = chunk
            .iter()
            .map(|n| format!("({n}, 'FQIS', '2024-2025', 'equipment', {n}, 'commit', 2000, 'seed', '', '{at}')"))
            .collect();
        sqlx::query(&format!(
            "INSERT INTO ledger_entries (id, envelope_code, fiscal_year, category_code, grant_id, kind, amount_cents, \
             actor, reason, at) VALUES {}",
            commits.join(",")
        ))
        .execute(&mut *tx)
        .await?;
        let purchase = |n: u32, id: u32, state: &str, c: &Costs| {
            format!(
                "({id}, {n}, {}, '{state}', 2, 'Coop informatique', '', '', 'Banc d''essai', {}, {}, '{at}', '{at}', '{at}')",
                organism_of(n),
                columns(c),
                organism_of(n) + 1
            )
        };
        let mut rows: Vec<String> = chunk.iter().map(|&n| purchase(n, n, "submitted", &asked)).collect();
        rows.extend(chunk.iter().filter(|&&n| n <= RUN_SIZE).map(|&n| purchase(n, grants + n, "verified", &paid)));
        sqlx::query(&format!(
            "INSERT INTO purchases (id, grant_id, organism_id, state, version, vendor_name, vendor_gst, vendor_qst, \
             justification, price_cents, gst_cents, qst_cents, rebate_cents, cost_cents, equipment_cost_cents, \
             software_cost_cents, created_by, created_at, updated_at, state_entered_at) VALUES {}",
            rows.join(",")
        ))
        .execute(&mut *tx)
        .await?;
        let lines: Vec<String> = chunk
            .iter()
            .map(|n| format!("({n}, 1, 'equipment', 'Portable', 1, 1000)"))
            .chain(
                chunk
                    .iter()
                    .filter(|&&n| n <= RUN_SIZE)
                    .map(|n| format!("({}, 1, 'equipment', 'Portable', 1, 500)", grants + n)),
            )
            .collect();
        sqlx::query(&format!(
            "INSERT INTO purchase_lines (purchase_id, position, category, description, quantity, unit_price_cents) \
             VALUES {}",
            lines.join(",")
        ))
        .execute(&mut *tx)
        .await?;
        let paying: Vec<u32> = chunk.iter().copied().filter(|&n| n <= RUN_SIZE).collect();
        if paying.is_empty() {
            continue;
        }
        let invoices: Vec<String> = paying
            .iter()
            .map(|n| {
                format!(
                    "({n}, {}, {}, 'coop informatique', 'F-{n}', '2026-11-01', {}, {}, '{at}')",
                    grants + n,
                    organism_of(*n),
                    columns(&paid),
                    organism_of(*n) + 1
                )
            })
            .collect();
        sqlx::query(&format!(
            "INSERT INTO purchase_invoices (id, purchase_id, organism_id, vendor_key, number, invoice_date, \
             price_cents, gst_cents, qst_cents, rebate_cents, cost_cents, equipment_cost_cents, software_cost_cents, \
             submitted_by, submitted_at) VALUES {}",
            invoices.join(",")
        ))
        .execute(&mut *tx)
        .await?;
        let invoice_lines: Vec<String> = paying.iter().map(|n| format!("({n}, 1, 1, 500)")).collect();
        sqlx::query(&format!(
            "INSERT INTO purchase_invoice_lines (invoice_id, position, quantity, unit_price_cents) VALUES {}",
            invoice_lines.join(",")
        ))
        .execute(&mut *tx)
        .await?;
        let holds: Vec<String> = paying
            .iter()
            .map(|n| format!("({n}, {}, {n}, 'equipment', 'hold', {}, 'seed', '{at}')", grants + n, paid.cost.cents()))
            .collect();
        sqlx::query(&format!(
            "INSERT INTO purchase_holds (id, purchase_id, grant_id, category_code, kind, amount_cents, actor, at) VALUES {}",
            holds.join(",")
        ))
        .execute(&mut *tx)
        .await?;
    }
    sqlx::query(
        "INSERT INTO ledger_balances (envelope_code, fiscal_year, committed_cents, spent_cents)
         SELECT 'FQIS', '2024-2025', CAST(SUM(amount_cents) AS BIGINT), 0 FROM ledger_entries WHERE 1 = 1
         ON CONFLICT (envelope_code, fiscal_year) DO UPDATE SET committed_cents = excluded.committed_cents",
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    if url.starts_with("postgres") {
        for table in ["users", "api_tokens", "ledger_entries", "purchases", "purchase_invoices", "purchase_holds"] {
            sqlx::query(&format!(
                "SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
            ))
            .execute(db.pool())
            .await?;
        }
    }
    let maintenance = if url.starts_with("postgres") { "VACUUM ANALYZE" } else { "ANALYZE" };
    sqlx::query(maintenance).execute(db.pool()).await?;
    db.close().await;
    Ok(())
}

/// The purchases scenario: 64 program officers approving requests at once (each approval locks its
/// grant, checks the bourse's room and writes its hold), then finance's payment run of the 5 000
/// verified purchases: listed, made (each line planned on the envelopes), read, then every line answered
/// cleared by 64 connections (each a payment: the ledger's spend and the hold settled).
async fn purchases(
    client: &reqwest::Client,
    base: &str,
    connections: u32,
    seconds: u64,
    grants: u32,
) -> anyhow::Result<()> {
    let report = run(connections, seconds, {
        let (client, base) = (client.clone(), base.to_string());
        move |worker, i| {
            let (client, base) = (client.clone(), base.clone());
            async move {
                let id = 1 + u64::from(worker) + i * u64::from(connections);
                anyhow::ensure!(id <= u64::from(grants), "no purchase left to approve");
                let r = client
                    .post(format!("{base}/api/v1/purchases/{id}/transitions"))
                    .bearer_auth(OFFICER_TOKEN)
                    .json(&json!({ "event": "approve", "version": 2, "reason": "" }))
                    .send()
                    .await?;
                Ok((r.status() == 200 && r.bytes().await.is_ok(), None))
            }
        }
    })
    .await;
    report.print("POST /api/v1/purchases/{id}/transitions approve (room checked, hold written)");

    let started = Instant::now();
    let payable: serde_json::Value = client
        .get(format!("{base}/api/v1/payment-runs/payable"))
        .bearer_auth(FINANCE_TOKEN)
        .send()
        .await?
        .json()
        .await?;
    let ids: Vec<i64> =
        payable.as_array().map(|a| a.iter().filter_map(|p| p["purchase_id"].as_i64()).collect()).unwrap_or_default();
    println!("GET /api/v1/payment-runs/payable: {} purchases in {:.2} s", ids.len(), started.elapsed().as_secs_f64());
    let started = Instant::now();
    let r = client
        .post(format!("{base}/api/v1/payment-runs"))
        .bearer_auth(FINANCE_TOKEN)
        .json(&json!({ "purchases": ids }))
        .send()
        .await?;
    anyhow::ensure!(r.status() == 201, "the run was refused: {}", r.text().await?);
    let made: serde_json::Value = r.json().await?;
    println!(
        "POST /api/v1/payment-runs: {} lines, {} in all, made in {:.2} s",
        made["lines"].as_array().map_or(0, Vec::len),
        made["total"],
        started.elapsed().as_secs_f64()
    );
    let run_id = made["id"].as_i64().unwrap_or_default();
    let lines: Arc<Vec<i64>> = Arc::new(
        made["lines"].as_array().map(|a| a.iter().filter_map(|l| l["id"].as_i64()).collect()).unwrap_or_default(),
    );
    // A fifth of the lines answered one by one (as finance records the bank's refusals), then the rest
    // recorded paid in one step.
    let one_by_one = lines.len() / 5;
    let next = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let workers: Vec<_> = (0..connections)
        .map(|_| {
            let (client, base, lines, next) = (client.clone(), base.to_string(), lines.clone(), next.clone());
            tokio::spawn(async move {
                let mut errors = 0u64;
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed) as usize;
                    let Some(line) = lines.get(..one_by_one).and_then(|l| l.get(i)) else { break };
                    let r = client
                        .post(format!("{base}/api/v1/payment-runs/{run_id}/lines/{line}"))
                        .bearer_auth(FINANCE_TOKEN)
                        .json(&json!({ "outcome": "cleared" }))
                        .send()
                        .await;
                    if !r.is_ok_and(|r| r.status() == 200) {
                        errors += 1;
                    }
                }
                errors
            })
        })
        .collect();
    let mut errors = 0;
    for w in workers {
        errors += w.await?;
    }
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "POST /api/v1/payment-runs/{{id}}/lines/{{line}} cleared: {one_by_one} lines paid in {seconds:.1} s ({:.0} lines/s), {errors} errors",
        one_by_one as f64 / seconds
    );
    let rest = lines.len() - one_by_one;
    let started = Instant::now();
    let r = client
        .post(format!("{base}/api/v1/payment-runs/{run_id}/clear"))
        .bearer_auth(FINANCE_TOKEN)
        .json(&json!({ "waiting": rest }))
        .send()
        .await?;
    anyhow::ensure!(r.status() == 200, "clearing the rest was refused: {}", r.text().await?);
    let cleared: serde_json::Value = r.json().await?;
    println!(
        "POST /api/v1/payment-runs/{{id}}/clear: the {rest} remaining lines paid in one step in {:.1} s, {} left waiting",
        started.elapsed().as_secs_f64(),
        cleared["waiting"]
    );
    Ok(())
}
