//! Every string people read, in French (fr-CA, the default) and English (en-CA), from the Fluent
//! resources under `templates/locales/`; and the formats of money, hours and dates (DOMAIN.md, Formats).

use std::sync::LazyLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};

use crate::domain::{Hours, Language, Money};

pub const FR_CA: &str = include_str!("../templates/locales/fr-CA/octroi.ftl");
pub const EN_CA: &str = include_str!("../templates/locales/en-CA/octroi.ftl");

struct Bundles {
    fr: FluentBundle<FluentResource>,
    en: FluentBundle<FluentResource>,
}

fn bundle(locale: &str, source: &str) -> FluentBundle<FluentResource> {
    let resource = FluentResource::try_new(source.to_string())
        .unwrap_or_else(|(_, errors)| panic!("templates/locales/{locale}/octroi.ftl: {errors:?}"));
    let mut bundle = FluentBundle::new_concurrent(vec![locale.parse().expect("a valid locale")]);
    // Plain text out: the templates escape it, and isolation marks would show up in e-mails and tests.
    bundle.set_use_isolating(false);
    bundle.add_resource(resource).unwrap_or_else(|errors| panic!("{locale}: duplicate messages {errors:?}"));
    bundle
}

static BUNDLES: LazyLock<Bundles> =
    LazyLock::new(|| Bundles { fr: bundle("fr-CA", FR_CA), en: bundle("en-CA", EN_CA) });

/// The message `id` in `lang`, with its arguments. A missing message shows its id (and the
/// completeness test fails), never an empty page.
pub fn t_args(lang: Language, id: &str, args: &[(&str, String)]) -> String {
    let bundle = match lang {
        Language::Fr => &BUNDLES.fr,
        Language::En => &BUNDLES.en,
    };
    let Some(pattern) = bundle.get_message(id).and_then(|m| m.value()) else {
        tracing::error!(id, lang = lang.code(), "missing message");
        return id.to_string();
    };
    let mut fluent_args = FluentArgs::new();
    for (name, value) in args {
        // A whole number written plainly is passed as a number, so that a message may choose its
        // plural form (`{ $count -> [one] … *[other] … }`); anything else (a NEQ's leading zeros, an
        // amount already formatted) stays text.
        match value.parse::<i64>() {
            Ok(n) if n.to_string() == *value => fluent_args.set(*name, FluentValue::from(n)),
            _ => fluent_args.set(*name, FluentValue::from(value.as_str())),
        }
    }
    let mut errors = Vec::new();
    let text = bundle.format_pattern(pattern, Some(&fluent_args), &mut errors);
    if !errors.is_empty() {
        tracing::error!(id, ?errors, "message formatting failed");
    }
    text.into_owned()
}

pub fn t(lang: Language, id: &str) -> String {
    t_args(lang, id, &[])
}

/// The message `id` in `lang` if there is one (for names looked up by convention, such as a field's
/// label `field-{name}`).
pub fn t_opt(lang: Language, id: &str) -> Option<String> {
    let bundle = match lang {
        Language::Fr => &BUNDLES.fr,
        Language::En => &BUNDLES.en,
    };
    bundle.get_message(id).and_then(|m| m.value()).is_some().then(|| t(lang, id))
}

/// A label and what is said of it: `Courriel\u{a0}: …` in French (a no-break space before the colon),
/// `Email: …` in English.
pub fn labelled(lang: Language, label: &str, text: &str) -> String {
    match lang {
        Language::Fr => format!("{label}\u{a0}: {text}"),
        Language::En => format!("{label}: {text}"),
    }
}

/// `1 234,56 $` (no-break spaces) in French, `$1,234.56` in English.
pub fn money(lang: Language, amount: Money) -> String {
    match lang {
        Language::Fr => format!("{}\u{a0}$", amount.written(lang.into())),
        Language::En => format!("${}", amount.written(lang.into())),
    }
}

/// `6,5 h` in French, `6.5 h` in English.
pub fn hours(lang: Language, h: Hours) -> String {
    format!("{}\u{a0}h", h.written(lang.into()))
}

/// The ISO date (`2026-11-28`) of a stored timestamp, as tables show it in both languages.
pub fn date(stored: &str) -> String {
    stored.get(..10).unwrap_or(stored).to_string()
}

/// A date as prose writes it (tables and files keep ISO): `30 novembre 2026`, `1er décembre 2026` in
/// French, `November 30, 2026` in English, a no-break space keeping day and month together. A stored
/// value that is no date comes back as it is.
pub fn long_date(lang: Language, stored: &str) -> String {
    use chrono::Datelike;
    let Ok(d) = chrono::NaiveDate::parse_from_str(stored.get(..10).unwrap_or(stored), "%Y-%m-%d") else {
        return stored.to_string();
    };
    const FR: [&str; 12] = [
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ];
    const EN: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let month = d.month0() as usize;
    match lang {
        Language::Fr if d.day() == 1 => format!("1er\u{a0}{} {}", FR[month], d.year()),
        Language::Fr => format!("{}\u{a0}{} {}", d.day(), FR[month], d.year()),
        Language::En => format!("{}\u{a0}{}, {}", EN[month], d.day(), d.year()),
    }
}

/// The message ids of an FTL source, for the completeness test.
pub fn message_ids(source: &str) -> std::collections::BTreeSet<String> {
    source
        .lines()
        .filter(|l| l.chars().next().is_some_and(|c| c.is_ascii_alphabetic()))
        .filter_map(|l| l.split_once('=').map(|(id, _)| id.trim().to_string()))
        .collect()
}

/// A count as people read it: `2\u{202f}000` in French (a narrow no-break space between thousands),
/// `2,000` in English; below 10 000 French also groups (`1\u{202f}000`), as the OQLF writes it.
pub fn count(lang: Language, n: u64) -> String {
    let separator = match lang {
        Language::Fr => '\u{202f}',
        Language::En => ',',
    };
    crate::domain::money::group(&n.to_string(), separator)
}

/// What breaks Québec French or English typography in one message's text (its placeables left out):
/// in French, « : ; ? ! » without a no-break space before them, and guillemets without one inside;
/// in English, a space of any kind before those marks.
pub fn typography_faults(lang: Language, text: &str) -> Vec<String> {
    // Placeables ({ $n }) are filled in at run time; only the literal text is checked.
    let mut literal = String::new();
    let mut depth = 0;
    for c in text.chars() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            _ if depth == 0 => literal.push(c),
            _ => literal.push('x'),
        }
    }
    let chars: Vec<char> = literal.chars().collect();
    let mut faults = Vec::new();
    // "nº 33", not "no 33" (the ordinal indicator, then a number or a placeable, filled as `x`).
    if lang == Language::Fr
        && literal.split(" no ").skip(1).any(|rest| rest.starts_with(|c: char| c == 'x' || c.is_ascii_digit()))
    {
        faults.push("\"no\" before a number: write \"nº\"".into());
    }
    for (i, &c) in chars.iter().enumerate() {
        let before = i.checked_sub(1).map(|j| chars[j]);
        let after = chars.get(i + 1).copied();
        let ends_clause = after.is_none_or(|a| a.is_whitespace() || a == '»' || a == ')');
        let no_break = |c: Option<char>| matches!(c, Some('\u{a0}' | '\u{202f}'));
        match lang {
            Language::Fr => {
                if matches!(c, ':' | ';' | '?' | '!') && ends_clause && !no_break(before) {
                    faults.push(format!("no no-break space before {c:?}"));
                }
                if c == '«' && !no_break(after) || c == '»' && !no_break(before) {
                    faults.push(format!("no no-break space inside {c:?}"));
                }
            }
            Language::En => {
                if matches!(c, ':' | ';' | '?' | '!') && before.is_some_and(char::is_whitespace) {
                    faults.push(format!("a space before {c:?}"));
                }
            }
        }
    }
    faults
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every message follows its language's typography (issue 12): "Courriel : …" with a no-break space,
    /// « guillemets » with no-break spaces inside, and no space before a colon in English.
    #[test]
    fn every_message_follows_its_languages_typography() {
        let mut faults = Vec::new();
        for (lang, source) in [(Language::Fr, FR_CA), (Language::En, EN_CA)] {
            for line in source.lines().filter(|l| !l.starts_with('#')) {
                let Some((id, text)) = line.split_once(" = ").or_else(|| line.split_once('=')) else { continue };
                for fault in typography_faults(lang, text) {
                    faults.push(format!("{}: {}: {fault}", lang.code(), id.trim()));
                }
                // Words: "bourse" is "grant" in English; French names the people who review inclusively.
                if lang == Language::En && text.to_lowercase().contains("bourse") {
                    faults.push(format!("en: {}: \"bourse\" is \"grant\" in English", id.trim()));
                }
                if lang == Language::Fr && text.contains("valuateur") && !text.contains("valuatrice") {
                    faults.push(format!("fr: {}: name both évaluatrices and évaluateurs", id.trim()));
                }
            }
        }
        // Templates hold no French punctuation of their own: what sits between a label and its text
        // comes from the language (`page.colon()`, `i18n::labelled`).
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "html") {
                let html = std::fs::read_to_string(&path).unwrap();
                for (n, line) in html.lines().enumerate() {
                    if [" : ", " ; ", " ? ", " ! "].iter().any(|p| line.contains(p)) {
                        faults.push(format!("{}:{}: a mark after a plain space", path.display(), n + 1));
                    }
                }
            }
        }
        assert!(faults.is_empty(), "{} faults:\n{}", faults.len(), faults.join("\n"));
        assert_eq!(typography_faults(Language::Fr, "Courriel : vide"), ["no no-break space before ':'"]);
        assert_eq!(typography_faults(Language::Fr, "Courriel\u{a0}: { $x } ?"), ["no no-break space before '?'"]);
        assert_eq!(typography_faults(Language::En, "Email : empty"), ["a space before ':'"]);
        assert!(typography_faults(Language::Fr, "https://exemple.org et 10:30").is_empty());
        assert_eq!(typography_faults(Language::Fr, "Demande no { $id }").len(), 1);
        assert_eq!(count(Language::Fr, 2_000), "2\u{202f}000");
        assert_eq!(count(Language::En, 1_234_567), "1,234,567");
        assert_eq!(count(Language::Fr, 999), "999");
    }

    #[test]
    fn every_message_exists_in_both_languages() {
        let (fr, en) = (message_ids(FR_CA), message_ids(EN_CA));
        let only_fr: Vec<_> = fr.difference(&en).collect();
        let only_en: Vec<_> = en.difference(&fr).collect();
        assert!(only_fr.is_empty() && only_en.is_empty(), "only in fr-CA: {only_fr:?}; only in en-CA: {only_en:?}");
        assert!(fr.len() > 50);
        for id in &fr {
            assert_ne!(t(Language::Fr, id), *id, "{id} does not format in fr-CA");
            assert_ne!(t(Language::En, id), *id, "{id} does not format in en-CA");
        }
    }

    /// Every state and event of the shipped workflows has its name in both languages, every purchase
    /// event its button, and every announced step its e-mail: a workflow file changed without its
    /// words fails here, not in front of a person.
    #[test]
    fn every_workflow_state_event_and_announcement_has_its_words() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("workflows");
        let workflows = crate::domain::workflow::load_dir(&dir).unwrap();
        let mut missing = Vec::new();
        for (lang, source) in [(Language::Fr, FR_CA), (Language::En, EN_CA)] {
            let ids = message_ids(source);
            let mut need = |id: String| {
                if !ids.contains(&id) {
                    missing.push(format!("{lang:?}: {id}"));
                }
            };
            for w in workflows.values() {
                w.states.iter().for_each(|s| need(format!("state-{s}")));
                let mail = if w.name == "grant" { "mail-step" } else { "mail-purchase" };
                for t in &w.transitions {
                    need(format!("event-{}", t.event));
                    if w.name == "purchase" && !t.effects.iter().any(|e| e.takes_command()) {
                        need(format!("purchase-do-{}", t.event));
                    }
                    if t.announce {
                        need(format!("{mail}-{}-subject", t.event));
                        need(format!("{mail}-{}-body", t.event));
                    }
                }
            }
        }
        missing.sort();
        missing.dedup();
        assert!(missing.is_empty(), "{missing:#?}");
    }

    /// A count chooses its plural form in each language; a number written with leading zeros (a NEQ)
    /// stays as typed.
    #[test]
    fn counts_choose_their_plural_and_other_numbers_stay_as_written() {
        let days = |lang, n: &str| t_args(lang, "dashboard-days", &[("days", n.to_string())]);
        assert_eq!(days(Language::Fr, "0"), "depuis aujourd'hui");
        assert_eq!(days(Language::Fr, "1"), "depuis 1 jour");
        assert_eq!(days(Language::Fr, "12"), "depuis 12 jours");
        assert_eq!(days(Language::En, "1"), "for 1 day");
        assert_eq!(days(Language::En, "2"), "for 2 days");
        let id = |v: &str| t_args(Language::Fr, "purchase-number", &[("id", v.to_string())]);
        assert_eq!(id("0012"), "Achat nº\u{a0}0012");
        assert_eq!(id("12345"), "Achat nº\u{a0}12345");
    }

    #[test]
    fn money_hours_and_dates_follow_each_locale() {
        let m = Money::parse("1234.56").unwrap();
        assert_eq!(money(Language::Fr, m), "1\u{a0}234,56\u{a0}$");
        assert_eq!(money(Language::En, m), "$1,234.56");
        assert_eq!(money(Language::Fr, Money::parse("4000000").unwrap()), "4\u{a0}000\u{a0}000,00\u{a0}$");
        assert_eq!(money(Language::En, Money::parse("0.05").unwrap()), "$0.05");
        assert_eq!(money(Language::En, Money::parse("999").unwrap()), "$999.00");
        assert_eq!(hours(Language::Fr, Hours::parse("6.5").unwrap()), "6,5\u{a0}h");
        assert_eq!(hours(Language::En, Hours::parse("6.5").unwrap()), "6.5\u{a0}h");
        assert_eq!(date("2026-11-28T14:20:43.123Z"), "2026-11-28");
        assert_eq!(long_date(Language::Fr, "2026-11-30T14:20:43.123Z"), "30\u{a0}novembre 2026");
        assert_eq!(long_date(Language::Fr, "2026-12-01"), "1er\u{a0}décembre 2026");
        assert_eq!(long_date(Language::En, "2026-11-30"), "November\u{a0}30, 2026");
        assert_eq!(long_date(Language::En, "plus tard"), "plus tard");
    }

    proptest::proptest! {
        /// Every amount and duration octroi displays, a page of that language reads back as itself.
        #[test]
        fn what_is_displayed_reads_back_on_a_page_of_its_language(cents in 0i64..1_000_000_000_000) {
            for lang in [Language::Fr, Language::En] {
                let style = lang.into();
                let m = Money::from_cents(cents);
                proptest::prop_assert_eq!(Money::parse_as(&money(lang, m), style), Ok(m));
                let h = Hours::from_hundredths(cents);
                proptest::prop_assert_eq!(Hours::parse_as(&hours(lang, h), style), Ok(h));
            }
        }
    }

    #[test]
    fn arguments_are_filled_in() {
        assert_eq!(
            t_args(Language::En, "problem-at-most-characters", &[("max", "200".into())]),
            "At most 200 characters."
        );
        assert_eq!(
            t_args(Language::Fr, "problem-at-most-characters", &[("max", "200".into())]),
            "Au plus 200 caractères."
        );
    }
}
