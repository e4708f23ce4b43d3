//! Giving a scale in a case (R21): choose it, answer one item at a time with the number keys
//! (Backspace goes back), see the result with its band and interpretation, stored with every
//! answer. A risk item answered above its lowest value alerts the counselor at once and offers
//! to record a risk event (R18). Results are screening results, never diagnoses.

use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::Rect;
use ratatui::style::{Style, Stylize};
use ratatui::text::Line;
use ratatui::widgets::{Gauge, Paragraph, Wrap};
use rust_i18n::t;

use crate::domain::scales::{Result as ScaleResult, Scale, text_in};
use crate::store::{CounselorSession, DutyBookAccess};

pub struct ScaleRun {
    pub scales: Vec<Scale>,
    /// The scale being given, once chosen.
    pub chosen: Option<usize>,
    pub pick: usize,
    pub answers: Vec<i64>,
    pub result: Option<ScaleResult>,
    /// The keyboard is handed to the student: the screen shows the scale and nothing else, and
    /// when the last item is answered (or Esc is pressed) caseroom locks.
    pub handover: bool,
}

/// What the case view should do after a key in a scale run.
pub enum After {
    Stay,
    Close,
    /// Open the risk tab with this text as what happened.
    RecordRisk(String),
    /// Lock now (the end of a handed-over scale); the result waits behind the counselor's login.
    Lock,
}

impl ScaleRun {
    pub fn start(session: &CounselorSession) -> ScaleRun {
        let loaded = crate::store::scales::load_scales(session.data_dir());
        ScaleRun {
            scales: loaded.scales,
            chosen: None,
            pick: 0,
            answers: Vec::new(),
            result: None,
            handover: false,
        }
    }

    fn lang() -> String {
        rust_i18n::locale().to_string()
    }

    pub fn on_key(&mut self, session: &CounselorSession, case_id: i64, key: KeyEvent) -> After {
        let Some(i) = self.chosen else {
            match key.code {
                KeyCode::Up => self.pick = self.pick.saturating_sub(1),
                KeyCode::Down => self.pick = (self.pick + 1).min(self.scales.len().saturating_sub(1)),
                KeyCode::Enter if !self.scales.is_empty() => self.chosen = Some(self.pick),
                KeyCode::Char('h') if !self.scales.is_empty() => {
                    self.chosen = Some(self.pick);
                    self.handover = true;
                }
                KeyCode::Esc => return After::Close,
                _ => {}
            }
            return After::Stay;
        };
        let scale = &self.scales[i];
        if let Some(result) = &self.result {
            return match key.code {
                KeyCode::Char('r') if !result.risk_items.is_empty() => {
                    let items: Vec<String> = result.risk_items.iter().map(|i| (i + 1).to_string()).collect();
                    After::RecordRisk(
                        t!(
                            "scales.risk_what",
                            scale = text_in(&scale.name, &Self::lang()),
                            items = items.join(",")
                        )
                        .into_owned(),
                    )
                }
                KeyCode::Enter | KeyCode::Esc => After::Close,
                _ => After::Stay,
            };
        }
        match key.code {
            KeyCode::Char(c @ '1'..='9') => {
                let n = c as usize - '1' as usize;
                if let Some(option) = scale.options.get(n) {
                    self.answers.push(option.value);
                    if self.answers.len() == scale.items.len() {
                        if let Ok(result) = scale.score(&self.answers) {
                            let _ = session.record_scale_result(case_id, scale, &self.answers, &result);
                            self.result = Some(result);
                        }
                    }
                }
            }
            KeyCode::Backspace | KeyCode::Left => {
                self.answers.pop();
            }
            KeyCode::Esc if self.handover => return After::Lock,
            KeyCode::Esc => return After::Close,
            _ => {}
        }
        if self.handover && self.result.is_some() {
            return After::Lock;
        }
        After::Stay
    }

    /// True while the student has the keyboard and the screen shows nothing but the scale.
    pub fn handed_over(&self) -> bool {
        self.handover && self.result.is_none()
    }

    pub fn render(&self, frame: &mut Frame<'_>, area: Rect) {
        let lang = Self::lang();
        let Some(i) = self.chosen else {
            let mut lines = vec![
                Line::from(t!("scales.choose").into_owned()).bold(),
                Line::from(t!("scales.handover_hint").into_owned()).dark_gray(),
                Line::from(""),
            ];
            for (n, s) in self.scales.iter().enumerate() {
                let line = Line::from(format!(
                    "{} {}",
                    if n == self.pick { "›" } else { " " },
                    text_in(&s.name, &lang)
                ));
                lines.push(if n == self.pick { line.reversed() } else { line });
            }
            frame.render_widget(Paragraph::new(lines), area);
            return;
        };
        let scale = &self.scales[i];
        if let Some(r) = &self.result {
            let band = r.band.and_then(|b| scale.bands.get(b));
            let score = r
                .standard
                .map(|s| t!("scales.standard", raw = r.raw, standard = s).into_owned())
                .unwrap_or_else(|| t!("scales.raw", raw = r.raw).into_owned());
            let mut lines = vec![
                Line::from(text_in(&scale.name, &lang).to_owned()).bold(),
                Line::from(score),
                Line::from(
                    band.map(|b| t!("scales.band", band = text_in(&b.label, &lang)).into_owned())
                        .unwrap_or_default(),
                )
                .bold(),
                Line::from(
                    band.map(|b| text_in(&b.interpretation, &lang).to_owned())
                        .unwrap_or_default(),
                ),
                Line::from(""),
                Line::from(t!("scales.not_a_diagnosis").into_owned()).dark_gray(),
            ];
            if !r.risk_items.is_empty() {
                let items: Vec<String> = r.risk_items.iter().map(|i| (i + 1).to_string()).collect();
                lines.insert(
                    0,
                    Line::from(t!("scales.risk_alert", items = items.join(",")).into_owned())
                        .style(Style::default().red().bold()),
                );
            }
            lines.push(Line::from(""));
            lines.push(Line::from(t!("scales.saved_keys").into_owned()).dark_gray());
            frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }), area);
            return;
        }
        let at = self.answers.len();
        let total = scale.items.len();
        let gauge_area = Rect { height: 1, ..area };
        frame.render_widget(
            Gauge::default()
                .ratio(at as f64 / total.max(1) as f64)
                .label(format!("{at}/{total}"))
                .gauge_style(Style::default().cyan()),
            gauge_area,
        );
        let mut lines = vec![
            Line::from(text_in(&scale.instructions, &lang).to_owned()).dark_gray(),
            Line::from(""),
            Line::from(format!(
                "{}. {}",
                at + 1,
                text_in(&scale.items[at.min(total - 1)].text, &lang)
            ))
            .bold(),
            Line::from(""),
        ];
        for (n, option) in scale.options.iter().enumerate() {
            lines.push(Line::from(format!("  {}  {}", n + 1, text_in(&option.label, &lang))));
        }
        lines.push(Line::from(""));
        lines.push(Line::from(t!("scales.answer_keys", n = scale.options.len()).into_owned()).dark_gray());
        frame.render_widget(
            Paragraph::new(lines).wrap(Wrap { trim: true }),
            Rect {
                y: area.y + 2,
                height: area.height.saturating_sub(2),
                ..area
            },
        );
    }
}
