//! End-to-end: the real binary in a pseudo-terminal, driven by keys, Chinese text, paste and
//! mouse, read back from the screen (R14, R23, R28).

mod common;

use common::tui::{Tui, key};
use common::*;

#[test]
fn first_run_setup_in_chinese_reaches_the_home_screen_at_80x24() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("data");
    let mut tui = Tui::spawn(&dir, 80, 24, &[], &[]);
    tui.wait_for("设置心理辅导室");
    tui.wait_for("第 1 步");
    tui.send(key::ENTER);
    tui.wait_for("第 2 步");
    tui.type_text("实验中学");
    tui.send(key::TAB);
    tui.paste("心理辅导室");
    tui.send(key::TAB);
    tui.type_text("wang");
    tui.send(key::TAB);
    tui.type_text("王老师");
    tui.send(key::TAB);
    tui.type_text("counselor-pass-1");
    tui.send(key::TAB);
    tui.type_text("typo-pass-1");
    tui.send(key::ENTER);
    tui.wait_for("两次输入的密码不一致");
    // Nothing typed was lost.
    assert!(
        tui.screen().contains("实验中学") && tui.screen().contains("王老师"),
        "{}",
        tui.screen()
    );
    tui.send(key::CTRL_U);
    tui.type_text("counselor-pass-1");
    tui.send(key::ENTER);
    tui.wait_for("第 3 步");
    tui.wait_for("12:00-13:00, 16:50-17:30");
    tui.send(key::F2);
    tui.wait_for("第 4 步");
    let screen = tui.screen();
    let groups: Vec<&str> = screen
        .lines()
        .map(|l| {
            l.trim_matches(|c: char| c == '│' || c.is_whitespace())
                .split_whitespace()
                .collect::<Vec<_>>()
        })
        .find(|g| {
            g.len() == 8
                && g.iter()
                    .all(|g| g.len() == 4 && g.chars().all(|c| c.is_ascii_alphanumeric()))
        })
        .unwrap_or_else(|| panic!("the recovery code is shown:\n{screen}"));
    let last = groups.last().unwrap().to_string();
    tui.type_text("XXXX");
    tui.send(key::ENTER);
    tui.wait_for("不是上面恢复码的最后一组");
    tui.send(key::CTRL_U);
    tui.type_text(&last.to_lowercase());
    tui.send(key::ENTER);
    tui.wait_for("王老师，您好");
    tui.wait_for("实验中学 · 心理辅导室");
    tui.wait_for("1 今天");
    tui.send("q");
    tui.wait_exit();
    tui.assert_restored();

    // It made exactly what `caseroom init` makes: the CLI logs in, verifies, and the recovery
    // code that was shown works.
    let out = run_in(&dir, &["verify", "--user", "wang"], &["counselor-pass-1"]);
    assert!(out.status.success(), "{}", text(&out));
    let code = groups.join("-");
    let out = run_in(
        &dir,
        &["recover", "--code", &code, "--user", "wang"],
        &["counselor-pass-2"],
    );
    assert!(out.status.success(), "{}", text(&out));
}

#[test]
fn login_with_a_wrong_then_a_right_password() {
    let room = Room::new();
    let mut tui = Tui::spawn(&room.dir, 100, 30, &[], &[]);
    tui.wait_for("caseroom: log in");
    tui.type_text("not-my-password");
    tui.send(key::ENTER);
    tui.wait_for("Wrong password.");
    tui.wait_for("Wait 1 s before the next try.");
    // The countdown ends by itself; then the right password gets in.
    tui.wait_gone("before the next try");
    tui.type_text(COUNSELOR_PW);
    tui.send(key::ENTER);
    tui.wait_for("Hello, 王老师.");
    tui.wait_for("Settings");
    tui.send(key::CTRL_C);
    tui.wait_exit();
    tui.assert_restored();
}

#[test]
fn a_duty_teacher_sees_no_counselor_section() {
    let room = Room::new();
    let mut tui = Tui::spawn(&room.dir, 100, 30, &[], &[]);
    tui.log_in("li", DUTY_PW, "Hello, li.");
    let screen = tui.screen();
    assert!(
        screen.contains("2 Book") && screen.contains("3 Duty record") && screen.contains("4 Calendar"),
        "{screen}"
    );
    for counselor_only in ["Clients", "Scales", "Reports", "Settings", "clients:", "cases:"] {
        assert!(
            !screen.contains(counselor_only),
            "duty screen shows {counselor_only}:\n{screen}"
        );
    }
    tui.send("7");
    tui.send("4");
    tui.wait_for("┌Calendar");
    tui.send("q");
    tui.wait_exit();
    tui.assert_restored();
}

#[test]
fn idle_lock_after_a_short_time_and_unlock() {
    let room = Room::new();
    let mut tui = Tui::spawn(&room.dir, 100, 30, &[], &[("CASEROOM_LOCK_SECONDS", "2")]);
    tui.log_in("wang", COUNSELOR_PW, "Hello, 王老师.");
    tui.wait_for("Locked. Log in to continue");
    let screen = tui.screen();
    assert!(
        !screen.contains("Hello") && !screen.contains("students on the roster"),
        "{screen}"
    );
    // The account that was in is preselected.
    assert!(
        screen.lines().any(|l| l.contains("›") && l.contains("wang")),
        "{screen}"
    );
    tui.type_text(COUNSELOR_PW);
    tui.send(key::ENTER);
    tui.wait_for("Hello, 王老师.");
    // Ctrl-L locks at once.
    tui.send(key::CTRL_L);
    tui.wait_for("Locked. Log in to continue");
    tui.send(key::CTRL_C);
    tui.wait_exit();
    tui.assert_restored();
}

#[test]
fn resize_below_80x24_and_back() {
    let room = Room::new();
    let mut tui = Tui::spawn(&room.dir, 100, 30, &[], &[]);
    tui.log_in("wang", COUNSELOR_PW, "Hello, 王老师.");
    tui.resize(60, 20);
    tui.wait_for("needs at least 80×24");
    tui.resize(80, 24);
    tui.wait_for("Hello, 王老师.");
    tui.wait_for("7 Settings");
    tui.send("q");
    tui.wait_exit();
    tui.assert_restored();
}

#[test]
fn ctrl_c_and_a_panic_leave_the_terminal_restored() {
    let room = Room::new();
    let mut tui = Tui::spawn(&room.dir, 100, 30, &[], &[]);
    tui.wait_for("caseroom: log in");
    tui.send(key::CTRL_C);
    tui.wait_exit();
    tui.assert_restored();

    let mut tui = Tui::spawn(&room.dir, 100, 30, &[], &[("CASEROOM_TEST_PANIC", "1")]);
    tui.log_in("wang", COUNSELOR_PW, "Hello, 王老师.");
    tui.send(key::F12);
    let status = tui.wait_exit();
    assert!(!status.success());
    tui.assert_restored();
    assert!(
        tui.screen().contains("caseroom stopped unexpectedly"),
        "{}",
        tui.screen()
    );
    // A second caseroom is refused while one runs, and opens once it is gone.
    let out = room.as_counselor(&["status"]);
    assert!(out.status.success(), "the lock went with the process: {}", text(&out));
}

/// The newcomer's walk: in Settings add a duty teacher, lock, log in as that teacher, and see
/// only the duty sections. By mouse where a person would click.
#[test]
fn a_counselor_adds_a_duty_teacher_who_then_logs_in() {
    let room = Room::new();
    let mut tui = Tui::spawn(&room.dir, 100, 30, &[], &[]);
    tui.log_in("wang", COUNSELOR_PW, "Hello, 王老师.");
    let (col, row) = tui.find("7 Settings").expect("settings tab");
    tui.click(col + 2, row);
    tui.wait_for("Staff accounts");
    let (col, row) = tui.find("Staff accounts").unwrap();
    tui.click(col, row);
    tui.wait_for("Login ");
    tui.send("a");
    tui.wait_for("Add an account");
    tui.type_text("zhou");
    tui.send(key::TAB);
    tui.type_text("周老师");
    tui.send(key::TAB);
    tui.send(key::TAB);
    tui.type_text("zhou-pass-1");
    tui.send(key::TAB);
    tui.type_text("zhou-pass-1");
    tui.send(key::ENTER);
    tui.wait_for("Account zhou (duty teacher) added.");
    tui.wait_for("周老师");
    tui.send(key::CTRL_L);
    tui.wait_for("Locked. Log in to continue");
    tui.log_in("zhou", "zhou-pass-1", "Hello, 周老师.");
    assert!(!tui.screen().contains("Settings"));
    tui.send("q");
    tui.wait_exit();
    tui.assert_restored();
    let out = room.run(&["staff", "list", "--user", "zhou"], &["zhou-pass-1"]);
    assert!(text(&out).contains("zhou\tduty teacher\t周老师"), "{}", text(&out));
}

#[test]
fn help_lists_the_keys_and_quit_asks_when_input_is_unsaved() {
    let room = Room::new();
    let mut tui = Tui::spawn(&room.dir, 100, 30, &[], &[]);
    tui.log_in("wang", COUNSELOR_PW, "Hello, 王老师.");
    tui.send("?");
    tui.wait_for("Keys");
    for k in ["Ctrl-L", "lock", "quit", "1-9", "section"] {
        assert!(tui.screen().contains(k), "help lacks {k}:\n{}", tui.screen());
    }
    tui.send(" ");
    tui.wait_gone("any key closes");
    tui.send("7");
    tui.wait_for("Opening hours");
    tui.send(key::DOWN);
    tui.send(key::DOWN);
    tui.send(key::ENTER);
    tui.wait_for("Monday");
    tui.send(key::CTRL_U);
    tui.type_text("08:00-09:00");
    tui.esc();
    tui.send("q");
    tui.wait_for("is not saved");
    tui.esc();
    tui.wait_gone("is not saved");
    tui.send("q");
    tui.wait_for("is not saved");
    tui.send("y");
    tui.wait_exit();
    tui.assert_restored();
}

/// Locking in the middle of typing loses nothing for the same account, and shows nothing of it to
/// another.
#[test]
fn a_lock_in_the_middle_of_typing_keeps_the_text_for_the_same_account_only() {
    let room = Room::new();
    let mut tui = Tui::spawn(&room.dir, 100, 30, &[], &[]);
    tui.log_in("li", DUTY_PW, "Hello, li.");
    tui.send("3");
    tui.wait_for("Duty record");
    tui.send(key::TAB);
    tui.type_text("张同学 初一(5)班 来访");
    tui.send(key::CTRL_L);
    tui.wait_for("Locked. Log in to continue");
    assert!(!tui.screen().contains("张同学"));
    tui.log_in("li", DUTY_PW, "张同学 初一(5)班 来访");
    tui.send(key::CTRL_L);
    tui.wait_for("Locked. Log in to continue");
    tui.log_in("wang", COUNSELOR_PW, "Hello, 王老师.");
    tui.send("3");
    tui.wait_for("┌Calendar");
    tui.send(key::CTRL_L);
    tui.wait_for("Locked. Log in to continue");
    tui.log_in("li", DUTY_PW, "Hello, li.");
    tui.send("3");
    tui.wait_for("Duty record");
    assert!(
        !tui.screen().contains("张同学"),
        "another login in between dropped the stash"
    );
    tui.send(key::CTRL_C);
    tui.wait_exit();
}

/// Settings: back up now (the same file `caseroom backup` writes, restorable), and switch the
/// language of the room.
#[test]
fn back_up_now_and_switch_the_language_from_settings() {
    let room = Room::new();
    let backup = room.tmp.path().join("usb-stick.backup");
    let mut tui = Tui::spawn(&room.dir, 100, 30, &[], &[]);
    tui.log_in("wang", COUNSELOR_PW, "Hello, 王老师.");
    tui.send("7");
    tui.wait_for("Back up now");
    let (col, row) = tui.find("Back up now").unwrap();
    tui.click(col, row);
    tui.wait_for("Backup file");
    tui.send(key::CTRL_U);
    tui.type_text(backup.to_str().unwrap());
    tui.send(key::F2);
    tui.wait_for("Backup written to");
    let (col, row) = tui.find("Language").unwrap();
    tui.click(col, row);
    tui.wait_for("‹ English ›");
    tui.send(key::RIGHT);
    tui.send(key::F2);
    tui.wait_for("7 设置");
    tui.wait_for("已保存。");
    tui.send(key::CTRL_C);
    tui.wait_exit();
    assert_eq!(caseroom::vault::KeyRing::load(&room.dir).unwrap().lang, "zh-CN");

    let restored = room.tmp.path().join("restored");
    let out = run_in(
        &restored,
        &["restore", "--from", backup.to_str().unwrap(), "--user", COUNSELOR],
        &[COUNSELOR_PW],
    );
    assert!(out.status.success(), "{}", text(&out));
}
