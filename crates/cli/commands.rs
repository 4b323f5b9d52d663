//! Each command: its arguments turned into rotor-app's options, its notes and progress shown on
//! stderr, its result printed on stdout.

use std::path::{Path, PathBuf};

use clap::CommandFactory;
use rotor_app::{events, merge, run, stats, sweep, walkforward, Registry};

use crate::args::{
    Cli, Command, EventsArgs, Format, GridArgs, MergeArgs, RunArgs, StatsArgs, SweepArgs,
    SweepSubcommand, WalkforwardArgs,
};
use crate::progress::Stderr;
use crate::threads;

/// Runs one parsed command.
pub fn dispatch(command: Command, registry: &Registry) -> anyhow::Result<()> {
    match command {
        Command::Run(args) => run_cmd(&args, registry),
        Command::Data(args) => crate::data_cmd::run(&args),
        Command::Sweep(cmd) => match cmd.merge {
            Some(SweepSubcommand::Merge(args)) => merge_cmd(&args, registry),
            None => sweep_cmd(&cmd.sweep, registry),
        },
        Command::Walkforward(args) => walkforward_cmd(&args, registry),
        Command::Stats(args) => stats_cmd(&args),
        Command::Events(args) => events_cmd(&args, registry),
        Command::Completions { shell } => {
            let mut cmd = Cli::command();
            let mut out = Vec::new();
            clap_complete::generate(shell, &mut cmd, "rotor", &mut out);
            crate::stdout::print(&String::from_utf8_lossy(&out))
        }
    }
}

fn format(f: Format) -> run::Format {
    match f {
        Format::Text => run::Format::Text,
        Format::Json => run::Format::Json,
        Format::Markdown => run::Format::Markdown,
    }
}

/// The options of a command on one config file (`rotor run`, `rotor events`).
fn config_command(
    config: &Path,
    set: &[String],
    out: &Option<PathBuf>,
    force: bool,
    f: Format,
    ascii: bool,
) -> run::ConfigCommand {
    run::ConfigCommand {
        config: config.to_path_buf(),
        set: set.to_vec(),
        out: out.clone(),
        force,
        format: format(f),
        ascii,
    }
}

fn run_cmd(args: &RunArgs, registry: &Registry) -> anyhow::Result<()> {
    let (a, f) = (args.ascii, args.format);
    let opts = config_command(&args.config, &args.set, &args.out, args.force, f, a);
    let shown = run::run(&opts, registry, &Stderr::new(args.quiet))?;
    crate::stdout::print_line(&shown)
}

fn events_cmd(args: &EventsArgs, registry: &Registry) -> anyhow::Result<()> {
    let (a, f) = (args.ascii, args.format);
    let opts = config_command(&args.config, &args.set, &args.out, args.force, f, a);
    let shown = events::run(&opts, registry, &Stderr::new(args.quiet))?;
    crate::stdout::print_line(&shown)
}

fn stats_cmd(args: &StatsArgs) -> anyhow::Result<()> {
    let opts = stats::StatsOptions {
        file: args.file.clone(),
        returns: args.returns,
        benchmark: args.benchmark.clone(),
        benchmark_returns: args.benchmark_returns,
        periods: args.periods,
        risk_free: args.risk_free,
        format: format(args.format),
        ascii: args.ascii,
    };
    let shown = stats::run(&opts, &Stderr::new(false))?;
    crate::stdout::print_line(&shown)
}

fn grid(g: &GridArgs, config: &Path) -> sweep::GridOptions {
    sweep::GridOptions {
        config: config.to_path_buf(),
        set: g.set.clone(),
        grid: g.grid.clone(),
        random: g.random,
        seed: g.seed,
    }
}

fn sweep_cmd(args: &SweepArgs, registry: &Registry) -> anyhow::Result<()> {
    let threads = threads::cap(args.threads, args.quiet);
    let config = args
        .config
        .as_deref()
        .ok_or_else(|| rotor_app::bad("rotor sweep: give a strategy config (TOML)"))?;
    let opts = sweep::SweepOptions {
        grid: grid(&args.grid, config),
        threads,
        rank_by: args.rank_by.clone(),
        top: args.top,
        out: args.out.clone(),
        resume: args.resume,
        keep_curves: args.keep_curves,
        pbo_sets: args.pbo_sets,
        pbo_blocks: args.pbo_blocks,
        shard: args.shard.clone(),
        force: args.force,
    };
    let cancel = crate::signals::cancel_on_ctrl_c();
    let text = sweep::sweep(&opts, registry, &Stderr::new(args.quiet), cancel)?;
    crate::stdout::print(&text)
}

fn merge_cmd(args: &MergeArgs, registry: &Registry) -> anyhow::Result<()> {
    let opts = merge::MergeOptions {
        dirs: args.dirs.clone(),
        out: args.out.clone(),
        rank_by: args.rank_by.clone(),
        top: args.top,
        pbo_blocks: args.pbo_blocks,
        threads: threads::cap(args.threads, args.quiet),
        force: args.force,
    };
    let text = merge::run(&opts, registry, &Stderr::new(args.quiet))?;
    crate::stdout::print(&text)
}

fn walkforward_cmd(args: &WalkforwardArgs, registry: &Registry) -> anyhow::Result<()> {
    let threads = threads::cap(args.threads, args.quiet);
    let opts = walkforward::WalkforwardOptions {
        grid: grid(&args.grid, &args.config),
        train: args.train.clone(),
        test: args.test.clone(),
        rank_by: args.rank_by.clone(),
        threads,
        out: args.out.clone(),
        force: args.force,
        ascii: args.ascii,
    };
    let text = walkforward::run(&opts, registry, &Stderr::new(args.quiet))?;
    crate::stdout::print(&text)
}
