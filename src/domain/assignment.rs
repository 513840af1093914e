//! Choosing reviewers for applications (issue 4): never a reviewer who works for the applicant organism
//! nor one who declared a conflict with it; the least loaded first; among equally loaded, reviewers of
//! the applicant's region first. Pure: storage gathers the facts and applies the choice.

use std::collections::BTreeSet;

use super::{OrganismId, UserId};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reviewer {
    pub id: UserId,
    /// The region the reviewer works in, if known (`06`).
    pub region: Option<String>,
    /// The organism the reviewer works for, if any.
    pub affiliation: Option<OrganismId>,
    /// Organisms the reviewer declared a conflict of interest with.
    pub conflicts: BTreeSet<OrganismId>,
    /// Reviews already assigned and not yet done.
    pub load: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applicant {
    pub organism: OrganismId,
    pub region: String,
}

impl Reviewer {
    /// The conflict rule: the one thing an assignment must never break.
    pub fn may_review(&self, applicant: &Applicant) -> bool {
        self.affiliation != Some(applicant.organism) && !self.conflicts.contains(&applicant.organism)
    }
}

/// Up to `wanted` reviewers for one application, excluding those already on it; raises the chosen
/// reviewers' load so that successive calls spread the work.
pub fn choose(applicant: &Applicant, reviewers: &mut [Reviewer], already: &[UserId], wanted: usize) -> Vec<UserId> {
    let mut candidates: Vec<usize> = (0..reviewers.len())
        .filter(|&i| reviewers[i].may_review(applicant) && !already.contains(&reviewers[i].id))
        .collect();
    candidates.sort_by_key(|&i| {
        let r = &reviewers[i];
        (r.load, r.region.as_deref() != Some(applicant.region.as_str()), r.id)
    });
    let chosen: Vec<usize> = candidates.into_iter().take(wanted.saturating_sub(already.len())).collect();
    for &i in &chosen {
        reviewers[i].load += 1;
    }
    chosen.into_iter().map(|i| reviewers[i].id).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn reviewer(id: i64, region: &str, load: u32) -> Reviewer {
        Reviewer { id: UserId(id), region: Some(region.into()), affiliation: None, conflicts: BTreeSet::new(), load }
    }

    #[test]
    fn least_loaded_first_then_same_region() {
        let mut pool = vec![reviewer(1, "06", 2), reviewer(2, "03", 0), reviewer(3, "06", 0), reviewer(4, "06", 1)];
        let app = Applicant { organism: OrganismId(9), region: "06".into() };
        assert_eq!(choose(&app, &mut pool, &[], 2), vec![UserId(3), UserId(2)]);
        assert_eq!((pool[1].load, pool[2].load), (1, 1));
    }

    #[test]
    fn never_the_applicants_own_nor_a_conflicted_reviewer() {
        let mut pool = vec![reviewer(1, "06", 0), reviewer(2, "06", 0), reviewer(3, "06", 5)];
        pool[0].affiliation = Some(OrganismId(9));
        pool[1].conflicts.insert(OrganismId(9));
        let app = Applicant { organism: OrganismId(9), region: "06".into() };
        assert_eq!(choose(&app, &mut pool, &[], 2), vec![UserId(3)], "only one may review; none is forced in");
        assert_eq!(choose(&app, &mut pool, &[UserId(3)], 2), Vec::<UserId>::new(), "already on it");
    }

    fn pools() -> impl Strategy<Value = (Vec<Reviewer>, Vec<Applicant>, usize)> {
        let reviewer =
            (0u32..4, proptest::option::of(0i64..8), proptest::collection::btree_set(0i64..8, 0..3), 1u32..18);
        (proptest::collection::vec(reviewer, 1..25), proptest::collection::vec((0i64..8, 1u32..18), 1..60), 1usize..4)
            .prop_map(|(rs, apps, n)| {
                let reviewers = rs
                    .into_iter()
                    .enumerate()
                    .map(|(i, (load, affiliation, conflicts, region))| Reviewer {
                        id: UserId(i as i64 + 1),
                        region: Some(format!("{region:02}")),
                        affiliation: affiliation.map(OrganismId),
                        conflicts: conflicts.into_iter().map(OrganismId).collect(),
                        load,
                    })
                    .collect();
                let apps = apps
                    .into_iter()
                    .map(|(o, r)| Applicant { organism: OrganismId(o), region: format!("{r:02}") })
                    .collect();
                (reviewers, apps, n)
            })
    }

    proptest! {
        /// Over any pool and any batch of applications, no assignment ever breaks the conflict rule, no
        /// reviewer is chosen twice for one application, and each application gets as many reviewers as
        /// it asks for when enough may review it.
        #[test]
        fn no_assignment_ever_violates_the_conflict_rule((mut reviewers, apps, wanted) in pools()) {
            for app in &apps {
                let eligible = reviewers.iter().filter(|r| r.may_review(app)).count();
                let chosen = choose(app, &mut reviewers, &[], wanted);
                prop_assert_eq!(chosen.len(), wanted.min(eligible));
                let unique: BTreeSet<UserId> = chosen.iter().copied().collect();
                prop_assert_eq!(unique.len(), chosen.len());
                for id in chosen {
                    let r = reviewers.iter().find(|r| r.id == id).unwrap();
                    prop_assert!(r.affiliation != Some(app.organism) && !r.conflicts.contains(&app.organism));
                }
            }
        }

        /// Without conflicts, the work is spread evenly: loads never differ by more than one.
        #[test]
        fn without_conflicts_the_load_is_balanced(count in 2usize..30, apps in 1usize..100, wanted in 1usize..3) {
            let mut pool: Vec<Reviewer> = (0..count).map(|i| reviewer(i as i64, "06", 0)).collect();
            let app = Applicant { organism: OrganismId(1), region: "06".into() };
            for _ in 0..apps {
                choose(&app, &mut pool, &[], wanted.min(count));
            }
            let (min, max) = (pool.iter().map(|r| r.load).min().unwrap(), pool.iter().map(|r| r.load).max().unwrap());
            prop_assert!(max - min <= 1, "{} .. {}", min, max);
        }
    }
}
