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

#[cfg(test)]
mod i18n_tests {
    /// Every string in the sources that looks like a message key (`section.name`, with a known
    /// section) exists in both languages: rust-i18n would otherwise show the bare key.
    #[test]
    fn every_key_in_the_code_exists_in_both_languages() {
        const SECTIONS: &[&str] = &[
            "app", "book", "calendar", "case", "category", "channel", "cli", "clients", "day", "duty", "form", "goal",
            "keys", "lang", "login", "nav", "risk", "role", "scales", "search", "sections", "settings", "setup",
            "stage", "status", "timeline", "today", "urgency", "way",
        ];
        let mut missing = Vec::new();
        let mut stack = vec![std::path::PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/src"))];
        let mut checked = 0;
        while let Some(path) = stack.pop() {
            if path.is_dir() {
                stack.extend(std::fs::read_dir(&path).unwrap().flatten().map(|e| e.path()));
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            for literal in text.split('"').skip(1).step_by(2) {
                let Some((section, rest)) = literal.split_once('.') else {
                    continue;
                };
                let key_like = !rest.is_empty()
                    && literal.chars().all(|c| c.is_ascii_lowercase() || c == '_' || c == '.')
                    && !literal.ends_with('.');
                if !key_like || !SECTIONS.contains(&section) {
                    continue;
                }
                checked += 1;
                for locale in ["en", "zh-CN"] {
                    if rust_i18n::t!(literal, locale = locale) == literal {
                        missing.push(format!("{locale}: {literal} ({})", path.display()));
                    }
                }
            }
        }
        assert!(checked > 200, "the scan found only {checked} keys");
        assert!(missing.is_empty(), "missing messages:\n{}", missing.join("\n"));
    }
}
