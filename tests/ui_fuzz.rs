//! Random key sequences (and clicks and pastes) on every screen of a real room, drawn at 80×24
//! after each: the interface must never panic, whatever a person presses.

use std::sync::mpsc;

use caseroom::domain::hours::OpeningHours;
use caseroom::store::{DataDir, NewRoom, RoomSettings, Session, setup_room};
use caseroom::ui::app::{App, HomeState, Msg, Screen};
use caseroom::vault::{KeyRing, Password, Role};
use proptest::prelude::*;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
use ratatui::layout::Rect;

fn keys() -> impl Strategy<Value = Event> {
    let code = prop_oneof![
        Just(KeyCode::Enter),
        Just(KeyCode::Tab),
        Just(KeyCode::BackTab),
        Just(KeyCode::Esc),
        Just(KeyCode::Up),
        Just(KeyCode::Down),
        Just(KeyCode::Left),
        Just(KeyCode::Right),
        Just(KeyCode::Backspace),
        Just(KeyCode::F(1)),
        Just(KeyCode::F(2)),
        Just(KeyCode::F(4)),
        prop::sample::select(vec![
            '1', '2', '3', '4', '5', '6', '7', 'n', 'c', 'a', 'm', 'x', 'r', 'y', 'f', '/', 't', 'l', ' ', '张', '焦',
            '虑', '?', 'd', 'e', '0', ':', '-'
        ])
        .prop_map(KeyCode::Char),
    ];
    prop_oneof![
        8 => code.prop_map(|c| Event::Key(KeyEvent::new(c, KeyModifiers::NONE))),
        1 => prop::sample::select(vec!['u', 's']).prop_map(|c| Event::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))),
        1 => (0u16..80, 0u16..24).prop_map(|(column, row)| Event::Mouse(MouseEvent {
            kind: MouseEventKind::Down(MouseButton::Left),
            column,
            row,
            modifiers: KeyModifiers::NONE,
        })),
        1 => Just(Event::Paste("考试焦虑\n失眠".into())),
        1 => prop::sample::select(vec![(60u16, 20u16), (80, 24), (120, 40)]).prop_map(|(w, h)| Event::Resize(w, h)),
    ]
}

fn room(dir: &std::path::Path, role: Role) -> (App, mpsc::Receiver<Msg>) {
    caseroom::vault::allow_weak_kdf_for_tests();
    let password = Password::from("counselor-pass-1");
    let settings = RoomSettings {
        hours: OpeningHours::default(),
        ..RoomSettings::default()
    };
    let new = NewRoom {
        counselor: "wang",
        display_name: "王老师",
        password: &password,
        lang: "en",
        settings,
    };
    let (session, mut ring, _) = setup_room(DataDir::open(dir).unwrap(), new).unwrap();
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
    let (user, pw) = if role == Role::Duty {
        ("li", "duty-pass-1")
    } else {
        ("wang", "counselor-pass-1")
    };
    let keys = ring.unlock(user, &Password::from(pw), chrono::Utc::now()).unwrap();
    let session = Session::open(datadir, keys, &mut ring).unwrap();
    let (tx, rx) = mpsc::channel();
    let mut app = App::new(
        dir.to_path_buf(),
        DataDir::open(&dir.join("unused")).unwrap(),
        Some(KeyRing::load(dir).unwrap()),
        tx,
        Rect::new(0, 0, 80, 24),
    );
    app.datadir = None;
    app.session = Some(session);
    app.refresh_after_login();
    app.lock_after = std::time::Duration::from_secs(3600);
    app.screen = Screen::Home(HomeState::default());
    (app, rx)
}

proptest! {
    // CASEROOM_FUZZ_CASES=500 for a longer run; CI runs 40.
    #![proptest_config(ProptestConfig {
        cases: std::env::var("CASEROOM_FUZZ_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(40),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn no_key_sequence_panics(events in prop::collection::vec(keys(), 1..80), duty in any::<bool>()) {
        rust_i18n::set_locale("en");
        let tmp = tempfile::tempdir().unwrap();
        let (mut app, rx) = room(&tmp.path().join("data"), if duty { Role::Duty } else { Role::Counselor });
        for event in events {
            if app.quit {
                break;
            }
            app.update(Msg::Term(event));
            // Work handed to the worker comes back as a message; wait for it like the loop does.
            while app.busy.is_some() {
                match rx.recv_timeout(std::time::Duration::from_secs(10)) {
                    Ok(msg) => app.update(msg),
                    Err(_) => break,
                }
            }
            while let Ok(msg) = rx.try_recv() {
                app.update(msg);
            }
            app.update(Msg::Tick);
            let (w, h) = (app.size.width.max(1), app.size.height.max(1));
            let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
            terminal.draw(|f| caseroom::ui::view::view(&app, f)).unwrap();
        }
    }
}
