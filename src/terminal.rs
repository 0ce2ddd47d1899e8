//! Putting the terminal into full-screen mode and always getting it back: on quit, on error,
//! on panic (the hook runs before the panic message prints), on SIGTERM/SIGHUP (main turns
//! those into an orderly shutdown) and while suspended (Ctrl-Z, SIGTSTP). Also the one reader
//! of terminal input.

use ratatui::crossterm::event::{
    DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture, Event,
};
use ratatui::crossterm::execute;
use ratatui::crossterm::terminal::{
    disable_raw_mode, enable_raw_mode, EnterAlternateScreen, LeaveAlternateScreen,
};
use ratatui::prelude::CrosstermBackend;
use ratatui::Terminal;
use std::io::{self, Stdout};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Condvar, Mutex};
use std::time::Duration;
use tokio::sync::mpsc;

static ACTIVE: AtomicBool = AtomicBool::new(false);

/// The input thread's leave to read: a command that has the terminal (`run_interactive`) must
/// get every key, so the thread stops reading until it ends. `(paused, parked)`.
static INPUT: Mutex<(bool, bool)> = Mutex::new((false, false));
static INPUT_CHANGED: Condvar = Condvar::new();

pub type Term = Terminal<CrosstermBackend<Stdout>>;

/// Restores the terminal when dropped.
pub struct TerminalGuard {
    pub terminal: Term,
}

pub fn enter() -> io::Result<TerminalGuard> {
    install_panic_hook();
    take()?;
    let stdout = io::stdout();
    let mut terminal = Terminal::new(CrosstermBackend::new(stdout))?;
    terminal.hide_cursor()?;
    terminal.clear()?;
    Ok(TerminalGuard { terminal })
}

/// Raw mode, the alternate screen, mouse reports and bracketed paste (a paste arrives as one
/// event, so 5 KB pasted into an editor is one edit and one frame, not 5,000).
fn take() -> io::Result<()> {
    enable_raw_mode()?;
    ACTIVE.store(true, Ordering::SeqCst);
    if let Err(e) = execute!(
        io::stdout(),
        EnterAlternateScreen,
        EnableMouseCapture,
        EnableBracketedPaste,
        ratatui::crossterm::cursor::Hide
    ) {
        restore();
        return Err(e);
    }
    Ok(())
}

/// Idempotent: safe from the guard, the panic hook and a signal path alike.
pub fn restore() {
    if ACTIVE.swap(false, Ordering::SeqCst) {
        let _ = disable_raw_mode();
        let _ = execute!(
            io::stdout(),
            DisableBracketedPaste,
            DisableMouseCapture,
            LeaveAlternateScreen,
            ratatui::crossterm::cursor::Show
        );
    }
}

/// Ctrl-Z or SIGTSTP: give the shell a clean terminal, stop until `fg`, then take the terminal
/// back. The caller redraws the whole screen afterwards. SIGSTOP does the stopping because
/// SIGTSTP itself is caught (to get here first) and cannot be re-raised to its default action.
#[cfg(unix)]
pub fn suspend() -> io::Result<()> {
    restore();
    // SAFETY: raise has no memory-safety preconditions.
    if unsafe { libc::raise(libc::SIGSTOP) } != 0 {
        let e = io::Error::last_os_error();
        take()?;
        return Err(e);
    }
    // Running again (SIGCONT): the shell may have changed the terminal's modes meanwhile.
    take()
}

/// Terminal input, read on a thread of its own that blocks in `read` and forwards each event at
/// once. A channel's receiver wakes whoever awaits it the moment an event is sent, so a key is
/// handled as soon as it is typed; nothing else has to happen to wake the loop. (Polling
/// crossterm's `EventStream` with a no-op waker once lost that wake-up: its reader keeps the
/// first waker it is given, and keys waited for an unrelated timer.) The channel closes when
/// input ends or fails for good, which ends the dashboard.
pub fn spawn_input_reader() -> io::Result<mpsc::UnboundedReceiver<io::Result<Event>>> {
    let (tx, rx) = mpsc::unbounded_channel();
    std::thread::Builder::new()
        .name("terminal-input".into())
        .spawn(move || loop {
            wait_while_paused();
            match ratatui::crossterm::event::read() {
                Ok(ev) => {
                    if tx.send(Ok(ev)).is_err() {
                        return;
                    }
                }
                // A signal (SIGCONT after a suspend, SIGWINCH) interrupts the wait: not an end.
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    let _ = tx.send(Err(e));
                    return;
                }
            }
        })?;
    Ok(rx)
}

/// Parks the input thread while a command has the terminal.
fn wait_while_paused() {
    let Ok(mut g) = INPUT.lock() else { return };
    if !g.0 {
        return;
    }
    g.1 = true;
    INPUT_CHANGED.notify_all();
    while g.0 {
        g = match INPUT_CHANGED.wait(g) {
            Ok(g) => g,
            Err(_) => return,
        };
    }
    g.1 = false;
}

/// Stops the input thread reading. It is woken from its blocking read by a resize signal to
/// this process (crossterm reads it as a resize event, which costs one redraw), then waits.
fn pause_input() {
    if let Ok(mut g) = INPUT.lock() {
        g.0 = true;
    }
    #[cfg(unix)]
    // SAFETY: raise has no memory-safety preconditions.
    unsafe {
        libc::raise(libc::SIGWINCH);
    }
    if let Ok(g) = INPUT.lock() {
        // No input thread (or one that ended) never parks: wait a moment only.
        let _ = INPUT_CHANGED.wait_timeout_while(g, Duration::from_millis(500), |g| !g.1);
    }
}

fn resume_input() {
    if let Ok(mut g) = INPUT.lock() {
        g.0 = false;
    }
    INPUT_CHANGED.notify_all();
}

/// A user's command with the terminal (`output = "terminal"`): cockpit leaves the screen, the
/// command runs with the terminal's input and output, and cockpit takes the screen back when
/// it ends. The command is the terminal's foreground job meanwhile, so Ctrl-C stops it, not
/// cockpit.
pub fn run_interactive(script: &str, cwd: Option<&std::path::Path>) -> io::Result<ExitStatus> {
    pause_input();
    restore();
    let result = foreground(script, cwd);
    let taken = take();
    resume_input();
    taken?;
    result
}

use std::process::ExitStatus;

#[cfg(unix)]
fn foreground(script: &str, cwd: Option<&std::path::Path>) -> io::Result<ExitStatus> {
    use std::os::unix::process::{CommandExt, ExitStatusExt};
    let mut cmd = crate::app::shell::command(script, cwd);
    cmd.process_group(0);
    let child = cmd.spawn()?;
    let pid = child.id() as libc::pid_t;
    // SAFETY: plain libc calls on this process's own terminal and child; no memory is shared.
    unsafe {
        // Handing the terminal over and back from the background group would stop cockpit
        // with SIGTTOU: ignored for the moment.
        let previous = libc::signal(libc::SIGTTOU, libc::SIG_IGN);
        let tty = libc::STDIN_FILENO;
        let owned = libc::tcsetpgrp(tty, pid) == 0;
        // It may have tried to read before it had the terminal, and been stopped for it.
        libc::kill(-pid, libc::SIGCONT);
        let mut status = 0;
        let waited = loop {
            let r = libc::waitpid(pid, &mut status, libc::WUNTRACED);
            if r == -1 {
                let e = io::Error::last_os_error();
                if e.kind() == io::ErrorKind::Interrupted {
                    continue;
                }
                break Err(e);
            }
            // Ctrl-Z in the command: there is no shell job to keep it as, so it goes on.
            if libc::WIFSTOPPED(status) {
                libc::kill(-pid, libc::SIGCONT);
                continue;
            }
            break Ok(ExitStatus::from_raw(status));
        };
        if owned {
            libc::tcsetpgrp(tty, libc::getpgrp());
        }
        libc::signal(libc::SIGTTOU, previous);
        drop(child);
        waited
    }
}

#[cfg(not(unix))]
fn foreground(script: &str, cwd: Option<&std::path::Path>) -> io::Result<ExitStatus> {
    crate::app::shell::command(script, cwd).status()
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore();
    }
}

fn install_panic_hook() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore();
        previous(info);
    }));
}
