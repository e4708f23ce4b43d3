//! The encrypted archive, tested through the real binary on real SQLCipher files (R14, R15, R28).

mod common;

use std::time::{Duration, Instant};

use caseroom::store::{DataDir, Session};
use caseroom::vault::{KeyRing, Password};
use common::*;

fn open_raw(path: &std::path::Path, key_hex: &str) -> rusqlite::Result<i64> {
    let conn = rusqlite::Connection::open(path)?;
    conn.execute_batch("PRAGMA cipher_log_level = NONE;")?;
    conn.execute_batch(&format!("PRAGMA key = \"x'{key_hex}'\";"))?;
    conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))
}

fn unlock(
    dir: &std::path::Path,
    user: &str,
    pw: &str,
) -> Result<caseroom::vault::Unlocked, caseroom::vault::VaultError> {
    caseroom::vault::allow_weak_kdf_for_tests();
    let mut ring = KeyRing::load(dir).unwrap();
    ring.unlock(user, &Password::from(pw), chrono::Utc::now())
}

/// R14: the key a duty password unwraps does not open the archive, and there is no archive key
/// in a duty entry to unwrap at all.
#[test]
fn duty_password_cannot_open_the_archive() {
    let room = Room::new();
    let ring = KeyRing::load(&room.dir).unwrap();
    assert!(!ring.entry(DUTY).unwrap().wrapped.contains_key("archive"));
    let duty = unlock(&room.dir, DUTY, DUTY_PW).unwrap();
    assert!(duty.archive.is_none());
    let d = hex::encode(duty.dutybook.expose());
    assert!(open_raw(&room.path("dutybook.db"), &d).is_ok());
    let err = open_raw(&room.path("archive.db"), &d).unwrap_err();
    assert_eq!(err.sqlite_error_code(), Some(rusqlite::ErrorCode::NotADatabase));
    // And the binary shows a duty teacher no archive counts.
    let out = room.run(&["status", "--user", DUTY], &[DUTY_PW]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(!text(&out).contains("clients:"));
    let out = room.run(&["import", "students", "/dev/null", "--user", DUTY], &[DUTY_PW]);
    assert_eq!(out.status.code(), Some(4), "{}", text(&out));
}

/// Turning a duty account into a counselor in keyring.json gains nothing.
#[test]
fn promoting_a_duty_account_in_the_key_ring_gives_no_access() {
    let room = Room::new();
    let original = std::fs::read_to_string(room.path("keyring.json")).unwrap();
    let mut ring: serde_json::Value = serde_json::from_str(&original).unwrap();
    let accounts = ring["accounts"].as_array_mut().unwrap();
    let counselor_archive = accounts.iter().find(|a| a["name"] == COUNSELOR).unwrap()["wrapped"]["archive"].clone();
    let duty = accounts.iter_mut().find(|a| a["name"] == DUTY).unwrap();
    duty["role"] = "counselor".into();
    duty["wrapped"]["archive"] = counselor_archive;
    std::fs::write(room.path("keyring.json"), serde_json::to_vec_pretty(&ring).unwrap()).unwrap();

    let out = room.run(&["status", "--user", DUTY], &[DUTY_PW]);
    let code = out.status.code();
    assert!(code == Some(3) || code == Some(5), "exit {code:?}: {}", text(&out));
    assert!(
        text(&out).contains(DUTY),
        "the message names the account: {}",
        text(&out)
    );
    assert!(!text(&out).contains("panicked"));
    // The counselor's login reports the altered entry.
    let out = room.as_counselor(&["verify"]);
    assert_eq!(out.status.code(), Some(5), "{}", text(&out));
    assert!(text(&out).contains("entry of li"), "{}", text(&out));
}

#[test]
fn wrong_password_exits_3_with_a_growing_delay() {
    let room = Room::new();
    let out = room.run(&["status", "--user", COUNSELOR], &["not-the-password"]);
    assert_eq!(out.status.code(), Some(3));
    assert!(text(&out).contains("Wrong password for wang"), "{}", text(&out));
    assert!(text(&out).contains("wait 1 s"), "{}", text(&out));

    let start = Instant::now();
    let out = room.run(&["status", "--user", COUNSELOR], &["still-wrong"]);
    assert_eq!(out.status.code(), Some(3));
    assert!(text(&out).contains("wait 2 s"), "{}", text(&out));
    let second = start.elapsed();

    let start = Instant::now();
    let out = room.run(&["status", "--user", COUNSELOR], &[COUNSELOR_PW]);
    assert!(out.status.success(), "{}", text(&out));
    let third = start.elapsed();
    // The delay survives the restart of the program: each new process waited it out.
    assert!(second >= Duration::from_millis(900), "second attempt waited {second:?}");
    assert!(third >= Duration::from_millis(1900), "third attempt waited {third:?}");
    assert_eq!(
        KeyRing::load(&room.dir).unwrap().entry(COUNSELOR).unwrap().failed.count,
        0
    );
}

/// R14: after an import of distinctive names, none of them is in any file of the data
/// directory, in any encoding, while the stores are open (WAL present) and after.
#[test]
fn imported_names_never_reach_disk_in_clear() {
    let room = Room::new();
    let csv = roster_csv("S9", 48);
    let file = room.tmp.path().join("roster.csv");
    std::fs::write(&file, &csv).unwrap();

    let needles: Vec<String> = (0..48).map(name).chain((0..48).map(|i| format!("S9{i:06}"))).collect();
    let check = |when: &str| {
        let files = files_under(&room.dir);
        assert!(files.len() >= 3);
        for (path, bytes) in &files {
            for needle in &needles {
                for enc in encodings(needle) {
                    assert!(!contains(bytes, &enc), "{when}: {needle} found in {}", path.display());
                }
            }
        }
    };

    // In-process, to look at the -wal and -shm files while the connection is open.
    caseroom::vault::allow_weak_kdf_for_tests();
    let mut ring = KeyRing::load(&room.dir).unwrap();
    let keys = ring
        .unlock(COUNSELOR, &Password::from(COUNSELOR_PW), chrono::Utc::now())
        .unwrap();
    let dir = DataDir::open(&room.dir).unwrap();
    let Session::Counselor(mut session) = Session::open(dir, keys, &mut ring).unwrap() else {
        panic!("counselor")
    };
    let rows = caseroom::domain::roster::parse(csv.as_bytes()).unwrap();
    session.import_students(&rows).unwrap();
    assert!(room.path("dutybook.db-wal").exists(), "the WAL is there to be checked");
    check("open");
    drop(session);

    let out = room.as_counselor(&["import", "students", file.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("updated 48"), "{}", text(&out));
    check("closed");
}

#[test]
fn backup_restore_status_and_verify_agree() {
    let room = Room::new();
    let file = room.tmp.path().join("roster.csv");
    std::fs::write(&file, roster_csv("B", 30)).unwrap();
    assert!(
        room.as_counselor(&["import", "students", file.to_str().unwrap()])
            .status
            .success()
    );
    let backup = room.tmp.path().join("room.caseroom-backup");
    let out = room.as_counselor(&["backup", "--to", backup.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out));
    // The backup holds no name in clear either.
    let bytes = std::fs::read(&backup).unwrap();
    for enc in encodings(&name(3)) {
        assert!(!contains(&bytes, &enc));
    }

    let restored = room.tmp.path().join("restored");
    let out = run_in(
        &restored,
        &["restore", "--from", backup.to_str().unwrap(), "--user", COUNSELOR],
        &[COUNSELOR_PW],
    );
    assert!(out.status.success(), "{}", text(&out));

    let original = room.as_counselor(&["status"]);
    let copy = run_in(&restored, &["status", "--user", COUNSELOR], &[COUNSELOR_PW]);
    assert!(copy.status.success());
    // The copy was taken after the backup's own audit rows, so both say the same.
    assert_eq!(
        String::from_utf8_lossy(&original.stdout),
        String::from_utf8_lossy(&copy.stdout)
    );
    assert!(String::from_utf8_lossy(&copy.stdout).contains("students on the roster: 30"));
    let out = run_in(&restored, &["verify", "--user", COUNSELOR], &[COUNSELOR_PW]);
    assert!(out.status.success(), "{}", text(&out));
    // The duty teacher's password opens the restored duty book too.
    let out = run_in(&restored, &["status", "--user", DUTY], &[DUTY_PW]);
    assert!(out.status.success(), "{}", text(&out));

    // A backup cut short is refused, and leaves the target empty of a room.
    let cut = room.tmp.path().join("cut.caseroom-backup");
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
    let target = room.tmp.path().join("from-cut");
    let out = run_in(
        &target,
        &["restore", "--from", cut.to_str().unwrap(), "--user", COUNSELOR],
        &[COUNSELOR_PW],
    );
    assert_eq!(out.status.code(), Some(5), "{}", text(&out));
    assert!(!target.join("keyring.json").exists());
}

#[test]
fn a_flipped_byte_in_the_archive_exits_5_and_names_the_backup() {
    let room = Room::new();
    let file = room.tmp.path().join("roster.csv");
    std::fs::write(&file, roster_csv("F", 200)).unwrap();
    // Some data in the archive: a few pages to damage.
    assert!(
        room.as_counselor(&["import", "students", file.to_str().unwrap()])
            .status
            .success()
    );
    let path = room.path("archive.db");
    let mut bytes = std::fs::read(&path).unwrap();
    let at = bytes.len() / 2 + 100;
    bytes[at] ^= 0x5a;
    std::fs::write(&path, &bytes).unwrap();
    let out = room.as_counselor(&["status"]);
    assert_eq!(out.status.code(), Some(5), "{}", text(&out));
    let message = text(&out);
    assert!(
        message.contains("archive.db is damaged") && message.contains("backup"),
        "{message}"
    );

    // Page one of the duty book (the salt) damaged: the same kind of answer.
    let path = room.path("dutybook.db");
    let mut bytes = std::fs::read(&path).unwrap();
    bytes[5] ^= 0xff;
    std::fs::write(&path, &bytes).unwrap();
    let out = room.as_counselor(&["status"]);
    assert_eq!(out.status.code(), Some(5), "{}", text(&out));
    assert!(text(&out).contains("dutybook.db is damaged"), "{}", text(&out));
}

#[test]
fn a_second_caseroom_on_the_same_directory_is_refused() {
    let room = Room::new();
    let held = DataDir::open(&room.dir).unwrap();
    let out = room.as_counselor(&["status"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out).contains("Another caseroom is using"), "{}", text(&out));
    drop(held);
    assert!(room.as_counselor(&["status"]).status.success());
}

#[test]
fn the_recovery_code_resets_a_forgotten_password() {
    let room = Room::new();
    let out = room.run(
        &[
            "recover",
            "--code",
            &room.recovery_code.to_lowercase(),
            "--user",
            COUNSELOR,
        ],
        &["a-brand-new-pass"],
    );
    assert!(out.status.success(), "{}", text(&out));
    let out = room.run(&["status", "--user", COUNSELOR], &[COUNSELOR_PW]);
    assert_eq!(out.status.code(), Some(3), "the old password stops working");
    std::thread::sleep(Duration::from_millis(1100));
    let out = room.run(&["verify", "--user", COUNSELOR], &["a-brand-new-pass"]);
    assert!(out.status.success(), "{}", text(&out));
    // `--code -` takes the code from standard input, out of the process list.
    let out = room.run(
        &["recover", "--code", "-", "--user", COUNSELOR],
        &[&room.recovery_code, "a-third-new-pass"],
    );
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        room.run(&["status", "--user", COUNSELOR], &["a-third-new-pass"])
            .status
            .success()
    );
    // A wrong code is refused with exit 3; a mistyped one with usage.
    let out = room.run(
        &[
            "recover",
            "--code",
            "0000-0000-0000-0000-0000-0000-0000-0000",
            "--user",
            COUNSELOR,
        ],
        &["another-pass-1"],
    );
    assert_eq!(out.status.code(), Some(3), "{}", text(&out));
    let out = room.run(&["recover", "--code", "ABC", "--user", COUNSELOR], &["another-pass-1"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
}

#[test]
fn a_removed_duty_account_opens_nothing_and_the_rest_still_do() {
    let room = Room::new();
    let old_ring = std::fs::read(room.path("keyring.json")).unwrap();
    let old_duty = unlock(&room.dir, DUTY, DUTY_PW).unwrap();

    let out = room.as_counselor(&["staff", "remove", DUTY]);
    assert!(out.status.success(), "{}", text(&out));
    let ring = KeyRing::load(&room.dir).unwrap();
    assert!(ring.entry(DUTY).is_none());
    assert!(!ring.has_pending_rotation());

    // The old entry and its password still unwrap the old duty key, which opens nothing now.
    let d = hex::encode(old_duty.dutybook.expose());
    assert!(open_raw(&room.path("dutybook.db"), &d).is_err());
    assert!(open_raw(&room.path("archive.db"), &d).is_err());
    // Putting the old key ring back does not help either.
    let copy = room.tmp.path().join("old-ring");
    std::fs::create_dir(&copy).unwrap();
    for f in ["dutybook.db", "archive.db"] {
        std::fs::copy(room.path(f), copy.join(f)).unwrap();
    }
    std::fs::write(copy.join("keyring.json"), &old_ring).unwrap();
    let out = run_in(&copy, &["status", "--user", DUTY], &[DUTY_PW]);
    assert_eq!(out.status.code(), Some(5), "{}", text(&out));

    // The counselor and the recovery code still open what they did.
    let out = room.as_counselor(&["verify"]);
    assert!(out.status.success(), "{}", text(&out));
    let out = room.run(
        &["recover", "--code", &room.recovery_code, "--user", COUNSELOR],
        &["after-removal-1"],
    );
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        room.run(&["verify", "--user", COUNSELOR], &["after-removal-1"])
            .status
            .success()
    );
}

#[test]
fn removing_a_second_counselor_rotates_the_archive_key_too() {
    let room = Room::new();
    let out = room.run(
        &["staff", "add", "zhao", "--role", "counselor", "--user", COUNSELOR],
        &[COUNSELOR_PW, "zhao-pass-1"],
    );
    assert!(out.status.success(), "{}", text(&out));
    let old = unlock(&room.dir, "zhao", "zhao-pass-1").unwrap();
    assert!(room.as_counselor(&["staff", "remove", "zhao"]).status.success());
    let a = hex::encode(old.archive.unwrap().expose());
    assert!(open_raw(&room.path("archive.db"), &a).is_err());
    assert!(room.as_counselor(&["verify"]).status.success());
    assert!(room.run(&["status", "--user", DUTY], &[DUTY_PW]).status.success());
    // The last counselor cannot be removed.
    let out = room.as_counselor(&["staff", "remove", COUNSELOR]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
}

#[test]
fn init_refuses_a_directory_that_holds_a_room() {
    let room = Room::new();
    let out = room.run(&["init", "--counselor", "other"], &["other-pass-1"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out).contains("already holds a room"), "{}", text(&out));
}

#[test]
fn bad_roster_rows_are_reported_by_line_and_nothing_is_imported() {
    let room = Room::new();
    let file = room.tmp.path().join("bad.csv");
    std::fs::write(
        &file,
        "学号,姓名,性别,出生日期,年级,班级\n1,张三,男,2012-01-01,初一,1班\n2,李四,?,,初一,1班\n",
    )
    .unwrap();
    let out = room.as_counselor(&["import", "students", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out).contains("line 3"), "{}", text(&out));
    assert!(text(&room.as_counselor(&["status"])).contains("students on the roster: 0"));
    // GBK as Excel on Chinese Windows writes it.
    let gbk = encoding_rs::GBK.encode(&roster_csv("G", 5)).0.into_owned();
    std::fs::write(&file, gbk).unwrap();
    let out = room.as_counselor(&["import", "students", file.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("Imported 5 new"), "{}", text(&out));
}

/// zh-CN is the default: a room set up without --lang speaks Chinese, and --lang overrides it.
#[test]
fn messages_speak_chinese_by_default() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("data");
    let run = |args: &[&str], input: &str| {
        let mut child = std::process::Command::new(bin())
            .env("CASEROOM_INSECURE_TEST_KDF", "1")
            .arg("--data-dir")
            .arg(&dir)
            .arg("--password-stdin")
            .args(args)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        use std::io::Write;
        writeln!(child.stdin.take().unwrap(), "{input}").unwrap();
        child.wait_with_output().unwrap()
    };
    let out = run(&["init", "--counselor", COUNSELOR], COUNSELOR_PW);
    assert!(text(&out).contains("辅导室已在"), "{}", text(&out));
    let out = run(&["status", "--user", COUNSELOR], "wrong-password");
    assert_eq!(out.status.code(), Some(3));
    assert!(text(&out).contains("密码不正确"), "{}", text(&out));
    let out = run(&["status", "--user", "nobody", "--lang", "en"], "x");
    assert!(text(&out).contains("There is no account nobody"), "{}", text(&out));
}

/// A staff removal killed between its steps: the key ring saved with the next keys, and the
/// store re-keyed or not. Either way the next counselor login opens the room and finishes the
/// rotation, so the old key opens nothing.
#[test]
fn an_interrupted_key_rotation_is_finished_at_the_next_login() {
    use caseroom::vault::{Key32, KeyName};
    for rekeyed in [false, true] {
        let room = Room::new();
        let counselor = unlock(&room.dir, COUNSELOR, COUNSELOR_PW).unwrap();
        let old_d = hex::encode(counselor.dutybook.expose());
        let next = Key32::random();
        let mut ring = KeyRing::load(&room.dir).unwrap();
        ring.seal_next(counselor.grant().unwrap(), KeyName::Dutybook, &next)
            .unwrap();
        ring.save(&room.dir).unwrap();
        if rekeyed {
            let conn = rusqlite::Connection::open(room.path("dutybook.db")).unwrap();
            conn.execute_batch(&format!(
                "PRAGMA key = \"x'{old_d}'\"; PRAGMA rekey = \"x'{}'\";",
                hex::encode(next.expose())
            ))
            .unwrap();
        }
        // A duty teacher can open the room in between, whichever key the file has.
        let out = room.run(&["status", "--user", DUTY], &[DUTY_PW]);
        assert!(out.status.success(), "rekeyed={rekeyed}: {}", text(&out));

        let out = room.as_counselor(&["verify"]);
        assert!(out.status.success(), "rekeyed={rekeyed}: {}", text(&out));
        assert!(!KeyRing::load(&room.dir).unwrap().has_pending_rotation());
        assert!(open_raw(&room.path("dutybook.db"), &old_d).is_err());
        assert!(open_raw(&room.path("dutybook.db"), &hex::encode(next.expose())).is_ok());
        assert!(room.run(&["status", "--user", DUTY], &[DUTY_PW]).status.success());
    }
}
