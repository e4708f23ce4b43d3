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
    tui.wait_for("draft kept");
    drop(tui); // kills the process with SIGKILL

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
    tui.wait_for("谈到考前的想法");
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
