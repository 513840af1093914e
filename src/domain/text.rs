//! Text as people search it: without case and without accents, so that "eveil" finds « L'Éveil » and
//! "MAISON" finds « Maison de la famille ».

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;
use unicode_properties::{GeneralCategory, UnicodeGeneralCategory};

/// A format character (Unicode's category Cf): zero-width spaces and joiners, the byte-order mark, and
/// the bidirectional overrides and isolates (U+202E makes `exe.pdf` of `fdp.exe`). Not seen, only felt.
pub fn is_format(c: char) -> bool {
    c.general_category() == GeneralCategory::Format
}

/// Whether a text says something: a character that is seen, once whitespace, control and format
/// characters (and the blank letters that render as nothing, such as U+3164) are set aside.
pub fn says_something(s: &str) -> bool {
    s.chars().any(|c| {
        !(c.is_whitespace()
            || c.is_control()
            || is_format(c)
            || matches!(c, '\u{115F}' | '\u{1160}' | '\u{3164}' | '\u{FFA0}' | '\u{2800}' | '\u{034F}'))
    })
}

/// An identifier (an invoice's number, a vendor's name) as it is meant rather than as it was typed:
/// NFKC (full-width and compatibility forms made plain), case-folded, letters and digits only, each run
/// of digits without its leading zeros. `DUP-X-01`, `dup x 1`, `DUP‐X‐1` and `DUP-X-1` with a
/// zero-width space are one key. A text with neither letter nor digit is its own key.
pub fn key(s: &str) -> String {
    let mut out = String::new();
    // In a run of digits: whether it has kept a digit yet (before that, its zeros are dropped).
    let (mut zeros, mut kept) = (false, false);
    for c in s.nfkc().flat_map(char::to_lowercase).filter(|c| c.is_alphanumeric()) {
        if c.is_ascii_digit() {
            if c == '0' && !kept {
                zeros = true;
                continue;
            }
            kept = true;
        } else {
            if zeros && !kept {
                out.push('0');
            }
            kept = false;
        }
        zeros = false;
        out.push(c);
    }
    if zeros && !kept {
        out.push('0');
    }
    if out.is_empty() { s.nfkc().flat_map(char::to_lowercase).collect::<String>().trim().to_string() } else { out }
}

/// A name without its format characters: what a list, a letter or a download header shows is what it
/// holds.
pub fn without_format(s: &str) -> String {
    s.chars().filter(|c| !is_format(*c)).collect()
}

/// `s` folded for searching: decomposed, accents dropped, ligatures spelt out (œ → oe, æ → ae), lower
/// case, runs of spaces and punctuation between words made one space.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.nfkd().filter(|c| !is_combining_mark(*c)).flat_map(char::to_lowercase) {
        let spelt = match c {
            'œ' => "oe",
            'æ' => "ae",
            'ß' => "ss",
            _ if c.is_alphanumeric() => {
                if space && !out.is_empty() {
                    out.push(' ');
                }
                space = false;
                out.push(c);
                continue;
            }
            _ => {
                space = true;
                continue;
            }
        };
        if space && !out.is_empty() {
            out.push(' ');
        }
        space = false;
        out.push_str(spelt);
    }
    out
}

/// What a search typed into a list looks for: the folded words (matched anywhere in an organism's name),
/// and, when it is only digits (spaces and dashes allowed, as a NEQ is often written), those digits
/// (the start of a NEQ, or a grant's number).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Search {
    pub folded: String,
    pub digits: Option<String>,
}

impl Search {
    /// `None` for a blank search.
    pub fn parse(typed: &str) -> Option<Search> {
        let folded = fold(typed);
        if folded.is_empty() {
            return None;
        }
        let digits: String = typed.chars().filter(|c| !c.is_whitespace() && *c != '-').collect();
        let digits = (!digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit())).then_some(digits);
        Some(Search { folded, digits })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_case_accents_ligatures_and_spacing() {
        assert_eq!(fold("  L'Éveil — Centre d’ŒUVRES  "), "l eveil centre d oeuvres");
        assert_eq!(fold("Cuisine collective d'Hochelaga-Maisonneuve"), "cuisine collective d hochelaga maisonneuve");
        assert_eq!(fold("Aide À LA FAMILLE"), fold("aide a la famille"));
        assert_eq!(fold("«  »"), "");
    }

    #[test]
    fn invisible_text_says_nothing_and_names_lose_their_format_characters() {
        for blank in ["", "  ", "\u{200B}", " \u{200B}\u{FEFF}\u{2060} ", "\u{202E}\u{2066}", "\u{3164}", "\u{00AD}"] {
            assert!(!says_something(blank), "{blank:?}");
        }
        for text in ["a", "\u{200B}Non", "é", "1", "—"] {
            assert!(says_something(text), "{text:?}");
        }
        assert_eq!(without_format("facture\u{202E}fdp.exe"), "facturefdp.exe");
        assert_eq!(without_format("DUP\u{200B}-X\u{FEFF}"), "DUP-X");
        assert_eq!(without_format("Marie-Ève"), "Marie-Ève");
    }

    /// Issue 22, item 4: every way of typing one invoice number is one key; other numbers are not.
    #[test]
    fn an_identifier_has_one_key_however_it_is_typed() {
        let one = key("DUP-X-1");
        for typed in [
            "dup-x-1",
            "DUP\u{2010}X\u{2010}1",
            "DUP-X-1\u{200B}",
            "DUP X 1",
            "DUP-X-01",
            "ＤＵＰ－Ｘ－１",
            " dup_x_001 ",
        ] {
            assert_eq!(key(typed), one, "{typed:?}");
        }
        for other in ["DUP-X-10", "DUP-X-2", "DUP-Y-1", "DUP-X-1-0"] {
            assert_ne!(key(other), one, "{other:?}");
        }
        assert_eq!(key("F-000"), "f0");
        assert_eq!(key("100"), "100");
        assert_eq!(key("Probe Vendor."), key("probe  vendor"));
        assert_eq!(key("—"), "—");
    }

    #[test]
    fn a_search_of_digits_is_also_a_number() {
        assert_eq!(Search::parse("   "), None);
        assert_eq!(Search::parse("1100 000 001").unwrap().digits.as_deref(), Some("1100000001"));
        assert_eq!(Search::parse("42").unwrap().digits.as_deref(), Some("42"));
        let name = Search::parse("Éveil 2").unwrap();
        assert_eq!((name.folded.as_str(), name.digits), ("eveil 2", None));
    }
}
