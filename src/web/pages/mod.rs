//! The server-rendered web interface (askama templates under `templates/`), French first. Every page
//! works without JavaScript; forms keep what was typed when something is refused.

pub mod account;
pub mod grants;
pub mod review;

use askama::Template;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};

use super::problem::{FieldError, Problem};
use crate::domain::account::AccountRole;
use crate::domain::{Hours, Language, Money};
use crate::i18n;

/// The cookie that remembers the language chosen with the switch.
pub const LANG_COOKIE: &str = "octroi_lang";

/// The language of a page: the one chosen with the switch, French otherwise.
pub fn page_language(headers: &HeaderMap) -> Language {
    super::cookie(headers, LANG_COOKIE).and_then(|value| Language::parse(value).ok()).unwrap_or_default()
}

/// What every page needs: its language, the CSRF token for its forms, who is signed in.
#[derive(Debug, Clone)]
pub struct Page {
    pub lang: Language,
    pub csrf: String,
    pub user: Option<(String, AccountRole)>,
    /// The path of the page, for the language switch to come back to.
    pub path: String,
    /// The staff's work queues with their counts, in the navigation.
    pub queues: Vec<review::QueueLink>,
    /// Whether the navigation offers the finance view.
    pub finance: bool,
}

impl Page {
    pub fn t(&self, id: &str) -> String {
        i18n::t(self.lang, id)
    }

    /// A message with one argument.
    pub fn ta(&self, id: &str, name: &str, value: &str) -> String {
        i18n::t_args(self.lang, id, &[(name, value.to_string())])
    }

    pub fn money(&self, amount: &Money) -> String {
        i18n::money(self.lang, *amount)
    }

    pub fn hours(&self, hours: &Hours) -> String {
        i18n::hours(self.lang, *hours)
    }

    pub fn date(&self, stored: &str) -> String {
        i18n::date(stored)
    }

    /// The translated name of a workflow state.
    pub fn state(&self, state: &str) -> String {
        self.t(&format!("state-{state}"))
    }

    pub fn html_lang(&self) -> &'static str {
        match self.lang {
            Language::Fr => "fr-CA",
            Language::En => "en-CA",
        }
    }

    /// The language the switch offers.
    pub fn other_lang(&self) -> &'static str {
        match self.lang {
            Language::Fr => "en",
            Language::En => "fr",
        }
    }

    pub fn is_member(&self) -> bool {
        matches!(self.user, Some((_, AccountRole::Member)))
    }

    pub fn is_admin(&self) -> bool {
        matches!(self.user, Some((_, AccountRole::Admin)))
    }
}

/// Errors of a form, each with the id of its field (for the summary's links) and its message.
#[derive(Debug, Clone, Default)]
pub struct FormErrors {
    pub list: Vec<FormError>,
    /// The rest of the form was saved: the summary says so, and that the fields listed were not.
    pub partly_saved: bool,
}

#[derive(Debug, Clone)]
pub struct FormError {
    pub field: String,
    pub id: String,
    pub message: String,
}

/// The id of a field's input: `lines[2].unit_price` → `f-lines-2-unit_price`.
pub fn field_id(field: &str) -> String {
    let cleaned: String = field.chars().map(|c| if c.is_ascii_alphanumeric() || c == '_' { c } else { '-' }).collect();
    format!("f-{}", cleaned.trim_matches('-').replace("--", "-"))
}

impl FormErrors {
    pub fn from_fields(errors: &[FieldError], lang: Language) -> FormErrors {
        FormErrors {
            partly_saved: false,
            list: errors
                .iter()
                .map(|e| FormError { field: e.field.clone(), id: field_id(&e.field), message: e.problem.message(lang) })
                .collect(),
        }
    }

    /// A message for the whole form (shown in the summary, linked to `field`).
    pub fn one(field: &str, message: String) -> FormErrors {
        FormErrors { list: vec![FormError { field: field.into(), id: field_id(field), message }], partly_saved: false }
    }

    pub fn from_problem(problem: &Problem, lang: Language) -> FormErrors {
        match problem {
            Problem::Validation(errors) => FormErrors::from_fields(errors, lang),
            other => {
                let (title, detail) = other.title_and_detail(lang);
                FormErrors::one("form", detail.unwrap_or(title))
            }
        }
    }

    pub fn get(&self, field: &str) -> Option<&str> {
        self.list.iter().find(|e| e.field == field).map(|e| e.message.as_str())
    }

    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }
}

/// Renders a template with a status; a template error is logged and shown as an internal error.
pub fn render(status: StatusCode, template: &impl Template) -> Response {
    match template.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "a template failed to render");
            Problem::Internal.into_response()
        }
    }
}

/// A page with a title and a message: confirmations and errors.
#[derive(Template)]
#[template(path = "message.html")]
pub struct MessagePage {
    pub page: Page,
    pub title: String,
    pub message: String,
    pub link: Option<(String, String)>,
}

/// The HTML page for a problem, in the page's language.
pub fn problem_page(problem: &Problem, status: StatusCode, lang: Language) -> Response {
    let (title, detail) = problem.title_and_detail(lang);
    let page = Page { lang, csrf: String::new(), user: None, path: "/".into(), queues: Vec::new(), finance: false };
    let link = Some(("/".to_string(), i18n::t(lang, "nav-home")));
    render(status, &MessagePage { page, title, message: detail.unwrap_or_default(), link })
}

/// One input of a form.
#[derive(Debug, Clone, Default)]
pub struct FormField {
    pub name: &'static str,
    pub id: String,
    pub label: String,
    /// text, email, password, textarea, select…
    pub kind: &'static str,
    pub value: String,
    pub max: usize,
    pub hint: Option<String>,
    pub autocomplete: &'static str,
    pub options: Vec<(String, String)>,
}

impl FormField {
    pub fn new(page: &Page, name: &'static str, kind: &'static str, value: &str, max: usize) -> FormField {
        FormField {
            name,
            id: field_id(name),
            label: page.t(&format!("field-{}", name.replace('_', "-"))),
            kind,
            value: value.to_string(),
            max,
            ..Default::default()
        }
    }

    pub fn hint(mut self, hint: String) -> FormField {
        self.hint = Some(hint);
        self
    }

    pub fn autocomplete(mut self, value: &'static str) -> FormField {
        self.autocomplete = value;
        self
    }

    pub fn options(mut self, options: Vec<(String, String)>) -> FormField {
        self.options = options;
        self
    }
}

#[derive(Debug, Clone, Default)]
pub struct FieldGroup {
    pub legend: Option<String>,
    pub fields: Vec<FormField>,
}

/// A simple form page: sign-in, sign-up, password, invitations.
#[derive(Debug, Clone, Default)]
pub struct FormSpec {
    pub title: String,
    pub intro: Option<String>,
    pub notice: Option<String>,
    pub action: String,
    pub hidden: Vec<(String, String)>,
    pub groups: Vec<FieldGroup>,
    pub submit: String,
    pub links: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "form.html")]
pub struct FormPage {
    pub page: Page,
    pub form: FormSpec,
    pub errors: FormErrors,
}

/// A posted form's fields by name (the last value of a repeated name).
pub fn form_map(body: &[u8]) -> std::collections::BTreeMap<String, String> {
    url::form_urlencoded::parse(body).map(|(k, v)| (k.into_owned(), v.into_owned())).collect()
}
