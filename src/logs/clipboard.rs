//! Getting copied text (`y`) to the system clipboard: OSC 52 (works over ssh, in most
//! terminals) or a clipboard program. The UI picks; this module only builds and runs.
//!
//! Only text cleaned by the viewer goes in (no escape sequence from a log can pass), and OSC 52
//! carries it base64-encoded, so nothing in it can end the sequence early.

use std::ffi::OsString;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Many terminals ignore longer OSC 52 payloads (xterm's default limit is near 100 kB of
/// base64); check the length before relying on it.
pub const OSC52_SAFE_BYTES: usize = 74_000;

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Standard base64 with padding.
pub fn base64(data: &[u8]) -> String {
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        let sextet = |i: u32| char::from(B64[((n >> (18 - 6 * i)) & 63) as usize]);
        out.push(sextet(0));
        out.push(sextet(1));
        out.push(if chunk.len() > 1 { sextet(2) } else { '=' });
        out.push(if chunk.len() > 2 { sextet(3) } else { '=' });
    }
    out
}

/// The OSC 52 sequence that puts `text` on the clipboard (`ESC ] 52 ; c ; <base64> BEL`).
/// Write it to the terminal yourself (outside ratatui's buffer).
pub fn osc52(text: &str) -> String {
    format!("\u{1b}]52;c;{}\u{7}", base64(text.as_bytes()))
}

/// A clipboard program cockpit knows how to feed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClipboardTool {
    WlCopy,
    Xclip,
    Xsel,
    Pbcopy,
}

impl ClipboardTool {
    pub fn program(self) -> &'static str {
        match self {
            ClipboardTool::WlCopy => "wl-copy",
            ClipboardTool::Xclip => "xclip",
            ClipboardTool::Xsel => "xsel",
            ClipboardTool::Pbcopy => "pbcopy",
        }
    }

    pub fn args(self) -> &'static [&'static str] {
        match self {
            ClipboardTool::WlCopy | ClipboardTool::Pbcopy => &[],
            ClipboardTool::Xclip => &["-selection", "clipboard"],
            ClipboardTool::Xsel => &["--clipboard", "--input"],
        }
    }

    /// Runs the program with `text` on its stdin and waits for it (xclip and wl-copy fork to
    /// keep serving the selection, so this returns quickly). Blocking: call it off the UI
    /// thread.
    pub fn copy(self, text: &str) -> std::io::Result<()> {
        let mut child = Command::new(self.program())
            .args(self.args())
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()?;
        if let Some(mut stdin) = child.stdin.take() {
            stdin.write_all(text.as_bytes())?;
        }
        let status = child.wait()?;
        if status.success() {
            Ok(())
        } else {
            Err(std::io::Error::other(format!(
                "{} exited with {status}",
                self.program()
            )))
        }
    }
}

/// The clipboard program for this session: wl-copy under Wayland, xclip or xsel under X11,
/// pbcopy on macOS — if installed. None: use OSC 52.
pub fn detect() -> Option<ClipboardTool> {
    let path = std::env::var_os("PATH");
    detect_with(
        |k| std::env::var_os(k),
        |prog| on_path(path.as_deref(), prog).is_some(),
        std::env::consts::OS,
    )
}

/// [`detect`] with its inputs given (for tests).
pub fn detect_with(
    env: impl Fn(&str) -> Option<OsString>,
    installed: impl Fn(&str) -> bool,
    os: &str,
) -> Option<ClipboardTool> {
    let set = |k: &str| env(k).is_some_and(|v| !v.is_empty());
    let mut candidates = Vec::new();
    if os == "macos" {
        candidates.push(ClipboardTool::Pbcopy);
    }
    if set("WAYLAND_DISPLAY") {
        candidates.push(ClipboardTool::WlCopy);
    }
    if set("DISPLAY") {
        candidates.push(ClipboardTool::Xclip);
        candidates.push(ClipboardTool::Xsel);
    }
    candidates.into_iter().find(|t| installed(t.program()))
}

fn on_path(path: Option<&std::ffi::OsStr>, prog: &str) -> Option<PathBuf> {
    std::env::split_paths(path?)
        .map(|d| d.join(prog))
        .find(|p| is_executable(p))
}

fn is_executable(p: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        p.metadata()
            .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
    }
    #[cfg(not(unix))]
    {
        p.is_file()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_rfc4648() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
        assert_eq!(osc52("hi"), "\u{1b}]52;c;aGk=\u{7}");
    }

    #[test]
    fn detection_follows_the_session() {
        let env = |vars: &'static [(&'static str, &'static str)]| {
            move |k: &str| {
                vars.iter()
                    .find(|(n, _)| *n == k)
                    .map(|(_, v)| OsString::from(v))
            }
        };
        let all = |_: &str| true;
        assert_eq!(
            detect_with(env(&[("WAYLAND_DISPLAY", "wayland-0")]), all, "linux"),
            Some(ClipboardTool::WlCopy)
        );
        assert_eq!(
            detect_with(env(&[("DISPLAY", ":0")]), |p: &str| p == "xsel", "linux"),
            Some(ClipboardTool::Xsel)
        );
        assert_eq!(detect_with(env(&[]), all, "linux"), None);
        assert_eq!(
            detect_with(env(&[]), all, "macos"),
            Some(ClipboardTool::Pbcopy)
        );
    }
}
