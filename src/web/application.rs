//! The application's content as typed by a person (web form) or sent by a client (API), and its
//! conversion into the domain's `Application`: one set of rules for both doors.

use crate::domain::grant::{Application, Line, LineCategory, MAX_LINES};
use crate::domain::{Email, Hours, Money};
use crate::web::extract::Fields;
use crate::web::problem::FieldProblem;

/// Text limits, shared by the form's `maxlength` attributes and the checks.
pub const TITLE_MAX: usize = 200;
pub const LONG_TEXT_MAX: usize = 10_000;
pub const LINE_DESCRIPTION_MAX: usize = 200;
pub const NAME_MAX: usize = 200;
pub const EMAIL_MAX: usize = 254;
pub const QUANTITY_MAX: i64 = 1_000;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RawLine {
    pub category: String,
    pub description: String,
    pub quantity: String,
    pub unit_price: String,
}

impl RawLine {
    pub fn is_blank(&self) -> bool {
        self.description.trim().is_empty() && self.quantity.trim().is_empty() && self.unit_price.trim().is_empty()
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RawApplication {
    pub title: String,
    pub needs_assessment: String,
    pub project_description: String,
    pub lines: Vec<RawLine>,
    pub requested_coaching_hours: String,
    pub contact_name: String,
    pub contact_email: String,
}

fn text(f: &mut Fields, field: String, value: &str, max: usize) -> String {
    let value = value.trim().to_string();
    if value.chars().count() > max {
        f.add(field, FieldProblem::TooLong { max: max as u64 });
    }
    value
}

impl RawApplication {
    /// Converts into the domain, recording each refused field as `{prefix}{field}` (lines as
    /// `{prefix}lines[i].field`). Blank lines are dropped; a draft may leave anything empty.
    pub fn convert(&self, f: &mut Fields, prefix: &str) -> Option<Application> {
        let name = |field: &str| format!("{prefix}{field}");
        let title = text(f, name("title"), &self.title, TITLE_MAX);
        let needs_assessment = text(f, name("needs_assessment"), &self.needs_assessment, LONG_TEXT_MAX);
        let project_description = text(f, name("project_description"), &self.project_description, LONG_TEXT_MAX);
        let contact_name = text(f, name("contact_name"), &self.contact_name, NAME_MAX);
        let email = text(f, name("contact_email"), &self.contact_email, EMAIL_MAX);
        let contact_email = if email.is_empty() {
            Some(None)
        } else {
            f.parse(&name("contact_email"), Email::parse(&email), FieldProblem::Organism).map(Some)
        };
        let hours = self.requested_coaching_hours.trim();
        let requested_coaching_hours = if hours.is_empty() {
            Some(Hours::default())
        } else {
            f.parse(&name("requested_coaching_hours"), Hours::parse(hours), FieldProblem::Amount)
        };
        if self.lines.iter().filter(|l| !l.is_blank()).count() > MAX_LINES {
            f.add(name("lines"), FieldProblem::TooMany { max: MAX_LINES as u64 });
        }
        let mut lines = Some(Vec::new());
        for (i, raw) in self.lines.iter().enumerate().filter(|(_, l)| !l.is_blank()) {
            let field = |part: &str| format!("{prefix}lines[{i}].{part}");
            let category = match LineCategory::parse(&raw.category) {
                Some(c) => Some(c),
                None => {
                    f.add(field("category"), FieldProblem::Choice);
                    None
                }
            };
            let description = text(f, field("description"), &raw.description, LINE_DESCRIPTION_MAX);
            if description.is_empty() {
                f.add(field("description"), FieldProblem::Required);
            }
            let quantity = match raw.quantity.trim().parse::<i64>() {
                Ok(q) if (1..=QUANTITY_MAX).contains(&q) => Some(q),
                _ => {
                    f.add(field("quantity"), FieldProblem::Quantity { max: QUANTITY_MAX as u64 });
                    None
                }
            };
            let unit_price = f.parse(&field("unit_price"), Money::parse(&raw.unit_price), FieldProblem::Amount);
            match (category, quantity, unit_price, lines.as_mut()) {
                (Some(category), Some(quantity), Some(unit_price), Some(lines)) => {
                    lines.push(Line { category, description, quantity, unit_price })
                }
                _ => lines = None,
            }
        }
        Some(Application {
            title,
            needs_assessment,
            project_description,
            lines: lines?,
            requested_coaching_hours: requested_coaching_hours?,
            contact_name,
            contact_email: contact_email?,
        })
    }

    /// The form's content for an application already saved.
    pub fn from_application(a: &Application) -> RawApplication {
        RawApplication {
            title: a.title.clone(),
            needs_assessment: a.needs_assessment.clone(),
            project_description: a.project_description.clone(),
            lines: a
                .lines
                .iter()
                .map(|l| RawLine {
                    category: l.category.as_str().into(),
                    description: l.description.clone(),
                    quantity: l.quantity.to_string(),
                    unit_price: l.unit_price.to_string(),
                })
                .collect(),
            requested_coaching_hours: if a.requested_coaching_hours == Hours::default() {
                String::new()
            } else {
                a.requested_coaching_hours.to_string()
            },
            contact_name: a.contact_name.clone(),
            contact_email: a.contact_email.as_ref().map(|e| e.as_str().to_string()).unwrap_or_default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw() -> RawApplication {
        RawApplication {
            title: " Virage ".into(),
            lines: vec![
                RawLine {
                    category: "equipment".into(),
                    description: "Portable".into(),
                    quantity: "2".into(),
                    unit_price: "1 099,99".into(),
                },
                RawLine::default(),
            ],
            requested_coaching_hours: "6,5".into(),
            contact_email: "marie@exemple.org".into(),
            ..Default::default()
        }
    }

    #[test]
    fn converts_and_drops_blank_lines() {
        let mut f = Fields::default();
        let app = raw().convert(&mut f, "").unwrap();
        assert!(f.is_empty());
        assert_eq!(app.title, "Virage");
        assert_eq!(app.lines.len(), 1);
        assert_eq!(app.requested(LineCategory::Equipment).cents(), 219_998);
        assert_eq!(app.requested_coaching_hours.hundredths(), 650);
        assert_eq!(RawApplication::from_application(&app).convert(&mut f, "").unwrap(), app);
    }

    #[test]
    fn every_bad_field_is_named_with_its_line() {
        let mut bad = raw();
        bad.lines.push(RawLine {
            category: "furniture".into(),
            description: "".into(),
            quantity: "0".into(),
            unit_price: "1.001".into(),
        });
        bad.contact_email = "marie".into();
        bad.title = "x".repeat(TITLE_MAX + 1);
        let mut f = Fields::default();
        assert!(bad.convert(&mut f, "application.").is_none());
        let errors = f.into_errors();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "application.contact_email",
                "application.lines[2].category",
                "application.lines[2].description",
                "application.lines[2].quantity",
                "application.lines[2].unit_price",
                "application.title",
            ]
        );
    }
}
