//! First run: language, the school and the counselor's account, the opening hours (R23), then
//! the recovery code shown once and confirmed by typing its last group back. It makes exactly
//! what `caseroom init` makes (both call `store::setup_room`).

use ratatui::Frame;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::style::Stylize;
use ratatui::text::Line;
use ratatui::widgets::{Block, Paragraph, Wrap};
use rust_i18n::t;

use crate::domain::hours::{DAYS, OpeningHours, format_day, parse_day};
use crate::store::{NewRoom, RoomSettings, Session, setup_room};
use crate::ui::app::{App, HomeState, Msg, Screen};
use crate::ui::widgets::form::{Field, Form, FormEvent, Kind};
use crate::vault::{KeyRing, Password, RecoveryCode, valid_name};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Step {
    #[default]
    Language,
    Room,
    Hours,
    Code,
}

pub struct SetupState {
    pub step: Step,
    pub language: Form,
    pub room: Form,
    pub hours: Form,
    pub confirm: Form,
    pub code: Option<RecoveryCode>,
}

pub const DAY_LABELS: [&str; DAYS] = [
    "day.mon", "day.tue", "day.wed", "day.thu", "day.fri", "day.sat", "day.sun",
];
pub const DAY_IDS: [&str; DAYS] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

pub fn hours_form(hours: &OpeningHours) -> Form {
    let mut fields: Vec<Field> = (0..DAYS)
        .map(|i| Field::new(DAY_IDS[i], DAY_LABELS[i], Kind::Text).with_value(&format_day(&hours.days[i])))
        .collect();
    fields[0].hint = Some(t!("setup.hours_hint").into_owned());
    Form::new(fields)
}

/// Reads the hours form; marks the fields that do not parse.
pub fn read_hours(form: &mut Form) -> Option<OpeningHours> {
    let mut hours = OpeningHours {
        days: Default::default(),
    };
    let mut ok = true;
    for i in 0..DAYS {
        match parse_day(&form.get(DAY_IDS[i])) {
            Ok(spans) => hours.days[i] = spans,
            Err(_) => {
                if ok {
                    form.set_error(DAY_IDS[i], t!("setup.hours_bad").into_owned());
                }
                ok = false;
            }
        }
    }
    ok.then_some(hours)
}

pub const LANGUAGES: [(&str, &str); 2] = [("zh-CN", "lang.zh"), ("en", "lang.en")];

impl Default for SetupState {
    fn default() -> Self {
        let current = rust_i18n::locale().to_string();
        SetupState {
            step: Step::Language,
            language: Form::new(vec![
                Field::new("lang", "setup.language", Kind::Select(LANGUAGES.to_vec())).with_value(&current),
            ]),
            room: Form::new(vec![
                Field::new("school", "setup.school", Kind::Text),
                Field::new("room", "setup.room", Kind::Text),
                Field::new("name", "setup.login_name", Kind::Text).required(),
                Field::new("display", "setup.display_name", Kind::Text),
                Field::new("password", "setup.password", Kind::Password).required(),
                Field::new("repeat", "setup.repeat", Kind::Password).required(),
            ]),
            hours: hours_form(&OpeningHours::default()),
            confirm: Form::new(vec![Field::new("last", "setup.confirm_code", Kind::Text).required()]),
            code: None,
        }
    }
}

impl SetupState {
    pub fn form_mut(&mut self) -> &mut Form {
        match self.step {
            Step::Language => &mut self.language,
            Step::Room => &mut self.room,
            Step::Hours => &mut self.hours,
            Step::Code => &mut self.confirm,
        }
    }

    pub fn form(&self) -> &Form {
        match self.step {
            Step::Language => &self.language,
            Step::Room => &self.room,
            Step::Hours => &self.hours,
            Step::Code => &self.confirm,
        }
    }

    pub fn is_dirty(&self) -> bool {
        self.step != Step::Code && (self.room.is_dirty() || self.hours.is_dirty())
    }
}

/// A plain strength hint: length and the kinds of characters used.
pub fn strength_hint(password: &str) -> String {
    let n = password.chars().count();
    let kinds = [
        password.chars().any(|c| c.is_ascii_lowercase()),
        password.chars().any(|c| c.is_ascii_uppercase()),
        password.chars().any(|c| c.is_ascii_digit()),
        password.chars().any(|c| !c.is_ascii_alphanumeric()),
    ]
    .iter()
    .filter(|k| **k)
    .count();
    match (n, kinds) {
        (0, _) => t!("setup.strength_empty").into_owned(),
        (1..=7, _) => t!("setup.strength_short").into_owned(),
        (8..=11, 0..=2) => t!("setup.strength_fair").into_owned(),
        _ => t!("setup.strength_good").into_owned(),
    }
}

pub fn on_key(app: &mut App, key: KeyEvent) {
    let Screen::Setup(state) = &mut app.screen else { return };
    let step = state.step;
    let event = state.form_mut().handle_key(key);
    match (step, event) {
        (Step::Language, FormEvent::Handled) => {
            let lang = state.language.get("lang");
            rust_i18n::set_locale(&lang);
            state.hours.fields[0].hint = Some(t!("setup.hours_hint").into_owned());
        }
        (Step::Language, FormEvent::Submit) => state.step = Step::Room,
        (Step::Language, FormEvent::Cancel) => app.ask_quit(),
        (Step::Room, FormEvent::Handled) => {
            let hint = strength_hint(&state.room.get("password"));
            if let Some(f) = state.room.field_mut("password") {
                f.hint = Some(hint);
            }
        }
        (Step::Room, FormEvent::Submit) if check_room(&mut state.room) => {
            state.step = Step::Hours;
        }
        (Step::Room, FormEvent::Cancel) => state.step = Step::Language,
        (Step::Hours, FormEvent::Submit) => {
            if let Some(hours) = read_hours(&mut state.hours) {
                create(app, hours);
            }
        }
        (Step::Hours, FormEvent::Cancel) => state.step = Step::Room,
        (Step::Code, FormEvent::Submit) => confirm_code(app),
        _ => {}
    }
}

fn check_room(form: &mut Form) -> bool {
    let name = form.get("name");
    if !valid_name(&name) {
        form.set_error("name", t!("cli.bad_name").into_owned());
        return false;
    }
    let password = form.get("password");
    if password.chars().count() < 8 {
        form.set_error("password", t!("cli.password_short").into_owned());
        return false;
    }
    if password != form.get("repeat") {
        form.set_error("repeat", t!("setup.repeat_differs").into_owned());
        return false;
    }
    true
}

fn create(app: &mut App, hours: OpeningHours) {
    let Screen::Setup(state) = &mut app.screen else { return };
    let Some(dir) = app.datadir.take() else { return };
    let name = state.room.get("name");
    let display = Some(state.room.get("display"))
        .filter(|d| !d.is_empty())
        .unwrap_or_else(|| name.clone());
    let password = Password::new(state.room.get("password"));
    let lang = state.language.get("lang");
    let settings = RoomSettings {
        school: state.room.get("school"),
        room: state.room.get("room"),
        hours,
        ..RoomSettings::default()
    };
    app.busy = Some(t!("setup.creating").into_owned());
    let tx = app.tx.clone();
    std::thread::spawn(move || {
        let new = NewRoom {
            counselor: &name,
            display_name: &display,
            password: &password,
            lang: &lang,
            settings,
        };
        let result = setup_room(dir, new)
            .map(|(session, ring, code)| (Session::Counselor(session), ring, code))
            .map_err(|e| {
                crate::cli::from_store(
                    e,
                    &crate::cli::Context {
                        user: &name,
                        dir: std::path::Path::new(""),
                    },
                )
                .message
            });
        let _ = tx.send(Msg::SetUp(Box::new(result)));
    });
}

pub fn finished(app: &mut App, result: Result<(Session, KeyRing, RecoveryCode), String>) {
    let Screen::Setup(state) = &mut app.screen else { return };
    match result {
        Ok((session, ring, code)) => {
            app.session = Some(session);
            app.ring = Some(ring);
            state.code = Some(code);
            state.step = Step::Code;
            state.room.mark_saved();
            state.hours.mark_saved();
            app.refresh_after_login();
        }
        Err(message) => {
            state.hours.message = Some((message, false));
            app.reopen_dir();
        }
    }
}

fn confirm_code(app: &mut App) {
    let Screen::Setup(state) = &mut app.screen else { return };
    let Some(code) = &state.code else { return };
    let typed = state.confirm.get("last").to_uppercase();
    if RecoveryCode::parse(&format!("{}{typed}", &code.expose()[..code.expose().len() - 4]))
        .map(|c| c.expose().to_owned())
        == Some(code.expose().to_owned())
    {
        app.screen = Screen::Home(HomeState::default());
    } else {
        state.confirm.set_error("last", t!("setup.code_mismatch").into_owned());
    }
}

fn layout(area: Rect) -> (Rect, Rect, Rect) {
    let width = area.width.min(100);
    let inner = Rect {
        x: area.x + (area.width - width) / 2,
        width,
        ..area
    };
    let [title, body, keys] =
        Layout::vertical([Constraint::Length(3), Constraint::Min(10), Constraint::Length(1)]).areas(inner);
    (title, body, keys)
}

fn body_form_area(state: &SetupState, body: Rect) -> Rect {
    match state.step {
        Step::Code => Rect {
            y: body.y + 9,
            height: body.height.saturating_sub(10),
            ..body
        },
        _ => Rect {
            y: body.y + 4,
            height: body.height.saturating_sub(5),
            ..body
        },
    }
}

pub fn on_click(app: &mut App, area: Rect, pos: Position) {
    let Screen::Setup(state) = &mut app.screen else { return };
    let (_, body, _) = layout(area);
    let form_area = body_form_area(state, body).inner(ratatui::layout::Margin {
        horizontal: 1,
        vertical: 0,
    });
    state.form_mut().click(form_area, pos);
    if state.step == Step::Language {
        rust_i18n::set_locale(&state.language.get("lang"));
    }
}

pub fn render(app: &App, frame: &mut Frame<'_>, area: Rect) {
    let Screen::Setup(state) = &app.screen else { return };
    let (title, body, keys) = layout(area);
    let (n, heading) = match state.step {
        Step::Language => (1, t!("setup.step_language")),
        Step::Room => (2, t!("setup.step_room")),
        Step::Hours => (3, t!("setup.step_hours")),
        Step::Code => (4, t!("setup.step_code")),
    };
    frame.render_widget(
        Paragraph::new(vec![
            Line::from(t!("setup.title").into_owned()).bold(),
            Line::from(t!("setup.step", n = n, total = 4, heading = heading).into_owned()).cyan(),
        ]),
        title,
    );
    frame.render_widget(Block::bordered(), body);
    let inner = body.inner(ratatui::layout::Margin {
        horizontal: 1,
        vertical: 0,
    });
    let intro = match state.step {
        Step::Language => t!("setup.intro_language"),
        Step::Room => t!("setup.intro_room"),
        Step::Hours => t!("setup.intro_hours"),
        Step::Code => t!("setup.intro_code"),
    };
    let form_area = body_form_area(state, body).inner(ratatui::layout::Margin {
        horizontal: 1,
        vertical: 0,
    });
    if state.step == Step::Code {
        let code = state
            .code
            .as_ref()
            .map(|c| c.expose().replace('-', "  "))
            .unwrap_or_default();
        frame.render_widget(
            Paragraph::new(vec![
                Line::from(intro.into_owned()),
                Line::from(""),
                Line::from(code).bold().yellow(),
                Line::from(""),
                Line::from(t!("setup.code_warning").into_owned()).red(),
            ])
            .wrap(Wrap { trim: true }),
            Rect {
                y: body.y + 1,
                height: 8,
                ..inner
            },
        );
    } else {
        frame.render_widget(
            Paragraph::new(intro.into_owned()).dark_gray().wrap(Wrap { trim: true }),
            Rect {
                y: body.y + 1,
                height: 2,
                ..inner
            },
        );
    }
    state
        .form()
        .render(frame, form_area, app.busy.is_none() && app.popup.is_none());
    let hint = match state.step {
        Step::Language => t!("setup.keys_language"),
        Step::Code => t!("setup.keys_code"),
        _ => t!("setup.keys_form"),
    };
    frame.render_widget(Paragraph::new(hint.into_owned()).reversed(), keys);
}
