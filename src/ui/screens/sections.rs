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
    let Some(session) = &app.session else { return };
    let access = session.access();
    let mut lines = vec![
        Line::from(t!("today.welcome", name = access.display_name()).into_owned()).bold(),
        Line::from(""),
    ];
    if let Ok(room) = access.room_settings() {
        use chrono::Datelike;
        let weekday = chrono::Local::now().weekday().num_days_from_monday() as usize;
        let spans = &room.hours.days[weekday];
        let hours = if spans.is_empty() {
            t!("today.closed").into_owned()
        } else {
            format_day(spans)
        };
        lines.push(Line::from(t!("today.hours", hours = hours).into_owned()));
    }
    if let Ok(status) = access.status() {
        lines.push(Line::from(
            t!("cli.status_students", count = status.students).into_owned(),
        ));
        if let (Some(clients), Some(cases)) = (status.clients, status.cases) {
            lines.push(Line::from(t!("cli.status_clients", count = clients).into_owned()));
            lines.push(Line::from(t!("cli.status_cases", count = cases).into_owned()));
        }
        lines.push(Line::from(
            t!("cli.status_appointments", count = status.appointments).into_owned(),
        ));
        let never = t!("cli.status_never").into_owned();
        if status.clients.is_some() {
            lines.push(Line::from(
                t!("cli.status_last_backup", when = status.last_backup.unwrap_or(never)).into_owned(),
            ));
        }
    }
    lines.push(Line::from(""));
    lines.push(Line::from(t!("today.more_soon").into_owned()).dark_gray());
    frame.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: true }).block(Block::bordered()),
        body,
    );
}
