//! Applications: the content as typed by a person (web form) or sent by a client (API), its conversion
//! into the domain's `Application` (one set of rules for both doors), and the use cases that start a
//! draft and save it.

use crate::AppState;
use crate::app::{AppError, Code, FieldError, FieldProblem, Fields, Refusal};
use crate::domain::grant::{Application, Line, LineCategory, MAX_LINES};
use crate::domain::workflow::{FireError, Guard};
use crate::domain::{Email, GrantId, Hours, NumberStyle, OrganismId};
use crate::storage::StorageError;
use crate::storage::grants::Grant;

/// Starts an organism's application as a draft with what is already known of it.
pub async fn start(state: &AppState, organism: OrganismId, application: Application) -> Result<Grant, AppError> {
    Ok(state.db.create_grant(organism, application, state.grant_workflow()).await?)
}

/// What "start an application" opens for an organism: its draft if it has one (never a second), else a
/// new draft, unless the program's rules forbid it another bourse (`one-bourse-per-organism`).
pub async fn open_draft(state: &AppState, organism: OrganismId) -> Result<Grant, AppError> {
    let workflow = state.grant_workflow();
    if let Some(draft) =
        state.db.grants_of_organism(organism).await?.into_iter().find(|g| workflow.is_initial(&g.state))
    {
        return Ok(state.db.grant(draft.id).await?);
    }
    if !may_start(state, organism).await? {
        return Err(AppError::refused(Code::OneBoursePerOrganism, Refusal::Conflict));
    }
    start(state, organism, Application::default()).await
}

/// Whether the program's rules let the organism apply again (the limit of bourses per organism).
pub async fn may_start(state: &AppState, organism: OrganismId) -> Result<bool, AppError> {
    let Some((max, _)) = state.eligibility.bourse_limit() else { return Ok(true) };
    let award = state.grant_workflow().event(crate::domain::workflow::GrantUse::Award);
    Ok(state.db.bourses_awarded(organism, GrantId(0), award).await? <= max)
}

/// Deletes a draft never sent, at the version the person saw; anything past the draft stays (it is
/// withdrawn instead, and kept in the history).
pub async fn delete_draft(state: &AppState, grant: &Grant, version: i64) -> Result<(), AppError> {
    Ok(state.db.delete_draft(grant.id, version, &state.grant_workflow().initial).await?)
}

/// Saves an application's content while the workflow lets the applicant change it, only at the version
/// the person saw (else `VersionConflict`; `NotEditable` once sent).
pub async fn save(state: &AppState, id: GrantId, version: i64, application: Application) -> Result<Grant, AppError> {
    Ok(state.db.update_application(id, version, application, state.grant_workflow()).await?)
}

/// When `e` is the workflow refusing to send an incomplete application, what it lacks as errors on the
/// form's fields (amounts requested are the lines' business); `None` for any other refusal.
pub fn missing_fields(e: &AppError) -> Option<Vec<FieldError>> {
    let AppError::Storage(StorageError::Refused { error: FireError::GuardFailed { failed, .. }, missing }) = e else {
        return None;
    };
    failed.contains(&Guard::ApplicationComplete).then(|| missing_as_errors(missing))
}

/// What an application lacks ([`Application::missing`]) as errors on the form's fields.
pub fn missing_as_errors(missing: &[&str]) -> Vec<FieldError> {
    missing
        .iter()
        .map(|&field| match field {
            "requested_amounts" => FieldError { field: "lines".into(), problem: FieldProblem::NothingRequested },
            _ => FieldError { field: field.into(), problem: FieldProblem::Required },
        })
        .collect()
}

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

/// The lines as typed (an application's, a purchase's), each refused field recorded as
/// `{prefix}lines[i].field`: blank lines dropped, refused lines left out, at most `max` kept.
pub fn convert_lines(f: &mut Fields, prefix: &str, raw_lines: &[RawLine], max: usize) -> Vec<Line> {
    if raw_lines.iter().filter(|l| !l.is_blank()).count() > max {
        f.add(format!("{prefix}lines"), FieldProblem::TooMany { max: max as u64 });
    }
    let mut lines = Vec::new();
    for (i, raw) in raw_lines.iter().enumerate().filter(|(_, l)| !l.is_blank()) {
        let field = |part: &str| format!("{prefix}lines[{i}].{part}");
        let category = LineCategory::parse(&raw.category);
        if category.is_none() {
            let blank = raw.category.trim().is_empty();
            f.add(field("category"), if blank { FieldProblem::NotChosen("category") } else { FieldProblem::Choice });
        }
        let description = line(f, field("description"), &raw.description, LINE_DESCRIPTION_MAX);
        if description.as_ref().is_some_and(String::is_empty) {
            f.add(field("description"), FieldProblem::Required);
        }
        let quantity = match raw.quantity.trim().parse::<i64>() {
            Ok(q) if (1..=QUANTITY_MAX).contains(&q) => Some(q),
            _ => {
                f.add(field("quantity"), FieldProblem::Quantity { max: QUANTITY_MAX as u64 });
                None
            }
        };
        let unit_price = f.money(&field("unit_price"), &raw.unit_price);
        if let (Some(category), Some(description), Some(quantity), Some(unit_price)) =
            (category, description.filter(|d| !d.is_empty()), quantity, unit_price)
            && lines.len() < max
        {
            lines.push(Line { category, description, quantity, unit_price });
        }
    }
    lines
}

/// The lines of the domain as a form shows them, numbers written in `style`.
pub fn raw_lines(lines: &[Line], style: NumberStyle) -> Vec<RawLine> {
    lines
        .iter()
        .map(|l| RawLine {
            category: l.category.as_str().into(),
            description: l.description.clone(),
            quantity: l.quantity.to_string(),
            unit_price: l.unit_price.written(style),
        })
        .collect()
}

/// The trimmed text, or `None` (recorded in `f`) when it is too long to store.
pub(crate) fn text(f: &mut Fields, field: String, value: &str, max: usize) -> Option<String> {
    let value = value.trim().to_string();
    if value.chars().count() > max {
        f.add(field, FieldProblem::TooLong { max: max as u64 });
        return None;
    }
    Some(value)
}

/// A one-line text (a title, a name): as [`text`], without format characters (a right-to-left override
/// would turn what it shows around), and refused with control characters, which would forge lines in the
/// award letter and in e-mails.
pub(crate) fn line(f: &mut Fields, field: String, value: &str, max: usize) -> Option<String> {
    let value = text(f, field.clone(), &crate::domain::text::without_format(value), max)?;
    f.single_line(&field, &value).then_some(value)
}

impl RawApplication {
    /// Converts into the domain, recording each refused field as `{prefix}{field}` (lines as
    /// `{prefix}lines[i].field`). Blank lines are dropped; a draft may leave anything empty. `None` when
    /// any field was refused.
    pub fn convert(&self, f: &mut Fields, prefix: &str) -> Option<Application> {
        let before = f.len();
        let application = self.salvage(f, prefix, &Application::default());
        (f.len() == before).then_some(application)
    }

    /// What of a draft can be stored: every field as typed where it is valid enough to store
    /// (completeness is checked at submission), each refused field recorded in `f` and kept as `stored`
    /// holds it, each refused line left out. A draft saved with one mistake loses nothing else.
    pub fn salvage(&self, f: &mut Fields, prefix: &str, stored: &Application) -> Application {
        let name = |field: &str| format!("{prefix}{field}");
        let text_or_stored = |f: &mut Fields, field: &str, typed: &str, max: usize, kept: &String| {
            text(f, name(field), typed, max).unwrap_or_else(|| kept.clone())
        };
        let title = line(f, name("title"), &self.title, TITLE_MAX).unwrap_or_else(|| stored.title.clone());
        let needs_assessment =
            text_or_stored(f, "needs_assessment", &self.needs_assessment, LONG_TEXT_MAX, &stored.needs_assessment);
        let project_description = text_or_stored(
            f,
            "project_description",
            &self.project_description,
            LONG_TEXT_MAX,
            &stored.project_description,
        );
        let contact_name =
            line(f, name("contact_name"), &self.contact_name, NAME_MAX).unwrap_or_else(|| stored.contact_name.clone());
        let contact_email = match text(f, name("contact_email"), &self.contact_email, EMAIL_MAX) {
            Some(email) if email.is_empty() => None,
            Some(email) => f
                .parse(&name("contact_email"), Email::parse(&email), FieldProblem::Organism)
                .or_else(|| stored.contact_email.clone()),
            None => stored.contact_email.clone(),
        };
        let hours = self.requested_coaching_hours.trim();
        let requested_coaching_hours = if hours.is_empty() {
            Hours::default()
        } else {
            f.hours(&name("requested_coaching_hours"), hours).unwrap_or(stored.requested_coaching_hours)
        };
        let lines = convert_lines(f, prefix, &self.lines, MAX_LINES);
        Application {
            title,
            needs_assessment,
            project_description,
            lines,
            requested_coaching_hours,
            contact_name,
            contact_email,
        }
    }

    /// The form's content for an application already saved, numbers written in `style`.
    pub fn from_application(a: &Application, style: NumberStyle) -> RawApplication {
        RawApplication {
            title: a.title.clone(),
            needs_assessment: a.needs_assessment.clone(),
            project_description: a.project_description.clone(),
            lines: raw_lines(&a.lines, style),
            requested_coaching_hours: if a.requested_coaching_hours == Hours::default() {
                String::new()
            } else {
                a.requested_coaching_hours.written(style)
            },
            contact_name: a.contact_name.clone(),
            contact_email: a.contact_email.as_ref().map(|e| e.as_str().to_string()).unwrap_or_default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Language;

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
        let mut f = Fields::for_page(Language::Fr);
        let app = raw().convert(&mut f, "").unwrap();
        assert!(f.is_empty());
        assert_eq!(app.title, "Virage");
        assert_eq!(app.lines.len(), 1);
        assert_eq!(app.requested(LineCategory::Equipment).cents(), 219_998);
        assert_eq!(app.requested_coaching_hours.hundredths(), 650);
        for lang in [Language::Fr, Language::En] {
            let shown = RawApplication::from_application(&app, lang.into());
            assert_eq!(shown.convert(&mut Fields::for_page(lang), "").unwrap(), app, "{lang:?}");
        }
        let mut api = Fields::default();
        assert!(raw().convert(&mut api, "").is_none(), "the API takes only 1234.56");
    }

    #[test]
    fn a_draft_keeps_what_can_be_stored() {
        let stored = raw().convert(&mut Fields::for_page(Language::Fr), "").unwrap();
        let mut typed = raw();
        typed.title = "Nouveau\ntitre".into();
        typed.needs_assessment = "Nos postes ont dix ans.".into();
        typed.requested_coaching_hours = "6,5".into();
        typed.lines.push(RawLine {
            category: "software".into(),
            description: "Licence".into(),
            quantity: "1".into(),
            unit_price: "1,234".into(),
        });
        let mut f = Fields::for_page(Language::Fr);
        let saved = typed.salvage(&mut f, "", &stored);
        let fields: Vec<String> = f.into_errors().into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["lines[2].unit_price", "title"]);
        assert_eq!(saved.title, "Virage", "a title that cannot be stored keeps the stored one");
        assert_eq!(saved.needs_assessment, "Nos postes ont dix ans.", "the rest is saved");
        assert_eq!(saved.lines.len(), 1, "the refused line is left out, the valid one kept");
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
        let mut f = Fields::for_page(Language::Fr);
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
