//! People who use octroi: their role and the rules on passwords.

use std::fmt;

use super::workflow::Role;

/// What an account is for (DESIGN.md, "Who uses it"). Members belong to one organism; the others are staff.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum AccountRole {
    Member,
    Reviewer,
    ProgramOfficer,
    Finance,
    Coach,
    Admin,
}

impl AccountRole {
    pub const ALL: [AccountRole; 6] = [
        AccountRole::Member,
        AccountRole::Reviewer,
        AccountRole::ProgramOfficer,
        AccountRole::Finance,
        AccountRole::Coach,
        AccountRole::Admin,
    ];

    pub fn parse(s: &str) -> Option<Self> {
        AccountRole::ALL.into_iter().find(|r| r.as_str() == s.trim())
    }

    pub fn as_str(&self) -> &'static str {
        match self {
            AccountRole::Member => "member",
            AccountRole::Reviewer => "reviewer",
            AccountRole::ProgramOfficer => "program_officer",
            AccountRole::Finance => "finance",
            AccountRole::Coach => "coach",
            AccountRole::Admin => "admin",
        }
    }

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

impl fmt::Display for AccountRole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip_and_members_are_applicants() {
        for r in AccountRole::ALL {
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
