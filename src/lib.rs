//! caseroom: a school psychological counseling room (心理辅导室) in the terminal.
//!
//! Layers: `vault` (keys), `store` (the two SQLCipher files), `domain` (plain rules, no I/O),
//! `cli` (the verbs), `ui` (the terminal interface). `ui` talks to `store` only through its
//! service API and never writes SQL.

#![forbid(unsafe_code)]
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::panic))]

rust_i18n::i18n!("assets/i18n", fallback = "en");

pub mod cli;
pub mod domain;
pub mod store;
pub mod ui;
pub mod vault;
