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
}
