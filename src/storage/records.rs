//! Records moved by a workflow (the grant today; purchases and coaching sessions next): each has a kind,
//! an id, a state and a version, and a history of one shape for every kind (who, with which role, when,
//! from, to, which event, why). [`apply`] is the one generic step: the pure engine has decided, this
//! updates the state and the version with the optimistic check and writes the history row, in the
//! caller's transaction. What an event does besides (its effects) is the kind's own storage module's.

use sqlx::AnyConnection;

use super::{Result, StorageError, WriteTx};
use crate::domain::Actor;
use crate::domain::workflow::Step;

/// A kind of record a workflow moves, with where its rows and its history are kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Grant,
    Purchase,
}

impl Kind {
    pub const ALL: [Kind; 2] = [Kind::Grant, Kind::Purchase];

    /// The workflow (`workflows/{name}.toml`) that moves records of this kind.
    pub fn workflow(self) -> &'static str {
        match self {
            Kind::Grant => "grant",
            Kind::Purchase => "purchase",
        }
    }

    fn table(self) -> &'static str {
        match self {
            Kind::Grant => "grants",
            Kind::Purchase => "purchases",
        }
    }

    /// The history table and its column naming the record.
    fn history(self) -> (&'static str, &'static str) {
        match self {
            Kind::Grant => ("grant_transitions", "grant_id"),
            Kind::Purchase => ("purchase_transitions", "purchase_id"),
        }
    }
}

/// A record as a step finds it: its kind, its id and the version the step was decided on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Record {
    pub kind: Kind,
    pub id: i64,
    pub version: i64,
}

/// One state change, as the history keeps it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Transition {
    pub version: i64,
    pub event: String,
    pub from_state: String,
    pub to_state: String,
    pub actor: String,
    pub actor_role: String,
    pub reason: String,
    pub at: String,
}

/// Moves a record by one step the engine decided, if it is still at the version the step was decided on:
/// its state, its version (+1), the time it entered the state, and the history row. Returns the new
/// version; a record changed meanwhile is a `VersionConflict` and nothing is written.
pub async fn apply(
    tx: &mut WriteTx,
    record: Record,
    step: &Step<'_>,
    actor: &Actor,
    reason: &str,
    at: &str,
) -> Result<i64> {
    let Record { kind, id, version: expected_version } = record;
    let version: Option<i64> = sqlx::query_scalar(&format!(
        "UPDATE {} SET state = $1, version = version + 1, updated_at = $2, state_entered_at = $2
         WHERE id = $3 AND version = $4 RETURNING version",
        kind.table()
    ))
    .bind(step.to)
    .bind(at)
    .bind(id)
    .bind(expected_version)
    .fetch_optional(&mut **tx)
    .await?;
    let Some(version) = version else {
        let current: Option<i64> = sqlx::query_scalar(&format!("SELECT version FROM {} WHERE id = $1", kind.table()))
            .bind(id)
            .fetch_optional(&mut **tx)
            .await?;
        return Err(current.map_or(StorageError::NotFound, |current| StorageError::VersionConflict { current }));
    };
    let (history, key) = kind.history();
    sqlx::query(&format!(
        "INSERT INTO {history} ({key}, version, event, from_state, to_state, actor, actor_role, reason, at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
    ))
    .bind(id)
    .bind(version)
    .bind(step.event)
    .bind(step.from)
    .bind(step.to)
    .bind(&actor.id)
    .bind(actor.role.as_str())
    .bind(reason)
    .bind(at)
    .execute(&mut **tx)
    .await?;
    tx.states_changed = true;
    Ok(version)
}

/// The state a record was in before its current one (the guard `returns_to_previous` reads it).
pub async fn previous_state(conn: &mut AnyConnection, kind: Kind, id: i64) -> Result<Option<String>> {
    let (history, key) = kind.history();
    Ok(sqlx::query_scalar(&format!("SELECT from_state FROM {history} WHERE {key} = $1 ORDER BY version DESC LIMIT 1"))
        .bind(id)
        .fetch_optional(conn)
        .await?)
}

/// A record's history, oldest first.
pub async fn history(conn: &mut AnyConnection, kind: Kind, id: i64) -> Result<Vec<Transition>> {
    let (history, key) = kind.history();
    Ok(sqlx::query_as::<_, Transition>(&format!(
        "SELECT version, event, from_state, to_state, actor, actor_role, reason, at
         FROM {history} WHERE {key} = $1 ORDER BY version"
    ))
    .bind(id)
    .fetch_all(conn)
    .await?)
}
