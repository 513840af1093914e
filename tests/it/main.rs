//! The integration tests, one binary (a module per area) so that the crate and its dependencies link
//! once. Each test runs on the backend `OCTROI_TEST_DATABASE_URL` names (SQLite by default); `.ci/run`
//! runs them on both. `cargo test --test it api::` runs one area.

mod common;

mod api;
mod atomic;
mod browser;
mod doors;
mod ledger;
mod names;
mod purchases;
mod resilience;
mod review;
mod schema;
mod security;
mod storage;
mod web;
