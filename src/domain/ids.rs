//! Identifiers as types of their own: a function that takes a [`GrantId`] cannot be handed an
//! organism's or a user's number by mistake. On the wire and in storage each is the integer it wraps.

macro_rules! ids {
    ($($(#[$meta:meta])* $name:ident),+ $(,)?) => {$(
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl $name {
            pub const fn get(self) -> i64 {
                self.0
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                self.0.fmt(f)
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = ::std::num::ParseIntError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                s.parse().map($name)
            }
        }
    )+};
}

ids!(
    /// A grant (an application, from its first draft).
    GrantId,
    /// A community organization.
    OrganismId,
    /// A person's account.
    UserId,
    /// A ledger entry; a commitment, a spend or a reversal is known by its entry.
    EntryId,
    /// A purchase paid by a bourse.
    PurchaseId,
    /// A payment run: verified purchases finance pays together.
    RunId,
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_is_its_number_on_the_wire_and_in_text() {
        let id = GrantId(42);
        assert_eq!(serde_json::to_string(&id).unwrap(), "42");
        assert_eq!(serde_json::from_str::<GrantId>("42").unwrap(), id);
        assert_eq!(id.to_string(), "42");
        assert_eq!("42".parse::<GrantId>().unwrap(), id);
        assert!("4x".parse::<GrantId>().is_err());
    }
}
