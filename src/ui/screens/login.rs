//! Login and lock: choose the account from a list (names only), type the password (masked).
//! A wrong password shows the message and a countdown for the growing delay. The lock screen is
//! the same screen with the account that was in preselected; it shows no client data.

use std::time::{Duration, Instant};

use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::style::{Style, Stylize};
use ratatui::text::Line;
use ratatui::widgets::{Block, List, ListItem, ListState, Paragraph, Wrap};
use rust_i18n::t;

use crate::cli::{Context, from_store, from_vault};
use crate::store::Session;
use crate::ui::app::{App, LoginFailure, Msg, Screen};
use crate::ui::keys::{self, Action};
use crate::ui::widgets::form::{Field, Form, FormEvent, Kind};
use crate::vault::{KeyRing, Password, Role, VaultError};

pub struct LoginState {
    pub accounts: Vec<(String, String, Role)>,
    pub selected: usize,
    pub form: Form,
    pub error: Option<String>,
    pub wait_until: Option<Instant>,
    /// The account that was in when the screen locked.
    pub locked_from: Option<String>,
}

impl LoginState {
    pub fn new(ring: &KeyRing, preselect: Option<String>) -> LoginState {
        let accounts: Vec<_> = ring
            .accounts
            .iter()
            .map(|e| (e.name.clone(), e.display_name.clone(), e.role))
            .collect();
        let selected = preselect
            .as_ref()
            .and_then(|p| accounts.iter().position(|a| &a.0 == p))
            .unwrap_or(0);
        let mut state = LoginState {
            accounts,
            selected,
            form: Form::new(vec![
                Field::new("password", "login.password", Kind::Password).required(),
            ]),
            error: None,
            wait_until: None,
            locked_from: preselect,
        };
        state.sync_wait(ring);
        state
    }

    fn account(&self) -> Option<&str> {
        self.accounts.get(self.selected).map(|a| a.0.as_str())
    }

    /// Picks up the failed-login delay stored in the key ring for the chosen account.
    fn sync_wait(&mut self, ring: &KeyRing) {
        let wait = self
            .account()
            .map(|a| ring.wait_before_login(a, chrono::Utc::now()))
            .unwrap_or_default();
        self.wait_until = (!wait.is_zero()).then(|| Instant::now() + wait);
    }

    pub fn seconds_left(&self) -> Option<u64> {
        let left = self.wait_until?.saturating_duration_since(Instant::now());
        (left > Duration::ZERO).then(|| left.as_secs_f64().ceil() as u64)
    }
}

pub fn on_key(app: &mut App, key: KeyEvent) {
    let Screen::Login(state) = &mut app.screen else { return };
    match keys::lookup(keys::LOGIN, &key) {
        Some(Action::Up) => {
            state.selected = state.selected.saturating_sub(1);
            if let Some(ring) = &app.ring {
                state.sync_wait(ring);
            }
            return;
        }
        Some(Action::Down) => {
            state.selected = (state.selected + 1).min(state.accounts.len().saturating_sub(1));
            if let Some(ring) = &app.ring {
                state.sync_wait(ring);
            }
            return;
        }
        Some(Action::Open) => {
            start(app);
            return;
        }
        _ => {}
    }
    if key.code == KeyCode::Esc {
        app.ask_quit();
        return;
    }
    if let FormEvent::Handled = state.form.handle_key(key) {
        state.error = None;
    }
}

pub fn on_click(app: &mut App, area: Rect, pos: Position) {
    let Screen::Login(state) = &mut app.screen else { return };
    let parts = layout(area);
    if parts.accounts.contains(pos) {
        let row = pos.y.saturating_sub(parts.accounts.y + 1) as usize;
        if row < state.accounts.len() {
            state.selected = row;
            if let Some(ring) = &app.ring {
                state.sync_wait(ring);
            }
        }
    } else {
        state.form.click(parts.password, pos);
    }
}

fn start(app: &mut App) {
    let Screen::Login(state) = &mut app.screen else { return };
    if let Some(secs) = state.seconds_left() {
        state.error = Some(t!("login.wait", secs = secs).into_owned());
        return;
    }
    if !state.form.validate() {
        return;
    }
    let (Some(account), Some(ring), Some(dir)) =
        (state.account().map(str::to_owned), app.ring.clone(), app.datadir.take())
    else {
        return;
    };
    let password = Password::new(state.form.get("password"));
    app.busy = Some(t!("login.checking").into_owned());
    let tx = app.tx.clone();
    let dir_path = app.dir.clone();
    std::thread::spawn(move || {
        let mut ring = ring;
        let result = ring.unlock(&account, &password, chrono::Utc::now());
        let cx = Context {
            user: &account,
            dir: &dir_path,
        };
        let saved = ring.save(&dir_path);
        let outcome = match (result, saved) {
            (Ok(keys), Ok(())) => match Session::open(dir, keys, &mut ring) {
                Ok(session) => Ok((session, ring)),
                Err(e) => Err(LoginFailure {
                    ring: Some(ring),
                    message: from_store(e, &cx).message,
                    wrong_password: false,
                }),
            },
            (Err(VaultError::WrongPassword), _) => Err(LoginFailure {
                ring: Some(ring),
                message: t!("login.wrong").into_owned(),
                wrong_password: true,
            }),
            (Err(e), _) | (Ok(_), Err(e)) => Err(LoginFailure {
                ring: Some(ring),
                message: from_vault(e, &cx).message,
                wrong_password: false,
            }),
        };
        let _ = tx.send(Msg::LoggedIn(Box::new(outcome)));
    });
}

pub fn finished(app: &mut App, result: Result<(Session, KeyRing), LoginFailure>) {
    match result {
        Ok((session, ring)) => {
            app.session = Some(session);
            app.ring = Some(ring);
            app.refresh_after_login();
            app.screen = Screen::Home(app.home_after_login());
        }
        Err(failure) => {
            app.reopen_dir();
            if let Some(ring) = failure.ring {
                app.ring = Some(ring);
            }
            if let Screen::Login(state) = &mut app.screen {
                state.error = Some(failure.message);
                if failure.wrong_password {
                    state.form = Form::new(vec![
                        Field::new("password", "login.password", Kind::Password).required(),
                    ]);
                }
                if let Some(ring) = &app.ring {
                    state.sync_wait(ring);
                }
            }
        }
    }
}

struct Parts {
    title: Rect,
    accounts: Rect,
    password: Rect,
    message: Rect,
}

fn layout(area: Rect) -> Parts {
    let width = area.width.min(72);
    let x = area.x + (area.width - width) / 2;
    let inner = Rect {
        x,
        width,
        y: area.y + 1,
        height: area.height.saturating_sub(2),
    };
    let [title, accounts, password, message] = Layout::vertical([
        Constraint::Length(3),
        Constraint::Max(10),
        Constraint::Length(2),
        Constraint::Min(3),
    ])
    .areas(inner);
    Parts {
        title,
        accounts,
        password,
        message,
    }
}

pub fn render(app: &App, frame: &mut Frame<'_>, area: Rect) {
    let Screen::Login(state) = &app.screen else { return };
    let parts = layout(area);
    let title = if state.locked_from.is_some() {
        t!("login.locked_title")
    } else {
        t!("login.title")
    };
    frame.render_widget(
        Paragraph::new(vec![
            Line::from(title.into_owned()).bold(),
            Line::from(t!("login.subtitle").into_owned()).dark_gray(),
        ]),
        parts.title,
    );
    let items: Vec<ListItem> = state
        .accounts
        .iter()
        .map(|(name, display, role)| {
            let role = if *role == Role::Duty {
                t!("role.duty")
            } else {
                t!("role.counselor")
            };
            ListItem::new(format!("{display} ({name}) · {role}"))
        })
        .collect();
    let mut list_state = ListState::default().with_selected(Some(state.selected));
    frame.render_stateful_widget(
        List::new(items)
            .block(Block::bordered().title(t!("login.account").into_owned()))
            .highlight_style(Style::default().reversed())
            .highlight_symbol("› "),
        parts.accounts,
        &mut list_state,
    );
    state
        .form
        .render(frame, parts.password, app.busy.is_none() && app.popup.is_none());
    let mut lines = Vec::new();
    if let Some(error) = &state.error {
        lines.push(Line::from(format!("⚠ {error}")).red());
    }
    if let Some(secs) = state.seconds_left() {
        lines.push(Line::from(t!("login.wait", secs = secs).into_owned()).yellow());
    }
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }), parts.message);
}
