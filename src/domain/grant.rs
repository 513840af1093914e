//! A grant application's content and the facts the grant workflow's guards are evaluated against.

use super::workflow::Guard;
use super::{Email, Hours, Money};

/// What the organism asks for. A draft may be incomplete; `application_complete` guards submission.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Application {
    pub title: String,
    pub needs_assessment: String,
    pub project_description: String,
    pub requested_equipment: Money,
    pub requested_software: Money,
    pub requested_coaching_hours: Hours,
    pub contact_name: String,
    pub contact_email: Option<Email>,
}

impl Application {
    /// The fields that must be filled before the application can be submitted, by their API names.
    pub fn missing(&self) -> Vec<&'static str> {
        let mut missing = Vec::new();
        for (name, value) in [
            ("title", &self.title),
            ("needs_assessment", &self.needs_assessment),
            ("project_description", &self.project_description),
            ("contact_name", &self.contact_name),
        ] {
            if value.trim().is_empty() {
                missing.push(name);
            }
        }
        if self.contact_email.is_none() {
            missing.push("contact_email");
        }
        let asks_for_something = self.requested_equipment > Money::ZERO
            || self.requested_software > Money::ZERO
            || self.requested_coaching_hours > Hours::default();
        if !asks_for_something {
            missing.push("requested_amounts");
        }
        missing
    }
}

/// Everything a grant guard may look at, gathered by storage inside the transaction.
pub struct GuardFacts<'a> {
    pub application: &'a Application,
    /// The state the grant was in before its current one: where a request for more information came
    /// from, when the grant is waiting for the applicant.
    pub previous_state: Option<&'a str>,
}

impl GuardFacts<'_> {
    pub fn holds(&self, guard: Guard) -> bool {
        match guard {
            Guard::ApplicationComplete => self.application.missing().is_empty(),
            Guard::ReturnsToScreening => self.previous_state == Some("screening"),
            Guard::ReturnsToReview => self.previous_state == Some("in_review"),
            Guard::ReturnsToDecision => self.previous_state == Some("decision"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn complete() -> Application {
        Application {
            title: "Virage numérique".into(),
            needs_assessment: "Nos postes ont dix ans.".into(),
            project_description: "Remplacer trois postes.".into(),
            requested_equipment: Money::parse("3000").unwrap(),
            contact_name: "Marie Tremblay".into(),
            contact_email: Some(Email::parse("marie@exemple.org").unwrap()),
            ..Default::default()
        }
    }

    #[test]
    fn a_complete_application_misses_nothing() {
        assert!(complete().missing().is_empty());
        let facts = GuardFacts {
            application: &complete(),
            previous_state: None,
        };
        assert!(facts.holds(Guard::ApplicationComplete));
    }

    #[test]
    fn blank_fields_and_an_empty_request_are_missing() {
        let app = Application {
            title: "  ".into(),
            ..Default::default()
        };
        assert_eq!(
            app.missing(),
            vec![
                "title",
                "needs_assessment",
                "project_description",
                "contact_name",
                "contact_email",
                "requested_amounts"
            ]
        );
        let hours_only = Application {
            requested_equipment: Money::ZERO,
            requested_coaching_hours: Hours::parse("6").unwrap(),
            ..complete()
        };
        assert!(hours_only.missing().is_empty());
    }

    #[test]
    fn return_guards_follow_where_the_request_came_from() {
        let app = complete();
        let facts = GuardFacts {
            application: &app,
            previous_state: Some("in_review"),
        };
        assert!(facts.holds(Guard::ReturnsToReview));
        assert!(!facts.holds(Guard::ReturnsToScreening));
        assert!(!facts.holds(Guard::ReturnsToDecision));
        let none = GuardFacts {
            application: &app,
            previous_state: None,
        };
        assert!(!none.holds(Guard::ReturnsToScreening));
    }
}
