//! People who use octroi: their role and the rules on passwords.

use std::fmt;

use super::workflow::Role;

named_enum!(
    /// What an account is for (DESIGN.md, "Who uses it"). Members belong to one organism; the others are
    /// staff.
    AccountRole {
        Member = "member",
        Reviewer = "reviewer",
        ProgramOfficer = "program_officer",
        Finance = "finance",
        Coach = "coach",
        Admin = "admin",
    }
);

impl AccountRole {
    /// The role the workflows know this account by: a member acts as the applicant.
    pub fn workflow_role(&self) -> Role {
        match self {
            AccountRole::Member => Role::Applicant,
            AccountRole::Reviewer => Role::Reviewer,
            AccountRole::ProgramOfficer => Role::ProgramOfficer,
            AccountRole::Finance => Role::Finance,
            AccountRole::Coach => Role::Coach,
            AccountRole::Admin => Role::Admin,
        }
    }

    pub fn is_staff(&self) -> bool {
        *self != AccountRole::Member
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasswordError {
    #[error("a password has at least 12 characters")]
    TooShort,
    #[error("a password has at most 256 characters")]
    TooLong,
}

/// A new password that meets the policy: 12 characters or more (counted as characters, not bytes).
/// Deliberately no composition rules (NIST SP 800-63B).
#[derive(Clone, PartialEq, Eq)]
pub struct NewPassword(String);

impl NewPassword {
    pub fn parse(s: &str) -> Result<Self, PasswordError> {
        match s.chars().count() {
            0..12 => Err(PasswordError::TooShort),
            12..=256 => Ok(NewPassword(s.to_string())),
            _ => Err(PasswordError::TooLong),
        }
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("NewPassword(***)")
    }
}

/// How attempts that guess a secret (a password at sign-in) are limited. Counted: the failures and the
/// attempts still in flight, within `window`. One account from one address may try `free` times, then
/// waits `backoff`, twice as long after each further failure, up to `max_backoff`; one account from all
/// addresses together, and one address across all accounts, have a ceiling each. An address alone never
/// locks out an account: behind a proxy that octroi does not trust, many people share one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Throttle {
    pub window: chrono::Duration,
    pub free: i64,
    pub backoff: chrono::Duration,
    pub max_backoff: chrono::Duration,
    pub per_account: i64,
    pub per_address: i64,
}

/// What was tried so far within the throttle's window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Attempts {
    /// By this account from this address, and when the latest of them began.
    pub pair: i64,
    pub pair_latest: Option<chrono::DateTime<chrono::Utc>>,
    /// By this account from any address.
    pub account: i64,
    /// From this address, any account.
    pub address: i64,
}

impl Throttle {
    /// Sign-in: five tries, then 30 s, 1 min, 2 min… up to 15 min; 50 per account and 100 per address
    /// in 15 minutes.
    pub const SIGN_IN: Throttle = Throttle {
        window: chrono::Duration::minutes(15),
        free: 5,
        backoff: chrono::Duration::seconds(30),
        max_backoff: chrono::Duration::minutes(15),
        per_account: 50,
        per_address: 100,
    };

    /// Password hashing asked for by someone not signed in (sign-up, reset, invitation), per address:
    /// ten, then one a minute, doubling.
    pub const ANONYMOUS_HASHING: Throttle = Throttle {
        window: chrono::Duration::minutes(15),
        free: 10,
        backoff: chrono::Duration::minutes(1),
        max_backoff: chrono::Duration::minutes(15),
        per_account: i64::MAX,
        per_address: i64::MAX,
    };

    /// Reset links asked for one address: three from one place, then waits; five from anywhere in 15
    /// minutes (a mailbox is not flooded); twenty per asking address.
    pub const RESET_REQUESTS: Throttle = Throttle {
        window: chrono::Duration::minutes(15),
        free: 3,
        backoff: chrono::Duration::minutes(5),
        max_backoff: chrono::Duration::minutes(15),
        per_account: 5,
        per_address: 20,
    };

    /// Invitations one account sends: twenty, then one a minute, doubling; a hundred an hour.
    pub const INVITATIONS: Throttle = Throttle {
        window: chrono::Duration::hours(1),
        free: 20,
        backoff: chrono::Duration::minutes(1),
        max_backoff: chrono::Duration::minutes(30),
        per_account: 100,
        per_address: i64::MAX,
    };

    /// How long to wait before another attempt, or `None` when one may be made now.
    pub fn wait(&self, tried: &Attempts, now: chrono::DateTime<chrono::Utc>) -> Option<chrono::Duration> {
        let mut wait = chrono::Duration::zero();
        if tried.pair >= self.free {
            let doublings = u32::try_from(tried.pair - self.free).unwrap_or(u32::MAX).min(20);
            let backoff = (self.backoff * 2i32.pow(doublings.min(30))).min(self.max_backoff);
            let until = tried.pair_latest.unwrap_or(now) + backoff;
            wait = wait.max(until - now);
        }
        if tried.account >= self.per_account || tried.address >= self.per_address {
            wait = wait.max(self.window);
        }
        (wait > chrono::Duration::zero()).then_some(wait)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sign_in_backs_off_per_account_and_address() {
        let t = Throttle::SIGN_IN;
        let now = chrono::Utc::now();
        let tried = |pair: i64, ago: i64| Attempts {
            pair,
            pair_latest: Some(now - chrono::Duration::seconds(ago)),
            account: pair,
            address: pair,
        };
        assert_eq!(t.wait(&tried(4, 0), now), None, "five tries");
        assert_eq!(t.wait(&tried(5, 0), now), Some(chrono::Duration::seconds(30)));
        assert_eq!(t.wait(&tried(5, 31), now), None, "after the back-off, one more");
        assert_eq!(t.wait(&tried(6, 31), now), Some(chrono::Duration::seconds(29)), "then twice as long");
        assert_eq!(t.wait(&tried(40, 0), now), Some(chrono::Duration::minutes(15)), "at most 15 minutes");
        let spray = Attempts { pair: 0, pair_latest: None, account: 0, address: 100 };
        assert_eq!(t.wait(&spray, now), Some(chrono::Duration::minutes(15)), "one address, many accounts");
        let many = Attempts { pair: 1, pair_latest: Some(now), account: 50, address: 1 };
        assert_eq!(t.wait(&many, now), Some(chrono::Duration::minutes(15)), "one account, many addresses");
        let shared = Attempts { pair: 0, pair_latest: None, account: 0, address: 99 };
        assert_eq!(t.wait(&shared, now), None, "a shared address does not lock out another account");
    }

    #[test]
    fn roles_round_trip_and_members_are_applicants() {
        for &r in AccountRole::ALL {
            assert_eq!(AccountRole::parse(r.as_str()), Some(r));
        }
        assert_eq!(AccountRole::Member.workflow_role(), Role::Applicant);
        assert!(!AccountRole::Member.is_staff() && AccountRole::Finance.is_staff());
        assert_eq!(AccountRole::parse("root"), None);
    }

    #[test]
    fn passwords_need_twelve_characters() {
        assert_eq!(NewPassword::parse("court"), Err(PasswordError::TooShort));
        assert_eq!(NewPassword::parse("éééééééééééé").map(|p| p.expose().chars().count()), Ok(12));
        assert_eq!(NewPassword::parse("ééééééééééé"), Err(PasswordError::TooShort), "11 characters, 22 bytes");
        assert_eq!(NewPassword::parse(&"x".repeat(257)), Err(PasswordError::TooLong));
        assert!(!format!("{:?}", NewPassword::parse("secret secret").unwrap()).contains("secret"));
    }
}
