//! Command-line arguments (clap derive). Every command's `--help` carries an example.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// rotor: an event-driven backtesting engine for equity rotation strategies.
#[derive(Debug, Parser)]
#[command(name = "rotor", version = crate::VERSION, about, long_about = None)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The top-level commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run one backtest from a strategy config and print its report.
    #[command(
        after_help = "Example:\n  rotor run strategies/smallcap_vs_tech.toml --set strategy.lookback=120 --out runs/sc"
    )]
    Run(RunArgs),
    /// Make, import and inspect market data.
    #[command(subcommand)]
    Data(DataCommand),
    /// Run a grid of parameter sets in parallel; rank them, show sensitivity and overfitting.
    #[command(
        after_help = "Examples:\n  rotor sweep strategies/smallcap_vs_tech.toml --grid strategy.lookback=20..200:10 --grid strategy.rebalance=weekly,monthly --out runs/sweep\n  rotor sweep strategies/smallcap_vs_tech.toml --grid strategy.lookback=20..200:10 --out runs/sweep --resume\n  rotor sweep strategies/smallcap_vs_tech.toml --grid strategy.lookback=20..200:10 --shard 0/4 --out runs/shards/0\n  rotor sweep merge runs/shards/* --out runs/sweep",
        args_conflicts_with_subcommands = true,
        subcommand_negates_reqs = true
    )]
    Sweep(SweepCommand),
    /// Walk-forward: pick the best set on each training window, trade it on the next test window.
    #[command(
        after_help = "Example:\n  rotor walkforward strategies/smallcap_vs_tech.toml --grid strategy.lookback=20..200:20 --train 3y --test 6m"
    )]
    Walkforward(WalkforwardArgs),
    /// Report on an external equity or returns series (CSV or Parquet: a timestamp column and
    /// one value column), e.g. another engine's equity curve.
    #[command(
        after_help = "Examples:\n  rotor stats other_engine_equity.csv --benchmark spy.csv\n  rotor stats runs/sc/equity.parquet --returns"
    )]
    Stats(StatsArgs),
    /// Event study of a config's event feed (market model vs report.benchmark), no trading.
    #[command(
        after_help = "Examples:\n  rotor events strategies/defense_on_policy_news.toml\n  rotor events strategies/oil_on_venezuela.toml --set report.event_window=[-2,10] --out runs/ev --format json"
    )]
    Events(EventsArgs),
    /// Print a shell completion script for rotor.
    #[command(
        after_help = "Examples:\n  rotor completions bash > ~/.local/share/bash-completion/completions/rotor\n  rotor completions zsh > ~/.zfunc/_rotor\n  rotor completions fish > ~/.config/fish/completions/rotor.fish"
    )]
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

/// Output format of the report on stdout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Plain text, 100 columns.
    Text,
    /// The stats.json object.
    Json,
    /// Markdown.
    Markdown,
}

/// `rotor run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// Strategy config (TOML).
    pub config: PathBuf,
    /// Override config keys, e.g. `--set strategy.lookback=120 strategy.skip=5` (several per
    /// `--set`, and repeatable).
    #[arg(long = "set", value_name = "KEY=VALUE", num_args = 1..)]
    pub set: Vec<String>,
    /// Write report.txt, stats.json, equity.parquet, fills.parquet, trades.parquet and
    /// config.toml into this folder.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Allow --out to write into a non-empty folder that is not an earlier rotor output.
    #[arg(long)]
    pub force: bool,
    /// Report format on stdout.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Pure-ASCII charts and tables.
    #[arg(long)]
    pub ascii: bool,
    /// No progress or warnings on stderr.
    #[arg(long, short)]
    pub quiet: bool,
}

/// `rotor data ...`.
#[derive(Debug, Subcommand)]
pub enum DataCommand {
    /// Write the deterministic synthetic sample market (bars + event feed).
    #[command(after_help = "Example:\n  rotor data synth --seed 2026 --out data")]
    Synth {
        /// Random seed; 2026 reproduces the shipped data/ byte for byte.
        #[arg(long, default_value_t = 2026)]
        seed: u64,
        /// Output folder (bars/ and events.csv are written inside).
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// Overwrite existing files in --out.
        #[arg(long)]
        force: bool,
    },
    /// Convert Yahoo/Stooq-style daily CSVs to Parquet, one file per symbol (GOOG.csv -> GOOG).
    #[command(
        after_help = "Example:\n  rotor data import ~/csv/SPY.csv ~/csv/QQQ.csv --out mydata/bars"
    )]
    Import {
        /// CSV files (Date,Open,High,Low,Close[,Adj Close][,Volume] or Date,Close).
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Output folder.
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// Replace existing SYMBOL.parquet files in --out.
        #[arg(long)]
        force: bool,
    },
    /// Show schema, symbols, date range, rows and gaps of a bar file or folder.
    #[command(after_help = "Example:\n  rotor data inspect data/bars")]
    Inspect {
        /// Parquet file or folder.
        path: PathBuf,
    },
}

/// `rotor stats`.
#[derive(Debug, Args)]
pub struct StatsArgs {
    /// CSV or Parquet file with a timestamp column and an equity (or, with --returns, returns)
    /// column.
    pub file: PathBuf,
    /// The file holds simple per-period returns, not equity levels.
    #[arg(long)]
    pub returns: bool,
    /// Benchmark series (levels, or returns with --benchmark-returns), matched by timestamp.
    #[arg(long, value_name = "FILE")]
    pub benchmark: Option<PathBuf>,
    /// The benchmark file holds returns.
    #[arg(long)]
    pub benchmark_returns: bool,
    /// Periods per year for annualizing (default: 252 for daily data, inferred otherwise).
    #[arg(long, value_name = "N")]
    pub periods: Option<f64>,
    /// Annual risk-free rate.
    #[arg(long, default_value_t = 0.0)]
    pub risk_free: f64,
    /// Report format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Pure-ASCII charts and tables.
    #[arg(long)]
    pub ascii: bool,
}

/// `rotor events`.
#[derive(Debug, Args)]
pub struct EventsArgs {
    /// Strategy config (TOML) with `data.events` and `report.benchmark`.
    pub config: PathBuf,
    /// Override config keys, e.g. `--set report.benchmark=QQQ` (several per `--set`, and
    /// repeatable).
    #[arg(long = "set", value_name = "KEY=VALUE", num_args = 1..)]
    pub set: Vec<String>,
    /// Write event_study.txt, event_study.parquet/.csv (one row per group and day) and
    /// event_cars.parquet/.csv (one row per group and event) into this folder.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Allow --out to write into a non-empty folder that is not an earlier rotor output.
    #[arg(long)]
    pub force: bool,
    /// Format on stdout (json: the study's full content).
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Pure-ASCII tables.
    #[arg(long)]
    pub ascii: bool,
    /// No warnings on stderr.
    #[arg(long, short)]
    pub quiet: bool,
}

/// `rotor sweep CONFIG ...` or `rotor sweep merge DIR...`.
#[derive(Debug, Args)]
pub struct SweepCommand {
    /// `merge`, or none for a sweep.
    #[command(subcommand)]
    pub merge: Option<SweepSubcommand>,
    /// The sweep's arguments.
    #[command(flatten)]
    pub sweep: SweepArgs,
}

/// Subcommands of `rotor sweep`.
#[derive(Debug, Subcommand)]
pub enum SweepSubcommand {
    /// Merge the shard folders of one sweep (`--shard I/N` runs) into the outputs of the
    /// unsharded sweep, byte for byte.
    #[command(after_help = "Example:\n  rotor sweep merge runs/shards/* --out runs/sweep")]
    Merge(MergeArgs),
}

/// `rotor sweep`.
#[derive(Debug, Args)]
pub struct SweepArgs {
    /// Strategy config (TOML); its `[sweep]` table is the grid when no --grid is given.
    #[arg(required = true)]
    pub config: Option<PathBuf>,
    /// The grid and the base config's overrides.
    #[command(flatten)]
    pub grid: GridArgs,
    /// Worker threads (default: one per core).
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
    /// Metric to rank by (a stats.json key).
    #[arg(long, value_name = "METRIC", default_value = "sharpe")]
    pub rank_by: String,
    /// Rows of the ranked table.
    #[arg(long, value_name = "K", default_value_t = 10)]
    pub top: usize,
    /// Write sweep.parquet, sweep.txt, config.toml and the checkpoint into this folder.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Continue an interrupted sweep in --out, skipping completed sets.
    #[arg(long, requires = "out")]
    pub resume: bool,
    /// Keep every set's equity curve (curves.parquet); memory grows with sets x bars.
    #[arg(long)]
    pub keep_curves: bool,
    /// At most this many sets (evenly spaced by set index) enter the PBO return matrix.
    #[arg(long, value_name = "N", default_value_t = 2000)]
    pub pbo_sets: usize,
    /// CSCV blocks for PBO (even, 2..=30).
    #[arg(long, value_name = "S", default_value_t = 16)]
    pub pbo_blocks: usize,
    /// Run only shard I of N: the sets whose index i has i % N == I (needs --out; combine the N
    /// folders with `rotor sweep merge`).
    #[arg(long, value_name = "I/N")]
    pub shard: Option<String>,
    /// Allow --out to replace a folder that is not an earlier rotor output, or an unfinished sweep.
    #[arg(long)]
    pub force: bool,
    /// No progress or notes on stderr.
    #[arg(long, short)]
    pub quiet: bool,
}

/// The parameter grid of `rotor sweep` and `rotor walkforward`.
#[derive(Debug, Args)]
pub struct GridArgs {
    /// A swept key: `key=v1,v2,...` or `key=start..end[:step]` (repeatable; replaces the
    /// config's [sweep] table).
    #[arg(long, value_name = "KEY=VALUES")]
    pub grid: Vec<String>,
    /// Override base config keys (several per `--set`, and repeatable).
    #[arg(long = "set", value_name = "KEY=VALUE", num_args = 1..)]
    pub set: Vec<String>,
    /// Run N distinct grid points chosen at random (seeded) instead of the whole grid (in
    /// walkforward: in each training window).
    #[arg(long, value_name = "N")]
    pub random: Option<u64>,
    /// Seed of --random.
    #[arg(long, default_value_t = 0, requires = "random")]
    pub seed: u64,
}

/// `rotor sweep merge`.
#[derive(Debug, Args)]
pub struct MergeArgs {
    /// The shard folders (the --out of every `rotor sweep ... --shard I/N`), in any order.
    #[arg(required = true, value_name = "DIR")]
    pub dirs: Vec<PathBuf>,
    /// Write sweep.parquet, sweep.txt, config.toml and the merged checkpoint into this folder.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Metric to rank by (default: the shards' --rank-by).
    #[arg(long, value_name = "METRIC")]
    pub rank_by: Option<String>,
    /// Rows of the ranked table (default: the shards' --top).
    #[arg(long, value_name = "K")]
    pub top: Option<usize>,
    /// CSCV blocks for PBO (default: the shards' --pbo-blocks).
    #[arg(long, value_name = "S")]
    pub pbo_blocks: Option<usize>,
    /// Worker threads for loading and the diagnostics (default: one per core).
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
    /// Allow --out to replace a folder that is not an earlier rotor output, or an unfinished sweep.
    #[arg(long)]
    pub force: bool,
    /// No notes on stderr.
    #[arg(long, short)]
    pub quiet: bool,
}

/// `rotor walkforward`.
#[derive(Debug, Args)]
pub struct WalkforwardArgs {
    /// Strategy config (TOML); its `[sweep]` table is the grid when no --grid is given.
    pub config: PathBuf,
    /// The grid and the base config's overrides.
    #[command(flatten)]
    pub grid: GridArgs,
    /// Training window length: Ny, Nm, Nw or Nd.
    #[arg(long, default_value = "3y")]
    pub train: String,
    /// Test window length (also the step between windows).
    #[arg(long, default_value = "6m")]
    pub test: String,
    /// Metric to rank by in training (a stats.json key).
    #[arg(long, value_name = "METRIC", default_value = "sharpe")]
    pub rank_by: String,
    /// Worker threads (default: one per core).
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
    /// Write report.txt, stats.json, walkforward.parquet and equity.parquet into this folder.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Allow --out to write into a non-empty folder that is not an earlier rotor output.
    #[arg(long)]
    pub force: bool,
    /// Pure-ASCII charts and tables.
    #[arg(long)]
    pub ascii: bool,
    /// No progress or warnings on stderr.
    #[arg(long, short)]
    pub quiet: bool,
}
