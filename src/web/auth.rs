//! Who is asking: the signed-in account of a page (session cookie) or an API call (personal token as
//! `Authorization: Bearer …`, or the session), with the facts the authorizer needs.

use std::collections::HashMap;

use axum::extract::{FromRef, FromRequestParts};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use tower_sessions::Session;

use super::problem::Problem;
use super::session;
use crate::AppState;
use crate::domain::{Actor, GrantId, OrganismId, UserId};
use crate::passwords::token_hash;
use crate::policy::authz::{Action, Principal, Resource};
use crate::storage::accounts::User;
use crate::storage::grants::Grant;
use crate::storage::{Db, StorageError};

/// An account and what the policies know of it.
#[derive(Debug, Clone)]
pub struct Caller {
    pub user: User,
    pub principal: Principal,
}

impl Caller {
    pub async fn load(db: &Db, user: User) -> Result<Caller, StorageError> {
        // Declared conflicts only ever restrict staff.
        let conflicts = if user.role().is_staff() { db.conflicts_of(user.id).await? } else { Vec::new() };
        let principal = Principal { user_id: user.id, role: user.role(), organism: user.organism_id, conflicts };
        Ok(Caller { user, principal })
    }

    /// The workflow's view of this account.
    pub fn actor(&self) -> Actor {
        Actor { id: self.user.email.to_string(), role: self.user.role().workflow_role() }
    }

    /// Asks the authorizer; a denial is a 403 problem.
    pub fn require(&self, state: &AppState, action: Action, resource: &Resource) -> Result<(), Problem> {
        if state.authz.allowed(&self.principal, action, resource) { Ok(()) } else { Err(Problem::Forbidden) }
    }

    /// Whether the caller may: for showing or hiding what they may use (a "no" is not logged).
    pub fn may(&self, state: &AppState, action: Action, resource: &Resource) -> bool {
        state.authz.permits(&self.principal, action, resource)
    }

    /// Loads a grant and asks the authorizer whether the caller may `action` it: the one way pages and
    /// the API reach a grant (404 when there is none, 403 when not allowed).
    pub async fn grant(&self, state: &AppState, id: GrantId, action: Action) -> Result<Grant, Problem> {
        let grant = state.db.grant(id).await?;
        self.require(state, action, &grant_resource(state, &grant).await?)?;
        Ok(grant)
    }
}

/// The grant as the policies see it: its organism and the people assigned to it.
pub async fn grant_resource(state: &AppState, grant: &Grant) -> Result<Resource, StorageError> {
    let assignments = state.db.assignments(grant.id).await?;
    Ok(resource_of(
        state,
        (grant.id, grant.organism_id, &grant.state),
        assignments.iter().map(|(u, k)| (*u, k.as_str())),
    ))
}

/// The policies' view of grants listed together, (grant, organism, state) each, their assignments read in
/// one query: a queue checks each row without reading its grant again.
pub async fn grant_resources(
    state: &AppState,
    grants: &[(GrantId, OrganismId, &str)],
) -> Result<HashMap<GrantId, Resource>, StorageError> {
    let ids: Vec<GrantId> = grants.iter().map(|g| g.0).collect();
    let assignments = state.db.assignments_of(&ids).await?;
    Ok(grants
        .iter()
        .map(|&(id, organism, grant_state)| {
            let of_grant = assignments.iter().filter(|(g, _, _)| *g == id).map(|(_, u, k)| (*u, k.as_str()));
            (id, resource_of(state, (id, organism, grant_state), of_grant))
        })
        .collect())
}

fn resource_of<'a>(
    state: &AppState,
    (id, organism, grant_state): (GrantId, OrganismId, &str),
    assignments: impl Iterator<Item = (UserId, &'a str)> + Clone,
) -> Resource {
    let of = |kind: &str| assignments.clone().filter(|(_, k)| *k == kind).map(|(u, _)| u).collect();
    Resource::Grant {
        id,
        organism,
        reviewers: of("reviewer"),
        coaches: of("coach"),
        draft: state.grant_workflow().is_initial(grant_state),
    }
}

async fn session_caller(parts: &mut Parts, state: &AppState) -> Result<Option<(Caller, String)>, Problem> {
    let Ok(session) = Session::from_request_parts(parts, state).await else {
        return Ok(None);
    };
    let data = session::data(&session).await;
    let Some(user_id) = data.user_id else { return Ok(None) };
    match state.db.user(user_id).await {
        // The password changed since this session signed in (elsewhere, or by a reset): it is over.
        Ok(user) if data.signed_in_ms < user.password_changed_ms => {
            tracing::info!(user = %user.id, "session ended by a password change");
            let _ = session::sign_out(&session).await;
            Ok(None)
        }
        Ok(user) => Ok(Some((Caller::load(&state.db, user).await?, data.csrf))),
        Err(StorageError::NotFound) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// The caller of an API route: a live personal token, else the session. No caller is a 401; an account
/// that must first choose a new password (the administrator after the first start) is refused (403)
/// until it has, as the pages send it to the change form.
pub struct ApiCaller(pub Caller);

impl<S> FromRequestParts<S> for ApiCaller
where
    AppState: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Problem> {
        let state = AppState::from_ref(state);
        let bearer = parts.headers.get(axum::http::header::AUTHORIZATION).and_then(|v| v.to_str().ok());
        if let Some(value) = bearer {
            let token = value.strip_prefix("Bearer ").ok_or(Problem::Unauthenticated)?.trim();
            let user = state.db.user_by_token(&token_hash(token)).await?.ok_or(Problem::Unauthenticated)?;
            return api_caller(Caller::load(&state.db, user).await?);
        }
        match session_caller(parts, &state).await? {
            Some((caller, _)) => api_caller(caller),
            None => Err(Problem::Unauthenticated),
        }
    }
}

fn api_caller(caller: Caller) -> Result<ApiCaller, Problem> {
    if caller.user.must_change_password != 0 {
        return Err(Problem::refused(crate::app::Code::PasswordChangeRequired, axum::http::StatusCode::FORBIDDEN));
    }
    Ok(ApiCaller(caller))
}

/// The signed-in account of a page. Without one, the browser goes to the sign-in page (and comes back).
pub struct SignedIn {
    pub caller: Caller,
    pub csrf: String,
}

impl<S> FromRequestParts<S> for SignedIn
where
    AppState: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Response> {
        let state = AppState::from_ref(state);
        match session_caller(parts, &state).await {
            Ok(Some((caller, csrf))) => {
                let changing = parts.uri.path() == "/password/change" || parts.uri.path() == "/logout";
                if caller.user.must_change_password != 0 && !changing {
                    return Err(Redirect::to("/password/change").into_response());
                }
                Ok(SignedIn { caller, csrf })
            }
            Ok(None) => {
                let back = parts.uri.path_and_query().map(|p| p.as_str()).unwrap_or("/");
                let next: String = url::form_urlencoded::byte_serialize(back.as_bytes()).collect();
                Err(Redirect::to(&format!("/login?next={next}")).into_response())
            }
            Err(problem) => Err(problem.into_response()),
        }
    }
}

/// A page anyone may read (the privacy notice, the accessibility statement) still shows a signed-in
/// person their header: `Option<SignedIn>` is the session's caller when there is one.
impl<S> axum::extract::OptionalFromRequestParts<S> for SignedIn
where
    AppState: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Option<Self>, Problem> {
        let state = AppState::from_ref(state);
        Ok(session_caller(parts, &state).await?.map(|(caller, csrf)| SignedIn { caller, csrf }))
    }
}
