//! Pure rules of the program: no I/O, no database, no clock. Everything here is tested without a database.

/// A closed set of values, each with the one name it has in files, forms, the API and storage: `ALL`,
/// `as_str`, `parse` and `Display` from one list. Storage reads them with `stored_as_text!`, so that a
/// row naming no value is an error, never a default.
macro_rules! named_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($(#[$vmeta])* $variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(&self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            /// The value named `s` (surrounding spaces ignored), if any.
            pub fn parse(s: &str) -> Option<Self> {
                match s.trim() { $($text => Some($name::$variant),)+ _ => None }
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

pub mod account;
pub mod assignment;
pub mod award;
pub mod fiscal;
pub mod grant;
pub mod ids;
pub mod ledger;
pub mod money;
pub mod organism;
pub mod purchase;
pub mod tax;
pub mod text;
pub mod workflow;

pub use fiscal::FiscalYear;
pub use ids::{EntryId, GrantId, OrganismId, PurchaseId, RunId, UserId};
pub use money::{Hours, Money, MoneyError, NumberStyle};
pub use organism::{Email, Language, Neq, OrganismError, PostalCode, Region};

use workflow::Role;

/// The SHA-256 of `bytes` in lower-case hex: the fingerprint of letters, tokens, previews and requests.
pub fn sha256_hex(bytes: impl AsRef<[u8]>) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes.as_ref()).iter().map(|b| format!("{b:02x}")).collect()
}

/// Who does something: a stable identifier for the audit trail and the role the workflow checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub id: String,
    pub role: Role,
}
