//! `policies/eligibility.toml`: the eligibility rules screening shows (issue 4). The kinds of rule are
//! known to octroi; which rules apply, their wording and their parameters are the program's.

use std::collections::BTreeSet;
use std::path::Path;

use serde::Deserialize;

use crate::domain::{Neq, Region};

/// What a rule checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Check {
    NeqValid,
    RegionIn(BTreeSet<String>),
    /// Keywords, any of which the mission must mention: (as compared, folded; as the program wrote it).
    MissionMentionsAny(Vec<(String, String)>),
    MaxBoursesAwarded(u32),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    pub code: String,
    pub name_fr: String,
    pub name_en: String,
    pub check: Check,
}

impl Rule {
    pub fn name(&self, lang: crate::domain::Language) -> &str {
        match lang {
            crate::domain::Language::Fr => &self.name_fr,
            crate::domain::Language::En => &self.name_en,
        }
    }
}

/// The facts about one application that the rules read, gathered by storage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Facts {
    pub neq: String,
    pub region: String,
    pub mission: String,
    /// Bourses already awarded to the organism (grants past the award, this one excluded).
    pub bourses_awarded: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Eligibility {
    pub rules: Vec<Rule>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    rules: Vec<RawRule>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    code: String,
    kind: String,
    name_fr: String,
    name_en: String,
    #[serde(default)]
    regions: Vec<String>,
    #[serde(default)]
    keywords: Vec<String>,
    max: Option<u32>,
}

impl Eligibility {
    pub fn load(path: &Path) -> Result<Eligibility, String> {
        let src = std::fs::read_to_string(path).map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
        Eligibility::parse(&src).map_err(|e| format!("{}: {e}", path.display()))
    }

    pub fn parse(src: &str) -> Result<Eligibility, String> {
        let raw: Raw = toml::from_str(src).map_err(|e| e.to_string().trim().replace('\n', " "))?;
        let mut problems = Vec::new();
        let mut codes = BTreeSet::new();
        let mut rules = Vec::new();
        for r in raw.rules {
            if !codes.insert(r.code.clone()) {
                problems.push(format!("rule {} is defined twice", r.code));
            }
            let check = match r.kind.as_str() {
                "neq_valid" => Some(Check::NeqValid),
                "region_in" => {
                    let bad: Vec<&String> = r.regions.iter().filter(|c| Region::parse(c).is_err()).collect();
                    if r.regions.is_empty() || !bad.is_empty() {
                        problems.push(format!("rule {}: regions must be codes from 01 to 17 (bad: {bad:?})", r.code));
                    }
                    Some(Check::RegionIn(
                        r.regions.iter().filter_map(|c| Region::parse(c).ok()).map(|r| r.code()).collect(),
                    ))
                }
                "mission_mentions_any" => {
                    if r.keywords.iter().all(|k| k.trim().is_empty()) {
                        problems.push(format!("rule {}: give at least one keyword", r.code));
                    }
                    // Compared folded, as people write missions: without case or accents.
                    Some(Check::MissionMentionsAny(
                        r.keywords.iter().map(|k| (crate::domain::text::fold(k), k.trim().to_string())).collect(),
                    ))
                }
                "max_bourses_awarded" => match r.max {
                    Some(max) => Some(Check::MaxBoursesAwarded(max)),
                    None => {
                        problems.push(format!("rule {}: give max", r.code));
                        None
                    }
                },
                other => {
                    problems.push(format!(
                        "rule {}: unknown kind '{other}'; known: neq_valid, region_in, mission_mentions_any, max_bourses_awarded",
                        r.code
                    ));
                    None
                }
            };
            if let Some(check) = check {
                rules.push(Rule { code: r.code, name_fr: r.name_fr, name_en: r.name_en, check });
            }
        }
        if problems.is_empty() { Ok(Eligibility { rules }) } else { Err(problems.join("; ")) }
    }

    /// The rule limiting the bourses an organism may have, if the program has one: such an organism is
    /// not offered a new application (`max_bourses_awarded`), and its name.
    pub fn bourse_limit(&self) -> Option<(u32, &Rule)> {
        self.rules.iter().find_map(|r| match r.check {
            Check::MaxBoursesAwarded(max) => Some((max, r)),
            _ => None,
        })
    }

    /// Each rule's code and whether the application passes it, in file order.
    pub fn evaluate(&self, facts: &Facts) -> Vec<(&str, bool)> {
        self.findings(facts).into_iter().map(|f| (f.rule.code.as_str(), f.passed)).collect()
    }

    /// Each rule, whether the application passes it and what the rule found in it, in file order.
    pub fn findings(&self, facts: &Facts) -> Vec<Finding<'_>> {
        let mission = format!(" {} ", crate::domain::text::fold(&facts.mission));
        self.rules
            .iter()
            .map(|rule| {
                let (passed, found) = match &rule.check {
                    Check::NeqValid => (Neq::parse(&facts.neq).is_ok(), Found::Neq(facts.neq.clone())),
                    Check::RegionIn(regions) => (
                        Region::parse(&facts.region).is_ok_and(|r| regions.contains(&r.code())),
                        Found::Region(facts.region.clone()),
                    ),
                    // A keyword matches at the start of a word ("défavorisé" in "défavorisées").
                    Check::MissionMentionsAny(keywords) => {
                        // Each keyword once, however many languages list it ("vulnérable", "vulnerable").
                        let (mut seen, mut folded_seen): (Vec<String>, Vec<&str>) = (Vec::new(), Vec::new());
                        for (folded, shown) in keywords {
                            let found = !folded.is_empty() && mission.contains(&format!(" {folded}"));
                            if found && !folded_seen.contains(&folded.as_str()) {
                                folded_seen.push(folded);
                                seen.push(shown.clone());
                            }
                        }
                        (!seen.is_empty(), Found::Keywords(seen))
                    }
                    Check::MaxBoursesAwarded(max) => {
                        (facts.bourses_awarded <= *max, Found::Bourses(facts.bourses_awarded))
                    }
                };
                Finding { rule, passed, found }
            })
            .collect()
    }
}

/// One rule applied to one application.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding<'a> {
    pub rule: &'a Rule,
    pub passed: bool,
    pub found: Found,
}

/// What a rule read in the application, for the person screening it to check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Found {
    Neq(String),
    Region(String),
    /// The program's keywords found in the mission, as the program wrote them.
    Keywords(Vec<String>),
    Bourses(u32),
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = include_str!("../../policies/eligibility.toml");

    fn facts() -> Facts {
        Facts {
            neq: "1143356789".into(),
            region: "06".into(),
            mission: "Sécurité alimentaire et lutte contre l'isolement des aînés.".into(),
            bourses_awarded: 0,
        }
    }

    #[test]
    fn an_eligible_organism_passes_every_rule() {
        let e = Eligibility::parse(FILE).unwrap();
        assert_eq!(
            e.evaluate(&facts()),
            vec![("neq", true), ("region", true), ("mission", true), ("single_bourse", true)]
        );
    }

    /// The mission rule against missions community organizations write (issue 12): what fights poverty
    /// or exclusion passes however it is written, a leisure club does not.
    #[test]
    fn real_missions_pass_and_leisure_does_not() {
        let mission = |m: &str| {
            let rules = Eligibility::parse(FILE).unwrap();
            rules.evaluate(&Facts { mission: m.into(), ..facts() })[2].1
        };
        for m in [
            "Aide alimentaire et soutien aux personnes seules",
            "AIDE ALIMENTAIRE",
            "Depannage alimentaire pour les familles a faible revenu",
            "Accueil et intégration des personnes immigrantes",
            "Soutien aux personnes vivant avec un handicap",
            "Maison des jeunes\u{a0}: prévention du décrochage scolaire",
            "Hébergement d'urgence pour les personnes en situation d'itinérance",
            "Food bank and support for isolated seniors",
        ] {
            assert!(mission(m), "{m}");
        }
        for m in ["Club de photographie des Laurentides", "Loisirs photographiques et expositions.", "Club de golf"] {
            assert!(!mission(m), "{m}");
        }
    }

    /// The screening page shows what the mission rule found, so that an officer can judge a miss.
    #[test]
    fn the_mission_rule_says_which_keywords_it_found() {
        let e = Eligibility::parse(FILE).unwrap();
        let mission = |m: &str| e.findings(&Facts { mission: m.into(), ..facts() })[2].found.clone();
        assert_eq!(
            mission("Aide alimentaire et soutien aux personnes seules"),
            Found::Keywords(vec!["aide alimentaire".into(), "alimentaire".into(), "personnes seules".into()])
        );
        assert_eq!(mission("Club de golf"), Found::Keywords(vec![]));
        assert_eq!(e.findings(&facts())[1].found, Found::Region("06".into()));
    }

    #[test]
    fn each_rule_fails_on_its_own_fact() {
        let e = Eligibility::parse(FILE).unwrap();
        let failing =
            |f: Facts| e.evaluate(&f).into_iter().filter(|(_, ok)| !ok).map(|(c, _)| c.to_string()).collect::<Vec<_>>();
        assert_eq!(failing(Facts { neq: "4412345678".into(), ..facts() }), ["neq"]);
        assert_eq!(failing(Facts { region: "18".into(), ..facts() }), ["region"]);
        assert_eq!(failing(Facts { mission: "Club de golf privé".into(), ..facts() }), ["mission"]);
        assert_eq!(failing(Facts { bourses_awarded: 1, ..facts() }), ["single_bourse"]);
        assert_eq!(failing(Facts { mission: "LUTTE CONTRE LA PAUVRETÉ".into(), ..facts() }), Vec::<String>::new());
    }

    #[test]
    fn a_file_with_mistakes_is_refused_with_each_named() {
        let err = Eligibility::parse(&FILE.replace("kind = \"region_in\"", "kind = \"region_within\"")).unwrap_err();
        assert!(err.contains("rule region: unknown kind 'region_within'"), "{err}");
        let err = Eligibility::parse(&FILE.replace("\"16\", \"17\"", "\"16\", \"18\"")).unwrap_err();
        assert!(err.contains("rule region: regions must be codes from 01 to 17"), "{err}");
        let err = Eligibility::parse(&FILE.replace("max = 0", "")).unwrap_err();
        assert!(err.contains("rule single_bourse: give max"), "{err}");
    }
}
