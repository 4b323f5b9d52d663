//! The `[strategy]` table: which built-in strategy, with its parameters.
//!
//! Invariant: unknown keys are rejected (serde's `unknown field` message), every key has a
//! documented default, and a config that passed [`StrategyConfig::validate`] can be built for
//! any market holding its [`StrategyConfig::symbols`].

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::custom::CustomConfig;
use crate::error::StrategyError;

mod formula;
mod news;
mod rotation;
mod sector;
mod serialize;
mod warmup;
mod windows;

pub use formula::FormulaConfig;
pub use news::{Direction, MatchMode, NewsEventConfig};
pub use rotation::{RotationConfig, Signal, Weighting};
pub use sector::{SectorRotationConfig, SectorWeighting};

/// Which strategy to run, selected by `kind`.
///
/// Deserializing reads the built-in kinds only; a user kind comes from
/// [`crate::Registry::parse`]. Serializing writes either back as its `[strategy]` table.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum StrategyConfig {
    /// Long one basket, short another, on relative momentum.
    Rotation(RotationConfig),
    /// Buy once, hold to the end.
    BuyAndHold(BuyAndHoldConfig),
    /// Long-only moving-average crossover on one symbol.
    SmaCross(SmaCrossConfig),
    /// Trade a basket for a few sessions after matching news events.
    NewsEvent(NewsEventConfig),
    /// Cross-sectional momentum: top-k long, optional bottom-k short.
    SectorRotation(SectorRotationConfig),
    /// Target weights written as formulas over the universe's bars.
    Formula(FormulaConfig),
    /// A kind registered by a user binary (see [`crate::Registry`]).
    #[serde(skip_deserializing)]
    Custom(CustomConfig),
}

/// When a rotation re-decides and rebalances.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rebalance {
    /// At the close of the first bar of every UTC date (every bar for daily data).
    Daily,
    /// At the close of the first bar of every ISO week (Monday-based).
    #[default]
    Weekly,
    /// At the close of the first bar of every calendar month.
    Monthly,
    /// At the close of every bar on which the decision (direction, or chosen set) changes.
    OnSignalChange,
}

/// `kind = "buy_and_hold"`: buy at the open after the first bar and hold.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct BuyAndHoldConfig {
    /// Symbols held in equal weight (total weight 1). Give this or `weights`. Default empty.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub symbols: Vec<String>,
    /// Explicit weights: positive = long, negative = short (a static long/short book); the net
    /// (sum) within [-1, 1] and the gross (sum of |w|) at most [`MAX_BOOK_GROSS`]. Whatever is
    /// not invested stays cash. Default empty.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub weights: BTreeMap<String, f64>,
}

/// Largest gross exposure (sum of |weight|) a static `buy_and_hold` book may ask for: 4x equity,
/// a portfolio-margin level; anything above is almost surely a typo.
pub const MAX_BOOK_GROSS: f64 = 4.0;

impl BuyAndHoldConfig {
    /// The book's gross (sum of |w|) and net (sum of w) exposure as fractions of equity.
    pub fn book(&self) -> (f64, f64) {
        if self.weights.is_empty() {
            let n = if self.symbols.is_empty() { 0.0 } else { 1.0 };
            return (n, n);
        }
        (
            self.weights.values().map(|w| w.abs()).sum(),
            self.weights.values().sum(),
        )
    }
}

/// `kind = "sma_cross"`: long-only SMA crossover, all in (target weight 1) or all out.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SmaCrossConfig {
    /// The traded symbol. Required, no default.
    pub symbol: String,
    /// Fast SMA length in bars. Default `10`.
    pub fast: usize,
    /// Slow SMA length in bars. Default `20`.
    pub slow: usize,
}

impl Default for SmaCrossConfig {
    fn default() -> Self {
        SmaCrossConfig {
            symbol: String::new(),
            fast: 10,
            slow: 20,
        }
    }
}

pub(crate) fn dedup_push(out: &mut Vec<String>, items: impl IntoIterator<Item = impl AsRef<str>>) {
    for s in items {
        let s = s.as_ref();
        if !out.iter().any(|o| o == s) {
            out.push(s.to_string());
        }
    }
}

pub(crate) fn check_basket(key: &str, names: &[String]) -> Result<(), StrategyError> {
    if names.is_empty() {
        return Err(StrategyError::invalid(
            key,
            format!(
                "{key} must list at least one {}",
                if key.ends_with("tags") {
                    "tag"
                } else {
                    "symbol"
                }
            ),
        ));
    }
    for (i, s) in names.iter().enumerate() {
        if s.trim().is_empty() {
            return Err(StrategyError::invalid(
                key,
                format!("{key} contains an empty symbol"),
            ));
        }
        if names[..i].contains(s) {
            return Err(StrategyError::invalid(
                key,
                format!("{key} lists `{s}` more than once"),
            ));
        }
    }
    Ok(())
}

impl StrategyConfig {
    /// Every `kind` string, in the order the README lists them.
    pub const KINDS: &'static [&'static str] = &[
        "rotation",
        "buy_and_hold",
        "sma_cross",
        "news_event",
        "sector_rotation",
        "formula",
    ];

    /// The `kind` string: `rotation`, `buy_and_hold`, `sma_cross`, `news_event`,
    /// `sector_rotation` or `formula`.
    pub fn kind_name(&self) -> &'static str {
        match self {
            StrategyConfig::NewsEvent(_) => "news_event",
            StrategyConfig::SectorRotation(_) => "sector_rotation",
            StrategyConfig::Rotation(_) => "rotation",
            StrategyConfig::BuyAndHold(_) => "buy_and_hold",
            StrategyConfig::SmaCross(_) => "sma_cross",
            StrategyConfig::Formula(_) => "formula",
            StrategyConfig::Custom(c) => c.kind(),
        }
    }

    /// Whether the strategy reads bar volumes (a formula using `volume`); the loader may skip
    /// that column otherwise.
    pub fn reads_volume(&self) -> bool {
        match self {
            StrategyConfig::Formula(c) => c.reads_volume(),
            _ => false,
        }
    }

    /// Every symbol the strategy trades or reads (a rotation's beta benchmark, a news
    /// strategy's hedge), in config order, without duplicates (for a weights table: key order,
    /// which is sorted).
    pub fn symbols(&self) -> Vec<String> {
        let mut out = Vec::new();
        match self {
            StrategyConfig::Rotation(c) => {
                dedup_push(&mut out, &c.long);
                dedup_push(&mut out, &c.short);
                dedup_push(&mut out, &c.benchmark);
            }
            StrategyConfig::NewsEvent(c) => {
                dedup_push(&mut out, &c.symbols);
                dedup_push(&mut out, &c.hedge);
            }
            StrategyConfig::SectorRotation(c) => dedup_push(&mut out, &c.symbols),
            StrategyConfig::BuyAndHold(c) => {
                dedup_push(&mut out, &c.symbols);
                dedup_push(&mut out, c.weights.keys());
            }
            StrategyConfig::SmaCross(c) => dedup_push(&mut out, [&c.symbol]),
            StrategyConfig::Formula(c) => {
                dedup_push(&mut out, &c.universe);
                dedup_push(&mut out, c.referenced_symbols());
            }
            StrategyConfig::Custom(c) => dedup_push(&mut out, c.symbols()),
        }
        out
    }

    /// Checks every parameter; the error names the key, e.g.
    /// `strategy.fast (50) must be less than strategy.slow (20)`.
    pub fn validate(&self) -> Result<(), StrategyError> {
        match self {
            StrategyConfig::Rotation(c) => c.validate()?,
            StrategyConfig::NewsEvent(c) => c.validate()?,
            StrategyConfig::SectorRotation(c) => c.validate()?,
            StrategyConfig::Formula(c) => c.validate()?,
            StrategyConfig::Custom(c) => c.validate()?,
            StrategyConfig::BuyAndHold(c) => match (c.symbols.is_empty(), c.weights.is_empty()) {
                (true, true) => {
                    return Err(StrategyError::invalid(
                        "strategy.symbols",
                        "strategy.symbols or strategy.weights must be given",
                    ))
                }
                (false, false) => {
                    return Err(StrategyError::invalid(
                        "strategy.weights",
                        "give strategy.symbols or strategy.weights, not both",
                    ))
                }
                (false, true) => check_basket("strategy.symbols", &c.symbols)?,
                (true, false) => {
                    for (s, &w) in &c.weights {
                        if s.trim().is_empty() {
                            return Err(StrategyError::invalid(
                                "strategy.weights",
                                "strategy.weights contains an empty symbol",
                            ));
                        }
                        if !(w.is_finite() && w != 0.0) {
                            return Err(StrategyError::invalid(
                                format!("strategy.weights.{s}"),
                                format!("strategy.weights.{s} ({w}) must be a finite number other than 0 (negative = short)"),
                            ));
                        }
                    }
                    let (gross, net) = c.book();
                    let round = |x: f64| (x * 1e9).round() / 1e9;
                    if net > 1.0 + 1e-9 {
                        return Err(StrategyError::invalid(
                            "strategy.weights",
                            format!("strategy.weights sum to {}; must be at most 1", round(net)),
                        ));
                    }
                    if net < -1.0 - 1e-9 || gross > MAX_BOOK_GROSS + 1e-9 {
                        return Err(StrategyError::invalid(
                            "strategy.weights",
                            format!(
                                "strategy.weights have gross {} (sum of |w|) and net {}: the net must be within [-1, 1] and the gross at most {MAX_BOOK_GROSS}",
                                round(gross),
                                round(net)
                            ),
                        ));
                    }
                }
            },
            StrategyConfig::SmaCross(c) => {
                if c.symbol.trim().is_empty() {
                    return Err(StrategyError::invalid(
                        "strategy.symbol",
                        "strategy.symbol must be given",
                    ));
                }
                if c.fast == 0 {
                    return Err(StrategyError::invalid(
                        "strategy.fast",
                        "strategy.fast (0) must be at least 1",
                    ));
                }
                if c.fast >= c.slow {
                    return Err(StrategyError::invalid(
                        "strategy.fast",
                        format!(
                            "strategy.fast ({}) must be less than strategy.slow ({})",
                            c.fast, c.slow
                        ),
                    ));
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Result<StrategyConfig, String> {
        toml::from_str::<StrategyConfig>(s).map_err(|e| e.to_string())
    }

    #[test]
    fn kinds_lists_every_variant_and_nothing_else() {
        // An unknown kind names serde's list of variants: it must be exactly KINDS.
        let e = parse("kind = \"nope\"\n").unwrap_err();
        let listed: Vec<&str> = e
            .split("expected one of ")
            .nth(1)
            .unwrap()
            .split('`')
            .skip(1)
            .step_by(2)
            .collect();
        assert_eq!(listed, StrategyConfig::KINDS, "{e}");
    }

    #[test]
    fn parses_each_kind_with_defaults() {
        let c = parse("kind = \"rotation\"\nlong = [\"IWM\"]\nshort = [\"QQQ\"]\n").unwrap();
        let StrategyConfig::Rotation(r) = &c else {
            panic!()
        };
        assert_eq!(
            (r.lookback, r.skip, r.rebalance, r.gross_exposure, r.flip),
            (60, 0, Rebalance::Weekly, 1.0, true)
        );
        assert_eq!(c.kind_name(), "rotation");
        assert_eq!(c.symbols(), vec!["IWM", "QQQ"]);
        c.validate().unwrap();

        let c = parse("kind = \"sma_cross\"\nsymbol = \"GOOG\"\n").unwrap();
        assert_eq!(
            c,
            StrategyConfig::SmaCross(SmaCrossConfig {
                symbol: "GOOG".into(),
                fast: 10,
                slow: 20
            })
        );

        let c = parse("kind = \"buy_and_hold\"\n[weights]\nSPY = 0.6\nAGG = 0.4\n").unwrap();
        assert_eq!(c.symbols(), vec!["AGG", "SPY"]);
        c.validate().unwrap();

        let c = parse("kind = \"rotation\"\nlong = [\"A\"]\nshort = [\"B\"]\nrebalance = \"monthly\"\nflip = false\n").unwrap();
        let StrategyConfig::Rotation(r) = &c else {
            panic!()
        };
        assert_eq!((r.rebalance, r.flip), (Rebalance::Monthly, false));
    }

    #[test]
    fn unknown_keys_are_rejected_by_serde() {
        let e = parse("kind = \"sma_cross\"\nsymbol = \"GOOG\"\nfastt = 5\n").unwrap_err();
        assert!(e.contains("unknown field `fastt`"), "{e}");
        let e = parse("kind = \"rotation\"\nlong = [\"A\"]\nshort = [\"B\"]\nlookbak = 5\n")
            .unwrap_err();
        assert!(e.contains("unknown field `lookbak`"), "{e}");
        let e = parse("kind = \"buy_and_hold\"\nsymbols = [\"A\"]\nweight = 1\n").unwrap_err();
        assert!(e.contains("unknown field `weight`"), "{e}");
        let e = parse("kind = \"momentum\"\n").unwrap_err();
        assert!(e.contains("unknown variant `momentum`"), "{e}");
        let e =
            parse("kind = \"rotation\"\nlong = [\"A\"]\nshort = [\"B\"]\nrebalance = \"hourly\"\n")
                .unwrap_err();
        assert!(e.contains("unknown variant `hourly`"), "{e}");
        let e = parse("symbol = \"A\"\n").unwrap_err();
        assert!(e.contains("kind"), "{e}");
    }

    #[test]
    fn round_trips_through_toml_with_defaults_filled_in() {
        for src in [
            "kind = \"rotation\"\nlong = [\"IWM\", \"RSP\"]\nshort = [\"QQQ\"]\nskip = 5\n",
            "kind = \"buy_and_hold\"\nsymbols = [\"SPY\"]\n",
            "kind = \"buy_and_hold\"\nweights = { SPY = 0.5 }\n",
            "kind = \"sma_cross\"\nsymbol = \"GOOG\"\nfast = 20\nslow = 50\n",
        ] {
            let c = parse(src).unwrap();
            let text = toml::to_string(&c).unwrap();
            assert_eq!(parse(&text).unwrap(), c, "{text}");
        }
    }

    fn invalid(src: &str) -> String {
        parse(src).unwrap().validate().unwrap_err().to_string()
    }

    #[test]
    fn validation_names_the_key() {
        assert_eq!(
            invalid("kind = \"sma_cross\"\nsymbol = \"A\"\nfast = 50\nslow = 20\n"),
            "strategy.fast (50) must be less than strategy.slow (20)"
        );
        assert_eq!(
            invalid("kind = \"sma_cross\"\nsymbol = \"A\"\nfast = 0\n"),
            "strategy.fast (0) must be at least 1"
        );
        assert_eq!(
            invalid("kind = \"sma_cross\"\n"),
            "strategy.symbol must be given"
        );
        assert_eq!(
            invalid("kind = \"rotation\"\nlong = [\"A\"]\nshort = [\"B\"]\nlookback = 0\n"),
            "strategy.lookback (0) must be at least 1"
        );
        assert_eq!(
            invalid("kind = \"rotation\"\nlong = []\nshort = [\"B\"]\n"),
            "strategy.long must list at least one symbol"
        );
        assert_eq!(
            invalid("kind = \"rotation\"\nlong = [\"A\"]\n"),
            "strategy.short must list at least one symbol"
        );
        assert_eq!(
            invalid("kind = \"rotation\"\nlong = [\"A\", \"B\"]\nshort = [\"B\"]\n"),
            "strategy.long and strategy.short both contain `B`"
        );
        assert_eq!(
            invalid("kind = \"rotation\"\nlong = [\"A\", \"A\"]\nshort = [\"B\"]\n"),
            "strategy.long lists `A` more than once"
        );
        assert!(invalid(
            "kind = \"rotation\"\nlong = [\"A\"]\nshort = [\"B\"]\ngross_exposure = -1\n"
        )
        .starts_with("strategy.gross_exposure (-1)"));
        assert_eq!(
            invalid("kind = \"buy_and_hold\"\n"),
            "strategy.symbols or strategy.weights must be given"
        );
        assert_eq!(
            invalid("kind = \"buy_and_hold\"\nsymbols = [\"A\"]\nweights = { A = 1 }\n"),
            "give strategy.symbols or strategy.weights, not both"
        );
        assert_eq!(
            invalid("kind = \"buy_and_hold\"\nweights = { A = 0.7, B = 0.6 }\n"),
            "strategy.weights sum to 1.3; must be at most 1"
        );
        assert_eq!(
            invalid("kind = \"buy_and_hold\"\nweights = { A = 0.0 }\n"),
            "strategy.weights.A (0) must be a finite number other than 0 (negative = short)"
        );
        // A short weight is a static short book; the gross has a sane bound.
        assert!(parse("kind = \"buy_and_hold\"\nweights = { A = -0.1 }\n")
            .unwrap()
            .validate()
            .is_ok());
        assert_eq!(
            invalid("kind = \"buy_and_hold\"\nweights = { A = 3, B = -2 }\n"),
            "strategy.weights have gross 5 (sum of |w|) and net 1: the net must be within [-1, 1] and the gross at most 4"
        );
    }

    #[test]
    fn new_kinds_parse_with_defaults_and_validate() {
        let c = parse("kind = \"news_event\"\ntags = [\"defense_budget\"]\nsymbols = [\"LMT\"]\nhedge = \"SPY\"\nmatch = \"all\"\n").unwrap();
        let StrategyConfig::NewsEvent(n) = &c else {
            panic!()
        };
        assert_eq!(
            (n.hold, n.size_per_event, n.max_exposure, n.match_mode),
            (5, 0.25, 1.0, MatchMode::All)
        );
        assert_eq!(c.symbols(), vec!["LMT", "SPY"]);
        c.validate().unwrap();
        let c = parse("kind = \"sector_rotation\"\nsymbols = [\"A\", \"B\", \"C\"]\n").unwrap();
        let StrategyConfig::SectorRotation(r) = &c else {
            panic!()
        };
        assert_eq!(
            (r.lookback, r.top_k, r.bottom_k, r.rebalance),
            (126, 3, 0, Rebalance::Monthly)
        );
        c.validate().unwrap();
        let c = parse("kind = \"rotation\"\nlong = [\"A\"]\nshort = [\"B\"]\nsignal = \"zscore\"\nweighting = \"beta_neutral\"\nbenchmark = \"M\"\nrebalance = \"on_signal_change\"\nstop_loss = 0.05\n").unwrap();
        assert_eq!(c.symbols(), vec!["A", "B", "M"]);
        c.validate().unwrap();
        let text = toml::to_string(&c).unwrap();
        assert_eq!(parse(&text).unwrap(), c);

        assert_eq!(
            invalid("kind = \"rotation\"\nlong = [\"A\"]\nshort = [\"B\"]\nweighting = \"beta_neutral\"\n"),
            "strategy.benchmark must be given when strategy.weighting = \"beta_neutral\""
        );
        assert_eq!(
            invalid(
                "kind = \"rotation\"\nlong = [\"A\"]\nshort = [\"B\"]\nentry_z = 1\nexit_z = 1\n"
            ),
            "strategy.exit_z (1) must be >= 0 and less than strategy.entry_z (1)"
        );
        assert_eq!(
            invalid("kind = \"news_event\"\ntags = [\"x\"]\nsymbols = [\"A\"]\nhold = 0\n"),
            "strategy.hold (0) must be at least 1"
        );
        assert_eq!(
            invalid("kind = \"news_event\"\nsymbols = [\"A\"]\n"),
            "strategy.tags must list at least one tag"
        );
        assert_eq!(
            invalid(
                "kind = \"sector_rotation\"\nsymbols = [\"A\", \"B\"]\ntop_k = 2\nbottom_k = 1\n"
            ),
            "strategy.top_k (2) + strategy.bottom_k (1) must not exceed the 2 symbols"
        );
        let e =
            parse("kind = \"news_event\"\ntags = [\"x\"]\nsymbols = [\"A\"]\ndirection = \"up\"\n")
                .unwrap_err();
        assert!(e.contains("unknown variant `up`"), "{e}");
    }
}
