//! The real binary: `cockpit doctor` against fakehub (good token, revoked token, missing scopes,
//! unreachable host), config errors and warnings, and the refusal to start on a broken config.
//! Each run gets a clean environment: a throwaway HOME, no keyring (COCKPIT_KEYRING=off), no gh
//! on the PATH, so nothing on the machine leaks in.

use cockpit::fakehub::{FakeHub, DEMO_TOKEN};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use tempfile::TempDir;

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

/// A git repository whose origin is github.com/acme/rocket (fakehub's demo repository).
fn clone_dir() -> TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let repo = git2::Repository::init(dir.path()).expect("git init");
    repo.remote("origin", "https://github.com/acme/rocket.git")
        .expect("remote");
    dir
}

async fn cockpit(args: &[&str], env: &[(&str, &str)], cwd: &Path, home: &Path) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_cockpit"));
    cmd.args(args)
        .current_dir(cwd)
        .env_clear()
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_STATE_HOME", home.join("state"))
        .env("PATH", "")
        .env("COCKPIT_KEYRING", "off")
        .env("TERM", "xterm-256color")
        .stdin(Stdio::null());
    for (k, v) in env {
        cmd.env(k, v);
    }
    // fakehub answers on this runtime's other worker while the binary runs.
    let out = tokio::task::spawn_blocking(move || cmd.output())
        .await
        .expect("join")
        .expect("runs");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn line<'a>(r: &'a Run, name: &str) -> &'a str {
    r.stdout
        .lines()
        .find(|l| {
            l.split_once(' ')
                .is_some_and(|(_, rest)| rest.starts_with(&format!("{name} ")))
        })
        .unwrap_or_else(|| panic!("no {name} line in:\n{}", r.stdout))
}

struct Env {
    hub: FakeHub,
    clone: TempDir,
    home: TempDir,
}

async fn setup() -> Env {
    cockpit::github::client::install_crypto_provider();
    Env {
        hub: FakeHub::start_demo().await.expect("fakehub"),
        clone: clone_dir(),
        home: tempfile::tempdir().expect("home"),
    }
}

impl Env {
    async fn doctor(&self, token: &str, extra: &[&str]) -> Run {
        let api = self.hub.base_url();
        let mut args = vec!["doctor", "--api-url", api.as_str()];
        args.extend_from_slice(extra);
        cockpit(
            &args,
            &[("GH_ENTERPRISE_TOKEN", token)],
            self.clone.path(),
            self.home.path(),
        )
        .await
    }

    fn write_config(&self, text: &str) -> PathBuf {
        let p = self.home.path().join("cockpit.toml");
        std::fs::write(&p, text).expect("write config");
        p
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn doctor_with_a_good_token_passes() {
    let env = setup().await;
    let r = env.doctor(DEMO_TOKEN, &[]).await;
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert!(line(&r, "config").starts_with("✓"), "{}", r.stdout);
    assert!(line(&r, "config").contains("no file, using the defaults"));
    assert!(line(&r, "git").starts_with("✓"));
    assert_eq!(
        line(&r, "remote"),
        "✓ remote    origin → acme/rocket on github.com"
    );
    assert!(line(&r, "api").starts_with("✓ api       127.0.0.1 reachable"));
    assert_eq!(
        line(&r, "token"),
        "✓ token     environment variable GH_ENTERPRISE_TOKEN: signed in as octodemo"
    );
    assert_eq!(
        line(&r, "scopes"),
        "✓ scopes    repo, read:org, workflow: read and act covered"
    );
    assert!(line(&r, "rate").starts_with("✓ rate      "), "{}", r.stdout);
    assert!(line(&r, "rate").contains("of 5000 requests left"));
    let keyring = line(&r, "keyring");
    assert!(keyring.starts_with("! keyring"), "{keyring}");
    assert!(
        keyring.contains("turned off by COCKPIT_KEYRING"),
        "{keyring}"
    );
    assert!(
        keyring.contains("fix: use GH_ENTERPRISE_TOKEN"),
        "{keyring}"
    );
    assert_eq!(
        line(&r, "terminal"),
        "- terminal  standard output is not a terminal"
    );
    assert!(line(&r, "colour").contains("256 colours"));
    assert!(!r.stdout.contains(DEMO_TOKEN));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn doctor_with_a_revoked_token_fails_and_says_what_to_do() {
    let env = setup().await;
    let token = "ghp_revokedRevokedRevoked0123456789";
    env.hub.add_token(token, "octodemo", &["repo", "workflow"]);
    env.hub.revoke_token(token);
    let r = env.doctor(token, &[]).await;
    assert_eq!(r.code, 1, "{}", r.stdout);
    let t = line(&r, "token");
    assert!(t.starts_with("✗ token     the token from environment variable GH_ENTERPRISE_TOKEN was rejected (Bad credentials)"), "{t}");
    assert!(
        // Without a keyring (off here), `auth login` is no way out.
        t.ends_with("fix: export GH_ENTERPRISE_TOKEN=<a valid token>, or unset it"),
        "{t}"
    );
    assert_eq!(line(&r, "scopes"), "- scopes    the token was rejected");
    assert!(!r.stdout.contains(token) && !r.stderr.contains(token));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn doctor_with_missing_scopes_fails_unless_readonly() {
    let env = setup().await;
    // bob: repo only, no workflow.
    let bob = cockpit::fakehub::demo::BOB_TOKEN;
    let r = env.doctor(bob, &[]).await;
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert_eq!(
        line(&r, "scopes"),
        "✗ scopes    repo: acting (re-run, dispatch, deploy, approve) needs workflow — fix: \
         cockpit auth login --hostname 127.0.0.1 (asks for repo, read:org, workflow), or run \
         with --readonly"
    );
    let r = env.doctor(bob, &["--readonly"]).await;
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert!(line(&r, "scopes").starts_with("✓ scopes    repo: enough to read"));

    // carol: public_repo only — cannot act, and reads public repositories only.
    let carol = cockpit::fakehub::demo::CAROL_TOKEN;
    let r = env.doctor(carol, &[]).await;
    assert_eq!(r.code, 1, "{}", r.stdout);
    let s = line(&r, "scopes");
    assert!(
        s.contains("needs workflow, repo; public_repo reaches public repositories only"),
        "{s}"
    );

    // No scopes at all: reading fails too.
    env.hub
        .add_token("ghp_noscopes0000000000000000", "octodemo", &[]);
    let r = env
        .doctor("ghp_noscopes0000000000000000", &["--readonly"])
        .await;
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert!(line(&r, "scopes").starts_with("✗ scopes    no scopes: reading needs repo"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn doctor_with_an_unreachable_host_fails_and_skips_what_depends_on_it() {
    let env = setup().await;
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        l.local_addr().expect("addr").port()
    };
    let api = format!("http://127.0.0.1:{closed}");
    let r = cockpit(
        &["doctor", "--api-url", &api],
        &[("GH_TOKEN", DEMO_TOKEN)],
        env.clone.path(),
        env.home.path(),
    )
    .await;
    assert_eq!(r.code, 1, "{}", r.stdout);
    let a = line(&r, "api");
    assert!(
        a.starts_with(&format!(
            "✗ api       127.0.0.1 ({api}): cannot reach 127.0.0.1:{closed}: connection refused"
        )),
        "{a}"
    );
    assert!(a.contains("fix: check the network or proxy"), "{a}");
    assert_eq!(line(&r, "token"), "- token     the API is unreachable");
    assert_eq!(line(&r, "rate"), "- rate      the API is unreachable");
}

/// A URL with a user name or password (or a bare token before the `@`) is refused before any
/// request, and neither the terminal nor the log ever shows what stood before the `@`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn credentials_in_the_api_url_are_refused_and_never_echoed() {
    let env = setup().await;
    let at = env.hub.base_url().replace("http://", "");
    let cases = [
        ("s3cr3tPW", format!("http://alice:s3cr3tPW@{at}")),
        ("SECRETtok", format!("http://SECRETtok@{at}")),
        ("s3cr3tPW", format!("ftp://alice:s3cr3tPW@{at}")),
    ];
    let log = env
        .home
        .path()
        .join("state")
        .join("cockpit")
        .join("cockpit.log");
    for (secret, url) in &cases {
        let logged = ["--log-level", "debug"];
        let mut doctor = logged.to_vec();
        doctor.extend(["doctor", "--api-url", url]);
        let r = cockpit(
            &doctor,
            &[("GH_TOKEN", DEMO_TOKEN)],
            env.clone.path(),
            env.home.path(),
        )
        .await;
        assert_eq!(r.code, 1, "{}", r.stdout);
        let a = line(&r, "api");
        assert!(a.starts_with("✗ api       --api-url: "), "{a}");
        assert!(a.contains(" carries a user name or password"), "{a}");
        assert_eq!(line(&r, "token"), "- token     no usable API address");
        for (args, vars) in [
            (
                vec!["--repo", "acme/rocket", "--api-url", url, "metrics"],
                vec![],
            ),
            (
                vec!["--repo", "acme/rocket", "metrics"],
                vec![("GITHUB_API_URL", url.as_str())],
            ),
            (vec!["auth", "status", "--api-url", url], vec![]),
        ] {
            let mut all = logged.to_vec();
            all.extend(args);
            let mut vars = vars;
            vars.push(("GH_TOKEN", DEMO_TOKEN));
            let f = cockpit(&all, &vars, env.clone.path(), env.home.path()).await;
            assert_eq!(f.code, 2, "{all:?}: {}{}", f.stdout, f.stderr);
            assert!(
                f.stderr.contains("carries a user name or password"),
                "{all:?}: {}",
                f.stderr
            );
            assert!(
                !f.stdout.contains(secret) && !f.stderr.contains(secret),
                "{all:?}: {}",
                f.stderr
            );
        }
        assert!(
            !r.stdout.contains(secret) && !r.stderr.contains(secret),
            "{}",
            r.stdout
        );
        let logged = std::fs::read_to_string(&log).expect("log written");
        assert!(!logged.contains(secret), "{logged}");
    }
    let asked = env.hub.requests();
    assert!(asked.is_empty(), "nothing may be sent: {asked:?}");
}

/// `--repo ../..` would ask for `/issues` and `/environments` at the API root; `.`/`..` and
/// other names GitHub does not allow are refused before any request, from the flag and from a
/// git remote alike.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn repository_names_github_does_not_allow_are_refused() {
    let env = setup().await;
    let api = env.hub.base_url();
    for (repo, complaint) in [
        ("../..", "\"..\" is not a GitHub account name"),
        ("acme/..", "\"..\" is not a repository name"),
        (".", "\".\" is not OWNER/NAME"),
    ] {
        let r = cockpit(
            &["--api-url", &api, "--repo", repo, "metrics", "--json"],
            &[("GH_TOKEN", DEMO_TOKEN)],
            env.clone.path(),
            env.home.path(),
        )
        .await;
        assert_ne!(r.code, 0, "{repo}: {}", r.stdout);
        assert!(r.stderr.contains(complaint), "{repo}: {}", r.stderr);
        let d = env.doctor(DEMO_TOKEN, &["--repo", repo]).await;
        let remote = line(&d, "remote");
        assert!(remote.starts_with("✗ remote    --repo: "), "{remote}");
        assert!(remote.contains(complaint), "{remote}");
    }
    assert!(
        !env.hub
            .requests()
            .iter()
            .any(|r| !r.path_and_query.starts_with("/rate_limit")
                && !r.path_and_query.starts_with("/user")),
        "{:?}",
        env.hub.requests()
    );

    let odd = clone_dir();
    git2::Repository::open(odd.path())
        .and_then(|r| r.remote_set_url("origin", "https://github.com/ac%24me/rocket.git"))
        .expect("set url");
    let r = cockpit(
        &["doctor", "--api-url", &api],
        &[("GH_TOKEN", DEMO_TOKEN)],
        odd.path(),
        env.home.path(),
    )
    .await;
    let remote = line(&r, "remote");
    assert!(
        remote.starts_with("✗ remote    origin names no GitHub repository: \"ac%24me\" is not a GitHub account name"),
        "{remote}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn doctor_outside_a_repository_without_a_token() {
    let env = setup().await;
    let empty = tempfile::tempdir().expect("dir");
    let r = cockpit(
        &["doctor", "--api-url", &env.hub.base_url()],
        &[],
        empty.path(),
        env.home.path(),
    )
    .await;
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert!(line(&r, "git").starts_with("✗ git"), "{}", r.stdout);
    assert!(line(&r, "git").contains("fix: run cockpit in a clone"));
    assert_eq!(line(&r, "remote"), "- remote    no repository");
    let t = line(&r, "token");
    assert!(
        t.starts_with("✗ token     no token for 127.0.0.1 in GH_ENTERPRISE_TOKEN, GITHUB_ENTERPRISE_TOKEN, GH_TOKEN, GITHUB_TOKEN, the keyring, or gh"),
        "{t}"
    );
    assert!(
        // The keyring is off here: `auth login` could not keep a token.
        t.ends_with(
            "fix: export GH_ENTERPRISE_TOKEN=<token> (cockpit auth login needs a keyring, and \
             there is none here), or sign in with gh (gh auth login --hostname 127.0.0.1)"
        ),
        "{t}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn config_warnings_are_printed_and_errors_fail_doctor_but_stop_the_dashboard() {
    let env = setup().await;
    let path = env.write_config("[poll]\nbranches_secs = 5\nissue_secs = 3\n");
    let p = path.to_string_lossy().into_owned();
    let r = env.doctor(DEMO_TOKEN, &["--config", &p]).await;
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert!(
        r.stdout
            .contains(&format!("! config    {p}: valid, 1 warning")),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("! config    line 3, key poll.issue_secs: unknown key, ignored (a typo, or a key from a newer cockpit?)"),
        "{}",
        r.stdout
    );

    let path = env.write_config(
        "[keys.global]\nx = \"zoom\"\nX = \"launch\"\n[poll]\nissues_secs = \"soon\"\n",
    );
    let p = path.to_string_lossy().into_owned();
    let r = env.doctor(DEMO_TOKEN, &["--config", &p]).await;
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert!(
        r.stdout.contains(&format!(
        "✗ config    {p}, line 5, key poll.issues_secs: invalid type: string \"soon\", expected u64"
    )),
        "{}",
        r.stdout
    );

    // The dashboard refuses to start: exit 2, the message on stderr, nothing on stdout (the
    // terminal was never touched).
    let r = cockpit(&["--config", &p], &[], env.clone.path(), env.home.path()).await;
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stdout.is_empty(), "{:?}", r.stdout);
    assert_eq!(
        r.stderr,
        format!(
            "cockpit: config file {p}, line 5, key poll.issues_secs: invalid type: string \"soon\", expected u64\n"
        )
    );
    let with_keys = env.write_config("[keys.global]\nx = \"zoom\"\nX = \"launch\"\n");
    let r = cockpit(
        &["--config", &with_keys.to_string_lossy()],
        &[],
        env.clone.path(),
        env.home.path(),
    )
    .await;
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.starts_with(&format!(
            "cockpit: config file {}, line 3, key keys.global.X: unknown action \"launch\"",
            with_keys.display()
        )),
        "{}",
        r.stderr
    );
    // COCKPIT_CONFIG names the file too; a missing named file is an error.
    let r = cockpit(
        &["doctor"],
        &[("COCKPIT_CONFIG", "/nonexistent/cockpit.toml")],
        env.clone.path(),
        env.home.path(),
    )
    .await;
    assert!(
        r.stdout
            .contains("✗ config    cannot read config file /nonexistent/cockpit.toml"),
        "{}",
        r.stdout
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn completions_and_man_page() {
    let env = setup().await;
    let r = cockpit(
        &["completions", "fish"],
        &[],
        env.clone.path(),
        env.home.path(),
    )
    .await;
    assert_eq!(r.code, 0);
    assert!(r.stdout.contains("complete -c cockpit"), "{}", r.stdout);
    assert!(r.stdout.contains("doctor"));
    let r = cockpit(&["man"], &[], env.clone.path(), env.home.path()).await;
    assert_eq!(r.code, 0);
    assert!(
        r.stdout.starts_with(".ie"),
        "{}",
        &r.stdout[..80.min(r.stdout.len())]
    );
    assert!(r.stdout.contains("auth") && r.stdout.contains("\\-\\-log\\-level"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn auth_through_the_binary_without_a_keyring() {
    let env = setup().await;
    let api = env.hub.base_url();
    // status: not signed in → non-zero.
    let r = cockpit(
        &["auth", "status", "--api-url", &api],
        &[],
        env.clone.path(),
        env.home.path(),
    )
    .await;
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert!(r.stdout.contains("✗ not signed in"), "{}", r.stdout);
    // status from the environment → zero.
    let r = cockpit(
        &["auth", "status", "--api-url", &api],
        &[("GH_TOKEN", DEMO_TOKEN)],
        env.clone.path(),
        env.home.path(),
    )
    .await;
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert!(r
        .stdout
        .contains("signed in as octodemo (token from environment variable GH_TOKEN)"));
    // login --with-token with no keyring: refused, the env route offered, nothing written.
    let mut child = Command::new(env!("CARGO_BIN_EXE_cockpit"))
        .args(["auth", "login", "--with-token", "--api-url", &api])
        .env_clear()
        .env("HOME", env.home.path())
        .env("COCKPIT_KEYRING", "off")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    if let Some(mut stdin) = child.stdin.take() {
        use std::io::Write;
        stdin
            .write_all(format!("{DEMO_TOKEN}\n").as_bytes())
            .expect("write");
    }
    let out = tokio::task::spawn_blocking(move || child.wait_with_output())
        .await
        .expect("join")
        .expect("wait");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("no keyring service is available"),
        "{stderr}"
    );
    assert!(
        stderr.contains("export GH_ENTERPRISE_TOKEN=<token>"),
        "{stderr}"
    );
    assert!(!stderr.contains(DEMO_TOKEN));
    // Nothing was written under HOME.
    let written: Vec<_> = walk(env.home.path());
    assert!(written.is_empty(), "{written:?}");
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(walk(&p));
            } else {
                out.push(p);
            }
        }
    }
    out
}

/// A failure says what is wrong and then, once, what to do.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_repository_without_remotes_gets_its_fix_once() {
    let env = setup().await;
    let bare = tempfile::tempdir().expect("tempdir");
    git2::Repository::init(bare.path()).expect("git init");
    let r = cockpit(
        &["doctor", "--api-url", &env.hub.base_url()],
        &[("GH_ENTERPRISE_TOKEN", DEMO_TOKEN)],
        bare.path(),
        env.home.path(),
    )
    .await;
    let remote = line(&r, "remote");
    assert_eq!(
        remote,
        "✗ remote    this repository has no remotes — fix: add one with `git remote add origin URL` \
         or pass --repo OWNER/NAME"
    );
    let outside = tempfile::tempdir().expect("tempdir");
    let r = cockpit(
        &["doctor", "--api-url", &env.hub.base_url()],
        &[],
        outside.path(),
        env.home.path(),
    )
    .await;
    let git = line(&r, "git");
    assert_eq!(git.matches("--repo").count(), 1, "{git}");
}
