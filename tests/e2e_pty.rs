//! End to end: the built binary in a pseudo-terminal, read back through a terminal emulator
//! (vt100) the way a person would see it.

#![cfg(unix)]

use std::fs::File;
use std::io::{Read, Write};
use std::os::fd::{FromRawFd, OwnedFd};
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

struct Pty {
    child: Child,
    master: File,
    screen: Arc<Mutex<vt100::Parser>>,
    raw: Arc<Mutex<Vec<u8>>>,
}

impl Pty {
    fn spawn_with_env(args: &[&str], cols: u16, rows: u16, env: &[(&str, &str)]) -> Pty {
        Pty::spawn_inner(args, cols, rows, None, env)
    }

    fn spawn(args: &[&str], cols: u16, rows: u16, cwd: Option<&std::path::Path>) -> Pty {
        Pty::spawn_inner(args, cols, rows, cwd, &[])
    }

    fn spawn_inner(
        args: &[&str],
        cols: u16,
        rows: u16,
        cwd: Option<&std::path::Path>,
        env: &[(&str, &str)],
    ) -> Pty {
        let mut master: libc::c_int = 0;
        let mut slave: libc::c_int = 0;
        let ws = libc::winsize {
            ws_row: rows,
            ws_col: cols,
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
        if let Some(dir) = cwd {
            cmd.current_dir(dir);
        }
        for (k, v) in env {
            cmd.env(k, v);
        }
        // A throwaway home: no user config, no keyring, no drafts of the person running tests.
        let home = std::env::temp_dir().join(format!("cockpit-e2e-home-{}", std::process::id()));
        let _ = std::fs::create_dir_all(&home);
        cmd.args(args)
            .env("HOME", &home)
            .env("XDG_CONFIG_HOME", home.join(".config"))
            .env("XDG_DATA_HOME", home.join(".local/share"))
            .env("XDG_STATE_HOME", home.join(".local/state"))
            .env("COCKPIT_KEYRING", "off")
            .env_remove("COCKPIT_CONFIG")
            .env("TERM", "xterm-256color")
            .env_remove("GH_TOKEN")
            .env_remove("GITHUB_TOKEN")
            .stdin(Stdio::from(slave_fd.try_clone().expect("dup")))
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
        let screen = Arc::new(Mutex::new(vt100::Parser::new(rows, cols, 0)));
        let raw = Arc::new(Mutex::new(Vec::new()));
        let mut reader = master_file.try_clone().expect("clone master");
        let mut answerer = master_file.try_clone().expect("clone master");
        let (s, r) = (screen.clone(), raw.clone());
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                // Answer the cursor-position query (DSR) as a real terminal does.
                if buf[..n].windows(4).any(|w| w == b"\x1b[6n") {
                    let _ = answerer.write_all(b"\x1b[1;1R");
                }
                if let Ok(mut p) = s.lock() {
                    p.process(&buf[..n]);
                }
                if let Ok(mut r) = r.lock() {
                    r.extend_from_slice(&buf[..n]);
                }
            }
        });
        Pty {
            child,
            master: master_file,
            screen,
            raw,
        }
    }

    fn contents(&self) -> String {
        self.screen
            .lock()
            .map(|p| p.screen().contents())
            .unwrap_or_default()
    }

    fn wait_for(&self, needle: &str, secs: u64) -> String {
        let deadline = Instant::now() + Duration::from_secs(secs);
        loop {
            let s = self.contents();
            if s.contains(needle) {
                return s;
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {needle:?}; screen:\n{s}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn send(&mut self, bytes: &[u8]) {
        self.master.write_all(bytes).expect("write to pty");
    }

    fn wait_exit(&mut self, secs: u64) -> std::process::ExitStatus {
        let deadline = Instant::now() + Duration::from_secs(secs);
        loop {
            if let Some(st) = self.child.try_wait().expect("try_wait") {
                return st;
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!("cockpit did not exit; screen:\n{}", self.contents());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn restored(&self) -> bool {
        std::thread::sleep(Duration::from_millis(200));
        let raw = self.raw.lock().map(|r| r.clone()).unwrap_or_default();
        let text = String::from_utf8_lossy(&raw);
        let left_alt = text.rfind("\u{1b}[?1049l");
        let entered_alt = text.rfind("\u{1b}[?1049h");
        matches!((entered_alt, left_alt), (Some(e), Some(l)) if l > e)
    }
}

impl Drop for Pty {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn demo_dashboard_in_a_real_terminal() {
    let mut pty = Pty::spawn(&["--demo"], 160, 45, None);
    let screen = pty.wait_for("42-retry-flaky-uploads", 30);
    for panel in [
        "1 Issues",
        "2 Branches",
        "3 Pull requests",
        "4 CI",
        "5 Deploys",
    ] {
        assert!(screen.contains(panel), "{panel} missing:\n{screen}");
    }
    pty.wait_for("production", 15);
    pty.send(b"?");
    pty.wait_for("cockpit keys", 10);
    // The help scrolls with keys; its own key closes it.
    pty.send(b"?");
    pty.send(b"4");
    pty.send(b"\r");
    pty.wait_for("Esc back", 10);
    pty.send(b"q");
    let status = pty.wait_exit(10);
    assert!(status.success(), "exit status {status:?}");
    assert!(pty.restored(), "terminal left in the alternate screen");
}

#[test]
fn sigterm_restores_the_terminal() {
    let mut pty = Pty::spawn(&["--demo"], 120, 30, None);
    pty.wait_for("1 Issues", 30);
    // SAFETY: sending a signal to our own child process.
    unsafe {
        libc::kill(pty.child.id() as libc::pid_t, libc::SIGTERM);
    }
    pty.wait_exit(10);
    assert!(
        pty.restored(),
        "terminal left in the alternate screen after SIGTERM"
    );
}

#[test]
fn outside_a_repository_it_still_runs_and_says_why() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut pty = Pty::spawn(
        &["--api-url", "http://127.0.0.1:9"],
        120,
        30,
        Some(dir.path()),
    );
    let screen = pty.wait_for("not inside a git repository", 20);
    assert!(screen.contains("1 Issues"), "{screen}");
    pty.send(b"q");
    pty.wait_exit(10);
    assert!(pty.restored());
}

#[test]
fn a_panic_restores_the_terminal_before_its_message() {
    let mut pty = Pty::spawn_with_env(
        &["--demo"],
        120,
        30,
        &[("COCKPIT_TEST_PANIC", "after-terminal-setup")],
    );
    pty.wait_exit(20);
    assert!(
        pty.restored(),
        "terminal left in the alternate screen after a panic"
    );
    let raw = pty
        .raw
        .lock()
        .map(|r| String::from_utf8_lossy(&r).to_string())
        .unwrap_or_default();
    let left = raw
        .rfind("\u{1b}[?1049l")
        .expect("left the alternate screen");
    let message = raw
        .find("test panic requested")
        .expect("the panic message is shown");
    assert!(
        message > left,
        "the message comes after the terminal is restored, so it stays readable"
    );
}
