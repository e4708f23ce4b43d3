//! The terminal interface.

use ratatui::crossterm::event::{self, DisableBracketedPaste, DisableMouseCapture, Event, KeyCode};
use ratatui::crossterm::execute;
use ratatui::widgets::{Block, Paragraph};
use rust_i18n::t;

use crate::cli::{Cli, Failure, Run};
use crate::vault::KeyRing;

/// The language stored with the room at setup, or zh-CN.
pub fn stored_language(cli: &Cli) -> &'static str {
    let dir = cli
        .data_dir
        .clone()
        .unwrap_or_else(crate::store::default_data_dir);
    match KeyRing::load(&dir).map(|r| r.lang) {
        Ok(lang) if lang == "en" => "en",
        _ => "zh-CN",
    }
}

/// Puts the terminal back as it was: raw mode off, main screen, no mouse capture, no bracketed paste.
pub fn restore_terminal() {
    let _ = ratatui::crossterm::terminal::disable_raw_mode();
    let _ = execute!(
        std::io::stdout(),
        DisableMouseCapture,
        DisableBracketedPaste,
        ratatui::crossterm::terminal::LeaveAlternateScreen,
        ratatui::crossterm::cursor::Show
    );
}

pub fn run(cli: &Cli) -> Result<(), Failure> {
    let mut run = Run::new(cli)?;
    let (session, _ring) = run.login()?;
    let access = session.access();
    let status = access.status().ok().unwrap_or_default();
    let mut terminal = ratatui::init();
    let lines = format!(
        "{}\n{}\n\n{}",
        t!(
            "ui.plain_account",
            user = access.display_name(),
            role = format!("{:?}", session.role())
        ),
        t!("cli.status_students", count = status.students),
        t!("ui.plain_quit")
    );
    loop {
        let _ = terminal.draw(|f| {
            f.render_widget(
                Paragraph::new(lines.as_str())
                    .block(Block::bordered().title(t!("ui.plain_title").into_owned())),
                f.area(),
            );
        });
        if let Ok(Event::Key(k)) = event::read() {
            if k.code == KeyCode::Char('q') {
                break;
            }
        }
    }
    restore_terminal();
    Ok(())
}
