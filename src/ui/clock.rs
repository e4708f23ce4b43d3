//! Today and now, as the interface sees them. `CASEROOM_TODAY=YYYY-MM-DD` moves "today" (for
//! tests and for training on a demo room); the time of day stays the real one.

use chrono::{Local, NaiveDate, NaiveTime};

pub fn today() -> NaiveDate {
    std::env::var("CASEROOM_TODAY")
        .ok()
        .and_then(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok())
        .unwrap_or_else(|| Local::now().date_naive())
}

pub fn now_time() -> NaiveTime {
    let t = Local::now().time();
    NaiveTime::from_hms_opt(chrono::Timelike::hour(&t), chrono::Timelike::minute(&t), 0).unwrap_or(t)
}
