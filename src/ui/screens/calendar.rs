//! The calendar (R23): a week of days side by side with the opening hours, the duty shifts and
//! the booked appointments; fewer days when the window is narrow. Conflicts are marked ⚠.

use chrono::{Datelike, Duration, NaiveDate};
use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::Rect;
use ratatui::style::{Color, Style, Stylize};
use ratatui::text::Line;
use ratatui::widgets::{Block, Paragraph};
use rust_i18n::t;

use crate::domain::hours::format_day;
use crate::store::FrontDesk;
use crate::ui::app::{App, Screen, Section};
use crate::ui::clock;
use crate::ui::keys::{self, Action, Binding, Trigger, b};

#[derive(Default)]
pub struct CalendarState {
    /// The day the cursor is on; `None` means today.
    pub day: Option<NaiveDate>,
}

pub const KEYS: &[Binding] = &[
    b(Trigger::Code(KeyCode::Left), "←→", "calendar.key_day", Action::PrevDay),
    b(Trigger::Code(KeyCode::Right), "→", "calendar.key_day", Action::NextDay),
    b(Trigger::Code(KeyCode::Up), "↑↓", "calendar.key_week", Action::PrevWeek),
    b(Trigger::Code(KeyCode::Down), "↓", "calendar.key_week", Action::NextWeek),
    b(Trigger::Char('t'), "t", "calendar.key_today", Action::Today),
    b(Trigger::Char('n'), "n", "calendar.key_new", Action::New),
];

pub const DAY_SHORT: [&str; 7] = [
    "day.mon_short",
    "day.tue_short",
    "day.wed_short",
    "day.thu_short",
    "day.fri_short",
    "day.sat_short",
    "day.sun_short",
];

pub fn on_key(app: &mut App, key: KeyEvent) -> bool {
    let Screen::Home(h) = &mut app.screen else { return false };
    let day = h.calendar.day.unwrap_or_else(clock::today);
    let next = match keys::lookup(KEYS, &key) {
        Some(Action::PrevDay) => day - Duration::days(1),
        Some(Action::NextDay) => day + Duration::days(1),
        Some(Action::PrevWeek) => day - Duration::days(7),
        Some(Action::NextWeek) => day + Duration::days(7),
        Some(Action::Today) => clock::today(),
        Some(Action::New) => {
            // A new request for the day under the cursor, in the book.
            let book = app
                .sections()
                .iter()
                .position(|s| matches!(s, Section::Book | Section::DutyBook));
            if let (Some(i), Screen::Home(h)) = (book, &mut app.screen) {
                h.section = i;
                h.book.form = Some((super::book::Purpose::New, super::book::new_request_form_for(day)));
            }
            return true;
        }
        _ => return false,
    };
    h.calendar.day = Some(next);
    true
}

/// The days shown: the week of the cursor when seven fit, else as many as fit from the cursor.
pub fn visible_days(cursor: NaiveDate, width: u16) -> Vec<NaiveDate> {
    let fit = ((width.saturating_sub(2)) / 16).clamp(1, 7) as i64;
    let first = if fit == 7 {
        cursor - Duration::days(cursor.weekday().num_days_from_monday() as i64)
    } else {
        cursor
    };
    (0..fit).map(|i| first + Duration::days(i)).collect()
}

pub fn render(app: &App, frame: &mut Frame<'_>, body: Rect) {
    let (Screen::Home(h), Some(session)) = (&app.screen, &app.session) else {
        return;
    };
    let desk = session.access();
    let today = clock::today();
    let cursor = h.calendar.day.unwrap_or(today);
    let days = visible_days(cursor, body.width);
    let hours = desk.room_settings().map(|r| r.hours).unwrap_or_default();
    let (Some(first), Some(last)) = (days.first().copied(), days.last().copied()) else {
        return;
    };
    let booked = desk
        .appointments_between(first, last + Duration::days(1))
        .unwrap_or_default();
    let title = t!(
        "calendar.title",
        from = first.format("%Y-%m-%d").to_string(),
        to = last.format("%m-%d").to_string()
    );
    frame.render_widget(Block::bordered().title(title.into_owned()), body);
    let inner = Rect {
        x: body.x + 1,
        y: body.y + 1,
        width: body.width.saturating_sub(2),
        height: body.height.saturating_sub(2),
    };
    let col_w = inner.width / days.len() as u16;
    for (i, day) in days.iter().enumerate() {
        let area = Rect {
            x: inner.x + i as u16 * col_w,
            y: inner.y,
            width: col_w.saturating_sub(1),
            height: inner.height,
        };
        let weekday = day.weekday().num_days_from_monday() as usize;
        let marker = if *day == today { "●" } else { "" };
        let head = format!("{marker}{} {}", t!(DAY_SHORT[weekday]), day.format("%m-%d"));
        let head_style = if *day == cursor {
            Style::default().reversed().bold()
        } else {
            Style::default().bold()
        };
        let mut lines = vec![Line::from(head).style(head_style)];
        let spans = &hours.days[weekday];
        if spans.is_empty() {
            lines.push(Line::from(t!("calendar.closed").into_owned()).dark_gray());
        }
        for span in spans {
            lines.push(
                Line::from(format!("▒{}", format_day(std::slice::from_ref(span))))
                    .style(Style::default().bg(Color::Indexed(236))),
            );
        }
        for entry in desk.on_duty(*day).unwrap_or_default() {
            lines.push(Line::from(t!("calendar.duty", who = entry.teacher).into_owned()).cyan());
        }
        let of_day: Vec<_> = booked
            .iter()
            .filter(|a| a.slot.is_some_and(|s| s.start.date() == *day))
            .collect();
        for a in &of_day {
            let Some(slot) = a.slot else { continue };
            let conflict = of_day
                .iter()
                .any(|o| o.id != a.id && o.counselor == a.counselor && o.slot.is_some_and(|os| os.overlaps(&slot)));
            let mark = if conflict { "⚠" } else { "" };
            lines.push(Line::from(format!(
                "{mark}{} {}",
                slot.start.format("%H:%M"),
                a.request.student_name
            )));
            lines.push(Line::from(format!("  {}", a.counselor.clone().unwrap_or_default())).dark_gray());
        }
        frame.render_widget(Paragraph::new(lines), area);
    }
}
