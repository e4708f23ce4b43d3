//! Every screen of the shell drawn on ratatui's TestBackend, in both languages, at 80×24 and
//! 120×40, checked against reviewed snapshots (tests/snapshots/). One test, so that switching
//! the (process-wide) language cannot race another test.

use std::path::Path;
use std::sync::mpsc;

use caseroom::domain::hours::OpeningHours;
use caseroom::store::{DataDir, NewRoom, RoomSettings, Session, setup_room};
use caseroom::ui::app::{App, HomeState, Popup, Screen};
use caseroom::ui::screens::login::LoginState;
use caseroom::ui::screens::settings::SettingsState;
use caseroom::ui::screens::setup::{SetupState, Step};
use caseroom::vault::{KeyRing, Password, RecoveryCode, Role};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::layout::Rect;
use unicode_width::UnicodeWidthStr;

fn text_of(terminal: &Terminal<TestBackend>) -> String {
    let buffer = terminal.backend().buffer();
    let mut out = String::new();
    for y in 0..buffer.area.height {
        let mut x = 0;
        let mut line = String::new();
        while x < buffer.area.width {
            let symbol = buffer[(x, y)].symbol();
            line.push_str(symbol);
            x += symbol.width().max(1) as u16;
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// Draws `app` on a fresh terminal of the given size (a reused one keeps stale wide cells).
fn draw(app: &mut App, width: u16, height: u16) -> String {
    app.size = Rect::new(0, 0, width, height);
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|f| caseroom::ui::view::view(app, f)).unwrap();
    text_of(&terminal)
}

/// A room whose hours are the same every day, so that Today does not change with the weekday.
fn room(dir: &Path) -> (App, KeyRing) {
    caseroom::vault::allow_weak_kdf_for_tests();
    let same = vec![(
        chrono::NaiveTime::from_hms_opt(12, 0, 0).unwrap(),
        chrono::NaiveTime::from_hms_opt(13, 0, 0).unwrap(),
    )];
    let settings = RoomSettings {
        school: "实验中学".into(),
        room: "心理辅导室".into(),
        hours: OpeningHours {
            days: std::array::from_fn(|_| same.clone()),
        },
        ..RoomSettings::default()
    };
    let password = Password::from("counselor-pass-1");
    let new = NewRoom {
        counselor: "wang",
        display_name: "王老师",
        password: &password,
        lang: "zh-CN",
        settings,
    };
    let (session, mut ring, _code) = setup_room(DataDir::open(dir).unwrap(), new).unwrap();
    ring.add_account(
        session.grant(),
        "li",
        "李老师",
        Role::Duty,
        &Password::from("duty-pass-1"),
    )
    .unwrap();
    ring.save(dir).unwrap();
    let datadir = Session::Counselor(session).close();
    let (tx, _rx) = mpsc::channel();
    let mut app = App::new(
        dir.to_path_buf(),
        datadir,
        Some(ring.clone()),
        tx,
        Rect::new(0, 0, 80, 24),
    );
    app.lock_after = std::time::Duration::from_secs(3600);
    (app, ring)
}

fn log_in(app: &mut App, ring: &mut KeyRing, user: &str, password: &str) {
    if let Some(session) = app.session.take() {
        app.datadir = Some(session.close());
    }
    let keys = ring
        .unlock(user, &Password::from(password), chrono::Utc::now())
        .unwrap();
    let session = Session::open(app.datadir.take().unwrap(), keys, ring).unwrap();
    app.session = Some(session);
    app.refresh_after_login();
    app.screen = Screen::Home(HomeState::default());
}

#[test]
fn every_screen_in_both_languages_and_two_sizes() {
    // A fixed "today" (a Monday): Today and the calendar show dates. This is the only test in
    // this binary, so no other thread reads the environment meanwhile.
    unsafe { std::env::set_var("CASEROOM_TODAY", "2026-11-30") };
    let tmp = tempfile::tempdir().unwrap();
    let (mut app, mut ring) = room(&tmp.path().join("data"));
    let sizes = [(80, 24), (120, 40)];
    for lang in ["zh-CN", "en"] {
        rust_i18n::set_locale(lang);
        let shot = |app: &mut App, name: &str| {
            for (w, h) in sizes {
                let text = draw(app, w, h);
                insta::assert_snapshot!(format!("{name}-{lang}-{w}x{h}"), text);
            }
        };

        // First run, step by step (a fixed recovery code stands in for the random one).
        for step in [Step::Language, Step::Room, Step::Hours, Step::Code] {
            let mut setup = SetupState::default();
            setup.step = step;
            setup.code = RecoveryCode::parse("ABCD-EFGH-JKMN-PQRS-TVWX-YZ01-2345-6789");
            app.screen = Screen::Setup(Box::new(setup));
            shot(&mut app, &format!("setup-{step:?}").to_lowercase());
        }

        // Login, a wrong password, and the lock screen.
        app.screen = Screen::Login(LoginState::new(&ring, None));
        shot(&mut app, "login");
        if let Screen::Login(l) = &mut app.screen {
            l.error = Some(
                if lang == "en" {
                    "Wrong password."
                } else {
                    "密码不正确。"
                }
                .to_owned(),
            );
        }
        shot(&mut app, "login-wrong");
        app.screen = Screen::Login(LoginState::new(&ring, Some("wang".into())));
        shot(&mut app, "lock");

        // The counselor's shell: Today, a section not built yet, Settings, help, quit.
        log_in(&mut app, &mut ring, "wang", "counselor-pass-1");
        shot(&mut app, "counselor-today");
        if let Screen::Home(h) = &mut app.screen {
            h.section = 1;
        }
        shot(&mut app, "counselor-clients");
        if let Screen::Home(h) = &mut app.screen {
            h.section = 6;
            h.settings.item = 6;
            h.settings.staff_open = true;
        }
        shot(&mut app, "settings-staff");
        if let Screen::Home(h) = &mut app.screen {
            h.settings = SettingsState {
                item: 2,
                form_focus: true,
                ..SettingsState::default()
            };
            h.settings.form = Some(caseroom::ui::screens::setup::hours_form(&OpeningHours::default()));
        }
        shot(&mut app, "settings-hours");
        app.popup = Some(Popup::Help);
        shot(&mut app, "help");
        app.popup = Some(Popup::ConfirmQuit);
        shot(&mut app, "confirm-quit");
        app.popup = None;

        // The duty teacher's shell: Today, the book with a request, the duty record, the calendar.
        log_in(&mut app, &mut ring, "li", "duty-pass-1");
        shot(&mut app, "duty-today");
        if lang == "zh-CN" {
            use caseroom::store::{FrontDesk, Request};
            let desk = app.session.as_ref().unwrap().access();
            let request = Request {
                student_name: "欧阳璟珩".into(),
                class: "初二(3)班".into(),
                category: "emotion".into(),
                preferred: "周一午休".into(),
                channel: "face".into(),
                urgency: "urgent".into(),
                way: "walk_in".into(),
                ..Request::default()
            };
            desk.register_request(&request).unwrap();
        }
        if let Screen::Home(h) = &mut app.screen {
            h.section = 1;
        }
        shot(&mut app, "duty-book");
        if let Screen::Home(h) = &mut app.screen {
            h.section = 2;
            h.duty = Default::default();
        }
        caseroom::ui::screens::duty_record::enter(&mut app);
        if let Screen::Home(h) = &mut app.screen {
            let form = h.duty.form.as_mut().unwrap();
            form.field_mut("arrived").unwrap().set_value("11:55");
            form.field_mut("shift").unwrap().set_value("12:00-13:00");
        }
        shot(&mut app, "duty-record");
        if let Screen::Home(h) = &mut app.screen {
            h.section = 3;
        }
        shot(&mut app, "calendar");

        // Too small.
        let text = draw(&mut app, 60, 20);
        insta::assert_snapshot!(format!("too-small-{lang}-60x20"), text);
    }
}
