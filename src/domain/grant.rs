//! A grant application's content and the facts the grant workflow's guards are evaluated against.

use super::workflow::Guard;
use super::{Email, Hours, Money};

/// The most lines one application may list.
pub const MAX_LINES: usize = 50;

named_enum!(
    /// What a requested line buys: equipment or software (coaching is asked for in hours).
    LineCategory { Equipment = "equipment", Software = "software" }
);

/// One requested purchase: what, how many, at what estimated unit price.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub category: LineCategory,
    pub description: String,
    pub quantity: i64,
    pub unit_price: Money,
}

impl Line {
    /// Quantity × unit price, exact.
    pub fn total(&self) -> Money {
        Money::from_cents(self.unit_price.cents() * self.quantity)
    }
}

/// What the organism asks for. A draft may be incomplete; `application_complete` guards submission.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Application {
    pub title: String,
    pub needs_assessment: String,
    pub project_description: String,
    pub lines: Vec<Line>,
    pub requested_coaching_hours: Hours,
    pub contact_name: String,
    pub contact_email: Option<Email>,
}

impl Application {
    /// The total of the lines of one category.
    pub fn requested(&self, category: LineCategory) -> Money {
        Money::from_cents(self.lines.iter().filter(|l| l.category == category).map(|l| l.total().cents()).sum())
    }

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
        let asks_for_something =
            self.lines.iter().any(|l| l.total() > Money::ZERO) || self.requested_coaching_hours > Hours::default();
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
    /// Reviews submitted, and reviews assigned but not yet submitted.
    pub reviews_done: i64,
    pub reviews_pending: i64,
    /// How many reviews an application needs (`policies/rubric.toml`).
    pub reviews_required: i64,
}

impl GuardFacts<'_> {
    /// Whether `guard` holds for a transition to `to`.
    pub fn holds(&self, guard: Guard, to: &str) -> bool {
        match guard {
            Guard::ApplicationComplete => self.application.missing().is_empty(),
            Guard::ReturnsToPrevious => self.previous_state == Some(to),
            Guard::ReviewsComplete => self.reviews_pending == 0 && self.reviews_done >= self.reviews_required,
            // A purchase's guards; the loader keeps them out of the grant workflow.
            _ => false,
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
            lines: vec![Line {
                category: LineCategory::Equipment,
                description: "Portable".into(),
                quantity: 3,
                unit_price: Money::parse("1000").unwrap(),
            }],
            contact_name: "Marie Tremblay".into(),
            contact_email: Some(Email::parse("marie@exemple.org").unwrap()),
            ..Default::default()
        }
    }

    static EMPTY: std::sync::LazyLock<Application> = std::sync::LazyLock::new(Application::default);

    fn facts_from(previous_state: Option<&'static str>) -> GuardFacts<'static> {
        GuardFacts { application: &EMPTY, previous_state, reviews_done: 0, reviews_pending: 0, reviews_required: 2 }
    }

    #[test]
    fn reviews_are_complete_when_enough_are_in_and_none_is_pending() {
        let at = |done, pending| GuardFacts { reviews_done: done, reviews_pending: pending, ..facts_from(None) };
        assert!(!at(0, 0).holds(Guard::ReviewsComplete, ""), "nobody reviewed");
        assert!(!at(1, 0).holds(Guard::ReviewsComplete, ""), "one of the two required");
        assert!(!at(2, 1).holds(Guard::ReviewsComplete, ""), "a third assigned reviewer has not submitted");
        assert!(at(2, 0).holds(Guard::ReviewsComplete, ""));
        assert!(at(3, 0).holds(Guard::ReviewsComplete, ""));
    }

    #[test]
    fn a_complete_application_misses_nothing() {
        assert!(complete().missing().is_empty());
        let facts = GuardFacts { application: &complete(), ..facts_from(None) };
        assert!(facts.holds(Guard::ApplicationComplete, ""));
    }

    #[test]
    fn blank_fields_and_an_empty_request_are_missing() {
        let app = Application { title: "  ".into(), ..Default::default() };
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
        let hours_only =
            Application { lines: vec![], requested_coaching_hours: Hours::parse("6").unwrap(), ..complete() };
        assert!(hours_only.missing().is_empty());
    }

    #[test]
    fn totals_by_category_are_exact() {
        let line = |category, quantity, price: &str| Line {
            category,
            description: "x".into(),
            quantity,
            unit_price: Money::parse(price).unwrap(),
        };
        let app = Application {
            lines: vec![
                line(LineCategory::Equipment, 3, "333.33"),
                line(LineCategory::Software, 7, "0.01"),
                line(LineCategory::Equipment, 1, "0.01"),
            ],
            ..complete()
        };
        assert_eq!(app.requested(LineCategory::Equipment), Money::parse("1000.00").unwrap());
        assert_eq!(app.requested(LineCategory::Software), Money::parse("0.07").unwrap());
    }

    #[test]
    fn return_guards_follow_where_the_request_came_from() {
        let app = complete();
        let facts = GuardFacts { application: &app, ..facts_from(Some("in_review")) };
        assert!(facts.holds(Guard::ReturnsToPrevious, "in_review"));
        assert!(!facts.holds(Guard::ReturnsToPrevious, "screening"));
        let none = GuardFacts { application: &app, ..facts_from(None) };
        assert!(!none.holds(Guard::ReturnsToPrevious, "screening"));
    }
}
