//! Today, and the sections later work fills. Until then they say so plainly.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Stylize;
use ratatui::text::Line;
use ratatui::widgets::{Block, Paragraph, Wrap};
use rust_i18n::t;

use crate::domain::hours::format_day;
use crate::ui::app::{App, Section};

pub fn render(app: &App, section: Section, frame: &mut Frame<'_>, body: Rect) {
    match section {
        Section::Today => today(app, frame, body),
        Section::Settings => super::settings::render(app, frame, body),
        Section::Book | Section::DutyBook => super::book::render(app, frame, body),
        Section::DutyRecord => super::duty_record::render(app, frame, body),
        Section::Calendar => super::calendar::render(app, frame, body),
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
    let mine: Vec<String> = on_duty
        .iter()
        .filter(|e| e.teacher == access.account())
        .map(|e| format!("{}-{}", e.starts.format("%H:%M"), e.ends.format("%H:%M")))
        .collect();
    if !mine.is_empty() {
        lines.push(Line::from(t!("today.your_shift", spans = mine.join(", ")).into_owned()).cyan());
    } else if !on_duty.is_empty() {
        let who: Vec<String> = on_duty.iter().map(|e| e.teacher.clone()).collect();
        lines.push(Line::from(t!("today.on_duty", who = who.join(", ")).into_owned()));
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
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(Block::bordered()),
        body,
    );
}
