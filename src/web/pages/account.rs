//! Signing up, in and out; passwords; invitations; the language switch.

use std::net::SocketAddr;

use axum::Form;
use axum::extract::{ConnectInfo, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tower_sessions::Session;

use super::{
    FieldGroup, FormErrors, FormField, FormPage, FormSpec, LANG_COOKIE, MessagePage, Page, page_language, render,
};
use crate::AppState;
use crate::domain::account::{AccountRole, NewPassword};
use crate::domain::{Email, Language, Region};
use crate::passwords::{self, random_token, token_hash};
use crate::policy::authz::{Action, Resource};
use crate::storage::accounts::{LinkProblem, NewInvitation, NewUser};
use crate::storage::outbox::Mail;
use crate::web::api::organisms::OrganismInput;
use crate::web::auth::SignedIn;
use crate::web::extract::Fields;
use crate::web::problem::{FieldProblem, Problem};
use crate::web::session;

/// Failed sign-ins allowed in the window, per account and per client address.
const MAX_FAILURES_PER_ACCOUNT: i64 = 5;
const MAX_FAILURES_PER_CLIENT: i64 = 20;
const FAILURE_WINDOW_MINUTES: i64 = 15;
/// How long a reset link and an invitation stay valid.
const RESET_MINUTES: i64 = 60;
const INVITATION_DAYS: i64 = 14;

/// The page context for someone who may not be signed in.
pub async fn anonymous_page(session: &Session, headers: &HeaderMap, path: &str) -> Page {
    let csrf = session::data(session).await.csrf;
    Page { lang: page_language(headers), csrf, user: None, path: path.into(), queues: Vec::new(), finance: false }
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
    }
}

fn later(minutes: i64) -> String {
    (chrono::Utc::now() + chrono::Duration::minutes(minutes)).to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

fn message(page: Page, title: &str, message: String, link: Option<(&str, String)>) -> Response {
    let title = page.t(title);
    let link = link.map(|(h, l)| (h.to_string(), l));
    render(StatusCode::OK, &MessagePage { page, title, message, link })
}

/// Only paths of this site: no `//host`, no scheme.
fn safe_next(next: &str) -> &str {
    if next.starts_with('/') && !next.starts_with("//") && !next.contains('\\') { next } else { "/dashboard" }
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

pub async fn login_page(session: Session, headers: HeaderMap, Query(q): Query<NextQuery>) -> Response {
    let page = anonymous_page(&session, &headers, "/login").await;
    let notice = match q.done.as_str() {
        "reset" => Some(page.t("notice-password-reset")),
        "accepted" => Some(page.t("notice-invitation-accepted")),
        _ => None,
    };
    let form = login_form(&page, "", &q.next, notice);
    render(StatusCode::OK, &FormPage { page, form, errors: FormErrors::default() })
}

#[tracing::instrument(skip_all)]
pub async fn login(
    State(state): State<AppState>,
    session: Session,
    headers: HeaderMap,
    ConnectInfo(client): ConnectInfo<SocketAddr>,
    Form(form): Form<LoginForm>,
) -> Result<Response, Problem> {
    let page = anonymous_page(&session, &headers, "/login").await;
    let client = client.ip().to_string();
    let since = (chrono::Utc::now() - chrono::Duration::minutes(FAILURE_WINDOW_MINUTES))
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    let (by_account, by_client) = state.db.login_failures(&form.email, &client, &since).await?;
    let refuse = |page: Page, status: StatusCode, message_id: &str| {
        let errors = FormErrors::one("email", page.t(message_id));
        let form = login_form(&page, &form.email, &form.next, None);
        render(status, &FormPage { page, form, errors })
    };
    if by_account >= MAX_FAILURES_PER_ACCOUNT || by_client >= MAX_FAILURES_PER_CLIENT {
        tracing::warn!(%client, "sign-in throttled");
        return Ok(refuse(page, StatusCode::TOO_MANY_REQUESTS, "problem-too-many-attempts-detail"));
    }
    let user = state.db.user_by_email(&form.email).await?;
    if !passwords::verify(&form.password, user.as_ref().map(|u| u.password_hash.as_str())).await {
        state.db.record_login_failure(&form.email, &client).await?;
        return Ok(refuse(page, StatusCode::UNAUTHORIZED, "login-wrong"));
    }
    let user = user.expect("verified against an existing account");
    state.db.clear_login_failures(&form.email).await?;
    session::sign_in(&session, user.id).await.map_err(|_| Problem::Internal)?;
    tracing::info!(user = user.id, "signed in");
    let mut response = Redirect::to(safe_next(&form.next)).into_response();
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

pub async fn signup_page(session: Session, headers: HeaderMap) -> Response {
    let page = anonymous_page(&session, &headers, "/signup").await;
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
    let name = f.required("display_name", name.to_string());
    if name.chars().count() > 200 {
        f.add("display_name", FieldProblem::TooLong { max: 200 });
    }
    name
}

#[tracing::instrument(skip_all)]
pub async fn signup(
    State(state): State<AppState>,
    session: Session,
    headers: HeaderMap,
    Form(form): Form<SignupForm>,
) -> Result<Response, Problem> {
    let page = anonymous_page(&session, &headers, "/signup").await;
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
    let language = organism.preferred_language;
    let member = NewUser {
        email,
        display_name: name,
        role: AccountRole::Member,
        organism_id: None,
        password_hash: passwords::hash(password.expose()).await,
        must_change_password: false,
        language,
    };
    match state.db.sign_up(organism, member).await {
        Ok((_, user)) => {
            session::sign_in(&session, user.id).await.map_err(|_| Problem::Internal)?;
            Ok(Redirect::to("/dashboard").into_response())
        }
        Err(e) => {
            let problem = Problem::from(e);
            let field = match problem {
                Problem::DuplicateNeq => "neq",
                Problem::DuplicateEmail => "email",
                _ => return Err(problem),
            };
            let (_, detail) = problem.title_and_detail(page.lang);
            Ok(refused(page, FormErrors::one(field, detail.unwrap_or_default()), StatusCode::CONFLICT))
        }
    }
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

pub async fn forgot_page(session: Session, headers: HeaderMap) -> Response {
    let page = anonymous_page(&session, &headers, "/password/forgot").await;
    let form = forgot_form(&page, "");
    render(StatusCode::OK, &FormPage { page, form, errors: FormErrors::default() })
}

/// Sends a single-use link if the account exists; says the same either way, so that the page does not
/// tell who has an account.
#[tracing::instrument(skip_all)]
pub async fn forgot(
    State(state): State<AppState>,
    session: Session,
    headers: HeaderMap,
    Form(form): Form<EmailForm>,
) -> Result<Response, Problem> {
    let page = anonymous_page(&session, &headers, "/password/forgot").await;
    if let Some(user) = state.db.user_by_email(&form.email).await? {
        let token = random_token();
        let lang = user.language();
        let link = format!("{}/password/reset?token={token}", state.public_url);
        let mail = Mail {
            to: user.email.clone(),
            subject: crate::web::i18n::t(lang, "mail-reset-subject"),
            body: crate::web::i18n::t_args(
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
    session: Session,
    headers: HeaderMap,
    Query(q): Query<TokenQuery>,
) -> Result<Response, Problem> {
    let page = anonymous_page(&session, &headers, "/password/reset").await;
    if let Some(problem) = state.db.password_reset_problem(&token_hash(&q.token)).await? {
        return Ok(link_problem(page, problem));
    }
    let form = password_form(&page, "reset-title", "/password/reset", Some(&q.token));
    Ok(render(StatusCode::OK, &FormPage { page, form, errors: FormErrors::default() }))
}

pub async fn reset(
    State(state): State<AppState>,
    session: Session,
    headers: HeaderMap,
    Form(form): Form<PasswordForm>,
) -> Result<Response, Problem> {
    let page = anonymous_page(&session, &headers, "/password/reset").await;
    let mut f = Fields::default();
    let Some(password) = new_password(&mut f, &form.password, &form.password_confirm) else {
        let spec = password_form(&page, "reset-title", "/password/reset", Some(&form.token));
        let errors = FormErrors::from_fields(&f.into_errors(), page.lang);
        return Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &FormPage { page, form: spec, errors }));
    };
    let hash = passwords::hash(password.expose()).await;
    match state.db.use_password_reset(token_hash(&form.token), hash).await? {
        Ok(user) => {
            tracing::info!(user = user.id, "password reset");
            Ok(Redirect::to("/login?done=reset").into_response())
        }
        Err(problem) => Ok(link_problem(page, problem)),
    }
}

pub async fn change_page(signed: SignedIn, headers: HeaderMap) -> Response {
    let page = signed_in_page(&signed, &headers, "/password/change");
    let mut form = password_form(&page, "change-title", "/password/change", None);
    form.intro = Some(page.t("change-intro"));
    render(StatusCode::OK, &FormPage { page, form, errors: FormErrors::default() })
}

pub async fn change(
    State(state): State<AppState>,
    signed: SignedIn,
    headers: HeaderMap,
    Form(form): Form<PasswordForm>,
) -> Result<Response, Problem> {
    let page = signed_in_page(&signed, &headers, "/password/change");
    let mut f = Fields::default();
    let Some(password) = new_password(&mut f, &form.password, &form.password_confirm) else {
        let spec = password_form(&page, "change-title", "/password/change", None);
        let errors = FormErrors::from_fields(&f.into_errors(), page.lang);
        return Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &FormPage { page, form: spec, errors }));
    };
    state.db.set_password(signed.caller.user.id, passwords::hash(password.expose()).await).await?;
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

async fn invite(
    state: AppState,
    signed: SignedIn,
    headers: HeaderMap,
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
    let token = random_token();
    let inviter = &signed.caller.user;
    let link = format!("{}/invitations/accept?token={token}", state.public_url);
    let lang = page.lang;
    let mail = Mail {
        to: email.as_str().to_string(),
        subject: crate::web::i18n::t(lang, "mail-invite-subject"),
        body: crate::web::i18n::t_args(
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
    Form(form): Form<InviteForm>,
) -> Result<Response, Problem> {
    invite(state, signed, headers, form, false).await
}

pub async fn invite_staff(
    State(state): State<AppState>,
    signed: SignedIn,
    headers: HeaderMap,
    Form(form): Form<InviteForm>,
) -> Result<Response, Problem> {
    invite(state, signed, headers, form, true).await
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
    session: Session,
    headers: HeaderMap,
    Query(q): Query<TokenQuery>,
) -> Result<Response, Problem> {
    let page = anonymous_page(&session, &headers, "/invitations/accept").await;
    if let Err(problem) = state.db.invitation(&token_hash(&q.token)).await? {
        return Ok(link_problem(page, problem));
    }
    let form = accept_form(&page, &AcceptForm { token: q.token, ..Default::default() });
    Ok(render(StatusCode::OK, &FormPage { page, form, errors: FormErrors::default() }))
}

pub async fn accept(
    State(state): State<AppState>,
    session: Session,
    headers: HeaderMap,
    Form(form): Form<AcceptForm>,
) -> Result<Response, Problem> {
    let page = anonymous_page(&session, &headers, "/invitations/accept").await;
    let mut f = Fields::default();
    let name = display_name(&mut f, &form.display_name);
    let password = new_password(&mut f, &form.password, &form.password_confirm);
    let Some(password) = password.filter(|_| f.is_empty()) else {
        let spec = accept_form(&page, &form);
        let errors = FormErrors::from_fields(&f.into_errors(), page.lang);
        return Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &FormPage { page, form: spec, errors }));
    };
    let hash = passwords::hash(password.expose()).await;
    match state.db.accept_invitation(token_hash(&form.token), name, hash, page.lang).await? {
        Ok(_) => Ok(Redirect::to("/login?done=accepted").into_response()),
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
    let mut response = Redirect::to(safe_next(&form.back)).into_response();
    set_lang_cookie(&mut response, lang);
    Ok(response)
}
