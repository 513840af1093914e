//! Password hashing with argon2id (`password-auth`), off the async threads and with bounded concurrency:
//! a burst of logins must not starve every other request of the two cores.

use std::sync::LazyLock;

use tokio::sync::Semaphore;

/// At most this many hashes at once; the others wait their turn.
static HASHING: LazyLock<Semaphore> =
    LazyLock::new(|| Semaphore::new(std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2)));

pub async fn hash(password: &str) -> String {
    let password = password.to_string();
    let _turn = HASHING.acquire().await.expect("the semaphore is never closed");
    tokio::task::spawn_blocking(move || password_auth::generate_hash(password)).await.expect("hashing does not panic")
}

/// Whether the password matches the stored hash. Unknown accounts are checked against a dummy hash so
/// that timing does not reveal which e-mail addresses have an account.
pub async fn verify(password: &str, stored: Option<&str>) -> bool {
    static DUMMY: LazyLock<String> = LazyLock::new(|| password_auth::generate_hash("not a real password at all"));
    let (password, stored, known) = match stored {
        Some(h) => (password.to_string(), h.to_string(), true),
        None => (password.to_string(), DUMMY.clone(), false),
    };
    let _turn = HASHING.acquire().await.expect("the semaphore is never closed");
    let ok = tokio::task::spawn_blocking(move || password_auth::verify_password(password, &stored).is_ok())
        .await
        .unwrap_or(false);
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
