//! The HTTP server: hyper's HTTP/1.1 connections with limits a slow or hostile client cannot hold open.
//! `axum::serve` has no header timeout and waits for every connection at shutdown; a client that sent
//! half a request kept octroi from stopping. Here each connection must send its request headers within
//! [`Limits::header_read`] (also how long an idle keep-alive connection stays open), each request body
//! must arrive within [`Limits::request_body`] of its headers, plus a second for each
//! [`Limits::body_min_rate`] bytes received (a deadline that a large upload on a slow line earns as it
//! goes, as Apache's `mod_reqtimeout` does; not a gap between chunks, which a byte every few seconds kept
//! open forever), at most [`Limits::max_connections`] are served at once
//! (the others wait in the kernel's backlog), one address holds at most [`Limits::per_address`] of them
//! (its next ones are closed at once; trusted proxies, which speak for many, are not counted), and graceful
//! shutdown gives the requests in flight [`Limits::shutdown_grace`], then stops.

use std::collections::HashMap;
use std::convert::Infallible;
use std::net::IpAddr;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use hyper::body::Buf;

use axum::Router;
use axum::body::Body;
use axum::extract::{ConnectInfo, Request};
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tokio::time::{Instant, Sleep};
use tower::ServiceExt;

/// How long and how many: see the module's documentation.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub header_read: Duration,
    pub request_body: Duration,
    pub body_min_rate: u32,
    pub max_connections: usize,
    pub per_address: usize,
    pub shutdown_grace: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            header_read: Duration::from_secs(10),
            request_body: Duration::from_secs(30),
            // 16 KiB/s (128 kbit/s): a poor mobile line sends a 10 MB file in time; a trickle does not.
            body_min_rate: 16 * 1024,
            max_connections: 1024,
            // An office behind one address: a few dozen people, a browser opening six connections each.
            per_address: 128,
            shutdown_grace: Duration::from_secs(10),
        }
    }
}

/// Serves `router` on `listener` until `shutdown` completes, then lets the requests in flight finish for
/// at most `limits.shutdown_grace`. Connections from `proxies` are not counted per address.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: Limits,
    proxies: Arc<Vec<ipnet::IpNet>>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) {
    let permits = Arc::new(Semaphore::new(limits.max_connections));
    let open = OpenByAddress::default();
    let graceful = GracefulShutdown::new();
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new()).header_read_timeout(limits.header_read);
    tokio::pin!(shutdown);
    loop {
        let permit = tokio::select! {
            permit = permits.clone().acquire_owned() => permit.expect("the semaphore is never closed"),
            () = &mut shutdown => break,
        };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Out of file descriptors and the like: wait a little rather than spin.
                    tracing::warn!(error = %e, "cannot accept a connection");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let ip = peer.ip().to_canonical();
        let counted = if proxies.iter().any(|net| net.contains(&ip)) {
            None
        } else {
            match open.enter(ip, limits.per_address) {
                Some(counted) => Some(counted),
                None => {
                    tracing::warn!(%ip, "too many connections from one address; closing the newest");
                    continue;
                }
            }
        };
        let router = router.clone();
        let (body_time, rate) = (limits.request_body, limits.body_min_rate.max(1));
        let service = hyper::service::service_fn(move |request: hyper::Request<hyper::body::Incoming>| {
            let deadline = Instant::now() + body_time;
            let mut request: Request = request.map(|body| Body::new(Deadline { body, deadline, rate, sleep: None }));
            request.extensions_mut().insert(ConnectInfo(peer));
            let router = router.clone();
            async move { Ok::<_, Infallible>(router.oneshot(request).await.unwrap_or_else(|e| match e {})) }
        });
        let connection = graceful.watch(http.serve_connection(TokioIo::new(stream), service));
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                tracing::debug!(error = %e, "connection closed with an error");
            }
            drop((permit, counted));
        });
    }
    drop(listener);
    let open = graceful.count();
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(limits.shutdown_grace) => {
            tracing::warn!(open, "shutdown: some connections did not finish in time; closing them");
        }
    }
}

/// How many connections each address holds open.
#[derive(Default, Clone)]
struct OpenByAddress(Arc<Mutex<HashMap<IpAddr, usize>>>);

/// One open connection of an address, counted until it is dropped.
struct Counted {
    open: OpenByAddress,
    ip: IpAddr,
}

impl OpenByAddress {
    fn enter(&self, ip: IpAddr, max: usize) -> Option<Counted> {
        let mut open = self.0.lock().expect("never poisoned: no code panics holding it");
        let count = open.entry(ip).or_default();
        if *count >= max {
            return None;
        }
        *count += 1;
        Some(Counted { open: self.clone(), ip })
    }
}

impl Drop for Counted {
    fn drop(&mut self) {
        let mut open = self.open.0.lock().expect("never poisoned: no code panics holding it");
        if let Some(count) = open.get_mut(&self.ip) {
            *count -= 1;
            if *count == 0 {
                open.remove(&self.ip);
            }
        }
    }
}

/// The request body ran past its deadline.
#[derive(Debug, thiserror::Error)]
#[error("the request body did not arrive in time")]
struct BodyTooSlow;

/// A request body that must be whole by `deadline`, which each frame received moves on by a second per
/// `rate` bytes. The timer starts only when the body is read, so a request without one (most) costs none.
struct Deadline<B> {
    body: B,
    deadline: Instant,
    rate: u32,
    sleep: Option<Pin<Box<Sleep>>>,
}

impl<B> hyper::body::Body for Deadline<B>
where
    B: hyper::body::Body + Unpin,
    B::Error: Into<axum::BoxError>,
{
    type Data = B::Data;
    type Error = axum::BoxError;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<hyper::body::Frame<B::Data>, axum::BoxError>>> {
        let this = &mut *self;
        let deadline = this.deadline;
        let sleep = this.sleep.get_or_insert_with(|| Box::pin(tokio::time::sleep_until(deadline)));
        if sleep.as_mut().poll(cx).is_ready() {
            return Poll::Ready(Some(Err(BodyTooSlow.into())));
        }
        let polled = Pin::new(&mut this.body).poll_frame(cx);
        if let Poll::Ready(Some(Ok(frame))) = &polled {
            let earned = frame.data_ref().map_or(0, |d| d.remaining());
            this.deadline += Duration::from_secs(1) * u32::try_from(earned).unwrap_or(u32::MAX) / this.rate;
            sleep.as_mut().reset(this.deadline);
        }
        polled.map_err(Into::into)
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> hyper::body::SizeHint {
        self.body.size_hint()
    }
}
