//! Search over 100,000 session notes in an encrypted archive (issue: clients and cases; targets
//! in the benchmarks issue). The archive is generated once into `CASEROOM_BENCH_DIR` (default:
//! the system temp folder), deterministically, and reused.
//!
//! `cargo bench --bench search`

use std::path::PathBuf;

use caseroom::store::{Client, CounselorSession, DataDir, NewRoom, RoomSettings, Session, SessionNote, setup_room};
use caseroom::vault::{KeyRing, Password};
use criterion::{Criterion, criterion_group, criterion_main};

const NOTES: usize = 100_000;
const PER_CASE: usize = 100;
const PASSWORD: &str = "bench-password-1";

const PHRASES: &[&str] = &[
    "最近考试焦虑明显",
    "和同桌的关系紧张",
    "晚上失眠，早上起不来",
    "家长对成绩要求很高",
    "在班上不太说话",
    "喜欢画画和打篮球",
    "谈到和父母的争吵",
    "练习了腹式呼吸",
    "情绪比上周平稳",
    "担心升学考试",
    "觉得老师不公平",
    "周末玩手机到很晚",
    "和好朋友闹了矛盾",
    "愿意尝试新的办法",
    "布置了记录情绪的作业",
];

fn lcg(seed: &mut u64) -> usize {
    *seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
    (*seed >> 33) as usize
}

fn note_text(seed: &mut u64, i: usize) -> String {
    let mut text = String::new();
    while text.chars().count() < 200 + lcg(seed) % 400 {
        text.push_str(PHRASES[lcg(seed) % PHRASES.len()]);
        text.push('，');
    }
    if i % 1000 == 7 {
        text.push_str("提到夜里梦游症的情况");
    }
    text
}

fn archive() -> PathBuf {
    let dir = std::env::var_os("CASEROOM_BENCH_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(std::env::temp_dir)
        .join("caseroom-bench-100k");
    // Generated once (about two minutes for 100,000 notes in release on 2 cores); the marker
    // written last says it finished, so an interrupted run starts again.
    if dir.join("complete").exists() {
        return dir;
    }
    let _ = std::fs::remove_dir_all(&dir);
    let password = Password::from(PASSWORD);
    let new = NewRoom {
        counselor: "wang",
        display_name: "王老师",
        password: &password,
        lang: "zh-CN",
        settings: RoomSettings::default(),
    };
    let (session, _, _) = setup_room(DataDir::open(&dir).unwrap(), new).unwrap();
    let client = session
        .register_client(&Client {
            name: "测试学生".into(),
            ..Client::default()
        })
        .unwrap();
    let mut seed = 2026;
    for c in 0..NOTES / PER_CASE {
        let case_id = session.open_case(client).unwrap();
        let notes: Vec<SessionNote> = (0..PER_CASE)
            .map(|k| SessionNote {
                case_id,
                held_at: format!("20{:02}-{:02}-{:02}", 16 + c % 10, 1 + k % 12, 1 + k % 28),
                minutes: 40,
                channel: "face".into(),
                main_problem: PHRASES[lcg(&mut seed) % PHRASES.len()].into(),
                process: note_text(&mut seed, c * PER_CASE + k),
                ..SessionNote::default()
            })
            .collect();
        session.import_sessions(&notes).unwrap();
    }
    std::fs::write(dir.join("complete"), NOTES.to_string()).unwrap();
    dir
}

fn open(dir: &std::path::Path) -> CounselorSession {
    let mut ring = KeyRing::load(dir).unwrap();
    let keys = ring
        .unlock("wang", &Password::from(PASSWORD), chrono::Utc::now())
        .unwrap();
    match Session::open(DataDir::open(dir).unwrap(), keys, &mut ring).unwrap() {
        Session::Counselor(s) => s,
        Session::Duty(_) => unreachable!(),
    }
}

fn search(c: &mut Criterion) {
    let dir = archive();
    let session = open(&dir);
    let mut group = c.benchmark_group("search notes");
    group.sample_size(20);
    for (label, word) in [
        ("2 chars, common", "焦虑"),
        ("2 chars, rare", "梦游"),
        ("3 chars, common", "同桌的"),
        ("3 chars, rare", "梦游症"),
        ("4 chars, common", "考试焦虑"),
    ] {
        group.bench_function(label, |b| b.iter(|| session.search(word, 50).unwrap()));
    }
    group.finish();
}

criterion_group!(benches, search);
criterion_main!(benches);
