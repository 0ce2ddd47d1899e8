//! The loop: wait for input, task results or a tick; apply everything pending; draw once.
//! An idle dashboard sleeps here: no tick runs unless something on screen changes with time,
//! and input wakes it the moment a key is typed (it arrives on a channel, see
//! `terminal::spawn_input_reader`).

use super::effect::Effect;
use super::keymap::Keymap;
use super::msg::Msg;
use super::pollers::{Pollers, Services};
use super::state::AppState;
use super::update::{init, update};
use chrono::Utc;
use ratatui::backend::Backend;
use ratatui::buffer::Buffer;
use ratatui::crossterm::event::{Event, KeyCode, KeyEventKind, KeyModifiers};
use ratatui::Terminal;
use std::future::Future;
use std::io;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{mpsc, watch};
use tokio::time::MissedTickBehavior;

/// Terminal events as the loop receives them: each one sent the moment it is read.
pub type Input = mpsc::UnboundedReceiver<io::Result<Event>>;

/// How `o` opens a URL: the system's opener, or (tests) a list to inspect.
#[derive(Debug, Clone)]
pub enum Opener {
    System,
    Record(Arc<Mutex<Vec<String>>>),
}

/// Job control: Ctrl-Z (raw mode turns it into a key) and SIGTSTP from outside.
pub struct Suspend {
    /// SIGTSTP sent to cockpit by someone else.
    pub signals: mpsc::UnboundedReceiver<()>,
    /// Gives the terminal back, stops until `fg`, takes the terminal again.
    pub stop: fn() -> io::Result<()>,
}

/// Draws one frame of the state. The screen code (`ui`) reads the application's state, so the
/// loop, which belongs to the application, is handed its drawing by whoever starts it
/// (`ui::drawing`) instead of reaching up for it.
pub type Draw = Box<dyn Fn(&mut ratatui::Frame<'_>, &AppState, &Keymap) + Send>;

pub struct Options {
    pub keymap: Keymap,
    /// Desktop notifications (`notify-send` / `osascript`) besides the bell.
    pub desktop_notifications: bool,
    /// Ring the terminal bell when a watched run finishes.
    pub bell: bool,
    /// Which events notify at all (the config's `notify.on`).
    pub notify_on: Vec<crate::config::NotifyEvent>,
    pub draw: Draw,
    pub opener: Opener,
    /// Every drawn frame goes here (tests read the screen from it).
    pub frames: Option<watch::Sender<Buffer>>,
    /// How often relative times ("3m ago") are redrawn when nothing else changes.
    pub clock: Duration,
    /// None where there is no shell to return to (tests): Ctrl-Z is then ignored.
    pub suspend: Option<Suspend>,
    /// Gives the terminal to a command (`output = "terminal"`) and takes it back when it ends
    /// (`terminal::run_interactive`). None where there is no terminal (tests): such a command
    /// then runs like `output = "none"`, without input.
    pub hand_over: Option<HandOver>,
}

/// Runs `sh -c SCRIPT` in `cwd` with the terminal, and waits for it.
pub type HandOver = fn(&str, Option<&std::path::Path>) -> io::Result<std::process::ExitStatus>;

pub async fn run<B, F>(
    terminal: &mut Terminal<B>,
    mut input: Input,
    mut services: Arc<Services>,
    mut state: AppState,
    mut opts: Options,
    shutdown: F,
) -> io::Result<AppState>
where
    B: Backend,
    F: Future<Output = ()>,
{
    let (tx, mut rx) = mpsc::unbounded_channel::<Msg>();
    // The pollers answer on a channel of their own, replaced when `:repo` shows another
    // repository: what the previous one's pollers had sent goes with the old channel.
    let (poll_tx, mut poll_rx) = mpsc::unbounded_channel::<Msg>();
    let mut pollers = Pollers::new(services.clone(), poll_tx);
    let error_tx = tx.clone();
    let drafts = crate::drafts::DraftWriter::spawn(services.drafts.clone(), move |e| {
        let _ = error_tx.send(Msg::Failed(e));
    });
    let first = init(&mut state);
    let mut ctx = Ctx {
        pollers: &mut pollers,
        poll_rx: &mut poll_rx,
        services: &mut services,
    };
    execute(first, &mut ctx, &drafts, &opts, &tx, &state);

    let mut tick = tokio::time::interval(Duration::from_secs(1));
    tick.set_missed_tick_behavior(MissedTickBehavior::Skip);
    let mut clock = tokio::time::interval(opts.clock.max(Duration::from_secs(1)));
    clock.set_missed_tick_behavior(MissedTickBehavior::Skip);
    let mut suspend = opts.suspend.take();
    tokio::pin!(shutdown);

    // Every wake-up is something that arrived, so each is worth one draw.
    loop {
        let completed = terminal
            .draw(|f| (opts.draw)(f, &state, &opts.keymap))
            .map_err(|e| io::Error::other(e.to_string()))?;
        if let Some(frames) = &opts.frames {
            let _ = frames.send(completed.buffer.clone());
        }
        if state.should_quit {
            break;
        }
        let animating = state.animating();
        let first = tokio::select! {
            biased;
            _ = &mut shutdown => break,
            ev = input.recv() => match ev {
                Some(ev) => Arrival::Input(ev),
                None => break,
            },
            Some(()) = suspend_signal(&mut suspend) => Arrival::Suspend,
            Some(m) = rx.recv() => Arrival::Msg(Box::new(m)),
            Some(m) = poll_rx.recv() => Arrival::Msg(Box::new(m)),
            _ = tick.tick(), if animating => Arrival::Msg(Box::new(Msg::Tick(Utc::now()))),
            _ = clock.tick() => Arrival::Msg(Box::new(Msg::Tick(Utc::now()))),
        };
        // Apply everything already waiting before drawing once: a burst of keys (fast typing,
        // a paste in a terminal without bracketed paste) costs one frame, not one per key.
        let mut batch = vec![first];
        while let Ok(ev) = input.try_recv() {
            batch.push(Arrival::Input(ev));
        }
        while let Ok(m) = rx.try_recv() {
            batch.push(Arrival::Msg(Box::new(m)));
        }
        while let Ok(m) = poll_rx.try_recv() {
            batch.push(Arrival::Polled(Box::new(m)));
        }
        let mut switched = false;
        for arrival in batch {
            let msg = match arrival {
                Arrival::Suspend => {
                    stop(terminal, suspend.as_ref())?;
                    continue;
                }
                Arrival::Input(Ok(ev)) if is_suspend_key(&ev) => {
                    stop(terminal, suspend.as_ref())?;
                    continue;
                }
                Arrival::Input(Ok(ev)) => Msg::Input(ev),
                Arrival::Input(Err(e)) => Msg::Failed(format!("terminal input: {e}")),
                Arrival::Msg(m) => *m,
                // The previous repository's answer, taken before the switch.
                Arrival::Polled(_) if switched => continue,
                Arrival::Polled(m) => *m,
            };
            let fx = update(&mut state, &opts.keymap, msg);
            switched |= fx.iter().any(|e| matches!(e, Effect::SwitchRepo { .. }));
            let mut ctx = Ctx {
                pollers: &mut pollers,
                poll_rx: &mut poll_rx,
                services: &mut services,
            };
            let handed = execute(fx, &mut ctx, &drafts, &opts, &tx, &state);
            if let Some(run) = handed {
                hand_over(terminal, &opts, run, &tx)?;
            }
            if state.should_quit {
                break;
            }
        }
    }
    pollers.stop_all();
    // Whatever was typed is on disk before cockpit exits.
    drafts.finish().await;
    Ok(state)
}

enum Arrival {
    Input(io::Result<Event>),
    Msg(Box<Msg>),
    /// A poller's answer, queued behind others in a batch.
    Polled(Box<Msg>),
    Suspend,
}

/// Raw mode hands Ctrl-Z to the program instead of the shell; it keeps its usual meaning.
fn is_suspend_key(ev: &Event) -> bool {
    matches!(ev, Event::Key(k)
        if k.kind != KeyEventKind::Release
            && k.code == KeyCode::Char('z')
            && k.modifiers == KeyModifiers::CONTROL)
}

async fn suspend_signal(suspend: &mut Option<Suspend>) -> Option<()> {
    match suspend {
        Some(s) => s.signals.recv().await,
        None => std::future::pending().await,
    }
}

/// Stops until `fg`, then repaints every cell: the shell drew over the screen meanwhile.
fn stop<B: Backend>(terminal: &mut Terminal<B>, suspend: Option<&Suspend>) -> io::Result<()> {
    let Some(s) = suspend else { return Ok(()) };
    (s.stop)()?;
    repaint(terminal)
}

/// A `terminal` command: the terminal is the command's until it ends, then every cell is
/// repainted (it drew over the screen).
fn hand_over<B: Backend>(
    terminal: &mut Terminal<B>,
    opts: &Options,
    run: super::commands::CommandRun,
    tx: &mpsc::UnboundedSender<Msg>,
) -> io::Result<()> {
    let Some(give) = opts.hand_over else {
        super::shell::spawn(run, tx.clone());
        return Ok(());
    };
    let result = give(&run.script, run.cwd.as_deref());
    let result = result
        .map(|status| super::commands::Captured {
            code: status.code(),
            stdout: Vec::new(),
            stderr: Vec::new(),
            cut: false,
        })
        .map_err(|e| e.to_string());
    let _ = tx.send(Msg::CommandDone {
        name: run.name,
        output: run.output,
        result,
    });
    repaint(terminal)
}

/// Forgets the previous frame so the next draw repaints every cell.
fn repaint<B: Backend>(terminal: &mut Terminal<B>) -> io::Result<()> {
    // Not `clear()`: it asks the terminal where the cursor is, and the answer would go to the
    // input thread, which owns terminal input. A resize to the current size clears the screen
    // and forgets the previous frame without asking anything.
    let redraw = |t: &mut Terminal<B>| -> Result<(), B::Error> {
        let size = t.size()?;
        t.resize(ratatui::layout::Rect::new(0, 0, size.width, size.height))
    };
    redraw(terminal).map_err(|e| io::Error::other(e.to_string()))
}

/// What a switch of repository (`Effect::SwitchRepo`) replaces.
struct Ctx<'a> {
    pollers: &'a mut Pollers,
    poll_rx: &'a mut mpsc::UnboundedReceiver<Msg>,
    services: &'a mut Arc<Services>,
}

/// Does the effects; a `terminal` command is handed back, as it needs the terminal.
fn execute(
    effects: Vec<Effect>,
    ctx: &mut Ctx<'_>,
    drafts: &crate::drafts::DraftWriter,
    opts: &Options,
    tx: &mpsc::UnboundedSender<Msg>,
    state: &AppState,
) -> Option<super::commands::CommandRun> {
    let mut handed = None;
    let services = &mut *ctx.services;
    let pollers = &mut *ctx.pollers;
    for e in effects {
        match e {
            Effect::RunCommand(run) if run.output == crate::config::CommandOutput::Terminal => {
                handed = Some(run)
            }
            Effect::RunCommand(run) => super::shell::spawn(run, tx.clone()),
            Effect::SwitchRepo { slug, path } => {
                pollers.stop_all();
                *services = Arc::new(services.for_repo(slug, path));
                let (poll_tx, poll_rx) = mpsc::unbounded_channel();
                *ctx.poll_rx = poll_rx;
                *pollers = Pollers::new(services.clone(), poll_tx);
            }
            Effect::FetchLog { repo: slug, job_id } => {
                let (s, tx) = (services.clone(), tx.clone());
                tokio::spawn(async move {
                    let retry = crate::github::logs::LogRetry::default();
                    let bytes = s.gh.job_log_when_ready(&slug, job_id, &retry).await;
                    let _ = tx.send(Msg::LogChunk { job_id, bytes });
                });
            }
            // The search runs on its own thread; its progress wakes the loop with a message.
            Effect::SearchLog(job) => {
                let wake = tx.clone();
                let waker: crate::logs::Waker = Arc::new(move || {
                    let _ = wake.send(Msg::LogSearch);
                });
                if let Err(e) = job.start(Some(waker)) {
                    let _ = tx.send(Msg::Failed(format!("could not start the log search: {e}")));
                }
            }
            Effect::Copy { text } => copy(text, opts),
            Effect::SaveLog { path } => {
                if let Some(log) = state.log() {
                    let job = log.view.save_job(crate::logs::SaveMode::Raw);
                    let tx = tx.clone();
                    tokio::task::spawn_blocking(move || {
                        let result = job
                            .write_to(&path)
                            .map(|bytes| {
                                format!(
                                    "Saved the log to {} ({} KiB)",
                                    path.display(),
                                    bytes / 1024
                                )
                            })
                            .map_err(|e| {
                                format!("Could not save the log to {}: {e}", path.display())
                            });
                        let _ = tx.send(Msg::Done(result));
                    });
                }
            }
            Effect::Poll(r) => pollers.poll(r),
            Effect::Stop(k) => pollers.stop(k),
            Effect::Refresh(kinds) => pollers.refresh(&kinds),
            Effect::OpenUrl(url) => open_url(url, &opts.opener, tx.clone()),
            Effect::Prepare {
                generation,
                repo,
                prepare,
            } => {
                let (s, tx) = (services.clone(), tx.clone());
                tokio::spawn(async move {
                    let result = super::prepare::prepare(&s, repo.clone(), prepare).await;
                    let _ = tx.send(Msg::Prepared {
                        generation,
                        repo,
                        result,
                    });
                });
            }
            Effect::Mutate { id, repo, mutation } => {
                let (s, tx) = (services.clone(), tx.clone());
                tokio::spawn(async move {
                    let result = super::mutation::perform_on(&s.gh, repo.as_ref(), &mutation).await;
                    let _ = tx.send(Msg::Mutated {
                        id,
                        repo,
                        mutation,
                        result,
                    });
                });
            }
            Effect::Notify { event, title, body } => {
                if opts.notify_on.contains(&event) {
                    notify(opts, &title, &body)
                }
            }
            Effect::Git { id, op, dir } => {
                super::gitops::spawn(services.clone(), id, op, dir, tx.clone())
            }
            Effect::SaveDraft { key, text } => drafts.save(key, text),
            Effect::DeleteDraft { key } => drafts.delete(key),
            Effect::Quit => {}
            Effect::Live { repo, lookup } => {
                super::live_lookup::spawn(services.clone(), repo, lookup, tx.clone())
            }
        }
    }
    handed
}

/// The bell goes straight to the terminal (ratatui owns the screen, not the bell); a desktop
/// notification, when enabled, goes through the platform's notifier.
fn notify(opts: &Options, title: &str, body: &str) {
    if let Opener::Record(list) = &opts.opener {
        if let Ok(mut l) = list.lock() {
            l.push(format!("notify: {title}: {body}"));
        }
        return;
    }
    if opts.bell {
        use std::io::Write;
        let mut out = std::io::stdout();
        let _ = out.write_all(b"\x07");
        let _ = out.flush();
    }
    if opts.desktop_notifications {
        let (title, body) = (title.to_string(), body.to_string());
        tokio::task::spawn_blocking(move || {
            let spawned = if cfg!(target_os = "macos") {
                std::process::Command::new("osascript")
                    .arg("-e")
                    .arg(format!(
                        "display notification {body:?} with title {title:?}"
                    ))
                    .stdout(std::process::Stdio::null())
                    .stderr(std::process::Stdio::null())
                    .spawn()
            } else {
                std::process::Command::new("notify-send")
                    .arg(&title)
                    .arg(&body)
                    .stdout(std::process::Stdio::null())
                    .stderr(std::process::Stdio::null())
                    .spawn()
            };
            // A missing notifier is not worth an error: the bell and the toast already told.
            drop(spawned);
        });
    }
}

fn open_url(url: String, opener: &Opener, tx: mpsc::UnboundedSender<Msg>) {
    match opener {
        Opener::Record(list) => {
            if let Ok(mut l) = list.lock() {
                l.push(url);
            }
        }
        Opener::System => {
            tokio::task::spawn_blocking(move || {
                let program = std::env::var("BROWSER")
                    .ok()
                    .filter(|b| !b.trim().is_empty())
                    .unwrap_or_else(|| {
                        if cfg!(target_os = "macos") {
                            "open".into()
                        } else {
                            "xdg-open".into()
                        }
                    });
                let result = std::process::Command::new(&program)
                    .arg(&url)
                    .stdin(std::process::Stdio::null())
                    .stdout(std::process::Stdio::null())
                    .stderr(std::process::Stdio::null())
                    .spawn();
                if let Err(e) = result {
                    let _ = tx.send(Msg::Failed(format!(
                        "could not start {program} to open {url}: {e}"
                    )));
                }
            });
        }
    }
}

/// A clipboard tool when the system has one (wl-copy, xclip, xsel, pbcopy), else OSC 52 to
/// the terminal — our own sequence with our own text, which a log's escapes never reach.
fn copy(text: String, opts: &Options) {
    if let Opener::Record(list) = &opts.opener {
        if let Ok(mut l) = list.lock() {
            l.push(format!("copy: {text}"));
        }
        return;
    }
    tokio::task::spawn_blocking(move || {
        let via_tool = crate::logs::clipboard::detect().map(|tool| tool.copy(&text));
        if !matches!(via_tool, Some(Ok(()))) {
            use std::io::Write;
            let mut out = std::io::stdout();
            let _ = out.write_all(crate::logs::clipboard::osc52(&text).as_bytes());
            let _ = out.flush();
        }
    });
}
