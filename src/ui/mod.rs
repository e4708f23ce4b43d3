//! The terminal interface: one event loop, one `update`, one `view` (STYLE.md).
//!
//! Must never: run SQL (it asks the store's service API), block a frame on key derivation, or
//! leave the terminal raw, in the alternate screen, or with mouse capture on, however it ends.

pub mod app;
pub mod clock;
pub mod keys;
pub mod screens;
pub mod view;
pub mod widgets;

use std::sync::mpsc;
use std::time::Duration;

use ratatui::crossterm::event::{
    self, DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
};
use ratatui::crossterm::execute;
use ratatui::layout::Rect;

use crate::cli::{Cli, Context, Failure, from_store, from_vault};
use crate::store::DataDir;
use crate::vault::{KeyRing, VaultError};
use app::{App, Msg};

/// The language stored with the room at setup, or zh-CN.
pub fn stored_language(cli: &Cli) -> &'static str {
    let dir = cli.data_dir.clone().unwrap_or_else(crate::store::default_data_dir);
    match KeyRing::load(&dir).map(|r| r.lang) {
        Ok(lang) if lang == "en" => "en",
        _ => "zh-CN",
    }
}

/// Puts the terminal back as it was: raw mode off, main screen, no mouse capture, no bracketed
/// paste, cursor shown. Safe to call more than once.
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

const TICK: Duration = Duration::from_millis(250);

pub fn run(cli: &Cli) -> Result<(), Failure> {
    let dir = cli.data_dir.clone().unwrap_or_else(crate::store::default_data_dir);
    let cx = Context { user: "", dir: &dir };
    let datadir = DataDir::open(&dir).map_err(|e| from_store(e, &cx))?;
    let ring = match KeyRing::load(&dir) {
        Ok(ring) => Some(ring),
        Err(VaultError::NoKeyRing) if datadir.is_empty() => None,
        Err(VaultError::NoKeyRing) => return Err(from_vault(VaultError::KeyRingDamaged, &cx)),
        Err(e) => return Err(from_vault(e, &cx)),
    };

    let mut terminal = ratatui::init();
    let _ = execute!(std::io::stdout(), EnableMouseCapture, EnableBracketedPaste);
    let (tx, rx) = mpsc::channel();
    let input = tx.clone();
    std::thread::spawn(move || {
        while let Ok(event) = event::read() {
            if input.send(Msg::Term(event)).is_err() {
                break;
            }
        }
    });
    let size = terminal
        .size()
        .map(|s| Rect::new(0, 0, s.width, s.height))
        .unwrap_or_default();
    let mut app = App::new(dir.clone(), datadir, ring, tx, size);
    while !app.quit {
        if terminal.draw(|frame| view::view(&app, frame)).is_err() {
            break;
        }
        match rx.recv_timeout(TICK) {
            Ok(msg) => app.update(msg),
            Err(mpsc::RecvTimeoutError::Timeout) => app.update(Msg::Tick),
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
        }
        while let Ok(msg) = rx.try_recv() {
            app.update(msg);
        }
    }
    drop(app);
    restore_terminal();
    Ok(())
}
