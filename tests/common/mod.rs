//! Fixtures for tests: a real data directory made by the real binary with cheap (test-only) key
//! derivation, and a helper to run a verb with passwords on standard input.
#![allow(dead_code)]

pub mod tui;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

pub const COUNSELOR: &str = "wang";
pub const COUNSELOR_PW: &str = "counselor-pass-1";
pub const DUTY: &str = "li";
pub const DUTY_PW: &str = "duty-pass-1";

pub fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_caseroom"))
}

pub struct Room {
    pub tmp: tempfile::TempDir,
    pub dir: PathBuf,
    pub recovery_code: String,
}

pub fn command(dir: &Path) -> Command {
    let mut cmd = Command::new(bin());
    cmd.env("CASEROOM_INSECURE_TEST_KDF", "1")
        .env_remove("CASEROOM_DATA_DIR")
        .arg("--data-dir")
        .arg(dir)
        .arg("--lang")
        .arg("en");
    cmd
}

/// Runs `caseroom --data-dir DIR --lang en --password-stdin ARGS` with `stdin_lines` as input.
pub fn run_in(dir: &Path, args: &[&str], stdin_lines: &[&str]) -> Output {
    let mut child = command(dir)
        .arg("--password-stdin")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn caseroom");
    let mut stdin = child.stdin.take().unwrap();
    for line in stdin_lines {
        writeln!(stdin, "{line}").unwrap();
    }
    drop(stdin);
    child.wait_with_output().unwrap()
}

pub fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

impl Room {
    /// A room with counselor `wang` and duty teacher `li`.
    pub fn new() -> Room {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("data");
        let out = run_in(
            &dir,
            &["init", "--counselor", COUNSELOR, "--display-name", "王老师"],
            &[COUNSELOR_PW],
        );
        assert!(out.status.success(), "init failed: {}", text(&out));
        let stdout = String::from_utf8(out.stdout).unwrap();
        let recovery_code = stdout
            .lines()
            .find_map(|l| l.strip_prefix("recovery code: "))
            .expect("init prints the recovery code")
            .trim()
            .to_owned();
        let room = Room {
            tmp,
            dir,
            recovery_code,
        };
        let out = room.run(
            &["staff", "add", DUTY, "--role", "duty", "--user", COUNSELOR],
            &[COUNSELOR_PW, DUTY_PW],
        );
        assert!(out.status.success(), "staff add failed: {}", text(&out));
        room
    }

    pub fn run(&self, args: &[&str], stdin_lines: &[&str]) -> Output {
        run_in(&self.dir, args, stdin_lines)
    }

    pub fn as_counselor(&self, args: &[&str]) -> Output {
        let mut all = args.to_vec();
        all.extend(["--user", COUNSELOR]);
        self.run(&all, &[COUNSELOR_PW])
    }

    pub fn path(&self, file: &str) -> PathBuf {
        self.dir.join(file)
    }
}

/// The rows of a roster with distinctive names and numbers, as CSV text.
pub fn roster_csv(prefix: &str, count: usize) -> String {
    let mut csv = String::from("学号,姓名,性别,出生日期,年级,班级\n");
    for i in 0..count {
        csv.push_str(&format!(
            "{prefix}{i:06},{},{},2012-03-05,初一,{}班\n",
            name(i),
            if i % 2 == 0 { "男" } else { "女" },
            i % 12 + 1
        ));
    }
    csv
}

pub fn name(i: usize) -> String {
    const SURNAMES: [&str; 6] = ["欧阳", "司马", "诸葛", "上官", "慕容", "东方"];
    const GIVEN: [&str; 8] = ["璟珩", "翊蕤", "骞翮", "鹂琦", "瑾瑜", "霁鸢", "曦玥", "溯洄"];
    format!("{}{}", SURNAMES[i % 6], GIVEN[(i / 6) % 8])
}

/// Every file under `dir`, with its bytes.
pub fn files_under(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(files_under(&path));
        } else if let Ok(bytes) = std::fs::read(&path) {
            out.push((path, bytes));
        }
    }
    out
}

/// The ways a string may sit in a file: UTF-8, GBK, UTF-16 LE and BE.
pub fn encodings(s: &str) -> Vec<Vec<u8>> {
    let utf16le: Vec<u8> = s.encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
    let utf16be: Vec<u8> = s.encode_utf16().flat_map(|u| u.to_be_bytes()).collect();
    let gbk = encoding_rs::GBK.encode(s).0.into_owned();
    vec![s.as_bytes().to_vec(), gbk, utf16le, utf16be]
}

pub fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|w| w == needle)
}

/// Logs in in-process (for store tests) and opens the stores.
pub fn open_session(dir: &Path, user: &str, password: &str) -> caseroom::store::Session {
    caseroom::vault::allow_weak_kdf_for_tests();
    let mut ring = caseroom::vault::KeyRing::load(dir).unwrap();
    let keys = ring
        .unlock(user, &caseroom::vault::Password::from(password), chrono::Utc::now())
        .unwrap();
    caseroom::store::Session::open(caseroom::store::DataDir::open(dir).unwrap(), keys, &mut ring).unwrap()
}
