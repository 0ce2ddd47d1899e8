use anyhow::Context as _;
use clap::{Parser, Subcommand};
use cockpit::app::keymap::Keymap;
use cockpit::app::runtime::{self, Opener, Options};
use cockpit::demo::Demo;
use cockpit::github::Token;
use cockpit::launch::{self, ApiTarget, LaunchSpec};
use cockpit::ui::Theme;
use cockpit::{auth, config};
use std::sync::Arc;

/// A terminal cockpit for your delivery loop: issues, branches, pull requests, CI and deploys.
#[derive(Parser, Debug)]
#[command(name = "cockpit", version, about)]
struct Cli {
    /// Run against a built-in GitHub simulation and a throwaway repository (no token, no network).
    #[arg(long)]
    demo: bool,
    /// The GitHub repository to show (default: from the current directory's git remotes).
    #[arg(long, value_name = "OWNER/NAME")]
    repo: Option<String>,
    /// REST API base, for GitHub Enterprise (https://HOST/api/v3) or any compatible server.
    #[arg(long, value_name = "URL")]
    api_url: Option<String>,
    /// Disable every action that changes something on GitHub or in git.
    #[arg(long)]
    readonly: bool,
    /// Configuration file (default: COCKPIT_CONFIG, else the platform config directory).
    #[arg(long, value_name = "FILE")]
    config: Option<std::path::PathBuf>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Serve the GitHub simulation on 127.0.0.1 (used by end-to-end tests).
    #[command(hide = true)]
    Fakehub {
        #[arg(long, default_value_t = 0)]
        port: u16,
    },
    /// Delivery (DORA) metrics per environment: deployment frequency, lead time for changes,
    /// change failure rate, time to restore. See the README for how each is computed.
    Metrics {
        /// Machine-readable output.
        #[arg(long)]
        json: bool,
        /// Days to look back.
        #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(i64).range(1..=365))]
        window_days: i64,
        /// Only this environment.
        #[arg(long)]
        environment: Option<String>,
    },
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    rt.block_on(async_main(cli))
}

async fn async_main(cli: Cli) -> anyhow::Result<()> {
    if let Some(Command::Fakehub { port }) = cli.command {
        let addr = std::net::SocketAddr::from(([127, 0, 0, 1], port));
        cockpit::fakehub::serve_forever(addr, cockpit::fakehub::Scenario::demo()).await?;
        return Ok(());
    }
    let env = |k: &str| std::env::var(k).ok();
    let config = match config::config_path(cli.config.as_deref(), &env) {
        Some((path, explicit)) => match config::load(&path, explicit) {
            Ok(c) => c,
            Err(e) => {
                eprintln!("cockpit: {e}");
                std::process::exit(2);
            }
        },
        None => config::Config::default(),
    };
    let theme = match config.ui.theme {
        config::ThemeChoice::Auto => Theme::from_env(),
        config::ThemeChoice::Color => Theme { color: true },
        config::ThemeChoice::Mono => Theme::mono(),
    };
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
        let target = ApiTarget::resolve(cli.api_url.as_deref(), &env);
        let cwd = std::env::current_dir().context("reading the current directory")?;
        let extra_hosts = if auth::is_dotcom(&target.host) {
            Vec::new()
        } else {
            vec![target.host.clone()]
        };
        let repo = launch::resolve_repo(&cwd, cli.repo.as_deref(), &extra_hosts);
        let token = auth::find_token(&target.host, &env, true).map(|(t, s)| (t, Some(s)));
        (None, target, repo, token)
    };

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
            serde_json::to_string_pretty(&metrics)? + "\n"
        } else {
            cockpit::metrics::report::table(&metrics)
        };
        // A closed pipe (`| head`) is the reader's choice, not an error worth a panic.
        use std::io::Write as _;
        let _ = std::io::stdout().write_all(text.as_bytes());
        drop(demo);
        return Ok(());
    }

    let mut guard = cockpit::terminal::enter().context("setting up the terminal")?;
    let terminal = &mut guard.terminal;
    let size = terminal
        .size()
        .map(|s| (s.width, s.height))
        .unwrap_or((80, 24));
    let launched = launch::build(LaunchSpec {
        target,
        repo,
        token,
        readonly: cli.readonly,
        demo: demo.is_some(),
        intervals: config.intervals(),
        size,
        deploy_targets: Default::default(),
        drafts_dir: demo.as_ref().map(|d| d.repo.dir.path().join("drafts")),
        stale_days: 30,
    })?;
    let opts = Options {
        bell: true,
        desktop_notifications: false,
        keymap: Keymap::default(),
        theme,
        opener: Opener::System,
        frames: None,
    };
    let input = ratatui::crossterm::event::EventStream::new();
    let result = runtime::run(
        terminal,
        input,
        Arc::new(launched.services),
        launched.state,
        opts,
        shutdown_signal(),
    )
    .await;
    drop(guard);
    drop(demo);
    result.map(|_| ()).context("running the dashboard")
}

/// SIGTERM, SIGHUP and SIGINT end the loop like `q`, so the terminal is restored.
async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let mut streams = Vec::new();
        for kind in [
            SignalKind::terminate(),
            SignalKind::hangup(),
            SignalKind::interrupt(),
        ] {
            if let Ok(s) = signal(kind) {
                streams.push(s);
            }
        }
        let waits = streams.iter_mut().map(|s| Box::pin(s.recv()));
        let _ = futures_util::future::select_all(waits).await;
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
