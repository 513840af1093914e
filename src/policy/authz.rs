//! The one authorizer asked for every protected page, form and API call: Cedar policies and their schema
//! from `policies/`, validated strictly at start.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::str::FromStr;

use cedar_policy::{
    Authorizer, Context, Decision, Entities, Entity, EntityId, EntityTypeName, EntityUid, PolicySet, Request,
    RestrictedExpression, Schema, ValidationMode, Validator,
};

use crate::domain::account::AccountRole;
use crate::domain::{GrantId, OrganismId, UserId};

pub const SCHEMA_FILE: &str = "octroi.cedarschema";
pub const POLICY_FILE: &str = "octroi.cedar";

/// What a request wants to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    OrganismView,
    OrganismEdit,
    OrganismInviteMember,
    OrganismList,
    OrganismCreate,
    GrantCreate,
    GrantView,
    GrantEdit,
    GrantFire,
    GrantListAll,
    GrantReview,
    GrantManage,
    GrantAccept,
    QueueReview,
    QueueManage,
    FinanceView,
    StaffInvite,
    PurchaseView,
    PurchaseAct,
    QueuePurchases,
    PaymentRun,
}

impl Action {
    pub fn as_str(&self) -> &'static str {
        match self {
            Action::OrganismView => "organism.view",
            Action::OrganismEdit => "organism.edit",
            Action::OrganismInviteMember => "organism.invite_member",
            Action::OrganismList => "organism.list",
            Action::OrganismCreate => "organism.create",
            Action::GrantCreate => "grant.create",
            Action::GrantView => "grant.view",
            Action::GrantEdit => "grant.edit",
            Action::GrantFire => "grant.fire",
            Action::GrantListAll => "grant.list_all",
            Action::GrantReview => "grant.review",
            Action::GrantManage => "grant.manage",
            Action::GrantAccept => "grant.accept",
            Action::QueueReview => "queue.review",
            Action::QueueManage => "queue.manage",
            Action::StaffInvite => "staff.invite",
            Action::FinanceView => "finance.view",
            Action::PurchaseView => "purchase.view",
            Action::PurchaseAct => "purchase.act",
            Action::QueuePurchases => "queue.purchases",
            Action::PaymentRun => "payment.run",
        }
    }
}

/// Who asks, with the facts the policies read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub user_id: UserId,
    pub role: AccountRole,
    pub organism: Option<OrganismId>,
    pub conflicts: Vec<OrganismId>,
}

/// What is asked about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resource {
    Program,
    Organism(OrganismId),
    /// `draft`: not yet submitted, so still the organism's alone.
    Grant {
        id: GrantId,
        organism: OrganismId,
        reviewers: Vec<UserId>,
        coaches: Vec<UserId>,
        draft: bool,
    },
}

pub struct Authz {
    policies: PolicySet,
    authorizer: Authorizer,
}

fn uid(kind: &str, id: impl ToString) -> EntityUid {
    EntityUid::from_type_name_and_id(
        EntityTypeName::from_str(kind).expect("a valid type name"),
        EntityId::new(id.to_string()),
    )
}

fn set<Id: std::fmt::Display>(kind: &str, ids: &[Id]) -> RestrictedExpression {
    RestrictedExpression::new_set(ids.iter().map(|id| RestrictedExpression::new_entity_uid(uid(kind, id))))
}

impl Authz {
    /// Loads and strictly validates the schema and policies; every problem is in the error.
    pub fn load(dir: &Path) -> Result<Authz, String> {
        let read = |name: &str| {
            std::fs::read_to_string(dir.join(name))
                .map_err(|e| format!("{}: cannot read: {e}", dir.join(name).display()))
        };
        Authz::parse(&read(SCHEMA_FILE)?, &read(POLICY_FILE)?).map_err(|e| format!("{}: {e}", dir.display()))
    }

    pub fn parse(schema_src: &str, policy_src: &str) -> Result<Authz, String> {
        let (schema, _warnings) =
            Schema::from_cedarschema_str(schema_src).map_err(|e| format!("{SCHEMA_FILE}: {e:?}"))?;
        let policies = PolicySet::from_str(policy_src).map_err(|e| format!("{POLICY_FILE}: {e:?}"))?;
        let result = Validator::new(schema.clone()).validate(&policies, ValidationMode::Strict);
        if !result.validation_passed() {
            let errors: Vec<String> = result.validation_errors().map(|e| e.to_string()).collect();
            return Err(format!("{POLICY_FILE} does not validate against {SCHEMA_FILE}: {}", errors.join("; ")));
        }
        Ok(Authz { policies, authorizer: Authorizer::new() })
    }

    /// Asks the policies. A denial is logged (with the request id, from the caller's span).
    pub fn allowed(&self, principal: &Principal, action: Action, resource: &Resource) -> bool {
        match self.decide(principal, action, resource) {
            Ok(true) => true,
            Ok(false) => {
                tracing::warn!(user = %principal.user_id, role = %principal.role, action = action.as_str(), ?resource, "denied");
                false
            }
            Err(e) => {
                tracing::error!(error = %e, action = action.as_str(), "authorization could not be evaluated; denied");
                false
            }
        }
    }

    /// Asks the policies without logging a denial: for pages that show or hide what a caller may use.
    pub fn permits(&self, principal: &Principal, action: Action, resource: &Resource) -> bool {
        self.decide(principal, action, resource).unwrap_or_else(|e| {
            tracing::error!(error = %e, action = action.as_str(), "authorization could not be evaluated; denied");
            false
        })
    }

    fn decide(&self, principal: &Principal, action: Action, resource: &Resource) -> Result<bool, String> {
        let user = uid("User", principal.user_id);
        let mut attrs = HashMap::from([
            ("role".to_string(), RestrictedExpression::new_string(principal.role.as_str().into())),
            ("conflicts".to_string(), set("Organism", &principal.conflicts)),
        ]);
        if let Some(organism) = principal.organism {
            attrs.insert("organism".into(), RestrictedExpression::new_entity_uid(uid("Organism", organism)));
        }
        let mut entities = vec![Entity::new(user.clone(), attrs, HashSet::new()).map_err(|e| e.to_string())?];
        let resource_uid = match resource {
            Resource::Program => uid("Program", "dataide"),
            Resource::Organism(id) => uid("Organism", id),
            Resource::Grant { id, organism, reviewers, coaches, draft } => {
                let grant = uid("Grant", id);
                let attrs = HashMap::from([
                    ("organism".to_string(), RestrictedExpression::new_entity_uid(uid("Organism", organism))),
                    ("reviewers".to_string(), set("User", reviewers)),
                    ("coaches".to_string(), set("User", coaches)),
                    ("draft".to_string(), RestrictedExpression::new_bool(*draft)),
                ]);
                entities.push(Entity::new(grant.clone(), attrs, HashSet::new()).map_err(|e| e.to_string())?);
                grant
            }
        };
        // The policies were validated against the schema at start and these entities are built here with
        // the schema's types: validating every request against the schema again would only cost time.
        let entities = Entities::from_entities(entities, None).map_err(|e| e.to_string())?;
        let request = Request::new(user, uid("Action", action.as_str()), resource_uid, Context::empty(), None)
            .map_err(|e| e.to_string())?;
        Ok(self.authorizer.is_authorized(&request, &self.policies, &entities).decision() == Decision::Allow)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn authz() -> Authz {
        Authz::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("policies")).unwrap()
    }

    fn who(role: AccountRole, organism: Option<i64>) -> Principal {
        Principal { user_id: UserId(7), role, organism: organism.map(OrganismId), conflicts: vec![] }
    }

    fn grant(organism: i64, reviewers: Vec<i64>) -> Resource {
        let reviewers = reviewers.into_iter().map(UserId).collect();
        Resource::Grant { id: GrantId(1), organism: OrganismId(organism), reviewers, coaches: vec![], draft: false }
    }

    #[test]
    fn members_act_on_their_own_organism_only() {
        let a = authz();
        let member = who(AccountRole::Member, Some(1));
        assert!(a.allowed(&member, Action::GrantEdit, &grant(1, vec![])));
        assert!(a.allowed(&member, Action::GrantCreate, &Resource::Organism(OrganismId(1))));
        assert!(!a.allowed(&member, Action::GrantView, &grant(2, vec![])));
        assert!(!a.allowed(&member, Action::GrantCreate, &Resource::Organism(OrganismId(2))));
        assert!(!a.allowed(&member, Action::GrantListAll, &Resource::Program));
    }

    #[test]
    fn reviewers_see_assigned_applications_unless_conflicted_or_their_own() {
        let a = authz();
        let reviewer = who(AccountRole::Reviewer, None);
        assert!(a.allowed(&reviewer, Action::GrantView, &grant(1, vec![7])));
        assert!(!a.allowed(&reviewer, Action::GrantView, &grant(1, vec![8])));
        assert!(!a.allowed(&reviewer, Action::GrantEdit, &grant(1, vec![7])));
        let own = who(AccountRole::Reviewer, Some(1));
        assert!(!a.allowed(&own, Action::GrantView, &grant(1, vec![7])));
        let conflicted = Principal { conflicts: vec![OrganismId(1)], ..reviewer };
        assert!(!a.allowed(&conflicted, Action::GrantView, &grant(1, vec![7])));
    }

    #[test]
    fn staff_oversight_and_admin_invitations() {
        let a = authz();
        for role in [AccountRole::ProgramOfficer, AccountRole::Finance, AccountRole::Admin] {
            assert!(a.allowed(&who(role, None), Action::GrantView, &grant(3, vec![])), "{role}");
            assert!(!a.allowed(&who(role, None), Action::GrantEdit, &grant(3, vec![])), "{role}");
        }
        assert!(a.allowed(&who(AccountRole::Admin, None), Action::StaffInvite, &Resource::Program));
        assert!(!a.allowed(&who(AccountRole::ProgramOfficer, None), Action::StaffInvite, &Resource::Program));
        assert!(!a.allowed(&who(AccountRole::Coach, None), Action::GrantView, &grant(3, vec![])));
    }

    #[test]
    fn policies_that_do_not_validate_are_refused() {
        let schema = include_str!("../../policies/octroi.cedarschema");
        let policies = include_str!("../../policies/octroi.cedar")
            .replace("principal.role == \"admin\"", "principal.rank == \"admin\"");
        let err = Authz::parse(schema, &policies).err().unwrap();
        assert!(err.contains("does not validate") && err.contains("rank"), "{err}");
        assert!(Authz::parse(schema, "permit (principal, action, resource) when {").is_err());
    }
}
