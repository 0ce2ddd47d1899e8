//! `--log-level`: `tracing` events (and `log` records from dependencies) go to a file in the
//! platform state directory — never to the terminal, which belongs to the dashboard. Every line
//! passes through [`redact`] on its way to the file, so a token that slipped into an event (a
//! header dump, an error message, a URL with credentials) is blanked before it is written.

use crate::config::LogLevel;
use regex::Regex;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

const REDACTED: &str = "<redacted>";

/// Where the log goes: `[log] file` when set, else `cockpit.log` in the platform state
/// directory (data directory where the platform has no state directory).
pub fn log_path(configured: &str) -> Option<PathBuf> {
    let configured = configured.trim();
    if !configured.is_empty() {
        return Some(PathBuf::from(configured));
    }
    let dirs = directories::ProjectDirs::from("", "", "cockpit")?;
    let dir = dirs
        .state_dir()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| dirs.data_local_dir().to_path_buf());
    Some(dir.join("cockpit.log"))
}

fn patterns() -> &'static [(Regex, &'static str)] {
    static P: OnceLock<Vec<(Regex, &'static str)>> = OnceLock::new();
    P.get_or_init(|| {
        [
            // An Authorization header in any debug rendering: `authorization: Bearer x`,
            // `"authorization": "token x"`.
            (
                r#"(?i)(authorization"?\s*[:=]\s*"?)(?:bearer |token |basic )?[^\s"',;}]+"#,
                "${1}<redacted>",
            ),
            // GitHub's token formats, wherever they appear.
            (
                r"\b(?:gh[pousr]_[A-Za-z0-9_]{16,}|github_pat_[A-Za-z0-9_]{20,})\b",
                REDACTED,
            ),
            // OAuth answers and form bodies.
            (
                r#"(?i)((?:access_token|refresh_token|device_code)"?\s*[:=]\s*"?)[^\s"&,}]+"#,
                "${1}<redacted>",
            ),
            // Any user info in a URL: `user:password@`, and a bare `TOKEN@` too.
            (r"(://)[^/?#\s@]+@", "${1}<redacted>@"),
        ]
        .into_iter()
        .filter_map(|(re, with)| Regex::new(re).ok().map(|r| (r, with)))
        .collect()
    })
}

/// Blanks every token cockpit has seen ([`crate::secret::known_secrets`]) and anything
/// shaped like a credential.
pub fn redact(line: &str) -> String {
    let mut out = line.to_string();
    for secret in crate::secret::known_secrets() {
        if out.contains(secret.as_str()) {
            out = out.replace(secret.as_str(), REDACTED);
        }
    }
    for (re, with) in patterns() {
        if re.is_match(&out) {
            out = re.replace_all(&out, *with).into_owned();
        }
    }
    out
}

/// The file, shared by every event writer.
#[derive(Clone)]
struct LogFile(Arc<Mutex<std::fs::File>>);

/// One event's bytes, redacted and written when the event is complete (on drop), so a secret
/// split across two `write` calls is still seen whole.
struct EventWriter {
    file: LogFile,
    buf: Vec<u8>,
}

impl Write for EventWriter {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.buf.extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Drop for EventWriter {
    fn drop(&mut self) {
        if self.buf.is_empty() {
            return;
        }
        let text = redact(&String::from_utf8_lossy(&self.buf));
        if let Ok(mut f) = self.file.0.lock() {
            let _ = f.write_all(text.as_bytes());
            let _ = f.flush();
        }
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for LogFile {
    type Writer = EventWriter;
    fn make_writer(&'a self) -> EventWriter {
        EventWriter {
            file: self.clone(),
            buf: Vec::new(),
        }
    }
}

fn open(path: &Path) -> std::io::Result<std::fs::File> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let mut opts = std::fs::OpenOptions::new();
    opts.create(true).append(true);
    #[cfg(unix)]
    {
        // The log names repositories and accounts: readable by its owner only.
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    opts.open(path)
}

fn filter(level: LogLevel) -> Option<tracing::level_filters::LevelFilter> {
    use tracing::level_filters::LevelFilter as L;
    Some(match level {
        LogLevel::Off => return None,
        LogLevel::Error => L::ERROR,
        LogLevel::Warn => L::WARN,
        LogLevel::Info => L::INFO,
        LogLevel::Debug => L::DEBUG,
        LogLevel::Trace => L::TRACE,
    })
}

/// Starts logging at `level` to `path` for the rest of the process. `Off` does nothing.
pub fn init(level: LogLevel, path: &Path) -> Result<(), String> {
    let Some(max) = filter(level) else {
        return Ok(());
    };
    let file =
        open(path).map_err(|e| format!("cannot open the log file {}: {e}", path.display()))?;
    tracing_subscriber::fmt()
        .with_max_level(max)
        .with_ansi(false)
        .with_writer(LogFile(Arc::new(Mutex::new(file))))
        .try_init()
        .map_err(|e| format!("cannot start logging: {e}"))?;
    tracing::info!(
        target: "cockpit",
        "cockpit {} started, logging at {level:?} to {}",
        env!("CARGO_PKG_VERSION"),
        path.display()
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_are_blanked() {
        let cases = [
            (
                "authorization: Bearer abc123def",
                "authorization: <redacted>",
            ),
            (
                r#"{"Authorization": "token xyz"}"#,
                r#"{"Authorization": "<redacted>"}"#,
            ),
            (
                "got ghp_0123456789abcdefABCDEF0123 back",
                "got <redacted> back",
            ),
            (
                "access_token=gho_secret&scope=repo",
                "access_token=<redacted>&scope=repo",
            ),
            (
                r#"{"access_token":"abc","token_type":"bearer"}"#,
                r#"{"access_token":"<redacted>","token_type":"bearer"}"#,
            ),
            (
                "GET https://me:hunter2@ghe.corp/api/v3",
                "GET https://<redacted>@ghe.corp/api/v3",
            ),
            (
                "GET http://SECRET@127.0.0.1:9/rate_limit -> 200",
                "GET http://<redacted>@127.0.0.1:9/rate_limit -> 200",
            ),
            (
                "on http://127.0.0.1:9/a@b and https://h/x?u=a@b",
                "on http://127.0.0.1:9/a@b and https://h/x?u=a@b",
            ),
            (
                "GET /repos/acme/rocket -> 200",
                "GET /repos/acme/rocket -> 200",
            ),
        ];
        for (input, want) in cases {
            assert_eq!(redact(input), want, "{input}");
        }
    }

    #[test]
    fn tokens_cockpit_has_seen_are_blanked_whatever_their_shape() {
        let t = crate::github::Token::new("an-unusual-secret-42").expect("token");
        assert_eq!(redact("x an-unusual-secret-42 y"), "x <redacted> y");
        drop(t);
    }

    #[test]
    fn default_path_is_in_a_cockpit_directory() {
        assert_eq!(log_path("/tmp/x.log"), Some(PathBuf::from("/tmp/x.log")));
        if let Some(p) = log_path("") {
            assert!(p.ends_with("cockpit/cockpit.log"), "{}", p.display());
        }
    }
}
