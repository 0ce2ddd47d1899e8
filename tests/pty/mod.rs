//! The built binary in a pseudo-terminal, read back through a terminal emulator (vt100) the way
//! a person would see it. Shared by the end-to-end tests and the input-latency bench.

#![allow(dead_code)] // each test binary uses its own part

use std::fs::File;
use std::io::{Read, Write};
use std::os::fd::{FromRawFd, OwnedFd};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

/// What the terminal has received: the emulated screen and every raw byte.
struct Seen {
    parser: vt100::Parser,
    raw: Vec<u8>,
}

pub struct Pty {
    pub child: Child,
    master: File,
    seen: Arc<(Mutex<Seen>, Condvar)>,
    home: PathBuf,
}

#[derive(Default)]
pub struct Spawn<'a> {
    pub args: Vec<&'a str>,
    pub cols: u16,
    pub rows: u16,
    pub cwd: Option<&'a Path>,
    pub env: Vec<(&'a str, String)>,
}

impl Pty {
    pub fn spawn(args: &[&str], cols: u16, rows: u16, cwd: Option<&Path>) -> Pty {
        Pty::start(Spawn {
            args: args.to_vec(),
            cols,
            rows,
            cwd,
            env: Vec::new(),
        })
    }

    pub fn spawn_with_env(args: &[&str], cols: u16, rows: u16, env: &[(&str, &str)]) -> Pty {
        Pty::start(Spawn {
            args: args.to_vec(),
            cols,
            rows,
            cwd: None,
            env: env.iter().map(|(k, v)| (*k, v.to_string())).collect(),
        })
    }

    pub fn start(spec: Spawn) -> Pty {
        let mut master: libc::c_int = 0;
        let mut slave: libc::c_int = 0;
        let ws = libc::winsize {
            ws_row: spec.rows,
            ws_col: spec.cols,
            ws_xpixel: 0,
            ws_ypixel: 0,
        };
        // SAFETY: openpty writes two fds into the provided ints; null name/termios are allowed.
        let rc = unsafe {
            libc::openpty(
                &mut master,
                &mut slave,
                std::ptr::null_mut(),
                std::ptr::null(),
                &ws,
            )
        };
        assert_eq!(rc, 0, "openpty failed");
        // SAFETY: both fds were just returned by openpty and are owned here.
        let slave_fd = unsafe { OwnedFd::from_raw_fd(slave) };
        let master_file = unsafe { File::from_raw_fd(master) };
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_cockpit"));
        if let Some(dir) = spec.cwd {
            cmd.current_dir(dir);
        }
        // A throwaway home per terminal: no user config, no keyring, no drafts of the person
        // running the tests, and none shared between tests running at once.
        let home = tempfile::Builder::new()
            .prefix("cockpit-e2e-home-")
            .tempdir()
            .expect("home")
            .keep();
        cmd.args(&spec.args)
            .env("HOME", &home)
            .env("XDG_CONFIG_HOME", home.join(".config"))
            .env("XDG_DATA_HOME", home.join(".local/share"))
            .env("XDG_STATE_HOME", home.join(".local/state"))
            .env("COCKPIT_KEYRING", "off")
            .env_remove("COCKPIT_CONFIG")
            .env("TERM", "xterm-256color")
            .env_remove("GH_TOKEN")
            .env_remove("GITHUB_TOKEN");
        for (k, v) in &spec.env {
            cmd.env(k, v);
        }
        cmd.stdin(Stdio::from(slave_fd.try_clone().expect("dup")))
            .stdout(Stdio::from(slave_fd.try_clone().expect("dup")))
            .stderr(Stdio::from(slave_fd));
        // SAFETY: only async-signal-safe calls between fork and exec.
        unsafe {
            cmd.pre_exec(|| {
                libc::setsid();
                libc::ioctl(0, libc::TIOCSCTTY as _, 0);
                Ok(())
            });
        }
        let child = cmd.spawn().expect("spawn cockpit");
        let seen = Arc::new((
            Mutex::new(Seen {
                parser: vt100::Parser::new(spec.rows, spec.cols, 0),
                raw: Vec::new(),
            }),
            Condvar::new(),
        ));
        let mut reader = master_file.try_clone().expect("clone master");
        let mut answerer = master_file.try_clone().expect("clone master");
        let shared = seen.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 65536];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                // Answer the cursor-position query (DSR) as a real terminal does.
                if buf[..n].windows(4).any(|w| w == b"\x1b[6n") {
                    let _ = answerer.write_all(b"\x1b[1;1R");
                }
                let (lock, cv) = &*shared;
                if let Ok(mut s) = lock.lock() {
                    s.parser.process(&buf[..n]);
                    s.raw.extend_from_slice(&buf[..n]);
                }
                cv.notify_all();
            }
        });
        Pty {
            child,
            master: master_file,
            seen,
            home,
        }
    }

    /// The throwaway home directory the program runs with.
    pub fn home(&self) -> &Path {
        &self.home
    }

    pub fn contents(&self) -> String {
        self.seen
            .0
            .lock()
            .map(|s| s.parser.screen().contents())
            .unwrap_or_default()
    }

    pub fn raw(&self) -> Vec<u8> {
        self.seen
            .0
            .lock()
            .map(|s| s.raw.clone())
            .unwrap_or_default()
    }

    /// Waits until the screen satisfies `pred`, woken by every byte the program writes (no
    /// polling delay, so the bench measures the program, not this loop). None on timeout.
    pub fn until(&self, timeout: Duration, pred: impl Fn(&str) -> bool) -> Option<String> {
        let deadline = Instant::now() + timeout;
        let (lock, cv) = &*self.seen;
        let mut guard = lock.lock().ok()?;
        loop {
            let s = guard.parser.screen().contents();
            if pred(&s) {
                return Some(s);
            }
            let left = deadline.checked_duration_since(Instant::now())?;
            guard = cv.wait_timeout(guard, left).ok()?.0;
        }
    }

    /// The screen with its colours and attributes: a moved highlight changes it, though the
    /// text stays the same.
    pub fn formatted(&self) -> Vec<u8> {
        self.seen
            .0
            .lock()
            .map(|s| s.parser.screen().contents_formatted())
            .unwrap_or_default()
    }

    /// Waits until the screen (colours included) differs from `before` and its text satisfies
    /// `pred`: the frame that answered a key.
    pub fn until_changed(
        &self,
        before: &[u8],
        timeout: Duration,
        pred: impl Fn(&str) -> bool,
    ) -> bool {
        let deadline = Instant::now() + timeout;
        let (lock, cv) = &*self.seen;
        let Ok(mut guard) = lock.lock() else {
            return false;
        };
        loop {
            let screen = guard.parser.screen();
            if screen.contents_formatted() != before && pred(&screen.contents()) {
                return true;
            }
            let Some(left) = deadline.checked_duration_since(Instant::now()) else {
                return false;
            };
            match cv.wait_timeout(guard, left) {
                Ok((g, _)) => guard = g,
                Err(_) => return false,
            }
        }
    }

    /// Like `until` for raw output (escape sequences included).
    pub fn until_raw(&self, timeout: Duration, pred: impl Fn(&[u8]) -> bool) -> bool {
        let deadline = Instant::now() + timeout;
        let (lock, cv) = &*self.seen;
        let Ok(mut guard) = lock.lock() else {
            return false;
        };
        loop {
            if pred(&guard.raw) {
                return true;
            }
            let Some(left) = deadline.checked_duration_since(Instant::now()) else {
                return false;
            };
            match cv.wait_timeout(guard, left) {
                Ok((g, _)) => guard = g,
                Err(_) => return false,
            }
        }
    }

    pub fn wait_for(&self, needle: &str, secs: u64) -> String {
        match self.until(Duration::from_secs(secs), |s| s.contains(needle)) {
            Some(s) => s,
            None => panic!(
                "timed out waiting for {needle:?}; screen:\n{}",
                self.contents()
            ),
        }
    }

    /// Resizes the terminal as a window manager does: the kernel sends the program SIGWINCH.
    pub fn resize(&mut self, cols: u16, rows: u16) {
        use std::os::fd::AsRawFd;
        if let Ok(mut s) = self.seen.0.lock() {
            s.parser.screen_mut().set_size(rows, cols);
        }
        let ws = libc::winsize {
            ws_row: rows,
            ws_col: cols,
            ws_xpixel: 0,
            ws_ypixel: 0,
        };
        // SAFETY: TIOCSWINSZ reads a winsize from the pointer; the fd is our pty master.
        let rc = unsafe { libc::ioctl(self.master.as_raw_fd(), libc::TIOCSWINSZ, &ws) };
        assert_eq!(rc, 0, "TIOCSWINSZ failed");
    }

    pub fn send(&mut self, bytes: &[u8]) {
        self.master.write_all(bytes).expect("write to pty");
    }

    pub fn wait_exit(&mut self, secs: u64) -> std::process::ExitStatus {
        let deadline = Instant::now() + Duration::from_secs(secs);
        loop {
            if let Some(st) = self.child.try_wait().expect("try_wait") {
                return st;
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!("cockpit did not exit; screen:\n{}", self.contents());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// The alternate screen was left after it was last entered. Waits for it (the bytes may
    /// still be on their way) rather than sleeping and looking once.
    pub fn restored(&self) -> bool {
        self.until_raw(Duration::from_secs(60), left_alternate_screen)
    }
}

pub fn left_alternate_screen(raw: &[u8]) -> bool {
    let entered = rfind(raw, b"\x1b[?1049h");
    let left = rfind(raw, b"\x1b[?1049l");
    matches!((entered, left), (Some(e), Some(l)) if l > e)
}

pub fn rfind(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).rposition(|w| w == needle)
}

impl Drop for Pty {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.home);
    }
}
