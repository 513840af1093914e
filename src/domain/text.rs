//! Text as people search it: without case and without accents, so that "eveil" finds « L'Éveil » and
//! "MAISON" finds « Maison de la famille ».

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

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
    fn a_search_of_digits_is_also_a_number() {
        assert_eq!(Search::parse("   "), None);
        assert_eq!(Search::parse("1100 000 001").unwrap().digits.as_deref(), Some("1100000001"));
        assert_eq!(Search::parse("42").unwrap().digits.as_deref(), Some("42"));
        let name = Search::parse("Éveil 2").unwrap();
        assert_eq!((name.folded.as_str(), name.digits), ("eveil 2", None));
    }
}
