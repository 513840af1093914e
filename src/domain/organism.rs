//! Identifiers and attributes of a community organization, validated once at the edge.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OrganismError {
    #[error("a NEQ is exactly 10 digits")]
    NeqShape,
    #[error("a NEQ starts with 11, 22, 33 or 88 (its legal form)")]
    NeqLegalForm,
    #[error("a region is a code from 01 to 17")]
    Region,
    #[error("an e-mail address looks like name@example.org")]
    Email,
    #[error("a Canadian postal code looks like H2X 1Y4")]
    PostalCode,
    #[error("the language is fr or en")]
    Language,
}

/// Numéro d'entreprise du Québec: 10 digits, the first two give the legal form. There is no public check
/// digit, so only the shape is validated (DOMAIN.md, Identifiers). Spaces typed by people are ignored.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Neq(String);

impl Neq {
    pub fn parse(input: &str) -> Result<Self, OrganismError> {
        let digits: String = input.chars().filter(|c| !c.is_whitespace()).collect();
        if digits.len() != 10 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(OrganismError::NeqShape);
        }
        match &digits[..2] {
            "11" | "22" | "33" | "88" => Ok(Neq(digits)),
            _ => Err(OrganismError::NeqLegalForm),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Neq {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// One of Québec's 17 administrative regions (Institut de la statistique du Québec).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Region(u8);

const REGION_NAMES: [&str; 17] = [
    "Bas-Saint-Laurent",
    "Saguenay–Lac-Saint-Jean",
    "Capitale-Nationale",
    "Mauricie",
    "Estrie",
    "Montréal",
    "Outaouais",
    "Abitibi-Témiscamingue",
    "Côte-Nord",
    "Nord-du-Québec",
    "Gaspésie–Îles-de-la-Madeleine",
    "Chaudière-Appalaches",
    "Laval",
    "Lanaudière",
    "Laurentides",
    "Montérégie",
    "Centre-du-Québec",
];

impl Region {
    /// Accepts the two-digit code ("06"); a single digit ("6") is accepted as people often type it.
    pub fn parse(input: &str) -> Result<Self, OrganismError> {
        let trimmed = input.trim();
        if trimmed.is_empty() || trimmed.len() > 2 || !trimmed.bytes().all(|b| b.is_ascii_digit()) {
            return Err(OrganismError::Region);
        }
        match trimmed.parse::<u8>() {
            Ok(n @ 1..=17) => Ok(Region(n)),
            _ => Err(OrganismError::Region),
        }
    }

    pub fn all() -> impl Iterator<Item = Region> {
        (1..=17).map(Region)
    }

    pub fn code(&self) -> String {
        format!("{:02}", self.0)
    }

    pub fn name(&self) -> &'static str {
        REGION_NAMES[usize::from(self.0 - 1)]
    }
}

/// An e-mail address: one `@`, a non-empty local part, a domain with a dot, no spaces. Deliverability is
/// proven by sending, not by parsing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    pub fn parse(input: &str) -> Result<Self, OrganismError> {
        let s = input.trim();
        let Some((local, domain)) = s.split_once('@') else {
            return Err(OrganismError::Email);
        };
        let ok = !local.is_empty()
            && !domain.contains('@')
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && s.len() <= 254
            && !s.chars().any(|c| c.is_whitespace() || c.is_control());
        if ok { Ok(Email(s.to_string())) } else { Err(OrganismError::Email) }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A Canadian postal code, stored as `H2X 1Y4`. The letters D, F, I, O, Q and U are never used, nor W and
/// Z in first place (Canada Post).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostalCode(String);

impl PostalCode {
    pub fn parse(input: &str) -> Result<Self, OrganismError> {
        let s: Vec<char> =
            input.chars().filter(|c| !c.is_whitespace() && *c != '-').map(|c| c.to_ascii_uppercase()).collect();
        let letter = |c: char| c.is_ascii_uppercase() && !"DFIOQU".contains(c);
        let ok = s.len() == 6
            && letter(s[0])
            && !"WZ".contains(s[0])
            && s[1].is_ascii_digit()
            && letter(s[2])
            && s[3].is_ascii_digit()
            && letter(s[4])
            && s[5].is_ascii_digit();
        if !ok {
            return Err(OrganismError::PostalCode);
        }
        Ok(PostalCode(format!("{}{}{} {}{}{}", s[0], s[1], s[2], s[3], s[4], s[5])))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The language an organism prefers for letters and messages. French is the default (Charter of the
/// French language).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Language {
    #[default]
    Fr,
    En,
}

impl Language {
    pub fn parse(input: &str) -> Result<Self, OrganismError> {
        match input.trim().to_ascii_lowercase().as_str() {
            "fr" | "fr-ca" => Ok(Language::Fr),
            "en" | "en-ca" => Ok(Language::En),
            _ => Err(OrganismError::Language),
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            Language::Fr => "fr",
            Language::En => "en",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn neq_accepts_the_four_legal_forms_and_ignores_spaces() {
        for neq in ["1143356789", "2212345678", "3312345678", "8812345678", "11 4335 6789"] {
            assert!(Neq::parse(neq).is_ok(), "{neq}");
        }
        assert_eq!(Neq::parse("11 4335 6789").unwrap().as_str(), "1143356789");
    }

    #[test]
    fn neq_rejects_wrong_shapes_and_forms() {
        assert_eq!(Neq::parse("114335678"), Err(OrganismError::NeqShape));
        assert_eq!(Neq::parse("11433567890"), Err(OrganismError::NeqShape));
        assert_eq!(Neq::parse("11433567a9"), Err(OrganismError::NeqShape));
        assert_eq!(Neq::parse(""), Err(OrganismError::NeqShape));
        assert_eq!(Neq::parse("4412345678"), Err(OrganismError::NeqLegalForm));
        assert_eq!(Neq::parse("١١٤٣٣٥٦٧٨٩"), Err(OrganismError::NeqShape));
    }

    #[test]
    fn regions_are_01_to_17_with_their_names() {
        assert_eq!(Region::parse("06").unwrap().name(), "Montréal");
        assert_eq!(Region::parse("6").unwrap().code(), "06");
        assert_eq!(Region::parse("02").unwrap().name(), "Saguenay–Lac-Saint-Jean");
        assert_eq!(Region::parse("17").unwrap().name(), "Centre-du-Québec");
        for bad in ["00", "18", "99", "", "-1", "6a", "006", "+6"] {
            assert_eq!(Region::parse(bad), Err(OrganismError::Region), "{bad}");
        }
        assert_eq!(Region::all().count(), 17);
    }

    #[test]
    fn emails() {
        assert!(Email::parse("info@organisme.qc.ca").is_ok());
        for bad in ["", "a", "a@b", "@b.ca", "a@@b.ca", "a b@c.ca", "a@.ca", "a@b.ca."] {
            assert_eq!(Email::parse(bad), Err(OrganismError::Email), "{bad}");
        }
    }

    #[test]
    fn postal_codes_are_normalized() {
        assert_eq!(PostalCode::parse("h2x1y4").unwrap().as_str(), "H2X 1Y4");
        assert_eq!(PostalCode::parse(" G1R 4P5 ").unwrap().as_str(), "G1R 4P5");
        for bad in ["", "H2X 1Y", "12X 1Y4", "D2X 1Y4", "W2X 1Y4", "H2X 1Y44", "H2O 1Y4"] {
            assert_eq!(PostalCode::parse(bad), Err(OrganismError::PostalCode), "{bad}");
        }
    }

    #[test]
    fn languages() {
        assert_eq!(Language::parse("FR-CA"), Ok(Language::Fr));
        assert_eq!(Language::parse("en"), Ok(Language::En));
        assert_eq!(Language::parse("de"), Err(OrganismError::Language));
    }
}

/// Written as stored: the address, the postal code `H2X 1Y4`.
macro_rules! displayed_as_str {
    ($($t:ty),+) => {$(
        impl std::fmt::Display for $t {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    )+};
}

displayed_as_str!(Email, PostalCode);
