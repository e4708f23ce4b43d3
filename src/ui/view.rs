//! Drawing: the shell (header, sections, status bar), popups, and the "too small" screen.
//! `view` reads the state and changes nothing.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::style::{Style, Stylize};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Row, Table, Wrap};
use rust_i18n::t;
use unicode_width::UnicodeWidthStr;

use super::app::{App, MIN_HEIGHT, MIN_WIDTH, Popup, Screen, Section};
use super::keys::{self, Binding};
use super::screens;

pub struct ShellLayout {
    pub header: Rect,
    pub nav: Rect,
    pub body: Rect,
    pub status: Rect,
}

pub fn shell_layout(area: Rect) -> ShellLayout {
    let [header, nav, body, status] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(1),
    ])
    .areas(area);
    ShellLayout {
        header,
        nav,
        body,
        status,
    }
}

const NAV_GAP: u16 = 2;

/// Where each section's tab is drawn: ` 1 今天 ` … The same function serves the mouse.
pub fn nav_rects(nav: Rect, labels: &[String]) -> Vec<Rect> {
    let mut x = nav.x;
    labels
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let w = tab_text(i, l).width() as u16;
            let r = Rect {
                x,
                y: nav.y,
                width: w.min(nav.right().saturating_sub(x)),
                height: 1,
            };
            x = x.saturating_add(w + NAV_GAP);
            r
        })
        .collect()
}

fn tab_text(i: usize, label: &str) -> String {
    format!("{} {}", i + 1, label)
}

pub fn nav_hit(nav: Rect, labels: &[String], pos: Position) -> Option<usize> {
    nav_rects(nav, labels).iter().position(|r| r.contains(pos))
}

/// The keys that work here and now, for the status bar and help.
pub fn current_bindings(app: &App) -> Vec<Binding> {
    match &app.screen {
        Screen::Login(_) => keys::LOGIN.to_vec(),
        Screen::Setup(_) => keys::FORM.to_vec(),
        Screen::Home(h) => {
            let mut all = Vec::new();
            match app.current_section() {
                Some(Section::Settings) => all.extend_from_slice(screens::settings::bindings(&h.settings)),
                Some(Section::Book | Section::DutyBook) => all.extend_from_slice(screens::book::bindings(app, &h.book)),
                Some(Section::DutyRecord) if h.duty.form_active() => all.extend_from_slice(keys::FORM),
                Some(Section::Calendar) => all.extend_from_slice(screens::calendar::KEYS),
                Some(Section::Clients) => all.extend(screens::clients::bindings(&h.clients)),
                Some(Section::Today) if h.today.form_active() => all.extend_from_slice(keys::FORM),
                Some(Section::Today) if app.role() == Some(crate::vault::Role::Duty) => {
                    all.extend_from_slice(screens::sections::DUTY_TODAY_KEYS)
                }
                Some(Section::Today) => all.extend_from_slice(screens::sections::COUNSELOR_TODAY_KEYS),
                _ => {}
            }
            if !app.form_has_focus() {
                all.extend_from_slice(keys::SHELL);
            }
            all
        }
    }
}

pub fn view(app: &App, frame: &mut Frame<'_>) {
    let area = frame.area();
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        too_small(frame, area);
        return;
    }
    match &app.screen {
        Screen::Setup(_) => screens::setup::render(app, frame, area),
        Screen::Login(_) => {
            let [body, status] = Layout::vertical([Constraint::Min(1), Constraint::Length(1)]).areas(area);
            screens::login::render(app, frame, body);
            status_bar(app, frame, status);
        }
        Screen::Home(h) if screens::clients::handed_over(&h.clients).is_some() => {
            // The student has the keyboard: the scale, and nothing of the room or the case.
            if let Some(run) = screens::clients::handed_over(&h.clients) {
                let inner = Rect {
                    x: area.x + 2,
                    y: area.y + 1,
                    width: area.width.saturating_sub(4),
                    height: area.height.saturating_sub(2),
                };
                run.render(frame, inner);
            }
            return;
        }
        Screen::Home(h) => {
            let layout = shell_layout(area);
            header(app, frame, layout.header);
            let labels: Vec<String> = app.sections().iter().map(|s| t!(s.label()).into_owned()).collect();
            for (i, r) in nav_rects(layout.nav, &labels).iter().enumerate() {
                let style = if i == h.section {
                    Style::default().reversed().bold()
                } else {
                    Style::default().cyan()
                };
                frame.render_widget(Paragraph::new(tab_text(i, &labels[i])).style(style), *r);
            }
            if let Some(section) = app.current_section() {
                screens::sections::render(app, section, frame, layout.body);
            }
            status_bar(app, frame, layout.status);
        }
    }
    if let Some(label) = &app.busy {
        popup(frame, area, 50, 5, &t!("app.working"), vec![Line::from(label.as_str())]);
    }
    match &app.popup {
        Some(Popup::Help) => help(app, frame, area),
        Some(Popup::Text { title, body }) => {
            let lines: Vec<Line> = body.lines().map(Line::from).collect();
            let height = (lines.len() as u16 * 2 + 2).min(area.height);
            popup(frame, area, area.width.saturating_sub(4), height, title, lines)
        }
        Some(Popup::ConfirmQuit) => popup(
            frame,
            area,
            56,
            6,
            &t!("app.quit_title"),
            vec![
                Line::from(t!("app.quit_unsaved").into_owned()),
                Line::from(""),
                Line::from(t!("app.yes_no").into_owned()).bold(),
            ],
        ),
        Some(Popup::Confirm { text, .. }) => popup(
            frame,
            area,
            60,
            7,
            &t!("app.confirm_title"),
            vec![
                Line::from(text.as_str()),
                Line::from(""),
                Line::from(t!("app.yes_no").into_owned()).bold(),
            ],
        ),
        None => {}
    }
}

fn header(app: &App, frame: &mut Frame<'_>, area: Rect) {
    let Some(session) = &app.session else { return };
    let role = match session.role() {
        crate::vault::Role::Duty => t!("role.duty"),
        _ => t!("role.counselor"),
    };
    let title = if app.room_title.is_empty() {
        t!("app.name").into_owned()
    } else {
        app.room_title.clone()
    };
    let who = format!("{} · {} ", session.access().display_name(), role);
    let [left, right] = Layout::horizontal([Constraint::Min(10), Constraint::Length(who.width() as u16)]).areas(area);
    frame.render_widget(Paragraph::new(format!(" {title}")).bold().on_blue(), left);
    frame.render_widget(Paragraph::new(who).on_blue(), right);
}

/// The keys that work here, as many as fit; the help key always shows, last, since help lists
/// every key of the screen.
fn status_bar(app: &App, frame: &mut Frame<'_>, area: Rect) {
    let n = app.sections().len();
    let mut items: Vec<(String, String)> = Vec::new();
    for b in current_bindings(app) {
        let label = t!(b.label).into_owned();
        if b.label == "keys.help" || items.iter().any(|(_, l)| *l == label) {
            continue;
        }
        let shown = if b.shown == "1-9" {
            format!("1-{n}")
        } else {
            b.shown.to_owned()
        };
        items.push((shown, label));
    }
    let help_key = if app.form_has_focus() { "F1" } else { "F1/?" };
    let help = (help_key.to_owned(), t!("keys.help").into_owned());
    let width = |(k, l): &(String, String)| (k.width() + l.width() + 4) as u16;
    let mut room = area.width.saturating_sub(width(&help));
    let mut spans = Vec::new();
    for item in &items {
        let w = width(item);
        if w > room {
            continue;
        }
        room -= w;
        spans.push(Span::styled(format!(" {} ", item.0), Style::default().reversed()));
        spans.push(Span::raw(format!(" {} ", item.1)));
    }
    spans.push(Span::styled(format!(" {} ", help.0), Style::default().reversed()));
    spans.push(Span::raw(format!(" {} ", help.1)));
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn help(app: &App, frame: &mut Frame<'_>, area: Rect) {
    let rows: Vec<Row> = current_bindings(app)
        .iter()
        .map(|b| Row::new(vec![b.shown.to_owned(), t!(b.label).into_owned()]))
        .chain(std::iter::once(Row::new(vec![
            "Ctrl-C".to_owned(),
            t!("keys.quit_now").into_owned(),
        ])))
        .collect();
    let height = (rows.len() as u16 + 4).min(area.height);
    let width = 60.min(area.width);
    let r = centered(area, width, height);
    frame.render_widget(Clear, r);
    frame.render_widget(
        Table::new(rows, [Constraint::Length(14), Constraint::Min(20)]).block(
            Block::bordered()
                .title(t!("app.help_title").into_owned())
                .title_bottom(t!("app.help_close").into_owned()),
        ),
        r,
    );
}

fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let width = width.min(area.width);
    let height = height.min(area.height);
    Rect {
        x: area.x + (area.width - width) / 2,
        y: area.y + (area.height - height) / 2,
        width,
        height,
    }
}

fn popup(frame: &mut Frame<'_>, area: Rect, width: u16, height: u16, title: &str, lines: Vec<Line<'_>>) {
    let r = centered(area, width, height);
    frame.render_widget(Clear, r);
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: true })
            .block(Block::bordered().title(title.to_owned())),
        r,
    );
}

fn too_small(frame: &mut Frame<'_>, area: Rect) {
    let text = t!(
        "app.too_small",
        w = area.width,
        h = area.height,
        min_w = MIN_WIDTH,
        min_h = MIN_HEIGHT
    )
    .into_owned();
    frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: true }).yellow(), area);
}
