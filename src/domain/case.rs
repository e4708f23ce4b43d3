//! The counseling case and its stages, mirroring the room's process (R1–R11): what each stage
//! still lacks, and which moves are allowed. Nothing here is a diagnosis.

use chrono::NaiveDate;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Stage {
    Intake,
    Assessment,
    Counseling,
    Consolidation,
    Closed,
    FollowUp,
}

impl Stage {
    pub const ALL: [Stage; 6] = [
        Stage::Intake,
        Stage::Assessment,
        Stage::Counseling,
        Stage::Consolidation,
        Stage::Closed,
        Stage::FollowUp,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Intake => "intake",
            Stage::Assessment => "assessment",
            Stage::Counseling => "counseling",
            Stage::Consolidation => "consolidation",
            Stage::Closed => "closed",
            Stage::FollowUp => "follow_up",
        }
    }

    pub fn parse(text: &str) -> Option<Stage> {
        Stage::ALL.into_iter().find(|s| s.as_str() == text)
    }

    pub fn next(self) -> Option<Stage> {
        Stage::ALL
            .iter()
            .position(|s| *s == self)
            .and_then(|i| Stage::ALL.get(i + 1))
            .copied()
    }
}

/// What is known of a case, as the store reads it, for the checklist.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CaseFacts {
    pub first_contact: bool,
    pub agreement: bool,
    /// `None` until the visitor was asked about recording (R16).
    pub recording_consent: Option<bool>,
    /// The client was under 14 when the case opened (PIPL art. 31): a guardian must consent.
    pub under_14: bool,
    pub guardian_consent: bool,
    pub methods: bool,
    pub analysis: bool,
    pub category: bool,
    pub goals: usize,
    pub plan: bool,
    pub signed_sessions: usize,
    pub review: bool,
    pub closing_summary: bool,
    pub follow_ups_due: usize,
}

/// One thing a stage still lacks; the interface words it (`case.missing.<key>`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Missing {
    FirstContact,
    Agreement,
    RecordingConsent,
    GuardianConsent,
    Methods,
    Analysis,
    Category,
    Goals,
    Plan,
    Session,
    Review,
    ClosingSummary,
    FollowUpDue,
}

impl Missing {
    pub fn key(self) -> &'static str {
        match self {
            Missing::FirstContact => "case.missing.first_contact",
            Missing::Agreement => "case.missing.agreement",
            Missing::RecordingConsent => "case.missing.recording_consent",
            Missing::GuardianConsent => "case.missing.guardian_consent",
            Missing::Methods => "case.missing.methods",
            Missing::Analysis => "case.missing.analysis",
            Missing::Category => "case.missing.category",
            Missing::Goals => "case.missing.goals",
            Missing::Plan => "case.missing.plan",
            Missing::Session => "case.missing.session",
            Missing::Review => "case.missing.review",
            Missing::ClosingSummary => "case.missing.closing_summary",
            Missing::FollowUpDue => "case.missing.follow_up_due",
        }
    }
}

/// What `stage` still lacks before the case may move on.
pub fn missing(stage: Stage, f: &CaseFacts) -> Vec<Missing> {
    let mut out = Vec::new();
    let mut need = |ok: bool, m: Missing| {
        if !ok {
            out.push(m);
        }
    };
    match stage {
        Stage::Intake => {
            need(f.first_contact, Missing::FirstContact);
            need(f.agreement, Missing::Agreement);
            need(f.recording_consent.is_some(), Missing::RecordingConsent);
            need(!f.under_14 || f.guardian_consent, Missing::GuardianConsent);
        }
        Stage::Assessment => {
            need(f.methods, Missing::Methods);
            need(f.analysis, Missing::Analysis);
            need(f.category, Missing::Category);
        }
        Stage::Counseling => {
            need(f.goals > 0, Missing::Goals);
            need(f.plan, Missing::Plan);
            need(f.signed_sessions > 0, Missing::Session);
        }
        Stage::Consolidation => need(f.review, Missing::Review),
        Stage::Closed => {
            need(f.closing_summary, Missing::ClosingSummary);
            need(f.follow_ups_due > 0, Missing::FollowUpDue);
        }
        Stage::FollowUp => {}
    }
    out
}

/// Whether `from` may move to `to`: one stage forward when nothing is missing. A case may close
/// from counseling or consolidation (a direct ending, R10) once it has a closing summary.
pub fn can_move(from: Stage, to: Stage, f: &CaseFacts) -> Result<(), Vec<Missing>> {
    let closing_early = to == Stage::Closed && from == Stage::Counseling;
    if from.next() != Some(to) && !closing_early {
        return Err(Vec::new());
    }
    let mut lacking = if closing_early { Vec::new() } else { missing(from, f) };
    if to == Stage::Closed && !f.closing_summary {
        lacking.push(Missing::ClosingSummary);
    }
    if lacking.is_empty() { Ok(()) } else { Err(lacking) }
}

/// Whole years between `birth` and `on`.
pub fn age_on(birth: NaiveDate, on: NaiveDate) -> i32 {
    use chrono::Datelike;
    let mut age = on.year() - birth.year();
    if (on.month(), on.day()) < (birth.month(), birth.day()) {
        age -= 1;
    }
    age
}

/// The three warning levels Chinese schools use (R18), most urgent first.
pub const RISK_LEVELS: [(&str, &str); 3] = [
    ("red", "risk.red"),
    ("orange", "risk.orange"),
    ("yellow", "risk.yellow"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intake_needs_contact_agreement_consent_and_a_guardian_under_14() {
        let mut f = CaseFacts {
            under_14: true,
            ..CaseFacts::default()
        };
        assert_eq!(
            missing(Stage::Intake, &f),
            vec![
                Missing::FirstContact,
                Missing::Agreement,
                Missing::RecordingConsent,
                Missing::GuardianConsent
            ]
        );
        f.first_contact = true;
        f.agreement = true;
        f.recording_consent = Some(false);
        assert_eq!(missing(Stage::Intake, &f), vec![Missing::GuardianConsent]);
        f.guardian_consent = true;
        assert!(can_move(Stage::Intake, Stage::Assessment, &f).is_ok());
        assert!(
            can_move(Stage::Intake, Stage::Counseling, &f).is_err(),
            "one stage at a time"
        );
    }

    #[test]
    fn a_case_cannot_close_without_a_closing_summary() {
        let mut f = CaseFacts {
            goals: 1,
            plan: true,
            signed_sessions: 2,
            review: true,
            ..CaseFacts::default()
        };
        assert_eq!(
            can_move(Stage::Consolidation, Stage::Closed, &f),
            Err(vec![Missing::ClosingSummary])
        );
        assert_eq!(
            can_move(Stage::Counseling, Stage::Closed, &f),
            Err(vec![Missing::ClosingSummary])
        );
        f.closing_summary = true;
        assert!(can_move(Stage::Consolidation, Stage::Closed, &f).is_ok());
        assert!(
            can_move(Stage::Counseling, Stage::Closed, &f).is_ok(),
            "a direct ending"
        );
        assert_eq!(
            can_move(Stage::Closed, Stage::FollowUp, &f),
            Err(vec![Missing::FollowUpDue])
        );
    }

    #[test]
    fn ages_count_whole_years() {
        let birth = NaiveDate::from_ymd_opt(2012, 12, 1).unwrap();
        assert_eq!(age_on(birth, NaiveDate::from_ymd_opt(2026, 11, 30).unwrap()), 13);
        assert_eq!(age_on(birth, NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()), 14);
    }
}
