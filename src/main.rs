use anyhow::Context as _;
use clap::Parser;
use cockpit::app::runtime::{self, Opener, Options};
use cockpit::auth::commands::{self, AuthContext};
use cockpit::auth::store::{self, CredentialStore};
use cockpit::auth::{self, Sources};
use cockpit::cli::{AuthCommand, Cli, Command, HostArg};
use cockpit::config::{self, ConfigError, Loaded, LogLevel};
use cockpit::demo::Demo;
use cockpit::github::Token;
use cockpit::launch::{self, ApiTarget, LaunchSpec};
use cockpit::ui::Theme;
use cockpit::{doctor, logging};
use std::io::{IsTerminal, Write};
use std::process::ExitCode;
use std::sync::Arc;

fn env(k: &str) -> Option<String> {
    std::env::var(k).ok()
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // Generated from the CLI definition; nothing else needs to run.
    match &cli.command {
        Some(Command::Completions { shell }) => {
            cockpit::cli::completions(*shell, &mut std::io::stdout());
            return ExitCode::SUCCESS;
        }
        Some(Command::Man) => {
            return match cockpit::cli::man_page(&mut std::io::stdout()) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("cockpit: {e}");
                    ExitCode::FAILURE
                }
            };
        }
        _ => {}
    }

    // --demo is global so that `cockpit metrics --demo` works; elsewhere it would be ignored.
    if cli.demo
        && matches!(
            cli.command,
            Some(Command::Doctor | Command::Auth(_) | Command::Fakehub { .. })
        )
    {
        eprintln!("cockpit: --demo works with the dashboard and `metrics` only");
        return ExitCode::from(2);
    }

    let config_path = config::config_path(cli.config.as_deref(), &env);
    let loaded: Result<Loaded, ConfigError> = match &config_path {
        Some((path, explicit)) => cockpit::settings::load(path, *explicit),
        None => Ok(Loaded::default()),
    };
    let is_doctor = matches!(cli.command, Some(Command::Doctor));
    // A broken config stops everything but doctor (which reports it), before the terminal is
    // touched: refusing beats guessing.
    if let (Err(e), false) = (&loaded, is_doctor) {
        eprintln!("cockpit: {e}");
        return ExitCode::from(2);
    }
    let log_config = loaded
        .as_ref()
        .map(|l| l.config.log.clone())
        .unwrap_or_default();
    let level = cli.log_level.unwrap_or(log_config.level);
    let log_file = if level == LogLevel::Off {
        None
    } else {
        match logging::log_path(&log_config.file) {
            Some(p) => Some(p),
            None => {
                eprintln!("cockpit: no directory for the log file: set [log] file in the config");
                return ExitCode::from(2);
            }
        }
    };
    if let Some(path) = &log_file {
        if let Err(e) = logging::init(level, path) {
            eprintln!("cockpit: {e}");
            return ExitCode::from(2);
        }
    }

    let rt = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("cockpit: starting the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let config_path = config_path.map(|(p, _)| p);
    let code = rt.block_on(async_main(cli, loaded, config_path, log_file));
    match code {
        Ok(code) => code,
        Err(e) => {
            tracing::error!("{e:#}");
            eprintln!("cockpit: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn async_main(
    cli: Cli,
    loaded: Result<Loaded, ConfigError>,
    config_path: Option<std::path::PathBuf>,
    log_file: Option<std::path::PathBuf>,
) -> anyhow::Result<ExitCode> {
    let keyring = store::system_store(&env);
    // An unusable API address stops everything but doctor (which reports it) before a request
    // is made, and the message never repeats a password or token written into the URL.
    if !matches!(
        cli.command,
        Some(Command::Doctor) | Some(Command::Fakehub { .. })
    ) {
        let hosts = loaded.as_ref().map_or(&[][..], |l| &l.config.hosts[..]);
        if let Err(e) = ApiTarget::explicit(cli.api_url.as_deref(), &env, hosts) {
            tracing::error!(target: "cockpit", "{e}");
            eprintln!("cockpit: {e}");
            return Ok(ExitCode::from(2));
        }
    }
    match cli.command {
        Some(Command::Fakehub { port }) => {
            let addr = std::net::SocketAddr::from(([127, 0, 0, 1], port));
            cockpit::fakehub::serve_forever(addr, cockpit::fakehub::Scenario::demo()).await?;
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Doctor) => {
            let cwd = std::env::current_dir().context("reading the current directory")?;
            let terminal = std::io::stdout()
                .is_terminal()
                .then(ratatui::crossterm::terminal::size)
                .and_then(Result::ok)
                .map(|(width, height)| doctor::TerminalInfo { width, height });
            let inputs = doctor::Inputs {
                config: loaded.as_ref(),
                config_path,
                api_url: cli.api_url.as_deref(),
                repo_flag: cli.repo.as_deref(),
                readonly: cli.readonly,
                cwd: &cwd,
                env: &env,
                keyring: keyring.as_ref(),
                gh: &auth::gh_auth_token,
                terminal,
                log_file,
            };
            // The keyring speaks D-Bus synchronously: keep it off the async workers' backs.
            let checks = tokio::task::block_in_place(|| {
                tokio::runtime::Handle::current().block_on(doctor::run(&inputs))
            });
            let mut out = std::io::stdout().lock();
            for c in &checks {
                tracing::info!(target: "cockpit::doctor", "{c}");
                let _ = writeln!(out, "{c}");
            }
            Ok(ExitCode::from(doctor::exit_code(&checks) as u8))
        }
        Some(Command::Auth(cmd)) => {
            let loaded = loaded.unwrap_or_default();
            auth_command(cmd, &cli.api_url, &loaded, keyring.as_ref()).await
        }
        Some(Command::Completions { .. }) | Some(Command::Man) => Ok(ExitCode::SUCCESS),
        Some(Command::Metrics { .. }) | None => {
            let loaded = loaded.unwrap_or_default();
            dashboard(cli, loaded, keyring.as_ref()).await
        }
    }
}

/// The host an auth command works on: `--api-url` (tests, odd setups), else `--hostname`, else
/// GH_HOST / GITHUB_API_URL, else github.com.
fn auth_target(
    api_url: &Option<String>,
    host: &HostArg,
    loaded: &Loaded,
) -> Result<ApiTarget, launch::TargetError> {
    let hosts = &loaded.config.hosts;
    if let Some(url) = api_url {
        return ApiTarget::parse_api_url(url, "--api-url");
    }
    match &host.hostname {
        Some(h) => ApiTarget::host_named(h, "--hostname", hosts),
        None => Ok(ApiTarget::explicit(None, &env, hosts)?.unwrap_or_else(ApiTarget::dotcom)),
    }
}

async fn auth_command(
    cmd: AuthCommand,
    api_url: &Option<String>,
    loaded: &Loaded,
    keyring: &dyn CredentialStore,
) -> anyhow::Result<ExitCode> {
    let ctx = AuthContext {
        env: &env,
        store: keyring,
        gh: &auth::gh_auth_token,
    };
    let (AuthCommand::Login { host, .. }
    | AuthCommand::Logout { host }
    | AuthCommand::Status { host }) = &cmd;
    let target = match auth_target(api_url, host, loaded) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("cockpit: {e}");
            return Ok(ExitCode::from(2));
        }
    };
    let result = tokio::task::block_in_place(|| {
        tokio::runtime::Handle::current().block_on(async {
            match cmd {
                AuthCommand::Login { with_token, .. } => {
                    // Messages go to stderr, like gh: stdout stays clean for scripts.
                    let mut err = std::io::stderr();
                    if with_token {
                        commands::login_with_token(&ctx, &target, &mut std::io::stdin(), &mut err)
                            .await
                    } else {
                        let client_id = loaded.config.client_id(&auth::key_host(&target.host));
                        commands::login_device(
                            &ctx,
                            &target,
                            client_id,
                            &mut err,
                            tokio::time::sleep,
                        )
                        .await
                    }
                    .map(|()| true)
                }
                AuthCommand::Logout { .. } => {
                    commands::logout(&ctx, &target, &mut std::io::stdout()).map(|()| true)
                }
                AuthCommand::Status { host } => {
                    let mut targets = vec![target];
                    // Without a host named, every configured host too, as gh does.
                    if api_url.is_none() && host.hostname.is_none() {
                        for h in &loaded.config.hosts {
                            // The config was checked when it was read.
                            let Ok(t) = ApiTarget::for_host(&h.host, &loaded.config.hosts) else {
                                continue;
                            };
                            if !targets.iter().any(|x| x.host == t.host) {
                                targets.push(t);
                            }
                        }
                    }
                    Ok(commands::status(&ctx, &targets, &mut std::io::stdout()).await)
                }
            }
        })
    });
    match result {
        Ok(true) => Ok(ExitCode::SUCCESS),
        Ok(false) => Ok(ExitCode::FAILURE),
        Err(e) => {
            tracing::warn!(target: "cockpit::auth", "{e}");
            eprintln!("cockpit: {e}");
            Ok(ExitCode::FAILURE)
        }
    }
}

async fn dashboard(
    cli: Cli,
    loaded: Loaded,
    keyring: &dyn CredentialStore,
) -> anyhow::Result<ExitCode> {
    let config = &loaded.config;
    let no_color = env("NO_COLOR").is_some_and(|v| !v.is_empty());
    let theme = Theme::from_config(&config.ui, no_color)
        .with_depth(cockpit::ui::contrast::Depth::detect(&env));
    let (demo, target, repo, token) = if cli.demo {
        let demo = Demo::start().await.context("starting the demo")?;
        let target = ApiTarget::from_api_url(&demo.hub.base_url());
        let repo = launch::RepoChoice {
            slug: cockpit::github::Slug::parse(Demo::repo_name()),
            problem: None,
            workdir: Some(demo.repo.workdir.clone()),
            head_branch: cockpit::git::discover(&demo.repo.workdir)
                .ok()
                .and_then(|i| i.head_branch),
        };
        let token = Token::new(Demo::token()).map(|t| (t, None));
        (Some(demo), target, repo, token)
    } else {
        let cwd = std::env::current_dir().context("reading the current directory")?;
        let mut extra_hosts: Vec<String> = config.hosts.iter().map(|h| h.host.clone()).collect();
        if let Some(t) = ApiTarget::explicit(cli.api_url.as_deref(), &env, &config.hosts)? {
            extra_hosts.push(t.host);
        }
        let remote_host = launch::remote_host(&cwd, &extra_hosts);
        let target = ApiTarget::choose(
            cli.api_url.as_deref(),
            &env,
            &config.hosts,
            remote_host.as_deref(),
        )?;
        let repo = launch::resolve_repo(&cwd, cli.repo.as_deref(), &extra_hosts);
        let lookup = tokio::task::block_in_place(|| {
            auth::find_token(
                &target.host,
                &Sources {
                    env: &env,
                    keyring: Some(keyring),
                    gh: &auth::gh_auth_token,
                },
            )
        });
        if let Some(e) = &lookup.keyring_error {
            tracing::info!(target: "cockpit::auth", "keyring not consulted: {e}");
        }
        let token = lookup.found.map(|(t, s)| (t, Some(s)));
        (None, target, repo, token)
    };
    tracing::info!(
        target: "cockpit",
        "dashboard for {:?} on {} (token: {})",
        repo.slug.as_ref().map(|s| s.full_name()),
        target.rest_base,
        match &token {
            Some((_, Some(src))) => src.to_string(),
            Some((_, None)) => "demo".into(),
            None => "none".into(),
        }
    );

    if let Some(Command::Metrics {
        json,
        window_days,
        environment,
    }) = &cli.command
    {
        let slug = repo.slug.clone().ok_or_else(|| {
            anyhow::anyhow!(repo
                .problem
                .clone()
                .unwrap_or_else(|| "no GitHub repository".into()))
        })?;
        let gh = cockpit::github::GitHub::new(&target.rest_base, token.map(|(t, _)| t))?;
        let metrics =
            cockpit::metrics::report::collect(&gh, &slug, environment.as_deref(), *window_days)
                .await?;
        let text = if *json {
            cockpit::metrics::json::to_string_pretty(&metrics)? + "\n"
        } else {
            cockpit::metrics::report::table(&metrics)
        };
        // A closed pipe (`| head`) is the reader's choice, not an error worth a panic.
        use std::io::Write as _;
        let _ = std::io::stdout().write_all(text.as_bytes());
        drop(demo);
        return Ok(ExitCode::SUCCESS);
    }

    let shutdown = shutdown_signal();
    let suspend = suspend_requests();
    let mut guard = cockpit::terminal::enter().context("setting up the terminal")?;
    // For the end-to-end test that a panic restores the terminal before its message prints.
    if env("COCKPIT_TEST_PANIC").is_some_and(|v| v == "after-terminal-setup") {
        panic!("test panic requested by COCKPIT_TEST_PANIC");
    }
    let terminal = &mut guard.terminal;
    let size = terminal
        .size()
        .map(|s| (s.width, s.height))
        .unwrap_or((80, 24));
    // The demo watches its second repository (the user's own list names repositories fakehub
    // does not have).
    let watch_list = match &demo {
        Some(_) => vec![cockpit::config::WatchEntry {
            repo: cockpit::fakehub::demo::SECOND_REPO.to_string(),
            path: None,
        }],
        None => config.repos.watch.clone(),
    };
    let mut launched = launch::build(LaunchSpec {
        target,
        repo,
        token,
        readonly: cli.readonly,
        demo: demo.is_some(),
        intervals: cockpit::app::settings::intervals(&config.poll),
        size,
        deploy_targets: cockpit::app::settings::deploy_targets(&config.deploy),
        drafts_dir: demo.as_ref().map(|d| d.repo.dir.path().join("drafts")),
        stale_days: config.branches.stale_days,
        watch: watch_list,
    })?;
    let mut warnings = loaded.warning_lines();
    warnings.append(&mut launched.state.ctx.startup_warnings);
    launched.state.ctx.startup_warnings = warnings;
    launched.state.env_order = config.deploy.order.clone();
    launched.state.issue_tabs = cockpit::app::sections::Tabs::new(config.issues.sections.clone());
    launched.state.pull_tabs = cockpit::app::sections::Tabs::new(config.pulls.sections.clone());
    launched.state.metrics_window_days = config.deploy.metrics_window_days;
    launched.state.color = Some(theme.color);
    let opts = Options {
        bell: config.notify.bell,
        desktop_notifications: config.notify.desktop,
        notify_on: config.notify.on.clone(),
        keymap: cockpit::settings::keymap(&loaded),
        draw: cockpit::ui::drawing(theme),
        opener: Opener::System,
        frames: None,
        clock: config.clock(),
        suspend,
        hand_over: Some(cockpit::terminal::run_interactive),
    };
    let input = cockpit::terminal::spawn_input_reader().context("reading terminal input")?;
    let result = runtime::run(
        terminal,
        input,
        Arc::new(launched.services),
        launched.state,
        opts,
        shutdown,
    )
    .await;
    drop(guard);
    drop(demo);
    result
        .map(|_| ExitCode::SUCCESS)
        .context("running the dashboard")
}

/// Ctrl-Z suspends through the loop; a SIGTSTP from outside (`kill -TSTP`) takes the same path,
/// so the shell never gets a terminal left in raw mode on the alternate screen.
fn suspend_requests() -> Option<runtime::Suspend> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
        match signal(SignalKind::from_raw(libc::SIGTSTP)) {
            Ok(mut tstp) => {
                tokio::spawn(async move {
                    while tstp.recv().await.is_some() {
                        if tx.send(()).is_err() {
                            return;
                        }
                    }
                });
            }
            Err(e) => tracing::warn!(target: "cockpit", "SIGTSTP not handled: {e}"),
        }
        Some(runtime::Suspend {
            signals: rx,
            stop: cockpit::terminal::suspend,
        })
    }
    #[cfg(not(unix))]
    {
        None
    }
}

/// SIGTERM, SIGHUP and SIGINT end the loop like `q`, so the terminal is restored. The handlers
/// are installed here, before the terminal is taken: a signal during the first draw must not
/// take the default action and leave the terminal in raw mode.
fn shutdown_signal() -> impl std::future::Future<Output = ()> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let mut streams = Vec::new();
        for kind in [
            SignalKind::terminate(),
            SignalKind::hangup(),
            SignalKind::interrupt(),
        ] {
            match signal(kind) {
                Ok(s) => streams.push(s),
                Err(e) => tracing::warn!(target: "cockpit", "signal {kind:?} not handled: {e}"),
            }
        }
        async move {
            if streams.is_empty() {
                return std::future::pending().await;
            }
            let waits = streams.iter_mut().map(|s| Box::pin(s.recv()));
            let _ = futures_util::future::select_all(waits).await;
        }
    }
    #[cfg(not(unix))]
    {
        async {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}
