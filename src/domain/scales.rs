//! Standardized scales as data (R21): a definition read from JSON (see `assets/scales/README.md`),
//! checked, and scored. Results are screening results, never diagnoses.

use std::collections::BTreeMap;

use serde::Deserialize;

/// Text in each language, keyed `zh-CN`, `en`.
pub type Text = BTreeMap<String, String>;

pub fn text_in<'a>(text: &'a Text, lang: &str) -> &'a str {
    text.get(lang)
        .or_else(|| text.get("zh-CN"))
        .or_else(|| text.values().next())
        .map(String::as_str)
        .unwrap_or("")
}

#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ScaleOption {
    pub value: i64,
    pub label: Text,
}

#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Item {
    pub text: Text,
    #[serde(default)]
    pub reverse: bool,
    #[serde(default)]
    pub risk: bool,
}

#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Standard {
    pub multiply: f64,
    #[serde(default)]
    pub integer: bool,
}

#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Scoring {
    pub raw: String,
    #[serde(default)]
    pub standard: Option<Standard>,
}

#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Band {
    pub min: i64,
    pub max: i64,
    pub label: Text,
    pub interpretation: Text,
}

#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Scale {
    pub id: String,
    pub name: Text,
    pub instructions: Text,
    pub timeframe: Text,
    pub options: Vec<ScaleOption>,
    pub items: Vec<Item>,
    pub score: Scoring,
    pub bands: Vec<Band>,
    pub source: String,
    pub licence: String,
    pub norm: String,
}

/// What is wrong with a definition: where (line and column when the JSON itself is off, else the
/// field) and what.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScaleError {
    pub line: Option<usize>,
    pub field: String,
    pub problem: String,
}

impl std::fmt::Display for ScaleError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(line) => write!(f, "line {line}: {}", self.problem),
            None => write!(f, "{}: {}", self.field, self.problem),
        }
    }
}

fn field_error(field: &str, problem: &str) -> ScaleError {
    ScaleError {
        line: None,
        field: field.to_owned(),
        problem: problem.to_owned(),
    }
}

/// The result of a completed scale.
#[derive(Clone, Debug, PartialEq)]
pub struct Result {
    pub raw: i64,
    /// The standard score, where the scale has one.
    pub standard: Option<i64>,
    /// Index into the scale's bands.
    pub band: Option<usize>,
    /// Items (0-based) whose answer raised a risk alert.
    pub risk_items: Vec<usize>,
}

impl Scale {
    pub fn parse(json: &str) -> std::result::Result<Scale, ScaleError> {
        let scale: Scale = serde_json::from_str(json).map_err(|e| ScaleError {
            line: Some(e.line()),
            field: String::new(),
            problem: e.to_string(),
        })?;
        scale.check()?;
        Ok(scale)
    }

    fn lowest(&self) -> i64 {
        self.options.iter().map(|o| o.value).min().unwrap_or(0)
    }

    fn highest(&self) -> i64 {
        self.options.iter().map(|o| o.value).max().unwrap_or(0)
    }

    /// Everything JSON cannot say: options and items present, scoring known, bands covering every
    /// possible score exactly once.
    fn check(&self) -> std::result::Result<(), ScaleError> {
        if self.id.is_empty()
            || !self
                .id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        {
            return Err(field_error("id", "letters, digits, '_' or '-' only"));
        }
        if self.options.len() < 2 {
            return Err(field_error("options", "at least two answers"));
        }
        if self.items.is_empty() {
            return Err(field_error("items", "at least one item"));
        }
        if self.score.raw != "sum" {
            return Err(field_error("score.raw", "only \"sum\" is known"));
        }
        let (lo, hi) = (
            self.lowest() * self.items.len() as i64,
            self.highest() * self.items.len() as i64,
        );
        let (lo, hi) = match &self.score.standard {
            Some(_) => (self.standardise(lo), self.standardise(hi)),
            None => (lo, hi),
        };
        let mut bands: Vec<&Band> = self.bands.iter().collect();
        bands.sort_by_key(|b| b.min);
        let mut next = lo;
        for (i, band) in bands.iter().enumerate() {
            if band.min > band.max {
                return Err(field_error(&format!("bands[{i}]"), "min is above max"));
            }
            if band.min != next && !(i == 0 && band.min <= lo) {
                return Err(field_error(
                    &format!("bands[{i}]"),
                    &format!("a gap or overlap at {next}"),
                ));
            }
            next = band.max + 1;
        }
        if next <= hi {
            return Err(field_error(
                "bands",
                &format!("scores from {next} to {hi} fall in no band"),
            ));
        }
        Ok(())
    }

    fn standardise(&self, raw: i64) -> i64 {
        match &self.score.standard {
            Some(s) if s.integer => (raw as f64 * s.multiply).floor() as i64,
            Some(s) => (raw as f64 * s.multiply).round() as i64,
            None => raw,
        }
    }

    /// Scores a complete set of answers (option values, one per item, in order).
    pub fn score(&self, answers: &[i64]) -> std::result::Result<Result, ScaleError> {
        if answers.len() != self.items.len() {
            return Err(field_error(
                "answers",
                &format!("{} answers for {} items", answers.len(), self.items.len()),
            ));
        }
        if let Some(bad) = answers.iter().find(|a| !self.options.iter().any(|o| o.value == **a)) {
            return Err(field_error("answers", &format!("{bad} is not one of the answers")));
        }
        let (lo, hi) = (self.lowest(), self.highest());
        let raw = self
            .items
            .iter()
            .zip(answers)
            .map(|(item, &a)| if item.reverse { hi + lo - a } else { a })
            .sum();
        let standard = self.score.standard.as_ref().map(|_| self.standardise(raw));
        let scored = standard.unwrap_or(raw);
        let band = self.bands.iter().position(|b| b.min <= scored && scored <= b.max);
        let risk_items = self
            .items
            .iter()
            .zip(answers)
            .enumerate()
            .filter(|(_, (item, a))| item.risk && **a > lo)
            .map(|(i, _)| i)
            .collect();
        Ok(Result {
            raw,
            standard,
            band,
            risk_items,
        })
    }
}

/// The scales shipped in `assets/scales/`.
pub fn builtin() -> Vec<(&'static str, &'static str)> {
    vec![
        ("phq9.json", include_str!("../../assets/scales/phq9.json")),
        ("gad7.json", include_str!("../../assets/scales/gad7.json")),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(name: &str) -> Scale {
        let (_, text) = builtin().into_iter().find(|(n, _)| *n == name).unwrap();
        Scale::parse(text).unwrap()
    }

    fn band_label(scale: &Scale, answers: &[i64]) -> String {
        let r = scale.score(answers).unwrap();
        text_in(&scale.bands[r.band.unwrap()].label, "en").to_owned()
    }

    /// Every band boundary of the PHQ-9 (0–4, 5–9, 10–14, 15–19, 20–27) and the item-9 alert.
    #[test]
    fn phq9_bands_at_every_boundary_and_item_nine() {
        let phq = load("phq9.json");
        let with_total = |total: i64| -> Vec<i64> {
            let mut left = total;
            (0..9)
                .map(|_| {
                    let v = left.min(3);
                    left -= v;
                    v
                })
                .collect()
        };
        for (total, band) in [
            (0, "none–minimal"),
            (4, "none–minimal"),
            (5, "mild"),
            (9, "mild"),
            (10, "moderate"),
            (14, "moderate"),
            (15, "moderately severe"),
            (19, "moderately severe"),
            (20, "severe"),
            (27, "severe"),
        ] {
            let answers = with_total(total);
            assert_eq!(phq.score(&answers).unwrap().raw, total);
            assert_eq!(band_label(&phq, &answers), band, "total {total}");
        }
        // Item 9 answered "several days": an alert, whatever the total.
        let r = phq.score(&[0, 0, 0, 0, 0, 0, 0, 0, 1]).unwrap();
        assert_eq!((r.raw, r.risk_items.clone()), (1, vec![8]));
        assert!(phq.score(&[3, 3, 3, 3, 3, 3, 3, 3, 0]).unwrap().risk_items.is_empty());
        assert!(phq.score(&[0; 8]).is_err());
        assert!(phq.score(&[4, 0, 0, 0, 0, 0, 0, 0, 0]).is_err());
    }

    #[test]
    fn gad7_bands_at_every_boundary() {
        let gad = load("gad7.json");
        for (answers, band) in [
            ([0, 0, 0, 0, 0, 0, 0], "minimal"),
            ([3, 1, 0, 0, 0, 0, 0], "minimal"),
            ([3, 2, 0, 0, 0, 0, 0], "mild"),
            ([3, 3, 3, 0, 0, 0, 0], "mild"),
            ([3, 3, 3, 1, 0, 0, 0], "moderate"),
            ([3, 3, 3, 3, 2, 0, 0], "moderate"),
            ([3, 3, 3, 3, 3, 0, 0], "severe"),
            ([3, 3, 3, 3, 3, 3, 3], "severe"),
        ] {
            assert_eq!(band_label(&gad, &answers), band, "{answers:?}");
        }
    }

    /// Reverse items and the Zung standard score (integer part of raw × 1.25), on a small made-up
    /// definition so that the rule is tested apart from any shipped scale.
    #[test]
    fn reverse_items_and_a_standard_score() {
        let json = r#"{ "id": "t", "name": {"en": "t"}, "instructions": {"en": ""}, "timeframe": {"en": ""},
          "options": [ {"value": 1, "label": {"en": "a"}}, {"value": 2, "label": {"en": "b"}},
                       {"value": 3, "label": {"en": "c"}}, {"value": 4, "label": {"en": "d"}} ],
          "items": [ {"text": {"en": "1"}}, {"text": {"en": "2"}, "reverse": true}, {"text": {"en": "3"}} ],
          "score": { "raw": "sum", "standard": { "multiply": 1.25, "integer": true } },
          "bands": [ {"min": 3, "max": 9, "label": {"en": "low"}, "interpretation": {"en": ""}},
                     {"min": 10, "max": 15, "label": {"en": "high"}, "interpretation": {"en": ""}} ],
          "source": "test", "licence": "test", "norm": "test" }"#;
        let scale = Scale::parse(json).unwrap();
        let r = scale.score(&[4, 1, 3]).unwrap();
        assert_eq!(r.raw, 4 + 4 + 3, "the reverse item counts 5 - 1");
        assert_eq!(r.standard, Some(13), "11 × 1.25 = 13.75, integer part");
        assert_eq!(text_in(&scale.bands[r.band.unwrap()].label, "en"), "high");
    }

    #[test]
    fn malformed_definitions_say_where() {
        let bad_json = "{\n  \"id\": \"x\",\n  \"name\": \n}";
        let e = Scale::parse(bad_json).unwrap_err();
        assert_eq!(e.line, Some(4));
        let (_, phq) = builtin()[0];
        let gap = phq.replace("\"min\": 5, \"max\": 9", "\"min\": 6, \"max\": 9");
        let e = Scale::parse(&gap).unwrap_err();
        assert_eq!(e.field, "bands[1]");
        let short = phq.replace("\"min\": 20, \"max\": 27", "\"min\": 20, \"max\": 26");
        assert_eq!(Scale::parse(&short).unwrap_err().field, "bands");
        let unknown = phq.replace("\"norm\":", "\"nrom\": \"x\", \"norm\":");
        assert!(Scale::parse(&unknown).unwrap_err().line.is_some());
    }
}
