//! The application state, the messages that change it, and the one `update` that does.
//!
//! Terminal events, the clock and finished background work all arrive as [`Msg`]. Slow work
//! (key derivation, re-keying, backups) runs on a worker thread that owns the session while it
//! works and hands it back in its message, so a frame never waits on Argon2.

use std::path::PathBuf;
use std::sync::mpsc::Sender;
use std::time::{Duration, Instant};

use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEventKind};
use ratatui::layout::{Position, Rect};
use rust_i18n::t;

use super::keys::{self, Action};
use super::screens::{self, login::LoginState, settings::SettingsState, setup::SetupState};
use crate::store::{DataDir, Session};
use crate::vault::{KeyRing, Role};

pub enum Msg {
    Term(Event),
    Tick,
    /// A login finished on the worker.
    LoggedIn(Box<Result<(Session, KeyRing), LoginFailure>>),
    /// Setup finished: the session and the recovery code to show once.
    SetUp(Box<Result<(Session, KeyRing, crate::vault::RecoveryCode), String>>),
    /// Work on an open session finished; the session comes back with it.
    Worked(Box<Worked>),
}

pub struct LoginFailure {
    pub ring: Option<KeyRing>,
    pub message: String,
    pub wrong_password: bool,
}

pub struct Worked {
    pub session: Session,
    pub ring: KeyRing,
    pub result: Result<String, String>,
}

/// A job run on the worker with the session and key ring.
pub type Job = Box<dyn FnOnce(&mut Session, &mut KeyRing) -> Result<String, String> + Send>;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Section {
    Today,
    Clients,
    Calendar,
    DutyBook,
    Scales,
    Reports,
    Settings,
    Book,
    DutyRecord,
}

impl Section {
    pub fn for_role(role: Role) -> &'static [Section] {
        match role {
            Role::Duty => &[Section::Today, Section::Book, Section::DutyRecord, Section::Calendar],
            _ => &[
                Section::Today,
                Section::Clients,
                Section::Calendar,
                Section::DutyBook,
                Section::Scales,
                Section::Reports,
                Section::Settings,
            ],
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Section::Today => "nav.today",
            Section::Clients => "nav.clients",
            Section::Calendar => "nav.calendar",
            Section::DutyBook => "nav.duty_book",
            Section::Scales => "nav.scales",
            Section::Reports => "nav.reports",
            Section::Settings => "nav.settings",
            Section::Book => "nav.book",
            Section::DutyRecord => "nav.duty_record",
        }
    }
}

pub enum Screen {
    Setup(Box<SetupState>),
    Login(LoginState),
    Home(HomeState),
}

#[derive(Default)]
pub struct HomeState {
    pub section: usize,
    pub settings: SettingsState,
    pub book: screens::book::BookState,
    pub duty: screens::duty_record::DutyRecordState,
    pub calendar: screens::calendar::CalendarState,
    pub today: screens::sections::TodayState,
    pub clients: screens::clients::ClientsState,
}

pub enum Popup {
    Help,
    /// A text to read (e.g. the agreement template); any key closes it.
    Text {
        title: String,
        body: String,
    },
    ConfirmQuit,
    /// A question with a yes action, e.g. removing an account.
    Confirm {
        text: String,
        on_yes: Action,
    },
}

pub struct App {
    pub dir: PathBuf,
    /// Held (locked) whenever no session is open; a session holds it otherwise.
    pub datadir: Option<DataDir>,
    pub ring: Option<KeyRing>,
    pub session: Option<Session>,
    pub screen: Screen,
    pub popup: Option<Popup>,
    pub busy: Option<String>,
    pub size: Rect,
    pub last_input: Instant,
    pub lock_after: Duration,
    pub quit: bool,
    pub tx: Sender<Msg>,
    /// Room name and school, for the header; read at login.
    pub room_title: String,
    /// What was on screen when the session locked (forms with what was typed), kept in memory
    /// only, given back if the same account logs in again and dropped if another does.
    pub stashed: Option<(String, HomeState)>,
}

pub const MIN_WIDTH: u16 = 80;
pub const MIN_HEIGHT: u16 = 24;

impl App {
    pub fn new(dir: PathBuf, datadir: DataDir, ring: Option<KeyRing>, tx: Sender<Msg>, size: Rect) -> App {
        let screen = match &ring {
            Some(ring) => Screen::Login(LoginState::new(ring, None)),
            None => Screen::Setup(Box::default()),
        };
        App {
            dir,
            datadir: Some(datadir),
            ring,
            session: None,
            screen,
            popup: None,
            busy: None,
            size,
            last_input: Instant::now(),
            lock_after: lock_override().unwrap_or(Duration::from_secs(crate::store::DEFAULT_LOCK_MINUTES as u64 * 60)),
            quit: false,
            tx,
            room_title: String::new(),
            stashed: None,
        }
    }

    pub fn too_small(&self) -> bool {
        self.size.width < MIN_WIDTH || self.size.height < MIN_HEIGHT
    }

    pub fn role(&self) -> Option<Role> {
        self.session.as_ref().map(Session::role)
    }

    pub fn sections(&self) -> &'static [Section] {
        Section::for_role(self.role().unwrap_or(Role::Duty))
    }

    pub fn current_section(&self) -> Option<Section> {
        match &self.screen {
            Screen::Home(h) => self.sections().get(h.section).copied(),
            _ => None,
        }
    }

    /// True when some form holds input that is not saved.
    pub fn has_unsaved_input(&self) -> bool {
        match &self.screen {
            Screen::Setup(s) => s.is_dirty(),
            Screen::Home(h) => {
                h.settings.is_dirty()
                    || h.book.is_dirty()
                    || h.duty.is_dirty()
                    || h.today.is_dirty()
                    || h.clients.is_dirty()
            }
            Screen::Login(_) => false,
        }
    }

    /// True when a form has the keyboard (so letters are typed, not taken as commands).
    pub fn form_has_focus(&self) -> bool {
        match &self.screen {
            Screen::Setup(_) | Screen::Login(_) => true,
            Screen::Home(h) => match self.current_section() {
                Some(Section::Settings) => h.settings.form_active(),
                Some(Section::Book | Section::DutyBook) => h.book.form_active(),
                Some(Section::DutyRecord) => h.duty.form_active(),
                Some(Section::Today) => h.today.form_active(),
                Some(Section::Clients) => h.clients.form_active(),
                _ => false,
            },
        }
    }

    pub fn update(&mut self, msg: Msg) {
        match msg {
            Msg::Tick => self.tick(),
            Msg::Term(event) => self.on_event(event),
            Msg::LoggedIn(result) => {
                self.busy = None;
                super::screens::login::finished(self, *result);
            }
            Msg::SetUp(result) => {
                self.busy = None;
                super::screens::setup::finished(self, *result);
            }
            Msg::Worked(done) => {
                self.busy = None;
                let Worked { session, ring, result } = *done;
                self.session = Some(session);
                self.ring = Some(ring);
                self.refresh_after_login();
                if let Screen::Home(h) = &mut self.screen {
                    h.settings.work_finished(result);
                }
            }
        }
    }

    fn tick(&mut self) {
        if self.busy.is_none() && self.current_section() == Some(Section::Clients) {
            screens::clients::tick(self);
        }
        if self.session.is_some() && self.busy.is_none() && self.last_input.elapsed() >= self.lock_after {
            self.lock();
        }
    }

    fn on_event(&mut self, event: Event) {
        match event {
            Event::Resize(w, h) => {
                self.size = Rect::new(0, 0, w, h);
                return;
            }
            Event::Key(k) if k.kind == KeyEventKind::Release => return,
            _ => {}
        }
        self.last_input = Instant::now();
        if self.busy.is_some() {
            return;
        }
        match event {
            Event::Key(key) => self.on_key(key),
            Event::Paste(text) => self.on_paste(&text),
            Event::Mouse(m) if matches!(m.kind, MouseEventKind::Down(MouseButton::Left)) => {
                self.on_click(Position { x: m.column, y: m.row })
            }
            _ => {}
        }
    }

    fn on_key(&mut self, key: KeyEvent) {
        if key.modifiers.contains(KeyModifiers::CONTROL) && key.code == KeyCode::Char('c') {
            // A student holding the keyboard does not get the counselor's shell: lock instead.
            let handed_over =
                matches!(&self.screen, Screen::Home(h) if screens::clients::handed_over(&h.clients).is_some());
            if handed_over {
                self.lock();
            } else {
                self.quit = true;
            }
            return;
        }
        if key.code == KeyCode::F(12) && std::env::var("CASEROOM_TEST_PANIC").is_ok_and(|v| v == "1") {
            // Lets the tests prove the terminal is restored after a panic.
            #[allow(clippy::panic)]
            {
                panic!("panic asked for by CASEROOM_TEST_PANIC");
            }
        }
        if let Some(popup) = self.popup.take() {
            self.on_popup_key(popup, key);
            return;
        }
        if self.too_small() {
            return;
        }
        if key.modifiers.contains(KeyModifiers::CONTROL) && key.code == KeyCode::Char('l') && self.session.is_some() {
            self.lock();
            return;
        }
        if key.code == KeyCode::F(1) {
            self.popup = Some(Popup::Help);
            return;
        }
        match &self.screen {
            Screen::Setup(_) => super::screens::setup::on_key(self, key),
            Screen::Login(_) => super::screens::login::on_key(self, key),
            Screen::Home(_) => self.on_home_key(key),
        }
    }

    fn on_popup_key(&mut self, popup: Popup, key: KeyEvent) {
        match popup {
            Popup::Help | Popup::Text { .. } => {}
            Popup::ConfirmQuit => match key.code {
                KeyCode::Char('y' | 'Y') | KeyCode::Enter => self.quit = true,
                _ => {}
            },
            Popup::Confirm { on_yes, text } => match key.code {
                KeyCode::Char('y' | 'Y') | KeyCode::Enter => {
                    if let Screen::Home(h) = &mut self.screen {
                        h.settings.confirmed(on_yes);
                    }
                    super::screens::settings::run_pending(self);
                }
                KeyCode::Char('n' | 'N') | KeyCode::Esc => {}
                _ => self.popup = Some(Popup::Confirm { text, on_yes }),
            },
        }
    }

    fn on_home_key(&mut self, key: KeyEvent) {
        let handled = match self.current_section() {
            Some(Section::Settings) => screens::settings::on_key(self, key),
            Some(Section::Book | Section::DutyBook) => screens::book::on_key(self, key),
            Some(Section::DutyRecord) => screens::duty_record::on_key(self, key),
            Some(Section::Calendar) => screens::calendar::on_key(self, key),
            Some(Section::Today) => screens::sections::today_on_key(self, key),
            Some(Section::Clients) => screens::clients::on_key(self, key),
            _ => false,
        };
        if handled || self.form_has_focus() {
            return;
        }
        match keys::lookup(keys::SHELL, &key) {
            Some(Action::Section(n)) if n < self.sections().len() => self.go_section(n),
            Some(Action::NextSection) => self.step_section(1),
            Some(Action::PrevSection) => self.step_section(-1),
            Some(Action::Help) => self.popup = Some(Popup::Help),
            Some(Action::Quit) => self.ask_quit(),
            _ => {}
        }
    }

    pub fn ask_quit(&mut self) {
        if self.has_unsaved_input() {
            self.popup = Some(Popup::ConfirmQuit);
        } else {
            self.quit = true;
        }
    }

    fn go_section(&mut self, n: usize) {
        if let Screen::Home(h) = &mut self.screen {
            h.section = n;
        }
        self.entered_section();
    }

    fn step_section(&mut self, step: isize) {
        let n = self.sections().len() as isize;
        if let Screen::Home(h) = &mut self.screen {
            h.section = ((h.section as isize + step).rem_euclid(n)) as usize;
        }
        self.entered_section();
    }

    /// A section that opens on a form (the duty record) prepares it when entered.
    fn entered_section(&mut self) {
        if self.current_section() == Some(Section::DutyRecord) {
            screens::duty_record::enter(self);
        }
    }

    fn on_paste(&mut self, text: &str) {
        match &mut self.screen {
            Screen::Setup(s) => s.form_mut().handle_paste(text),
            Screen::Login(l) => l.form.handle_paste(text),
            Screen::Home(h) => {
                match Section::for_role(self.session.as_ref().map(Session::role).unwrap_or(Role::Duty)).get(h.section) {
                    Some(Section::Settings) => h.settings.paste(text),
                    Some(Section::Book | Section::DutyBook) => h.book.paste(text),
                    Some(Section::DutyRecord) => h.duty.paste(text),
                    Some(Section::Clients) => h.clients.paste(text),
                    Some(Section::Today) => {
                        if let Some(f) = h.today.leave_form.as_mut() {
                            f.handle_paste(text)
                        }
                    }
                    _ => {}
                }
            }
        }
    }

    fn on_click(&mut self, pos: Position) {
        if let Screen::Home(h) = &self.screen {
            if screens::clients::handed_over(&h.clients).is_some() {
                return; // a student at the keyboard clicks nothing else
            }
        }
        if self.popup.is_some() {
            self.popup = None;
            return;
        }
        if self.too_small() {
            return;
        }
        let area = self.size;
        match &self.screen {
            Screen::Home(_) => {
                let layout = super::view::shell_layout(area);
                if layout.nav.contains(pos) {
                    let labels: Vec<String> = self.sections().iter().map(|s| t!(s.label()).into_owned()).collect();
                    if let Some(i) = super::view::nav_hit(layout.nav, &labels, pos) {
                        self.go_section(i);
                    }
                    return;
                }
                match self.current_section() {
                    Some(Section::Settings) => screens::settings::on_click(self, layout.body, pos),
                    Some(Section::Book | Section::DutyBook) => screens::book::on_click(self, layout.body, pos),
                    Some(Section::DutyRecord) => screens::duty_record::on_click(self, layout.body, pos),
                    Some(Section::Today) => screens::sections::today_click(self, layout.body, pos),
                    Some(Section::Clients) => screens::clients::on_click(self, layout.body, pos),
                    _ => {}
                }
            }
            Screen::Login(_) => super::screens::login::on_click(self, area, pos),
            Screen::Setup(_) => super::screens::setup::on_click(self, area, pos),
        }
    }

    /// Runs `job` on the worker with the session and key ring, showing `label` meanwhile.
    pub fn work(&mut self, label: String, job: Job) {
        let (Some(mut session), Some(mut ring)) = (self.session.take(), self.ring.take()) else {
            return;
        };
        self.busy = Some(label);
        let tx = self.tx.clone();
        std::thread::spawn(move || {
            let result = job(&mut session, &mut ring);
            let _ = tx.send(Msg::Worked(Box::new(Worked { session, ring, result })));
        });
    }

    /// After login or work: read the room's settings for the header and the lock time.
    pub fn refresh_after_login(&mut self) {
        let Some(session) = &self.session else { return };
        if let Ok(settings) = session.access().room_settings() {
            self.room_title = [settings.school, settings.room]
                .into_iter()
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join(" · ");
            self.lock_after = lock_override().unwrap_or(Duration::from_secs(settings.lock_minutes.max(1) as u64 * 60));
        }
    }

    /// Locks now: the session closes (keys wiped), and the lock screen asks for a password.
    pub fn lock(&mut self) {
        // A note being typed goes into the archive as a draft before the stores close.
        screens::clients::flush_draft(self);
        let Some(session) = self.session.take() else { return };
        let account = session.access().account().to_owned();
        self.datadir = Some(session.close());
        self.popup = None;
        let screen = std::mem::replace(&mut self.screen, Screen::Home(HomeState::default()));
        if let Screen::Home(home) = screen {
            self.stashed = Some((account.clone(), home));
        }
        self.ring = KeyRing::load(&self.dir).ok().or(self.ring.take());
        if let Some(ring) = &self.ring {
            self.screen = Screen::Login(LoginState::new(ring, Some(account)));
        }
    }

    /// The home screen after a login: what was there at the lock for the same account, else new.
    pub fn home_after_login(&mut self) -> HomeState {
        let account = self.session.as_ref().map(|s| s.access().account().to_owned());
        match self.stashed.take() {
            Some((who, home)) if Some(&who) == account.as_ref() => home,
            _ => HomeState::default(),
        }
    }

    /// Re-takes the data directory's lock after a failed open let it go.
    pub fn reopen_dir(&mut self) {
        if self.datadir.is_none() {
            self.datadir = DataDir::open(&self.dir).ok();
        }
    }
}

/// `CASEROOM_LOCK_SECONDS` overrides the lock time (for tests and kiosk setups).
fn lock_override() -> Option<Duration> {
    std::env::var("CASEROOM_LOCK_SECONDS")
        .ok()?
        .parse::<u64>()
        .ok()
        .filter(|s| *s > 0)
        .map(Duration::from_secs)
}
