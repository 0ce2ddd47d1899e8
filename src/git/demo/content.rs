//! The files of "rocket", the demo project, in the versions its history goes through.
//!
//! Believable rather than buildable: nobody compiles the demo, but a newcomer reads it.

pub const GITIGNORE: &str = "/target\n";

pub const README_V1: &str = "\
# rocket

Fast, resumable uploads of large files to object storage.

```
rocket upload ./backup.tar.zst s3://archive/2024/
```
";

pub const README_V2: &str = "\
# rocket

Fast, resumable uploads of large files to object storage.

```
rocket upload ./backup.tar.zst s3://archive/2024/
```

## Configuration

rocket reads `~/.config/rocket/config.toml`:

```toml
endpoint = \"https://storage.example.com\"
chunk_size = \"8MiB\"
parallel = 4
```
";

pub const README_V3: &str = "\
# rocket

Fast, resumable uploads of large files to object storage.

## Install

```
cargo install rocket-upload
```

## Use

```
rocket upload ./backup.tar.zst s3://archive/2024/
```

An interrupted upload resumes where it stopped: run the same command again.

## Configuration

rocket reads `~/.config/rocket/config.toml`:

```toml
endpoint = \"https://storage.example.com\"
chunk_size = \"8MiB\"
parallel = 4
```
";

pub const README_V4: &str = "\
# rocket

Fast, resumable uploads of large files to object storage.

## Install

```
cargo install rocket-upload
```

## Use

```
rocket upload ./backup.tar.zst s3://archive/2024/
```

An interrupted upload resumes where it stopped: run the same command again.

## Exit codes

| code | meaning |
|---|---|
| 0 | every file uploaded |
| 1 | an upload failed after its retries |
| 2 | bad arguments or configuration |

## Configuration

rocket reads `$XDG_CONFIG_HOME/rocket/config.toml` (`~/.config/rocket/config.toml`):

```toml
endpoint = \"https://storage.example.com\"
chunk_size = \"8MiB\"
parallel = 4
```
";

pub const CONFIG_XDG: &str = "\
use std::path::PathBuf;

/// `$XDG_CONFIG_HOME/rocket/config.toml`, else `~/.config/rocket/config.toml`.
pub fn path() -> Option<PathBuf> {
    let base = std::env::var_os(\"XDG_CONFIG_HOME\")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| std::env::var_os(\"HOME\").map(|h| PathBuf::from(h).join(\".config\")))?;
    Some(base.join(\"rocket/config.toml\"))
}
";

pub const TELEMETRY_BATCH: &str = "\
use std::time::{Duration, Instant};

/// Events are sent 50 at a time, or every 10 seconds, instead of one request each.
pub struct Batch {
    events: Vec<String>,
    since: Instant,
}

impl Batch {
    pub fn new() -> Self {
        Batch { events: Vec::new(), since: Instant::now() }
    }

    /// Adds an event; returns the batch to send when it is full or old enough.
    pub fn push(&mut self, event: String) -> Option<Vec<String>> {
        self.events.push(event);
        if self.events.len() >= 50 || self.since.elapsed() > Duration::from_secs(10) {
            self.since = Instant::now();
            return Some(std::mem::take(&mut self.events));
        }
        None
    }
}
";

pub const CARGO_V1: &str = "\
[package]
name = \"rocket-upload\"
version = \"1.3.0\"
edition = \"2021\"

[[bin]]
name = \"rocket\"
path = \"src/main.rs\"

[dependencies]
anyhow = \"1\"
clap = { version = \"4\", features = [\"derive\"] }
reqwest = { version = \"0.11\", features = [\"blocking\"] }
";

pub const CARGO_V2_RELEASE: &str = "\
[package]
name = \"rocket-upload\"
version = \"1.4.0\"
edition = \"2021\"

[[bin]]
name = \"rocket\"
path = \"src/main.rs\"

[dependencies]
anyhow = \"1\"
clap = { version = \"4\", features = [\"derive\"] }
reqwest = { version = \"0.11\", features = [\"blocking\"] }
";

pub const CARGO_V3: &str = "\
[package]
name = \"rocket-upload\"
version = \"1.4.0\"
edition = \"2021\"

[[bin]]
name = \"rocket\"
path = \"src/main.rs\"

[dependencies]
anyhow = \"1\"
clap = { version = \"4\", features = [\"derive\"] }
reqwest = { version = \"0.12\", features = [\"blocking\"] }
";

pub const CARGO_RETRY_JITTER: &str = "\
[package]
name = \"rocket-upload\"
version = \"1.4.0\"
edition = \"2021\"

[[bin]]
name = \"rocket\"
path = \"src/main.rs\"

[dependencies]
anyhow = \"1\"
clap = { version = \"4\", features = [\"derive\"] }
fastrand = \"2\"
reqwest = { version = \"0.12\", features = [\"blocking\"] }
";

pub const CHANGELOG: &str = "\
# Changelog

## 1.4.0

- Uploads are split into chunks and sent in parallel (`--parallel`).
- A progress bar shows bytes sent and the current rate.
- Fixed: the progress bar overflowed on files larger than 4 GiB.
";

pub const MAIN_V1: &str = "\
use anyhow::Result;
use clap::Parser;

mod upload;

#[derive(Parser)]
struct Args {
    /// File to upload.
    file: std::path::PathBuf,
    /// Destination, e.g. s3://bucket/prefix/
    dest: String,
}

fn main() -> Result<()> {
    let args = Args::parse();
    upload::upload(&args.file, &args.dest)
}
";

pub const MAIN_V2: &str = "\
use anyhow::Result;
use clap::Parser;

mod upload;

#[derive(Parser)]
struct Args {
    /// File to upload.
    file: std::path::PathBuf,
    /// Destination, e.g. s3://bucket/prefix/
    dest: String,
    /// Chunks uploaded at the same time.
    #[arg(long, default_value_t = 4)]
    parallel: usize,
}

fn main() -> Result<()> {
    let args = Args::parse();
    upload::upload(&args.file, &args.dest, args.parallel)
}
";

pub const MAIN_V3: &str = "\
use anyhow::Result;
use clap::Parser;

mod progress;
mod upload;

#[derive(Parser)]
struct Args {
    /// File to upload.
    file: std::path::PathBuf,
    /// Destination, e.g. s3://bucket/prefix/
    dest: String,
    /// Chunks uploaded at the same time.
    #[arg(long, default_value_t = 4)]
    parallel: usize,
}

fn main() -> Result<()> {
    let args = Args::parse();
    let bar = progress::Bar::new(std::fs::metadata(&args.file)?.len());
    upload::upload(&args.file, &args.dest, args.parallel, &bar)
}
";

pub const MAIN_V4: &str = "\
use std::time::Instant;

use anyhow::Result;
use clap::Parser;

mod progress;
mod upload;

#[derive(Parser)]
struct Args {
    /// File to upload.
    file: std::path::PathBuf,
    /// Destination, e.g. s3://bucket/prefix/
    dest: String,
    /// Chunks uploaded at the same time.
    #[arg(long, default_value_t = 4)]
    parallel: usize,
}

fn main() -> Result<()> {
    let args = Args::parse();
    let size = std::fs::metadata(&args.file)?.len();
    let bar = progress::Bar::new(size);
    let started = Instant::now();
    upload::upload(&args.file, &args.dest, args.parallel, &bar)?;
    let secs = started.elapsed().as_secs_f64().max(0.001);
    eprintln!(\"uploaded {} MiB at {:.1} MiB/s\", size >> 20, (size >> 20) as f64 / secs);
    Ok(())
}
";

pub const MAIN_SPIKE_CACHE: &str = "\
use anyhow::Result;
use clap::Parser;

mod cache;
mod progress;
mod upload;

#[derive(Parser)]
struct Args {
    /// File to upload.
    file: std::path::PathBuf,
    /// Destination, e.g. s3://bucket/prefix/
    dest: String,
    /// Chunks uploaded at the same time.
    #[arg(long, default_value_t = 4)]
    parallel: usize,
}

fn main() -> Result<()> {
    let args = Args::parse();
    let cache = cache::HashCache::open()?;
    let bar = progress::Bar::new(std::fs::metadata(&args.file)?.len());
    upload::upload(&args.file, &args.dest, args.parallel, &bar, &cache)
}
";

pub const MAIN_DARK_MODE: &str = "\
use std::time::Instant;

use anyhow::Result;
use clap::Parser;

mod color;
mod progress;
mod upload;

#[derive(Parser)]
struct Args {
    /// File to upload.
    file: std::path::PathBuf,
    /// Destination, e.g. s3://bucket/prefix/
    dest: String,
    /// Chunks uploaded at the same time.
    #[arg(long, default_value_t = 4)]
    parallel: usize,
    /// When to use colours: auto, always or never.
    #[arg(long, default_value = \"auto\")]
    color: color::When,
}

fn main() -> Result<()> {
    let args = Args::parse();
    let size = std::fs::metadata(&args.file)?.len();
    let bar = progress::Bar::new(size).with_palette(args.color.palette());
    let started = Instant::now();
    upload::upload(&args.file, &args.dest, args.parallel, &bar)?;
    let secs = started.elapsed().as_secs_f64().max(0.001);
    eprintln!(\"uploaded {} MiB at {:.1} MiB/s\", size >> 20, (size >> 20) as f64 / secs);
    Ok(())
}
";

pub const MAIN_RETRY_BUDGET: &str = "\
use std::time::{Duration, Instant};

use anyhow::Result;
use clap::Parser;

mod progress;
mod retry;
mod upload;

#[derive(Parser)]
struct Args {
    /// File to upload.
    file: std::path::PathBuf,
    /// Destination, e.g. s3://bucket/prefix/
    dest: String,
    /// Chunks uploaded at the same time.
    #[arg(long, default_value_t = 4)]
    parallel: usize,
    /// Give up when retries of one chunk took longer than this many seconds.
    #[arg(long, default_value_t = 300)]
    retry_budget: u64,
}

fn main() -> Result<()> {
    let args = Args::parse();
    let size = std::fs::metadata(&args.file)?.len();
    let bar = progress::Bar::new(size);
    let policy = retry::Policy::with_budget(Duration::from_secs(args.retry_budget));
    let started = Instant::now();
    upload::upload(&args.file, &args.dest, args.parallel, &bar, &policy)?;
    let secs = started.elapsed().as_secs_f64().max(0.001);
    eprintln!(\"uploaded {} MiB at {:.1} MiB/s\", size >> 20, (size >> 20) as f64 / secs);
    Ok(())
}
";

pub const UPLOAD_V1: &str = "\
use std::path::Path;

use anyhow::{Context, Result};

pub fn upload(file: &Path, dest: &str) -> Result<()> {
    let body = std::fs::read(file).with_context(|| format!(\"reading {}\", file.display()))?;
    let client = reqwest::blocking::Client::new();
    client.put(dest).body(body).send()?.error_for_status()?;
    Ok(())
}
";

pub const UPLOAD_V2: &str = "\
use std::path::Path;

use anyhow::{Context, Result};

pub const CHUNK: usize = 8 << 20;

pub fn upload(file: &Path, dest: &str, parallel: usize) -> Result<()> {
    let body = std::fs::read(file).with_context(|| format!(\"reading {}\", file.display()))?;
    let client = reqwest::blocking::Client::new();
    let chunks: Vec<_> = body.chunks(CHUNK).enumerate().collect();
    for batch in chunks.chunks(parallel.max(1)) {
        std::thread::scope(|s| {
            for (index, chunk) in batch {
                let client = &client;
                s.spawn(move || put_chunk(client, dest, *index, chunk));
            }
        });
    }
    Ok(())
}

fn put_chunk(client: &reqwest::blocking::Client, dest: &str, index: usize, chunk: &[u8]) -> Result<()> {
    let url = format!(\"{dest}?part={index}\");
    client.put(url).body(chunk.to_vec()).send()?.error_for_status()?;
    Ok(())
}
";

pub const UPLOAD_PROGRESS: &str = "\
use std::path::Path;

use anyhow::{Context, Result};

use crate::progress::Bar;

pub const CHUNK: usize = 8 << 20;

pub fn upload(file: &Path, dest: &str, parallel: usize, bar: &Bar) -> Result<()> {
    let body = std::fs::read(file).with_context(|| format!(\"reading {}\", file.display()))?;
    let client = reqwest::blocking::Client::new();
    let chunks: Vec<_> = body.chunks(CHUNK).enumerate().collect();
    for batch in chunks.chunks(parallel.max(1)) {
        std::thread::scope(|s| {
            for (index, chunk) in batch {
                let client = &client;
                s.spawn(move || put_chunk(client, dest, *index, chunk).map(|()| bar.advance(chunk.len() as u64)));
            }
        });
    }
    Ok(())
}

fn put_chunk(client: &reqwest::blocking::Client, dest: &str, index: usize, chunk: &[u8]) -> Result<()> {
    let url = format!(\"{dest}?part={index}\");
    client.put(url).body(chunk.to_vec()).send()?.error_for_status()?;
    Ok(())
}
";

pub const UPLOAD_V3: &str = "\
use std::path::Path;

use anyhow::{Context, Result};

use crate::progress::Bar;

pub const CHUNK: usize = 8 << 20;

pub fn upload(file: &Path, dest: &str, parallel: usize, bar: &Bar) -> Result<()> {
    let body = std::fs::read(file).with_context(|| format!(\"reading {}\", file.display()))?;
    let client = reqwest::blocking::Client::new();
    // The server remembers acknowledged parts; an interrupted upload starts after the last one.
    let done = acknowledged_parts(&client, dest)?;
    let chunks: Vec<_> = body.chunks(CHUNK).enumerate().skip(done).collect();
    bar.advance((done * CHUNK) as u64);
    for batch in chunks.chunks(parallel.max(1)) {
        std::thread::scope(|s| {
            for (index, chunk) in batch {
                let client = &client;
                s.spawn(move || put_chunk(client, dest, *index, chunk).map(|()| bar.advance(chunk.len() as u64)));
            }
        });
    }
    Ok(())
}

fn acknowledged_parts(client: &reqwest::blocking::Client, dest: &str) -> Result<usize> {
    let reply = client.head(dest).send()?;
    Ok(reply
        .headers()
        .get(\"x-parts-acknowledged\")
        .and_then(|v| v.to_str().ok()?.parse().ok())
        .unwrap_or(0))
}

fn put_chunk(client: &reqwest::blocking::Client, dest: &str, index: usize, chunk: &[u8]) -> Result<()> {
    let url = format!(\"{dest}?part={index}\");
    client.put(url).body(chunk.to_vec()).send()?.error_for_status()?;
    Ok(())
}
";

pub const UPLOAD_V4: &str = "\
use std::path::Path;
use std::time::Duration;

use anyhow::{Context, Result};
use reqwest::StatusCode;

use crate::progress::Bar;

pub const CHUNK: usize = 8 << 20;

pub fn upload(file: &Path, dest: &str, parallel: usize, bar: &Bar) -> Result<()> {
    let body = std::fs::read(file).with_context(|| format!(\"reading {}\", file.display()))?;
    let client = reqwest::blocking::Client::new();
    // The server remembers acknowledged parts; an interrupted upload starts after the last one.
    let done = acknowledged_parts(&client, dest)?;
    let chunks: Vec<_> = body.chunks(CHUNK).enumerate().skip(done).collect();
    bar.advance((done * CHUNK) as u64);
    for batch in chunks.chunks(parallel.max(1)) {
        std::thread::scope(|s| {
            for (index, chunk) in batch {
                let client = &client;
                s.spawn(move || put_chunk(client, dest, *index, chunk).map(|()| bar.advance(chunk.len() as u64)));
            }
        });
    }
    Ok(())
}

fn acknowledged_parts(client: &reqwest::blocking::Client, dest: &str) -> Result<usize> {
    let reply = client.head(dest).send()?;
    Ok(reply
        .headers()
        .get(\"x-parts-acknowledged\")
        .and_then(|v| v.to_str().ok()?.parse().ok())
        .unwrap_or(0))
}

fn put_chunk(client: &reqwest::blocking::Client, dest: &str, index: usize, chunk: &[u8]) -> Result<()> {
    let url = format!(\"{dest}?part={index}\");
    loop {
        let reply = client.put(&url).body(chunk.to_vec()).send()?;
        if reply.status() != StatusCode::TOO_MANY_REQUESTS {
            reply.error_for_status()?;
            return Ok(());
        }
        let wait = reply
            .headers()
            .get(\"retry-after\")
            .and_then(|v| v.to_str().ok()?.parse().ok())
            .unwrap_or(1);
        std::thread::sleep(Duration::from_secs(wait));
    }
}
";

pub const UPLOAD_RETRY: &str = "\
use std::path::Path;

use anyhow::{Context, Result};

use crate::progress::Bar;
use crate::retry::Policy;

pub const CHUNK: usize = 8 << 20;

pub fn upload(file: &Path, dest: &str, parallel: usize, bar: &Bar, policy: &Policy) -> Result<()> {
    let body = std::fs::read(file).with_context(|| format!(\"reading {}\", file.display()))?;
    let client = reqwest::blocking::Client::new();
    // The server remembers acknowledged parts; an interrupted upload starts after the last one.
    let done = acknowledged_parts(&client, dest)?;
    let chunks: Vec<_> = body.chunks(CHUNK).enumerate().skip(done).collect();
    bar.advance((done * CHUNK) as u64);
    for batch in chunks.chunks(parallel.max(1)) {
        std::thread::scope(|s| {
            for (index, chunk) in batch {
                let client = &client;
                s.spawn(move || {
                    policy
                        .run(|| put_chunk(client, dest, *index, chunk))
                        .map(|()| bar.advance(chunk.len() as u64))
                });
            }
        });
    }
    Ok(())
}

fn acknowledged_parts(client: &reqwest::blocking::Client, dest: &str) -> Result<usize> {
    let reply = client.head(dest).send()?;
    Ok(reply
        .headers()
        .get(\"x-parts-acknowledged\")
        .and_then(|v| v.to_str().ok()?.parse().ok())
        .unwrap_or(0))
}

fn put_chunk(client: &reqwest::blocking::Client, dest: &str, index: usize, chunk: &[u8]) -> Result<(), reqwest::Error> {
    let url = format!(\"{dest}?part={index}\");
    client.put(url).body(chunk.to_vec()).send()?.error_for_status()?;
    Ok(())
}
";

pub const PROGRESS_V1: &str = "\
use std::io::Write;
use std::sync::atomic::{AtomicU64, Ordering};

pub struct Bar {
    total: u64,
    sent: AtomicU64,
}

impl Bar {
    pub fn new(total: u64) -> Self {
        Bar { total, sent: AtomicU64::new(0) }
    }

    pub fn advance(&self, bytes: u64) {
        let sent = self.sent.fetch_add(bytes, Ordering::Relaxed) + bytes;
        let percent = (sent as u32 * 100) / self.total.max(1) as u32;
        eprint!(\"\\r{percent:>3}% \");
        let _ = std::io::stderr().flush();
    }
}
";

pub const PROGRESS_V2: &str = "\
use std::io::Write;
use std::sync::atomic::{AtomicU64, Ordering};

pub struct Bar {
    total: u64,
    sent: AtomicU64,
}

impl Bar {
    pub fn new(total: u64) -> Self {
        Bar { total, sent: AtomicU64::new(0) }
    }

    pub fn advance(&self, bytes: u64) {
        let sent = self.sent.fetch_add(bytes, Ordering::Relaxed) + bytes;
        // u64 all the way: files over 4 GiB overflowed the u32 arithmetic.
        let percent = sent.saturating_mul(100) / self.total.max(1);
        eprint!(\"\\r{percent:>3}% \");
        let _ = std::io::stderr().flush();
    }
}
";

pub const CACHE_SPIKE: &str = "\
//! SPIKE: remember the hash of every uploaded chunk so a re-upload of a mostly unchanged file
//! only sends the chunks that changed. Not wired into upload() yet.

use std::collections::HashMap;
use std::path::PathBuf;

use anyhow::Result;

pub struct HashCache {
    path: PathBuf,
    hashes: HashMap<(String, usize), u64>,
}

impl HashCache {
    pub fn open() -> Result<Self> {
        let path = dirs_next::cache_dir().unwrap_or_default().join(\"rocket/hashes\");
        Ok(HashCache { path, hashes: HashMap::new() })
    }
}
";

pub const COLOR_V1: &str = "\
#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum When {
    Auto,
    Always,
    Never,
}

pub struct Palette {
    pub done: &'static str,
    pub todo: &'static str,
}

impl When {
    pub fn palette(self) -> Option<Palette> {
        let on = match self {
            When::Always => true,
            When::Never => false,
            When::Auto => std::io::IsTerminal::is_terminal(&std::io::stderr()),
        };
        on.then_some(Palette { done: \"\\x1b[32m\", todo: \"\\x1b[37m\" })
    }
}
";

pub const COLOR_V2: &str = "\
#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum When {
    Auto,
    Always,
    Never,
}

pub struct Palette {
    pub done: &'static str,
    pub todo: &'static str,
}

impl When {
    pub fn palette(self) -> Option<Palette> {
        let on = match self {
            When::Always => true,
            When::Never => false,
            When::Auto => std::io::IsTerminal::is_terminal(&std::io::stderr()),
        };
        // Dimmer colours: bright white was unreadable on light themes and glaring on dark ones.
        on.then_some(Palette { done: \"\\x1b[36m\", todo: \"\\x1b[90m\" })
    }
}
";

pub const RETRY_V1: &str = "\
use std::time::Duration;

/// Retries a chunk upload when the connection drops: on flaky networks a reset every few
/// hundred megabytes is normal, and one of them used to fail the whole upload (#42).
pub struct Policy {
    pub attempts: u32,
}

impl Policy {
    pub fn run<T>(&self, mut op: impl FnMut() -> Result<T, reqwest::Error>) -> anyhow::Result<T> {
        let mut attempt = 1;
        loop {
            match op() {
                Ok(value) => return Ok(value),
                Err(e) if attempt < self.attempts && is_transient(&e) => {
                    attempt += 1;
                    std::thread::sleep(Duration::from_secs(1));
                }
                Err(e) => return Err(e.into()),
            }
        }
    }
}

fn is_transient(e: &reqwest::Error) -> bool {
    e.is_connect() || e.is_timeout() || e.is_request()
}
";

pub const RETRY_V2: &str = "\
use std::time::Duration;

/// Retries a chunk upload when the connection drops: on flaky networks a reset every few
/// hundred megabytes is normal, and one of them used to fail the whole upload (#42).
pub struct Policy {
    pub attempts: u32,
    pub base: Duration,
}

impl Policy {
    pub fn run<T>(&self, mut op: impl FnMut() -> Result<T, reqwest::Error>) -> anyhow::Result<T> {
        let mut attempt = 1;
        loop {
            match op() {
                Ok(value) => return Ok(value),
                Err(e) if attempt < self.attempts && is_transient(&e) => {
                    std::thread::sleep(self.delay(attempt));
                    attempt += 1;
                }
                Err(e) => return Err(e.into()),
            }
        }
    }

    /// Exponential backoff with full jitter, so parallel chunks do not retry in lockstep.
    fn delay(&self, attempt: u32) -> Duration {
        let cap = self.base * 2u32.saturating_pow(attempt.min(10));
        cap.mul_f64(fastrand::f64())
    }
}

fn is_transient(e: &reqwest::Error) -> bool {
    e.is_connect() || e.is_timeout() || e.is_request()
}
";

pub const RETRY_V3: &str = "\
use std::time::{Duration, Instant};

/// Retries a chunk upload when the connection drops: on flaky networks a reset every few
/// hundred megabytes is normal, and one of them used to fail the whole upload (#42).
pub struct Policy {
    pub base: Duration,
    /// Total time one chunk may spend retrying before the upload gives up.
    pub budget: Duration,
}

impl Policy {
    pub fn with_budget(budget: Duration) -> Self {
        Policy { base: Duration::from_millis(200), budget }
    }

    pub fn run<T>(&self, mut op: impl FnMut() -> Result<T, reqwest::Error>) -> anyhow::Result<T> {
        let started = Instant::now();
        let mut attempt = 1;
        loop {
            match op() {
                Ok(value) => return Ok(value),
                Err(e) if started.elapsed() < self.budget && is_transient(&e) => {
                    std::thread::sleep(self.delay(attempt));
                    attempt += 1;
                }
                Err(e) => return Err(e.into()),
            }
        }
    }

    /// Exponential backoff with full jitter, so parallel chunks do not retry in lockstep.
    fn delay(&self, attempt: u32) -> Duration {
        let cap = self.base * 2u32.saturating_pow(attempt.min(10));
        cap.mul_f64(fastrand::f64())
    }
}

fn is_transient(e: &reqwest::Error) -> bool {
    e.is_connect() || e.is_timeout() || e.is_request()
}
";

/// The uncommitted edit left in the working tree, so the demo shows a dirty marker.
pub const RETRY_WORK_IN_PROGRESS: &str = "
#[cfg(test)]
mod tests {
    // TODO: a server that resets every third connection; check the budget is honoured.
}
";

/// alice's fork: CI caches what cargo downloads and builds.
pub const CARGO_CONFIG_FORK: &str = "[net]\ngit-fetch-with-cli = false\n\n[build]\n# CI restores target/ from its cache; keep incremental off so the cache stays small.\nincremental = false\n";
