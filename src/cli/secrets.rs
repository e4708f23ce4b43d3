//! Where passwords come from: the terminal without echo, or standard input's lines
//! (`--password-stdin`: the acting password first, a new password next). Never the arguments
//! or the environment, which other users of the PC can read.

use rust_i18n::t;

use super::Failure;
use crate::vault::Password;

pub struct Secrets {
    lines: Option<std::collections::VecDeque<Password>>,
}

const MIN_LEN: usize = 8;

impl Secrets {
    pub fn terminal() -> Self {
        Secrets { lines: None }
    }

    pub fn from_stdin(text: String) -> Self {
        let text = zeroize::Zeroizing::new(text);
        let lines = text
            .lines()
            .map(|l| Password::new(l.trim_end_matches('\r').to_owned()))
            .collect();
        Secrets { lines: Some(lines) }
    }

    pub fn password(&mut self, prompt: &str) -> Result<Password, Failure> {
        match &mut self.lines {
            Some(lines) => lines
                .pop_front()
                .ok_or_else(|| Failure::usage(t!("cli.no_password_line"))),
            None => rpassword::prompt_password(prompt)
                .map(Password::new)
                .map_err(|_| Failure::usage(t!("cli.no_password_line"))),
        }
    }

    /// A new password: the next line, or typed twice on the terminal.
    pub fn new_password(&mut self, user: &str) -> Result<Password, Failure> {
        let first = self.password(&t!("cli.prompt_new_password", user = user))?;
        if self.lines.is_none() {
            let again = self.password(&t!("cli.prompt_repeat_password"))?;
            if again.expose() != first.expose() {
                return Err(Failure::usage(t!("cli.passwords_differ")));
            }
        }
        check_new_password(&first)?;
        Ok(first)
    }
}

pub fn check_new_password(password: &Password) -> Result<(), Failure> {
    if password.is_empty() {
        return Err(Failure::usage(t!("cli.password_empty")));
    }
    if password.expose().chars().count() < MIN_LEN {
        return Err(Failure::usage(t!("cli.password_short")));
    }
    Ok(())
}
