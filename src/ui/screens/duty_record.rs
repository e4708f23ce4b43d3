//! The day's duty record (当日值班记录, R12): one per shift, arrival time filled from the clock,
//! visitors by name and class only, handover for the next shift. Saved with F2; saving again
//! updates the same shift's record.

use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::{Position, Rect};
use ratatui::style::{Style, Stylize};
use ratatui::widgets::{Block, Paragraph};
use rust_i18n::t;

use crate::domain::date::{parse_date, parse_time};
use crate::domain::hours::format_day;
use crate::store::{DutyRecord, FrontDesk, Session};
use crate::ui::app::{App, Screen};
use crate::ui::clock;
use crate::ui::widgets::form::{Field, Form, FormEvent, Kind};

#[derive(Default)]
pub struct DutyRecordState {
    pub form: Option<Form>,
    pub form_focus: bool,
    pub message: Option<(String, bool)>,
}

impl DutyRecordState {
    pub fn form_active(&self) -> bool {
        self.form.is_some() && self.form_focus
    }
    pub fn is_dirty(&self) -> bool {
        self.form.as_ref().is_some_and(Form::is_dirty)
    }
    pub fn paste(&mut self, text: &str) {
        if let Some(f) = self.form.as_mut().filter(|_| self.form_focus) {
            f.handle_paste(text);
        }
    }
}

/// The shift now: the day's opening span that holds the time, else the next one, else the last.
fn current_shift(session: &Session) -> String {
    use chrono::Datelike;
    let hours = session.access().room_settings().map(|r| r.hours).unwrap_or_default();
    let spans = &hours.days[clock::today().weekday().num_days_from_monday() as usize];
    let now = clock::now_time();
    spans
        .iter()
        .find(|(_, end)| now <= *end)
        .or(spans.last())
        .map(|s| format_day(std::slice::from_ref(s)))
        .unwrap_or_else(|| t!("duty.whole_day").into_owned())
}

fn form_for(record: Option<DutyRecord>, shift: &str) -> Form {
    let today = clock::today();
    let r = record.unwrap_or_else(|| DutyRecord {
        date: today,
        shift: shift.to_owned(),
        arrived: Some(clock::now_time()),
        ..DutyRecord::default()
    });
    let time = |t: Option<chrono::NaiveTime>| t.map(|t| t.format("%H:%M").to_string()).unwrap_or_default();
    let mut form = Form::new(vec![
        Field::new("date", "duty.date", Kind::Date)
            .required()
            .with_value(&r.date.to_string()),
        Field::new("shift", "duty.shift", Kind::Text)
            .required()
            .with_value(&r.shift),
        Field::new("arrived", "duty.arrived", Kind::Time).with_value(&time(r.arrived)),
        Field::new("left", "duty.left", Kind::Time).with_value(&time(r.left)),
        Field::new("visitors", "duty.visitors", Kind::Note { rows: 3 }).with_value(&r.visitors),
        Field::new("contacts", "duty.contacts", Kind::Note { rows: 2 }).with_value(&r.contacts),
        Field::new("events", "duty.events", Kind::Note { rows: 2 }).with_value(&r.events),
        Field::new("handover", "duty.handover", Kind::Note { rows: 2 }).with_value(&r.handover),
        Field::new("locked", "duty.locked", Kind::Checkbox).with_value(if r.room_locked { "1" } else { "0" }),
    ]);
    form.focus = 3;
    // A record that already exists counts as saved; a new one is new input from the first key.
    form.mark_saved();
    form
}

/// Called when the section is entered: loads this shift's record (or a fresh one) and focuses it.
pub fn enter(app: &mut App) {
    let Some(session) = &app.session else { return };
    let shift = current_shift(session);
    let record = session.access().duty_record(clock::today(), &shift).ok().flatten();
    let Screen::Home(h) = &mut app.screen else { return };
    if h.duty.form.is_none() {
        h.duty.form = Some(form_for(record, &shift));
    }
    h.duty.form_focus = true;
}

pub fn on_key(app: &mut App, key: KeyEvent) -> bool {
    let Screen::Home(h) = &mut app.screen else { return false };
    let s = &mut h.duty;
    let Some(form) = s.form.as_mut() else { return false };
    if !s.form_focus {
        if key.code == KeyCode::Enter {
            s.form_focus = true;
            return true;
        }
        return false;
    }
    match form.handle_key(key) {
        FormEvent::Submit => save(app),
        FormEvent::Cancel => s.form_focus = false,
        FormEvent::Ignored => return false,
        FormEvent::Handled | FormEvent::Invalid => s.message = None,
    }
    true
}

fn save(app: &mut App) {
    let (Screen::Home(h), Some(session)) = (&mut app.screen, &app.session) else {
        return;
    };
    let s = &mut h.duty;
    let Some(form) = s.form.as_mut() else { return };
    let today = clock::today();
    let record = DutyRecord {
        date: parse_date(&form.get("date"), today).unwrap_or(today),
        shift: form.get("shift"),
        teacher: session.access().account().to_owned(),
        arrived: parse_time(&form.get("arrived")),
        left: parse_time(&form.get("left")),
        visitors: form.get("visitors"),
        contacts: form.get("contacts"),
        events: form.get("events"),
        handover: form.get("handover"),
        room_locked: form.get("locked") == "1",
    };
    match session.access().save_duty_record(&record) {
        Ok(()) => {
            form.mark_saved();
            form.message = None;
            s.message = Some((
                t!("duty.saved", date = record.date.to_string(), shift = record.shift).into_owned(),
                true,
            ));
        }
        Err(crate::store::BookError::LeftBeforeArrived) => form.set_error("left", t!("duty.left_before").into_owned()),
        Err(_) => form.message = Some((t!("book.store_error").into_owned(), false)),
    }
}

fn inner(body: Rect) -> Rect {
    Rect {
        x: body.x + 2,
        y: body.y + 1,
        width: body.width.saturating_sub(4),
        height: body.height.saturating_sub(2),
    }
}

pub fn on_click(app: &mut App, body: Rect, pos: Position) {
    let Screen::Home(h) = &mut app.screen else { return };
    if let Some(form) = h.duty.form.as_mut() {
        h.duty.form_focus |= form.click(inner(body), pos);
    }
}

pub fn render(app: &App, frame: &mut Frame<'_>, body: Rect) {
    let Screen::Home(h) = &app.screen else { return };
    let s = &h.duty;
    frame.render_widget(Block::bordered().title(t!("duty.title").into_owned()), body);
    let area = inner(body);
    if let Some(form) = &s.form {
        form.render(frame, area, s.form_focus && app.popup.is_none());
    }
    if let Some((message, ok)) = &s.message {
        let y = body.bottom().saturating_sub(2);
        frame.render_widget(
            Paragraph::new(message.as_str()).style(if *ok {
                Style::default().green()
            } else {
                Style::default().red()
            }),
            Rect { y, height: 1, ..area },
        );
    } else if !s.form_focus {
        frame.render_widget(
            Paragraph::new(t!("settings.press_enter").into_owned()).dark_gray(),
            Rect {
                y: body.bottom().saturating_sub(2),
                height: 1,
                ..area
            },
        );
    }
}
