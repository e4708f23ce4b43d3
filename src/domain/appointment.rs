//! Appointments (面谈预约登记, R12, R22, R24): the request a duty teacher or counselor registers,
//! and the slot a counselor confirms it into. The book holds a problem *category*, never details.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};

use super::hours::OpeningHours;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Requested,
    Confirmed,
    Attended,
    NoShow,
    Cancelled,
}

impl Status {
    pub const ALL: [Status; 5] = [
        Status::Requested,
        Status::Confirmed,
        Status::Attended,
        Status::NoShow,
        Status::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Requested => "requested",
            Status::Confirmed => "confirmed",
            Status::Attended => "attended",
            Status::NoShow => "no_show",
            Status::Cancelled => "cancelled",
        }
    }

    pub fn parse(text: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// requested → confirmed → attended / no-show / cancelled; a request may also be cancelled,
    /// and a confirmed appointment moved back to requested to be rebooked (改).
    pub fn can_become(self, next: Status) -> bool {
        use Status::*;
        matches!(
            (self, next),
            (Requested, Confirmed)
                | (Requested, Cancelled)
                | (Confirmed, Attended)
                | (Confirmed, NoShow)
                | (Confirmed, Cancelled)
                | (Confirmed, Requested)
                | (Confirmed, Confirmed)
        )
    }
}

/// Select options: (value, i18n key).
pub const CHANNELS: [(&str, &str); 4] = [
    ("face", "channel.face"),
    ("phone", "channel.phone"),
    ("online", "channel.online"),
    ("letter", "channel.letter"),
];
pub const URGENCY: [(&str, &str); 3] = [
    ("normal", "urgency.normal"),
    ("soon", "urgency.soon"),
    ("urgent", "urgency.urgent"),
];
pub const WAYS: [(&str, &str); 4] = [
    ("phone", "way.phone"),
    ("walk_in", "way.walk_in"),
    ("letterbox", "way.letterbox"),
    ("class_teacher", "way.class_teacher"),
];
/// The 2012 MoE outline's six categories, and what schools add (FORMS.md, 问题类别).
pub const CATEGORIES: [(&str, &str); 9] = [
    ("study", "category.study"),
    ("life", "category.life"),
    ("self", "category.self"),
    ("emotion", "category.emotion"),
    ("relationships", "category.relationships"),
    ("career", "category.career"),
    ("family", "category.family"),
    ("exam_anxiety", "category.exam_anxiety"),
    ("other", "category.other"),
];

/// A slot: start and end on one day.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Slot {
    pub start: NaiveDateTime,
    pub end: NaiveDateTime,
}

impl Slot {
    pub fn new(date: NaiveDate, start: NaiveTime, minutes: i64) -> Slot {
        let start = date.and_time(start);
        Slot {
            start,
            end: start + chrono::Duration::minutes(minutes),
        }
    }

    pub fn minutes(&self) -> i64 {
        (self.end - self.start).num_minutes()
    }

    /// Two slots overlap when one starts before the other ends (touching is fine).
    pub fn overlaps(&self, other: &Slot) -> bool {
        self.start < other.end && other.start < self.end
    }

    /// Inside one of the day's opening spans.
    pub fn within(&self, hours: &OpeningHours) -> bool {
        use chrono::Datelike;
        if self.start.date() != self.end.date() && self.end.time() != NaiveTime::MIN {
            return false;
        }
        let day = self.start.date().weekday().num_days_from_monday() as usize;
        hours.days[day]
            .iter()
            .any(|(a, b)| *a <= self.start.time() && self.end.time() <= *b)
    }
}

/// R24: a session lasts about 40 minutes at most.
pub const LONGEST_ADVISED_MINUTES: i64 = 40;

#[cfg(test)]
mod tests {
    use super::*;

    fn slot(h: u32, m: u32, minutes: i64) -> Slot {
        Slot::new(
            NaiveDate::from_ymd_opt(2026, 11, 30).unwrap(),
            NaiveTime::from_hms_opt(h, m, 0).unwrap(),
            minutes,
        )
    }

    #[test]
    fn overlap_is_strict_and_touching_is_fine() {
        assert!(slot(12, 0, 40).overlaps(&slot(12, 30, 30)));
        assert!(slot(12, 30, 30).overlaps(&slot(12, 0, 40)));
        assert!(!slot(12, 0, 30).overlaps(&slot(12, 30, 30)));
        assert!(slot(12, 0, 60).overlaps(&slot(12, 10, 10)));
    }

    #[test]
    fn opening_hours_contain_a_slot_only_whole() {
        let hours = OpeningHours::default(); // Monday 12:00-13:00, 16:50-17:30
        assert!(slot(12, 0, 40).within(&hours));
        assert!(slot(12, 20, 40).within(&hours));
        assert!(!slot(12, 30, 40).within(&hours));
        assert!(!slot(14, 0, 30).within(&hours));
        assert!(slot(16, 50, 40).within(&hours));
    }

    #[test]
    fn the_status_flow() {
        use Status::*;
        assert!(Requested.can_become(Confirmed));
        assert!(Confirmed.can_become(Attended) && Confirmed.can_become(NoShow));
        assert!(!Requested.can_become(Attended));
        assert!(!Attended.can_become(Cancelled));
        assert!(!Cancelled.can_become(Confirmed));
        for s in Status::ALL {
            assert_eq!(Status::parse(s.as_str()), Some(s));
        }
    }
}
