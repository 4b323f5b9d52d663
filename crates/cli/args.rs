//! Command-line arguments (clap derive). Every command's `--help` carries an example.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// rotor: an event-driven backtesting engine for equity rotation strategies.
#[derive(Debug, Parser)]
#[command(name = "rotor", version, about, long_about = None)]
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
    /// Override a config key, e.g. `--set strategy.lookback=120` (repeatable).
    #[arg(long = "set", value_name = "KEY=VALUE")]
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
    },
    /// Show schema, symbols, date range, rows and gaps of a bar file or folder.
    #[command(after_help = "Example:\n  rotor data inspect data/bars")]
    Inspect {
        /// Parquet file or folder.
        path: PathBuf,
    },
}
