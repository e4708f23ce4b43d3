//! Forms: labelled text fields (wide characters and input methods handled by ratatui-textarea),
//! passwords, dates, times, numbers, selects and checkboxes, each with its message beside it.
//! A form keeps what was typed until the screen that owns it says otherwise: a failed check
//! never clears a field.

use chrono::NaiveDate;
use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::{Position, Rect};
use ratatui::style::{Modifier, Style, Stylize};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui_textarea::{CursorMove, TextArea};
use rust_i18n::t;
use unicode_width::UnicodeWidthStr;

use crate::domain::date::{parse_date, parse_time};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Kind {
    Text,
    Password,
    Date,
    Time,
    Number {
        min: i64,
        max: i64,
    },
    /// Options: (value, label key for `t!`).
    Select(Vec<(&'static str, &'static str)>),
    Checkbox,
    /// A multi-line note of `rows` rows: Enter starts a new line, text wraps.
    Note {
        rows: u16,
    },
}

pub struct Field {
    pub id: &'static str,
    /// An i18n key.
    pub label: &'static str,
    pub kind: Kind,
    pub required: bool,
    input: TextArea<'static>,
    pub selected: usize,
    pub checked: bool,
    pub error: Option<String>,
    /// A hint shown beside the field when there is no error (an i18n key or text).
    pub hint: Option<String>,
    pristine: String,
}

impl Field {
    pub fn new(id: &'static str, label: &'static str, kind: Kind) -> Field {
        let mut input = TextArea::default();
        input.set_cursor_line_style(Style::default());
        if kind == Kind::Password {
            input.set_mask_char('•');
        }
        if matches!(kind, Kind::Note { .. }) {
            input.set_wrap_mode(ratatui_textarea::WrapMode::WordOrGlyph);
        }
        let mut field = Field {
            id,
            label,
            kind,
            required: false,
            input,
            selected: 0,
            checked: false,
            error: None,
            hint: None,
            pristine: String::new(),
        };
        // A select starts on its first option: that is not unsaved input.
        field.pristine = field.value();
        field
    }

    pub fn required(mut self) -> Field {
        self.required = true;
        self
    }

    pub fn with_value(mut self, value: &str) -> Field {
        self.set_value(value);
        self.pristine = self.value();
        self
    }

    pub fn set_value(&mut self, value: &str) {
        match &self.kind {
            Kind::Select(options) => self.selected = options.iter().position(|(v, _)| *v == value).unwrap_or(0),
            Kind::Checkbox => self.checked = value == "1",
            _ => {
                self.input = {
                    let mut ta = TextArea::new(value.split('\n').map(str::to_owned).collect());
                    ta.set_cursor_line_style(Style::default());
                    if self.kind == Kind::Password {
                        ta.set_mask_char('•');
                    }
                    if matches!(self.kind, Kind::Note { .. }) {
                        ta.set_wrap_mode(ratatui_textarea::WrapMode::WordOrGlyph);
                    }
                    ta.move_cursor(CursorMove::Bottom);
                    ta.move_cursor(CursorMove::End);
                    ta
                }
            }
        }
    }

    /// The field's value: text as typed (trimmed), a select's value, "1"/"0" for a checkbox.
    pub fn value(&self) -> String {
        match &self.kind {
            Kind::Select(options) => options
                .get(self.selected)
                .map(|(v, _)| (*v).to_owned())
                .unwrap_or_default(),
            Kind::Checkbox => if self.checked { "1" } else { "0" }.to_owned(),
            Kind::Password => self.input.lines().concat(),
            Kind::Note { .. } => self.input.lines().join("\n").trim_end().to_owned(),
            _ => self.input.lines().concat().trim().to_owned(),
        }
    }

    fn is_text(&self) -> bool {
        !matches!(self.kind, Kind::Select(_) | Kind::Checkbox)
    }

    fn height(&self) -> u16 {
        let rows = if let Kind::Note { rows } = self.kind {
            rows.max(1)
        } else {
            1
        };
        rows + u16::from(self.error.is_some())
    }

    /// Checks the field on its own (required, date, time, number); sets or clears its error.
    fn check(&mut self, today: NaiveDate) -> bool {
        let v = self.value();
        self.error = if v.is_empty() {
            self.required.then(|| t!("form.required").into_owned())
        } else {
            match self.kind {
                Kind::Date if parse_date(&v, today).is_none() => Some(t!("form.bad_date").into_owned()),
                Kind::Time if parse_time(&v).is_none() => Some(t!("form.bad_time").into_owned()),
                Kind::Number { min, max } => match v.parse::<i64>() {
                    Ok(n) if (min..=max).contains(&n) => None,
                    _ => Some(t!("form.bad_number", min = min, max = max).into_owned()),
                },
                _ => None,
            }
        };
        self.error.is_none()
    }
}

pub enum FormEvent {
    /// The key changed the form or moved within it.
    Handled,
    /// Enter on the last field, or Ctrl-S / F2 anywhere, and every field passed its check.
    Submit,
    /// Submit was asked for but a field failed its check (focus moved to it).
    Invalid,
    /// Esc.
    Cancel,
    /// Not a key for the form.
    Ignored,
}

pub struct Form {
    pub fields: Vec<Field>,
    pub focus: usize,
    /// A message for the whole form (e.g. what the store said), shown under it.
    pub message: Option<(String, bool)>,
}

const LABEL_GAP: u16 = 2;

impl Form {
    pub fn new(fields: Vec<Field>) -> Form {
        Form {
            fields,
            focus: 0,
            message: None,
        }
    }

    pub fn get(&self, id: &str) -> String {
        self.fields
            .iter()
            .find(|f| f.id == id)
            .map(Field::value)
            .unwrap_or_default()
    }

    pub fn field_mut(&mut self, id: &str) -> Option<&mut Field> {
        self.fields.iter_mut().find(|f| f.id == id)
    }

    pub fn set_error(&mut self, id: &str, message: String) {
        if let Some(i) = self.fields.iter().position(|f| f.id == id) {
            self.fields[i].error = Some(message);
            self.focus = i;
        }
    }

    /// True when something was typed that is not saved.
    pub fn is_dirty(&self) -> bool {
        self.fields.iter().any(|f| f.value() != f.pristine)
    }

    /// Marks the current values as saved.
    pub fn mark_saved(&mut self) {
        for f in &mut self.fields {
            f.pristine = f.value();
        }
    }

    /// Checks every field; moves the focus to the first that fails.
    pub fn validate(&mut self) -> bool {
        let today = chrono::Local::now().date_naive();
        let mut first_bad = None;
        for (i, f) in self.fields.iter_mut().enumerate() {
            if !f.check(today) && first_bad.is_none() {
                first_bad = Some(i);
            }
        }
        if let Some(i) = first_bad {
            self.focus = i;
        }
        first_bad.is_none()
    }

    fn submit(&mut self) -> FormEvent {
        if self.validate() {
            FormEvent::Submit
        } else {
            FormEvent::Invalid
        }
    }

    pub fn handle_key(&mut self, key: KeyEvent) -> FormEvent {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        match key.code {
            KeyCode::Esc => return FormEvent::Cancel,
            KeyCode::F(2) => return self.submit(),
            KeyCode::Char('s') if ctrl => return self.submit(),
            KeyCode::Enter if matches!(self.fields.get(self.focus).map(|f| &f.kind), Some(Kind::Note { .. })) => {
                if let Some(f) = self.fields.get_mut(self.focus) {
                    f.input.insert_newline();
                    f.error = None;
                }
                return FormEvent::Handled;
            }
            KeyCode::Up | KeyCode::Down
                if matches!(self.fields.get(self.focus).map(|f| &f.kind), Some(Kind::Note { .. })) =>
            {
                if let Some(f) = self.fields.get_mut(self.focus) {
                    f.input.move_cursor(if key.code == KeyCode::Up {
                        CursorMove::Up
                    } else {
                        CursorMove::Down
                    });
                }
                return FormEvent::Handled;
            }
            KeyCode::Tab | KeyCode::Down => {
                self.focus = (self.focus + 1) % self.fields.len().max(1);
                return FormEvent::Handled;
            }
            KeyCode::BackTab | KeyCode::Up => {
                self.focus = (self.focus + self.fields.len().max(1) - 1) % self.fields.len().max(1);
                return FormEvent::Handled;
            }
            KeyCode::Enter => {
                if self.focus + 1 >= self.fields.len() {
                    return self.submit();
                }
                self.focus += 1;
                return FormEvent::Handled;
            }
            _ => {}
        }
        if ctrl && !matches!(key.code, KeyCode::Char('a' | 'e' | 'h' | 'k' | 'u' | 'w')) {
            return FormEvent::Ignored;
        }
        let Some(field) = self.fields.get_mut(self.focus) else {
            return FormEvent::Ignored;
        };
        if ctrl && key.code == KeyCode::Char('u') && field.is_text() {
            // As in a shell: Ctrl-U clears what is before the cursor.
            field.input.delete_line_by_head();
            field.error = None;
            return FormEvent::Handled;
        }
        match &field.kind {
            Kind::Select(options) => {
                let n = options.len().max(1);
                match key.code {
                    KeyCode::Left => field.selected = (field.selected + n - 1) % n,
                    KeyCode::Right | KeyCode::Char(' ') => field.selected = (field.selected + 1) % n,
                    _ => return FormEvent::Ignored,
                }
            }
            Kind::Checkbox => match key.code {
                KeyCode::Char(' ') => field.checked = !field.checked,
                _ => return FormEvent::Ignored,
            },
            _ => {
                if !field.input.input(key)
                    && !matches!(key.code, KeyCode::Char(_) | KeyCode::Backspace | KeyCode::Delete)
                {
                    return FormEvent::Ignored;
                }
                field.error = None;
            }
        }
        FormEvent::Handled
    }

    /// Pasted text goes into the focused text field: as one line, or as typed in a note.
    pub fn handle_paste(&mut self, text: &str) {
        if let Some(field) = self.fields.get_mut(self.focus)
            && field.is_text()
        {
            let text: String = match field.kind {
                Kind::Note { .. } => text.replace("\r\n", "\n").replace('\r', "\n"),
                _ => text.chars().filter(|c| *c != '\n' && *c != '\r').collect(),
            };
            field.input.insert_str(text);
            field.error = None;
        }
    }

    fn label_width(&self) -> u16 {
        self.fields
            .iter()
            .map(|f| t!(f.label).width() as u16)
            .max()
            .unwrap_or(0)
            + LABEL_GAP
    }

    /// Where each field is drawn in `area`: one row each, and one more under a field with an
    /// error. The same function serves drawing and mouse clicks.
    pub fn field_rows(&self, area: Rect) -> Vec<Rect> {
        let mut y = area.y;
        let mut rows = Vec::new();
        for f in &self.fields {
            rows.push(Rect {
                x: area.x,
                y,
                width: area.width,
                height: f.height() - u16::from(f.error.is_some()),
            });
            y = y.saturating_add(f.height());
        }
        rows
    }

    /// Focuses the field under a click; true if one was hit (a select cycles, a box toggles).
    pub fn click(&mut self, area: Rect, pos: Position) -> bool {
        let rows = self.field_rows(area);
        let Some(i) = rows.iter().position(|r| r.contains(pos)) else {
            return false;
        };
        if self.focus == i {
            let field = &mut self.fields[i];
            match &field.kind {
                Kind::Select(options) => field.selected = (field.selected + 1) % options.len().max(1),
                Kind::Checkbox => field.checked = !field.checked,
                _ => {}
            }
        }
        self.focus = i;
        true
    }

    /// Draws the form; `active` puts the terminal cursor in the focused text field (where an
    /// input method expects it).
    pub fn render(&self, frame: &mut Frame<'_>, area: Rect, active: bool) {
        let label_w = self.label_width();
        let rows = self.field_rows(area);
        for (i, (f, row)) in self.fields.iter().zip(&rows).enumerate() {
            if row.y >= area.bottom() {
                break;
            }
            let focused = active && i == self.focus;
            let marker = if f.required { "*" } else { " " };
            let label_style = if focused {
                Style::default().bold().yellow()
            } else {
                Style::default()
            };
            frame.render_widget(
                Paragraph::new(Line::from(vec![
                    Span::styled(t!(f.label).into_owned(), label_style),
                    Span::raw(marker),
                ])),
                Rect {
                    width: label_w.min(row.width),
                    ..*row
                },
            );
            let input_area = Rect {
                x: row.x + label_w,
                width: row.width.saturating_sub(label_w).min(48),
                y: row.y,
                height: 1,
            };
            let field_style = if focused {
                Style::default()
                    .add_modifier(Modifier::UNDERLINED)
                    .bg(ratatui::style::Color::DarkGray)
            } else {
                Style::default().add_modifier(Modifier::UNDERLINED)
            };
            match &f.kind {
                Kind::Select(options) => {
                    // One option at a time, so that long lists fit at 80 columns.
                    let label = options
                        .get(f.selected)
                        .map(|(_, l)| t!(*l).into_owned())
                        .unwrap_or_default();
                    let style = if focused {
                        Style::default().reversed()
                    } else {
                        Style::default().bold()
                    };
                    let spans = vec![
                        Span::raw("‹ "),
                        Span::styled(label, style),
                        Span::raw(" ›"),
                        Span::styled(
                            format!("  {}/{}", f.selected + 1, options.len()),
                            Style::default().dark_gray(),
                        ),
                    ];
                    frame.render_widget(Paragraph::new(Line::from(spans)), input_area);
                }
                Kind::Checkbox => {
                    let mark = if f.checked { "[x]" } else { "[ ]" };
                    frame.render_widget(Paragraph::new(mark).style(field_style), input_area);
                }
                Kind::Note { .. } => {
                    let note_area = Rect {
                        x: input_area.x,
                        y: row.y,
                        width: row.width.saturating_sub(label_w),
                        height: row.height.min(area.bottom().saturating_sub(row.y)),
                    };
                    let mut input = f.input.clone();
                    input.set_style(if focused {
                        Style::default().bg(ratatui::style::Color::Indexed(236))
                    } else {
                        Style::default().bg(ratatui::style::Color::Indexed(234))
                    });
                    input.set_cursor_style(if focused {
                        Style::default().reversed()
                    } else {
                        Style::default()
                    });
                    frame.render_widget(&input, note_area);
                    if focused {
                        let cursor = input.screen_cursor();
                        let (top, left) = input.scroll_offset();
                        let y = note_area.y + (cursor.row as u16).saturating_sub(top);
                        let x = note_area.x + (cursor.col as u16).saturating_sub(left);
                        frame.set_cursor_position(Position {
                            x: x.min(note_area.right().saturating_sub(1)),
                            y,
                        });
                    }
                }
                _ => {
                    let shown: String = match f.kind {
                        Kind::Password => "•".repeat(f.value().chars().count()),
                        _ => f.input.lines().concat(),
                    };
                    let cursor_col = f.input.cursor().1;
                    let before: String = match f.kind {
                        Kind::Password => "•".repeat(cursor_col),
                        _ => f.input.lines().concat().chars().take(cursor_col).collect(),
                    };
                    let before_w = before.width() as u16;
                    let skip = before_w.saturating_sub(input_area.width.saturating_sub(1));
                    frame.render_widget(Paragraph::new(shown).style(field_style).scroll((0, skip)), input_area);
                    if focused {
                        frame.set_cursor_position(Position {
                            x: input_area.x + before_w - skip,
                            y: row.y,
                        });
                    }
                }
            }
            let note_x = input_area.right() + 1;
            if note_x < row.right() {
                let note_area = Rect {
                    x: note_x,
                    width: row.right() - note_x,
                    ..*row
                };
                if let Some(hint) = f.hint.as_ref().filter(|_| f.error.is_none()) {
                    frame.render_widget(Paragraph::new(hint.as_str()).dark_gray(), note_area);
                }
            }
            if let Some(err) = &f.error {
                let err_area = Rect {
                    x: row.x + label_w,
                    y: row.y + row.height,
                    width: row.width.saturating_sub(label_w),
                    height: 1,
                };
                if err_area.y < area.bottom() {
                    frame.render_widget(Paragraph::new(format!("⚠ {err}")).red(), err_area);
                }
            }
        }
        if let Some((message, ok)) = &self.message {
            let y = rows.last().map(|r| r.bottom() + 1).unwrap_or(area.y);
            if y < area.bottom() {
                let style = if *ok {
                    Style::default().green()
                } else {
                    Style::default().red()
                };
                frame.render_widget(
                    Paragraph::new(message.as_str())
                        .style(style)
                        .wrap(ratatui::widgets::Wrap { trim: true }),
                    Rect {
                        x: area.x,
                        y,
                        width: area.width,
                        height: area.bottom() - y,
                    },
                );
            }
        }
    }
}

/// A form under a bold title line, over whatever was drawn there (a small form over a screen).
pub fn titled(frame: &mut Frame<'_>, area: Rect, title: String, form: &Form, active: bool) {
    frame.render_widget(ratatui::widgets::Clear, area);
    frame.render_widget(Paragraph::new(Line::from(title).bold()), Rect { height: 1, ..area });
    form.render(
        frame,
        Rect {
            y: area.y + 1,
            height: area.height.saturating_sub(1),
            ..area
        },
        active,
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    fn type_in(form: &mut Form, text: &str) {
        for c in text.chars() {
            form.handle_key(key(KeyCode::Char(c)));
        }
    }

    fn cursor_after_render(form: &Form) -> Position {
        let mut terminal = Terminal::new(TestBackend::new(60, 10)).unwrap();
        terminal.draw(|f| form.render(f, f.area(), true)).unwrap();
        terminal.get_cursor_position().unwrap()
    }

    #[test]
    fn wide_characters_move_the_cursor_two_columns_and_backspace_removes_one_character() {
        let mut form = Form::new(vec![Field::new("name", "form.required", Kind::Text)]);
        let label_w = form.label_width();
        type_in(&mut form, "张三丰");
        assert_eq!(cursor_after_render(&form), Position { x: label_w + 6, y: 0 });
        form.handle_key(key(KeyCode::Backspace));
        assert_eq!(form.get("name"), "张三");
        assert_eq!(cursor_after_render(&form), Position { x: label_w + 4, y: 0 });
        form.handle_key(key(KeyCode::Left));
        type_in(&mut form, "小");
        assert_eq!(form.get("name"), "张小三");
    }

    #[test]
    fn paste_goes_into_the_focused_field_and_a_failed_check_keeps_every_value() {
        let mut form = Form::new(vec![
            Field::new("name", "form.required", Kind::Text).required(),
            Field::new("born", "form.bad_date", Kind::Date),
            Field::new("at", "form.bad_time", Kind::Time),
            Field::new("n", "form.bad_number", Kind::Number { min: 1, max: 120 }),
        ]);
        form.handle_paste("欧阳\n璟珩");
        form.handle_key(key(KeyCode::Tab));
        type_in(&mut form, "2026-02-30");
        form.handle_key(key(KeyCode::Tab));
        type_in(&mut form, "14:30");
        form.handle_key(key(KeyCode::Tab));
        type_in(&mut form, "500");
        assert!(matches!(form.handle_key(key(KeyCode::F(2))), FormEvent::Invalid));
        assert_eq!(form.focus, 1, "focus goes to the first field that failed");
        assert!(form.fields[1].error.is_some() && form.fields[3].error.is_some());
        assert!(form.fields[0].error.is_none() && form.fields[2].error.is_none());
        assert_eq!(
            [form.get("name"), form.get("born"), form.get("at"), form.get("n")],
            ["欧阳璟珩".to_owned(), "2026-02-30".into(), "14:30".into(), "500".into()]
        );
        form.focus = 1;
        for _ in 0..2 {
            form.handle_key(key(KeyCode::Backspace));
        }
        type_in(&mut form, "28");
        form.focus = 3;
        form.handle_key(key(KeyCode::Backspace));
        form.handle_key(key(KeyCode::Backspace));
        assert!(matches!(form.handle_key(key(KeyCode::F(2))), FormEvent::Submit));
        assert!(form.is_dirty());
        form.mark_saved();
        assert!(!form.is_dirty());
    }

    #[test]
    fn typed_dates_in_the_forms_people_use_pass() {
        for text in ["2026-03-05", "3/5", "今天", "明天", "2026年3月5日"] {
            let mut form = Form::new(vec![Field::new("d", "form.bad_date", Kind::Date)]);
            type_in(&mut form, text);
            assert!(form.validate(), "{text}");
        }
    }

    #[test]
    fn a_fresh_form_with_selects_is_not_dirty() {
        let form = Form::new(vec![
            Field::new(
                "channel",
                "form.required",
                Kind::Select(vec![("face", "a"), ("phone", "b")]),
            ),
            Field::new("consent", "form.required", Kind::Checkbox),
            Field::new("note", "form.required", Kind::Note { rows: 2 }),
        ]);
        assert!(!form.is_dirty());
    }

    #[test]
    fn a_long_note_wraps_instead_of_scrolling_sideways() {
        let mut form = Form::new(vec![Field::new("note", "form.required", Kind::Note { rows: 4 })]);
        type_in(&mut form, &"长".repeat(60));
        let cursor = cursor_after_render(&form);
        assert!(cursor.y > 0, "the cursor moved down a wrapped line: {cursor:?}");
    }

    #[test]
    fn a_note_takes_several_lines_and_selects_and_boxes_answer_space() {
        let mut form = Form::new(vec![
            Field::new("note", "form.required", Kind::Note { rows: 4 }),
            Field::new(
                "channel",
                "form.required",
                Kind::Select(vec![("face", "a"), ("phone", "b")]),
            ),
            Field::new("consent", "form.required", Kind::Checkbox),
        ]);
        type_in(&mut form, "第一行");
        form.handle_key(key(KeyCode::Enter));
        type_in(&mut form, "第二行");
        form.handle_paste("第三行\r\n第四行");
        assert_eq!(form.get("note"), "第一行\n第二行第三行\n第四行");
        assert_eq!(form.focus, 0, "Enter in a note is a new line, not the next field");
        let cursor = cursor_after_render(&form);
        assert_eq!(cursor.y, 2);
        form.handle_key(key(KeyCode::Tab));
        form.handle_key(key(KeyCode::Char(' ')));
        assert_eq!(form.get("channel"), "phone");
        form.handle_key(key(KeyCode::Tab));
        form.handle_key(key(KeyCode::Char(' ')));
        assert_eq!(form.get("consent"), "1");
        // A click on the select row focuses it; a second click cycles it.
        let area = Rect::new(0, 0, 60, 10);
        let rows = form.field_rows(area);
        assert_eq!(rows[1].y, 4, "the note takes four rows");
        form.click(area, Position { x: 20, y: rows[1].y });
        assert_eq!(form.focus, 1);
        form.click(area, Position { x: 20, y: rows[1].y });
        assert_eq!(form.get("channel"), "face");
    }
}
