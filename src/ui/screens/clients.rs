//! Clients and their cases (R1–R11, R16, R18, R25): the list with instant filtering (name, pinyin
//! initials, student number, class, tag) and full-text search of notes; registration; a client's
//! cases; a case in tabs by stage, with its checklist, sessions (drafts kept in the archive while
//! typing), risk, closing and follow-up, and its timeline. Counselors only.

use std::time::{Duration, Instant};

use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::style::{Style, Stylize};
use ratatui::text::Line;
use ratatui::widgets::{Block, Paragraph, Row, Table, TableState, Wrap};
use rust_i18n::t;

use crate::domain::appointment::{CATEGORIES, CHANNELS};
use crate::domain::case::{RISK_LEVELS, Stage, missing};
use crate::domain::date::parse_date;
use crate::store::{Case, CaseError, Client, CounselorSession, FrontDesk, Session, SessionNote};
use crate::ui::app::{App, Screen};
use crate::ui::clock;
use crate::ui::keys::{Action, Binding, Trigger, b, lookup};
use crate::ui::widgets::form::{Field, Form, FormEvent, Kind};

pub const TABS: [&str; 7] = [
    "case.tab_overview",
    "case.tab_intake",
    "case.tab_assessment",
    "case.tab_plan",
    "case.tab_session",
    "case.tab_risk",
    "case.tab_closing",
];

pub enum View {
    List,
    Register(Form),
    Client {
        id: i64,
        selected: usize,
    },
    Case(CaseView),
    /// Group counseling: the groups, or one group (see `groups.rs`).
    Groups(super::groups::GroupsView),
}

pub struct CaseView {
    pub case_id: i64,
    pub client_id: i64,
    pub tab: usize,
    pub form: Option<Form>,
    pub form_focus: bool,
    pub message: Option<(String, bool)>,
    /// When the session draft was last written, and what it held.
    pub draft_saved: Option<(Instant, String)>,
    /// The goal picked in the goals tab (↑↓), whose status `g` moves on.
    pub goal: usize,
    /// A small form over the tab's own: an addendum to a signed note, or a follow-up's result.
    pub side: Option<Side>,
    /// A scale being given (`s`).
    pub scale: Option<super::scale_run::ScaleRun>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    Addendum(i64),
    FollowUpDone(i64),
    ReferralOutcome(i64),
}

pub struct ClientsState {
    pub filter: Form,
    pub filter_focus: bool,
    /// Full-text search of notes instead of the client filter.
    pub search: bool,
    pub selected: usize,
    pub view: View,
    pub message: Option<(String, bool)>,
    /// Set when a handed-over scale ends: the caller locks the app.
    pub lock_now: bool,
    /// A text the app should show in a popup (taken by `on_key`'s caller): (title key, body).
    pub popup: Option<(&'static str, String)>,
}

impl Default for ClientsState {
    fn default() -> Self {
        ClientsState {
            filter: Form::new(vec![Field::new("q", "clients.filter", Kind::Text)]),
            filter_focus: false,
            search: false,
            selected: 0,
            view: View::List,
            message: None,
            lock_now: false,
            popup: None,
        }
    }
}

impl ClientsState {
    pub fn form_active(&self) -> bool {
        match &self.view {
            View::List => self.filter_focus,
            View::Register(_) => true,
            View::Client { .. } => false,
            View::Case(c) => c.form_focus && c.form.is_some(),
            View::Groups(g) => g.form_active(),
        }
    }
    pub fn is_dirty(&self) -> bool {
        match &self.view {
            View::Register(f) => f.is_dirty(),
            View::Case(c) => c.form.as_ref().is_some_and(Form::is_dirty),
            View::Groups(g) => g.is_dirty(),
            _ => false,
        }
    }
    pub fn paste(&mut self, text: &str) {
        match &mut self.view {
            View::List if self.filter_focus => self.filter.handle_paste(text),
            View::Register(f) => f.handle_paste(text),
            View::Groups(g) => g.paste(text),
            View::Case(c) if c.form_focus => {
                if let Some(f) = c.form.as_mut() {
                    f.handle_paste(text)
                }
            }
            _ => {}
        }
    }
}

pub const LIST_KEYS: &[Binding] = &[
    b(Trigger::Char('/'), "/", "clients.key_filter", Action::Edit),
    b(Trigger::Char('f'), "f", "clients.key_search", Action::Today),
    b(Trigger::Char('n'), "n", "clients.key_new", Action::New),
    b(Trigger::Char('g'), "g", "clients.key_groups", Action::Rebook),
    b(Trigger::Code(KeyCode::Enter), "Enter", "keys.open", Action::Open),
    b(Trigger::Code(KeyCode::Up), "↑↓", "keys.move", Action::Up),
    b(Trigger::Code(KeyCode::Down), "↓", "keys.move", Action::Down),
];

pub const CLIENT_KEYS: &[Binding] = &[
    b(Trigger::Char('n'), "n", "clients.key_new_case", Action::New),
    b(Trigger::Code(KeyCode::Enter), "Enter", "keys.open", Action::Open),
    b(Trigger::Char('c'), "c", "clients.key_concern", Action::Confirm),
    b(Trigger::Code(KeyCode::Up), "↑↓", "keys.move", Action::Up),
    b(Trigger::Code(KeyCode::Down), "↓", "keys.move", Action::Down),
    b(Trigger::Code(KeyCode::Esc), "Esc", "keys.back", Action::Back),
];

pub const CASE_KEYS: &[Binding] = &[
    b(Trigger::Code(KeyCode::Left), "←→", "case.key_tab", Action::PrevDay),
    b(Trigger::Code(KeyCode::Right), "→", "case.key_tab", Action::NextDay),
    b(Trigger::Code(KeyCode::Enter), "Enter", "case.key_edit", Action::Open),
    b(Trigger::Char('m'), "m", "case.key_move", Action::Confirm),
    b(Trigger::Char('x'), "x", "case.key_resolve", Action::Cancel),
    b(Trigger::Char('v'), "v", "case.key_agreement", Action::Today),
    b(Trigger::Char('u'), "u", "case.key_audit", Action::Edit),
    b(Trigger::Char('s'), "s", "case.key_scale", Action::NextWeek),
    b(Trigger::Char('g'), "g", "case.key_goal", Action::Rebook),
    b(Trigger::Char('a'), "a", "case.key_addendum", Action::Attended),
    b(Trigger::Char('d'), "d", "case.key_follow_up_done", Action::NoShow),
    b(Trigger::Char('o'), "o", "case.key_referral_outcome", Action::PrevWeek),
    b(Trigger::Code(KeyCode::Up), "↑↓", "case.key_pick_goal", Action::Up),
    b(Trigger::Code(KeyCode::Down), "↓", "case.key_pick_goal", Action::Down),
    b(Trigger::Code(KeyCode::Esc), "Esc", "keys.back", Action::Back),
];

/// The agreement template (R2, R3) in the interface's language, from `assets/templates/`.
pub fn agreement_template() -> &'static str {
    if rust_i18n::locale().to_string() == "en" {
        include_str!("../../../assets/templates/agreement.en.txt")
    } else {
        include_str!("../../../assets/templates/agreement.zh-CN.txt")
    }
}

/// The keys of a case form: the form's own, and F4 to save and sign a session note.
pub const SESSION_FORM_KEYS: &[Binding] = &[b(Trigger::Code(KeyCode::F(4)), "F4", "case.key_sign", Action::Form)];

pub fn bindings(s: &ClientsState) -> Vec<Binding> {
    match &s.view {
        View::List if s.filter_focus => vec![
            b(Trigger::Code(KeyCode::Enter), "Enter", "keys.open", Action::Open),
            b(Trigger::Code(KeyCode::Esc), "Esc", "keys.back", Action::Back),
        ],
        View::List => LIST_KEYS.to_vec(),
        View::Register(_) => crate::ui::keys::FORM.to_vec(),
        View::Client { .. } => CLIENT_KEYS.to_vec(),
        View::Case(c) if c.form_focus && c.form.is_some() => {
            let mut all = Vec::new();
            if c.tab == 4 {
                all.extend_from_slice(SESSION_FORM_KEYS);
            }
            all.extend_from_slice(crate::ui::keys::FORM);
            all
        }
        View::Case(_) => CASE_KEYS.to_vec(),
        View::Groups(g) => super::groups::bindings(g),
    }
}

fn parts(app: &mut App) -> Option<(&mut ClientsState, &CounselorSession)> {
    match (&mut app.screen, &app.session) {
        (Screen::Home(h), Some(Session::Counselor(c))) => Some((&mut h.clients, c)),
        _ => None,
    }
}

fn rows(state: &ClientsState, session: &CounselorSession) -> Vec<crate::store::ClientRow> {
    if state.search {
        return Vec::new();
    }
    session.clients(&state.filter.get("q"), 200).unwrap_or_default()
}

pub fn on_key(app: &mut App, key: KeyEvent) -> bool {
    let Some((s, session)) = parts(app) else { return false };
    let handled = match &mut s.view {
        View::List => list_key(s, session, key),
        View::Register(_) => register_key(s, session, key),
        View::Client { .. } => client_key(s, session, key),
        View::Groups(_) => super::groups::on_key(s, session, key),
        View::Case(_) => case_key(s, session, key),
    };
    let lock = std::mem::take(&mut s.lock_now);
    if lock {
        if let View::Case(v) = &mut s.view {
            if let Some(run) = v.scale.as_mut() {
                run.handover = false;
            }
        }
    }
    if let Some((title, body)) = s.popup.take() {
        app.popup = Some(crate::ui::app::Popup::Text {
            title: t!(title).into_owned(),
            body,
        });
    }
    if lock {
        app.lock();
    }
    handled
}

/// The scale run whose keyboard was handed to a student, if one is on screen.
pub fn handed_over(s: &ClientsState) -> Option<&super::scale_run::ScaleRun> {
    match &s.view {
        View::Case(v) => v.scale.as_ref().filter(|r| r.handed_over()),
        _ => None,
    }
}

fn list_key(s: &mut ClientsState, session: &CounselorSession, key: KeyEvent) -> bool {
    if s.filter_focus {
        match key.code {
            KeyCode::Esc => s.filter_focus = false,
            KeyCode::Enter => {
                s.filter_focus = false;
                open_selected(s, session);
            }
            KeyCode::Up | KeyCode::Down => {
                s.filter_focus = false;
                return list_key(s, session, key);
            }
            _ => {
                if let FormEvent::Handled = s.filter.handle_key(key) {
                    s.selected = 0;
                }
            }
        }
        return true;
    }
    let count = if s.search {
        session.search(&s.filter.get("q"), 50).map(|h| h.len()).unwrap_or(0)
    } else {
        rows(s, session).len()
    };
    match lookup(LIST_KEYS, &key) {
        Some(Action::Edit) => {
            s.search = false;
            s.filter_focus = true;
        }
        Some(Action::Today) => {
            s.search = true;
            s.filter_focus = true;
            s.selected = 0;
        }
        Some(Action::New) => {
            s.message = None;
            s.view = View::Register(registration_form(&Client::default()));
        }
        Some(Action::Rebook) => s.view = View::Groups(Default::default()),
        Some(Action::Open) => open_selected(s, session),
        Some(Action::Up) => s.selected = s.selected.saturating_sub(1),
        Some(Action::Down) => s.selected = (s.selected + 1).min(count.saturating_sub(1)),
        _ => return false,
    }
    true
}

fn open_selected(s: &mut ClientsState, session: &CounselorSession) {
    if s.search {
        let hits = session.search(&s.filter.get("q"), 50).unwrap_or_default();
        if let Some(hit) = hits.get(s.selected) {
            if hit.case_id > 0 {
                // The overview's timeline holds the hit; the snippet says where.
                let snippet = hit.snippet.clone();
                open_case(s, session, hit.case_id, 0);
                if let View::Case(v) = &mut s.view {
                    v.message = Some((t!("clients.found", snippet = snippet).into_owned(), true));
                }
            } else if hit.kind == "client" {
                s.view = View::Client {
                    id: hit.reference,
                    selected: 0,
                };
            }
        }
        return;
    }
    if let Some(row) = rows(s, session).get(s.selected) {
        s.view = View::Client {
            id: row.id,
            selected: 0,
        };
    }
}

fn open_case(s: &mut ClientsState, session: &CounselorSession, case_id: i64, tab: usize) {
    let Ok(Some(case)) = session.case(case_id) else { return };
    let mut view = CaseView {
        case_id,
        client_id: case.client_id,
        tab,
        form: None,
        form_focus: false,
        message: None,
        draft_saved: None,
        goal: 0,
        side: None,
        scale: None,
    };
    view.form = form_for_tab(session, &case, tab, &mut view.message);
    s.view = View::Case(view);
}

const SOURCES: [(&str, &str); 5] = [
    ("self", "clients.source_self"),
    ("class_teacher", "clients.source_class_teacher"),
    ("parent", "clients.source_parent"),
    ("classmate", "clients.source_classmate"),
    ("screening", "clients.source_screening"),
];
const FAMILIES: [(&str, &str); 6] = [
    ("", "book.unknown"),
    ("nuclear", "clients.family_nuclear"),
    ("single", "clients.family_single"),
    ("blended", "clients.family_blended"),
    ("grandparents", "clients.family_grandparents"),
    ("left_behind", "clients.family_left_behind"),
];

fn registration_form(c: &Client) -> Form {
    let birth = c.birth_date.map(|d| d.to_string()).unwrap_or_default();
    let gender = c.gender.as_str();
    let (family_kind, family_text) = c.family.split_once('|').unwrap_or(("", c.family.as_str()));
    Form::new(vec![
        Field::new("name", "book.name", Kind::Text)
            .required()
            .with_value(&c.name),
        Field::new("student_no", "clients.student_no", Kind::Text).with_value(&c.student_no),
        Field::new(
            "gender",
            "book.gender",
            Kind::Select(vec![("", "book.unknown"), ("M", "book.male"), ("F", "book.female")]),
        )
        .with_value(gender),
        Field::new("birth", "clients.birth_date", Kind::Date).with_value(&birth),
        Field::new("grade", "clients.grade", Kind::Text).with_value(&c.grade),
        Field::new("class", "clients.class", Kind::Text).with_value(&c.class),
        Field::new("guardian", "clients.guardian", Kind::Text).with_value(&c.guardian),
        Field::new("contact", "book.contact", Kind::Text).with_value(&c.contact),
        Field::new("source", "clients.source", Kind::Select(SOURCES.to_vec())).with_value(&c.source),
        Field::new("family_kind", "clients.family", Kind::Select(FAMILIES.to_vec())).with_value(family_kind),
        Field::new("family", "clients.family_background", Kind::Text).with_value(family_text),
        Field::new("social", "clients.social", Kind::Text).with_value(&c.social),
        Field::new("life_history", "clients.life_history", Kind::Text).with_value(&c.life_history),
        Field::new("interests", "clients.interests", Kind::Text).with_value(&c.interests),
        Field::new("recent", "clients.recent", Kind::Text).with_value(&c.recent),
        Field::new("prior", "clients.prior", Kind::Text).with_value(&c.prior_counseling),
        Field::new("tags", "clients.tags", Kind::Text).with_value(&c.tags),
    ])
}

fn register_key(s: &mut ClientsState, session: &CounselorSession, key: KeyEvent) -> bool {
    let View::Register(form) = &mut s.view else {
        return false;
    };
    let left_name = form.focus == 0;
    match form.handle_key(key) {
        FormEvent::Submit => {
            let today = clock::today();
            let family = format!("{}|{}", form.get("family_kind"), form.get("family"));
            let client = Client {
                name: form.get("name"),
                student_no: form.get("student_no"),
                gender: form.get("gender"),
                birth_date: parse_date(&form.get("birth"), today),
                grade: form.get("grade"),
                class: form.get("class"),
                guardian: form.get("guardian"),
                contact: form.get("contact"),
                source: form.get("source"),
                family,
                social: form.get("social"),
                life_history: form.get("life_history"),
                interests: form.get("interests"),
                recent: form.get("recent"),
                prior_counseling: form.get("prior"),
                tags: form.get("tags"),
                ..Client::default()
            };
            match session.register_client(&client) {
                Ok(id) => {
                    s.message = Some((t!("clients.registered", name = client.name).into_owned(), true));
                    s.view = View::Client { id, selected: 0 };
                }
                Err(_) => form.message = Some((t!("book.store_error").into_owned(), false)),
            }
        }
        FormEvent::Cancel => s.view = View::List,
        FormEvent::Handled if left_name && form.focus != 0 => prefill(form, session),
        FormEvent::Ignored => return false,
        _ => {}
    }
    true
}

/// R1: pre-filled from the roster when the student is on it.
fn prefill(form: &mut Form, session: &CounselorSession) {
    if !form.get("student_no").is_empty() {
        return;
    }
    if let Ok([st]) = session.students_named(&form.get("name")).as_deref() {
        for (id, value) in [
            ("student_no", st.student_no.clone()),
            ("gender", st.gender.clone()),
            ("birth", st.birth_date.map(|d| d.to_string()).unwrap_or_default()),
            ("grade", st.grade.clone()),
            ("class", st.class.clone()),
        ] {
            if let Some(f) = form.field_mut(id) {
                f.set_value(&value);
            }
        }
        if let Some(f) = form.field_mut("name") {
            f.hint = Some(t!("book.from_roster", no = st.student_no).into_owned());
        }
    }
}

fn client_key(s: &mut ClientsState, session: &CounselorSession, key: KeyEvent) -> bool {
    let View::Client { id, selected } = &mut s.view else {
        return false;
    };
    let id = *id;
    let cases = session.cases_of(id).unwrap_or_default();
    match lookup(CLIENT_KEYS, &key) {
        Some(Action::Up) => *selected = selected.saturating_sub(1),
        Some(Action::Down) => *selected = (*selected + 1).min(cases.len().saturating_sub(1)),
        Some(Action::New) => {
            if let Ok(case_id) = session.open_case(id) {
                open_case(s, session, case_id, 1);
            }
        }
        Some(Action::Open) => {
            if let Some(c) = cases.get(*selected) {
                open_case(s, session, c.id, 0);
            }
        }
        Some(Action::Confirm) => {
            if let Ok(Some(mut c)) = session.client(id) {
                c.concern = !c.concern;
                let _ = session.update_client(&c);
            }
        }
        Some(Action::Back) => s.view = View::List,
        _ => return false,
    }
    true
}

fn yes_no_unasked(v: Option<bool>) -> &'static str {
    match v {
        None => "",
        Some(true) => "yes",
        Some(false) => "no",
    }
}

const CONSENT: [(&str, &str); 3] = [("", "case.unasked"), ("yes", "case.yes"), ("no", "case.no")];
const SEVERITY: [(&str, &str); 3] = [
    ("general", "case.severity_general"),
    ("serious", "case.severity_serious"),
    ("suspected_disorder", "case.severity_refer"),
];
const ENDINGS: [(&str, &str); 2] = [("direct", "case.ending_direct"), ("gradual", "case.ending_gradual")];
const REASONS: [(&str, &str); 4] = [
    ("goal_met", "case.reason_goal_met"),
    ("withdrew", "case.reason_withdrew"),
    ("referred", "case.reason_referred"),
    ("left_school", "case.reason_left"),
];
const GOAL_KINDS: [(&str, &str); 2] = [
    ("intermediate", "case.goal_intermediate"),
    ("ultimate", "case.goal_ultimate"),
];

fn date_value(d: Option<chrono::NaiveDate>) -> String {
    d.map(|d| d.to_string()).unwrap_or_default()
}

fn draft_key(case_id: i64) -> String {
    format!("session:{case_id}")
}

fn session_form(session: &CounselorSession, case: &Case) -> Form {
    let previous = session.sessions(case.id).unwrap_or_default();
    let mut feedback = Field::new("homework_feedback", "case.homework_feedback", Kind::Note { rows: 2 });
    if let Some(last) = previous.last().filter(|s| !s.homework.is_empty()) {
        feedback.hint = Some(t!("case.last_homework", text = last.homework).into_owned());
    }
    let mut minutes = Field::new("minutes", "book.minutes", Kind::Number { min: 5, max: 180 }).with_value("40");
    minutes.hint = Some(t!("book.minutes_hint").into_owned());
    Form::new(vec![
        Field::new("held", "case.held_at", Kind::Date)
            .required()
            .with_value(&clock::today().to_string()),
        minutes,
        Field::new("channel", "book.channel", Kind::Select(CHANNELS.to_vec())),
        Field::new("main_problem", "case.main_problem", Kind::Text).required(),
        Field::new("process", "case.process", Kind::Note { rows: 3 }),
        Field::new("suggestions", "case.suggestions", Kind::Text),
        Field::new("effect", "case.effect", Kind::Text),
        Field::new("other", "case.other", Kind::Text),
        Field::new("homework", "case.homework", Kind::Text),
        feedback,
        {
            let mut next = Field::new("next", "case.next_appointment", Kind::Text);
            next.hint = Some(t!("case.next_hint").into_owned());
            next
        },
    ])
}

/// The fields of a form as one text, for the draft (`id\u{1f}value` per line, values escaped).
fn draft_of(form: &Form) -> String {
    form.fields
        .iter()
        .map(|f| format!("{}\u{1f}{}", f.id, f.value().replace('\n', "\u{1e}")))
        .collect::<Vec<_>>()
        .join("\n")
}

fn restore_draft(form: &mut Form, draft: &str) {
    for line in draft.lines() {
        if let Some((id, value)) = line.split_once('\u{1f}')
            && let Some(f) = form.field_mut(id)
        {
            f.set_value(&value.replace('\u{1e}', "\n"));
        }
    }
}

fn form_for_tab(
    session: &CounselorSession,
    case: &Case,
    tab: usize,
    message: &mut Option<(String, bool)>,
) -> Option<Form> {
    match tab {
        1 => Some(Form::new(vec![
            Field::new("first_contact", "case.first_contact", Kind::Date)
                .with_value(&date_value(case.first_contact_at)),
            Field::new("agreement", "case.agreement", Kind::Date).with_value(&date_value(case.agreement_at)),
            Field::new("terms", "case.terms", Kind::Text).with_value(&case.agreement_terms),
            Field::new("recording", "case.recording_consent", Kind::Select(CONSENT.to_vec()))
                .with_value(yes_no_unasked(case.recording_consent)),
            Field::new("guardian_at", "case.guardian_consent_at", Kind::Date)
                .with_value(&date_value(case.guardian_consent_at)),
            Field::new("guardian_by", "case.guardian_consent_by", Kind::Text).with_value(&case.guardian_consent_by),
        ])),
        2 => Some(Form::new(vec![
            Field::new("methods", "case.methods", Kind::Text).with_value(&case.methods),
            Field::new("nature", "case.nature", Kind::Text).with_value(&case.nature),
            Field::new("duration", "case.duration", Kind::Text).with_value(&case.duration),
            Field::new("causes", "case.causes", Kind::Note { rows: 2 }).with_value(&case.causes),
            Field::new("severity", "case.severity", Kind::Select(SEVERITY.to_vec())).with_value(&case.severity),
            Field::new("category", "book.category", Kind::Select(CATEGORIES.to_vec())).with_value(&case.category),
        ])),
        3 => Some(Form::new(vec![
            Field::new("plan", "case.plan", Kind::Note { rows: 3 }).with_value(&case.plan),
            Field::new("goal_kind", "case.goal_kind", Kind::Select(GOAL_KINDS.to_vec())),
            Field::new("goal", "case.new_goal", Kind::Text),
        ])),
        4 => {
            let mut form = session_form(session, case);
            if let Ok(Some(draft)) = session.draft(&draft_key(case.id)) {
                restore_draft(&mut form, &draft);
                *message = Some((t!("case.draft_restored").into_owned(), true));
            }
            Some(form)
        }
        5 => Some(Form::new(vec![
            Field::new("level", "case.risk_level", Kind::Select(RISK_LEVELS.to_vec())),
            Field::new("what", "case.risk_what", Kind::Text),
            Field::new("measures", "case.risk_measures", Kind::Text),
            Field::new("n_guardian", "case.notified_guardian", Kind::Checkbox),
            Field::new("n_head_teacher", "case.notified_head_teacher", Kind::Checkbox),
            Field::new("n_leadership", "case.notified_leadership", Kind::Checkbox),
            Field::new("n_hospital", "case.notified_hospital", Kind::Checkbox),
            Field::new("notified", "case.risk_notified", Kind::Text),
            Field::new("why", "case.risk_why", Kind::Text),
            Field::new("referral_to", "case.referral_to", Kind::Text),
            Field::new("referral_why", "case.referral_why", Kind::Text),
        ])),
        6 => Some(Form::new(vec![
            Field::new("ending", "case.ending", Kind::Select(ENDINGS.to_vec())).with_value(&case.ending),
            {
                let mut f = Field::new("spaced_from", "case.spaced_from", Kind::Text);
                f.hint = Some(t!("case.spaced_hint").into_owned());
                f
            },
            Field::new("reason", "case.close_reason", Kind::Select(REASONS.to_vec())).with_value(&case.close_reason),
            Field::new("review", "case.review", Kind::Note { rows: 2 }).with_value(&case.review),
            Field::new("summary", "case.closing_summary", Kind::Note { rows: 2 }).with_value(&case.closing_summary),
            Field::new("follow_up", "case.follow_up_due", Kind::Date),
            Field::new("follow_up_method", "case.follow_up_method", Kind::Text),
        ])),
        _ => None,
    }
}

/// R10, a gradual ending: three shorter sessions (30 minutes) at widening intervals from `first`:
/// then two weeks later, then four weeks after that. Returns what happened to each, in words.
fn book_gradual_ending(
    session: &CounselorSession,
    case_id: i64,
    first: crate::domain::appointment::Slot,
) -> Vec<String> {
    let mut out = Vec::new();
    let mut start = first.start;
    for gap_days in [0, 14, 28] {
        start += chrono::Duration::days(gap_days);
        let slot = crate::domain::appointment::Slot {
            start,
            end: start + chrono::Duration::minutes(30),
        };
        let when = start.format("%m-%d %H:%M").to_string();
        out.push(match session.book_next_session(case_id, slot) {
            Ok(_) => when,
            Err(_) => t!("case.spaced_not_booked", when = when).into_owned(),
        });
    }
    out
}

/// "2026-12-07 12:00", "12/7 12:00", "明天 16:50": a date and a time booked as a 40-minute slot.
fn parse_next_appointment(text: &str, today: chrono::NaiveDate) -> Option<crate::domain::appointment::Slot> {
    let (d, t) = text.trim().split_once(char::is_whitespace)?;
    let date = parse_date(d, today)?;
    let time = crate::domain::date::parse_time(t)?;
    Some(crate::domain::appointment::Slot::new(
        date,
        time,
        crate::domain::appointment::LONGEST_ADVISED_MINUTES,
    ))
}

/// Who was notified of a risk (R18): the four the school's rules name, and anyone else written in.
fn notified(form: &Form) -> String {
    let mut who: Vec<String> = [
        ("n_guardian", "guardian"),
        ("n_head_teacher", "head_teacher"),
        ("n_leadership", "leadership"),
        ("n_hospital", "hospital"),
    ]
    .iter()
    .filter(|(id, _)| form.get(id) == "1")
    .map(|(_, v)| (*v).to_owned())
    .collect();
    let other = form.get("notified");
    if !other.is_empty() {
        who.push(other);
    }
    who.join(",")
}

fn case_error(e: &CaseError) -> String {
    match e {
        CaseError::Missing(m) => {
            let items: Vec<String> = m.iter().map(|m| t!(m.key()).into_owned()).collect();
            t!("case.still_missing", items = items.join(&t!("case.sep"))).into_owned()
        }
        CaseError::BadMove => t!("case.bad_move").into_owned(),
        CaseError::Signed => t!("case.signed").into_owned(),
        CaseError::NoDueDate => t!("case.no_due_date").into_owned(),
        CaseError::NotFound => t!("book.not_found").into_owned(),
        CaseError::Store(_) => t!("book.store_error").into_owned(),
    }
}

fn case_key(s: &mut ClientsState, session: &CounselorSession, key: KeyEvent) -> bool {
    if let View::Case(v) = &mut s.view {
        if let Some(run) = v.scale.as_mut() {
            match run.on_key(session, v.case_id, key) {
                super::scale_run::After::Stay => {}
                super::scale_run::After::Close => v.scale = None,
                super::scale_run::After::Lock => s.lock_now = true,
                super::scale_run::After::RecordRisk(what) => {
                    v.scale = None;
                    v.tab = 5;
                    v.side = None;
                    if let Ok(Some(case)) = session.case(v.case_id) {
                        v.form = form_for_tab(session, &case, 5, &mut v.message);
                    }
                    if let Some(f) = v.form.as_mut().and_then(|f| f.field_mut("what")) {
                        f.set_value(&what);
                    }
                    v.form_focus = true;
                }
            }
            return true;
        }
        if !v.form_focus && lookup(CASE_KEYS, &key) == Some(Action::NextWeek) {
            v.scale = Some(super::scale_run::ScaleRun::start(session));
            return true;
        }
    }
    if !matches!(&s.view, View::Case(v) if v.form_focus) && lookup(CASE_KEYS, &key) == Some(Action::Today) {
        s.popup = Some(("case.agreement_title", agreement_template().to_owned()));
        return true;
    }
    let View::Case(v) = &mut s.view else { return false };
    if v.form_focus {
        let Some(form) = v.form.as_mut() else { return false };
        if v.tab == 4 && key.code == KeyCode::F(4) && key.modifiers == KeyModifiers::NONE {
            if form.validate() {
                save_tab(v, session, true);
            }
            return true;
        }
        match form.handle_key(key) {
            FormEvent::Submit => save_tab(v, session, false),
            FormEvent::Cancel => {
                v.form_focus = false;
                if v.side.take().is_some() {
                    if let Ok(Some(case)) = session.case(v.case_id) {
                        let mut ignored = None;
                        v.form = form_for_tab(session, &case, v.tab, &mut ignored);
                    }
                }
            }
            FormEvent::Ignored => return false,
            _ => {}
        }
        return true;
    }
    match lookup(CASE_KEYS, &key) {
        Some(Action::PrevDay) | Some(Action::NextDay) => {
            let step = if lookup(CASE_KEYS, &key) == Some(Action::PrevDay) {
                TABS.len() - 1
            } else {
                1
            };
            v.tab = (v.tab + step) % TABS.len();
            v.message = None;
            v.side = None;
            if let Ok(Some(case)) = session.case(v.case_id) {
                v.form = form_for_tab(session, &case, v.tab, &mut v.message);
            }
        }
        Some(Action::Open) => {
            if v.form.is_some() {
                v.form_focus = true;
            }
        }
        Some(Action::Confirm) => {
            let stage = session.case(v.case_id).ok().flatten().and_then(|c| c.stage);
            if let Some(next) = stage.and_then(Stage::next) {
                v.message = Some(match session.move_case(v.case_id, next) {
                    Ok(()) => (t!("case.moved", stage = t!(stage_key(next))).into_owned(), true),
                    Err(e) => (case_error(&e), false),
                });
            }
        }
        Some(Action::Edit) => {
            let rows = session.case_audit(v.case_id).unwrap_or_default();
            let body = rows
                .iter()
                .rev()
                .take(16)
                .map(|(at, who, what)| format!("{}  {who}  {what}", at.get(..19).unwrap_or(at).replace('T', " ")))
                .collect::<Vec<_>>()
                .join("\n");
            s.popup = Some(("case.audit_title", body));
        }
        Some(Action::Up) => v.goal = v.goal.saturating_sub(1),
        Some(Action::Down) => v.goal += 1,
        Some(Action::Attended) if v.tab == 4 => {
            match session
                .sessions(v.case_id)
                .unwrap_or_default()
                .into_iter()
                .rev()
                .find(|n| n.signed)
            {
                Some(note) => {
                    v.side = Some(Side::Addendum(note.id));
                    v.form = Some(Form::new(vec![
                        Field::new("text", "case.addendum", Kind::Note { rows: 3 }).required(),
                    ]));
                    v.form_focus = true;
                    v.message = Some((
                        t!("case.addendum_to", date = note.held_at, problem = note.main_problem).into_owned(),
                        true,
                    ));
                }
                None => v.message = Some((t!("case.no_signed_note").into_owned(), false)),
            }
        }
        Some(Action::PrevWeek) if v.tab == 5 => match session.open_referrals(v.case_id).unwrap_or_default().first() {
            Some((id, to)) => {
                v.side = Some(Side::ReferralOutcome(*id));
                v.form = Some(Form::new(vec![
                    Field::new("outcome", "case.referral_outcome", Kind::Note { rows: 2 }).required(),
                ]));
                v.form_focus = true;
                v.message = Some((t!("case.referral_outcome_of", to = to).into_owned(), true));
            }
            None => v.message = Some((t!("case.no_open_referral").into_owned(), false)),
        },
        Some(Action::NoShow) if v.tab == 6 => match session.open_follow_ups(v.case_id).unwrap_or_default().first() {
            Some((id, due, method)) => {
                v.side = Some(Side::FollowUpDone(*id));
                v.form = Some(Form::new(vec![
                    Field::new("result", "case.follow_up_result", Kind::Note { rows: 2 }).required(),
                ]));
                v.form_focus = true;
                v.message = Some((t!("case.follow_up_of", due = due, method = method).into_owned(), true));
            }
            None => v.message = Some((t!("case.no_follow_up").into_owned(), false)),
        },
        Some(Action::Rebook) if v.tab == 3 => {
            let goals = session.goals(v.case_id).unwrap_or_default();
            if let Some(goal) = goals.get(v.goal.min(goals.len().saturating_sub(1))) {
                let next = match goal.status.as_str() {
                    "open" => "in_progress",
                    "in_progress" => "met",
                    "met" => "dropped",
                    _ => "open",
                };
                v.message = Some(match session.change_goal(goal.id, &goal.text, next) {
                    Ok(()) => (
                        t!("case.goal_status_set", status = t!(format!("goal.{next}"))).into_owned(),
                        true,
                    ),
                    Err(_) => (t!("book.store_error").into_owned(), false),
                });
            }
        }
        Some(Action::Cancel) => {
            if let Some((id, _, _)) = session.open_risks(v.case_id).unwrap_or_default().last() {
                let _ = session.resolve_risk(*id);
                v.message = Some((t!("case.risk_resolved").into_owned(), true));
            }
        }
        Some(Action::Back) => {
            s.view = View::Client {
                id: v.client_id,
                selected: 0,
            }
        }
        _ => return false,
    }
    true
}

fn save_tab(v: &mut CaseView, session: &CounselorSession, sign: bool) {
    if let (Some(side), Some(form)) = (v.side, v.form.as_mut()) {
        let result = match side {
            Side::Addendum(id) => session
                .add_addendum(id, &form.get("text"))
                .map(|_| t!("case.addendum_saved").into_owned()),
            Side::ReferralOutcome(id) => session
                .set_referral_outcome(id, &form.get("outcome"))
                .map(|_| t!("case.referral_outcome_saved").into_owned())
                .map_err(CaseError::from),
            Side::FollowUpDone(id) => session
                .complete_follow_up(id, &form.get("result"))
                .map(|_| t!("case.follow_up_done").into_owned())
                .map_err(CaseError::from),
        };
        match result {
            Ok(message) => {
                v.side = None;
                v.message = Some((message, true));
                v.form_focus = false;
                if let Ok(Some(case)) = session.case(v.case_id) {
                    let mut ignored = None;
                    v.form = form_for_tab(session, &case, v.tab, &mut ignored);
                }
            }
            Err(e) => form.message = Some((case_error(&e), false)),
        }
        return;
    }
    let Some(form) = v.form.as_mut() else { return };
    let Ok(Some(mut case)) = session.case(v.case_id) else {
        return;
    };
    let today = clock::today();
    let result: Result<String, CaseError> = match v.tab {
        1 => {
            case.first_contact_at = parse_date(&form.get("first_contact"), today);
            case.agreement_at = parse_date(&form.get("agreement"), today);
            case.agreement_terms = form.get("terms");
            case.recording_consent = match form.get("recording").as_str() {
                "yes" => Some(true),
                "no" => Some(false),
                _ => None,
            };
            case.guardian_consent_at = parse_date(&form.get("guardian_at"), today);
            case.guardian_consent_by = form.get("guardian_by");
            session
                .save_case(&case)
                .map(|_| t!("settings.saved").into_owned())
                .map_err(CaseError::from)
        }
        2 => {
            case.methods = form.get("methods");
            case.nature = form.get("nature");
            case.duration = form.get("duration");
            case.causes = form.get("causes");
            case.severity = form.get("severity");
            case.category = form.get("category");
            let referral_hint = case.severity == "suspected_disorder";
            session.save_case(&case).map_err(CaseError::from).map(|_| {
                if referral_hint {
                    t!("case.consider_referral")
                } else {
                    t!("settings.saved")
                }
                .into_owned()
            })
        }
        3 => {
            case.plan = form.get("plan");
            let goal = form.get("goal");
            session.save_case(&case).map_err(CaseError::from).and_then(|_| {
                if !goal.is_empty() {
                    session.add_goal(case.id, &form.get("goal_kind"), &goal)?;
                    if let Some(f) = form.field_mut("goal") {
                        f.set_value("");
                    }
                }
                Ok(t!("settings.saved").into_owned())
            })
        }
        4 => {
            let note = SessionNote {
                case_id: case.id,
                held_at: parse_date(&form.get("held"), today).unwrap_or(today).to_string(),
                minutes: form.get("minutes").parse().unwrap_or(40),
                channel: form.get("channel"),
                main_problem: form.get("main_problem"),
                process: form.get("process"),
                suggestions: form.get("suggestions"),
                effect: form.get("effect"),
                other: form.get("other"),
                homework: form.get("homework"),
                homework_feedback: form.get("homework_feedback"),
                next_appointment: form.get("next"),
                ..SessionNote::default()
            };
            let next = parse_next_appointment(&note.next_appointment, today);
            session.save_session(&note).and_then(|id| {
                if sign {
                    session.sign_session(id)?;
                }
                let _ = session.clear_draft(&draft_key(case.id));
                if let Some(slot) = next {
                    let when = slot.start.format("%Y-%m-%d %H:%M").to_string();
                    return Ok(match session.book_next_session(case.id, slot) {
                        Ok(_) => t!("case.next_booked", when = when).into_owned(),
                        Err(crate::store::BookError::OutsideHours) => {
                            t!("case.next_outside_hours", when = when).into_owned()
                        }
                        Err(crate::store::BookError::Overlap(_)) => t!("case.next_overlap", when = when).into_owned(),
                        Err(_) => t!("book.store_error").into_owned(),
                    });
                }
                Ok(if sign {
                    t!("case.session_signed")
                } else {
                    t!("case.session_saved")
                }
                .into_owned())
            })
        }
        5 => {
            // A risk event (R18), a referral (R19), or both.
            let (what, to) = (form.get("what"), form.get("referral_to"));
            if what.is_empty() && to.is_empty() {
                form.set_error("what", t!("case.risk_or_referral").into_owned());
                return;
            }
            let mut done = Vec::new();
            let mut result = Ok(());
            if !what.is_empty() {
                result = session
                    .record_risk(
                        case.id,
                        &form.get("level"),
                        &what,
                        &form.get("measures"),
                        &notified(form),
                        &form.get("why"),
                    )
                    .map(|_| done.push(t!("case.risk_recorded").into_owned()));
            }
            if result.is_ok() && !to.is_empty() {
                result = session
                    .add_referral(case.id, &to, &form.get("referral_why"))
                    .map(|_| done.push(t!("case.referral_recorded").into_owned()));
            }
            result.map(|_| done.join(" ")).map_err(CaseError::from)
        }
        6 => {
            case.ending = form.get("ending");
            case.close_reason = form.get("reason");
            case.review = form.get("review");
            case.closing_summary = form.get("summary");
            let due = parse_date(&form.get("follow_up"), today);
            let spaced = if case.ending == "gradual" {
                parse_next_appointment(&form.get("spaced_from"), today)
            } else {
                None
            };
            session.save_case(&case).map_err(CaseError::from).and_then(|_| {
                if due.is_some() {
                    session.plan_follow_up(case.id, due, &form.get("follow_up_method"))?;
                }
                match spaced {
                    Some(first) => {
                        let booked = book_gradual_ending(session, case.id, first);
                        Ok(t!("case.spaced_booked", list = booked.join(", ")).into_owned())
                    }
                    None => Ok(t!("settings.saved").into_owned()),
                }
            })
        }
        _ => return,
    };
    match result {
        Ok(message) => {
            v.message = Some((message, true));
            v.form_focus = false;
            v.draft_saved = None;
            if let Ok(Some(case)) = session.case(v.case_id) {
                let mut ignored = None;
                v.form = form_for_tab(session, &case, v.tab, &mut ignored);
            }
        }
        Err(e) => form.message = Some((case_error(&e), false)),
    }
}

/// Every tick: a session note being typed is written as a draft into the archive when it changed
/// and two seconds passed since the last write, so a crash or power cut loses seconds at most.
pub fn tick(app: &mut App) {
    save_draft(app, false);
}

/// Writes the session draft now (before a lock closes the stores), whatever the last write.
pub fn flush_draft(app: &mut App) {
    save_draft(app, true);
}

fn save_draft(app: &mut App, now: bool) {
    let Some((s, session)) = parts(app) else { return };
    let View::Case(v) = &mut s.view else { return };
    if v.tab != 4 {
        return;
    }
    let Some(form) = &v.form else { return };
    if !form.is_dirty() {
        return;
    }
    let text = draft_of(form);
    let due = match &v.draft_saved {
        Some((at, saved)) => *saved != text && (now || at.elapsed() >= Duration::from_secs(2)),
        None => true,
    };
    if due && session.save_draft(&draft_key(v.case_id), &text).is_ok() {
        v.draft_saved = Some((Instant::now(), text));
    }
}

pub fn stage_key(s: Stage) -> &'static str {
    match s {
        Stage::Intake => "stage.intake",
        Stage::Assessment => "stage.assessment",
        Stage::Counseling => "stage.counseling",
        Stage::Consolidation => "stage.consolidation",
        Stage::Closed => "stage.closed",
        Stage::FollowUp => "stage.follow_up",
    }
}

pub fn on_click(app: &mut App, body: Rect, pos: Position) {
    let Some((s, session)) = parts(app) else { return };
    match &mut s.view {
        View::List => {
            if pos.y <= body.y + 1 {
                s.filter_focus = true;
            } else if pos.y >= body.y + 4 {
                s.selected = (pos.y - body.y - 4) as usize;
                let _ = session;
            }
        }
        View::Register(form) => {
            form.click(inner(body), pos);
        }
        View::Case(v) => {
            if let Some(form) = v.form.as_mut() {
                v.form_focus |= form.click(case_form_area(body), pos);
            }
        }
        View::Client { .. } | View::Groups(_) => {}
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

fn case_form_area(body: Rect) -> Rect {
    let [_, _, form_area] = case_layout(body);
    Rect {
        x: form_area.x + 1,
        y: form_area.y + 1,
        width: form_area.width.saturating_sub(2),
        height: form_area.height.saturating_sub(2),
    }
}

fn case_layout(body: Rect) -> [Rect; 3] {
    Layout::vertical([Constraint::Length(2), Constraint::Length(1), Constraint::Min(5)]).areas(body)
}

pub fn render(app: &App, frame: &mut Frame<'_>, body: Rect) {
    let (Screen::Home(h), Some(Session::Counselor(session))) = (&app.screen, &app.session) else {
        return;
    };
    let s = &h.clients;
    let active = app.popup.is_none();
    match &s.view {
        View::List => render_list(s, session, frame, body, active),
        View::Register(form) => {
            frame.render_widget(Block::bordered().title(t!("clients.register_title").into_owned()), body);
            form.render(frame, inner(body), active);
        }
        View::Client { id, selected } => render_client(s, session, *id, *selected, frame, body),
        View::Groups(g) => super::groups::render(g, session, frame, body, active),
        View::Case(v) => render_case(v, session, frame, body, active),
    }
}

fn render_list(s: &ClientsState, session: &CounselorSession, frame: &mut Frame<'_>, body: Rect, active: bool) {
    let [top, list] = Layout::vertical([Constraint::Length(3), Constraint::Min(3)]).areas(body);
    let title = if s.search {
        t!("clients.search_title")
    } else {
        t!("clients.filter_title")
    };
    frame.render_widget(Block::bordered().title(title.into_owned()), top);
    s.filter.render(
        frame,
        Rect {
            x: top.x + 1,
            y: top.y + 1,
            width: top.width.saturating_sub(2),
            height: 1,
        },
        active && s.filter_focus,
    );
    if s.search {
        let hits = session.search(&s.filter.get("q"), 50).unwrap_or_default();
        let rows: Vec<Row> = hits
            .iter()
            .map(|h| Row::new(vec![t!(format!("search.{}", h.kind)).into_owned(), h.snippet.clone()]))
            .collect();
        let mut state = TableState::default().with_selected((!hits.is_empty()).then_some(s.selected));
        frame.render_stateful_widget(
            Table::new(rows, [Constraint::Length(10), Constraint::Min(20)])
                .row_highlight_style(Style::default().reversed())
                .block(Block::bordered().title(t!("clients.hits", count = hits.len()).into_owned())),
            list,
            &mut state,
        );
        return;
    }
    let all = rows(s, session);
    let table: Vec<Row> = all
        .iter()
        .map(|r| {
            let mut marks = String::new();
            if r.open_risk {
                marks.push_str(&t!("clients.mark_risk"));
            }
            if r.concern {
                marks.push_str(&t!("clients.mark_concern"));
            }
            Row::new(vec![
                marks,
                r.name.clone(),
                r.student_no.clone(),
                r.class.clone(),
                r.stage.map(|s| t!(stage_key(s)).into_owned()).unwrap_or_default(),
                r.tags.clone(),
            ])
        })
        .collect();
    let header = Row::new(vec![
        String::new(),
        t!("book.name").into_owned(),
        t!("clients.student_no").into_owned(),
        t!("clients.class").into_owned(),
        t!("clients.stage").into_owned(),
        t!("clients.tags").into_owned(),
    ])
    .bold();
    let mut state = TableState::default().with_selected((!all.is_empty()).then(|| s.selected.min(all.len() - 1)));
    frame.render_stateful_widget(
        Table::new(
            table,
            [
                Constraint::Length(10),
                Constraint::Length(12),
                Constraint::Length(10),
                Constraint::Length(10),
                Constraint::Length(8),
                Constraint::Min(6),
            ],
        )
        .header(header)
        .row_highlight_style(Style::default().reversed())
        .block(Block::bordered().title(t!("clients.count", count = all.len()).into_owned())),
        list,
        &mut state,
    );
    if all.is_empty() {
        frame.render_widget(
            Paragraph::new(t!("clients.empty").into_owned()).dark_gray(),
            Rect {
                x: list.x + 2,
                y: list.y + 2,
                width: list.width.saturating_sub(4),
                height: 1,
            },
        );
    }
    if let Some((m, ok)) = &s.message {
        frame.render_widget(
            Paragraph::new(m.as_str()).style(if *ok {
                Style::default().green()
            } else {
                Style::default().red()
            }),
            Rect {
                x: list.x + 2,
                y: list.bottom().saturating_sub(2),
                width: list.width.saturating_sub(4),
                height: 1,
            },
        );
    }
}

fn render_client(
    s: &ClientsState,
    session: &CounselorSession,
    id: i64,
    selected: usize,
    frame: &mut Frame<'_>,
    body: Rect,
) {
    // Reading the record for display is not audited on every frame; opening it was.
    let client = session
        .clients("", 10_000)
        .ok()
        .and_then(|rows| rows.into_iter().find(|r| r.id == id));
    let [top, list] = Layout::vertical([Constraint::Length(4), Constraint::Min(3)]).areas(body);
    let mut lines = Vec::new();
    if let Some(c) = &client {
        let mut head = format!("{}  {}  {}", c.name, c.student_no, c.class);
        if c.concern {
            head.push_str(&format!("  {}", t!("clients.mark_concern")));
        }
        if c.open_risk {
            head.push_str(&format!("  {}", t!("clients.mark_risk")));
        }
        lines.push(Line::from(head).bold());
    }
    if let Some((m, ok)) = &s.message {
        lines.push(Line::from(m.clone()).style(if *ok {
            Style::default().green()
        } else {
            Style::default().red()
        }));
    }
    frame.render_widget(
        Paragraph::new(lines).block(Block::bordered().title(t!("clients.client_title").into_owned())),
        top,
    );
    let cases = session.cases_of(id).unwrap_or_default();
    let rows: Vec<Row> = cases
        .iter()
        .map(|c| {
            Row::new(vec![
                format!("#{}", c.id),
                c.opened_at.get(..10).unwrap_or("").to_owned(),
                c.stage.map(|s| t!(stage_key(s)).into_owned()).unwrap_or_default(),
                c.counselor.clone(),
            ])
        })
        .collect();
    let mut state =
        TableState::default().with_selected((!cases.is_empty()).then_some(selected.min(cases.len().saturating_sub(1))));
    frame.render_stateful_widget(
        Table::new(
            rows,
            [
                Constraint::Length(6),
                Constraint::Length(12),
                Constraint::Length(10),
                Constraint::Min(8),
            ],
        )
        .row_highlight_style(Style::default().reversed())
        .block(Block::bordered().title(t!("clients.cases").into_owned())),
        list,
        &mut state,
    );
    if cases.is_empty() {
        frame.render_widget(
            Paragraph::new(t!("clients.no_cases").into_owned()).dark_gray(),
            Rect {
                x: list.x + 2,
                y: list.y + 1,
                width: list.width.saturating_sub(4),
                height: 1,
            },
        );
    }
}

fn render_case(v: &CaseView, session: &CounselorSession, frame: &mut Frame<'_>, body: Rect, active: bool) {
    let [head, tabs, rest] = case_layout(body);
    let case = session
        .cases_of(v.client_id)
        .ok()
        .and_then(|cs| cs.into_iter().find(|c| c.id == v.case_id))
        .unwrap_or_default();
    let name = session
        .clients("", 10_000)
        .ok()
        .and_then(|r| r.into_iter().find(|r| r.id == v.client_id))
        .map(|r| r.name)
        .unwrap_or_default();
    let risks = session.open_risks(v.case_id).unwrap_or_default();
    let stage = case.stage.unwrap_or(Stage::Intake);
    let mut title = format!("{name} · #{} · {}", v.case_id, t!(stage_key(stage)));
    if let Some((_, level, _)) = risks.last() {
        title.push_str(&format!(
            "  {}",
            t!("case.open_risk", level = t!(format!("risk.{level}")))
        ));
    }
    let facts = session.case_facts(v.case_id).unwrap_or_default();
    let lacking: Vec<String> = missing(stage, &facts)
        .iter()
        .map(|m| t!(m.key()).into_owned())
        .collect();
    let checklist = if lacking.is_empty() {
        t!("case.stage_complete").into_owned()
    } else {
        t!("case.lacks", items = lacking.join(&t!("case.sep"))).into_owned()
    };
    let head_style = if risks.is_empty() {
        Style::default().bold()
    } else {
        Style::default().bold().red()
    };
    frame.render_widget(
        Paragraph::new(vec![
            Line::from(title).style(head_style),
            Line::from(checklist).dark_gray(),
        ]),
        head,
    );
    let tab_line: Vec<ratatui::text::Span> = TABS
        .iter()
        .enumerate()
        .flat_map(|(i, k)| {
            let style = if i == v.tab {
                Style::default().reversed()
            } else {
                Style::default().cyan()
            };
            [
                ratatui::text::Span::styled(format!(" {} ", t!(*k)), style),
                ratatui::text::Span::raw(" "),
            ]
        })
        .collect();
    frame.render_widget(Paragraph::new(Line::from(tab_line)), tabs);
    if let Some((at, _)) = &v.draft_saved {
        let ago = at.elapsed().as_secs();
        let mark = t!("case.draft_saved", secs = ago).into_owned();
        let w = unicode_width::UnicodeWidthStr::width(mark.as_str()) as u16;
        // On the checklist line, right-aligned: the tab line is full at 80 columns.
        if head.width > w && head.height > 1 {
            let row = Rect {
                x: head.right() - w,
                y: head.y + 1,
                width: w,
                height: 1,
            };
            frame.render_widget(ratatui::widgets::Clear, row);
            frame.render_widget(Paragraph::new(mark).dark_gray(), row);
        }
    }
    frame.render_widget(Block::bordered(), rest);
    let area = case_form_area(body);
    if let Some(run) = &v.scale {
        run.render(frame, area);
    } else if let Some(form) = &v.form {
        form.render(frame, area, active && v.form_focus);
        if v.tab == 3 {
            let goals = session.goals(v.case_id).unwrap_or_default();
            let picked = v.goal.min(goals.len().saturating_sub(1));
            let lines: Vec<Line> = goals
                .iter()
                .enumerate()
                .map(|(i, g)| {
                    let line = Line::from(format!(
                        "{} {} · {} · {}",
                        if i == picked { "›" } else { " " },
                        t!(format!("case.goal_{}", g.kind)),
                        g.text,
                        t!(format!("goal.{}", g.status))
                    ));
                    if i == picked { line.bold() } else { line }
                })
                .collect();
            let top = area.y + 6;
            if top < area.bottom() {
                frame.render_widget(
                    Paragraph::new(lines),
                    Rect {
                        y: top,
                        height: area.bottom() - top,
                        ..area
                    },
                );
            }
        }
    } else {
        // Overview: each scale's scores as a small chart (R21), then the timeline, newest last.
        let history = session.scale_history(v.client_id).unwrap_or_default();
        for (i, (scale, scores)) in history.iter().enumerate().take(3) {
            let row = Rect {
                y: area.y + i as u16,
                height: 1,
                ..area
            };
            let (_, last, _) = scores.last().cloned().unwrap_or_default();
            let label = format!("{scale:<6} {last:>3}");
            let w = (unicode_width::UnicodeWidthStr::width(label.as_str()) as u16 + 2).min(row.width);
            frame.render_widget(Paragraph::new(label).bold(), Rect { width: w, ..row });
            let data: Vec<u64> = scores.iter().map(|(_, s, _)| (*s).max(0) as u64).collect();
            let chart = Rect {
                x: row.x + w,
                width: row.width.saturating_sub(w).min(data.len() as u16 * 2),
                ..row
            };
            frame.render_widget(
                ratatui::widgets::Sparkline::default()
                    .data(&data)
                    .style(Style::default().cyan()),
                chart,
            );
        }
        let shown = history.len().min(3) as u16;
        let area = Rect {
            y: area.y + shown,
            height: area.height.saturating_sub(shown),
            ..area
        };
        let mut lines: Vec<Line> = session
            .timeline(v.case_id)
            .unwrap_or_default()
            .into_iter()
            .map(|(at, kind, text)| {
                let text = if kind == "stage" {
                    Stage::parse(&text)
                        .map(|s| t!(stage_key(s)).into_owned())
                        .unwrap_or(text)
                } else {
                    text
                };
                Line::from(format!(
                    "{}  {}  {}",
                    at.get(..10).unwrap_or(""),
                    t!(format!("timeline.{kind}")),
                    text
                ))
            })
            .collect();
        for (_, level, what) in &risks {
            lines.push(
                Line::from(format!(
                    "{} {what}",
                    t!("case.open_risk", level = t!(format!("risk.{level}")))
                ))
                .red(),
            );
        }
        let skip = lines.len().saturating_sub(area.height as usize);
        frame.render_widget(Paragraph::new(lines.split_off(skip)).wrap(Wrap { trim: true }), area);
    }
    if let Some((m, ok)) = &v.message {
        frame.render_widget(
            Paragraph::new(m.as_str())
                .style(if *ok {
                    Style::default().green()
                } else {
                    Style::default().red()
                })
                .wrap(Wrap { trim: true }),
            Rect {
                y: rest.bottom().saturating_sub(3),
                height: 2,
                ..area
            },
        );
    }
}
