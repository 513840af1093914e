//! Password hashing with argon2id (`password-auth`), off the async threads on a small pool of its own:
//! a burst of sign-ins must neither starve the other requests of the two cores nor leave a 19 MiB
//! argon2 buffer cached in the allocator of every blocking thread tokio ever started (measured: peak
//! memory 450 MB under 32 concurrent sign-ins with `spawn_blocking`).

use std::sync::mpsc::{Receiver, SyncSender, TrySendError, sync_channel};
use std::sync::{Arc, LazyLock, Mutex};

use tokio::sync::oneshot;

type Job = Box<dyn FnOnce() + Send>;

/// How many hashing jobs may wait their turn. Beyond this, octroi answers at once that it is busy
/// (503) rather than queueing a request behind a burst it cannot serve in time: anonymous requests
/// must not be able to make a real sign-in wait for seconds.
pub const QUEUE: usize = 64;

/// The hashers are all busy and their queue is full: try again in a moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the password hashers are busy")]
pub struct Busy;

/// As many hashing threads as cores; jobs wait their turn in a queue of [`QUEUE`].
static HASHERS: LazyLock<SyncSender<Job>> = LazyLock::new(|| {
    let threads = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2);
    let (sender, receiver) = sync_channel::<Job>(QUEUE);
    let receiver: Arc<Mutex<Receiver<Job>>> = Arc::new(Mutex::new(receiver));
    for i in 0..threads {
        let receiver = receiver.clone();
        std::thread::Builder::new()
            .name(format!("argon2-{i}"))
            .spawn(move || {
                loop {
                    let job = receiver.lock().expect("the queue lock").recv();
                    match job {
                        Ok(job) => job(),
                        Err(_) => return,
                    }
                }
            })
            .expect("a hashing thread");
    }
    sender
});

async fn on_hashers<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> Result<T, Busy> {
    let (reply, result) = oneshot::channel();
    let job: Job = Box::new(move || {
        let _ = reply.send(work());
    });
    match HASHERS.try_send(job) {
        Ok(()) => Ok(result.await.expect("a hashing job always replies")),
        Err(TrySendError::Full(_)) => Err(Busy),
        Err(TrySendError::Disconnected(_)) => panic!("the hashing threads never stop"),
    }
}

pub async fn hash(password: &str) -> Result<String, Busy> {
    let password = password.to_string();
    on_hashers(move || password_auth::generate_hash(password)).await
}

/// Whether the password matches the stored hash. Unknown accounts are checked against a dummy hash so
/// that timing does not reveal which e-mail addresses have an account.
pub async fn verify(password: &str, stored: Option<&str>) -> Result<bool, Busy> {
    static DUMMY: LazyLock<String> = LazyLock::new(|| password_auth::generate_hash("not a real password at all"));
    let (password, stored, known) = match stored {
        Some(h) => (password.to_string(), h.to_string(), true),
        None => (password.to_string(), DUMMY.clone(), false),
    };
    let ok = on_hashers(move || password_auth::verify_password(password, &stored).is_ok()).await?;
    Ok(ok && known)
}

/// A random secret for links and API tokens: 32 bytes, hex.
pub fn random_token() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Links and tokens are stored as their SHA-256, never in clear.
pub fn token_hash(token: &str) -> String {
    crate::domain::sha256_hex(token)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_verify_and_unknown_accounts_never_match() {
        let h = hash("correct horse battery").await.unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert_eq!(verify("correct horse battery", Some(&h)).await, Ok(true));
        assert_eq!(verify("wrong horse battery", Some(&h)).await, Ok(false));
        assert_eq!(verify("not a real password at all", None).await, Ok(false));
    }

    /// A burst beyond the queue is told at once that the hashers are busy; then they serve again.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_full_queue_answers_busy_at_once() {
        let burst: Vec<_> = (0..QUEUE * 3).map(|_| tokio::spawn(hash("correct horse battery"))).collect();
        let mut busy = 0;
        for job in burst {
            busy += usize::from(job.await.unwrap() == Err(Busy));
        }
        assert!(busy >= QUEUE / 2, "{busy} of {} refused", QUEUE * 3);
        assert!(busy < QUEUE * 3, "some were hashed");
        assert!(hash("correct horse battery").await.is_ok(), "served again once the burst is over");
    }

    #[test]
    fn tokens_are_random_and_hashed() {
        let (a, b) = (random_token(), random_token());
        assert_eq!(a.len(), 64);
        assert_ne!(a, b);
        assert_eq!(token_hash(&a), token_hash(&a));
        assert_ne!(token_hash(&a), a);
    }
}
