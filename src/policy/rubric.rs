//! `policies/rubric.toml`: the review criteria, their weights and the scale. The weighted score is exact
//! (rust_decimal): no reviewer's ranking depends on a float's rounding.

use std::collections::BTreeSet;
use std::path::Path;

use rust_decimal::Decimal;
use serde::Deserialize;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Criterion {
    pub code: String,
    pub name_fr: String,
    pub name_en: String,
    /// What the reviewer looks for (shown under the criterion on the review form).
    pub description_fr: String,
    pub description_en: String,
    /// Percent of the score.
    pub weight: Decimal,
}

impl Criterion {
    pub fn name(&self, lang: crate::domain::Language) -> &str {
        match lang {
            crate::domain::Language::Fr => &self.name_fr,
            crate::domain::Language::En => &self.name_en,
        }
    }

    pub fn description(&self, lang: crate::domain::Language) -> &str {
        match lang {
            crate::domain::Language::Fr => &self.description_fr,
            crate::domain::Language::En => &self.description_en,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rubric {
    pub min: i64,
    pub max: i64,
    pub criteria: Vec<Criterion>,
    /// What each score means, from `min` to `max` (empty when the file says nothing).
    pub labels_fr: Vec<String>,
    pub labels_en: Vec<String>,
    /// How many reviews an application needs before the decision.
    pub reviewers_per_application: i64,
}

/// What a reviewer recommends.
pub const RECOMMENDATIONS: [&str; 3] = ["approve", "decline", "discuss"];

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScoreError {
    #[error("criterion {0} is not scored")]
    Missing(String),
    #[error("criterion {0} is not in the rubric")]
    Unknown(String),
    #[error("criterion {code}: {score} is outside the scale {min} to {max}")]
    OutOfScale { code: String, score: i64, min: i64, max: i64 },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    reviewers_per_application: i64,
    scale: RawScale,
    criteria: Vec<RawCriterion>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawScale {
    min: i64,
    max: i64,
    #[serde(default)]
    labels_fr: Vec<String>,
    #[serde(default)]
    labels_en: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCriterion {
    code: String,
    name_fr: String,
    name_en: String,
    #[serde(default)]
    description_fr: String,
    #[serde(default)]
    description_en: String,
    weight: String,
}

impl Rubric {
    pub fn load(path: &Path) -> Result<Rubric, String> {
        let src = std::fs::read_to_string(path).map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
        Rubric::parse(&src).map_err(|e| format!("{}: {e}", path.display()))
    }

    pub fn parse(src: &str) -> Result<Rubric, String> {
        let raw: Raw = toml::from_str(src).map_err(|e| e.to_string().trim().replace('\n', " "))?;
        let mut problems = Vec::new();
        if raw.scale.min >= raw.scale.max {
            problems.push(format!("the scale's min ({}) must be below its max ({})", raw.scale.min, raw.scale.max));
        }
        if !(1..=10).contains(&raw.reviewers_per_application) {
            problems.push(format!(
                "reviewers_per_application must be between 1 and 10, not {}",
                raw.reviewers_per_application
            ));
        }
        let mut codes = BTreeSet::new();
        let mut criteria = Vec::new();
        for c in raw.criteria {
            if !codes.insert(c.code.clone()) {
                problems.push(format!("criterion {} is defined twice", c.code));
            }
            match c.weight.trim().parse::<Decimal>() {
                Ok(w) if w > Decimal::ZERO => criteria.push(Criterion {
                    code: c.code,
                    name_fr: c.name_fr,
                    name_en: c.name_en,
                    description_fr: c.description_fr,
                    description_en: c.description_en,
                    weight: w,
                }),
                _ => problems
                    .push(format!("criterion {}: the weight '{}' must be a number above zero", c.code, c.weight)),
            }
        }
        let total: Decimal = criteria.iter().map(|c| c.weight).sum();
        if criteria.is_empty() {
            problems.push("the rubric has no criterion".into());
        } else if total != Decimal::ONE_HUNDRED {
            problems.push(format!("the weights add up to {total}, not 100"));
        }
        let points = (raw.scale.max - raw.scale.min + 1).max(0) as usize;
        for (lang, labels) in [("labels_fr", &raw.scale.labels_fr), ("labels_en", &raw.scale.labels_en)] {
            if !labels.is_empty() && labels.len() != points {
                problems.push(format!("the scale's {lang} has {} labels for {points} scores", labels.len()));
            }
        }
        if problems.is_empty() {
            Ok(Rubric {
                min: raw.scale.min,
                max: raw.scale.max,
                criteria,
                labels_fr: raw.scale.labels_fr,
                labels_en: raw.scale.labels_en,
                reviewers_per_application: raw.reviewers_per_application,
            })
        } else {
            Err(problems.join("; "))
        }
    }

    /// What a score means in `lang` ("3 — Satisfaisant"), or the score alone.
    pub fn score_label(&self, lang: crate::domain::Language, score: i64) -> String {
        let labels = match lang {
            crate::domain::Language::Fr => &self.labels_fr,
            crate::domain::Language::En => &self.labels_en,
        };
        match usize::try_from(score - self.min).ok().and_then(|i| labels.get(i)) {
            Some(label) => format!("{score} — {label}"),
            None => score.to_string(),
        }
    }

    /// The weighted score of one review, on the rubric's scale, exact: Σ score × weight / 100. Every
    /// criterion must be scored once, within the scale.
    pub fn weighted(&self, scores: &[(&str, i64)]) -> Result<Decimal, ScoreError> {
        if let Some((code, _)) = scores.iter().find(|(code, _)| !self.criteria.iter().any(|c| c.code == *code)) {
            return Err(ScoreError::Unknown(code.to_string()));
        }
        let mut total = Decimal::ZERO;
        for c in &self.criteria {
            let Some((_, score)) = scores.iter().find(|(code, _)| *code == c.code) else {
                return Err(ScoreError::Missing(c.code.clone()));
            };
            if !(self.min..=self.max).contains(score) {
                return Err(ScoreError::OutOfScale {
                    code: c.code.clone(),
                    score: *score,
                    min: self.min,
                    max: self.max,
                });
            }
            total += Decimal::from(*score) * c.weight;
        }
        Ok(total / Decimal::ONE_HUNDRED)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const FILE: &str = include_str!("../../policies/rubric.toml");

    fn rubric() -> Rubric {
        Rubric::parse(FILE).unwrap()
    }

    #[test]
    fn the_weighted_score_is_exact() {
        let r = rubric();
        let all = |s| vec![("need", s), ("mission", s), ("feasibility", s), ("sustainability", s)];
        assert_eq!(r.weighted(&all(5)).unwrap(), Decimal::from(5));
        let mixed = [("need", 4), ("mission", 3), ("feasibility", 5), ("sustainability", 2)];
        // 4×30 + 3×25 + 5×25 + 2×20 = 360 → 3.60
        assert_eq!(r.weighted(&mixed).unwrap(), Decimal::new(360, 2));
    }

    #[test]
    fn scores_outside_the_scale_missing_or_unknown_are_refused() {
        let r = rubric();
        let e = r.weighted(&[("need", 6), ("mission", 3), ("feasibility", 5), ("sustainability", 2)]).unwrap_err();
        assert_eq!(e, ScoreError::OutOfScale { code: "need".into(), score: 6, min: 0, max: 5 });
        assert_eq!(r.weighted(&[("need", 1)]).unwrap_err(), ScoreError::Missing("mission".into()));
        let e = r.weighted(&[("need", 1), ("charm", 5)]).unwrap_err();
        assert_eq!(e, ScoreError::Unknown("charm".into()));
    }

    #[test]
    fn a_rubric_whose_weights_do_not_add_up_is_refused() {
        let err = Rubric::parse(&FILE.replace("weight = \"20\"", "weight = \"19.5\"")).unwrap_err();
        assert!(err.contains("the weights add up to 99.5, not 100"), "{err}");
        let err = Rubric::parse(&FILE.replace("max = 5", "max = 0")).unwrap_err();
        assert!(err.contains("the scale's min (0) must be below its max (0)"), "{err}");
        let err = Rubric::parse(&FILE.replace("code = \"mission\"", "code = \"need\"")).unwrap_err();
        assert!(err.contains("criterion need is defined twice"), "{err}");
        let err =
            Rubric::parse(&FILE.replace("reviewers_per_application = 2", "reviewers_per_application = 0")).unwrap_err();
        assert!(err.contains("reviewers_per_application must be between 1 and 10, not 0"), "{err}");
        let err = Rubric::parse(&FILE.replace("max = 5", "max = 4")).unwrap_err();
        assert!(err.contains("the scale's labels_fr has 6 labels for 5 scores"), "{err}");
    }

    #[test]
    fn each_score_says_what_it_means() {
        let r = rubric();
        assert_eq!(r.score_label(crate::domain::Language::Fr, 3), "3 — Satisfaisant");
        assert_eq!(r.score_label(crate::domain::Language::En, 0), "0 — Absent");
        assert_eq!(r.score_label(crate::domain::Language::En, 9), "9");
    }

    proptest! {
        /// The weighted score always stays within the scale.
        #[test]
        fn the_weighted_score_stays_on_the_scale(scores in proptest::collection::vec(0i64..=5, 4)) {
            let r = rubric();
            let codes = ["need", "mission", "feasibility", "sustainability"];
            let pairs: Vec<(&str, i64)> = codes.iter().copied().zip(scores).collect();
            let w = r.weighted(&pairs).unwrap();
            prop_assert!(w >= Decimal::ZERO && w <= Decimal::from(5));
        }
    }
}
