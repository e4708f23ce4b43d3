//! End-to-end: the room's front desk over two days, in a pseudo-terminal (R12, R13, R14, R23, R24).

mod common;

use common::tui::{Tui, key};
use common::*;

const MONDAY: &str = "2026-11-30";
const TUESDAY: &str = "2026-12-01";

#[test]
fn a_duty_shift_a_confirmed_booking_a_refused_overlap_and_the_next_days_handover() {
    let room = Room::new();

    // Monday: the duty teacher registers a request and writes the shift's record.
    let mut tui = Tui::spawn(&room.dir, 80, 24, &[], &[("CASEROOM_TODAY", MONDAY)]);
    tui.log_in(DUTY, DUTY_PW, "Hello, li.");
    // R14: a duty session never opens the archive.
    let files = tui.open_files();
    assert!(files.iter().any(|f| f.ends_with("dutybook.db")), "{files:?}");
    assert!(
        !files.iter().any(|f| f.to_string_lossy().contains("archive.db")),
        "{files:?}"
    );
    tui.send("2");
    tui.wait_for("Appointment book");
    tui.send("n");
    tui.wait_for("New appointment request");
    tui.type_text("欧阳璟珩");
    tui.send(key::TAB);
    tui.send(key::RIGHT);
    tui.send(key::TAB);
    tui.type_text("初二(3)班");
    tui.send(key::TAB);
    tui.send(key::TAB);
    for _ in 0..3 {
        tui.send(key::RIGHT); // emotion
    }
    tui.send(key::TAB);
    tui.type_text("周一午休");
    tui.send(key::F2);
    tui.wait_for("Request for 欧阳璟珩 registered.");
    tui.send("3");
    tui.wait_for("Duty record");
    tui.wait_for(MONDAY);
    tui.type_text("13:05");
    tui.send(key::TAB);
    tui.type_text("欧阳璟珩 初二(3)班");
    for _ in 0..3 {
        tui.send(key::TAB);
    }
    tui.type_text("请提醒王老师回电家长");
    tui.send(key::TAB);
    tui.send(" ");
    tui.send(key::F2);
    tui.wait_for("Duty record of 2026-11-30");
    tui.esc();
    tui.send("q");
    tui.wait_exit();
    tui.assert_restored();

    // The counselor sees the request on Today, confirms it, and is refused an overlap.
    let mut tui = Tui::spawn(&room.dir, 80, 24, &[], &[("CASEROOM_TODAY", MONDAY)]);
    tui.log_in(COUNSELOR, COUNSELOR_PW, "Hello, 王老师.");
    tui.wait_for("Requests to confirm: 1");
    tui.wait_for("欧阳璟珩");
    tui.send("4");
    tui.wait_for("Appointment book");
    tui.send("c");
    tui.wait_for("Confirm 欧阳璟珩 into a slot");
    tui.send(key::TAB);
    tui.type_text("12:00");
    tui.send(key::F2);
    tui.wait_for("Booked 2026-11-30 12:00 with wang.");
    tui.send("n");
    tui.wait_for("New appointment request");
    tui.type_text("司马翊蕤");
    tui.send(key::F2);
    tui.wait_for("Request for 司马翊蕤 registered.");
    // The open request is listed first: confirm it into an overlapping slot.
    tui.send(key::UP);
    tui.send("c");
    tui.wait_for("Confirm 司马翊蕤 into a slot");
    tui.send(key::TAB);
    tui.type_text("12:20");
    tui.send(key::F2);
    tui.wait_for("Refused: that overlaps");
    // Outside the opening hours: warned, then booked on a second F2.
    tui.send(key::CTRL_U);
    tui.type_text("14:00");
    tui.send(key::F2);
    tui.wait_for("outside the opening hours");
    tui.send(key::F2);
    tui.wait_for("Booked 2026-11-30 14:00 with wang.");
    tui.send("3");
    tui.wait_for("Calendar");
    tui.wait_for("12:00 欧阳璟珩");
    tui.wait_for("14:00 司马翊蕤");
    // A new request from the calendar, for the day under the cursor.
    tui.send(key::RIGHT);
    tui.send("n");
    tui.wait_for("New appointment request");
    tui.wait_for("2026-12-01");
    tui.esc();
    tui.send("q");
    tui.wait_exit();

    // Tuesday: the next duty teacher reads the handover first.
    let mut tui = Tui::spawn(&room.dir, 80, 24, &[], &[("CASEROOM_TODAY", TUESDAY)]);
    tui.log_in(DUTY, DUTY_PW, "Hello, li.");
    tui.wait_for("Handover from 2026-11-30 (li):");
    tui.wait_for("请提醒王老师回电家长");
    assert!(
        !tui.screen().contains("欧阳璟珩 初二"),
        "the visitors list is not on Today"
    );
    tui.send("q");
    tui.wait_exit();
    let out = room.as_counselor(&["verify"]);
    assert!(out.status.success(), "{}", text(&out));
}

/// R13: the rota, a leave request from the duty teacher, its approval with a substitute, and the
/// school calendar's closed days, all through the interface.
#[test]
fn rota_leave_with_a_substitute_and_closed_days() {
    let room = Room::new();
    let mut tui = Tui::spawn(&room.dir, 100, 30, &[], &[("CASEROOM_TODAY", MONDAY)]);
    tui.log_in(COUNSELOR, COUNSELOR_PW, "Hello, 王老师.");
    tui.send("7");
    tui.wait_for("Duty rota");
    let (col, row) = tui.find("Duty rota").unwrap();
    tui.click(col, row);
    tui.wait_for("Monday");
    tui.type_text("12:00-13:00 nobody");
    tui.send(key::F2);
    tui.wait_for("There is no account nobody.");
    tui.send(key::CTRL_U);
    tui.type_text("12:00-13:00 li");
    tui.send(key::F2);
    tui.wait_for("Saved.");
    let (col, row) = tui.find("Closed days").unwrap();
    tui.click(col, row);
    tui.wait_for("One per line");
    tui.type_text("2026-12-02 运动会");
    tui.send(key::F2);
    tui.wait_for("Saved.");
    tui.send("1");
    tui.wait_for("On duty today: 12:00-13:00 li");
    tui.send("3");
    tui.wait_for("duty: li");
    tui.send(key::CTRL_L);
    tui.wait_for("Locked. Log in to continue");

    tui.log_in(DUTY, DUTY_PW, "Hello, li.");
    tui.wait_for("Your next shifts: 11-30 12:00-13:00");
    tui.send("l");
    tui.wait_for("Ask for leave");
    tui.type_text(MONDAY);
    tui.send(key::TAB);
    tui.type_text("外出培训");
    tui.send(key::F2);
    tui.wait_for("Leave for 2026-11-30 asked for.");
    tui.send(key::CTRL_L);
    tui.wait_for("Locked. Log in to continue");

    tui.log_in(COUNSELOR, COUNSELOR_PW, "Leave requests waiting: 1");
    tui.send("7");
    tui.wait_for("Duty rota");
    let (col, row) = tui.find("Leave requests").unwrap();
    tui.click(col, row);
    tui.wait_for("外出培训");
    tui.send("y");
    tui.wait_for("who covers the shift?");
    tui.type_text("wang");
    tui.send(key::F2);
    tui.wait_for("Leave approved.");
    tui.esc();
    tui.send("1");
    tui.wait_for("On duty today: 12:00-13:00 wang");
    // A closed day: booking there is warned like outside the opening hours.
    tui.send("4");
    tui.send("n");
    tui.wait_for("New appointment request");
    tui.type_text("东方曦玥");
    tui.send(key::F2);
    tui.wait_for("Request for 东方曦玥 registered.");
    tui.send("c");
    tui.wait_for("Confirm 东方曦玥");
    tui.send(key::CTRL_U);
    tui.type_text("2026-12-02");
    tui.send(key::TAB);
    tui.type_text("12:00");
    tui.send(key::F2);
    tui.wait_for("outside the opening hours");
    tui.send(key::CTRL_C);
    tui.wait_exit();
}

/// R12: the student comes from the roster when the name is on it (class and gender filled in).
#[test]
fn a_request_for_a_student_on_the_roster_fills_in_the_class() {
    let room = Room::new();
    let file = room.tmp.path().join("roster.csv");
    std::fs::write(
        &file,
        "学号,姓名,性别,出生日期,年级,班级\n20260417,上官鹂琦,女,2012-05-01,初一,5班\n",
    )
    .unwrap();
    assert!(
        room.as_counselor(&["import", "students", file.to_str().unwrap()])
            .status
            .success()
    );
    let mut tui = Tui::spawn(&room.dir, 100, 30, &[], &[]);
    tui.log_in(DUTY, DUTY_PW, "Hello, li.");
    tui.send("2");
    tui.send("n");
    tui.wait_for("New appointment request");
    tui.type_text("上官鹂琦");
    tui.send(key::TAB);
    tui.wait_for("from the roster: 20260417");
    tui.wait_for("初一5班");
    tui.wait_for("‹ female ›");
    tui.send(key::F2);
    tui.wait_for("Request for 上官鹂琦 registered.");
    tui.send(key::CTRL_C);
    tui.wait_exit();
}
