//! The command line, defined once: the binary parses it, and `cockpit completions` and
//! `cockpit man` are generated from the same definition so they never drift from it.

use crate::config::LogLevel;
use clap::{Args, CommandFactory, Parser, Subcommand};
use std::path::PathBuf;

/// A terminal cockpit for your delivery loop: issues, branches, pull requests, CI and deploys.
#[derive(Parser, Debug)]
#[command(name = "cockpit", version, about)]
pub struct Cli {
    /// Run against a built-in GitHub simulation and a throwaway repository (no token, no network);
    /// works with `metrics` too (`cockpit metrics --demo`).
    #[arg(long, global = true)]
    pub demo: bool,
    /// The GitHub repository to show (default: from the current directory's git remotes).
    #[arg(long, value_name = "OWNER/NAME", global = true)]
    pub repo: Option<String>,
    /// REST API base, for GitHub Enterprise (https://HOST/api/v3) or any compatible server.
    #[arg(long, value_name = "URL", global = true)]
    pub api_url: Option<String>,
    /// Disable every action that changes something on GitHub or in git.
    #[arg(long, global = true)]
    pub readonly: bool,
    /// Configuration file (default: COCKPIT_CONFIG, else the platform config directory).
    #[arg(long, value_name = "FILE", global = true)]
    pub config: Option<PathBuf>,
    /// Write a log at this level to cockpit.log in the platform state directory (or [log]
    /// file); off by default. Tokens are redacted from every line.
    #[arg(long, value_name = "LEVEL", global = true)]
    pub log_level: Option<LogLevel>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Sign in to GitHub, check the sign-in, or sign out.
    #[command(subcommand)]
    Auth(AuthCommand),
    /// Check everything cockpit depends on, one line per check, with a fix for each failure.
    Doctor,
    /// Print a shell completion script (e.g. `cockpit completions bash > ~/.local/share/bash-completion/completions/cockpit`).
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff): `cockpit man > cockpit.1`.
    Man,
    /// Delivery (DORA) metrics per environment: deployment frequency, lead time for changes,
    /// change failure rate, time to restore. The README says how each is computed.
    /// `cockpit metrics --demo` shows them for the built-in simulation.
    Metrics {
        /// Machine-readable output.
        #[arg(long)]
        json: bool,
        /// Days to look back.
        #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(i64).range(1..=365))]
        window_days: i64,
        /// Only this environment (an unknown name is an error that lists the known ones).
        #[arg(long, value_name = "NAME")]
        environment: Option<String>,
    },
    /// Serve the GitHub simulation on 127.0.0.1 (used by end-to-end tests).
    #[command(hide = true)]
    Fakehub {
        #[arg(long, default_value_t = 0)]
        port: u16,
    },
}

#[derive(Subcommand, Debug)]
pub enum AuthCommand {
    /// Sign in with the OAuth device flow, or with a token from standard input; the token goes
    /// into the system keyring.
    Login {
        #[command(flatten)]
        host: HostArg,
        /// Read a token from standard input instead of running the device flow.
        #[arg(long)]
        with_token: bool,
    },
    /// Show where the token comes from, whose it is, and whether its scopes cover what cockpit
    /// does; exits non-zero when not signed in.
    Status {
        #[command(flatten)]
        host: HostArg,
    },
    /// Remove cockpit's keyring entry for the host.
    Logout {
        #[command(flatten)]
        host: HostArg,
    },
}

#[derive(Args, Debug, Default)]
pub struct HostArg {
    /// The GitHub host (github.com, or an Enterprise host); default: GH_HOST, else github.com.
    #[arg(long, value_name = "HOST")]
    pub hostname: Option<String>,
}

/// The completion script for `shell`.
pub fn completions(shell: clap_complete::Shell, out: &mut dyn std::io::Write) {
    let mut cmd = Cli::command();
    clap_complete::generate(shell, &mut cmd, "cockpit", out);
}

/// The man page in roff.
pub fn man_page(out: &mut dyn std::io::Write) -> std::io::Result<()> {
    clap_mangen::Man::new(Cli::command()).render(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn global_flags_work_after_subcommands() {
        let cli = Cli::try_parse_from([
            "cockpit",
            "auth",
            "status",
            "--api-url",
            "http://127.0.0.1:1",
            "--log-level",
            "debug",
        ])
        .expect("parses");
        assert_eq!(cli.api_url.as_deref(), Some("http://127.0.0.1:1"));
        assert_eq!(cli.log_level, Some(LogLevel::Debug));
        assert!(matches!(
            cli.command,
            Some(Command::Auth(AuthCommand::Status { .. }))
        ));
    }

    #[test]
    fn demo_works_before_and_after_a_subcommand() {
        for args in [
            ["cockpit", "--demo", "metrics"],
            ["cockpit", "metrics", "--demo"],
        ] {
            let cli = Cli::try_parse_from(args).expect("parses");
            assert!(cli.demo, "{args:?}");
            assert!(matches!(cli.command, Some(Command::Metrics { .. })));
        }
    }

    #[test]
    fn completions_and_man_page_name_the_commands() {
        let mut bash = Vec::new();
        completions(clap_complete::Shell::Bash, &mut bash);
        let bash = String::from_utf8_lossy(&bash);
        assert!(
            bash.contains("doctor") && bash.contains("--log-level"),
            "{bash}"
        );
        let mut man = Vec::new();
        man_page(&mut man).expect("renders");
        let man = String::from_utf8_lossy(&man);
        assert!(
            man.contains(".TH cockpit") && man.contains("doctor"),
            "{man}"
        );
    }
}
