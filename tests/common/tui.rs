//! The real binary in a real pseudo-terminal (portable-pty), read through a terminal emulator
//! (vt100). Tests wait for what the screen shows, never for a fixed time.

use std::io::{Read, Write};
use std::num::NonZeroU16;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{CommandBuilder, MasterPty, PtySize, native_pty_system};

const TIMEOUT: Duration = Duration::from_secs(15);

pub struct Tui {
    parser: Arc<Mutex<vt100::Parser>>,
    master: Box<dyn MasterPty + Send>,
    writer: Box<dyn Write + Send>,
    child: Box<dyn portable_pty::Child + Send + Sync>,
    done: Arc<Mutex<bool>>,
}

fn nz(n: u16) -> NonZeroU16 {
    NonZeroU16::new(n).unwrap()
}

pub mod key {
    pub const ENTER: &str = "\r";
    pub const TAB: &str = "\t";
    pub const BACKTAB: &str = "\x1b[Z";
    pub const ESC: &str = "\x1b";
    pub const BACKSPACE: &str = "\x7f";
    pub const UP: &str = "\x1b[A";
    pub const DOWN: &str = "\x1b[B";
    pub const RIGHT: &str = "\x1b[C";
    pub const LEFT: &str = "\x1b[D";
    pub const CTRL_C: &str = "\x03";
    pub const CTRL_L: &str = "\x0c";
    pub const CTRL_U: &str = "\x15";
    pub const F1: &str = "\x1bOP";
    pub const F2: &str = "\x1bOQ";
    pub const F4: &str = "\x1bOS";
    pub const F12: &str = "\x1b[24~";
}

impl Tui {
    /// Starts `caseroom --data-dir DIR [args]` at `cols`×`rows`, with test-only key derivation.
    pub fn spawn(dir: &Path, cols: u16, rows: u16, args: &[&str], env: &[(&str, &str)]) -> Tui {
        let pty = native_pty_system();
        let pair = pty
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("openpty");
        let mut cmd = CommandBuilder::new(super::bin());
        cmd.arg("--data-dir");
        cmd.arg(dir);
        for a in args {
            cmd.arg(a);
        }
        cmd.env("CASEROOM_INSECURE_TEST_KDF", "1");
        cmd.env("TERM", "xterm-256color");
        cmd.env_remove("CASEROOM_DATA_DIR");
        for (k, v) in env {
            cmd.env(k, v);
        }
        let child = pair.slave.spawn_command(cmd).expect("spawn caseroom in a pty");
        drop(pair.slave);
        let parser = Arc::new(Mutex::new(vt100::Parser::new(nz(rows), nz(cols), 0)));
        let done = Arc::new(Mutex::new(false));
        let mut reader = pair.master.try_clone_reader().unwrap();
        let writer = pair.master.take_writer().unwrap();
        {
            let parser = parser.clone();
            let done = done.clone();
            std::thread::spawn(move || {
                let mut buf = [0u8; 8192];
                loop {
                    match reader.read(&mut buf) {
                        Ok(0) | Err(_) => break,
                        Ok(n) => parser.lock().unwrap().process(&buf[..n]),
                    }
                }
                *done.lock().unwrap() = true;
            });
        }
        let tui = Tui {
            parser,
            master: pair.master,
            writer,
            child,
            done,
        };
        // Until raw mode is on, keys would be cooked by the line discipline: wait for a frame.
        tui.wait_until("the first frame", |s| {
            s.alternate_screen() && !s.contents().trim().is_empty()
        });
        tui
    }

    /// The process id of caseroom, to look at what it holds open.
    pub fn pid(&self) -> u32 {
        self.child.process_id().expect("a pid")
    }

    /// The files the process holds open (Linux: /proc/PID/fd).
    pub fn open_files(&self) -> Vec<std::path::PathBuf> {
        std::fs::read_dir(format!("/proc/{}/fd", self.pid()))
            .map(|entries| {
                entries
                    .flatten()
                    .filter_map(|e| std::fs::read_link(e.path()).ok())
                    .collect()
            })
            .unwrap_or_default()
    }

    pub fn screen(&self) -> String {
        self.parser.lock().unwrap().screen().contents()
    }

    /// Waits until `check` holds for the screen, or fails the test showing the screen.
    pub fn wait_until(&self, what: &str, check: impl Fn(&vt100::Screen) -> bool) {
        let start = Instant::now();
        loop {
            {
                let parser = self.parser.lock().unwrap();
                if check(parser.screen()) {
                    return;
                }
            }
            if start.elapsed() > TIMEOUT {
                panic!("timed out waiting for {what}; the screen shows:\n{}", self.screen());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    pub fn wait_for(&self, text: &str) {
        self.wait_until(&format!("{text:?}"), |s| s.contents().contains(text));
    }

    pub fn wait_gone(&self, text: &str) {
        self.wait_until(&format!("{text:?} to go"), |s| !s.contents().contains(text));
    }

    pub fn send(&mut self, bytes: &str) {
        self.writer.write_all(bytes.as_bytes()).unwrap();
        self.writer.flush().unwrap();
    }

    /// Types text one key at a time, as a person (or an input method committing) would.
    pub fn type_text(&mut self, text: &str) {
        for c in text.chars() {
            self.send(&c.to_string());
        }
    }

    /// Sends Esc alone, then waits a moment for it to be read alone (Esc followed by a key in
    /// the same read is Alt+key).
    pub fn esc(&mut self) {
        self.send(key::ESC);
        std::thread::sleep(Duration::from_millis(120));
    }

    pub fn paste(&mut self, text: &str) {
        self.send(&format!("\x1b[200~{text}\x1b[201~"));
    }

    /// A left click at a 0-based cell, in SGR mouse encoding.
    pub fn click(&mut self, col: u16, row: u16) {
        self.send(&format!(
            "\x1b[<0;{};{}M\x1b[<0;{};{}m",
            col + 1,
            row + 1,
            col + 1,
            row + 1
        ));
    }

    /// Where `text` first appears: (col, row), 0-based.
    pub fn find(&self, text: &str) -> Option<(u16, u16)> {
        let parser = self.parser.lock().unwrap();
        let screen = parser.screen();
        let (rows, cols) = screen.size();
        for row in 0..rows.get() {
            let line = screen.contents_between(row, 0, row, cols.get());
            if let Some(byte) = line.find(text) {
                let col = unicode_width::UnicodeWidthStr::width(&line[..byte]) as u16;
                return Some((col, row));
            }
        }
        None
    }

    /// On the login screen: moves the selection to the account `(user)` and waits until it is there.
    pub fn select_account(&mut self, user: &str) {
        let marker = format!("({user})");
        self.wait_for(&marker);
        let rows = |screen: &str| -> (Option<usize>, Option<usize>) {
            let lines: Vec<&str> = screen.lines().filter(|l| l.contains(") · ")).collect();
            (
                lines.iter().position(|l| l.contains('›')),
                lines.iter().position(|l| l.contains(&marker)),
            )
        };
        for _ in 0..10 {
            let (Some(at), Some(target)) = rows(&self.screen()) else {
                panic!("no account list:\n{}", self.screen())
            };
            if at == target {
                return;
            }
            self.send(if at > target { key::UP } else { key::DOWN });
            let step: isize = if at > target { -1 } else { 1 };
            let want = (at as isize + step) as usize;
            self.wait_until("the selection to move", |s| rows(&s.contents()).0 == Some(want));
        }
        panic!("could not select {user}:\n{}", self.screen());
    }

    /// From the login screen: chooses the account, types the password, waits for `home_text`.
    pub fn log_in(&mut self, user: &str, password: &str, home_text: &str) {
        self.select_account(user);
        self.type_text(password);
        self.send(key::ENTER);
        self.wait_for(home_text);
    }

    pub fn resize(&mut self, cols: u16, rows: u16) {
        self.parser.lock().unwrap().set_size(nz(rows), nz(cols));
        self.master
            .resize(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .unwrap();
    }

    /// Waits for the process to end and for its last output to be read.
    pub fn wait_exit(&mut self) -> portable_pty::ExitStatus {
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                while !*self.done.lock().unwrap() && start.elapsed() < TIMEOUT {
                    std::thread::sleep(Duration::from_millis(20));
                }
                return status;
            }
            if start.elapsed() > TIMEOUT {
                panic!("caseroom did not exit; the screen shows:\n{}", self.screen());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// The terminal is as a shell wants it: main screen, no mouse capture, no bracketed paste,
    /// cursor shown.
    pub fn assert_restored(&self) {
        let parser = self.parser.lock().unwrap();
        let s = parser.screen();
        assert!(!s.alternate_screen(), "still in the alternate screen");
        assert_eq!(
            s.mouse_protocol_mode(),
            vt100::MouseProtocolMode::None,
            "mouse capture left on"
        );
        assert!(!s.bracketed_paste(), "bracketed paste left on");
        assert!(!s.hide_cursor(), "cursor left hidden");
    }
}

impl Drop for Tui {
    fn drop(&mut self) {
        let _ = self.child.kill();
    }
}
