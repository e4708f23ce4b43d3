//! The duty rota as counselors write it, one line per weekday (`12:00-13:00 li; 16:50-17:30 zhou`),
//! and the school calendar's closed days (`2026-10-01~2026-10-07 国庆节`), one per line.

use chrono::{NaiveDate, NaiveTime};

use super::date::{parse_date, parse_time};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RotaError {
    /// A part that is not `HH:MM-HH:MM name`.
    Unreadable(String),
}

/// One weekday's shifts: (start, end, login name).
pub fn parse_rota_day(text: &str) -> Result<Vec<(NaiveTime, NaiveTime, String)>, RotaError> {
    let mut out = Vec::new();
    for part in text
        .split([';', '；', ',', '，'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        let bad = || RotaError::Unreadable(part.to_owned());
        let (span, name) = part.split_once(char::is_whitespace).ok_or_else(bad)?;
        let (a, b) = span.split_once(['-', '–', '~', '～']).ok_or_else(bad)?;
        let (start, end) = (parse_time(a).ok_or_else(bad)?, parse_time(b).ok_or_else(bad)?);
        let name = name.trim();
        if end <= start || name.is_empty() {
            return Err(bad());
        }
        out.push((start, end, name.to_owned()));
    }
    out.sort();
    Ok(out)
}

pub fn format_rota_day(entries: &[(NaiveTime, NaiveTime, String)]) -> String {
    entries
        .iter()
        .map(|(a, b, n)| format!("{}-{} {n}", a.format("%H:%M"), b.format("%H:%M")))
        .collect::<Vec<_>>()
        .join("; ")
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClosedDays {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub reason: String,
}

/// Parses the closed days, one line each; `Err(line number)` (1-based) at the first bad line.
pub fn parse_closed_days(text: &str, today: NaiveDate) -> Result<Vec<ClosedDays>, usize> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let (dates, reason) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
        let (a, b) = match dates.split_once("..").or_else(|| dates.split_once(['~', '～', '至'])) {
            Some((a, b)) => (a, b),
            None => (dates, dates),
        };
        let from = parse_date(a, today).ok_or(i + 1)?;
        let to = parse_date(b, today).ok_or(i + 1)?;
        if to < from {
            return Err(i + 1);
        }
        out.push(ClosedDays {
            from,
            to,
            reason: reason.trim().to_owned(),
        });
    }
    Ok(out)
}

pub fn format_closed_days(days: &[ClosedDays]) -> String {
    days.iter()
        .map(|d| {
            let dates = if d.from == d.to {
                d.from.to_string()
            } else {
                format!("{}~{}", d.from, d.to)
            };
            if d.reason.is_empty() {
                dates
            } else {
                format!("{dates} {}", d.reason)
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Why `date` is closed, if it is.
pub fn closed_on(days: &[ClosedDays], date: NaiveDate) -> Option<&ClosedDays> {
    days.iter().find(|d| d.from <= date && date <= d.to)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).unwrap()
    }

    #[test]
    fn rota_days_parse_and_round_trip() {
        let day = parse_rota_day("16:50-17:30 zhou；12:00-13:00 li").unwrap();
        assert_eq!(
            day,
            vec![(t(12, 0), t(13, 0), "li".into()), (t(16, 50), t(17, 30), "zhou".into())]
        );
        assert_eq!(parse_rota_day(&format_rota_day(&day)).unwrap(), day);
        assert!(parse_rota_day("12:00-13:00").is_err());
        assert!(parse_rota_day("13:00-12:00 li").is_err());
        assert_eq!(parse_rota_day("").unwrap(), vec![]);
    }

    #[test]
    fn closed_days_parse_ranges_and_single_days() {
        let today = NaiveDate::from_ymd_opt(2026, 9, 1).unwrap();
        let days = parse_closed_days("2026-10-01~2026-10-07 国庆节\n\n2026-09-10 教师节活动", today).unwrap();
        assert_eq!(days.len(), 2);
        assert_eq!(
            closed_on(&days, NaiveDate::from_ymd_opt(2026, 10, 3).unwrap())
                .unwrap()
                .reason,
            "国庆节"
        );
        assert!(closed_on(&days, NaiveDate::from_ymd_opt(2026, 10, 8).unwrap()).is_none());
        assert_eq!(parse_closed_days(&format_closed_days(&days), today).unwrap(), days);
        assert_eq!(parse_closed_days("2026-10-01 ok\n2026-13-01 bad", today), Err(2));
        assert_eq!(parse_closed_days("2026-10-07~2026-10-01", today), Err(1));
    }
}
