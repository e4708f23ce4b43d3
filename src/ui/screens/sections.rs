//! Today, and the sections later work fills. Until then they say so plainly.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Stylize;
use ratatui::text::Line;
use ratatui::widgets::{Block, Paragraph, Wrap};
use rust_i18n::t;

use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::Position;

use crate::domain::hours::format_day;
use crate::store::FrontDesk;
use crate::ui::app::{App, Screen, Section};
use crate::ui::clock;
use crate::ui::keys::{Action, Binding, Trigger};
use crate::ui::widgets::form::{Field, Form, FormEvent, Kind};
use crate::vault::Role;

/// Today's own state: a duty teacher's leave request form.
#[derive(Default)]
pub struct TodayState {
    pub leave_form: Option<Form>,
    /// A counselor recording an invitation (主动约请) of a student of concern: the screening row.
    pub invite_form: Option<(i64, Form)>,
    pub message: Option<(String, bool)>,
}

pub const COUNSELOR_TODAY_KEYS: &[Binding] = &[Binding {
    trigger: Trigger::Char('i'),
    shown: "i",
    label: "today.key_invite",
    action: Action::New,
}];

pub const DUTY_TODAY_KEYS: &[Binding] = &[Binding {
    trigger: Trigger::Char('l'),
    shown: "l",
    label: "today.key_leave",
    action: Action::New,
}];

impl TodayState {
    pub fn form_active(&self) -> bool {
        self.leave_form.is_some() || self.invite_form.is_some()
    }
    pub fn is_dirty(&self) -> bool {
        self.leave_form.as_ref().is_some_and(Form::is_dirty)
            || self.invite_form.as_ref().is_some_and(|(_, f)| f.is_dirty())
    }
}

pub fn today_on_key(app: &mut App, key: KeyEvent) -> bool {
    if app.role() == Some(Role::Counselor) {
        return invite_key(app, key);
    }
    if app.role() != Some(Role::Duty) {
        return false;
    }
    let (Screen::Home(h), Some(session)) = (&mut app.screen, &app.session) else {
        return false;
    };
    let s = &mut h.today;
    let Some(form) = s.leave_form.as_mut() else {
        if key.code == KeyCode::Char('l') && key.modifiers.is_empty() {
            s.message = None;
            s.leave_form = Some(Form::new(vec![
                Field::new("date", "book.date", Kind::Date).required(),
                Field::new("reason", "settings.reason", Kind::Text),
            ]));
            return true;
        }
        return false;
    };
    match form.handle_key(key) {
        FormEvent::Submit => {
            let date = crate::domain::date::parse_date(&form.get("date"), clock::today()).unwrap_or_else(clock::today);
            match session.access().ask_leave(date, &form.get("reason")) {
                Ok(_) => {
                    s.leave_form = None;
                    s.message = Some((t!("today.leave_asked", date = date.to_string()).into_owned(), true));
                }
                Err(_) => form.message = Some((t!("book.store_error").into_owned(), false)),
            }
        }
        FormEvent::Cancel => s.leave_form = None,
        FormEvent::Ignored => return false,
        _ => {}
    }
    true
}

/// `i`: record that the first student of concern not yet invited was invited, and how it went.
fn invite_key(app: &mut App, key: KeyEvent) -> bool {
    let (Screen::Home(h), Some(crate::store::Session::Counselor(c))) = (&mut app.screen, &app.session) else {
        return false;
    };
    let s = &mut h.today;
    let Some((id, form)) = s.invite_form.as_mut() else {
        if key.code == KeyCode::Char('i') && key.modifiers.is_empty() {
            match c.concern_not_invited(1).unwrap_or_default().first() {
                Some((id, no, name, ..)) => {
                    s.message = Some((t!("today.inviting", name = name, no = no).into_owned(), true));
                    s.invite_form = Some((
                        *id,
                        Form::new(vec![
                            Field::new("outcome", "today.invite_outcome", Kind::Text).required(),
                        ]),
                    ));
                }
                None => s.message = Some((t!("today.no_concern").into_owned(), false)),
            }
            return true;
        }
        return false;
    };
    match form.handle_key(key) {
        FormEvent::Submit => match c.record_invitation(*id, &form.get("outcome")) {
            Ok(()) => {
                s.invite_form = None;
                s.message = Some((t!("today.invited").into_owned(), true));
            }
            Err(_) => form.message = Some((t!("book.store_error").into_owned(), false)),
        },
        FormEvent::Cancel => s.invite_form = None,
        FormEvent::Ignored => return false,
        _ => {}
    }
    true
}

pub fn today_click(app: &mut App, body: Rect, pos: Position) {
    if let Screen::Home(h) = &mut app.screen
        && let Some(form) = h.today.leave_form.as_mut()
    {
        form.click(leave_area(body), pos);
    }
}

fn leave_area(body: Rect) -> Rect {
    Rect {
        x: body.x + 2,
        y: body.bottom().saturating_sub(6),
        width: body.width.saturating_sub(4),
        height: 5,
    }
}

pub fn render(app: &App, section: Section, frame: &mut Frame<'_>, body: Rect) {
    match section {
        Section::Today => today(app, frame, body),
        Section::Settings => super::settings::render(app, frame, body),
        Section::Book | Section::DutyBook => super::book::render(app, frame, body),
        Section::DutyRecord => super::duty_record::render(app, frame, body),
        Section::Calendar => super::calendar::render(app, frame, body),
        Section::Clients => super::clients::render(app, frame, body),
        other => {
            frame.render_widget(
                Paragraph::new(vec![
                    Line::from(t!(other.label()).into_owned()).bold(),
                    Line::from(""),
                    Line::from(t!("sections.not_built").into_owned()).dark_gray(),
                ])
                .wrap(Wrap { trim: true })
                .block(Block::bordered()),
                body,
            );
        }
    }
}

fn today(app: &App, frame: &mut Frame<'_>, body: Rect) {
    use crate::store::FrontDesk;
    let Some(session) = &app.session else { return };
    let access = session.access();
    let today = crate::ui::clock::today();
    let mut lines = vec![Line::from(t!("today.welcome", name = access.display_name()).into_owned()).bold()];
    if let Ok(room) = access.room_settings() {
        use chrono::Datelike;
        let spans = &room.hours.days[today.weekday().num_days_from_monday() as usize];
        let hours = if spans.is_empty() {
            t!("today.closed").into_owned()
        } else {
            format_day(spans)
        };
        lines.push(Line::from(
            t!("today.hours", date = today.to_string(), hours = hours).into_owned(),
        ));
    }
    let on_duty = access.on_duty(today).unwrap_or_default();
    if !on_duty.is_empty() {
        let who: Vec<String> = on_duty
            .iter()
            .map(|e| format!("{}-{} {}", e.starts.format("%H:%M"), e.ends.format("%H:%M"), e.teacher))
            .collect();
        lines.push(Line::from(t!("today.on_duty", who = who.join(", ")).into_owned()));
    }
    if session.role() == Role::Duty {
        // The duty teacher's next shifts over the coming week, with leave and substitutes applied.
        let next: Vec<String> = (0..8)
            .filter_map(|d| today.checked_add_days(chrono::Days::new(d)))
            .flat_map(|day| {
                access
                    .on_duty(day)
                    .unwrap_or_default()
                    .into_iter()
                    .filter(|e| e.teacher == access.account())
                    .map(move |e| {
                        format!(
                            "{} {}-{}",
                            day.format("%m-%d"),
                            e.starts.format("%H:%M"),
                            e.ends.format("%H:%M")
                        )
                    })
            })
            .take(4)
            .collect();
        if !next.is_empty() {
            lines.push(Line::from(t!("today.your_shifts", spans = next.join(", ")).into_owned()).cyan());
        }
    }
    lines.push(Line::from(""));
    let booked = access
        .appointments_between(today, today.succ_opt().unwrap_or(today))
        .unwrap_or_default();
    lines.push(Line::from(t!("today.appointments", count = booked.len()).into_owned()).bold());
    for a in booked.iter().take(6) {
        let when = a
            .slot
            .map(|s| format!("{}-{}", s.start.format("%H:%M"), s.end.format("%H:%M")))
            .unwrap_or_default();
        let status = super::book::status_label(a.status);
        lines.push(Line::from(format!(
            "  {when}  {}  {}  {}  {status}",
            a.request.student_name,
            a.request.class,
            a.counselor.clone().unwrap_or_default()
        )));
    }
    let tomorrow = today.succ_opt().unwrap_or(today);
    let next_day = access
        .appointments_between(tomorrow, tomorrow.succ_opt().unwrap_or(tomorrow))
        .unwrap_or_default();
    if !next_day.is_empty() {
        let who: Vec<String> = next_day
            .iter()
            .filter_map(|a| {
                a.slot
                    .map(|s| format!("{} {}", s.start.format("%H:%M"), a.request.student_name))
            })
            .collect();
        lines.push(Line::from(t!("today.tomorrow", list = who.join(", ")).into_owned()).yellow());
    }
    let open = access.open_requests().unwrap_or_default();
    let key = if session.role() == crate::vault::Role::Counselor {
        "today.to_confirm"
    } else {
        "today.open_requests"
    };
    lines.push(Line::from(t!(key, count = open.len()).into_owned()).bold());
    for a in open.iter().take(4) {
        lines.push(Line::from(format!(
            "  {}  {}  {}",
            a.request.student_name, a.request.class, a.request.preferred
        )));
    }
    if let crate::store::Session::Counselor(c) = session {
        for (case, name, level) in c.open_risk_cases().unwrap_or_default().iter().take(3) {
            let level = t!(format!("risk.{level}"));
            lines.push(
                Line::from(t!("today.open_risk", name = name, case = case, level = level).into_owned())
                    .red()
                    .bold(),
            );
        }
        let waiting = c.count_concern_not_invited().unwrap_or(0);
        if waiting > 0 {
            lines.push(
                Line::from(t!("today.concern", count = waiting).into_owned())
                    .yellow()
                    .bold(),
            );
            for (_, no, name, class, scale, band, risk) in c.concern_not_invited(3).unwrap_or_default() {
                let mark = if risk { "⚠ " } else { "" };
                lines.push(Line::from(format!("  {mark}{name} {no} {class} · {scale} {band}")));
            }
        }
        let due = c.follow_ups_due(today).unwrap_or_default();
        if !due.is_empty() {
            let list: Vec<String> = due.iter().take(4).map(|(_, name, d)| format!("{name} {d}")).collect();
            lines.push(Line::from(t!("today.follow_ups", list = list.join(", ")).into_owned()).yellow());
        }
    }
    if session.role() == crate::vault::Role::Counselor {
        let leave = access.pending_leave().unwrap_or_default();
        if !leave.is_empty() {
            lines.push(Line::from(t!("today.leave", count = leave.len()).into_owned()).yellow());
        }
        if let Ok(status) = access.status() {
            let never = t!("cli.status_never").into_owned();
            lines.push(
                Line::from(t!("cli.status_last_backup", when = status.last_backup.unwrap_or(never)).into_owned())
                    .dark_gray(),
            );
        }
    }
    if let Ok(Some((date, teacher, text))) = access.last_handover_before(today) {
        lines.push(Line::from(""));
        lines.push(Line::from(t!("today.handover", date = date.to_string(), who = teacher).into_owned()).bold());
        for l in text.lines().take(3) {
            lines.push(Line::from(format!("  {l}")));
        }
    }
    if let Screen::Home(h) = &app.screen {
        if let Some((message, ok)) = &h.today.message {
            let style = if *ok {
                ratatui::style::Style::default().green()
            } else {
                ratatui::style::Style::default().red()
            };
            lines.push(Line::from(message.clone()).style(style));
        }
        frame.render_widget(
            Paragraph::new(lines)
                .wrap(Wrap { trim: false })
                .block(Block::bordered()),
            body,
        );
        if let Some((_, form)) = &h.today.invite_form {
            let title = t!("today.invite_title").into_owned();
            crate::ui::widgets::form::titled(frame, leave_area(body), title, form, app.popup.is_none());
        }
        if let Some(form) = &h.today.leave_form {
            let title = t!("today.leave_title").into_owned();
            crate::ui::widgets::form::titled(frame, leave_area(body), title, form, app.popup.is_none());
        }
    }
}
