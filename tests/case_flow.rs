//! End-to-end: a case from registration through the stages, a session note kept as a draft
//! through a SIGKILL, signed, and found again by a two-character word (R1–R9, R25).

mod common;

use common::tui::{Tui, key};
use common::*;

#[test]
fn register_open_a_case_walk_the_stages_keep_a_draft_through_a_kill_and_find_it() {
    let room = Room::new();
    let file = room.tmp.path().join("roster.csv");
    std::fs::write(
        &file,
        "学号,姓名,性别,出生日期,年级,班级\n20260417,欧阳璟珩,女,2011-05-01,初二,3班\n",
    )
    .unwrap();
    assert!(
        room.as_counselor(&["import", "students", file.to_str().unwrap()])
            .status
            .success()
    );

    let mut tui = Tui::spawn(&room.dir, 100, 30, &[], &[]);
    tui.log_in(COUNSELOR, COUNSELOR_PW, "Hello, 王老师.");
    tui.send("2");
    tui.wait_for("Clients: 0");
    tui.send("n");
    tui.wait_for("Register a client");
    tui.type_text("欧阳璟珩");
    tui.send(key::TAB);
    tui.wait_for("from the roster: 20260417");
    tui.send(key::F2);
    tui.wait_for("欧阳璟珩 registered.");
    tui.send("n");
    tui.wait_for("This stage still lacks: first contact");
    // Intake: first contact and agreement today, recording not consented.
    tui.send(key::ENTER);
    tui.type_text("今天");
    tui.send(key::TAB);
    tui.type_text("今天");
    tui.send(key::TAB);
    tui.send(key::TAB);
    tui.send(key::RIGHT);
    tui.send(key::RIGHT);
    tui.send(key::F2);
    tui.wait_for("Saved.");
    tui.wait_for("This stage is complete");
    tui.send("m");
    tui.wait_for("The case is now at: assessment.");
    // The agreement template the intake refers to (R3).
    tui.send("v");
    tui.wait_for("Counseling agreement and informed consent");
    tui.send(" ");
    tui.wait_gone("Counseling agreement and informed consent");
    // Assessment.
    tui.send(key::RIGHT);
    tui.wait_for("Methods (R4)");
    tui.send(key::ENTER);
    tui.type_text("会谈、观察");
    tui.send(key::TAB);
    tui.type_text("一般心理问题");
    tui.send(key::TAB);
    tui.type_text("两个月");
    tui.send(key::TAB);
    tui.type_text("期中考试失利");
    tui.send(key::F2);
    tui.wait_for("Saved.");
    tui.send("m");
    tui.wait_for("The case is now at: counseling.");
    // Goals and plan.
    tui.send(key::RIGHT);
    tui.wait_for("Plan (R7)");
    tui.send(key::ENTER);
    tui.type_text("认知行为方法，约六次");
    tui.send(key::TAB);
    tui.send(key::TAB);
    tui.type_text("考前能入睡");
    tui.send(key::F2);
    tui.wait_for("Saved.");
    // A session note, typed and then lost to a SIGKILL before it was saved.
    tui.send(key::RIGHT);
    tui.wait_for("Main problem");
    tui.send(key::ENTER);
    for _ in 0..3 {
        tui.send(key::TAB);
    }
    tui.type_text("考试焦虑，最近失眠");
    tui.send(key::TAB);
    tui.type_text("谈到考前的想法");
    // Locked in the middle of typing: the note is intact after unlocking.
    tui.type_text("，很紧张");
    tui.send(key::CTRL_L);
    tui.wait_for("Locked. Log in to continue");
    assert!(!tui.screen().contains("考前的想法"));
    tui.log_in(COUNSELOR, COUNSELOR_PW, "谈到考前的想法，很紧张");
    tui.wait_for("draft kept");
    drop(tui); // kills the process with SIGKILL: the draft written at the lock must be there

    let mut tui = Tui::spawn(&room.dir, 100, 30, &[], &[]);
    tui.log_in(COUNSELOR, COUNSELOR_PW, "Hello, 王老师.");
    tui.send("2");
    tui.wait_for("欧阳璟珩");
    tui.send(key::ENTER);
    tui.wait_for("Cases (n: new case");
    tui.send(key::ENTER);
    tui.wait_for("counseling");
    for _ in 0..4 {
        tui.send(key::RIGHT);
    }
    tui.wait_for("A draft of this note was kept");
    tui.wait_for("考试焦虑，最近失眠");
    tui.wait_for("谈到考前的想法，很紧张");
    tui.send(key::ENTER);
    tui.send(key::F4);
    tui.wait_for("Session note saved and signed.");
    tui.send("m");
    tui.wait_for("The case is now at: consolidation.");
    // Found again by a two-character word, landing on the case.
    tui.esc();
    tui.wait_for("Cases (n: new case");
    tui.esc();
    tui.wait_for("Clients: 1");
    tui.send("f");
    tui.type_text("失眠");
    tui.wait_for("Hits: 1");
    tui.send(key::ENTER);
    tui.wait_for("Found:");
    tui.wait_for("[失眠]");
    tui.wait_for("consolidation");
    tui.send(key::CTRL_C);
    tui.wait_exit();
    let out = room.as_counselor(&["verify"]);
    assert!(out.status.success(), "{}", text(&out));
    // The draft is gone once the note was saved.
    for (path, bytes) in files_under(&room.dir) {
        for enc in encodings("谈到考前的想法") {
            assert!(!contains(&bytes, &enc), "in clear in {}", path.display());
        }
    }
}

/// From counseling to follow-up in the interface: three sessions with homework and its feedback,
/// a risk event (shown on Today until resolved) and a referral, the closing summary and the
/// follow-up (R8–R11, R18, R19).
#[test]
fn three_sessions_a_risk_and_a_referral_then_closing_and_follow_up() {
    use caseroom::store::{Client, Session};
    let room = Room::new();
    let case_id = {
        let Session::Counselor(s) = open_session(&room.dir, COUNSELOR, COUNSELOR_PW) else {
            panic!("counselor")
        };
        let client = s
            .register_client(&Client {
                name: "诸葛骞翮".into(),
                ..Client::default()
            })
            .unwrap();
        let id = s.open_case(client).unwrap();
        let mut case = s.case(id).unwrap().unwrap();
        let day = chrono::NaiveDate::from_ymd_opt(2026, 11, 2);
        (case.first_contact_at, case.agreement_at, case.recording_consent) = (day, day, Some(true));
        (
            case.methods,
            case.nature,
            case.duration,
            case.causes,
            case.severity,
            case.category,
        ) = (
            "会谈".into(),
            "一般心理问题".into(),
            "一个月".into(),
            "人际冲突".into(),
            "general".into(),
            "relationships".into(),
        );
        case.plan = "每周一次，共六次".into();
        s.save_case(&case).unwrap();
        s.move_case(id, caseroom::domain::case::Stage::Assessment).unwrap();
        s.move_case(id, caseroom::domain::case::Stage::Counseling).unwrap();
        s.add_goal(id, "ultimate", "能和同学正常交往").unwrap();
        id
    };

    // A fixed "today": the book lists two weeks from today, and the next session is on 12-07.
    let mut tui = Tui::spawn(&room.dir, 100, 30, &[], &[("CASEROOM_TODAY", "2026-11-30")]);
    tui.log_in(COUNSELOR, COUNSELOR_PW, "Hello, 王老师.");
    tui.send("2");
    tui.wait_for("诸葛骞翮");
    tui.send(key::ENTER);
    tui.wait_for("Cases (n: new case");
    tui.send(key::ENTER);
    tui.wait_for(&format!("#{case_id} · counseling"));
    for _ in 0..4 {
        tui.send(key::RIGHT);
    }
    tui.wait_for("Main problem");
    for (n, homework) in ["记录一次主动打招呼", "和同桌一起完成作业", "参加一次小组活动"]
        .iter()
        .enumerate()
    {
        tui.send(key::ENTER);
        if n > 0 {
            tui.wait_for("last homework:");
        }
        for _ in 0..3 {
            tui.send(key::TAB);
        }
        tui.type_text(&format!("第{}次：人际交往", n + 1));
        for _ in 0..5 {
            tui.send(key::TAB);
        }
        tui.type_text(homework);
        tui.send(key::TAB);
        if n > 0 {
            tui.type_text("完成了");
        }
        if n == 2 {
            // The next session, booked into the duty book and the calendar (R8).
            tui.send(key::TAB);
            tui.type_text("2026-12-07 12:00");
            tui.send(key::F4);
            tui.wait_for("next session booked for 2026-12-07 12:00");
        } else {
            tui.send(key::F4);
            tui.wait_for("Session note saved and signed.");
        }
    }
    // An addendum to the last signed note: dated, the note unchanged.
    tui.send("a");
    tui.wait_for("Addendum to the signed note");
    tui.type_text("家长来电：孩子愿意参加小组活动");
    tui.send(key::F2);
    tui.wait_for("Addendum saved with today's date");
    tui.send("4");
    tui.wait_for("12-07 12:00  诸葛骞翮");
    tui.send("2");
    tui.wait_for("Session");
    // A risk event and a referral.
    tui.send(key::RIGHT);
    tui.wait_for("Referred to (R19)");
    tui.send(key::ENTER);
    tui.send(key::TAB);
    tui.type_text("说过不想活了");
    tui.send(key::TAB);
    tui.type_text("通知家长，每周两次面谈");
    // Guardian and head teacher told (the fixed choices), and the class's peer-support rep.
    tui.send(key::TAB);
    tui.send(" ");
    tui.send(key::TAB);
    tui.send(" ");
    tui.send(key::TAB);
    tui.send(key::TAB);
    tui.send(key::TAB);
    tui.type_text("心理委员");
    tui.send(key::TAB);
    tui.type_text("保障安全所必需");
    tui.send(key::TAB);
    tui.type_text("市精神卫生中心");
    tui.send(key::TAB);
    tui.type_text("需要专业评估");
    tui.send(key::F2);
    tui.wait_for("Risk event recorded");
    tui.wait_for("⚠ open risk: red");
    tui.send("1");
    tui.wait_for(&format!("⚠ Open risk: 诸葛骞翮 (case #{case_id})"));
    tui.send("2");
    tui.wait_for("⚠ open risk: red");
    tui.wait_for("Referred to (R19)");
    tui.send("o");
    tui.wait_for("Referral to 市精神卫生中心");
    tui.type_text("已就诊，建议继续在校辅导");
    tui.send(key::F2);
    tui.wait_for("Referral outcome recorded.");
    tui.send("x");
    tui.wait_for("Risk resolved.");
    tui.wait_gone("⚠ open risk");
    // Consolidation, closing with a summary, and a follow-up.
    tui.send("m");
    tui.wait_for("The case is now at: consolidation.");
    tui.send(key::RIGHT);
    tui.wait_for("Closing summary");
    tui.send(key::ENTER);
    // A gradual ending (R10): three shorter sessions at widening intervals.
    tui.send(key::RIGHT);
    tui.send(key::TAB);
    tui.type_text("2026-12-14 12:00");
    tui.send(key::TAB);
    tui.send(key::TAB);
    tui.type_text("共同回顾了三次咨询的变化");
    tui.send(key::TAB);
    tui.type_text("交往目标基本达成");
    tui.send(key::TAB);
    tui.type_text("2027-03-01");
    tui.send(key::TAB);
    tui.type_text("电话");
    tui.send(key::F2);
    tui.wait_for("Spaced sessions: 12-14 12:00, 12-28 12:00, 01-25 12:00.");
    tui.send("m");
    tui.wait_for("The case is now at: closed.");
    tui.send("m");
    tui.wait_for("The case is now at: follow-up.");
    tui.send("d");
    tui.wait_for("Follow-up due 2027-03-01");
    tui.type_text("电话回访：状态稳定");
    tui.send(key::F2);
    tui.wait_for("Follow-up recorded.");
    tui.send(key::RIGHT);
    tui.wait_for("Overview");
    tui.wait_for("referral");
    // R15: who did what to the case, readable in the case.
    tui.send("u");
    tui.wait_for("Who did what to this case");
    tui.wait_for("stage:follow_up");
    tui.send(" ");
    tui.wait_gone("Who did what to this case");
    // R6: a goal's status moves on; the earlier version stays in its history.
    for _ in 0..3 {
        tui.send(key::RIGHT);
    }
    tui.wait_for("› ultimate · 能和同学正常交往 · open");
    tui.send("g");
    tui.wait_for("Goal is now: in progress");
    tui.wait_for("› ultimate · 能和同学正常交往 · in progress");
    tui.send(key::CTRL_C);
    tui.wait_exit();

    let Session::Counselor(s) = open_session(&room.dir, COUNSELOR, COUNSELOR_PW) else {
        panic!("counselor")
    };
    let sessions = s.sessions(case_id).unwrap();
    assert_eq!(sessions.len(), 3);
    assert!(sessions.iter().all(|n| n.signed));
    assert_eq!(sessions[2].homework_feedback, "完成了");
    assert!(
        s.follow_ups_due(chrono::NaiveDate::from_ymd_opt(2027, 3, 1).unwrap())
            .unwrap()
            .is_empty(),
        "the follow-up was done"
    );
}

/// R22 in the interface: a group, two members, a session with one absent; the member's case
/// shows the session, and not the other member.
#[test]
fn a_group_session_recorded_in_the_interface_reaches_a_members_case() {
    use caseroom::store::{Client, Session};
    let room = Room::new();
    {
        let Session::Counselor(s) = open_session(&room.dir, COUNSELOR, COUNSELOR_PW) else {
            panic!("counselor")
        };
        for name in ["欧阳璟珩", "司马翊蕤"] {
            let id = s
                .register_client(&Client {
                    name: name.into(),
                    ..Client::default()
                })
                .unwrap();
            s.open_case(id).unwrap();
        }
    }
    let mut tui = Tui::spawn(&room.dir, 100, 30, &[], &[]);
    tui.log_in(COUNSELOR, COUNSELOR_PW, "Hello, 王老师.");
    tui.send("2");
    tui.wait_for("Clients: 2");
    tui.send("g");
    tui.wait_for("Groups (团体辅导)");
    tui.send("n");
    tui.type_text("人际交往小组");
    tui.send(key::TAB);
    tui.type_text("学会合作");
    tui.send(key::F2);
    tui.wait_for("Group created.");
    tui.send(key::ENTER);
    tui.wait_for("Members:");
    for name in ["欧阳璟珩", "司马翊蕤"] {
        tui.send("a");
        tui.type_text(name);
        tui.send(key::F2);
        tui.wait_for(&format!("{name} joined the group."));
    }
    tui.send("s");
    tui.wait_for("Activities");
    for _ in 0..4 {
        tui.send(key::TAB);
    }
    tui.type_text("无此人");
    tui.send(key::F2);
    tui.wait_for("无此人 is not a member of this group.");
    tui.send(key::CTRL_U);
    tui.type_text("司马翊蕤(病假)");
    tui.send(key::F2);
    tui.wait_for("Session 1 recorded: 1 of 2 present.");
    tui.wait_for("#1");
    tui.esc();
    tui.esc();
    tui.wait_for("Clients: 2");
    tui.send("/");
    tui.type_text("oy");
    tui.send(key::ENTER);
    tui.wait_for("Cases (n: new case");
    tui.send(key::ENTER);
    tui.wait_for("人际交往小组 #1");
    assert!(
        !tui.screen().contains("司马"),
        "another member's name on this case:\n{}",
        tui.screen()
    );
    tui.send(key::CTRL_C);
    tui.wait_exit();
}

/// R21, R18: a PHQ-9 given in the case, item 9 answered above zero: the alert shows at once and
/// a risk event is recorded from it; the result, with its band, is on the case's timeline.
#[test]
fn a_phq9_with_item_nine_above_zero_alerts_and_records_a_risk_event() {
    let room = Room::new();
    let mut tui = open_new_case(&room, "上官鹂琦");
    tui.send("s");
    tui.wait_for("Which scale?");
    tui.wait_for("Patient Health Questionnaire (PHQ-9)");
    tui.send(key::ENTER);
    tui.wait_for("1. Little interest or pleasure in doing things");
    tui.send("3");
    tui.wait_for("2. Feeling down");
    tui.send(key::BACKSPACE);
    tui.wait_for("1. Little interest");
    for answer in ["3", "3", "2", "1", "1", "1", "1", "1", "2"] {
        tui.send(answer);
    }
    tui.wait_for("⚠ Risk item 9 answered above zero");
    tui.wait_for("Score: 6");
    tui.wait_for("Band: mild");
    tui.wait_for("not a diagnosis");
    tui.send("r");
    tui.wait_for("Referred to (R19)");
    tui.wait_for("PHQ-9): risk item 9 answered above zero");
    tui.send(key::F2);
    tui.wait_for("Risk event recorded");
    tui.wait_for("⚠ open risk: red");
    for _ in 0..2 {
        tui.send(key::RIGHT);
    }
    tui.wait_for("phq9 6");
    tui.wait_for("phq9     6"); // the score chart's label over the timeline
    tui.send(key::CTRL_C);
    tui.wait_exit();
}

/// R21: "hand the keyboard over": the student sees the scale and nothing else, and caseroom locks
/// when the last item is answered; the counselor finds the result after logging in.
#[test]
fn a_scale_handed_to_the_student_shows_nothing_else_and_locks_when_done() {
    let room = Room::new();
    let mut tui = open_new_case(&room, "东方曦玥");
    tui.send("s");
    tui.wait_for("h: hand the keyboard to the student");
    tui.send(key::DOWN);
    tui.send("h");
    tui.wait_for("1. Feeling nervous, anxious, or on edge");
    let screen = tui.screen();
    for private in ["东方曦玥", "王老师", "Today", "Overview", "caseroom"] {
        assert!(!screen.contains(private), "{private} shown to the student:\n{screen}");
    }
    // A click on where the sections were does nothing.
    tui.click(10, 1);
    for _ in 0..7 {
        tui.send("2");
    }
    tui.wait_for("Locked. Log in to continue");
    tui.log_in(COUNSELOR, COUNSELOR_PW, "Score: 7");
    tui.wait_for("Band: mild");
    // Ctrl-C from a student holding the keyboard locks; it does not quit to the shell.
    tui.send(key::ENTER);
    tui.send("s");
    tui.wait_for("h: hand the keyboard to the student");
    tui.send("h");
    tui.wait_for("1. Little interest");
    tui.send(key::CTRL_C);
    tui.wait_for("Locked. Log in to continue");
    tui.send(key::CTRL_C);
    tui.wait_exit();
}

/// A client with a case at intake, registered in the store, and the case opened in the
/// interface (a counselor logged in, 100×30).
fn open_new_case(room: &Room, name: &str) -> Tui {
    use caseroom::store::{Client, Session};
    {
        let Session::Counselor(s) = open_session(&room.dir, COUNSELOR, COUNSELOR_PW) else {
            panic!("counselor")
        };
        let id = s
            .register_client(&Client {
                name: name.into(),
                ..Client::default()
            })
            .unwrap();
        s.open_case(id).unwrap();
    }
    let mut tui = Tui::spawn(&room.dir, 100, 30, &[], &[]);
    tui.log_in(COUNSELOR, COUNSELOR_PW, "Hello, 王老师.");
    tui.send("2");
    tui.wait_for(name);
    tui.send(key::ENTER);
    tui.wait_for("Cases (n: new case");
    tui.send(key::ENTER);
    tui.wait_for("Overview");
    tui
}
