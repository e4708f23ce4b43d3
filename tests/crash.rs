//! SIGKILL in the middle of writes loses nothing that had been committed, never leaves half an
//! import, and the stores pass verify afterwards (R15). `CASEROOM_CRASH_RUNS` sets how many
//! kills (default 25).

mod common;

use std::process::Stdio;
use std::time::Duration;

use common::*;

fn students_on_roster(room: &Room) -> usize {
    let out = room.as_counselor(&["status"]);
    assert!(out.status.success(), "status after a kill: {}", text(&out));
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    stdout
        .lines()
        .find_map(|l| l.strip_prefix("students on the roster: "))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("no count in {stdout}"))
}

#[test]
fn sigkill_during_imports_loses_nothing_committed() {
    let runs: usize = std::env::var("CASEROOM_CRASH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(25);
    let room = Room::new();
    const ROWS: usize = 1500;
    let mut committed = 0usize;
    let mut seed: u64 = 0x2026_1127;
    let mut killed_mid_way = 0;
    for run in 0..runs {
        let file = room.tmp.path().join(format!("roster-{run}.csv"));
        std::fs::write(&file, roster_csv(&format!("K{run:03}-"), ROWS)).unwrap();
        let mut child = command(&room.dir)
            .args(["--password-stdin", "--user", COUNSELOR, "import", "students"])
            .arg(&file)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        {
            use std::io::Write;
            let mut stdin = child.stdin.take().unwrap();
            writeln!(stdin, "{COUNSELOR_PW}").unwrap();
        }
        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        let wait_ms = (seed >> 33) % 250;
        std::thread::sleep(Duration::from_millis(wait_ms));
        let finished = matches!(child.try_wait(), Ok(Some(_)));
        let _ = child.kill(); // SIGKILL on Unix
        let status = child.wait().unwrap();
        let now = students_on_roster(&room);
        if now == committed {
            killed_mid_way += usize::from(!finished);
        } else {
            assert_eq!(
                now,
                committed + ROWS,
                "run {run}: half an import landed (status {status:?})"
            );
            committed = now;
        }
    }
    let out = room.as_counselor(&["verify"]);
    assert!(out.status.success(), "verify after {runs} kills: {}", text(&out));
    eprintln!("{runs} runs: {committed} rows committed, {killed_mid_way} kills before the commit");
}
