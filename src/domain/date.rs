//! Dates as people type them: 2026-03-05, 2026/3/5, 2026.3.5, 20260305, 3/5 (this year),
//! 今天 / today, 明天 / tomorrow, 昨天 / yesterday, and 2026年3月5日.

use chrono::{Datelike, NaiveDate, NaiveTime};

pub fn parse_date(text: &str, today: NaiveDate) -> Option<NaiveDate> {
    let t = text.trim();
    match t.to_lowercase().as_str() {
        "今天" | "today" => return Some(today),
        "明天" | "tomorrow" => return today.succ_opt(),
        "昨天" | "yesterday" => return today.pred_opt(),
        "后天" => return today.succ_opt()?.succ_opt(),
        _ => {}
    }
    if t.len() == 8 && t.chars().all(|c| c.is_ascii_digit()) {
        return NaiveDate::parse_from_str(t, "%Y%m%d").ok();
    }
    let normalised: String = t
        .chars()
        .map(|c| match c {
            '/' | '.' | '年' | '月' => '-',
            '日' | '号' => ' ',
            c => c,
        })
        .collect();
    let parts: Vec<&str> = normalised.trim().split('-').map(str::trim).collect();
    let nums: Option<Vec<u32>> = parts.iter().map(|p| p.parse::<u32>().ok()).collect();
    match nums?.as_slice() {
        [y, m, d] if *y >= 1900 => NaiveDate::from_ymd_opt(*y as i32, *m, *d),
        [m, d] => NaiveDate::from_ymd_opt(today.year(), *m, *d),
        _ => None,
    }
}

pub fn parse_time(text: &str) -> Option<NaiveTime> {
    let t = text.trim().replace(['：', '点'], ":");
    let t = t.trim_end_matches(':');
    let (h, m) = match t.split_once(':') {
        Some((h, m)) => (
            h.trim().parse::<u32>().ok()?,
            if m.trim().is_empty() {
                0
            } else {
                m.trim().parse::<u32>().ok()?
            },
        ),
        None if t.len() == 4 && t.chars().all(|c| c.is_ascii_digit()) => (t[..2].parse().ok()?, t[2..].parse().ok()?),
        None => (t.parse::<u32>().ok()?, 0),
    };
    NaiveTime::from_hms_opt(h, m, 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn typed_dates() {
        let today = d(2026, 11, 27);
        for (text, want) in [
            ("2026-03-05", d(2026, 3, 5)),
            ("2026/3/5", d(2026, 3, 5)),
            ("2026.3.5", d(2026, 3, 5)),
            ("20260305", d(2026, 3, 5)),
            ("3/5", d(2026, 3, 5)),
            ("2026年3月5日", d(2026, 3, 5)),
            ("今天", today),
            ("明天", d(2026, 11, 28)),
            ("Today", today),
        ] {
            assert_eq!(parse_date(text, today), Some(want), "{text}");
        }
        for bad in ["", "2026-02-30", "13/1", "abc", "1/2/3/4"] {
            assert_eq!(parse_date(bad, today), None, "{bad}");
        }
    }

    #[test]
    fn typed_times() {
        assert_eq!(parse_time("14:30"), NaiveTime::from_hms_opt(14, 30, 0));
        assert_eq!(parse_time("14：30"), NaiveTime::from_hms_opt(14, 30, 0));
        assert_eq!(parse_time("1430"), NaiveTime::from_hms_opt(14, 30, 0));
        assert_eq!(parse_time("9"), NaiveTime::from_hms_opt(9, 0, 0));
        assert_eq!(parse_time("25:00"), None);
    }
}
