//! The `rotor` binary: thin glue between clap, the config file, the data loader, the engine and
//! the report. `main` maps every outcome to an exit code: 0 success, 2 bad input (one
//! `error: ...` line naming the file), 1 internal error. Never a panic on bad input.

// The doc comments of the clap argument types are the --help texts (e.g. `[,Volume]`,
// `[sweep]`), not rustdoc links.
#![allow(rustdoc::broken_intra_doc_links)]

mod args;
mod config;
mod data_cmd;
mod error;
mod error_hint;
mod event_plan;
mod event_pnl_report;
mod events_cmd;
mod events_output;
mod oom;
mod out_dir;
mod outputs;
mod overrides;
mod run_cmd;
mod stats_cmd;
mod stdout;
mod summary;
mod sweep_cmd;
mod sweep_merge_cmd;
mod sweep_output;
mod threads;
mod walkforward_cmd;

use std::process::ExitCode;

use clap::Parser;

use crate::args::{Cli, Command, SweepSubcommand};
use crate::error::BadInput;

#[global_allocator]
static ALLOCATOR: oom::ExitOnOom = oom::ExitOnOom;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Run(args) => run_cmd::run(&args),
        Command::Data(args) => data_cmd::run(&args),
        Command::Sweep(cmd) => match cmd.merge {
            Some(SweepSubcommand::Merge(args)) => sweep_merge_cmd::run(&args),
            None => sweep_cmd::run(&cmd.sweep),
        },
        Command::Walkforward(args) => walkforward_cmd::run(&args),
        Command::Stats(args) => stats_cmd::run(&args),
        Command::Events(args) => events_cmd::run(&args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            if err.downcast_ref::<sweep_cmd::Interrupted>().is_some() {
                return ExitCode::from(130);
            }
            let code = if err.downcast_ref::<BadInput>().is_some() {
                2
            } else {
                1
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
