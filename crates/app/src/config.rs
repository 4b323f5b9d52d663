//! The strategy config file: TOML, unknown keys are errors, paths relative to the file. Every
//! problem becomes one line naming the file (and the TOML line where the parser knows it).

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use rotor_engine::{CostsConfig, FillConfig, PortfolioConfig, SimulationConfig};
use rotor_report::EventWindows;
use rotor_strategies::{Registry, StrategyConfig};
use serde::{Deserialize, Deserializer, Serialize};
use toml::{Table, Value};

use crate::error::{bad, AppError};

/// A whole strategy config: its `[strategy]` table typed.
pub type Config = ConfigOf<StrategyConfig>;

/// A whole strategy config, as written by the user (plus defaults), with the `[strategy]`
/// table as `S`: a [`StrategyConfig`], or the raw table of a user kind before
/// [`Registry::parse`] reads it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigOf<S> {
    /// Strategy name shown in reports.
    pub name: String,
    /// Where the data is.
    pub data: DataConfig,
    /// Starting capital.
    #[serde(default)]
    pub portfolio: PortfolioConfig,
    /// Commission, slippage, borrow.
    #[serde(default)]
    pub costs: CostsConfig,
    /// Fill model: order handling, volume cap, leverage caps, adjustment, delisting.
    #[serde(default)]
    pub execution: FillConfig,
    /// What to trade.
    pub strategy: S,
    /// Report options.
    #[serde(default)]
    pub report: ReportConfig,
    /// `[sweep]`: the parameter grid of `rotor sweep` / `rotor walkforward` (config path ->
    /// list of values or "start..end:step"); ignored by `rotor run`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sweep: Option<Table>,
}

/// `[data]`: bars, optional events and an optional inclusive date range.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DataConfig {
    /// Parquet file or folder of bars (relative to the config file).
    pub bars: PathBuf,
    /// Event feed (CSV, Parquet or JSON lines), optional.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub events: Option<PathBuf>,
    /// First date, inclusive.
    #[serde(
        default,
        deserialize_with = "de_date",
        serialize_with = "ser_date",
        skip_serializing_if = "Option::is_none"
    )]
    pub start: Option<NaiveDate>,
    /// Last date, inclusive.
    #[serde(
        default,
        deserialize_with = "de_date",
        serialize_with = "ser_date",
        skip_serializing_if = "Option::is_none"
    )]
    pub end: Option<NaiveDate>,
    /// Bars of history loaded before `start` for the strategy to warm up on (never traded);
    /// absent = what the strategy kind needs (`StrategyConfig::warmup_bars`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub warmup: Option<usize>,
}

impl Config {
    /// The simulation setup for the engine: `[portfolio]`, `[costs]` and `[execution]`.
    pub fn simulation(&self) -> SimulationConfig {
        SimulationConfig {
            portfolio: self.portfolio.clone(),
            costs: self.costs.clone(),
            execution: self.execution.clone(),
        }
    }

    /// Warm-up bars of this config: `data.warmup`, else what the strategy needs.
    pub fn warmup(&self) -> usize {
        self.data
            .warmup
            .unwrap_or_else(|| self.strategy.warmup_bars())
    }
}

/// `[report]`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ReportConfig {
    /// Symbol whose buy-and-hold is the benchmark column.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub benchmark: Option<String>,
    /// Annual risk-free rate (e.g. 0.04), converted per period as (1 + rf)^(1/A) - 1.
    pub risk_free: f64,
    /// Periods per year for annualizing; inferred from the bar spacing when absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub periods_per_year: Option<f64>,
    /// Event study: sessions relative to day 0 of the event window, inclusive.
    pub event_window: [i64; 2],
    /// Event study: sessions relative to day 0 of the market model's estimation window,
    /// inclusive; it must end before the event window starts.
    pub estimation_window: [i64; 2],
    /// Event study: study only these tags (case-insensitive); empty = every tag.
    pub event_tags: Vec<String>,
}

impl Default for ReportConfig {
    fn default() -> Self {
        let w = EventWindows::default();
        ReportConfig {
            benchmark: None,
            risk_free: 0.0,
            periods_per_year: None,
            event_window: [w.event.0, w.event.1],
            estimation_window: [w.estimation.0, w.estimation.1],
            event_tags: Vec::new(),
        }
    }
}

/// Largest |session offset| of an event-study window (bounds the study's allocations).
const MAX_WINDOW_OFFSET: i64 = 5000;
/// Fewest sessions in the estimation window.
const MIN_ESTIMATION_SESSIONS: i64 = 10;

impl ReportConfig {
    /// The event-study windows, validated: each `[first, last]` with `first <= last` and offsets
    /// within ±5000 sessions; the estimation window at least 10 sessions long and ending before
    /// the event window starts. At least `min(60, estimation length)` estimation days must have
    /// returns for an event to count.
    pub fn event_windows(&self) -> Result<EventWindows, String> {
        let [a, b] = self.event_window;
        let [c, d] = self.estimation_window;
        let in_range = |x: i64| x.abs() <= MAX_WINDOW_OFFSET;
        if !(a <= b && in_range(a) && in_range(b)) {
            return Err(format!(
                "report.event_window must be [first, last] sessions with first <= last, \
                 within ±{MAX_WINDOW_OFFSET} (got [{a}, {b}])"
            ));
        }
        if !(c <= d && in_range(c) && in_range(d)) {
            return Err(format!(
                "report.estimation_window must be [first, last] sessions with first <= last, \
                 within ±{MAX_WINDOW_OFFSET} (got [{c}, {d}])"
            ));
        }
        if d >= a {
            return Err(format!(
                "report.estimation_window [{c}, {d}] must end before report.event_window \
                 [{a}, {b}] starts, so the event does not contaminate the market model"
            ));
        }
        let len = d - c + 1;
        if len < MIN_ESTIMATION_SESSIONS {
            return Err(format!(
                "report.estimation_window [{c}, {d}] has {len} sessions; the market model needs \
                 at least {MIN_ESTIMATION_SESSIONS}"
            ));
        }
        Ok(EventWindows {
            estimation: (c, d),
            event: (a, b),
            min_estimation: (len as usize).min(EventWindows::default().min_estimation),
        })
    }
}

/// A date as a TOML string (`"2024-01-31"`) or a bare TOML date (`2024-01-31`); anything else
/// is refused saying what is expected (not serde's internal type names).
fn de_date<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveDate>, D::Error> {
    let text = match toml::Value::deserialize(d)? {
        toml::Value::String(s) => s,
        toml::Value::Datetime(dt) => dt.to_string(),
        other => {
            return Err(serde::de::Error::custom(format!(
                "invalid date `{other}` ({}), expected YYYY-MM-DD",
                other.type_str()
            )))
        }
    };
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map(Some)
        .map_err(|_| {
            serde::de::Error::custom(format!("invalid date `{text}`, expected YYYY-MM-DD"))
        })
}

fn ser_date<S: serde::Serializer>(d: &Option<NaiveDate>, s: S) -> Result<S::Ok, S::Error> {
    match d {
        Some(d) => s.serialize_str(&d.format("%Y-%m-%d").to_string()),
        None => s.serialize_none(),
    }
}

/// Longest config `name`, in characters: it titles every report.
pub const MAX_NAME_CHARS: usize = 256;

/// A loaded config with its origin.
#[derive(Debug, Clone)]
pub struct LoadedConfig {
    /// The typed config, paths made absolute.
    pub config: Config,
    /// The file it came from.
    pub path: PathBuf,
    /// The file's TOML table with `--set` applied (paths as written): the base of a sweep's
    /// parameter sets, so the file is read once.
    pub table: Table,
}

impl LoadedConfig {
    /// The simulation setup for the engine (see [`Config::simulation`]).
    pub fn simulation(&self) -> SimulationConfig {
        self.config.simulation()
    }

    /// The fully resolved config as TOML (defaults included).
    pub fn resolved_toml(&self) -> crate::error::Result<String> {
        toml::to_string_pretty(&self.config).map_err(|e| AppError::Internal(e.to_string()))
    }
}

/// Reads, overrides, type-checks and validates a config file; its `[strategy]` table is read
/// through `registry` (built-in kinds, and user kinds if any).
pub fn load(
    path: &Path,
    overrides: &[String],
    registry: &Registry,
) -> crate::error::Result<LoadedConfig> {
    let shown = path.display();
    let text = rotor_data::input_file::read_text_utf8(path).map_err(bad)?;
    let mut table: Table = text.parse().map_err(|e: toml::de::Error| {
        bad(format!("{shown}: {}", toml_error(&e, &text, registry)))
    })?;
    for assignment in overrides {
        rotor_sweep::overrides::apply(&mut table, assignment)
            .map_err(|e| bad(format!("{shown}: {e}")))?;
    }
    let keyed = |msg: String| match culprit_strategy_key(&table, registry) {
        Some(k) => format!("{msg} (key `{k}`)"),
        None => msg,
    };
    let with_set = if overrides.is_empty() {
        ""
    } else {
        " (with --set)"
    };
    let config: Config = if is_user_kind(&table, registry) {
        user_kind_config(&table, registry).map_err(|msg| {
            let msg = crate::error_hint::with_hint(&msg);
            bad(format!("{shown}{with_set}: {}", keyed(msg)))
        })?
    } else if overrides.is_empty() {
        toml::from_str(&text).map_err(|e: toml::de::Error| {
            bad(format!(
                "{shown}: {}",
                keyed(toml_error(&e, &text, registry))
            ))
        })?
    } else {
        Config::deserialize(Value::Table(table.clone())).map_err(|e| {
            let msg = crate::error_hint::with_hint(&registry.with_user_kinds(e.message()));
            bad(format!("{shown}{with_set}: {}", keyed(msg)))
        })?
    };
    let mut config = config;
    if config.data.bars.as_os_str().is_empty() {
        return Err(bad(format!(
            "{shown}: data.bars is empty: give the Parquet file or folder of bars"
        )));
    }
    if config
        .data
        .events
        .as_ref()
        .is_some_and(|e| e.as_os_str().is_empty())
    {
        return Err(bad(format!(
            "{shown}: data.events is empty: give the event feed's file, or remove the key"
        )));
    }
    let name_len = config.name.chars().count();
    if name_len > MAX_NAME_CHARS {
        return Err(bad(format!(
            "{shown}: name is {name_len} characters long, more than {MAX_NAME_CHARS} (it titles the report)"
        )));
    }
    let base = path.parent().unwrap_or_else(|| Path::new("."));
    config.data.bars = absolutize(base, &config.data.bars);
    config.data.events = config.data.events.as_ref().map(|p| absolutize(base, p));
    if let (Some(s), Some(e)) = (config.data.start, config.data.end) {
        if s > e {
            return Err(bad(format!(
                "{shown}: data.start ({s}) is after data.end ({e})"
            )));
        }
    }
    config
        .report
        .validate()
        .map_err(|e| bad(format!("{shown}: {e}")))?;
    config
        .report
        .event_windows()
        .map_err(|e| bad(format!("{shown}: {e}")))?;
    let loaded = LoadedConfig {
        config,
        path: path.to_path_buf(),
        table,
    };
    loaded
        .simulation()
        .validate()
        .map_err(|e| bad(format!("{shown}: {e}")))?;
    loaded
        .config
        .strategy
        .validate()
        .map_err(|e| bad(format!("{shown}: {e}")))?;
    Ok(loaded)
}

/// Largest annual risk-free rate (1000%, like `costs.cash_interest_rate`).
pub const MAX_RISK_FREE: f64 = 10.0;

/// Fewest and most periods a year: one bar a decade to about three a second around the clock.
/// Beyond them every annualized figure overflows or vanishes (1e300 gave a Sharpe of 1e148).
pub const PERIODS_PER_YEAR: std::ops::RangeInclusive<f64> = 0.1..=1e8;

/// Why `rf` is not a usable annual risk-free rate, if it is not.
pub fn risk_free_problem(rf: f64) -> Option<String> {
    (!(rf.is_finite() && rf > -1.0 && rf <= MAX_RISK_FREE)).then(|| {
        format!(
            "{rf:?}: must be a finite annual rate above -1 and at most {MAX_RISK_FREE} (e.g. 0.04)"
        )
    })
}

/// Why `p` is not a usable number of periods a year, if it is not.
pub fn periods_problem(p: f64) -> Option<String> {
    (!PERIODS_PER_YEAR.contains(&p)).then(|| {
        format!(
            "{p:?}: must be a number of periods a year from {} to {} (252 for daily bars)",
            PERIODS_PER_YEAR.start(),
            PERIODS_PER_YEAR.end()
        )
    })
}

impl ReportConfig {
    /// Checks `risk_free` and `periods_per_year` (the event windows have their own check).
    pub fn validate(&self) -> Result<(), String> {
        if let Some(e) = risk_free_problem(self.risk_free) {
            return Err(format!("report.risk_free {e}"));
        }
        match self.periods_per_year.and_then(periods_problem) {
            Some(e) => Err(format!("report.periods_per_year {e}")),
            None => Ok(()),
        }
    }
}

/// serde buffers the internally tagged `[strategy]` table before reading it, so a bad value there
/// ("invalid type: string, expected usize") comes without its key: find the one key whose
/// removal lets the table deserialize (every strategy key has a default).
fn culprit_strategy_key(table: &Table, registry: &Registry) -> Option<String> {
    let s = table.get("strategy")?.as_table()?;
    let fails = |t: &Table| registry.parse(t).is_err();
    if !fails(s) {
        return None;
    }
    s.keys()
        .filter(|k| *k != "kind")
        .find(|k| {
            let mut t = s.clone();
            t.remove(*k);
            !fails(&t)
        })
        .map(|k| format!("strategy.{k}"))
}

fn absolutize(base: &Path, p: &Path) -> PathBuf {
    let joined = if p.is_absolute() {
        p.to_path_buf()
    } else {
        base.join(p)
    };
    std::path::absolute(&joined).unwrap_or(joined)
}

/// A config table (after `--set`) typed through `registry`, unvalidated; the error is serde's
/// message (a sweep's parameter set).
pub fn typed(table: &Table, registry: &Registry) -> Result<Config, String> {
    if is_user_kind(table, registry) {
        return user_kind_config(table, registry);
    }
    Config::deserialize(Value::Table(table.clone()))
        .map_err(|e| registry.with_user_kinds(e.message()))
}

/// Whether the `[strategy]` table's `kind` is a user kind of `registry`.
fn is_user_kind(table: &Table, registry: &Registry) -> bool {
    let kind = table.get("strategy").and_then(|s| s.get("kind"));
    kind.and_then(Value::as_str)
        .is_some_and(|k| registry.is_custom(k))
}

/// The config of a user kind: every table but `[strategy]` as for a built-in kind, then the
/// strategy table through its registered type. The error is serde's message.
fn user_kind_config(table: &Table, registry: &Registry) -> Result<Config, String> {
    let raw = ConfigOf::<Table>::deserialize(Value::Table(table.clone()))
        .map_err(|e| e.message().to_string())?;
    let strategy = registry.parse(&raw.strategy)?;
    Ok(Config {
        name: raw.name,
        data: raw.data,
        portfolio: raw.portfolio,
        costs: raw.costs,
        execution: raw.execution,
        strategy,
        report: raw.report,
        sweep: raw.sweep,
    })
}

/// `line N: message` from a toml error, with serde's did-you-mean where it has one.
fn toml_error(e: &toml::de::Error, text: &str, registry: &Registry) -> String {
    let msg = crate::error_hint::with_hint(&registry.with_user_kinds(e.message()));
    match e.span() {
        Some(span) => {
            let start = span.start.min(text.len());
            let line = text[..start].matches('\n').count() + 1;
            let source = text.lines().nth(line - 1).unwrap_or("").trim();
            if source.is_empty() || source.len() > 80 {
                format!("line {line}: {msg}")
            } else {
                format!("line {line} (`{source}`): {msg}")
            }
        }
        None => msg,
    }
}
