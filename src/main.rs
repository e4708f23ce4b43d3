//! The command line: parses the arguments, hardens the process, and hands off to `cli` (a verb)
//! or `ui` (no verb).

#![forbid(unsafe_code)]
#![deny(clippy::unwrap_used, clippy::panic)]

use std::process::ExitCode;

use caseroom::cli::{self, Cli};
use clap::Parser;

fn harden() {
    #[cfg(unix)]
    {
        use nix::sys::resource::{Resource, setrlimit};
        use nix::sys::stat::{Mode, umask};
        umask(Mode::from_bits_truncate(0o077));
        let _ = setrlimit(Resource::RLIMIT_CORE, 0, 0);
    }
}

/// A panic must not show its payload (it might hold client data) nor leave the terminal raw.
fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        caseroom::ui::restore_terminal();
        // Where, never what: the message could hold client data.
        let place = info
            .location()
            .map(|l| format!(" ({}:{})", l.file(), l.line()))
            .unwrap_or_default();
        eprintln!("caseroom stopped unexpectedly{place}. What was saved is safe; nothing was written in clear.");
        eprintln!("caseroom 意外停止。已保存的内容是安全的，没有写出任何明文。");
    }));
}

fn main() -> ExitCode {
    harden();
    install_panic_hook();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { cli::EXIT_USAGE } else { 0 });
        }
    };
    let lang = cli
        .lang
        .map(cli::Lang::code)
        .unwrap_or_else(|| caseroom::ui::stored_language(&cli));
    rust_i18n::set_locale(lang);
    let result = match &cli.verb {
        Some(verb) => cli::run(&cli, verb),
        None => caseroom::ui::run(&cli),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            eprintln!("{}", failure.message);
            ExitCode::from(failure.code)
        }
    }
}
