//! The server-rendered web interface (askama templates under `templates/`), French first. Every page
//! works without JavaScript; forms keep what was typed when something is refused.

pub mod about;
pub mod account;
pub mod conversation;
pub mod grants;
pub mod payments;
pub mod purchases;
pub mod review;
pub mod submit;

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
    /// Whether the navigation offers the purchases queue.
    pub purchases: bool,
    /// Whether the navigation offers the payment runs (finance).
    pub payments: bool,
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

    /// [`Page::money`] of a computed amount (a method's result, in a template).
    pub fn money_value(&self, amount: Money) -> String {
        i18n::money(self.lang, amount)
    }

    pub fn hours(&self, hours: &Hours) -> String {
        i18n::hours(self.lang, *hours)
    }

    /// What goes between a label and its text: `\u{a0}: ` in French, `: ` in English.
    pub fn colon(&self) -> &'static str {
        match self.lang {
            Language::Fr => "\u{a0}: ",
            Language::En => ": ",
        }
    }

    /// `NEQ : 1143356789` with the language's punctuation (see [`i18n::labelled`]).
    pub fn labelled(&self, label: &str, text: &str) -> String {
        i18n::labelled(self.lang, label, text)
    }

    pub fn date(&self, stored: &str) -> String {
        i18n::date(stored)
    }

    /// A file's size: `245 Ko` / `245 KB`, `1,2 Mo` / `1.2 MB`.
    pub fn size(&self, bytes: &i64) -> String {
        let (fr, en) = if *bytes < 1_000_000 { ("Ko", "KB") } else { ("Mo", "MB") };
        let value = if *bytes < 1_000_000 {
            format!("{}", (*bytes + 999) / 1000)
        } else {
            format!("{}.{}", bytes / 1_000_000, (bytes % 1_000_000) / 100_000)
        };
        match self.lang {
            Language::Fr => format!("{}\u{a0}{fr}", value.replace('.', ",")),
            Language::En => format!("{value}\u{a0}{en}"),
        }
    }

    /// A date in prose: `30 novembre 2026`, `November 30, 2026`.
    pub fn long_date(&self, stored: &str) -> String {
        i18n::long_date(self.lang, stored)
    }

    /// What a document is for, when that is worth saying (a purchase's quote, invoice, proof of payment,
    /// credit note).
    pub fn purpose(&self, purpose: &str) -> Option<String> {
        i18n::t_opt(self.lang, &format!("document-purpose-{purpose}"))
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
    /// Shown next to the field, under its label.
    pub message: String,
    /// Shown in the summary at the top of the form: the message with the name of its field
    /// ("Ligne 2 — Quantité : …"), so that it is understood away from the field.
    pub summary: String,
}

/// The name a person sees on a field, in `lang`: the form's own label when it gives one (`labels`),
/// a line's field as "Ligne 3 — Quantité", else the conventional `field-{name}` message.
fn field_label(lang: Language, field: &str, labels: &[(&str, String)]) -> Option<String> {
    if let Some((_, label)) = labels.iter().find(|(name, _)| *name == field) {
        return Some(label.clone());
    }
    if let Some((index, part)) = line_field(field) {
        let part = i18n::t_opt(lang, &format!("field-line-{}", part.replace('_', "-")))?;
        return Some(i18n::t_args(lang, "field-line-part", &[("n", (index + 1).to_string()), ("part", part)]));
    }
    i18n::t_opt(lang, &format!("field-{}", field.replace('_', "-")))
}

/// `lines[2].quantity` → (2, "quantity").
fn line_field(field: &str) -> Option<(usize, &str)> {
    let (index, part) = field.strip_prefix("lines[")?.split_once("].")?;
    Some((index.parse().ok()?, part))
}

/// The id of a field's input: `lines[2].unit_price` → `f-lines-2-unit_price`.
pub fn field_id(field: &str) -> String {
    let cleaned: String = field.chars().map(|c| if c.is_ascii_alphanumeric() || c == '_' { c } else { '-' }).collect();
    format!("f-{}", cleaned.trim_matches('-').replace("--", "-"))
}

impl FormErrors {
    /// The errors, each field once, each message named by its field's conventional label
    /// (`field-{name}`, or "Ligne 3 — Quantité" for a line's field); a form that knows its own labels and
    /// order arranges them with [`FormErrors::arranged`].
    pub fn from_fields(errors: &[FieldError], lang: Language) -> FormErrors {
        let mut list: Vec<FormError> = Vec::new();
        for e in errors {
            if list.iter().any(|o| o.field == e.field) {
                continue;
            }
            let message = e.problem.message(lang);
            let summary = match field_label(lang, &e.field, &[]) {
                Some(label) => i18n::labelled(lang, &label, &message),
                None => message.clone(),
            };
            list.push(FormError { field: e.field.clone(), id: field_id(&e.field), message, summary });
        }
        FormErrors { partly_saved: false, list }
    }

    /// The errors in the order of a form whose fields are `fields` (name and the label it shows; a
    /// line's fields as `lines[].part`, ordered by line, then as a line shows them), each summary naming
    /// its field with the form's label. Fields not listed come last, as they were.
    pub fn arranged(&self, lang: Language, fields: &[(&str, String)]) -> FormErrors {
        let position = |name: &str| fields.iter().position(|(n, _)| *n == name).unwrap_or(fields.len());
        let rank = |field: &str| match line_field(field) {
            Some((line, part)) => (position("lines[]"), line, position(&format!("lines[].{part}"))),
            None => (position(field), 0, 0),
        };
        let mut list = self.list.clone();
        list.sort_by_key(|e| rank(&e.field));
        for e in &mut list {
            if let Some(label) = field_label(lang, &e.field, fields) {
                e.summary = i18n::labelled(lang, &label, &e.message);
            }
        }
        FormErrors { partly_saved: self.partly_saved, list }
    }

    /// A message for the whole form (shown in the summary, linked to `field`).
    pub fn one(field: &str, message: String) -> FormErrors {
        let error = FormError { field: field.into(), id: field_id(field), summary: message.clone(), message };
        FormErrors { list: vec![error], partly_saved: false }
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

    /// A problem's message beside one field: a page of many small forms, each with one input (a run's
    /// lines), shows why its answer was refused there.
    pub fn one_from_problem(field: &str, problem: &Problem, lang: Language) -> FormErrors {
        let message = match problem {
            Problem::Validation(_) => {
                let list = FormErrors::from_problem(problem, lang).list;
                list.into_iter().map(|e| e.message).collect::<Vec<_>>().join(" ")
            }
            other => other.title_and_detail(lang).0,
        };
        FormErrors::one(field, message)
    }

    pub fn get(&self, field: &str) -> Option<&str> {
        self.list.iter().find(|e| e.field == field).map(|e| e.message.as_str())
    }

    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }
}

/// The lines of a form as they come: `line_category`, `line_description`, `line_quantity`,
/// `line_unit_price`, repeated in order (an application's and a purchase's forms, `_lines.html`).
#[derive(Default)]
pub struct LineInputs {
    categories: Vec<String>,
    descriptions: Vec<String>,
    quantities: Vec<String>,
    prices: Vec<String>,
}

impl LineInputs {
    /// Takes a form field if it belongs to a line; `false` for any other field.
    pub fn take(&mut self, key: &str, value: &str) -> bool {
        let list = match key {
            "line_category" => &mut self.categories,
            "line_description" => &mut self.descriptions,
            "line_quantity" => &mut self.quantities,
            "line_unit_price" => &mut self.prices,
            _ => return false,
        };
        list.push(value.to_string());
        true
    }

    pub fn lines(self) -> Vec<crate::app::applications::RawLine> {
        let n = self.categories.len().max(self.descriptions.len()).max(self.quantities.len()).max(self.prices.len());
        let at = |v: &Vec<String>, i: usize| v.get(i).cloned().unwrap_or_default();
        (0..n)
            .map(|i| crate::app::applications::RawLine {
                category: at(&self.categories, i),
                description: at(&self.descriptions, i),
                quantity: at(&self.quantities, i),
                unit_price: at(&self.prices, i),
            })
            .collect()
    }
}

/// The filled lines, then `extra` blank ones, so that lines can be added without JavaScript.
pub fn with_blank_lines(
    mut lines: Vec<crate::app::applications::RawLine>,
    extra: usize,
) -> Vec<crate::app::applications::RawLine> {
    lines.retain(|l| !l.is_blank());
    for _ in 0..extra {
        lines.push(crate::app::applications::RawLine { category: "equipment".into(), ..Default::default() });
    }
    lines
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
    /// What happens next, step by step (a numbered list), if anything.
    pub steps: Vec<String>,
    pub link: Option<(String, String)>,
}

/// The HTML page for a problem, in the page's language.
/// A problem as a page of octroi: its title and detail, the header of the person signed in (if any),
/// and a way back.
pub fn problem_page(
    problem: &Problem,
    status: StatusCode,
    lang: Language,
    signed_in: Option<crate::web::session::SignedInHeader>,
) -> Response {
    let (title, detail) = problem.title_and_detail(lang);
    let (user, csrf) = match signed_in {
        Some(h) => (Some((h.name, h.role)), h.csrf),
        None => (None, String::new()),
    };
    let home = if user.is_some() { "/dashboard" } else { "/" };
    let page = Page {
        lang,
        csrf,
        user,
        path: home.into(),
        queues: Vec::new(),
        finance: false,
        purchases: false,
        payments: false,
    };
    let link = Some((home.to_string(), i18n::t(lang, "nav-home")));
    render(status, &MessagePage { page, title, message: detail.unwrap_or_default(), steps: Vec::new(), link })
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

impl FormPage {
    /// What describes a field to assistive technology: its hint and its error, by id.
    pub fn described_by(&self, f: &FormField) -> String {
        let hint = f.hint.as_ref().map(|_| format!("{}-hint", f.id));
        let error = self.errors.get(f.name).map(|_| format!("{}-error", f.id));
        [hint, error].into_iter().flatten().collect::<Vec<_>>().join(" ")
    }

    /// Whether the form has a required field (every one but a checkbox, which is an option).
    pub fn has_required(&self) -> bool {
        self.form.groups.iter().flat_map(|g| &g.fields).any(|f| f.kind != "checkbox")
    }

    /// The errors in the order of the form's fields, each named with the label the form shows.
    pub fn arranged_errors(&self) -> FormErrors {
        let fields: Vec<(&str, String)> =
            self.form.groups.iter().flat_map(|g| g.fields.iter().map(|f| (f.name, f.label.clone()))).collect();
        self.errors.arranged(self.page.lang, &fields)
    }
}

/// `?notice=…`: what a redirect asks the next page to say.
#[derive(serde::Deserialize)]
pub struct NoticeQuery {
    #[serde(default)]
    pub notice: Option<String>,
}

/// Notices a redirect may ask the next page to show, by key (anything else shows nothing).
pub fn notice(page_lang: Language, key: Option<&str>) -> Option<String> {
    let key = key?;
    ["done", "assigned", "unassigned", "short", "reviewed", "conflict", "award-made", "deleted", "draft-saved"]
        .contains(&key)
        .then(|| i18n::t(page_lang, &format!("notice-{key}")))
}

/// A page that asks before an action that cannot be undone (withdrawing an application, deleting a
/// draft): what it does, an optional reason, the button that does it and a way back.
#[derive(Template)]
#[template(path = "confirm.html")]
pub struct ConfirmPage {
    pub page: Page,
    pub title: String,
    /// What the action does and what follows, a paragraph each.
    pub lines: Vec<String>,
    pub action: String,
    /// The version of the record the person saw: the action applies to that one only.
    pub version: i64,
    pub reason: Option<ReasonField>,
    pub confirm: String,
    pub cancel: String,
    pub errors: FormErrors,
}

/// The reason a confirmation asks for, with what was typed.
pub struct ReasonField {
    pub label: String,
    pub hint: String,
    pub typed: String,
    pub max: usize,
}

/// The record's version a form was filled at (its hidden `version`); 0, which no record has, when it is
/// missing or not a number, so that the change is refused as stale.
pub fn form_version(form: &std::collections::BTreeMap<String, String>) -> i64 {
    form.get("version").and_then(|v| v.parse().ok()).unwrap_or(0)
}

/// A posted form's fields by name (the last value of a repeated name).
pub fn form_map(body: &[u8]) -> std::collections::BTreeMap<String, String> {
    url::form_urlencoded::parse(body).map(|(k, v)| (k.into_owned(), v.into_owned())).collect()
}

/// A multipart form's text fields and its files by field name (a file field may come more than once);
/// a file larger than the route's limit is refused with 413.
pub async fn read_multipart(
    multipart: Result<axum::extract::Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<
    (
        std::collections::BTreeMap<String, String>,
        std::collections::BTreeMap<String, Vec<crate::app::conversation::Upload>>,
    ),
    Problem,
> {
    let mut multipart = multipart.map_err(|e| Problem::BadRequest(e.body_text()))?;
    let (mut text, mut files) = (std::collections::BTreeMap::new(), std::collections::BTreeMap::new());
    while let Some(field) = multipart.next_field().await.map_err(|e| Problem::BadRequest(e.body_text()))? {
        let name = field.name().unwrap_or_default().to_string();
        match field.file_name().map(str::to_string) {
            Some(file_name) => {
                let bytes = field.bytes().await.map_err(|_| Problem::PayloadTooLarge)?.to_vec();
                let upload = crate::app::conversation::Upload { file_name, bytes };
                files.entry(name).or_insert_with(Vec::new).push(upload);
            }
            None => {
                let value = field.text().await.map_err(|e| Problem::BadRequest(e.body_text()))?;
                text.insert(name, value);
            }
        }
    }
    Ok((text, files))
}
