//! Saving a log to a file (`s`).

use std::io::{BufWriter, Write};
use std::path::Path;

use super::line::LineKind;
use super::search::display_text;
use super::store::Snapshot;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum SaveMode {
    /// The bytes exactly as GitHub sent them (escape sequences included: `cat` of this file
    /// replays them, as `curl` of the log would).
    #[default]
    Raw,
    /// What the viewer shows with every fold open: escape sequences removed, workflow
    /// markers as labels, timestamps when they are shown.
    Text,
}

/// A log taken at one moment, to be written on any thread.
#[derive(Clone, Debug)]
pub struct SaveJob {
    pub(crate) snapshot: Snapshot,
    pub(crate) mode: SaveMode,
    pub(crate) timestamps: bool,
}

impl SaveJob {
    /// Writes to `path` through a temporary file in the same directory, so a failed write
    /// never leaves half a file under the name. Returns the bytes written.
    pub fn write_to(&self, path: &Path) -> std::io::Result<u64> {
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        let tmp = tempfile::NamedTempFile::new_in(dir)?;
        let mut w = BufWriter::with_capacity(1 << 16, tmp);
        let written = self.write(&mut w)?;
        let tmp = w.into_inner().map_err(|e| e.into_error())?;
        tmp.persist(path).map_err(|e| e.error)?;
        Ok(written)
    }

    /// Writes to any writer; returns the bytes written.
    pub fn write(&self, w: &mut impl Write) -> std::io::Result<u64> {
        let mut n = 0u64;
        match self.mode {
            SaveMode::Raw => {
                for part in self.snapshot.raw_parts() {
                    w.write_all(part)?;
                    n += part.len() as u64;
                }
            }
            SaveMode::Text => {
                let mut err = None;
                self.snapshot.for_each_line(|_, line, meta| {
                    if meta.kind == LineKind::GroupEnd {
                        return true;
                    }
                    let content = line.get(meta.content_offset()..).unwrap_or_default();
                    let text = display_text(meta.kind, content);
                    let stamp = meta.stamp(line);
                    let r = (|| {
                        if self.timestamps && !stamp.is_empty() {
                            w.write_all(stamp)?;
                            w.write_all(b" ")?;
                            n += stamp.len() as u64 + 1;
                        }
                        w.write_all(text.as_bytes())?;
                        w.write_all(b"\n")?;
                        n += text.len() as u64 + 1;
                        Ok::<(), std::io::Error>(())
                    })();
                    match r {
                        Ok(()) => true,
                        Err(e) => {
                            err = Some(e);
                            false
                        }
                    }
                });
                if let Some(e) = err {
                    return Err(e);
                }
            }
        }
        w.flush()?;
        Ok(n)
    }
}

/// A file name for a job's log: `cockpit-job-<id>.log`.
pub fn default_file_name(job_id: u64) -> String {
    format!("cockpit-job-{job_id}.log")
}
