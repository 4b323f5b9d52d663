//! From a validated config to a finished backtest, with static dispatch.
//!
//! Invariant: [`run`] never starts a backtest with an invalid strategy or execution config or
//! with a symbol the market lacks; each of those is a [`StrategyError`] naming the key.

use rotor_data::{Event, Market};
use rotor_engine::{Context, Fill, RunResult, SimulationConfig, Strategy};

use crate::buy_and_hold::BuyAndHold;
use crate::config::StrategyConfig;
use crate::custom::CustomBuilt;
use crate::error::StrategyError;
use crate::formula::eval::evaluate_market;
use crate::formula::Formula;
use crate::news_event::NewsEvent;
use crate::rotation::Rotation;
use crate::sector_rotation::SectorRotation;
use crate::shared::SharedIndicators;
use crate::sma_cross::SmaCross;

/// A strategy bound to a market's symbol indices. A closed enum, so the engine's per-bar call
/// to a built-in kind is one `match`, not a virtual call (a user kind's is one).
#[derive(Debug)]
pub enum BuiltStrategy {
    /// See [`Rotation`].
    Rotation(Rotation),
    /// See [`BuyAndHold`].
    BuyAndHold(BuyAndHold),
    /// See [`SmaCross`].
    SmaCross(SmaCross),
    /// See [`NewsEvent`].
    NewsEvent(NewsEvent),
    /// See [`SectorRotation`].
    SectorRotation(SectorRotation),
    /// See [`Formula`].
    Formula(Formula),
    /// A user kind (see [`crate::CustomKind`]).
    Custom(CustomBuilt),
}

fn resolve(market: &Market, key: &str, names: &[String]) -> Result<Vec<usize>, StrategyError> {
    names
        .iter()
        .map(|name| {
            market
                .symbol_index(name)
                .ok_or_else(|| StrategyError::UnknownSymbol {
                    key: key.to_string(),
                    symbol: name.clone(),
                })
        })
        .collect()
}

impl StrategyConfig {
    /// Validates and binds the config to `market`'s symbols (raw prices; see
    /// [`StrategyConfig::build_for`]). Every window it uses must fit in the market's bars
    /// ([`StrategyConfig::check_windows`]); buffers are sized from windows capped at the data's
    /// length, so no parameter allocates beyond it.
    pub fn build(&self, market: &Market) -> Result<BuiltStrategy, StrategyError> {
        self.build_shared(market, None)
    }

    /// [`StrategyConfig::build`], reading the columns it declares ([`StrategyConfig::indicators`])
    /// from `shared` when `shared` is over this very market and holds them.
    pub fn build_shared(
        &self,
        market: &Market,
        shared: Option<&SharedIndicators<'_>>,
    ) -> Result<BuiltStrategy, StrategyError> {
        self.build_for(market, false, shared)
    }

    /// [`StrategyConfig::build_shared`] with the run's price view: a formula's columns are
    /// computed from adjusted prices when `adjust` (`execution.adjust`) is on, as the engine's
    /// are. No memory for them is an error ([`StrategyError::is_out_of_memory`]).
    pub fn build_for(
        &self,
        market: &Market,
        adjust: bool,
        shared: Option<&SharedIndicators<'_>>,
    ) -> Result<BuiltStrategy, StrategyError> {
        self.build_with(market, adjust, shared, true)
    }

    /// [`StrategyConfig::build_for`]; with `fallible`, no memory for the strategy's big
    /// buffers (a formula's columns) is an error ([`StrategyError::is_out_of_memory`]), else
    /// the global allocator's business.
    fn build_with(
        &self,
        market: &Market,
        adjust: bool,
        shared: Option<&SharedIndicators<'_>>,
        fallible: bool,
    ) -> Result<BuiltStrategy, StrategyError> {
        self.validate()?;
        let shared = shared.filter(|sh| std::ptr::eq(sh.market(), market));
        let built = self.build_capped(market, adjust, shared, fallible)?;
        self.check_windows(market.n_bars())?;
        Ok(built)
    }

    /// Binds [`StrategyConfig::capped`] to `market` (symbols checked first).
    fn build_capped(
        &self,
        market: &Market,
        adjust: bool,
        shared: Option<&SharedIndicators<'_>>,
        fallible: bool,
    ) -> Result<BuiltStrategy, StrategyError> {
        Ok(match &self.capped(market.n_bars()) {
            StrategyConfig::Rotation(c) => {
                let benchmark = match &c.benchmark {
                    Some(b) => {
                        Some(resolve(market, "strategy.benchmark", std::slice::from_ref(b))?[0])
                    }
                    None => None,
                };
                BuiltStrategy::Rotation(Rotation::new(
                    resolve(market, "strategy.long", &c.long)?,
                    resolve(market, "strategy.short", &c.short)?,
                    benchmark,
                    c.clone(),
                    fallible,
                )?)
            }
            StrategyConfig::NewsEvent(c) => {
                let hedge = match &c.hedge {
                    Some(h) => Some(resolve(market, "strategy.hedge", std::slice::from_ref(h))?[0]),
                    None => None,
                };
                BuiltStrategy::NewsEvent(NewsEvent::new(
                    c.clone(),
                    resolve(market, "strategy.symbols", &c.symbols)?,
                    hedge,
                    market.n_bars(),
                ))
            }
            StrategyConfig::SectorRotation(c) => BuiltStrategy::SectorRotation(
                SectorRotation::new(resolve(market, "strategy.symbols", &c.symbols)?, c.clone()),
            ),
            StrategyConfig::Formula(c) => {
                let universe = resolve(market, "strategy.universe", &c.universe)?;
                let program = c.program(&|s| market.symbol_index(s))?;
                let n_bars = market.n_bars();
                if program.warmup >= n_bars {
                    return Err(StrategyError::invalid(
                        "strategy.weights",
                        format!(
                            "strategy.weights needs {} bars of history before its first value, but the data has {n_bars} bars",
                            program.warmup
                        ),
                    ));
                }
                let weights = evaluate_market(&program, market, adjust, &universe, fallible)?;
                BuiltStrategy::Formula(Formula::new(c, universe, weights, n_bars))
            }
            StrategyConfig::BuyAndHold(c) => {
                let weights = if c.symbols.is_empty() {
                    let names: Vec<String> = c.weights.keys().cloned().collect();
                    let idx = resolve(market, "strategy.weights", &names)?;
                    idx.into_iter().zip(c.weights.values().copied()).collect()
                } else {
                    let w = 1.0 / c.symbols.len() as f64;
                    resolve(market, "strategy.symbols", &c.symbols)?
                        .into_iter()
                        .map(|s| (s, w))
                        .collect()
                };
                BuiltStrategy::BuyAndHold(BuyAndHold::new(weights))
            }
            StrategyConfig::Custom(c) => BuiltStrategy::Custom(c.build(market)?),
            StrategyConfig::SmaCross(c) => {
                let s = resolve(market, "strategy.symbol", std::slice::from_ref(&c.symbol))?[0];
                let columns = shared.and_then(|sh| {
                    let keys = self.indicators();
                    Some((sh.get(&keys[0])?, sh.get(&keys[1])?))
                });
                BuiltStrategy::SmaCross(match columns {
                    Some((fast, slow)) => SmaCross::with_columns(s, fast, slow),
                    None => SmaCross::reserved(s, c.fast, c.slow, fallible)?,
                })
            }
        })
    }
}

impl Strategy for BuiltStrategy {
    fn on_bar(&mut self, ctx: &mut Context<'_>) {
        match self {
            BuiltStrategy::Rotation(s) => s.on_bar(ctx),
            BuiltStrategy::BuyAndHold(s) => s.on_bar(ctx),
            BuiltStrategy::SmaCross(s) => s.on_bar(ctx),
            BuiltStrategy::NewsEvent(s) => s.on_bar(ctx),
            BuiltStrategy::SectorRotation(s) => s.on_bar(ctx),
            BuiltStrategy::Formula(s) => s.on_bar(ctx),
            BuiltStrategy::Custom(s) => s.on_bar(ctx),
        }
    }

    fn on_news(&mut self, ctx: &mut Context<'_>, event: &Event) {
        match self {
            BuiltStrategy::Rotation(s) => s.on_news(ctx, event),
            BuiltStrategy::BuyAndHold(s) => s.on_news(ctx, event),
            BuiltStrategy::SmaCross(s) => s.on_news(ctx, event),
            BuiltStrategy::NewsEvent(s) => s.on_news(ctx, event),
            BuiltStrategy::SectorRotation(s) => s.on_news(ctx, event),
            BuiltStrategy::Formula(s) => s.on_news(ctx, event),
            BuiltStrategy::Custom(s) => s.on_news(ctx, event),
        }
    }

    fn on_start(&mut self, ctx: &mut Context<'_>) {
        match self {
            BuiltStrategy::Rotation(s) => s.on_start(ctx),
            BuiltStrategy::BuyAndHold(s) => s.on_start(ctx),
            BuiltStrategy::SmaCross(s) => s.on_start(ctx),
            BuiltStrategy::NewsEvent(s) => s.on_start(ctx),
            BuiltStrategy::SectorRotation(s) => s.on_start(ctx),
            BuiltStrategy::Formula(s) => s.on_start(ctx),
            BuiltStrategy::Custom(s) => s.on_start(ctx),
        }
    }

    fn on_fill(&mut self, ctx: &mut Context<'_>, fill: &Fill) {
        match self {
            BuiltStrategy::Rotation(s) => s.on_fill(ctx, fill),
            BuiltStrategy::BuyAndHold(s) => s.on_fill(ctx, fill),
            BuiltStrategy::SmaCross(s) => s.on_fill(ctx, fill),
            BuiltStrategy::NewsEvent(s) => s.on_fill(ctx, fill),
            BuiltStrategy::SectorRotation(s) => s.on_fill(ctx, fill),
            BuiltStrategy::Formula(s) => s.on_fill(ctx, fill),
            BuiltStrategy::Custom(s) => s.on_fill(ctx, fill),
        }
    }
}

/// Validates both configs, builds `strategy` for `market` and runs it. No memory for the run's
/// buffers (the strategy's, e.g. a formula's columns, and the engine's, see
/// [`rotor_engine::try_run`]) is an error ([`StrategyError::is_out_of_memory`]).
pub fn run(
    market: &Market,
    strategy: &StrategyConfig,
    sim: &SimulationConfig,
) -> Result<RunResult, StrategyError> {
    run_built(market, strategy, sim, None, true).map(|(r, _)| r)
}

/// [`run`], with the indicator columns of `shared` (a sweep's; see [`crate::shared`]): the
/// same result, bit for bit. An error here is the set's own (a sweep records it as invalid),
/// so running out of memory is left to the global allocator ([`rotor_engine::run`]).
pub fn run_shared(
    market: &Market,
    strategy: &StrategyConfig,
    sim: &SimulationConfig,
    shared: Option<&SharedIndicators<'_>>,
) -> Result<RunResult, StrategyError> {
    run_built(market, strategy, sim, shared, false).map(|(r, _)| r)
}

/// [`run_shared`], with no memory for the run's buffers (the strategy's and the engine's) an
/// error ([`StrategyError::is_out_of_memory`]) as in [`run`]: for a sweep's sets, which must
/// stop on it rather than record it as the set's own (it is the machine's limit).
pub fn try_run_shared(
    market: &Market,
    strategy: &StrategyConfig,
    sim: &SimulationConfig,
    shared: Option<&SharedIndicators<'_>>,
) -> Result<RunResult, StrategyError> {
    run_built(market, strategy, sim, shared, true).map(|(r, _)| r)
}

/// Like [`run`], and also returns the strategy in its final state (e.g. the events a
/// [`NewsEvent`] acted on).
pub fn run_keep(
    market: &Market,
    strategy: &StrategyConfig,
    sim: &SimulationConfig,
) -> Result<(RunResult, BuiltStrategy), StrategyError> {
    run_built(market, strategy, sim, None, true)
}

/// Builds and runs; `fallible`: [`rotor_engine::try_run`], else [`rotor_engine::run`].
fn run_built(
    market: &Market,
    strategy: &StrategyConfig,
    sim: &SimulationConfig,
    shared: Option<&SharedIndicators<'_>>,
    fallible: bool,
) -> Result<(RunResult, BuiltStrategy), StrategyError> {
    sim.validate()?;
    let mut built = strategy.build_with(market, sim.execution.adjust, shared, fallible)?;
    let result = match fallible {
        true => rotor_engine::try_run(market, sim, &mut built)?,
        false => rotor_engine::run(market, sim, &mut built),
    };
    if let Some(bar) = result.first_non_finite_equity() {
        return Err(StrategyError::NonFiniteEquity {
            bar,
            timestamp: rotor_data::time::format_ns(market.timestamps()[bar]),
            value: result.equity[bar],
        });
    }
    Ok((result, built))
}
