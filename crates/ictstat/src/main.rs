//! `ictstat`: ICT-for-development indicators, from files to API, in one program.
//!
//! Exit codes: 0 success; 1 failure (I/O, database); 2 bad command line; 3 the input has
//! validation errors and nothing was written.

mod cli;
mod export;
mod import;
mod list;
mod serve;

use std::process::ExitCode;

use clap::Parser;

use cli::{Cli, Command};

/// Exit code when an input has validation errors (nothing was written).
pub const EXIT_INVALID: u8 = 3;

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
            Command::Indicators(args) => list::indicators(args),
            Command::Areas(args) => list::areas(args),
            Command::TokenHash => list::token_hash(),
        }
    });
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
