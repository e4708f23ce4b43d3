//! The appointment book (面谈预约登记, R12, R22, R24): open requests and upcoming appointments.
//! Everyone registers requests and marks arrivals; a counselor confirms a request into a slot,
//! refused when it overlaps the same counselor's booking, warned outside the opening hours.

use chrono::Duration;
use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::style::{Style, Stylize};
use ratatui::text::Line;
use ratatui::widgets::{Block, Paragraph, Row, Table, TableState, Wrap};
use rust_i18n::t;

use crate::domain::appointment::{CATEGORIES, CHANNELS, LONGEST_ADVISED_MINUTES, Slot, Status, URGENCY, WAYS};
use crate::domain::date::{parse_date, parse_time};
use crate::store::{Appointment, BookError, FrontDesk, Request, Session};
use crate::ui::app::{App, Screen};
use crate::ui::clock;
use crate::ui::keys::{self, Action, Binding, Trigger, b};
use crate::ui::widgets::form::{Field, Form, FormEvent, Kind};
use crate::vault::Role;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    New,
    Confirm(i64),
}

#[derive(Default)]
pub struct BookState {
    pub selected: usize,
    pub form: Option<(Purpose, Form)>,
    /// The counselor was told the slot is outside the opening hours; F2 again books it anyway.
    pub outside_warned: bool,
    pub message: Option<(String, bool)>,
}

impl BookState {
    pub fn form_active(&self) -> bool {
        self.form.is_some()
    }
    pub fn is_dirty(&self) -> bool {
        self.form
            .as_ref()
            .is_some_and(|(p, f)| *p == Purpose::New && f.is_dirty())
    }
    pub fn paste(&mut self, text: &str) {
        if let Some((_, f)) = self.form.as_mut() {
            f.handle_paste(text);
        }
    }
}

/// Keys of the book for a duty teacher.
pub const DUTY_KEYS: &[Binding] = &[
    b(Trigger::Char('n'), "n", "book.key_new", Action::New),
    b(Trigger::Char('a'), "a", "book.key_attended", Action::Attended),
    b(Trigger::Char('m'), "m", "book.key_no_show", Action::NoShow),
    b(Trigger::Char('x'), "x", "book.key_cancel", Action::Cancel),
    b(Trigger::Code(KeyCode::Up), "↑↓", "keys.move", Action::Up),
    b(Trigger::Code(KeyCode::Down), "↓", "keys.move", Action::Down),
];

/// A counselor's book adds confirming and rebooking.
pub const COUNSELOR_KEYS: &[Binding] = &[
    b(Trigger::Char('n'), "n", "book.key_new", Action::New),
    b(Trigger::Char('c'), "c", "book.key_confirm", Action::Confirm),
    b(Trigger::Char('a'), "a", "book.key_attended", Action::Attended),
    b(Trigger::Char('m'), "m", "book.key_no_show", Action::NoShow),
    b(Trigger::Char('x'), "x", "book.key_cancel", Action::Cancel),
    b(Trigger::Char('r'), "r", "book.key_rebook", Action::Rebook),
    b(Trigger::Code(KeyCode::Up), "↑↓", "keys.move", Action::Up),
    b(Trigger::Code(KeyCode::Down), "↓", "keys.move", Action::Down),
];

pub fn bindings(app: &App, state: &BookState) -> &'static [Binding] {
    if state.form.is_some() {
        keys::FORM
    } else if app.role() == Some(Role::Counselor) {
        COUNSELOR_KEYS
    } else {
        DUTY_KEYS
    }
}

/// Open requests first, then what is booked from today on, for two weeks.
pub fn entries(session: &Session) -> Vec<Appointment> {
    let desk = session.access();
    let today = clock::today();
    let mut all = desk.open_requests().unwrap_or_default();
    all.extend(
        desk.appointments_between(today, today + Duration::days(14))
            .unwrap_or_default(),
    );
    all
}

fn state(app: &mut App) -> Option<&mut BookState> {
    match &mut app.screen {
        Screen::Home(h) => Some(&mut h.book),
        _ => None,
    }
}

/// A new request whose preferred time is `day` (from the calendar).
pub fn new_request_form_for(day: chrono::NaiveDate) -> Form {
    let mut form = new_request_form();
    if let Some(f) = form.field_mut("preferred") {
        f.set_value(&day.to_string());
    }
    form
}

fn new_request_form() -> Form {
    Form::new(vec![
        Field::new("name", "book.name", Kind::Text).required(),
        Field::new(
            "gender",
            "book.gender",
            Kind::Select(vec![("", "book.unknown"), ("M", "book.male"), ("F", "book.female")]),
        ),
        Field::new("class", "book.class", Kind::Text),
        Field::new("contact", "book.contact", Kind::Text),
        Field::new("category", "book.category", Kind::Select(CATEGORIES.to_vec())),
        Field::new("preferred", "book.preferred", Kind::Text),
        Field::new("way", "book.way", Kind::Select(WAYS.to_vec())),
        Field::new("channel", "book.channel", Kind::Select(CHANNELS.to_vec())),
        Field::new("urgency", "book.urgency", Kind::Select(URGENCY.to_vec())),
    ])
}

/// When the name typed matches one student on the roster, fills in gender and class (R12: the
/// student "from the roster or typed").
fn prefill_from_roster(app: &mut App) {
    let (Screen::Home(h), Some(session)) = (&mut app.screen, &app.session) else {
        return;
    };
    let Some((_, form)) = h.book.form.as_mut() else { return };
    let name = form.get("name");
    if name.is_empty() || !form.get("class").is_empty() {
        return;
    }
    if let Ok([student]) = session.access().students_named(&name).as_deref() {
        if let Some(f) = form.field_mut("class") {
            f.set_value(&format!("{}{}", student.grade, student.class));
        }
        if let Some(f) = form.field_mut("gender") {
            f.set_value(&student.gender);
        }
        if let Some(f) = form.field_mut("name") {
            f.hint = Some(t!("book.from_roster", no = student.student_no).into_owned());
        }
    }
}

fn confirm_form(account: &str) -> Form {
    let mut minutes = Field::new("minutes", "book.minutes", Kind::Number { min: 10, max: 120 }).with_value("40");
    minutes.hint = Some(t!("book.minutes_hint").into_owned());
    Form::new(vec![
        Field::new("date", "book.date", Kind::Date)
            .required()
            .with_value(&clock::today().to_string()),
        Field::new("time", "book.time", Kind::Time).required(),
        minutes,
        Field::new("counselor", "book.counselor", Kind::Text)
            .required()
            .with_value(account),
    ])
}

pub fn on_key(app: &mut App, key: KeyEvent) -> bool {
    let role = app.role();
    let Some(session) = &app.session else { return false };
    let list = entries(session);
    let account = session.access().account().to_owned();
    let Some(s) = state(app) else { return false };
    if let Some((purpose, form)) = s.form.as_mut() {
        let left_name = *purpose == Purpose::New && form.focus == 0;
        let event = form.handle_key(key);
        if left_name && form.focus != 0 {
            prefill_from_roster(app);
            return true;
        }
        let Some(s) = state(app) else { return false };
        let Some((_, form)) = s.form.as_mut() else { return true };
        match event {
            FormEvent::Submit => submit(app),
            FormEvent::Cancel => {
                s.form = None;
                s.outside_warned = false;
            }
            FormEvent::Handled => {
                if let Some(f) = form.field_mut("minutes") {
                    let long = f.value().parse::<i64>().is_ok_and(|m| m > LONGEST_ADVISED_MINUTES);
                    f.hint = Some(
                        if long {
                            t!("book.too_long")
                        } else {
                            t!("book.minutes_hint")
                        }
                        .into_owned(),
                    );
                }
            }
            FormEvent::Invalid => {}
            FormEvent::Ignored => return false,
        }
        return true;
    }
    let table = if role == Some(Role::Counselor) {
        COUNSELOR_KEYS
    } else {
        DUTY_KEYS
    };
    let selected = list.get(s.selected).cloned();
    match keys::lookup(table, &key) {
        Some(Action::Up) => s.selected = s.selected.saturating_sub(1),
        Some(Action::Down) => s.selected = (s.selected + 1).min(list.len().saturating_sub(1)),
        Some(Action::New) => {
            s.message = None;
            s.form = Some((Purpose::New, new_request_form()));
        }
        Some(Action::Confirm) => match selected {
            Some(a) if a.status == Status::Requested => {
                s.message = None;
                s.outside_warned = false;
                let mut form = confirm_form(&account);
                if let Some(f) = form.field_mut("time") {
                    f.hint = Some(t!("book.preferred_was", text = a.request.preferred).into_owned());
                }
                s.form = Some((Purpose::Confirm(a.id), form));
            }
            _ => s.message = Some((t!("book.pick_request").into_owned(), false)),
        },
        Some(action @ (Action::Attended | Action::NoShow | Action::Cancel | Action::Rebook)) => {
            let next = match action {
                Action::Attended => Status::Attended,
                Action::NoShow => Status::NoShow,
                Action::Cancel => Status::Cancelled,
                _ => Status::Requested,
            };
            if let (Some(a), Some(session)) = (selected, &app.session) {
                let result = session.access().set_status(a.id, next);
                let message = match result {
                    Ok(()) => (
                        t!(
                            "book.status_set",
                            name = a.request.student_name,
                            status = status_label(next)
                        )
                        .into_owned(),
                        true,
                    ),
                    Err(e) => (book_error(&e), false),
                };
                if let Some(s) = state(app) {
                    s.message = Some(message);
                }
            }
        }
        _ => return false,
    }
    true
}

fn book_error(e: &BookError) -> String {
    match e {
        BookError::Overlap(id) => t!("book.overlap", id = id).into_owned(),
        BookError::OutsideHours => t!("book.outside_hours").into_owned(),
        BookError::BadTransition => t!("book.bad_transition").into_owned(),
        BookError::NotFound => t!("book.not_found").into_owned(),
        BookError::LeftBeforeArrived => t!("duty.left_before").into_owned(),
        BookError::Store(_) => t!("book.store_error").into_owned(),
    }
}

pub fn status_label(s: Status) -> String {
    t!(match s {
        Status::Requested => "status.requested",
        Status::Confirmed => "status.confirmed",
        Status::Attended => "status.attended",
        Status::NoShow => "status.no_show",
        Status::Cancelled => "status.cancelled",
    })
    .into_owned()
}

fn submit(app: &mut App) {
    let counselors: Vec<String> = app
        .ring
        .as_ref()
        .map(|r| {
            r.accounts
                .iter()
                .filter(|e| e.role == Role::Counselor)
                .map(|e| e.name.clone())
                .collect()
        })
        .unwrap_or_default();
    let Screen::Home(h) = &mut app.screen else { return };
    let s = &mut h.book;
    let Some((purpose, form)) = s.form.as_mut() else { return };
    let Some(session) = &app.session else { return };
    match *purpose {
        Purpose::New => {
            let request = Request {
                student_name: form.get("name"),
                gender: form.get("gender"),
                class: form.get("class"),
                contact: form.get("contact"),
                category: form.get("category"),
                preferred: form.get("preferred"),
                channel: form.get("channel"),
                urgency: form.get("urgency"),
                way: form.get("way"),
            };
            match session.access().register_request(&request) {
                Ok(_) => {
                    s.form = None;
                    s.message = Some((t!("book.registered", name = request.student_name).into_owned(), true));
                }
                Err(_) => form.message = Some((t!("book.store_error").into_owned(), false)),
            }
        }
        Purpose::Confirm(id) => {
            let Session::Counselor(c) = session else { return };
            let counselor = form.get("counselor");
            if !counselors.contains(&counselor) {
                form.set_error("counselor", t!("book.no_such_counselor").into_owned());
                return;
            }
            let today = clock::today();
            let (Some(date), Some(time)) = (parse_date(&form.get("date"), today), parse_time(&form.get("time"))) else {
                return;
            };
            let minutes = form.get("minutes").parse().unwrap_or(40);
            let slot = Slot::new(date, time, minutes);
            match c.confirm_appointment(id, &counselor, slot, s.outside_warned) {
                Ok(()) => {
                    s.form = None;
                    s.outside_warned = false;
                    let when = slot.start.format("%Y-%m-%d %H:%M").to_string();
                    s.message = Some((
                        t!("book.confirmed", when = when, counselor = counselor).into_owned(),
                        true,
                    ));
                }
                Err(BookError::OutsideHours) => {
                    s.outside_warned = true;
                    form.message = Some((t!("book.outside_hours_confirm").into_owned(), false));
                }
                Err(e) => {
                    s.outside_warned = false;
                    form.message = Some((book_error(&e), false));
                }
            }
        }
    }
}

/// The list above, the details or the form below; a form takes the room it needs.
fn layout(body: Rect, form_rows: Option<u16>) -> (Rect, Rect) {
    let panel = match form_rows {
        Some(rows) => (rows + 4).min(body.height.saturating_sub(5)),
        None => 6,
    };
    let [list, panel] = Layout::vertical([Constraint::Min(5), Constraint::Length(panel)]).areas(body);
    (list, panel)
}

fn form_rows(state: &BookState) -> Option<u16> {
    state
        .form
        .as_ref()
        .map(|(_, f)| f.fields.len() as u16 + f.fields.iter().filter(|f| f.error.is_some()).count() as u16)
}

pub fn on_click(app: &mut App, body: Rect, pos: Position) {
    let Some(s) = state(app) else { return };
    let (list, panel) = layout(body, form_rows(s));
    if let Some((_, form)) = s.form.as_mut() {
        form.click(
            Rect {
                x: panel.x + 1,
                y: panel.y + 1,
                width: panel.width.saturating_sub(2),
                height: panel.height.saturating_sub(2),
            },
            pos,
        );
    } else if list.contains(pos) && pos.y >= list.y + 2 {
        s.selected = (pos.y - list.y - 2) as usize;
    }
}

fn option_label(options: &[(&str, &'static str)], value: &str) -> String {
    options
        .iter()
        .find(|(v, _)| *v == value)
        .map(|(_, l)| t!(*l).into_owned())
        .unwrap_or_default()
}

pub fn render(app: &App, frame: &mut Frame<'_>, body: Rect) {
    let (Screen::Home(h), Some(session)) = (&app.screen, &app.session) else {
        return;
    };
    let s = &h.book;
    let list = entries(session);
    let (list_area, panel) = layout(body, form_rows(s));
    let rows: Vec<Row> = list
        .iter()
        .map(|a| {
            let when = a
                .slot
                .map(|sl| sl.start.format("%m-%d %H:%M").to_string())
                .unwrap_or_else(|| a.request.preferred.clone());
            let urgent = if a.request.urgency == "urgent" { "‼ " } else { "" };
            Row::new(vec![
                format!("{urgent}{}", status_label(a.status)),
                when,
                a.request.student_name.clone(),
                a.request.class.clone(),
                option_label(&CATEGORIES, &a.request.category),
                a.counselor.clone().unwrap_or_default(),
            ])
        })
        .collect();
    let header = Row::new(vec![
        t!("book.col_status"),
        t!("book.col_when"),
        t!("book.name"),
        t!("book.class"),
        t!("book.category"),
        t!("book.counselor"),
    ])
    .bold();
    let empty = rows.is_empty();
    let mut table_state = TableState::default()
        .with_selected((!empty && s.form.is_none()).then_some(s.selected.min(list.len().saturating_sub(1))));
    frame.render_stateful_widget(
        Table::new(
            rows,
            [
                Constraint::Length(10),
                Constraint::Length(12),
                Constraint::Length(12),
                Constraint::Length(12),
                Constraint::Length(10),
                Constraint::Min(6),
            ],
        )
        .header(header)
        .row_highlight_style(Style::default().reversed())
        .block(Block::bordered().title(t!("book.title").into_owned())),
        list_area,
        &mut table_state,
    );
    if empty {
        frame.render_widget(
            Paragraph::new(t!("book.empty").into_owned()).dark_gray(),
            Rect {
                x: list_area.x + 2,
                y: list_area.y + 2,
                width: list_area.width.saturating_sub(4),
                height: 1,
            },
        );
    }
    let title = match s.form.as_ref().map(|(p, _)| *p) {
        Some(Purpose::New) => t!("book.new_title").into_owned(),
        Some(Purpose::Confirm(id)) => {
            let name = list
                .iter()
                .find(|a| a.id == id)
                .map(|a| a.request.student_name.clone())
                .unwrap_or_default();
            t!("book.confirm_title", name = name).into_owned()
        }
        None => t!("book.details").into_owned(),
    };
    frame.render_widget(Block::bordered().title(title), panel);
    let inner = Rect {
        x: panel.x + 1,
        y: panel.y + 1,
        width: panel.width.saturating_sub(2),
        height: panel.height.saturating_sub(2),
    };
    if let Some((_, form)) = &s.form {
        form.render(frame, inner, app.popup.is_none());
        return;
    }
    let mut lines = Vec::new();
    if let Some(a) = list.get(s.selected) {
        let r = &a.request;
        lines.push(Line::from(format!(
            "{} · {} · {} · {} · {}",
            r.student_name,
            r.class,
            option_label(&WAYS, &r.way),
            option_label(&CHANNELS, &r.channel),
            option_label(&URGENCY, &r.urgency)
        )));
        lines.push(
            Line::from(t!("book.registered_by", who = a.registered_by, contact = r.contact).into_owned()).dark_gray(),
        );
    }
    if let Some((message, ok)) = &s.message {
        lines.push(Line::from(message.clone()).style(if *ok {
            Style::default().green()
        } else {
            Style::default().red()
        }));
    }
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }), inner);
}
