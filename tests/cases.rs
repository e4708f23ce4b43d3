//! Clients and cases in the archive, on real SQLCipher files (R1–R11, R15, R16, R18, R19, R25).

mod common;

use caseroom::domain::case::{Missing, Stage};
use caseroom::store::{CaseError, Client, CounselorSession, Session, SessionNote};
use chrono::NaiveDate;
use common::*;

fn counselor(room: &Room) -> CounselorSession {
    match open_session(&room.dir, COUNSELOR, COUNSELOR_PW) {
        Session::Counselor(s) => s,
        Session::Duty(_) => panic!("a counselor"),
    }
}

fn client(name: &str, no: &str, birth: &str) -> Client {
    Client {
        name: name.into(),
        student_no: no.into(),
        gender: "F".into(),
        birth_date: NaiveDate::parse_from_str(birth, "%Y-%m-%d").ok(),
        grade: "初二".into(),
        class: "3班".into(),
        tags: "考试".into(),
        ..Client::default()
    }
}

fn archive_audit_rows(s: &CounselorSession) -> i64 {
    use caseroom::store::DutyBookAccess;
    s.status().unwrap().archive_audit.unwrap()
}

#[test]
fn the_client_list_filters_by_name_initials_number_class_and_tag() {
    let room = Room::new();
    let s = counselor(&room);
    s.register_client(&client("张三丰", "2026001", "2012-01-01")).unwrap();
    s.register_client(&client("曾小贤", "2026002", "2012-01-01")).unwrap();
    let mut other = client("欧阳璟珩", "2026103", "2011-05-05");
    other.class = "5班".into();
    other.tags = "人际".into();
    other.concern = true;
    s.register_client(&other).unwrap();
    let names = |f: &str| {
        s.clients(f, 50)
            .unwrap()
            .into_iter()
            .map(|r| r.name)
            .collect::<Vec<_>>()
    };
    assert_eq!(names("zsf"), ["张三丰"]);
    assert_eq!(names("zxx"), ["曾小贤"], "曾 read as a surname");
    assert_eq!(names("三丰"), ["张三丰"]);
    assert_eq!(names("2026103"), ["欧阳璟珩"]);
    assert_eq!(names("初二5班"), ["欧阳璟珩"]);
    assert_eq!(names("人际"), ["欧阳璟珩"]);
    assert_eq!(
        names("").first().map(String::as_str),
        Some("欧阳璟珩"),
        "students of concern first"
    );
    assert_eq!(
        names("%").len(),
        3,
        "a wildcard typed is not a wildcard, and an empty filter lists all"
    );
}

#[test]
fn stages_move_only_when_nothing_is_missing_and_views_are_audited() {
    let room = Room::new();
    let s = counselor(&room);
    // Born 2013-06-01: under 14 when the case opens in 2026, so a guardian must consent.
    let cid = s.register_client(&client("司马翊蕤", "2026010", "2013-06-01")).unwrap();
    let id = s.open_case(cid).unwrap();
    let before = archive_audit_rows(&s);
    let mut case = s.case(id).unwrap().unwrap();
    assert_eq!(archive_audit_rows(&s), before + 1, "opening a case is audited");
    assert_eq!(case.stage, Some(Stage::Intake));
    match s.move_case(id, Stage::Assessment) {
        Err(CaseError::Missing(m)) => assert_eq!(
            m,
            vec![
                Missing::FirstContact,
                Missing::Agreement,
                Missing::RecordingConsent,
                Missing::GuardianConsent
            ]
        ),
        other => panic!("{other:?}"),
    }
    let day = NaiveDate::from_ymd_opt(2026, 11, 30);
    case.first_contact_at = day;
    case.agreement_at = day;
    case.recording_consent = Some(false);
    case.guardian_consent_at = day;
    case.guardian_consent_by = "母亲".into();
    s.save_case(&case).unwrap();
    s.move_case(id, Stage::Assessment).unwrap();
    assert!(matches!(s.move_case(id, Stage::Closed), Err(CaseError::BadMove)));
    case.methods = "会谈、观察".into();
    case.nature = "一般心理问题".into();
    case.duration = "两个月".into();
    case.causes = "期中考试失利".into();
    case.severity = "轻".into();
    case.category = "exam_anxiety".into();
    s.save_case(&case).unwrap();
    s.move_case(id, Stage::Counseling).unwrap();
    // Counseling: a goal, a plan and a signed session.
    let goal = s.add_goal(id, "intermediate", "每天入睡前做放松练习").unwrap();
    s.change_goal(goal, "每天入睡前做十分钟放松练习", "in_progress")
        .unwrap();
    let history = s.goal_history(goal).unwrap();
    assert_eq!(history.len(), 2);
    assert_eq!(history[0].1, "每天入睡前做放松练习", "the first wording is kept");
    case.plan = "认知行为方法，六次".into();
    s.save_case(&case).unwrap();
    assert!(matches!(s.move_case(id, Stage::Consolidation), Err(CaseError::Missing(m)) if m == vec![Missing::Session]));
    let note = SessionNote {
        case_id: id,
        held_at: "2026-11-30T12:00".into(),
        minutes: 40,
        channel: "face".into(),
        main_problem: "考试焦虑，失眠".into(),
        process: "讨论考前的想法".into(),
        homework: "记录焦虑时刻".into(),
        ..SessionNote::default()
    };
    let sid = s.save_session(&note).unwrap();
    s.sign_session(sid).unwrap();
    assert!(matches!(
        s.save_session(&SessionNote {
            id: sid,
            ..note.clone()
        }),
        Err(CaseError::Signed)
    ));
    s.add_addendum(sid, "补充：家长来电反映睡眠好转").unwrap();
    s.move_case(id, Stage::Consolidation).unwrap();
    // Closing needs a summary; follow-up needs a due date.
    assert!(matches!(s.move_case(id, Stage::Closed), Err(CaseError::Missing(_))));
    case.review = "共同回顾".into();
    case.close_reason = "goal_met".into();
    case.closing_summary = "目标达成".into();
    s.save_case(&case).unwrap();
    s.move_case(id, Stage::Closed).unwrap();
    assert!(matches!(s.plan_follow_up(id, None, "phone"), Err(CaseError::NoDueDate)));
    let fu = s
        .plan_follow_up(id, NaiveDate::from_ymd_opt(2027, 3, 1), "phone")
        .unwrap();
    s.move_case(id, Stage::FollowUp).unwrap();
    s.complete_follow_up(fu, "状态稳定").unwrap();
    let kinds: Vec<String> = s.timeline(id).unwrap().into_iter().map(|(_, k, _)| k).collect();
    for k in ["stage", "goal", "session", "follow_up"] {
        assert!(kinds.iter().any(|x| x == k), "timeline has {k}: {kinds:?}");
    }
    drop(s);
    let out = room.as_counselor(&["verify"]);
    assert!(out.status.success(), "{}", text(&out));
}

#[test]
fn an_open_risk_flags_the_client_until_resolved() {
    let room = Room::new();
    let s = counselor(&room);
    let cid = s.register_client(&client("上官鹂琦", "2026020", "2011-01-01")).unwrap();
    let id = s.open_case(cid).unwrap();
    let risk = s
        .record_risk(
            id,
            "red",
            "流露轻生念头",
            "一对一陪护，通知家长",
            "guardian,head_teacher",
            "保障安全",
        )
        .unwrap();
    assert!(s.clients("上官", 10).unwrap()[0].open_risk);
    assert_eq!(s.open_risks(id).unwrap().len(), 1);
    s.resolve_risk(risk).unwrap();
    assert!(!s.clients("上官", 10).unwrap()[0].open_risk);
    s.add_referral(id, "市精神卫生中心心理科", "超出辅导室能力范围")
        .unwrap();
}

#[test]
fn search_finds_two_and_three_character_words_and_quotes_input() {
    let room = Room::new();
    let s = counselor(&room);
    let cid = s.register_client(&client("慕容瑾瑜", "2026030", "2011-01-01")).unwrap();
    let id = s.open_case(cid).unwrap();
    let note = SessionNote {
        case_id: id,
        held_at: "2026-11-30T12:00".into(),
        main_problem: "考试焦虑，最近失眠".into(),
        process: "谈到和同桌的矛盾".into(),
        ..SessionNote::default()
    };
    let sid = s.save_session(&note).unwrap();
    for word in ["焦虑", "失眠", "考试焦虑", "同桌的矛盾", "试焦虑"] {
        let hits = s.search(word, 10).unwrap();
        assert_eq!(hits.len(), 1, "{word}: {hits:?}");
        assert_eq!(
            (hits[0].case_id, hits[0].kind.as_str(), hits[0].reference),
            (id, "session", sid)
        );
        assert!(hits[0].snippet.contains('['), "{word}: {}", hits[0].snippet);
    }
    assert!(s.search("焦虑,失", 10).unwrap().is_empty(), "quoted, no syntax error");
    assert!(s.search("\"", 10).is_ok());
    assert_eq!(s.search("慕容", 10).unwrap()[0].kind, "client");
    assert!(s.search("抑郁", 10).unwrap().is_empty());
}

#[test]
fn a_draft_survives_closing_the_stores_and_nothing_is_in_clear() {
    let room = Room::new();
    let s = counselor(&room);
    s.save_draft("session:new:1", "尚未保存的记录：提到夜里两点才睡")
        .unwrap();
    drop(s);
    let s = counselor(&room);
    assert_eq!(
        s.draft("session:new:1").unwrap().as_deref(),
        Some("尚未保存的记录：提到夜里两点才睡")
    );
    s.clear_draft("session:new:1").unwrap();
    assert!(s.draft("session:new:1").unwrap().is_none());
    let cid = s.register_client(&client("东方曦玥", "2026040", "2011-01-01")).unwrap();
    let id = s.open_case(cid).unwrap();
    s.save_session(&SessionNote {
        case_id: id,
        held_at: "2026-11-30T12:00".into(),
        process: "谈到夜里两点才睡".into(),
        ..SessionNote::default()
    })
    .unwrap();
    drop(s);
    for (path, bytes) in files_under(&room.dir) {
        for needle in ["东方曦玥", "夜里两点才睡", "2026040"] {
            for enc in encodings(needle) {
                assert!(!contains(&bytes, &enc), "{needle} in {}", path.display());
            }
        }
    }
}

/// R22: one group note serves every member; each member's timeline shows the session and their
/// own attendance, never another member's name.
#[test]
fn a_group_session_reaches_each_members_timeline_without_other_names() {
    use caseroom::store::GroupSession;
    let room = Room::new();
    let s = counselor(&room);
    let a = s.register_client(&client("欧阳璟珩", "1", "2011-01-01")).unwrap();
    let b = s.register_client(&client("司马翊蕤", "2", "2011-01-01")).unwrap();
    let (case_a, case_b) = (s.open_case(a).unwrap(), s.open_case(b).unwrap());
    let group = s.create_group("人际交往小组", "学会合作").unwrap();
    s.add_member(group, a).unwrap();
    s.add_member(group, b).unwrap();
    let session = GroupSession {
        held_at: "2026-11-30".into(),
        stage: "forming".into(),
        activities: "破冰游戏".into(),
        observations: "成员逐渐放松".into(),
    };
    assert_eq!(
        s.record_group_session(group, &session, &[(b, "病假".into())]).unwrap(),
        1
    );
    assert_eq!(s.record_group_session(group, &session, &[]).unwrap(), 2);
    let line = |case: i64| -> Vec<String> {
        s.timeline(case)
            .unwrap()
            .into_iter()
            .filter(|(_, k, _)| k == "group")
            .map(|(_, _, t)| t)
            .collect()
    };
    assert_eq!(line(case_a), ["人际交往小组 #1", "人际交往小组 #2"]);
    assert_eq!(line(case_b), ["人际交往小组 #1 (-)", "人际交往小组 #2"]);
    for (_, _, text) in s.timeline(case_a).unwrap() {
        assert!(!text.contains("司马"), "another member's name in the timeline: {text}");
    }
    assert_eq!(s.group_sessions(group).unwrap()[0].2, 1, "one of two present");
    assert_eq!(s.groups().unwrap()[0].members, 2);
}
