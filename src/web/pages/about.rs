//! What anyone may read, signed in or not, linked from every page's footer: how to reach the program,
//! the privacy notice (Law 25: who answers for personal information, what is kept and why, the rights
//! of the people it is about) and the accessibility statement. Their text is in Fluent; the program's
//! addresses come from its file (`[contact]`).

use askama::Template;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;

use super::account::{anonymous_page, signed_in_page};
use super::{Page, render};
use crate::AppState;
use crate::web::auth::SignedIn;
use crate::web::security::AnonymousCsrf;

/// A page of prose: a title, an introduction, sections of paragraphs, and the program's contact.
#[derive(Template)]
#[template(path = "about.html")]
pub struct AboutPage {
    pub page: Page,
    pub title: String,
    pub intro: String,
    pub sections: Vec<(String, Vec<String>)>,
    pub contact: crate::policy::program::Contact,
    pub operator: String,
    /// The phone number as a `tel:` link dials it: `+15145550100`.
    pub tel: String,
}

/// Which page of prose: its path and its messages' prefix (`about-privacy-…`).
#[derive(Debug, Clone, Copy)]
enum Topic {
    Contact,
    Privacy,
    Accessibility,
}

impl Topic {
    const ALL: [Topic; 3] = [Topic::Contact, Topic::Privacy, Topic::Accessibility];

    fn path(self) -> &'static str {
        match self {
            Topic::Contact => "/contact",
            Topic::Privacy => "/privacy",
            Topic::Accessibility => "/accessibility",
        }
    }

    fn key(self) -> &'static str {
        &self.path()[1..]
    }

    /// Its sections, by message id suffix.
    fn sections(self) -> &'static [&'static str] {
        match self {
            Topic::Contact => &["write", "help"],
            Topic::Privacy => &["who", "what", "why", "who-sees", "how-long", "rights", "cookies"],
            Topic::Accessibility => &["standard", "tested", "limits", "report"],
        }
    }
}

fn about(state: &AppState, page: Page, topic: Topic) -> Response {
    let contact = state.program.contact.clone();
    let args = [
        ("program", state.program.name.clone()),
        ("operator", state.program.operator.clone()),
        ("email", contact.email.clone()),
        ("phone", contact.phone.clone()),
        ("officer", contact.privacy_officer.clone()),
        ("privacy_email", contact.privacy_email.clone()),
    ];
    let t = |suffix: &str| crate::i18n::t_args(page.lang, &format!("about-{}-{suffix}", topic.key()), &args);
    let sections = topic
        .sections()
        .iter()
        .map(|s| (t(&format!("{s}-heading")), t(s).split("\n\n").map(str::to_string).collect()))
        .collect();
    let (title, intro) = (t("title"), t("intro"));
    let operator = state.program.operator.clone();
    let tel = format!("+1{}", contact.phone.chars().filter(char::is_ascii_digit).collect::<String>());
    render(StatusCode::OK, &AboutPage { page, title, intro, sections, contact, operator, tel })
}

/// `GET /contact`, `/privacy`, `/accessibility`: the page of prose its address names.
pub async fn show(
    State(state): State<AppState>,
    signed: Option<SignedIn>,
    csrf: AnonymousCsrf,
    headers: HeaderMap,
    uri: axum::http::Uri,
) -> Result<Response, crate::web::problem::Problem> {
    let topic =
        Topic::ALL.into_iter().find(|t| t.path() == uri.path()).ok_or(crate::web::problem::Problem::NotFound)?;
    let page = match &signed {
        Some(signed) => signed_in_page(signed, &headers, topic.path()),
        None => anonymous_page(&csrf, &headers, topic.path()),
    };
    Ok(about(&state, page, topic))
}
