//! rotor's command line as a library: [`main_with`] runs every `rotor` command (run, sweep,
//! walkforward, events, stats, data, completions) with the strategy kinds of a
//! [`Registry`], so a user's binary that registers its own kinds gets the whole CLI. The
//! `rotor` binary is `main_with(Registry::builtin())`.
//!
//! This crate is clap parsing, progress display, printing and exit codes: 0 success, 2 bad
//! input (one `error: ...` line naming the file), 130 an interrupted sweep, 1 anything else.
//! The commands themselves are in rotor-app.

// The doc comments of the clap argument types are the --help texts (e.g. `[,Volume]`,
// `[sweep]`), not rustdoc links.
#![allow(rustdoc::broken_intra_doc_links)]

pub mod args;
mod commands;
mod data_cmd;
pub mod oom;
mod progress;
mod signals;
mod stdout;
mod threads;

use std::ffi::OsString;
use std::process::ExitCode;

use clap::Parser;
pub use rotor_strategies::Registry;

use crate::args::Cli;

/// The version `--version` prints: the package's, and the commit it was built from when the
/// build saw a git checkout.
pub const VERSION: &str = env!("ROTOR_VERSION");

/// Runs the command of the process's arguments with `registry`'s strategy kinds and returns
/// its exit code (see the crate docs).
pub fn main_with(registry: Registry) -> ExitCode {
    run_with(&registry, std::env::args_os())
}

/// Runs the command given by `args` (program name first) with `registry`'s strategy kinds;
/// `--help`, `--version` and argument errors print and return clap's exit code.
pub fn run_with<I, T>(registry: &Registry, args: I) -> ExitCode
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(2));
        }
    };
    match commands::dispatch(cli.command, registry) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            let code = match err.downcast_ref::<rotor_app::AppError>() {
                Some(rotor_app::AppError::Interrupted) => return ExitCode::from(130),
                Some(rotor_app::AppError::BadInput(_)) => 2,
                _ => 1,
            };
            eprintln!("error: {}", one_line(&format!("{err:#}")));
            ExitCode::from(code)
        }
    }
}

/// Errors are one line: later lines of a multi-line message are folded in.
fn one_line(message: &str) -> String {
    message
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}
