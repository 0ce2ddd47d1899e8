//! Running the user's commands: `sh -c` on a blocking thread, output captured up to a cap, the
//! result back to the loop as a message. Nothing is added to the command's environment (no
//! token: a command that wants one asks its own tool, as `gh` does).

use super::commands::{Captured, CommandRun};
use super::msg::Msg;
use crate::config::CommandOutput;
use std::io::Read;
use std::process::{Command, Stdio};
use tokio::sync::mpsc;

/// More output than this is cut (and the rest read and dropped, so the command does not block
/// on a full pipe).
pub const CAP: usize = 4 << 20;

/// Runs `run` off the UI path; `Msg::CommandDone` reports.
pub fn spawn(run: CommandRun, tx: mpsc::UnboundedSender<Msg>) {
    tokio::task::spawn_blocking(move || {
        let result = capture(&run);
        let _ = tx.send(Msg::CommandDone {
            name: run.name,
            output: run.output,
            result,
        });
    });
}

/// The shell command of `run`, in its working directory.
pub fn command(script: &str, cwd: Option<&std::path::Path>) -> Command {
    let mut c = Command::new("sh");
    c.arg("-c").arg(script);
    if let Some(dir) = cwd {
        c.current_dir(dir);
    }
    c
}

/// Runs `run` to its end with no input, its output captured. For the pager, stderr goes with
/// stdout in the order written.
pub fn capture(run: &CommandRun) -> Result<Captured, String> {
    let script = if run.output == CommandOutput::Pager {
        format!("exec 2>&1\n{}", run.script)
    } else {
        run.script.clone()
    };
    let mut child = command(&script, run.cwd.as_deref())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("sh: {e}"))?;
    let stderr = child.stderr.take();
    // Both pipes are read at once: a command filling one while the other is waited on would
    // never end.
    let err_reader = std::thread::spawn(move || stderr.map(read_capped).unwrap_or_default());
    let (stdout, cut) = child.stdout.take().map(read_capped).unwrap_or_default();
    let (stderr, _) = err_reader.join().unwrap_or_default();
    let status = child.wait().map_err(|e| e.to_string())?;
    Ok(Captured {
        code: status.code(),
        stdout,
        stderr,
        cut,
    })
}

fn read_capped(mut r: impl Read) -> (Vec<u8>, bool) {
    let mut out = Vec::new();
    let _ = r.by_ref().take(CAP as u64).read_to_end(&mut out);
    let rest = std::io::copy(&mut r, &mut std::io::sink()).unwrap_or(0);
    (out, rest > 0)
}
