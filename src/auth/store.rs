//! Where `cockpit auth login` keeps a token: the operating system's keyring (Keychain, Windows
//! Credential Manager, the Secret Service over D-Bus on Linux), one entry per host, service
//! `cockpit:HOST` — the same shape as gh's `gh:HOST`. Never a file: where no keyring exists the
//! store says so, and the caller offers the environment variable route instead.
//!
//! The trait exists so tests (and `COCKPIT_KEYRING=off`) can stand in for the real keyring.

use crate::github::Token;
use std::collections::HashMap;
use std::sync::Mutex;

/// The keyring entry's account name; the host is in the service name.
const ACCOUNT: &str = "token";

/// What stands in the way of using the keyring. Messages never contain a secret.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StoreError {
    /// No keyring service here at all (a headless Linux box without a D-Bus session).
    #[error("no keyring service is available ({0})")]
    Unavailable(String),
    /// There is one, but it refused (locked, prompt dismissed, access rules).
    #[error("the keyring refused access ({0})")]
    NoAccess(String),
    #[error("the keyring failed ({0})")]
    Failed(String),
}

pub trait CredentialStore: Send + Sync {
    /// What the store is, for messages ("the Secret Service keyring").
    fn name(&self) -> &str;
    /// Whether the store can be used at all, without touching any entry.
    fn probe(&self) -> Result<(), StoreError>;
    fn get(&self, host: &str) -> Result<Option<Token>, StoreError>;
    fn set(&self, host: &str, token: &Token) -> Result<(), StoreError>;
    /// Removes the host's entry; false when there was none.
    fn delete(&self, host: &str) -> Result<bool, StoreError>;
}

/// The entry's name as a keyring viewer (seahorse, Keychain Access) shows it.
pub fn service_name(host: &str) -> String {
    format!("cockpit:{}", host.to_ascii_lowercase())
}

/// The operating system's keyring through the `keyring` crate.
pub struct KeyringStore {
    name: &'static str,
}

impl Default for KeyringStore {
    fn default() -> Self {
        let name = if cfg!(target_os = "macos") {
            "the macOS Keychain"
        } else if cfg!(windows) {
            "the Windows Credential Manager"
        } else {
            "the Secret Service keyring (D-Bus)"
        };
        KeyringStore { name }
    }
}

/// Says in plain words why the keyring cannot be reached, keeping the library's text after it
/// for whoever debugs the machine.
fn unavailable(raw: &str) -> StoreError {
    let why = if raw.contains("Failed to connect")
        || raw.contains("DBUS_SESSION_BUS_ADDRESS")
        || raw.contains("session bus")
    {
        "there is no D-Bus session bus: a headless machine, a container, or an SSH session"
    } else if raw.contains("ServiceUnknown") || raw.contains("org.freedesktop.secrets") {
        "no Secret Service (GNOME Keyring, KWallet) answers on the D-Bus session bus"
    } else {
        return StoreError::Unavailable(raw.to_string());
    };
    StoreError::Unavailable(format!("{why}; {raw}"))
}

fn map_error(e: keyring::Error) -> StoreError {
    use keyring::Error as E;
    // Match by variant: some carry the stored bytes, which must not reach a message.
    match e {
        E::NoDefaultStore => match keyring::Entry::store_status() {
            Err(inner) => unavailable(&inner.to_string()),
            Ok(()) => StoreError::Unavailable("no default credential store".into()),
        },
        E::PlatformFailure(inner) => StoreError::Failed(inner.to_string()),
        E::NoStorageAccess(inner) => StoreError::NoAccess(inner.to_string()),
        E::BadEncoding(_) => StoreError::Failed("the stored token is not valid UTF-8".into()),
        E::BadDataFormat(_, _) => StoreError::Failed("the stored token is malformed".into()),
        E::Ambiguous(items) => StoreError::Failed(format!(
            "{} entries match; remove them with your keyring's own tool",
            items.len()
        )),
        other => StoreError::Failed(other.to_string()),
    }
}

impl KeyringStore {
    fn entry(&self, host: &str) -> Result<keyring::Entry, StoreError> {
        keyring::Entry::new(&service_name(host), ACCOUNT).map_err(map_error)
    }
}

impl CredentialStore for KeyringStore {
    fn name(&self) -> &str {
        self.name
    }

    fn probe(&self) -> Result<(), StoreError> {
        match keyring::Entry::store_status() {
            Ok(()) => Ok(()),
            Err(e) => Err(unavailable(&e.to_string())),
        }
    }

    fn get(&self, host: &str) -> Result<Option<Token>, StoreError> {
        match self.entry(host)?.get_password() {
            Ok(secret) => Ok(Token::new(secret)),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(map_error(e)),
        }
    }

    fn set(&self, host: &str, token: &Token) -> Result<(), StoreError> {
        self.entry(host)?
            .set_password(token.expose())
            .map_err(map_error)
    }

    fn delete(&self, host: &str) -> Result<bool, StoreError> {
        match self.entry(host)?.delete_credential() {
            Ok(()) => Ok(true),
            Err(keyring::Error::NoEntry) => Ok(false),
            Err(e) => Err(map_error(e)),
        }
    }
}

/// A store kept in memory: for tests, or standing for "no keyring" (`unavailable`).
#[derive(Default)]
pub struct MemoryStore {
    entries: Mutex<HashMap<String, Token>>,
    unavailable: Option<String>,
}

impl MemoryStore {
    pub fn new() -> MemoryStore {
        MemoryStore::default()
    }

    /// A store that fails like a machine without a keyring service, saying `why`.
    pub fn unavailable(why: &str) -> MemoryStore {
        MemoryStore {
            entries: Mutex::default(),
            unavailable: Some(why.to_string()),
        }
    }

    fn check(&self) -> Result<(), StoreError> {
        match &self.unavailable {
            Some(why) => Err(StoreError::Unavailable(why.clone())),
            None => Ok(()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Token>> {
        self.entries.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl CredentialStore for MemoryStore {
    fn name(&self) -> &str {
        if self.unavailable.is_some() {
            "the keyring"
        } else {
            "the in-memory test keyring"
        }
    }

    fn probe(&self) -> Result<(), StoreError> {
        self.check()
    }

    fn get(&self, host: &str) -> Result<Option<Token>, StoreError> {
        self.check()?;
        Ok(self.lock().get(&service_name(host)).cloned())
    }

    fn set(&self, host: &str, token: &Token) -> Result<(), StoreError> {
        self.check()?;
        self.lock().insert(service_name(host), token.clone());
        Ok(())
    }

    fn delete(&self, host: &str) -> Result<bool, StoreError> {
        self.check()?;
        Ok(self.lock().remove(&service_name(host)).is_some())
    }
}

/// The store cockpit uses: the OS keyring, unless `COCKPIT_KEYRING=off` says to leave it alone
/// (containers, CI, or a desktop whose keyring prompts get in the way).
pub fn system_store(env: &dyn Fn(&str) -> Option<String>) -> Box<dyn CredentialStore> {
    match env("COCKPIT_KEYRING").as_deref().map(str::trim) {
        Some("off") | Some("0") | Some("false") | Some("no") => {
            Box::new(MemoryStore::unavailable("turned off by COCKPIT_KEYRING"))
        }
        _ => Box::new(KeyringStore::default()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_store_round_trip_and_unavailable() {
        let s = MemoryStore::new();
        let t = Token::new("ghp_secretvalue").expect("token");
        assert_eq!(s.get("github.com"), Ok(None));
        s.set("GitHub.com", &t).expect("set");
        assert_eq!(s.get("github.com").expect("get"), Some(t));
        assert_eq!(s.delete("github.com"), Ok(true));
        assert_eq!(s.delete("github.com"), Ok(false));
        let none = MemoryStore::unavailable("no D-Bus session");
        assert!(matches!(none.probe(), Err(StoreError::Unavailable(_))));
        assert!(none.get("github.com").is_err());
    }

    #[test]
    fn a_missing_session_bus_is_named_plainly() {
        let e = unavailable(
            "Platform failure: zbus error: Failed to connect to address `unix:path=/run/user/0/bus`",
        );
        assert!(
            e.to_string()
                .starts_with("no keyring service is available (there is no D-Bus session bus"),
            "{e}"
        );
    }

    #[test]
    fn keyring_can_be_turned_off() {
        let off = system_store(&|k| (k == "COCKPIT_KEYRING").then(|| "off".to_string()));
        let err = off.probe().expect_err("off");
        assert!(err.to_string().contains("COCKPIT_KEYRING"), "{err}");
    }
}
