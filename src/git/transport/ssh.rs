//! git over ssh by running the system `ssh`, as git itself does.
//!
//! The protocol over ssh is stateful: the ref advertisement and the pack exchange share one
//! connection (one `ssh host git-receive-pack 'path'` process). A watcher thread kills the
//! process when the operation is cancelled, which ends any blocked read.

use std::io::{self, Read, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use git2::transport::{Service, SmartSubtransport, SmartSubtransportStream};

use super::{git_error, Failure, Operation};
use crate::git::remote::redact_url;

/// How much of ssh's stderr is kept for the error message.
const STDERR_CAP: usize = 8 * 1024;

pub(super) struct Ssh {
    op: Arc<Operation>,
    conn: Mutex<Option<Connection>>,
}

impl Ssh {
    pub fn new(op: Arc<Operation>) -> Ssh {
        Ssh {
            op,
            conn: Mutex::new(None),
        }
    }
}

/// One running ssh process.
#[derive(Clone)]
struct Connection {
    child: Arc<Mutex<Child>>,
    io: Arc<Mutex<Pipes>>,
    stderr: Arc<Mutex<Vec<u8>>>,
    done: Arc<AtomicBool>,
}

struct Pipes {
    stdin: Option<ChildStdin>,
    stdout: ChildStdout,
}

/// Where to connect and which repository path to ask for.
#[derive(Debug, PartialEq, Eq)]
struct Target {
    user: Option<String>,
    host: String,
    port: Option<u16>,
    path: String,
}

fn parse_target(url: &str) -> Option<Target> {
    let lower = url.to_ascii_lowercase();
    let target = if ["ssh://", "ssh+git://", "git+ssh://"]
        .iter()
        .any(|p| lower.starts_with(p))
    {
        let parsed = url::Url::parse(url).ok()?;
        let path = parsed.path();
        // `ssh://host/~user/repo` means a path relative to that user's home, as in git.
        let path = match path.strip_prefix("/~") {
            Some(rest) => format!("~{rest}"),
            None => path.to_string(),
        };
        Target {
            user: Some(parsed.username())
                .filter(|u| !u.is_empty())
                .map(str::to_string),
            host: parsed.host_str()?.to_string(),
            port: parsed.port(),
            path,
        }
    } else {
        // scp-like: [user@]host:path
        let (before, path) = url.split_once(':')?;
        let (user, host) = match before.rsplit_once('@') {
            Some((u, h)) => (Some(u.to_string()), h.to_string()),
            None => (None, before.to_string()),
        };
        Target {
            user,
            host: host
                .trim_start_matches('[')
                .trim_end_matches(']')
                .to_string(),
            port: None,
            path: path.to_string(),
        }
    };
    // A host or user starting with '-' would be read by ssh as an option (CVE-2017-1000117).
    let hostile = |s: &str| s.is_empty() || s.starts_with('-') || s.chars().any(char::is_control);
    if hostile(&target.host)
        || target.user.as_deref().is_some_and(hostile)
        || target.path.is_empty()
        || target.path.chars().any(char::is_control)
    {
        return None;
    }
    Some(target)
}

/// Single-quotes `s` for the remote shell, as git does.
fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}

impl Ssh {
    fn spawn(&self, url: &str, service: &str) -> Result<Connection, git2::Error> {
        let target = parse_target(url)
            .ok_or_else(|| git_error(format!("'{}' is not an ssh URL", redact_url(url))))?;
        let destination = match &target.user {
            Some(u) => format!("{u}@{}", target.host),
            None => target.host.clone(),
        };
        let remote_command = format!("git-{service} {}", shell_quote(&target.path));

        let custom = self.op.auth.ssh_command();
        let program = std::env::var("GIT_SSH").ok().filter(|s| !s.is_empty());
        let openssh = match (&custom, &program) {
            (Some(cmd), _) => cmd
                .split_whitespace()
                .next()
                .is_some_and(|p| p.ends_with("ssh")),
            (None, Some(p)) => p.ends_with("ssh"),
            (None, None) => true,
        };
        let mut args: Vec<String> = Vec::new();
        if openssh {
            // Never prompt: a prompt would fight the TUI for the terminal. Bound the connect;
            // a stalled transfer is ended by cancelling (which kills ssh).
            args.extend([
                "-o".into(),
                "BatchMode=yes".into(),
                "-o".into(),
                "ConnectTimeout=15".into(),
            ]);
        }
        if let Some(port) = target.port {
            args.extend(["-p".into(), port.to_string()]);
        }
        args.push(destination);
        args.push(remote_command);

        let mut command = match (&custom, &program) {
            (Some(cmd), _) => {
                let mut c = Command::new("sh");
                c.arg("-c").arg(format!("{cmd} \"$@\"")).arg("cockpit-ssh");
                c
            }
            (None, Some(p)) => Command::new(p),
            (None, None) => Command::new("ssh"),
        };
        command
            .args(&args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = command
            .spawn()
            .map_err(|e| git_error(format!("could not run ssh: {e}")))?;
        let (Some(stdin), Some(stdout), Some(mut stderr)) =
            (child.stdin.take(), child.stdout.take(), child.stderr.take())
        else {
            let _ = child.kill();
            return Err(git_error("could not connect to ssh's pipes"));
        };

        let stderr_buf = Arc::new(Mutex::new(Vec::new()));
        {
            let buf = stderr_buf.clone();
            std::thread::spawn(move || {
                let mut chunk = [0u8; 1024];
                while let Ok(n) = stderr.read(&mut chunk) {
                    if n == 0 {
                        break;
                    }
                    if let Ok(mut b) = buf.lock() {
                        let room = STDERR_CAP.saturating_sub(b.len());
                        b.extend_from_slice(&chunk[..n.min(room)]);
                    }
                }
            });
        }
        let conn = Connection {
            child: Arc::new(Mutex::new(child)),
            io: Arc::new(Mutex::new(Pipes {
                stdin: Some(stdin),
                stdout,
            })),
            stderr: stderr_buf,
            done: Arc::new(AtomicBool::new(false)),
        };
        // Cancellation: kill the process, which unblocks a read waiting on it.
        {
            let child = conn.child.clone();
            let done = conn.done.clone();
            let cancel = self.op.cancel.clone();
            std::thread::spawn(move || loop {
                std::thread::sleep(Duration::from_millis(50));
                if done.load(Ordering::Relaxed) {
                    return;
                }
                let Ok(mut c) = child.lock() else { return };
                if cancel.is_cancelled() {
                    let _ = c.kill();
                    let _ = c.wait();
                    return;
                }
                if matches!(c.try_wait(), Ok(Some(_))) {
                    return;
                }
            });
        }
        Ok(conn)
    }
}

impl Connection {
    /// Closes stdin, waits a little for a clean exit, then makes sure the process is gone.
    fn finish(&self) {
        if let Ok(mut io) = self.io.lock() {
            io.stdin.take();
        }
        let deadline = Instant::now() + Duration::from_secs(5);
        if let Ok(mut child) = self.child.lock() {
            while Instant::now() < deadline {
                match child.try_wait() {
                    Ok(Some(_)) | Err(_) => break,
                    Ok(None) => std::thread::sleep(Duration::from_millis(20)),
                }
            }
            let _ = child.kill();
            let _ = child.wait();
        }
        self.done.store(true, Ordering::Relaxed);
    }

    fn stderr_text(&self) -> String {
        // The process has usually written its complaint and exited by the time stdout ends;
        // give the reader thread a moment to catch up.
        let deadline = Instant::now() + Duration::from_millis(500);
        loop {
            let exited = self
                .child
                .lock()
                .map(|mut c| matches!(c.try_wait(), Ok(Some(_))))
                .unwrap_or(true);
            if exited || Instant::now() >= deadline {
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        std::thread::sleep(Duration::from_millis(20));
        self.stderr
            .lock()
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .unwrap_or_default()
    }
}

impl SmartSubtransport for Ssh {
    fn action(
        &self,
        url: &str,
        action: Service,
    ) -> Result<Box<dyn SmartSubtransportStream>, git2::Error> {
        let mut slot = self
            .conn
            .lock()
            .map_err(|_| git_error("ssh connection state poisoned"))?;
        let service = match action {
            Service::UploadPackLs | Service::UploadPack => "upload-pack",
            Service::ReceivePackLs | Service::ReceivePack => "receive-pack",
        };
        let reuse = matches!(action, Service::UploadPack | Service::ReceivePack);
        let conn = match (reuse, slot.as_ref()) {
            (true, Some(c)) => c.clone(),
            _ => {
                if let Some(old) = slot.take() {
                    old.finish();
                }
                let c = self.spawn(url, service)?;
                *slot = Some(c.clone());
                c
            }
        };
        Ok(Box::new(SshStream {
            conn,
            op: self.op.clone(),
        }))
    }

    fn close(&self) -> Result<(), git2::Error> {
        if let Ok(mut slot) = self.conn.lock() {
            if let Some(c) = slot.take() {
                c.finish();
            }
        }
        Ok(())
    }
}

impl Drop for Ssh {
    fn drop(&mut self) {
        if let Ok(mut slot) = self.conn.lock() {
            if let Some(c) = slot.take() {
                c.finish();
            }
        }
    }
}

struct SshStream {
    conn: Connection,
    op: Arc<Operation>,
}

impl SshStream {
    /// ssh ended or broke: record why, from what it printed. `failed`: the pipe itself
    /// errored, so even an unrecognised message is the explanation; on a plain end of output
    /// only a recognised complaint counts (ssh also prints harmless warnings).
    fn explain(&self, failed: bool) -> Option<io::Error> {
        if self.op.cancel.is_cancelled() {
            return Some(io::Error::new(io::ErrorKind::Interrupted, "cancelled"));
        }
        let text = self.conn.stderr_text();
        let line = text
            .lines()
            .map(str::trim)
            .rfind(|l| !l.is_empty())
            .map(crate::text::sanitize_line)?;
        let lower = text.to_ascii_lowercase();
        let has = |needles: &[&str]| needles.iter().any(|n| lower.contains(n));
        let failure = if has(&[
            "permission denied",
            "host key verification failed",
            "too many authentication failures",
        ]) {
            Failure::SshAuth {
                detail: line.clone(),
            }
        } else if has(&[
            "repository not found",
            "does not appear to be a git repository",
            "not a git repository",
        ]) {
            Failure::NotFound {
                detail: line.clone(),
            }
        } else if failed
            || has(&[
                "could not resolve hostname",
                "connection refused",
                "timed out",
                "network is unreachable",
                "connection closed",
                "no route to host",
            ])
        {
            Failure::Network {
                reason: format!("ssh: {line}"),
            }
        } else {
            return None;
        };
        self.op.record(failure);
        Some(io::Error::other(format!("ssh: {line}")))
    }
}

impl Read for SshStream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let result = match self.conn.io.lock() {
            Ok(mut io) => io.stdout.read(buf),
            Err(_) => Err(io::Error::other("ssh connection state poisoned")),
        };
        match result {
            Ok(0) => match self.explain(false) {
                Some(e) => Err(e),
                None => Ok(0),
            },
            Ok(n) => Ok(n),
            Err(e) => Err(self.explain(true).unwrap_or(e)),
        }
    }
}

impl Write for SshStream {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        if self.op.cancel.is_cancelled() {
            return Err(io::Error::new(io::ErrorKind::Interrupted, "cancelled"));
        }
        let result = match self.conn.io.lock() {
            Ok(mut io) => match io.stdin.as_mut() {
                Some(stdin) => stdin.write(data),
                None => Err(io::Error::new(
                    io::ErrorKind::BrokenPipe,
                    "ssh input closed",
                )),
            },
            Err(_) => Err(io::Error::other("ssh connection state poisoned")),
        };
        result.map_err(|e| self.explain(true).unwrap_or(e))
    }

    fn flush(&mut self) -> io::Result<()> {
        match self.conn.io.lock() {
            Ok(mut io) => match io.stdin.as_mut() {
                Some(stdin) => stdin.flush(),
                None => Ok(()),
            },
            Err(_) => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_ssh_urls() {
        assert_eq!(
            parse_target("git@github.com:acme/rocket.git"),
            Some(Target {
                user: Some("git".into()),
                host: "github.com".into(),
                port: None,
                path: "acme/rocket.git".into(),
            })
        );
        assert_eq!(
            parse_target("ssh://git@ssh.github.com:443/acme/rocket.git"),
            Some(Target {
                user: Some("git".into()),
                host: "ssh.github.com".into(),
                port: Some(443),
                path: "/acme/rocket.git".into(),
            })
        );
        assert_eq!(
            parse_target("ssh://host/~alice/r.git").map(|t| t.path),
            Some("~alice/r.git".into())
        );
        assert_eq!(parse_target("-oProxyCommand=evil:x"), None);
        assert_eq!(parse_target("ssh://-oProxyCommand=evil/x"), None);
        assert_eq!(shell_quote("a'b"), "'a'\\''b'");
    }
}
