//! Settings (counselor): language, lock time, opening hours, staff accounts, one's own password,
//! backup now. Changes to the key ring and backups run on the worker.

use ratatui::Frame;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::style::{Style, Stylize};
use ratatui::widgets::{Block, List, ListItem, ListState, Paragraph, Row, Table, TableState, Wrap};
use rust_i18n::t;

use crate::cli::{Context, from_backup, from_store, from_vault};
use crate::store::{DutyBookAccess, Session};
use crate::ui::app::{App, Popup, Screen};
use crate::ui::keys::{self, Action};
use crate::ui::screens::setup::{LANGUAGES, hours_form, read_hours, strength_hint};
use crate::ui::widgets::form::{Field, Form, FormEvent, Kind};
use crate::vault::{Password, Role, valid_name};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Item {
    Language,
    LockTime,
    Hours,
    Staff,
    Password,
    Backup,
    Rota,
    ClosedDays,
    Leave,
}

pub const ITEMS: [Item; 9] = [
    Item::Language,
    Item::LockTime,
    Item::Hours,
    Item::ClosedDays,
    Item::Rota,
    Item::Leave,
    Item::Staff,
    Item::Password,
    Item::Backup,
];

impl Item {
    fn label(self) -> &'static str {
        match self {
            Item::Language => "settings.language",
            Item::LockTime => "settings.lock_time",
            Item::Hours => "settings.hours",
            Item::Staff => "settings.staff",
            Item::Password => "settings.password",
            Item::Backup => "settings.backup",
            Item::Rota => "settings.rota",
            Item::ClosedDays => "settings.closed_days",
            Item::Leave => "settings.leave",
        }
    }
}

#[derive(Default)]
pub struct SettingsState {
    pub item: usize,
    /// The form of the open item. It stays (with what was typed) when Esc takes the focus back
    /// to the list, until it is saved or another item is opened.
    pub form: Option<Form>,
    /// True while the form has the keyboard.
    pub form_focus: bool,
    /// In Leave: the list of requests has the focus (`y` approve, `n` refuse).
    pub leave_open: bool,
    pub leave_selected: usize,
    /// Approving a leave request: its id and the substitute's form.
    pub leave_form: Option<(i64, Form)>,
    /// In Staff: the list has the focus (and `a`, `r`, `d` work).
    pub staff_open: bool,
    pub staff_selected: usize,
    /// What the staff form is for: adding, or resetting the selected account.
    pub staff_form: Option<(Action, Form)>,
    pub pending: Option<Action>,
    pub message: Option<(String, bool)>,
}

impl SettingsState {
    pub fn item(&self) -> Item {
        ITEMS[self.item.min(ITEMS.len() - 1)]
    }

    pub fn form_active(&self) -> bool {
        (self.form.is_some() && self.form_focus) || self.staff_form.is_some() || self.leave_form.is_some()
    }

    pub fn is_dirty(&self) -> bool {
        self.form.as_ref().is_some_and(Form::is_dirty) || self.staff_form.as_ref().is_some_and(|(_, f)| f.is_dirty())
    }

    pub fn paste(&mut self, text: &str) {
        if let Some(form) = self.form.as_mut().or(self.staff_form.as_mut().map(|(_, f)| f)) {
            form.handle_paste(text);
        }
    }

    /// Moves to another item. A form with unsaved input stays until that is decided: moving
    /// away from it keeps it, moving to another item shows that item's form instead.
    fn select(&mut self, item: usize) {
        if item != self.item {
            if !self.form.as_ref().is_some_and(Form::is_dirty) {
                self.form = None;
            } else {
                self.message = Some((t!("settings.unsaved_kept").into_owned(), false));
                return;
            }
            self.item = item;
            self.staff_open = false;
            self.staff_form = None;
            self.leave_open = false;
            self.leave_form = None;
        }
    }

    pub fn confirmed(&mut self, action: Action) {
        self.pending = Some(action);
    }

    /// The worker finished: its message goes under the form (or the staff list); a success
    /// closes the form.
    pub fn work_finished(&mut self, result: Result<String, String>) {
        let ok = result.is_ok();
        let text = result.unwrap_or_else(|e| e);
        if ok {
            self.form = None;
            self.form_focus = false;
            self.staff_form = None;
            self.message = Some((text, true));
        } else if let Some(form) = self.form.as_mut().or(self.staff_form.as_mut().map(|(_, f)| f)) {
            form.message = Some((text, false));
        } else {
            self.message = Some((text, false));
        }
    }
}

fn settings(app: &mut App) -> Option<&mut SettingsState> {
    match &mut app.screen {
        Screen::Home(h) => Some(&mut h.settings),
        _ => None,
    }
}

fn open_item(app: &mut App) {
    let Some(session) = &app.session else { return };
    let room = session.access().room_settings().unwrap_or_default();
    let lang = app
        .ring
        .as_ref()
        .map(|r| r.lang.clone())
        .unwrap_or_else(|| "zh-CN".into());
    let account = session.access().account().to_owned();
    let rota = {
        use crate::store::FrontDesk;
        session.access().rota().unwrap_or_default()
    };
    let Some(s) = settings(app) else { return };
    s.message = None;
    if s.form.is_some() {
        // Back into the form left with Esc: what was typed is still there.
        s.form_focus = true;
        return;
    }
    s.form_focus = true;
    s.form = match s.item() {
        Item::Language => Some(Form::new(vec![
            Field::new("lang", "setup.language", Kind::Select(LANGUAGES.to_vec())).with_value(&lang),
        ])),
        Item::LockTime => Some(Form::new(vec![
            Field::new("minutes", "settings.lock_minutes", Kind::Number { min: 1, max: 120 })
                .required()
                .with_value(&room.lock_minutes.to_string()),
        ])),
        Item::Hours => Some(hours_form(&room.hours)),
        Item::Password => Some(Form::new(vec![
            Field::new("old", "settings.old_password", Kind::Password).required(),
            Field::new("new", "setup.password", Kind::Password).required(),
            Field::new("repeat", "setup.repeat", Kind::Password).required(),
        ])),
        Item::Backup => {
            let default = app_default_backup_path(&account);
            Some(Form::new(vec![
                Field::new("path", "settings.backup_path", Kind::Text)
                    .required()
                    .with_value(&default),
            ]))
        }
        Item::Staff => {
            s.staff_open = true;
            None
        }
        Item::Rota => Some(rota_form(&rota)),
        Item::ClosedDays => Some(Form::new(vec![
            Field::new("days", "settings.closed_days_field", Kind::Note { rows: 8 })
                .with_value(&crate::domain::rota::format_closed_days(&room.closed)),
        ])),
        Item::Leave => {
            s.leave_open = true;
            None
        }
    };
}

fn rota_form(rota: &[crate::store::RotaEntry]) -> Form {
    use crate::ui::screens::setup::{DAY_IDS, DAY_LABELS};
    let mut fields: Vec<Field> = (0..7)
        .map(|day| {
            let entries: Vec<_> = rota
                .iter()
                .filter(|e| e.weekday as usize == day)
                .map(|e| (e.starts, e.ends, e.teacher.clone()))
                .collect();
            Field::new(DAY_IDS[day], DAY_LABELS[day], Kind::Text)
                .with_value(&crate::domain::rota::format_rota_day(&entries))
        })
        .collect();
    fields[0].hint = Some(t!("settings.rota_hint").into_owned());
    Form::new(fields)
}

fn app_default_backup_path(_account: &str) -> String {
    let home = directories::UserDirs::new()
        .map(|d| d.home_dir().to_path_buf())
        .unwrap_or_default();
    home.join(format!("caseroom-{}.backup", chrono::Local::now().format("%Y-%m-%d")))
        .display()
        .to_string()
}

/// Keys for Settings; `false` when the key is for the shell.
pub fn on_key(app: &mut App, key: KeyEvent) -> bool {
    if app.current_section() != Some(crate::ui::app::Section::Settings) {
        return false;
    }
    let Some(s) = settings(app) else { return false };
    if let Some(form) = s.form.as_mut().filter(|_| s.form_focus) {
        match form.handle_key(key) {
            FormEvent::Submit => submit(app),
            FormEvent::Cancel => {
                if let Some(s) = settings(app) {
                    s.form_focus = false;
                }
            }
            FormEvent::Handled => {
                if let Some(f) = s.form.as_mut().and_then(|f| f.field_mut("new")) {
                    f.hint = Some(strength_hint(&f.value()));
                }
            }
            FormEvent::Invalid => {}
            FormEvent::Ignored => return false,
        }
        return true;
    }
    if let Some((_, form)) = s.staff_form.as_mut() {
        match form.handle_key(key) {
            FormEvent::Submit => submit_staff(app),
            FormEvent::Cancel => s.staff_form = None,
            FormEvent::Handled => {
                if let Some(f) = form.field_mut("password") {
                    f.hint = Some(strength_hint(&f.value()));
                }
            }
            FormEvent::Invalid => {}
            FormEvent::Ignored => return false,
        }
        return true;
    }
    if let Some((id, form)) = s.leave_form.as_mut() {
        let id = *id;
        match form.handle_key(key) {
            FormEvent::Submit => {
                let substitute = form.get("substitute");
                decide_leave(app, id, true, Some(substitute).filter(|s| !s.is_empty()));
            }
            FormEvent::Cancel => s.leave_form = None,
            FormEvent::Ignored => return false,
            _ => {}
        }
        return true;
    }
    if s.leave_open {
        let pending = pending_leave(app);
        let Some(s) = settings(app) else { return false };
        let selected = pending.get(s.leave_selected).map(|l| l.id);
        match keys::lookup(LEAVE_KEYS, &key) {
            Some(Action::Up) => s.leave_selected = s.leave_selected.saturating_sub(1),
            Some(Action::Down) => s.leave_selected = (s.leave_selected + 1).min(pending.len().saturating_sub(1)),
            Some(Action::Back) => s.leave_open = false,
            Some(Action::Confirm) => {
                if let Some(id) = selected {
                    s.leave_form = Some((
                        id,
                        Form::new(vec![Field::new("substitute", "settings.substitute", Kind::Text)]),
                    ));
                }
            }
            Some(Action::Cancel) => {
                if let Some(id) = selected {
                    decide_leave(app, id, false, None);
                }
            }
            _ => return false,
        }
        return true;
    }
    if s.staff_open {
        let count = app.ring.as_ref().map(|r| r.accounts.len()).unwrap_or(0);
        let Some(s) = settings(app) else { return false };
        match keys::lookup(keys::STAFF, &key) {
            Some(Action::Up) => s.staff_selected = s.staff_selected.saturating_sub(1),
            Some(Action::Down) => s.staff_selected = (s.staff_selected + 1).min(count.saturating_sub(1)),
            Some(Action::Back) => s.staff_open = false,
            Some(Action::Add) => {
                s.message = None;
                s.staff_form = Some((
                    Action::Add,
                    Form::new(vec![
                        Field::new("name", "setup.login_name", Kind::Text).required(),
                        Field::new("display", "setup.display_name", Kind::Text),
                        Field::new(
                            "role",
                            "settings.role",
                            Kind::Select(vec![("duty", "role.duty"), ("counselor", "role.counselor")]),
                        ),
                        Field::new("password", "setup.password", Kind::Password).required(),
                        Field::new("repeat", "setup.repeat", Kind::Password).required(),
                    ]),
                ))
            }
            Some(Action::Reset) => {
                s.message = None;
                s.staff_form = Some((
                    Action::Reset,
                    Form::new(vec![
                        Field::new("password", "setup.password", Kind::Password).required(),
                        Field::new("repeat", "setup.repeat", Kind::Password).required(),
                    ]),
                ))
            }
            Some(Action::Remove) => {
                let selected = s.staff_selected;
                let name = app
                    .ring
                    .as_ref()
                    .and_then(|r| r.accounts.get(selected))
                    .map(|e| e.name.clone());
                if let Some(name) = name {
                    app.popup = Some(Popup::Confirm {
                        text: t!("settings.confirm_remove", user = name).into_owned(),
                        on_yes: Action::Remove,
                    });
                }
            }
            _ => return false,
        }
        return true;
    }
    match keys::lookup(keys::LIST, &key) {
        Some(Action::Up) => s.select(s.item.saturating_sub(1)),
        Some(Action::Down) => s.select((s.item + 1).min(ITEMS.len() - 1)),
        Some(Action::Open) => open_item(app),
        _ => return false,
    }
    true
}

fn passwords(form: &mut Form, field: &str) -> Option<Password> {
    let new = form.get(field);
    if new.chars().count() < 8 {
        form.set_error(field, t!("cli.password_short").into_owned());
        return None;
    }
    if new != form.get("repeat") {
        form.set_error("repeat", t!("setup.repeat_differs").into_owned());
        return None;
    }
    Some(Password::new(new))
}

fn submit(app: &mut App) {
    let dir = app.dir.clone();
    let names: Vec<String> = app
        .ring
        .as_ref()
        .map(|r| r.accounts.iter().map(|e| e.name.clone()).collect())
        .unwrap_or_default();
    let Screen::Home(h) = &mut app.screen else { return };
    let item = h.settings.item();
    let Some(form) = h.settings.form.as_mut() else { return };
    match item {
        Item::Language => {
            let lang = form.get("lang");
            let Some(ring) = app.ring.as_mut() else { return };
            ring.lang = lang.clone();
            let saved = ring.save(&dir);
            rust_i18n::set_locale(&lang);
            finish_quick(
                app,
                saved.map_err(|e| from_vault(e, &Context { user: "", dir: &dir }).message),
            );
        }
        Item::LockTime | Item::Hours => {
            let Some(Session::Counselor(session)) = &app.session else {
                return;
            };
            let mut room = session.room_settings().unwrap_or_default();
            if item == Item::LockTime {
                room.lock_minutes = form.get("minutes").parse().unwrap_or(room.lock_minutes);
            } else {
                match read_hours(form) {
                    Some(hours) => room.hours = hours,
                    None => return,
                }
            }
            let result = session
                .save_room_settings(&room)
                .map_err(|e| from_store(e, &Context { user: "", dir: &dir }).message);
            finish_quick(app, result);
            app.refresh_after_login();
        }
        Item::Password => {
            let old = Password::new(form.get("old"));
            let Some(new) = passwords(form, "new") else { return };
            app.work(
                t!("settings.working").into_owned(),
                Box::new(move |session, ring| {
                    let name = session.access().account().to_owned();
                    let result = ring.change_password(&name, &old, &new, chrono::Utc::now());
                    let saved = ring.save(&dir);
                    let cx = Context { user: &name, dir: &dir };
                    result.and(saved).map_err(|e| from_vault(e, &cx).message)?;
                    Ok(t!("cli.password_changed", user = name).into_owned())
                }),
            );
        }
        Item::Backup => {
            let path = std::path::PathBuf::from(form.get("path"));
            app.work(
                t!("settings.backing_up").into_owned(),
                Box::new(move |session, _ring| {
                    let Session::Counselor(s) = session else {
                        return Err(t!("cli.not_allowed").into_owned());
                    };
                    s.backup_to(&path)
                        .map_err(|e| from_backup(e, &Context { user: "", dir: &dir }).message)?;
                    Ok(t!("cli.backup_done", file = path.display().to_string()).into_owned())
                }),
            );
        }
        Item::Rota => {
            use crate::ui::screens::setup::DAY_IDS;
            let mut entries = Vec::new();
            for (day, id) in DAY_IDS.iter().enumerate() {
                match crate::domain::rota::parse_rota_day(&form.get(id)) {
                    Ok(shifts) => {
                        if let Some((_, _, who)) = shifts.iter().find(|(_, _, who)| !names.contains(who)) {
                            form.set_error(id, t!("settings.rota_unknown", user = who).into_owned());
                            return;
                        }
                        entries.extend(
                            shifts
                                .into_iter()
                                .map(|(starts, ends, teacher)| crate::store::RotaEntry {
                                    weekday: day as u8,
                                    starts,
                                    ends,
                                    teacher,
                                }),
                        );
                    }
                    Err(_) => {
                        form.set_error(id, t!("settings.rota_bad").into_owned());
                        return;
                    }
                }
            }
            let Some(Session::Counselor(session)) = &app.session else {
                return;
            };
            let result = session
                .set_rota(&entries)
                .map_err(|e| from_store(e, &Context { user: "", dir: &dir }).message);
            finish_quick(app, result);
        }
        Item::ClosedDays => {
            let today = crate::ui::clock::today();
            match crate::domain::rota::parse_closed_days(&form.get("days"), today) {
                Ok(closed) => {
                    let Some(Session::Counselor(session)) = &app.session else {
                        return;
                    };
                    let mut room = session.room_settings().unwrap_or_default();
                    room.closed = closed;
                    let result = session
                        .save_room_settings(&room)
                        .map_err(|e| from_store(e, &Context { user: "", dir: &dir }).message);
                    finish_quick(app, result);
                }
                Err(line) => form.set_error("days", t!("settings.closed_days_bad", line = line).into_owned()),
            }
        }
        Item::Staff | Item::Leave => {}
    }
}

fn finish_quick(app: &mut App, result: Result<(), String>) {
    if let Some(s) = settings(app) {
        match result {
            Ok(()) => s.work_finished(Ok(t!("settings.saved").into_owned())),
            Err(e) => s.work_finished(Err(e)),
        }
    }
}

fn submit_staff(app: &mut App) {
    let dir = app.dir.clone();
    let selected_name = {
        let Some(s) = settings(app) else { return };
        let selected = s.staff_selected;
        app.ring
            .as_ref()
            .and_then(|r| r.accounts.get(selected))
            .map(|e| e.name.clone())
    };
    let exists = |name: &str| app.ring.as_ref().is_some_and(|r| r.entry(name).is_some());
    let Screen::Home(h) = &mut app.screen else { return };
    let Some((action, form)) = h.settings.staff_form.as_mut() else {
        return;
    };
    let Some(password) = passwords(form, "password") else {
        return;
    };
    match action {
        Action::Add => {
            let name = form.get("name");
            if !valid_name(&name) {
                form.set_error("name", t!("cli.bad_name").into_owned());
                return;
            }
            if exists(&name) {
                form.set_error("name", t!("cli.account_exists", user = name).into_owned());
                return;
            }
            let display = Some(form.get("display"))
                .filter(|d| !d.is_empty())
                .unwrap_or_else(|| name.clone());
            let role = if form.get("role") == "counselor" {
                Role::Counselor
            } else {
                Role::Duty
            };
            app.work(
                t!("settings.working").into_owned(),
                Box::new(move |session, ring| {
                    let Session::Counselor(s) = session else {
                        return Err(t!("cli.not_allowed").into_owned());
                    };
                    let cx = Context { user: &name, dir: &dir };
                    s.add_account(ring, &name, &display, role, &password)
                        .map_err(|e| from_store(e, &cx).message)?;
                    let role = if role == Role::Duty {
                        t!("role.duty")
                    } else {
                        t!("role.counselor")
                    };
                    Ok(t!("cli.staff_added", user = name, role = role).into_owned())
                }),
            );
        }
        Action::Reset => {
            let Some(name) = selected_name else { return };
            app.work(
                t!("settings.working").into_owned(),
                Box::new(move |session, ring| {
                    let Session::Counselor(s) = session else {
                        return Err(t!("cli.not_allowed").into_owned());
                    };
                    let cx = Context { user: &name, dir: &dir };
                    s.reset_password(ring, &name, &password)
                        .map_err(|e| from_store(e, &cx).message)?;
                    Ok(t!("cli.password_changed", user = name).into_owned())
                }),
            );
        }
        _ => {}
    }
}

/// Runs what a confirmation popup agreed to (removing an account).
pub fn run_pending(app: &mut App) {
    let dir = app.dir.clone();
    let Some(s) = settings(app) else { return };
    let Some(Action::Remove) = s.pending.take() else { return };
    let selected = s.staff_selected;
    s.staff_selected = selected.saturating_sub(1);
    let Some(name) = app
        .ring
        .as_ref()
        .and_then(|r| r.accounts.get(selected))
        .map(|e| e.name.clone())
    else {
        return;
    };
    if app.session.as_ref().is_some_and(|s| s.access().account() == name) {
        if let Some(s) = settings(app) {
            s.message = Some((t!("settings.cannot_remove_self").into_owned(), false));
        }
        return;
    }
    app.work(
        t!("settings.rekeying").into_owned(),
        Box::new(move |session, ring| {
            let Session::Counselor(s) = session else {
                return Err(t!("cli.not_allowed").into_owned());
            };
            let cx = Context { user: &name, dir: &dir };
            let role = s.remove_account(ring, &name).map_err(|e| from_store(e, &cx).message)?;
            let stores = role.keys().iter().map(|k| k.as_str()).collect::<Vec<_>>().join(", ");
            Ok(t!("cli.staff_removed", user = name, stores = stores).into_owned())
        }),
    );
}

struct Parts {
    list: Rect,
    panel: Rect,
}

fn layout(body: Rect) -> Parts {
    let [list, panel] = Layout::horizontal([Constraint::Length(22), Constraint::Min(40)]).areas(body);
    Parts { list, panel }
}

fn panel_form_area(panel: Rect) -> Rect {
    Rect {
        x: panel.x + 2,
        y: panel.y + 2,
        width: panel.width.saturating_sub(4),
        height: panel.height.saturating_sub(3),
    }
}

pub fn on_click(app: &mut App, body: Rect, pos: Position) {
    let parts = layout(body);
    let accounts = app.ring.as_ref().map(|r| r.accounts.len()).unwrap_or(0);
    let Some(s) = settings(app) else { return };
    if parts.list.contains(pos) {
        let row = pos.y.saturating_sub(parts.list.y + 1) as usize;
        if row < ITEMS.len() {
            s.select(row);
            if s.item == row {
                open_item(app);
            }
        }
        return;
    }
    let area = panel_form_area(parts.panel);
    if let Some(form) = s.form.as_mut() {
        s.form_focus |= form.click(area, pos);
    } else if let Some((_, form)) = s.staff_form.as_mut() {
        form.click(Rect { y: area.y + 1, ..area }, pos);
    } else if s.staff_open {
        let row = pos.y.saturating_sub(area.y + 1) as usize;
        s.staff_selected = row.min(accounts.saturating_sub(1));
    }
}

/// The keys that work in Settings right now, for the status bar and help.
pub fn bindings(s: &SettingsState) -> &'static [keys::Binding] {
    if s.form_active() || s.leave_form.is_some() {
        keys::FORM
    } else if s.leave_open {
        LEAVE_KEYS
    } else if s.staff_open {
        keys::STAFF
    } else {
        keys::LIST
    }
}

pub fn render(app: &App, frame: &mut Frame<'_>, body: Rect) {
    let Screen::Home(h) = &app.screen else { return };
    let s = &h.settings;
    let parts = layout(body);
    let items: Vec<ListItem> = ITEMS
        .iter()
        .map(|i| ListItem::new(t!(i.label()).into_owned()))
        .collect();
    let list_focus = !s.form_active() && !s.staff_open;
    let mut state = ListState::default().with_selected(Some(s.item));
    frame.render_stateful_widget(
        List::new(items)
            .block(
                Block::bordered()
                    .title(t!("nav.settings").into_owned())
                    .border_style(if list_focus {
                        Style::default().yellow()
                    } else {
                        Style::default()
                    }),
            )
            .highlight_style(Style::default().reversed()),
        parts.list,
        &mut state,
    );
    frame.render_widget(Block::bordered().title(t!(s.item().label()).into_owned()), parts.panel);
    let area = panel_form_area(parts.panel);
    let active = app.popup.is_none() && app.busy.is_none();
    if let Some(form) = &s.form {
        form.render(frame, area, active && s.form_focus);
    } else if s.item() == Item::Staff {
        render_staff(app, s, frame, area, active);
    } else if s.item() == Item::Leave {
        render_leave(app, s, frame, area, active);
    } else {
        frame.render_widget(
            Paragraph::new(t!("settings.press_enter").into_owned()).dark_gray(),
            area,
        );
    }
    if let Some((message, ok)) = &s.message {
        let y = parts.panel.bottom().saturating_sub(3);
        frame.render_widget(
            Paragraph::new(message.as_str())
                .style(if *ok {
                    Style::default().green()
                } else {
                    Style::default().red()
                })
                .wrap(Wrap { trim: true }),
            Rect { y, height: 2, ..area },
        );
    }
}

fn render_staff(app: &App, s: &SettingsState, frame: &mut Frame<'_>, area: Rect, active: bool) {
    if let Some((action, form)) = &s.staff_form {
        let title = if *action == Action::Add {
            t!("settings.add_staff").into_owned()
        } else {
            let name = app
                .ring
                .as_ref()
                .and_then(|r| r.accounts.get(s.staff_selected))
                .map(|e| e.name.clone())
                .unwrap_or_default();
            t!("settings.reset_for", user = name).into_owned()
        };
        crate::ui::widgets::form::titled(frame, area, title, form, active);
        return;
    }
    let Some(ring) = &app.ring else { return };
    let rows: Vec<Row> = ring
        .accounts
        .iter()
        .map(|e| {
            let role = if e.role == Role::Duty {
                t!("role.duty")
            } else {
                t!("role.counselor")
            };
            Row::new(vec![e.name.clone(), e.display_name.clone(), role.into_owned()])
        })
        .collect();
    let mut state = TableState::default().with_selected(s.staff_open.then_some(s.staff_selected));
    frame.render_stateful_widget(
        Table::new(
            rows,
            [Constraint::Length(14), Constraint::Length(16), Constraint::Length(12)],
        )
        .header(
            Row::new(vec![
                t!("settings.col_name"),
                t!("settings.col_display"),
                t!("settings.col_role"),
            ])
            .bold(),
        )
        .row_highlight_style(Style::default().reversed()),
        Rect {
            height: area.height.saturating_sub(3),
            ..area
        },
        &mut state,
    );
    if !s.staff_open {
        frame.render_widget(
            Paragraph::new(t!("settings.press_enter").into_owned()).dark_gray(),
            Rect {
                y: area.bottom().saturating_sub(4),
                height: 1,
                ..area
            },
        );
    }
}

const LEAVE_KEYS: &[keys::Binding] = &[
    keys::Binding {
        trigger: keys::Trigger::Code(ratatui::crossterm::event::KeyCode::Up),
        shown: "↑↓",
        label: "keys.move",
        action: Action::Up,
    },
    keys::Binding {
        trigger: keys::Trigger::Code(ratatui::crossterm::event::KeyCode::Down),
        shown: "↓",
        label: "keys.move",
        action: Action::Down,
    },
    keys::Binding {
        trigger: keys::Trigger::Char('y'),
        shown: "y",
        label: "settings.key_approve",
        action: Action::Confirm,
    },
    keys::Binding {
        trigger: keys::Trigger::Char('n'),
        shown: "n",
        label: "settings.key_refuse",
        action: Action::Cancel,
    },
    keys::Binding {
        trigger: keys::Trigger::Code(ratatui::crossterm::event::KeyCode::Esc),
        shown: "Esc",
        label: "keys.back",
        action: Action::Back,
    },
];

fn pending_leave(app: &App) -> Vec<crate::store::Leave> {
    use crate::store::FrontDesk;
    app.session
        .as_ref()
        .map(|s| s.access().pending_leave().unwrap_or_default())
        .unwrap_or_default()
}

fn decide_leave(app: &mut App, id: i64, approve: bool, substitute: Option<String>) {
    let names: Vec<String> = app
        .ring
        .as_ref()
        .map(|r| r.accounts.iter().map(|e| e.name.clone()).collect())
        .unwrap_or_default();
    let Screen::Home(h) = &mut app.screen else { return };
    let s = &mut h.settings;
    if let Some(sub) = &substitute
        && !names.contains(sub)
    {
        if let Some((_, form)) = s.leave_form.as_mut() {
            form.set_error("substitute", t!("settings.rota_unknown", user = sub).into_owned());
        }
        return;
    }
    let Some(Session::Counselor(session)) = &app.session else {
        return;
    };
    match session.decide_leave(id, approve, substitute.as_deref()) {
        Ok(()) => {
            s.leave_form = None;
            s.leave_selected = s.leave_selected.saturating_sub(1);
            let key = if approve {
                "settings.leave_approved"
            } else {
                "settings.leave_refused"
            };
            s.message = Some((t!(key).into_owned(), true));
        }
        Err(_) => s.message = Some((t!("book.not_found").into_owned(), false)),
    }
}

fn render_leave(app: &App, s: &SettingsState, frame: &mut Frame<'_>, area: Rect, active: bool) {
    if let Some((_, form)) = &s.leave_form {
        crate::ui::widgets::form::titled(frame, area, t!("settings.approve_title").into_owned(), form, active);
        return;
    }
    let pending = pending_leave(app);
    if pending.is_empty() {
        frame.render_widget(
            Paragraph::new(t!("settings.no_leave").into_owned()).dark_gray(),
            Rect { height: 1, ..area },
        );
        return;
    }
    let rows: Vec<Row> = pending
        .iter()
        .map(|l| Row::new(vec![l.date.to_string(), l.teacher.clone(), l.reason.clone()]))
        .collect();
    let mut state = TableState::default().with_selected(s.leave_open.then_some(s.leave_selected));
    frame.render_stateful_widget(
        Table::new(
            rows,
            [Constraint::Length(12), Constraint::Length(12), Constraint::Min(10)],
        )
        .header(Row::new(vec![t!("book.date"), t!("settings.col_name"), t!("settings.reason")]).bold())
        .row_highlight_style(Style::default().reversed()),
        Rect {
            height: area.height.saturating_sub(3),
            ..area
        },
        &mut state,
    );
}
