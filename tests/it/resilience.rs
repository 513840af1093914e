//! What must hold when things go wrong: clients that hang up mid-write, a server killed with `kill -9`,
//! SIGTERM, and workflow or program files with mistakes.

use crate::common;

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::GrantId;
use common::{TestApp, TestDatabase, complete_application, manifest_dir, neq, organism_body};
use serde_json::{Value, json};
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;

const OCTROI: &str = env!("CARGO_BIN_EXE_octroi");

/// A transition as raw HTTP, signed in with the API token of whoever may fire it.
fn raw_transition(address: &str, grant: GrantId, event: &str, version: i64, token: &str) -> String {
    let body = json!({ "event": event, "version": version, "reason": "client hangs up" }).to_string();
    let host = address.trim_start_matches("http://");
    format!(
        "POST /api/v1/grants/{grant}/transitions HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n\
         Authorization: Bearer {token}\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
}

/// Hundreds of signed-in transitions whose clients hang up after 0 to 1.5 s (under this load some get to
/// their write first, others are cancelled on the way): some apply, afterwards every request succeeds,
/// and every grant's state, version and audit trail agree (nothing half-applied).
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn clients_hanging_up_mid_write_leave_nothing_half_done() {
    let app = TestApp::spawn().await;
    let officer = app.token("program_officer").await;
    let mut grants = Vec::new();
    let mut members = Vec::new();
    for n in 0..20 {
        let grant = app.grant_in(n, "screening").await.id;
        grants.push(grant);
        members.push(app.member_token(app.db().grant(grant).await.unwrap().organism_id).await);
    }
    let audited_before = grants.len() * 2;
    let mut tasks = Vec::new();
    for round in 0..20i64 {
        for (i, grant) in grants.iter().enumerate() {
            // Alternate the events so that some of them apply; the versions are guesses on purpose. Each
            // request is signed in (a refusal at the door would prove nothing about half-done writes).
            let (event, token) =
                if round % 2 == 0 { ("request_info", &officer) } else { ("provide_info", &members[i]) };
            let request = raw_transition(&app.address, *grant, event, 3 + round, token);
            let address = app.address.trim_start_matches("http://").to_string();
            let pause = Duration::from_micros((500_000 + i as u64 * 7919 + round as u64 * 104_729) % 1_500_000);
            tasks.push(tokio::spawn(async move {
                let mut stream = TcpStream::connect(address).await.unwrap();
                let _ = stream.write_all(request.as_bytes()).await;
                tokio::time::sleep(pause).await;
                drop(stream);
            }));
        }
    }
    assert_eq!(tasks.len(), 400);
    for t in tasks {
        t.await.unwrap();
    }
    // Let the detached units of work that were still running finish: wait until the versions stop moving.
    let versions = || async {
        let mut v = Vec::new();
        for grant in &grants {
            v.push(app.db().grant(*grant).await.unwrap().version);
        }
        v
    };
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let before = versions().await;
        tokio::time::sleep(Duration::from_millis(300)).await;
        if versions().await == before || Instant::now() > deadline {
            break;
        }
    }

    let mut audited = 0;
    for grant in &grants {
        let g = app.db().grant(*grant).await.unwrap();
        let history = app.db().grant_history(*grant).await.unwrap();
        audited += history.len();
        assert_eq!(g.version, 1 + history.len() as i64, "grant {grant}: every version change has its audit row");
        assert_eq!(g.state, history.last().unwrap().to_state, "grant {grant}: the state is the last audited one");
        for pair in history.windows(2) {
            assert_eq!(pair[0].to_state, pair[1].from_state, "grant {grant}: the history is a path");
        }
    }
    assert!(audited > audited_before, "some of the hung-up requests applied (else this proves nothing)");
    // Every later request succeeds: more writes than the pool has connections.
    for n in 100..140 {
        let id = app.complete_draft(&neq(n)).await;
        assert_eq!(app.fire(id, "submit", 1, "applicant").await.status(), 200);
    }
    for grant in &grants {
        let g: Value = app.get(&format!("/api/v1/grants/{grant}")).await.json().await.unwrap();
        let event =
            if g["state"] == "screening" { ("request_info", "program_officer") } else { ("provide_info", "applicant") };
        let r = app.fire(*grant, event.0, g["version"].as_i64().unwrap(), event.1).await;
        assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    }
}

/// The octroi binary, serving on a port of its own.
struct Server {
    child: Child,
    address: String,
}

impl Server {
    fn start(database_url: &str) -> Server {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let child = Command::new(OCTROI)
            .args(["serve", "--addr", &format!("127.0.0.1:{port}"), "--database-url", database_url])
            .current_dir(manifest_dir())
            .env("OCTROI_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let server = Server { child, address: format!("http://127.0.0.1:{port}") };
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if answers_ok(&format!("{}/readyz", server.address)) {
                return server;
            }
            assert!(Instant::now() < deadline, "the server did not become ready");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

/// Whether a GET answers 200, from synchronous code.
fn answers_ok(url: &str) -> bool {
    let url = url.to_string();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        rt.block_on(async { reqwest::get(url).await.map(|r| r.status() == 200).unwrap_or(false) })
    })
    .join()
    .unwrap()
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// What the server acknowledged is still there after `kill -9` and a restart.
#[tokio::test]
async fn an_acknowledged_write_survives_kill_9() {
    let database = TestDatabase::new().await;
    let client = reqwest::Client::new();
    let officer = account_with_token(&database.url, "po@test.org", "program_officer", None);
    let mut server = Server::start(&database.url);
    let r = client
        .post(format!("{}/api/v1/organisms", server.address))
        .bearer_auth(&officer)
        .json(&organism_body(&neq(7)))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let organism = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let member = account_with_token(&database.url, "marie@test.org", "member", Some(organism));
    let r = client
        .post(format!("{}/api/v1/grants", server.address))
        .bearer_auth(&member)
        .json(&json!({ "organism_id": organism, "application": complete_application() }))
        .send()
        .await
        .unwrap();
    let grant = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let r = client
        .post(format!("{}/api/v1/grants/{grant}/transitions", server.address))
        .bearer_auth(&member)
        .json(&json!({ "event": "submit", "version": 1 }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);

    server.child.kill().unwrap(); // SIGKILL: no shutdown, no flush
    server.child.wait().unwrap();
    drop(server);

    let server = Server::start(&database.url);
    let get = |path: String| client.get(format!("{}{path}", server.address)).bearer_auth(&member).send();
    let g: Value = get(format!("/api/v1/grants/{grant}")).await.unwrap().json().await.unwrap();
    assert_eq!((g["state"].clone(), g["version"].clone()), (json!("submitted"), json!(2)));
    let history: Value = get(format!("/api/v1/grants/{grant}/transitions")).await.unwrap().json().await.unwrap();
    assert_eq!(history.as_array().unwrap().len(), 1);
}

/// Creates an account with `octroi user create` (password on standard input) and a token with
/// `octroi token create`, as an operator would.
fn account_with_token(database_url: &str, email: &str, role: &str, organism: Option<i64>) -> String {
    use std::io::Write;
    let mut args = vec!["user", "create", "--email", email, "--role", role, "--database-url", database_url];
    let organism = organism.map(|o| o.to_string());
    if let Some(o) = &organism {
        args.extend(["--organism", o.as_str()]);
    }
    let mut child = Command::new(OCTROI)
        .args(&args)
        .current_dir(manifest_dir())
        .env("OCTROI_LOG", "off")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(b"correct horse battery\n").unwrap();
    assert!(child.wait().unwrap().success());
    let (ok, token, err) = octroi(&["token", "create", "--email", email, "--database-url", database_url]);
    assert!(ok, "{err}");
    token.trim().to_string()
}

/// The first start on an empty database creates an administrator and prints its one-time password, once.
#[test]
fn the_first_start_prints_a_one_time_admin_password_once() {
    let data = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/octroi.db", data.path().display());
    let start = || {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let child = Command::new(OCTROI)
            .args(["serve", "--addr", &format!("127.0.0.1:{port}"), "--database-url", &url])
            .current_dir(manifest_dir())
            .env("OCTROI_LOG", "off")
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(30);
        while !answers_ok(&format!("http://127.0.0.1:{port}/readyz")) {
            assert!(Instant::now() < deadline, "the server did not become ready");
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = Command::new("kill").args(["-TERM", &child.id().to_string()]).status();
        let out = child.wait_with_output().unwrap();
        String::from_utf8(out.stdout).unwrap()
    };
    let first = start();
    assert!(first.contains("admin@octroi.local") && first.contains("one-time password"), "{first}");
    let password = first.split("one-time password ").nth(1).unwrap().split_whitespace().next().unwrap();
    assert_eq!(password.len(), 20);
    let second = start();
    assert!(!second.contains("one-time password") && !second.contains(password), "{second}");
}

/// SIGTERM stops the server cleanly (exit 0).
#[tokio::test]
async fn sigterm_shuts_down_gracefully() {
    let database = TestDatabase::new().await;
    let mut server = Server::start(&database.url);
    let status = Command::new("kill").args(["-TERM", &server.child.id().to_string()]).status().unwrap();
    assert!(status.success());
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Some(status) = server.child.try_wait().unwrap() {
            assert!(status.success(), "{status:?}");
            break;
        }
        assert!(Instant::now() < deadline, "the server did not stop on SIGTERM");
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn octroi(args: &[&str]) -> (bool, String, String) {
    let out = Command::new(OCTROI).args(args).current_dir(manifest_dir()).env("OCTROI_LOG", "off").output().unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A copy of workflows/ with one line changed.
fn broken_workflows(from: &str, to: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(manifest_dir().join("workflows/grant.toml")).unwrap();
    assert!(text.contains(from));
    std::fs::write(dir.path().join("grant.toml"), text.replacen(from, to, 1)).unwrap();
    dir
}

#[test]
fn workflow_check_passes_on_workflows_and_names_the_file_and_line_of_each_error() {
    let (ok, out, _) = octroi(&["workflow", "check"]);
    assert!(ok, "{out}");
    let dir = broken_workflows("guards = [\"application_complete\"]", "guards = [\"application_complet\"]");
    let path = dir.path().join("grant.toml");
    let line =
        1 + std::fs::read_to_string(&path).unwrap().lines().position(|l| l.contains("application_complet\"")).unwrap();
    let (ok, _, err) = octroi(&["workflow", "check", dir.path().to_str().unwrap()]);
    assert!(!ok);
    assert!(err.starts_with(&format!("{}:{line}: unknown guard 'application_complet'", path.display())), "{err}");

    let dir = broken_workflows("to = \"closed\"", "to = \"close\"");
    let (ok, _, err) = octroi(&["workflow", "check", dir.path().to_str().unwrap()]);
    assert!(!ok);
    assert!(err.contains("target state 'close' is not a declared state"), "{err}");
    assert!(err.contains("state 'closed' cannot be reached from 'draft'"), "{err}");

    let (ok, out, _) = octroi(&["workflow", "diagram", "grant"]);
    assert!(ok && out.contains("stateDiagram-v2"));
    let (ok, out, _) = octroi(&["workflow", "diagram", "purchase"]);
    assert!(ok && out.contains("approved --> ordered : order (applicant)"), "{out}");
    let (ok, _, err) = octroi(&["workflow", "diagram", "coaching"]);
    assert!(!ok && err.contains("no workflow named 'coaching'; known: grant, purchase"), "{err}");
}

/// Runs `serve` with one folder replaced and returns what it printed on standard error; it must fail.
fn serve_fails_with(data: &tempfile::TempDir, flag: &str, dir: &tempfile::TempDir) -> String {
    let (ok, _, err) = octroi(&[
        "serve",
        "--addr",
        "127.0.0.1:0",
        "--data-dir",
        data.path().to_str().unwrap(),
        flag,
        dir.path().to_str().unwrap(),
    ]);
    assert!(!ok, "serve started despite a broken {flag}");
    err
}

/// Renaming an event the code relies on (`complete_reviews`, which octroi fires when the last review
/// comes in) without renaming its use in `[uses]` stops the start and the check with the line of the
/// use; before, reviews silently stopped moving applications to the decision.
#[test]
fn renaming_an_event_the_code_uses_is_refused_with_its_line() {
    let dir = broken_workflows("event = \"complete_reviews\"", "event = \"finish_reviews\"");
    let path = dir.path().join("grant.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let line = 1 + text.lines().position(|l| l.starts_with("complete_reviews =")).unwrap();
    let expected = format!(
        "{}:{line}: uses.complete_reviews names event 'complete_reviews', which no transition declares",
        path.display()
    );
    let (ok, _, err) = octroi(&["workflow", "check", dir.path().to_str().unwrap()]);
    assert!(!ok);
    assert!(err.contains(&expected), "{err}");
    let data = tempfile::tempdir().unwrap();
    let err = serve_fails_with(&data, "--workflows-dir", &dir);
    assert!(err.contains(&expected), "{err}");
    // A name in `decisions` too.
    assert!(err.contains("decisions names event 'complete_reviews'"), "{err}");

    // Renamed in [uses] too, the workflow is whole again: the code follows the file.
    let fixed = text
        .replace("event = \"complete_reviews\"", "event = \"finish_reviews\"")
        .replace("complete_reviews = \"complete_reviews\"", "complete_reviews = \"finish_reviews\"")
        .replace("\"complete_reviews\", \"approve\"", "\"finish_reviews\", \"approve\"");
    std::fs::write(&path, fixed).unwrap();
    let (ok, out, err) = octroi(&["workflow", "check", dir.path().to_str().unwrap()]);
    assert!(ok, "{out}{err}");
}

#[test]
fn serve_refuses_to_start_on_a_broken_workflow_or_program_file() {
    let data = tempfile::tempdir().unwrap();
    let workflows = broken_workflows("roles = [\"finance\"]", "roles = [\"treasurer\"]");
    let err = serve_fails_with(&data, "--workflows-dir", &workflows);
    assert!(err.contains("the workflows have errors") && err.contains("unknown role 'treasurer'"), "{err}");

    let policies = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(manifest_dir().join("policies/dataide.toml")).unwrap();
    let broken = text.replace("total = \"1450000.00\"", "total = \"1450000.50\"");
    std::fs::write(policies.path().join("dataide.toml"), broken).unwrap();
    let err = serve_fails_with(&data, "--policies-dir", &policies);
    assert!(err.contains("envelope FDMT: the allocations add up to 1450000.00 but the total is 1450000.50"), "{err}");
    let (ok, _, err) = octroi(&["policy", "check", policies.path().to_str().unwrap()]);
    assert!(!ok && err.contains("envelope FDMT"), "{err}");
    assert!(!data.path().join("octroi.db").exists(), "nothing was created before the rules were checked");
}

#[test]
fn database_passwords_are_never_printed() {
    let (ok, _, err) = octroi(&["migrate", "--database-url", "postgres://octroi:s3cret-pw@127.0.0.1:1/none"]);
    assert!(!ok);
    assert!(!err.contains("s3cret-pw"), "{err}");
}
