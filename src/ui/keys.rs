//! Key bindings as data: one table per context. The status bar and the `?` help are drawn from
//! the same tables that dispatch keys, so a key that works is a key that is shown.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    Quit,
    Help,
    Lock,
    NextSection,
    PrevSection,
    Section(usize),
    Up,
    Down,
    Open,
    Back,
    Add,
    Reset,
    Remove,
    /// Shown only: handled by the form itself.
    Form,
    New,
    Confirm,
    Attended,
    NoShow,
    Cancel,
    Rebook,
    PrevDay,
    NextDay,
    PrevWeek,
    NextWeek,
    Today,
    Edit,
}

#[derive(Clone, Copy, Debug)]
pub enum Trigger {
    Code(KeyCode),
    Char(char),
    Ctrl(char),
    /// The number keys 1–9, for the sections.
    Digits,
}

#[derive(Clone, Copy, Debug)]
pub struct Binding {
    pub trigger: Trigger,
    /// How the key is written in the status bar and help (`Tab`, `Ctrl-L`).
    pub shown: &'static str,
    /// i18n key of what it does.
    pub label: &'static str,
    pub action: Action,
}

/// A binding, for the tables.
pub const fn b(trigger: Trigger, shown: &'static str, label: &'static str, action: Action) -> Binding {
    Binding {
        trigger,
        shown,
        label,
        action,
    }
}

/// Keys that work everywhere in the shell once logged in, unless a form has the focus.
pub const SHELL: &[Binding] = &[
    b(Trigger::Digits, "1-9", "keys.section", Action::Section(0)),
    b(
        Trigger::Code(KeyCode::Tab),
        "Tab",
        "keys.next_section",
        Action::NextSection,
    ),
    b(
        Trigger::Code(KeyCode::BackTab),
        "Shift-Tab",
        "keys.prev_section",
        Action::PrevSection,
    ),
    b(
        Trigger::Code(KeyCode::Right),
        "→",
        "keys.next_section",
        Action::NextSection,
    ),
    b(
        Trigger::Code(KeyCode::Left),
        "←",
        "keys.prev_section",
        Action::PrevSection,
    ),
    b(Trigger::Char('?'), "?", "keys.help", Action::Help),
    b(Trigger::Code(KeyCode::F(1)), "F1", "keys.help", Action::Help),
    b(Trigger::Ctrl('l'), "Ctrl-L", "keys.lock", Action::Lock),
    b(Trigger::Char('q'), "q", "keys.quit", Action::Quit),
];

/// Keys of a form with the focus.
pub const FORM: &[Binding] = &[
    b(Trigger::Code(KeyCode::F(2)), "F2/Ctrl-S", "keys.save", Action::Form),
    b(Trigger::Code(KeyCode::Esc), "Esc", "keys.back", Action::Back),
    b(Trigger::Code(KeyCode::Tab), "Tab/↓", "keys.next_field", Action::Form),
    b(
        Trigger::Code(KeyCode::BackTab),
        "Shift-Tab/↑",
        "keys.prev_field",
        Action::Form,
    ),
    b(Trigger::Code(KeyCode::Enter), "Enter", "keys.enter_field", Action::Form),
    b(Trigger::Char(' '), "Space/←→", "keys.choose", Action::Form),
    b(Trigger::Code(KeyCode::F(1)), "F1", "keys.help", Action::Help),
    b(Trigger::Ctrl('l'), "Ctrl-L", "keys.lock", Action::Lock),
];

/// The login and lock screens.
pub const LOGIN: &[Binding] = &[
    b(Trigger::Code(KeyCode::Up), "↑↓", "keys.choose_account", Action::Up),
    b(Trigger::Code(KeyCode::Down), "↓", "keys.choose_account", Action::Down),
    b(Trigger::Code(KeyCode::Enter), "Enter", "keys.log_in", Action::Open),
    b(Trigger::Code(KeyCode::F(1)), "F1", "keys.help", Action::Help),
    b(Trigger::Ctrl('c'), "Ctrl-C", "keys.quit", Action::Quit),
];

/// The list of a section with items (Settings).
pub const LIST: &[Binding] = &[
    b(Trigger::Code(KeyCode::Up), "↑↓", "keys.move", Action::Up),
    b(Trigger::Code(KeyCode::Down), "↓", "keys.move", Action::Down),
    b(Trigger::Code(KeyCode::Enter), "Enter", "keys.open", Action::Open),
];

/// The staff list in Settings.
pub const STAFF: &[Binding] = &[
    b(Trigger::Code(KeyCode::Up), "↑↓", "keys.move", Action::Up),
    b(Trigger::Code(KeyCode::Down), "↓", "keys.move", Action::Down),
    b(Trigger::Char('a'), "a", "keys.add_staff", Action::Add),
    b(Trigger::Char('r'), "r", "keys.reset_password", Action::Reset),
    b(Trigger::Char('d'), "d", "keys.remove_staff", Action::Remove),
    b(Trigger::Code(KeyCode::Esc), "Esc", "keys.back", Action::Back),
];

impl Trigger {
    fn matches(self, key: &KeyEvent) -> Option<Option<usize>> {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        let alt = key.modifiers.contains(KeyModifiers::ALT);
        let hit = match self {
            Trigger::Code(code) => key.code == code && !ctrl && !alt,
            Trigger::Char(c) => key.code == KeyCode::Char(c) && !ctrl && !alt,
            Trigger::Ctrl(c) => ctrl && key.code == KeyCode::Char(c),
            Trigger::Digits => {
                if let KeyCode::Char(d @ '1'..='9') = key.code
                    && !ctrl
                    && !alt
                {
                    return Some(Some(d as usize - '1' as usize));
                }
                false
            }
        };
        hit.then_some(None)
    }
}

/// The action `key` triggers in `table`, if any.
pub fn lookup(table: &[Binding], key: &KeyEvent) -> Option<Action> {
    table.iter().find_map(|b| {
        b.trigger.matches(key).map(|digit| match (b.action, digit) {
            (Action::Section(_), Some(n)) => Action::Section(n),
            (action, _) => action,
        })
    })
}
