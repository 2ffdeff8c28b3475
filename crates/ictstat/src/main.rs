//! `ictstat`: ICT-for-development indicators, from files to API, in one program.
//!
//! Exit codes: 0 success; 1 failure (I/O, database); 2 bad command line; 3 the input has
//! validation errors and nothing was written.

mod accounts;
mod cli;
mod compute;
mod export;
mod import;
mod list;
mod release;
mod serve;
mod survey;
mod survey_import;

use std::process::ExitCode;

use clap::Parser;

use cli::{Cli, Command};

/// Exit code when an input has validation errors (nothing was written).
pub const EXIT_INVALID: u8 = 3;
/// Exit code of a bad command line (clap uses it too).
const EXIT_USAGE: u8 = 2;

/// A command line that parses but names something that does not exist (a format, an
/// indicator, a framework…): exit code 2, like clap's own usage errors.
#[derive(Debug)]
pub struct UsageError(pub String);

impl std::fmt::Display for UsageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UsageError {}

/// `Err(UsageError)` with a formatted message.
#[macro_export]
macro_rules! usage {
    ($($arg:tt)*) => {
        return Err($crate::UsageError(format!($($arg)*)).into())
    };
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("ICTSTAT_LOG")
                .unwrap_or_else(|_| "info".into()),
        )
        .init();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async {
        match cli.command {
            Command::Serve(args) => serve::run(&cli.database_url, args).await,
            Command::Init => serve::init_only(&cli.database_url).await,
            Command::Import(args) => import::run(&cli.database_url, args).await,
            Command::Validate(args) => import::validate(args).await,
            Command::Export(args) => export::run(&cli.database_url, args).await,
            Command::Compute(cli::ComputeCommand::Aggregates(args)) => {
                compute::aggregates(&cli.database_url, args).await
            }
            Command::Compute(cli::ComputeCommand::Progress(args)) => {
                compute::progress(&cli.database_url, args).await
            }
            Command::Compute(cli::ComputeCommand::Index(args)) => {
                compute::index(&cli.database_url, args).await
            }
            Command::Check(args) => compute::check(&cli.database_url, args).await,
            Command::Indicators(args) => list::indicators(args),
            Command::Areas(args) => list::areas(args),
            Command::TokenHash => list::token_hash(),
            Command::Org(command) => accounts::org(&cli.database_url, command).await,
            Command::User(command) => accounts::user(&cli.database_url, command).await,
            Command::Token(command) => accounts::token(&cli.database_url, command).await,
            Command::Release(command) => release::run(&cli.database_url, command).await,
            Command::Survey(cli::SurveyCommand::Tabulate(args)) => {
                survey::tabulate(&cli.database_url, args).await
            }
            Command::Survey(cli::SurveyCommand::Demo(args)) => survey::demo(args),
        }
    });
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("error: {e:#}");
            if e.downcast_ref::<UsageError>().is_some() {
                ExitCode::from(EXIT_USAGE)
            } else {
                ExitCode::FAILURE
            }
        }
    }
}
