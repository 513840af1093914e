//! Password hashing with argon2id (`password-auth`), off the async threads on a small pool of its own:
//! a burst of sign-ins must neither starve the other requests of the two cores nor leave a 19 MiB
//! argon2 buffer cached in the allocator of every blocking thread tokio ever started (measured: peak
//! memory 450 MB under 32 concurrent sign-ins with `spawn_blocking`).

use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::sync::{Arc, LazyLock, Mutex};

use tokio::sync::oneshot;

type Job = Box<dyn FnOnce() + Send>;

/// As many hashing threads as cores; jobs wait their turn in the queue.
static HASHERS: LazyLock<SyncSender<Job>> = LazyLock::new(|| {
    let threads = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2);
    let (sender, receiver) = sync_channel::<Job>(1024);
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

async fn on_hashers<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> T {
    let (reply, result) = oneshot::channel();
    let job: Job = Box::new(move || {
        let _ = reply.send(work());
    });
    let sender = HASHERS.clone();
    // The queue is bounded: when it is full, wait for room off the async threads.
    tokio::task::spawn_blocking(move || sender.send(job)).await.expect("queueing does not panic").expect("hashers run");
    result.await.expect("a hashing job always replies")
}

pub async fn hash(password: &str) -> String {
    let password = password.to_string();
    on_hashers(move || password_auth::generate_hash(password)).await
}

/// Whether the password matches the stored hash. Unknown accounts are checked against a dummy hash so
/// that timing does not reveal which e-mail addresses have an account.
pub async fn verify(password: &str, stored: Option<&str>) -> bool {
    static DUMMY: LazyLock<String> = LazyLock::new(|| password_auth::generate_hash("not a real password at all"));
    let (password, stored, known) = match stored {
        Some(h) => (password.to_string(), h.to_string(), true),
        None => (password.to_string(), DUMMY.clone(), false),
    };
    let ok = on_hashers(move || password_auth::verify_password(password, &stored).is_ok()).await;
    ok && known
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
    use sha2::Digest;
    sha2::Sha256::digest(token.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_verify_and_unknown_accounts_never_match() {
        let h = hash("correct horse battery").await;
        assert!(h.starts_with("$argon2id$"));
        assert!(verify("correct horse battery", Some(&h)).await);
        assert!(!verify("wrong horse battery", Some(&h)).await);
        assert!(!verify("not a real password at all", None).await);
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
