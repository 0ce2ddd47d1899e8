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
use tokio::sync::mpsc;

static ACTIVE: AtomicBool = AtomicBool::new(false);

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
