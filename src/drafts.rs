//! Drafts of what the user types (comments, replies, reviews), saved as they are typed so a
//! quit, a crash or a failed send never loses them. One small file per draft in the data
//! directory, written to a temporary name and renamed so a crash mid-write leaves the old
//! version, never half a file.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone)]
pub struct DraftStore {
    dir: PathBuf,
}

/// A file name for a key such as `acme/rocket#47/comment`: readable, safe on any file system,
/// and unambiguous (a short hash of the exact key is appended).
fn file_name(key: &str) -> String {
    use std::hash::{Hash, Hasher};
    let readable: String = key
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .take(80)
        .collect();
    let mut h = std::collections::hash_map::DefaultHasher::new();
    key.hash(&mut h);
    format!("{readable}.{:016x}.draft", h.finish())
}

impl DraftStore {
    pub fn new(dir: impl Into<PathBuf>) -> DraftStore {
        DraftStore { dir: dir.into() }
    }

    /// The platform data directory (`~/.local/share/cockpit/drafts` on Linux).
    pub fn default_dir() -> Option<PathBuf> {
        directories::ProjectDirs::from("", "", "cockpit").map(|d| d.data_dir().join("drafts"))
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Every saved draft, by key. Unreadable files are skipped, not fatal.
    pub fn load_all(&self) -> HashMap<String, String> {
        let mut out = HashMap::new();
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return out;
        };
        for e in entries.flatten() {
            let path = e.path();
            if path.extension().and_then(|x| x.to_str()) != Some("draft") {
                continue;
            }
            let Ok(text) = std::fs::read_to_string(&path) else {
                continue;
            };
            // First line: the key; the rest: the draft.
            if let Some((key, body)) = text.split_once('\n') {
                out.insert(key.to_string(), body.to_string());
            }
        }
        out
    }

    pub fn save(&self, key: &str, text: &str) -> std::io::Result<()> {
        if text.is_empty() {
            return self.delete(key);
        }
        std::fs::create_dir_all(&self.dir)?;
        let path = self.dir.join(file_name(key));
        let tmp = path.with_extension("tmp");
        {
            let mut f = std::fs::File::create(&tmp)?;
            f.write_all(key.replace('\n', " ").as_bytes())?;
            f.write_all(b"\n")?;
            f.write_all(text.as_bytes())?;
            f.sync_all()?;
        }
        std::fs::rename(&tmp, &path)
    }

    pub fn delete(&self, key: &str) -> std::io::Result<()> {
        match std::fs::remove_file(self.dir.join(file_name(key))) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }
}

/// Writes drafts in the order they were typed, off the UI thread. Keystrokes arrive faster
/// than files are written; writes for one key are coalesced (latest wins) and never reordered,
/// so the file always ends as the last thing typed.
pub struct DraftWriter {
    tx: tokio::sync::mpsc::UnboundedSender<(String, Option<String>)>,
    task: tokio::task::JoinHandle<()>,
}

impl DraftWriter {
    pub fn spawn(store: DraftStore, on_error: impl Fn(String) + Send + 'static) -> DraftWriter {
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<(String, Option<String>)>();
        let task = tokio::spawn(async move {
            while let Some(first) = rx.recv().await {
                let mut latest: Vec<(String, Option<String>)> = vec![first];
                while let Ok((k, v)) = rx.try_recv() {
                    latest.retain(|(x, _)| *x != k);
                    latest.push((k, v));
                }
                let store = store.clone();
                let written = tokio::task::spawn_blocking(move || {
                    for (key, text) in latest {
                        match text {
                            Some(t) => store.save(&key, &t)?,
                            None => store.delete(&key)?,
                        }
                    }
                    Ok::<_, std::io::Error>(store)
                })
                .await;
                match written {
                    Ok(Ok(_)) => {}
                    Ok(Err(e)) => on_error(format!("could not save a draft: {e}")),
                    Err(e) => on_error(format!("the draft writer stopped: {e}")),
                }
            }
        });
        DraftWriter { tx, task }
    }

    pub fn save(&self, key: String, text: String) {
        let _ = self.tx.send((key, Some(text)));
    }

    pub fn delete(&self, key: String) {
        let _ = self.tx.send((key, None));
    }

    /// Waits until everything sent so far is on disk.
    pub async fn finish(self) {
        drop(self.tx);
        let _ = self.task.await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drafts_survive_a_new_process() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = DraftStore::new(dir.path().join("drafts"));
        store
            .save("acme/rocket#47/comment", "first line\nsecond line\n")
            .expect("save");
        store
            .save("acme/rocket#43/thread/PRRT_1", "reply")
            .expect("save");
        // "Crash": a new store over the same directory finds both.
        let again = DraftStore::new(dir.path().join("drafts")).load_all();
        assert_eq!(
            again.get("acme/rocket#47/comment").map(String::as_str),
            Some("first line\nsecond line\n")
        );
        assert_eq!(again.len(), 2);
        store.delete("acme/rocket#47/comment").expect("delete");
        store
            .save("acme/rocket#43/thread/PRRT_1", "")
            .expect("empty deletes");
        assert!(DraftStore::new(dir.path().join("drafts"))
            .load_all()
            .is_empty());
        store
            .delete("never/saved")
            .expect("deleting nothing is fine");
    }

    #[test]
    fn file_names_are_safe_and_distinct() {
        let a = file_name("acme/rocket#47/comment");
        let b = file_name("acme/rocket#47:comment");
        assert_ne!(a, b);
        assert!(!a.contains('/') && !a.contains('#'));
    }

    #[tokio::test]
    async fn the_writer_keeps_the_last_text_typed() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = DraftStore::new(dir.path());
        let writer = DraftWriter::spawn(store.clone(), |e| panic!("{e}"));
        let mut text = String::new();
        for c in "HOME can be unset in cron too".chars() {
            text.push(c);
            writer.save("k".into(), text.clone());
        }
        writer.save("gone".into(), "x".into());
        writer.delete("gone".into());
        writer.finish().await;
        let all = store.load_all();
        assert_eq!(
            all.get("k").map(String::as_str),
            Some("HOME can be unset in cron too")
        );
        assert!(!all.contains_key("gone"));
    }
}
