//! Signing up, in and out; passwords; invitations; the language switch.

use axum::Form;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tower_sessions::Session;

use super::{
    FieldGroup, FormErrors, FormField, FormPage, FormSpec, LANG_COOKIE, MessagePage, Page, page_language, render,
};
use crate::AppState;
use crate::domain::account::{AccountRole, NewPassword, Throttle};
use crate::domain::{Email, Language, Region};
use crate::passwords::{self, random_token, token_hash};
use crate::policy::authz::{Action, Resource};
use crate::storage::StorageError;
use crate::storage::accounts::{LinkProblem, NewInvitation, NewUser};
use crate::storage::outbox::Mail;
use crate::web::api::organisms::OrganismInput;
use crate::web::auth::SignedIn;
use crate::web::client::ClientAddress;
use crate::web::extract::Fields;
use crate::web::problem::{FieldProblem, Problem};
use crate::web::security::AnonymousCsrf;
use crate::web::session;

/// The longest e-mail address (RFC 5321): anything longer is refused before it is looked up or stored.
const EMAIL_MAX: usize = 254;
/// How long a reset link and an invitation stay valid.
const RESET_MINUTES: i64 = 60;
const INVITATION_DAYS: i64 = 14;

/// The page context for someone who may not be signed in: the CSRF token of their signed cookie.
pub fn anonymous_page(csrf: &AnonymousCsrf, headers: &HeaderMap, path: &str) -> Page {
    Page {
        lang: page_language(headers),
        csrf: csrf.0.clone(),
        user: None,
        path: path.into(),
        queues: Vec::new(),
        finance: false,
        purchases: false,
        payments: false,
    }
}

/// The page context of a signed-in account.
pub fn signed_in_page(signed: &SignedIn, headers: &HeaderMap, path: &str) -> Page {
    let user = &signed.caller.user;
    Page {
        lang: page_language(headers),
        csrf: signed.csrf.clone(),
        user: Some((user.display_name.clone(), user.role())),
        path: path.into(),
        queues: Vec::new(),
        finance: false,
        purchases: false,
        payments: false,
    }
}

fn later(minutes: i64) -> String {
    (chrono::Utc::now() + chrono::Duration::minutes(minutes)).to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

fn message(page: Page, title: &str, message: String, link: Option<(&str, String)>) -> Response {
    let title = page.t(title);
    let link = link.map(|(h, l)| (h.to_string(), l));
    render(StatusCode::OK, &MessagePage { page, title, message, steps: Vec::new(), link })
}

/// A refusal that says when to try again.
fn with_retry_after(mut response: Response, wait: chrono::Duration) -> Response {
    let seconds = wait.num_seconds().max(1).to_string();
    if let Ok(value) = HeaderValue::from_str(&seconds) {
        response.headers_mut().insert(header::RETRY_AFTER, value);
    }
    response
}

/// The form again, refused for now: too many tries, and when to try again.
fn too_many(page: Page, form: FormSpec, wait: chrono::Duration) -> Response {
    let errors = FormErrors::one("form", page.t("problem-too-many-attempts-detail"));
    with_retry_after(render(StatusCode::TOO_MANY_REQUESTS, &FormPage { page, form, errors }), wait)
}

/// Counts one password hashing asked for by someone not signed in (a sign-up, a reset, an invitation
/// accepted) against their address: a few a minute at most, so that anonymous requests cannot keep the
/// hashers busy.
async fn claim_anonymous_hashing(state: &AppState, client: &str) -> Result<Option<chrono::Duration>, Problem> {
    Ok(state.db.claim_attempt("#hashing", client, Throttle::ANONYMOUS_HASHING).await?.err())
}

/// Whether `path` reads as a path on this origin wherever a browser meets it: it starts with one `/`
/// (not `//host`), and has no control character, whitespace (browsers drop a tab or line end, so
/// `/\t/evil.example` would become `//evil.example`) nor backslash.
fn local_path(path: &str) -> bool {
    path.starts_with('/')
        && !path.starts_with("//")
        && !path.chars().any(|c| c.is_control() || c.is_whitespace() || c == '\\')
}

/// Where to go after signing in: only a path on octroi itself. What was typed must be a local path,
/// resolved against the public URL it must stay on its origin, and what is returned (normalised:
/// `/.//evil.example` resolves to `//evil.example`) must be a local path too. Anything else goes to the
/// dashboard.
pub fn safe_next(public_url: &str, next: &str) -> String {
    const HOME: &str = "/dashboard";
    let Ok(base) = url::Url::parse(public_url) else { return HOME.into() };
    match base.join(next) {
        Ok(url) if local_path(next) && url.origin() == base.origin() => {
            let mut path = url.path().to_string();
            if let Some(q) = url.query() {
                path = format!("{path}?{q}");
            }
            if local_path(&path) { path } else { HOME.into() }
        }
        _ => HOME.into(),
    }
}

// --- sign in / out -------------------------------------------------------------------------------

#[derive(Deserialize, Default)]
pub struct LoginForm {
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub password: String,
    #[serde(default)]
    pub next: String,
}

fn login_form(page: &Page, email: &str, next: &str, notice: Option<String>) -> FormSpec {
    FormSpec {
        title: page.t("login-title"),
        notice,
        action: "/login".into(),
        hidden: vec![("next".into(), next.into())],
        groups: vec![FieldGroup {
            legend: None,
            fields: vec![
                FormField::new(page, "email", "email", email, 254).autocomplete("username"),
                FormField::new(page, "password", "password", "", 256).autocomplete("current-password"),
            ],
        }],
        submit: page.t("login-submit"),
        links: vec![("/password/forgot".into(), page.t("login-forgot")), ("/signup".into(), page.t("login-signup"))],
        ..Default::default()
    }
}

#[derive(Deserialize)]
pub struct NextQuery {
    #[serde(default)]
    next: String,
    #[serde(default)]
    done: String,
}

pub async fn login_page(csrf: AnonymousCsrf, headers: HeaderMap, Query(q): Query<NextQuery>) -> Response {
    let page = anonymous_page(&csrf, &headers, "/login");
    let notice = match q.done.as_str() {
        "reset" => Some(page.t("notice-password-reset")),
        "joined" => Some(page.t("notice-invitation-accepted")),
        _ => None,
    };
    let form = login_form(&page, "", &q.next, notice);
    render(StatusCode::OK, &FormPage { page, form, errors: FormErrors::default() })
}

#[tracing::instrument(skip_all)]
pub async fn login(
    State(state): State<AppState>,
    session: Session,
    csrf: AnonymousCsrf,
    headers: HeaderMap,
    ClientAddress(client): ClientAddress,
    Form(form): Form<LoginForm>,
) -> Result<Response, Problem> {
    let page = anonymous_page(&csrf, &headers, "/login");
    let client = client.to_string();
    let refuse = |page: Page, status: StatusCode, message: String| {
        let errors = FormErrors::one("email", message);
        let form = login_form(&page, &form.email, &form.next, None);
        render(status, &FormPage { page, form, errors })
    };
    if form.email.chars().count() > EMAIL_MAX {
        let message = FieldProblem::TooLong { max: EMAIL_MAX as u64 }.message(page.lang);
        return Ok(refuse(page, StatusCode::UNPROCESSABLE_ENTITY, message));
    }
    // The attempt is counted before the password is checked, so parallel guesses cannot share a count.
    let attempt = match state.db.claim_attempt(&form.email, &client, Throttle::SIGN_IN).await? {
        Ok(attempt) => attempt,
        Err(wait) => {
            tracing::warn!(%client, "sign-in throttled");
            let message = page.t("problem-too-many-attempts-detail");
            return Ok(with_retry_after(refuse(page, StatusCode::TOO_MANY_REQUESTS, message), wait));
        }
    };
    let user = state.db.user_by_email(&form.email).await?;
    let verified = passwords::verify(&form.password, user.as_ref().map(|u| u.password_hash.as_str())).await;
    let Some(user) = user.filter(|_| verified == Ok(true)) else {
        if verified.is_err() {
            // Busy is no guess: it does not count.
            state.db.forget_attempt(attempt).await?;
            return Err(Problem::Unavailable);
        }
        let message = page.t("login-wrong");
        return Ok(refuse(page, StatusCode::UNAUTHORIZED, message));
    };
    state.db.attempt_succeeded(attempt, &form.email, &client).await?;
    session::sign_in(&session, user.id).await.map_err(|_| Problem::Internal)?;
    tracing::info!(user = %user.id, "signed in");
    let mut response = Redirect::to(&safe_next(&state.public_url, &form.next)).into_response();
    if page_language(&headers) != user.language() {
        set_lang_cookie(&mut response, user.language());
    }
    Ok(response)
}

pub async fn logout(session: Session) -> Response {
    let _ = session::sign_out(&session).await;
    Redirect::to("/login").into_response()
}

// --- sign up -------------------------------------------------------------------------------------

#[derive(Deserialize, Default)]
pub struct SignupForm {
    #[serde(default)]
    legal_name: String,
    #[serde(default)]
    neq: String,
    #[serde(default)]
    region: String,
    #[serde(default)]
    street_address: String,
    #[serde(default)]
    city: String,
    #[serde(default)]
    postal_code: String,
    #[serde(default)]
    contact_email: String,
    #[serde(default)]
    mission_summary: String,
    #[serde(default)]
    preferred_language: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    password_confirm: String,
}

fn signup_form(page: &Page, f: &SignupForm) -> FormSpec {
    let regions = std::iter::once((String::new(), page.t("field-choose")))
        .chain(Region::all().map(|r| (r.code(), format!("{} {}", r.code(), r.name()))))
        .collect();
    let languages = vec![("fr".into(), "Français".into()), ("en".into(), "English".into())];
    FormSpec {
        title: page.t("signup-title"),
        intro: Some(page.t("signup-intro")),
        action: "/signup".into(),
        groups: vec![
            FieldGroup {
                legend: Some(page.t("signup-organism")),
                fields: vec![
                    FormField::new(page, "legal_name", "text", &f.legal_name, 200).autocomplete("organization"),
                    FormField::new(page, "neq", "text", &f.neq, 20).hint(page.t("hint-neq")),
                    FormField::new(page, "region", "select", &f.region, 2).options(regions),
                    FormField::new(page, "street_address", "text", &f.street_address, 200)
                        .autocomplete("street-address"),
                    FormField::new(page, "city", "text", &f.city, 100).autocomplete("address-level2"),
                    FormField::new(page, "postal_code", "text", &f.postal_code, 10).autocomplete("postal-code"),
                    FormField::new(page, "contact_email", "email", &f.contact_email, 254),
                    FormField::new(page, "mission_summary", "textarea", &f.mission_summary, 2000),
                    FormField::new(page, "preferred_language", "select", &f.preferred_language, 5).options(languages),
                ],
            },
            FieldGroup {
                legend: Some(page.t("signup-member")),
                fields: vec![
                    FormField::new(page, "display_name", "text", &f.display_name, 200).autocomplete("name"),
                    FormField::new(page, "email", "email", &f.email, 254).autocomplete("email"),
                    FormField::new(page, "password", "password", "", 256)
                        .hint(page.t("hint-password"))
                        .autocomplete("new-password"),
                    FormField::new(page, "password_confirm", "password", "", 256).autocomplete("new-password"),
                ],
            },
        ],
        submit: page.t("signup-submit"),
        links: vec![("/login".into(), page.t("signup-have-account"))],
        ..Default::default()
    }
}

/// `GET /signup/done`: what happens after signing up, step by step. It says the same whether the address
/// was new or already known (the e-mail tells its owner which), so that it reveals no account.
pub async fn signup_done(csrf: AnonymousCsrf, headers: HeaderMap) -> Response {
    let page = anonymous_page(&csrf, &headers, "/signup/done");
    let steps = (1..=4).map(|n| page.t(&format!("signup-done-step-{n}"))).collect();
    let (title, message) = (page.t("signup-done-title"), page.t("signup-done-intro"));
    let link = Some(("/login".to_string(), page.t("signup-done-login")));
    render(StatusCode::OK, &MessagePage { page, title, message, steps, link })
}

pub async fn signup_page(csrf: AnonymousCsrf, headers: HeaderMap) -> Response {
    let page = anonymous_page(&csrf, &headers, "/signup");
    let form = signup_form(&page, &SignupForm::default());
    render(StatusCode::OK, &FormPage { page, form, errors: FormErrors::default() })
}

/// Checks a new password and its confirmation, recording the problems.
fn new_password(f: &mut Fields, password: &str, confirm: &str) -> Option<NewPassword> {
    let parsed = f.parse("password", NewPassword::parse(password), FieldProblem::Password)?;
    if password != confirm {
        f.add("password_confirm", FieldProblem::PasswordMismatch);
        return None;
    }
    Some(parsed)
}

fn display_name(f: &mut Fields, name: &str) -> String {
    let name = f.required_line("display_name", name.to_string());
    if name.chars().count() > 200 {
        f.add("display_name", FieldProblem::TooLong { max: 200 });
    }
    name
}

/// Registers an organism and its first member. The answer is the same whether the e-mail address already
/// has an account or not (the page must not tell who has one): the person is asked to sign in, and the
/// address's owner gets a message either way (welcome, or "someone tried to sign up with your address").
#[tracing::instrument(skip_all)]
pub async fn signup(
    State(state): State<AppState>,
    csrf: AnonymousCsrf,
    headers: HeaderMap,
    ClientAddress(client): ClientAddress,
    Form(form): Form<SignupForm>,
) -> Result<Response, Problem> {
    let page = anonymous_page(&csrf, &headers, "/signup");
    let mut f = Fields::default();
    let organism = OrganismInput {
        legal_name: form.legal_name.clone(),
        neq: form.neq.clone(),
        region: form.region.clone(),
        street_address: form.street_address.clone(),
        city: form.city.clone(),
        postal_code: form.postal_code.clone(),
        contact_email: form.contact_email.clone(),
        mission_summary: form.mission_summary.clone(),
        preferred_language: Some(form.preferred_language.clone()),
    };
    let organism = crate::web::extract::check(organism, &mut f);
    let name = display_name(&mut f, &form.display_name);
    let email = f.parse("email", Email::parse(&form.email), FieldProblem::Organism);
    let password = new_password(&mut f, &form.password, &form.password_confirm);
    let refused = |page: Page, errors: FormErrors, status| {
        let spec = signup_form(&page, &form);
        render(status, &FormPage { page, form: spec, errors })
    };
    let (Some(organism), Some(email), Some(password)) = (organism, email, password) else {
        return Ok(refused(
            page.clone(),
            FormErrors::from_fields(&f.into_errors(), page.lang),
            StatusCode::UNPROCESSABLE_ENTITY,
        ));
    };
    if !f.is_empty() {
        return Ok(refused(
            page.clone(),
            FormErrors::from_fields(&f.into_errors(), page.lang),
            StatusCode::UNPROCESSABLE_ENTITY,
        ));
    }
    if let Some(wait) = claim_anonymous_hashing(&state, &client.to_string()).await? {
        let spec = signup_form(&page, &form);
        return Ok(too_many(page, spec, wait));
    }
    let language = organism.preferred_language;
    let address = email.as_str().to_string();
    let args = [("name", name.clone()), ("link", format!("{}/login", state.public_url))];
    let welcome = Mail {
        to: address.clone(),
        subject: crate::i18n::t(language, "mail-welcome-subject"),
        body: crate::i18n::t_args(language, "mail-welcome-body", &args),
    };
    let member = NewUser {
        email,
        display_name: name,
        role: AccountRole::Member,
        organism_id: None,
        password_hash: passwords::hash(password.expose()).await?,
        must_change_password: false,
        language,
    };
    // A known address or a known NEQ answers as a new sign-up does (what a probe would tell apart goes
    // by e-mail, to the address typed, which only its owner reads).
    let neq = organism.neq.to_string();
    let told = match state.db.sign_up(organism, member, welcome).await {
        Ok(_) => None,
        Err(StorageError::DuplicateEmail) => Some("mail-signup-known"),
        Err(StorageError::DuplicateNeq) => Some("mail-signup-neq-known"),
        Err(e) => return Err(e.into()),
    };
    if let Some(key) = told {
        let args = [args[0].clone(), args[1].clone(), ("neq", neq)];
        let mail = Mail {
            to: address,
            subject: crate::i18n::t(language, &format!("{key}-subject")),
            body: crate::i18n::t_args(language, &format!("{key}-body"), &args),
        };
        state.db.queue_mail(mail).await?;
    }
    state.mail_waker.notify_one();
    Ok(Redirect::to("/signup/done").into_response())
}

// --- passwords -----------------------------------------------------------------------------------

#[derive(Deserialize, Default)]
pub struct EmailForm {
    #[serde(default)]
    email: String,
}

fn forgot_form(page: &Page, email: &str) -> FormSpec {
    FormSpec {
        title: page.t("forgot-title"),
        intro: Some(page.t("forgot-intro")),
        action: "/password/forgot".into(),
        groups: vec![FieldGroup {
            legend: None,
            fields: vec![FormField::new(page, "email", "email", email, 254).autocomplete("email")],
        }],
        submit: page.t("forgot-submit"),
        ..Default::default()
    }
}

pub async fn forgot_page(csrf: AnonymousCsrf, headers: HeaderMap) -> Response {
    let page = anonymous_page(&csrf, &headers, "/password/forgot");
    let form = forgot_form(&page, "");
    render(StatusCode::OK, &FormPage { page, form, errors: FormErrors::default() })
}

/// Sends a single-use link if the account exists (the earlier links stop working); says the same either
/// way, so that the page does not tell who has an account. Limited per address asked for and per asking
/// address, so that nobody's mailbox is flooded.
#[tracing::instrument(skip_all)]
pub async fn forgot(
    State(state): State<AppState>,
    csrf: AnonymousCsrf,
    headers: HeaderMap,
    ClientAddress(client): ClientAddress,
    Form(form): Form<EmailForm>,
) -> Result<Response, Problem> {
    let page = anonymous_page(&csrf, &headers, "/password/forgot");
    let email = form.email.trim();
    if email.is_empty() || email.chars().count() > EMAIL_MAX {
        return Ok(message(page.clone(), "forgot-title", page.t("forgot-sent"), None));
    }
    let key = format!("#reset:{email}");
    if let Err(wait) = state.db.claim_attempt(&key, &client.to_string(), Throttle::RESET_REQUESTS).await? {
        let mut response = message(page.clone(), "forgot-title", page.t("problem-too-many-attempts-detail"), None);
        *response.status_mut() = StatusCode::TOO_MANY_REQUESTS;
        return Ok(with_retry_after(response, wait));
    }
    if let Some(user) = state.db.user_by_email(email).await? {
        let token = random_token();
        let lang = user.language();
        let link = format!("{}/password/reset?token={token}", state.public_url);
        let mail = Mail {
            to: user.email.to_string(),
            subject: crate::i18n::t(lang, "mail-reset-subject"),
            body: crate::i18n::t_args(
                lang,
                "mail-reset-body",
                &[("name", user.display_name.clone()), ("link", link), ("minutes", RESET_MINUTES.to_string())],
            ),
        };
        state.db.create_password_reset(user.id, token_hash(&token), later(RESET_MINUTES), mail).await?;
        state.mail_waker.notify_one();
    }
    Ok(message(page.clone(), "forgot-title", page.t("forgot-sent"), None))
}

#[derive(Deserialize, Default)]
pub struct TokenQuery {
    #[serde(default)]
    token: String,
}

#[derive(Deserialize, Default)]
pub struct PasswordForm {
    #[serde(default)]
    token: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    password_confirm: String,
    /// The password in use now (to change it).
    #[serde(default)]
    current_password: String,
    /// Also revoke the account's API tokens (reset).
    #[serde(default)]
    revoke_tokens: Option<String>,
}

fn password_form(page: &Page, title: &str, action: &str, token: Option<&str>) -> FormSpec {
    FormSpec {
        title: page.t(title),
        action: action.into(),
        hidden: token.map(|t| vec![("token".to_string(), t.to_string())]).unwrap_or_default(),
        groups: vec![FieldGroup {
            legend: None,
            fields: vec![
                FormField::new(page, "password", "password", "", 256)
                    .hint(page.t("hint-password"))
                    .autocomplete("new-password"),
                FormField::new(page, "password_confirm", "password", "", 256).autocomplete("new-password"),
            ],
        }],
        submit: page.t("password-submit"),
        ..Default::default()
    }
}

fn link_problem(page: Page, problem: LinkProblem) -> Response {
    let id = match problem {
        LinkProblem::Unknown => "link-unknown",
        LinkProblem::Expired => "link-expired",
        LinkProblem::Used => "link-used",
    };
    let text = page.t(id);
    let link = Some(("/password/forgot", page.t("login-forgot")));
    let mut response = message(page, "link-title", text, link);
    *response.status_mut() = StatusCode::GONE;
    response
}

pub async fn reset_page(
    State(state): State<AppState>,
    csrf: AnonymousCsrf,
    headers: HeaderMap,
    Query(q): Query<TokenQuery>,
) -> Result<Response, Problem> {
    let page = anonymous_page(&csrf, &headers, "/password/reset");
    if let Some(problem) = state.db.password_reset_problem(&token_hash(&q.token)).await? {
        return Ok(link_problem(page, problem));
    }
    let form = reset_form(&page, &PasswordForm { token: q.token, ..Default::default() });
    Ok(render(StatusCode::OK, &FormPage { page, form, errors: FormErrors::default() }))
}

/// Sets a new password from a reset link. The link is checked before anything else (a bogus one costs
/// octroi no hashing); the account's sessions everywhere end, and its API tokens too when asked.
pub async fn reset(
    State(state): State<AppState>,
    csrf: AnonymousCsrf,
    headers: HeaderMap,
    ClientAddress(client): ClientAddress,
    Form(form): Form<PasswordForm>,
) -> Result<Response, Problem> {
    let page = anonymous_page(&csrf, &headers, "/password/reset");
    if let Some(problem) = state.db.password_reset_problem(&token_hash(&form.token)).await? {
        return Ok(link_problem(page, problem));
    }
    let mut f = Fields::default();
    let Some(password) = new_password(&mut f, &form.password, &form.password_confirm) else {
        let spec = reset_form(&page, &form);
        let errors = FormErrors::from_fields(&f.into_errors(), page.lang);
        return Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &FormPage { page, form: spec, errors }));
    };
    if let Some(wait) = claim_anonymous_hashing(&state, &client.to_string()).await? {
        let spec = reset_form(&page, &form);
        return Ok(too_many(page, spec, wait));
    }
    let hash = passwords::hash(password.expose()).await?;
    let revoke_tokens = form.revoke_tokens.is_some();
    match state.db.use_password_reset(token_hash(&form.token), hash, revoke_tokens).await? {
        Ok(user) => {
            tracing::info!(user = %user.id, revoke_tokens, "password reset");
            Ok(Redirect::to("/login?done=reset").into_response())
        }
        Err(problem) => Ok(link_problem(page, problem)),
    }
}

/// The reset form: the new password, and whether to revoke the account's API tokens as well.
fn reset_form(page: &Page, form: &PasswordForm) -> FormSpec {
    let mut spec = password_form(page, "reset-title", "/password/reset", Some(&form.token));
    let revoke = if form.revoke_tokens.is_some() { "1" } else { "" };
    spec.groups[0].fields.push(FormField::new(page, "revoke_tokens", "checkbox", revoke, 1));
    spec.intro = Some(page.t("reset-intro"));
    spec
}

/// The change form: the password in use now first, then the new one twice.
fn change_form(page: &Page) -> FormSpec {
    let mut form = password_form(page, "change-title", "/password/change", None);
    form.intro = Some(page.t("change-intro"));
    let fields = &mut form.groups[0].fields;
    fields[0].label = page.t("field-new-password");
    fields[1].label = page.t("field-new-password-confirm");
    let current = FormField::new(page, "current_password", "password", "", 256).autocomplete("current-password");
    fields.insert(0, current);
    form
}

pub async fn change_page(signed: SignedIn, headers: HeaderMap) -> Response {
    let page = signed_in_page(&signed, &headers, "/password/change");
    let form = change_form(&page);
    render(StatusCode::OK, &FormPage { page, form, errors: FormErrors::default() })
}

/// Changes the password: the current one must be given (a session left open is not enough); the
/// account's other sessions end and this one continues under a new id.
pub async fn change(
    State(state): State<AppState>,
    signed: SignedIn,
    session: Session,
    headers: HeaderMap,
    ClientAddress(client): ClientAddress,
    Form(form): Form<PasswordForm>,
) -> Result<Response, Problem> {
    let page = signed_in_page(&signed, &headers, "/password/change");
    let user = &signed.caller.user;
    let refused = |page: Page, errors: Vec<crate::web::problem::FieldError>, status| {
        let spec = change_form(&page);
        let errors = FormErrors::from_fields(&errors, page.lang);
        render(status, &FormPage { page, form: spec, errors })
    };
    let mut f = Fields::default();
    let password = new_password(&mut f, &form.password, &form.password_confirm);
    if form.current_password.is_empty() {
        f.add("current_password", FieldProblem::Required);
    }
    let Some(password) = password.filter(|_| f.is_empty()) else {
        return Ok(refused(page, f.into_errors(), StatusCode::UNPROCESSABLE_ENTITY));
    };
    // The current password is a guess like any other: throttled as a sign-in.
    let attempt = match state.db.claim_attempt(user.email.as_str(), &client.to_string(), Throttle::SIGN_IN).await? {
        Ok(attempt) => attempt,
        Err(wait) => {
            let errors = vec![crate::web::problem::FieldError {
                field: "current_password".into(),
                problem: FieldProblem::TooManyAttempts,
            }];
            return Ok(with_retry_after(refused(page, errors, StatusCode::TOO_MANY_REQUESTS), wait));
        }
    };
    let verified = passwords::verify(&form.current_password, Some(&user.password_hash)).await;
    if verified.is_err() {
        state.db.forget_attempt(attempt).await?;
    }
    if !verified? {
        let errors = vec![crate::web::problem::FieldError {
            field: "current_password".into(),
            problem: FieldProblem::WrongPassword,
        }];
        return Ok(refused(page, errors, StatusCode::UNPROCESSABLE_ENTITY));
    }
    state.db.attempt_succeeded(attempt, user.email.as_str(), &client.to_string()).await?;
    state.db.set_password(user.id, passwords::hash(password.expose()).await?).await?;
    session::sign_in(&session, user.id).await.map_err(|_| Problem::Internal)?;
    tracing::info!(user = %user.id, "password changed; other sessions ended");
    Ok(Redirect::to("/dashboard").into_response())
}

// --- invitations ---------------------------------------------------------------------------------

#[derive(Deserialize, Default)]
pub struct InviteForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    role: String,
}

fn invite_form(page: &Page, staff: bool, f: &InviteForm, notice: Option<String>) -> FormSpec {
    let mut fields = vec![FormField::new(page, "email", "email", &f.email, 254)];
    if staff {
        let roles = AccountRole::ALL
            .iter()
            .filter(|r| r.is_staff())
            .map(|r| (r.as_str().to_string(), page.t(&format!("role-{}", r.as_str()))))
            .collect();
        fields.push(FormField::new(page, "role", "select", &f.role, 20).options(roles));
    }
    let (title, action) =
        if staff { ("invite-staff-title", "/staff/invite") } else { ("invite-member-title", "/members/invite") };
    FormSpec {
        title: page.t(title),
        intro: Some(page.t(if staff { "invite-staff-intro" } else { "invite-member-intro" })),
        notice,
        action: action.into(),
        groups: vec![FieldGroup { legend: None, fields }],
        submit: page.t("invite-submit"),
        ..Default::default()
    }
}

/// The organism a member invites into, or the program for an admin inviting staff.
fn invite_target(signed: &SignedIn, staff: bool) -> Result<(Action, Resource), Problem> {
    if staff {
        return Ok((Action::StaffInvite, Resource::Program));
    }
    let organism = signed.caller.user.organism_id.filter(|_| signed.caller.user.role() == AccountRole::Member);
    Ok((Action::OrganismInviteMember, Resource::Organism(organism.ok_or(Problem::Forbidden)?)))
}

async fn invite_page(state: AppState, signed: SignedIn, headers: HeaderMap, staff: bool) -> Result<Response, Problem> {
    let (action, resource) = invite_target(&signed, staff)?;
    signed.caller.require(&state, action, &resource)?;
    let page = signed_in_page(&signed, &headers, if staff { "/staff/invite" } else { "/members/invite" });
    let form = invite_form(&page, staff, &InviteForm::default(), None);
    Ok(render(StatusCode::OK, &FormPage { page, form, errors: FormErrors::default() }))
}

pub async fn invite_member_page(
    State(state): State<AppState>,
    signed: SignedIn,
    headers: HeaderMap,
) -> Result<Response, Problem> {
    invite_page(state, signed, headers, false).await
}

pub async fn invite_staff_page(
    State(state): State<AppState>,
    signed: SignedIn,
    headers: HeaderMap,
) -> Result<Response, Problem> {
    invite_page(state, signed, headers, true).await
}

/// Sends an invitation; an account may send a few a minute, a hundred an hour.
async fn invite(
    state: AppState,
    signed: SignedIn,
    headers: HeaderMap,
    client: std::net::IpAddr,
    form: InviteForm,
    staff: bool,
) -> Result<Response, Problem> {
    let (action, resource) = invite_target(&signed, staff)?;
    signed.caller.require(&state, action, &resource)?;
    let page = signed_in_page(&signed, &headers, if staff { "/staff/invite" } else { "/members/invite" });
    let mut f = Fields::default();
    let email = f.parse("email", Email::parse(&form.email), FieldProblem::Organism);
    let role = if staff {
        AccountRole::parse(&form.role).filter(AccountRole::is_staff).or_else(|| {
            f.add("role", FieldProblem::Choice);
            None
        })
    } else {
        Some(AccountRole::Member)
    };
    let (Some(email), Some(role)) = (email, role) else {
        let spec = invite_form(&page, staff, &form, None);
        let errors = FormErrors::from_fields(&f.into_errors(), page.lang);
        return Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &FormPage { page, form: spec, errors }));
    };
    let inviter = &signed.caller.user;
    let key = format!("#invite:{}", inviter.id);
    if let Err(wait) = state.db.claim_attempt(&key, &client.to_string(), Throttle::INVITATIONS).await? {
        let spec = invite_form(&page, staff, &form, None);
        return Ok(too_many(page, spec, wait));
    }
    let token = random_token();
    let link = format!("{}/invitations/accept?token={token}", state.public_url);
    let lang = page.lang;
    let mail = Mail {
        to: email.as_str().to_string(),
        subject: crate::i18n::t(lang, "mail-invite-subject"),
        body: crate::i18n::t_args(
            lang,
            "mail-invite-body",
            &[("inviter", inviter.display_name.clone()), ("link", link), ("days", INVITATION_DAYS.to_string())],
        ),
    };
    let invitation = NewInvitation {
        token_hash: token_hash(&token),
        email: email.clone(),
        role,
        organism_id: if staff { None } else { inviter.organism_id },
        invited_by: inviter.id,
        expires_at: later(INVITATION_DAYS * 24 * 60),
    };
    state.db.create_invitation(invitation, mail).await?;
    state.mail_waker.notify_one();
    let notice = Some(page.ta("invite-sent", "email", email.as_str()));
    let spec = invite_form(&page, staff, &InviteForm::default(), notice);
    Ok(render(StatusCode::OK, &FormPage { page, form: spec, errors: FormErrors::default() }))
}

pub async fn invite_member(
    State(state): State<AppState>,
    signed: SignedIn,
    headers: HeaderMap,
    ClientAddress(client): ClientAddress,
    Form(form): Form<InviteForm>,
) -> Result<Response, Problem> {
    invite(state, signed, headers, client, form, false).await
}

pub async fn invite_staff(
    State(state): State<AppState>,
    signed: SignedIn,
    headers: HeaderMap,
    ClientAddress(client): ClientAddress,
    Form(form): Form<InviteForm>,
) -> Result<Response, Problem> {
    invite(state, signed, headers, client, form, true).await
}

#[derive(Deserialize, Default)]
pub struct AcceptForm {
    #[serde(default)]
    token: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    password_confirm: String,
}

fn accept_form(page: &Page, form: &AcceptForm) -> FormSpec {
    let mut spec = password_form(page, "accept-title", "/invitations/accept", Some(&form.token));
    spec.groups[0]
        .fields
        .insert(0, FormField::new(page, "display_name", "text", &form.display_name, 200).autocomplete("name"));
    spec.intro = Some(page.t("accept-intro"));
    spec
}

pub async fn accept_page(
    State(state): State<AppState>,
    csrf: AnonymousCsrf,
    headers: HeaderMap,
    Query(q): Query<TokenQuery>,
) -> Result<Response, Problem> {
    let page = anonymous_page(&csrf, &headers, "/invitations/accept");
    if let Err(problem) = state.db.invitation(&token_hash(&q.token)).await? {
        return Ok(link_problem(page, problem));
    }
    let form = accept_form(&page, &AcceptForm { token: q.token, ..Default::default() });
    Ok(render(StatusCode::OK, &FormPage { page, form, errors: FormErrors::default() }))
}

/// Accepts an invitation: the link is checked before anything else (a bogus one costs no hashing).
pub async fn accept(
    State(state): State<AppState>,
    csrf: AnonymousCsrf,
    headers: HeaderMap,
    ClientAddress(client): ClientAddress,
    Form(form): Form<AcceptForm>,
) -> Result<Response, Problem> {
    let page = anonymous_page(&csrf, &headers, "/invitations/accept");
    if let Err(problem) = state.db.invitation(&token_hash(&form.token)).await? {
        return Ok(link_problem(page, problem));
    }
    let mut f = Fields::default();
    let name = display_name(&mut f, &form.display_name);
    let password = new_password(&mut f, &form.password, &form.password_confirm);
    let Some(password) = password.filter(|_| f.is_empty()) else {
        let spec = accept_form(&page, &form);
        let errors = FormErrors::from_fields(&f.into_errors(), page.lang);
        return Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &FormPage { page, form: spec, errors }));
    };
    if let Some(wait) = claim_anonymous_hashing(&state, &client.to_string()).await? {
        let spec = accept_form(&page, &form);
        return Ok(too_many(page, spec, wait));
    }
    let hash = passwords::hash(password.expose()).await?;
    match state.db.accept_invitation(token_hash(&form.token), name, hash, page.lang).await? {
        Ok(_) => Ok(Redirect::to("/login?done=joined").into_response()),
        Err(problem) => Ok(link_problem(page, problem)),
    }
}

// --- language ------------------------------------------------------------------------------------

#[derive(Deserialize, Default)]
pub struct LangForm {
    #[serde(default)]
    lang: String,
    #[serde(default)]
    back: String,
}

fn set_lang_cookie(response: &mut Response, lang: Language) {
    let cookie = format!("{LANG_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax; HttpOnly", lang.code());
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
}

/// The language switch: remembered in a cookie, and in the account's preferences when signed in.
pub async fn switch_language(
    State(state): State<AppState>,
    session: Session,
    Form(form): Form<LangForm>,
) -> Result<Response, Problem> {
    let lang = Language::parse(&form.lang).unwrap_or_default();
    if let Some(user_id) = session::data(&session).await.user_id {
        state.db.set_language(user_id, lang).await?;
    }
    let mut response = Redirect::to(&safe_next(&state.public_url, &form.back)).into_response();
    set_lang_cookie(&mut response, lang);
    Ok(response)
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_paths_on_octroi_after_sign_in() {
        let base = "http://octroi.example:8080";
        for (next, to) in [
            ("/grants/3?tab=history", "/grants/3?tab=history"),
            ("/queues/review", "/queues/review"),
            ("/%09/evil.example", "/%09/evil.example"),
            ("/\t/evil.example", "/dashboard"),
            ("/\r\n/evil.example", "/dashboard"),
            ("/ /evil.example", "/dashboard"),
            ("//evil.example", "/dashboard"),
            ("/.//evil.example", "/dashboard"),
            ("/..//evil.example", "/dashboard"),
            ("/a/..//evil.example", "/dashboard"),
            ("/%2e//evil.example", "/dashboard"),
            ("/./queues", "/queues"),
            ("/\\evil.example", "/dashboard"),
            ("https://evil.example/", "/dashboard"),
            ("javascript:alert(1)", "/dashboard"),
            ("", "/dashboard"),
        ] {
            assert_eq!(super::safe_next(base, next), to, "{next:?}");
        }
    }
}
