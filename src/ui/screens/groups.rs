//! Group counseling (团体辅导, R22) under Clients: the groups, one group's members and sessions,
//! a new group, a member added by name, a session recorded with who was absent and why.

use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Style, Stylize};
use ratatui::text::Line;
use ratatui::widgets::{Block, Paragraph, Row, Table, TableState, Wrap};
use rust_i18n::t;

use super::clients::{ClientsState, View};
use crate::domain::date::parse_date;
use crate::store::{CounselorSession, GroupSession};
use crate::ui::clock;
use crate::ui::keys::{Action, Binding, Trigger, b, lookup};
use crate::ui::widgets::form::{Field, Form, FormEvent, Kind};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    NewGroup,
    AddMember,
    Session,
}

#[derive(Default)]
pub struct GroupsView {
    pub selected: usize,
    /// The group open, if one is.
    pub group: Option<i64>,
    pub form: Option<(Purpose, Form)>,
    pub message: Option<(String, bool)>,
}

impl GroupsView {
    pub fn form_active(&self) -> bool {
        self.form.is_some()
    }
    pub fn is_dirty(&self) -> bool {
        self.form.as_ref().is_some_and(|(_, f)| f.is_dirty())
    }
    pub fn paste(&mut self, text: &str) {
        if let Some((_, f)) = self.form.as_mut() {
            f.handle_paste(text);
        }
    }
}

const LIST_KEYS: &[Binding] = &[
    b(Trigger::Char('n'), "n", "groups.key_new", Action::New),
    b(Trigger::Code(KeyCode::Enter), "Enter", "keys.open", Action::Open),
    b(Trigger::Code(KeyCode::Up), "↑↓", "keys.move", Action::Up),
    b(Trigger::Code(KeyCode::Down), "↓", "keys.move", Action::Down),
    b(Trigger::Code(KeyCode::Esc), "Esc", "keys.back", Action::Back),
];

const GROUP_KEYS: &[Binding] = &[
    b(Trigger::Char('a'), "a", "groups.key_add_member", Action::Add),
    b(Trigger::Char('s'), "s", "groups.key_session", Action::New),
    b(Trigger::Code(KeyCode::Esc), "Esc", "keys.back", Action::Back),
];

const STAGES: [(&str, &str); 3] = [
    ("forming", "groups.stage_forming"),
    ("working", "groups.stage_working"),
    ("ending", "groups.stage_ending"),
];

pub fn bindings(g: &GroupsView) -> Vec<Binding> {
    if g.form.is_some() {
        crate::ui::keys::FORM.to_vec()
    } else if g.group.is_some() {
        GROUP_KEYS.to_vec()
    } else {
        LIST_KEYS.to_vec()
    }
}

pub fn on_key(s: &mut ClientsState, session: &CounselorSession, key: KeyEvent) -> bool {
    let View::Groups(g) = &mut s.view else { return false };
    if let Some((purpose, form)) = g.form.as_mut() {
        let purpose = *purpose;
        match form.handle_key(key) {
            FormEvent::Submit => submit(g, session, purpose),
            FormEvent::Cancel => g.form = None,
            FormEvent::Ignored => return false,
            _ => {}
        }
        return true;
    }
    match g.group {
        None => {
            let count = session.groups().map(|v| v.len()).unwrap_or(0);
            match lookup(LIST_KEYS, &key) {
                Some(Action::New) => {
                    g.message = None;
                    g.form = Some((
                        Purpose::NewGroup,
                        Form::new(vec![
                            Field::new("name", "groups.name", Kind::Text).required(),
                            Field::new("theme", "groups.theme", Kind::Text),
                        ]),
                    ));
                }
                Some(Action::Open) => {
                    let groups = session.groups().unwrap_or_default();
                    if let Some(group) = groups.get(g.selected) {
                        g.group = Some(group.id);
                        g.message = None;
                    }
                }
                Some(Action::Up) => g.selected = g.selected.saturating_sub(1),
                Some(Action::Down) => g.selected = (g.selected + 1).min(count.saturating_sub(1)),
                Some(Action::Back) => s.view = View::List,
                _ => return false,
            }
        }
        Some(_) => match lookup(GROUP_KEYS, &key) {
            Some(Action::Add) => {
                g.message = None;
                g.form = Some((
                    Purpose::AddMember,
                    Form::new(vec![Field::new("name", "book.name", Kind::Text).required()]),
                ));
            }
            Some(Action::New) => {
                g.message = None;
                let mut absent = Field::new("absent", "groups.absent", Kind::Text);
                absent.hint = Some(t!("groups.absent_hint").into_owned());
                g.form = Some((
                    Purpose::Session,
                    Form::new(vec![
                        Field::new("held", "case.held_at", Kind::Date)
                            .required()
                            .with_value(&clock::today().to_string()),
                        Field::new("stage", "groups.stage", Kind::Select(STAGES.to_vec())),
                        Field::new("activities", "groups.activities", Kind::Note { rows: 3 }),
                        Field::new("observations", "groups.observations", Kind::Note { rows: 3 }),
                        absent,
                    ]),
                ));
            }
            Some(Action::Back) => {
                g.group = None;
                g.message = None;
            }
            _ => return false,
        },
    }
    true
}

fn submit(g: &mut GroupsView, session: &CounselorSession, purpose: Purpose) {
    let Some((_, form)) = g.form.as_mut() else { return };
    let done = match (purpose, g.group) {
        (Purpose::NewGroup, _) => session
            .create_group(&form.get("name"), &form.get("theme"))
            .map(|_| t!("groups.created").into_owned()),
        (Purpose::AddMember, Some(group)) => {
            let name = form.get("name");
            let matches: Vec<_> = session
                .clients("", 100_000)
                .unwrap_or_default()
                .into_iter()
                .filter(|c| c.name == name)
                .collect();
            match matches.as_slice() {
                [one] => session
                    .add_member(group, one.id)
                    .map(|_| t!("groups.member_added", name = name).into_owned()),
                [] => {
                    form.set_error("name", t!("groups.no_such_client").into_owned());
                    return;
                }
                _ => {
                    form.set_error("name", t!("groups.ambiguous").into_owned());
                    return;
                }
            }
        }
        (Purpose::Session, Some(group)) => {
            let members = session.group_members(group).unwrap_or_default();
            let mut absent = Vec::new();
            for part in form
                .get("absent")
                .split([',', '，', '、', ';', '；'])
                .map(str::trim)
                .filter(|p| !p.is_empty())
            {
                let (name, reason) = match part.split_once(['(', '（']) {
                    Some((n, r)) => (n.trim(), r.trim_end_matches([')', '）']).trim()),
                    None => (part, ""),
                };
                match members.iter().find(|(_, n)| n == name) {
                    Some((id, _)) => absent.push((*id, reason.to_owned())),
                    None => {
                        form.set_error("absent", t!("groups.not_a_member", name = name).into_owned());
                        return;
                    }
                }
            }
            let today = clock::today();
            let note = GroupSession {
                held_at: parse_date(&form.get("held"), today).unwrap_or(today).to_string(),
                stage: form.get("stage"),
                activities: form.get("activities"),
                observations: form.get("observations"),
            };
            session.record_group_session(group, &note, &absent).map(|n| {
                t!(
                    "groups.session_saved",
                    number = n,
                    present = members.len() - absent.len(),
                    total = members.len()
                )
                .into_owned()
            })
        }
        _ => return,
    };
    match done {
        Ok(message) => {
            g.form = None;
            g.message = Some((message, true));
        }
        Err(_) => form.message = Some((t!("book.store_error").into_owned(), false)),
    }
}

pub fn render(g: &GroupsView, session: &CounselorSession, frame: &mut Frame<'_>, body: Rect, active: bool) {
    let groups = session.groups().unwrap_or_default();
    let [top, bottom] = Layout::vertical([
        Constraint::Min(5),
        Constraint::Length(if g.form.is_some() { 13 } else { 4 }),
    ])
    .areas(body);
    match g.group {
        None => {
            let rows: Vec<Row> = groups
                .iter()
                .map(|gr| {
                    Row::new(vec![
                        gr.name.clone(),
                        gr.theme.clone(),
                        gr.members.to_string(),
                        gr.sessions.to_string(),
                        gr.leader.clone(),
                    ])
                })
                .collect();
            let header = Row::new(vec![
                t!("groups.name"),
                t!("groups.theme"),
                t!("groups.members"),
                t!("groups.sessions"),
                t!("groups.leader"),
            ])
            .bold();
            let mut state =
                TableState::default().with_selected((!groups.is_empty()).then(|| g.selected.min(groups.len() - 1)));
            frame.render_stateful_widget(
                Table::new(
                    rows,
                    [
                        Constraint::Length(16),
                        Constraint::Length(16),
                        Constraint::Length(6),
                        Constraint::Length(6),
                        Constraint::Min(6),
                    ],
                )
                .header(header)
                .row_highlight_style(Style::default().reversed())
                .block(Block::bordered().title(t!("groups.title").into_owned())),
                top,
                &mut state,
            );
        }
        Some(id) => {
            let name = groups
                .iter()
                .find(|gr| gr.id == id)
                .map(|gr| gr.name.clone())
                .unwrap_or_default();
            let members: Vec<String> = session
                .group_members(id)
                .unwrap_or_default()
                .into_iter()
                .map(|(_, n)| n)
                .collect();
            let mut lines = vec![Line::from(
                t!("groups.member_list", list = members.join("、")).into_owned(),
            )];
            for (number, date, present, total) in session.group_sessions(id).unwrap_or_default() {
                lines.push(Line::from(
                    t!(
                        "groups.session_line",
                        number = number,
                        date = date,
                        present = present,
                        total = total
                    )
                    .into_owned(),
                ));
            }
            frame.render_widget(
                Paragraph::new(lines)
                    .wrap(Wrap { trim: true })
                    .block(Block::bordered().title(name)),
                top,
            );
        }
    }
    let inner = Rect {
        x: bottom.x + 1,
        y: bottom.y + 1,
        width: bottom.width.saturating_sub(2),
        height: bottom.height.saturating_sub(2),
    };
    frame.render_widget(Block::bordered(), bottom);
    if let Some((_, form)) = &g.form {
        form.render(frame, inner, active);
    } else if let Some((m, ok)) = &g.message {
        frame.render_widget(
            Paragraph::new(m.as_str()).style(if *ok {
                Style::default().green()
            } else {
                Style::default().red()
            }),
            inner,
        );
    }
}
