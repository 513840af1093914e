//! Every log line written while serving a request carries that request's id, including the lines written
//! by storage work that runs in a task of its own.
//!
//! A binary of its own: the subscriber it installs is the process's, and the other tests' lines would
//! land in it.

#[path = "it/common/mod.rs"]
#[allow(dead_code)]
mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};

use common::{TestApp, neq};

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn log_lines_of_a_request_carry_its_request_id() {
    let captured = Captured::default();
    let writer = captured.clone();
    tracing_subscriber::fmt()
        .with_env_filter("info,sqlx=warn")
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .init();
    let app = TestApp::spawn().await;
    let grant = app.complete_draft(&neq(1)).await;
    captured.0.lock().unwrap().clear();

    let r = app.fire(grant, "submit", 1, "applicant").await;
    assert_eq!(r.status(), 200);
    let id = r.headers()["x-request-id"].to_str().unwrap().to_string();
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;

    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    let lines: Vec<&str> = logs.lines().collect();
    let applied = "transition applied from=\"draft\" to=\"submitted\"";
    assert!(lines.iter().any(|l| l.contains(applied)), "{logs}");
    assert!(lines.iter().any(|l| l.contains("finished processing request")), "{logs}");
    for line in lines {
        assert!(line.contains(&format!("request_id={id}")), "a line without the request id: {line}");
    }
}
