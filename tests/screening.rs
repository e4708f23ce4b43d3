//! R26: a whole grade's PHQ-9 screening imported from CSV (500 students, GBK as Excel writes it),
//! scored by the scale's definition; the students of concern show on the counselor's Today.

mod common;

use common::tui::Tui;
use common::*;

#[test]
fn a_screening_of_500_students_puts_the_students_of_concern_on_today() {
    let room = Room::new();
    let roster = room.tmp.path().join("roster.csv");
    std::fs::write(&roster, roster_csv("G7", 500)).unwrap();
    assert!(
        room.as_counselor(&["import", "students", roster.to_str().unwrap()])
            .status
            .success()
    );

    // Every 50th student scores 12 (moderate); every 125th answers item 9 with 1; the rest 3.
    let mut csv = String::from("学号,1,2,3,4,5,6,7,8,9\n");
    let (mut moderate, mut risk) = (0, 0);
    for i in 0..500 {
        let answers: [u8; 9] = if i % 125 == 7 {
            risk += 1;
            [1, 1, 0, 0, 0, 0, 0, 0, 1]
        } else if i % 50 == 3 {
            moderate += 1;
            [2, 2, 2, 2, 2, 2, 0, 0, 0]
        } else {
            [1, 1, 1, 0, 0, 0, 0, 0, 0]
        };
        let cells: Vec<String> = answers.iter().map(u8::to_string).collect();
        csv.push_str(&format!("G7{i:06},{}\n", cells.join(",")));
    }
    csv.push_str("X9999,0,0,0,0,0,0,0,0,0\n");
    let file = room.tmp.path().join("screening.csv");
    std::fs::write(&file, encoding_rs::GBK.encode(&csv).0).unwrap();

    // A wrong scale and a short row are refused, with nothing imported.
    let out = room.as_counselor(&["import", "screening", file.to_str().unwrap(), "--scale", "gad7"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out).contains("9 item columns; the scale has 7 items"),
        "{}",
        text(&out)
    );

    let out = room.as_counselor(&["import", "screening", file.to_str().unwrap(), "--scale", "phq9"]);
    assert!(out.status.success(), "{}", text(&out));
    let concern = moderate + risk;
    assert!(
        text(&out).contains(&format!("Screening imported: 501 students, {concern} of concern")),
        "{}",
        text(&out)
    );
    assert!(
        text(&out).contains("1 student numbers match no one on the roster: X9999"),
        "{}",
        text(&out)
    );

    let mut tui = Tui::spawn(&room.dir, 100, 30, &[], &[]);
    tui.log_in(COUNSELOR, COUNSELOR_PW, "Hello, 王老师.");
    tui.wait_for(&format!("Students of concern not yet invited (主动约请): {concern}"));
    // Risk first, with its mark and the student's name from the roster.
    tui.wait_for(&format!("⚠ {} G7000007", name(7)));
    // Record the invitation (主动约请) of the first one: one fewer waits.
    tui.send("i");
    tui.wait_for(&format!("Invitation of {} (G7000007)", name(7)));
    tui.type_text("已面谈，约定下周再谈");
    tui.send(common::tui::key::F2);
    tui.wait_for("Invitation recorded.");
    tui.wait_for(&format!(
        "Students of concern not yet invited (主动约请): {}",
        concern - 1
    ));
    tui.send(common::tui::key::CTRL_C);
    tui.wait_exit();
}
