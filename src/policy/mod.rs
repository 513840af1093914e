//! The program's rules as data (policies/*.toml), loaded and validated at start. Authorization policies
//! (Cedar) will live here too.

pub mod authz;
pub mod eligibility;
pub mod program;
pub mod rubric;

pub use program::{Category, Envelope, Program, ProgramError, Targets};
