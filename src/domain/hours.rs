//! Opening hours per weekday (R23), as counselors write them: `12:00-13:00, 16:50-17:30`.

use chrono::NaiveTime;

use super::date::parse_time;

pub const DAYS: usize = 7;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpeningHours {
    /// Monday first.
    pub days: [Vec<(NaiveTime, NaiveTime)>; DAYS],
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HoursError {
    /// A span that is not `HH:MM-HH:MM`.
    Unreadable(String),
    /// A span that ends before it starts.
    Backwards(String),
    /// Two spans of the same day overlap.
    Overlap,
}

fn t(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).unwrap_or(NaiveTime::MIN)
}

impl Default for OpeningHours {
    /// The seed's example: weekdays 12:00–13:00 and 16:50–17:30; Saturday 8:30–12:30.
    fn default() -> Self {
        let weekday = vec![(t(12, 0), t(13, 0)), (t(16, 50), t(17, 30))];
        OpeningHours {
            days: [
                weekday.clone(),
                weekday.clone(),
                weekday.clone(),
                weekday.clone(),
                weekday,
                vec![(t(8, 30), t(12, 30))],
                vec![],
            ],
        }
    }
}

/// Parses one day: spans separated by commas (ASCII or Chinese), each `start-end` (`-`, `–`, `~`, `至`).
pub fn parse_day(text: &str) -> Result<Vec<(NaiveTime, NaiveTime)>, HoursError> {
    let mut spans = Vec::new();
    for part in text
        .split([',', '，', ';', '；', '、'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        let (a, b) = part
            .split_once(['-', '–', '~', '～', '至'])
            .ok_or_else(|| HoursError::Unreadable(part.to_owned()))?;
        let start = parse_time(a).ok_or_else(|| HoursError::Unreadable(part.to_owned()))?;
        let end = parse_time(b).ok_or_else(|| HoursError::Unreadable(part.to_owned()))?;
        if end <= start {
            return Err(HoursError::Backwards(part.to_owned()));
        }
        spans.push((start, end));
    }
    spans.sort();
    if spans.windows(2).any(|w| w[1].0 < w[0].1) {
        return Err(HoursError::Overlap);
    }
    Ok(spans)
}

pub fn format_day(spans: &[(NaiveTime, NaiveTime)]) -> String {
    spans
        .iter()
        .map(|(a, b)| format!("{}-{}", a.format("%H:%M"), b.format("%H:%M")))
        .collect::<Vec<_>>()
        .join(", ")
}

impl OpeningHours {
    /// One line per day, Monday first: how the duty book stores them.
    pub fn to_text(&self) -> String {
        self.days.iter().map(|d| format_day(d)).collect::<Vec<_>>().join("\n")
    }

    pub fn from_text(text: &str) -> Option<OpeningHours> {
        let mut hours = OpeningHours {
            days: Default::default(),
        };
        for (i, line) in text.split('\n').enumerate().take(DAYS) {
            hours.days[i] = parse_day(line).ok()?;
        }
        Some(hours)
    }

    /// Minutes open in a week (provincial standards ask for 8–10 hours at least).
    pub fn weekly_minutes(&self) -> i64 {
        self.days.iter().flatten().map(|(a, b)| (*b - *a).num_minutes()).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_parse_and_round_trip() {
        let day = parse_day("16:50-17:30，12:00~13:00").unwrap();
        assert_eq!(format_day(&day), "12:00-13:00, 16:50-17:30");
        assert_eq!(parse_day("").unwrap(), vec![]);
        assert!(matches!(parse_day("12:00-11:00"), Err(HoursError::Backwards(_))));
        assert!(matches!(
            parse_day("12:00-13:00, 12:30-14:00"),
            Err(HoursError::Overlap)
        ));
        assert!(matches!(parse_day("noon"), Err(HoursError::Unreadable(_))));
        let hours = OpeningHours::default();
        assert_eq!(OpeningHours::from_text(&hours.to_text()), Some(hours.clone()));
        assert_eq!(hours.weekly_minutes(), 5 * 100 + 240);
    }
}
