//! Indicator columns shared across the runs of a sweep.
//!
//! A strategy declares the columns it can read precomputed ([`StrategyConfig::indicators`]),
//! each keyed by (symbol, parameter), e.g. the SMA of window `w` on symbol `s`. A sweep hands
//! every run one [`SharedIndicators`] over its market: the first run that needs a column
//! computes it, every other run (on any thread) reads the same `Arc<[f64]>`. 9,000 SMA-cross
//! sets over 100 symbols need only 100 x (distinct windows) moving averages, not 18,000.
//!
//! Invariant: a shared column holds, at each bar, exactly the value the strategy's own
//! streaming indicator would hold after that bar (same arithmetic, same order), so a run gives
//! bit-identical results with or without sharing, whichever thread computed the column.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use rotor_data::Market;

use crate::config::StrategyConfig;
use crate::indicators::Sma;

/// One precomputable column: a parameter of one symbol's series.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum IndicatorKey {
    /// Simple moving average of the last `window` closes of `symbol` ([`Sma`] fed the symbol's
    /// closes on the bars where it traded); NaN while the window fills and on bars without a
    /// close.
    Sma {
        /// The symbol's name.
        symbol: String,
        /// Window in bars (>= 1).
        window: usize,
    },
}

impl IndicatorKey {
    /// The column over `market`'s bars; `None` when the market lacks the symbol or the
    /// parameter is invalid.
    pub fn compute(&self, market: &Market) -> Option<Vec<f64>> {
        match self {
            IndicatorKey::Sma { symbol, window } => {
                let s = market.symbol_index(symbol)?;
                // A window longer than the data is invalid (and must not size a buffer).
                if *window == 0 || *window > market.n_bars() {
                    return None;
                }
                let mut sma = Sma::new(*window);
                let col = market
                    .close(s)
                    .iter()
                    .map(|&x| {
                        if x.is_nan() {
                            f64::NAN
                        } else {
                            sma.push(x);
                            sma.value()
                        }
                    })
                    .collect();
                Some(col)
            }
        }
    }
}

impl StrategyConfig {
    /// The columns this strategy reads from [`SharedIndicators`] when a sweep offers them
    /// (none for strategies that keep their own state only).
    pub fn indicators(&self) -> Vec<IndicatorKey> {
        match self {
            StrategyConfig::SmaCross(c) => vec![
                IndicatorKey::Sma {
                    symbol: c.symbol.clone(),
                    window: c.fast,
                },
                IndicatorKey::Sma {
                    symbol: c.symbol.clone(),
                    window: c.slow,
                },
            ],
            _ => Vec::new(),
        }
    }
}

/// A slot computed at most once, by the first run that asks.
type Slot = Arc<OnceLock<Option<Arc<[f64]>>>>;

/// The columns computed so far for one market, shared read-only by every run (`Sync`).
#[derive(Debug)]
pub struct SharedIndicators<'m> {
    market: &'m Market,
    slots: Mutex<HashMap<IndicatorKey, Slot>>,
    /// Bytes of columns admitted so far, and the cap.
    bytes: AtomicUsize,
    budget: usize,
}

/// Default memory cap of the shared columns (beyond it runs compute their own).
pub const DEFAULT_BUDGET: usize = 1 << 30;

impl<'m> SharedIndicators<'m> {
    /// An empty set of columns over `market`, holding at most `budget` bytes of columns.
    pub fn new(market: &'m Market, budget: usize) -> Self {
        SharedIndicators {
            market,
            slots: Mutex::new(HashMap::new()),
            bytes: AtomicUsize::new(0),
            budget,
        }
    }

    /// The market the columns are over.
    pub fn market(&self) -> &'m Market {
        self.market
    }

    /// The column of `key`, computed on first use; `None` when it cannot be computed or the
    /// memory cap is reached (the caller then computes its own state).
    pub fn get(&self, key: &IndicatorKey) -> Option<Arc<[f64]>> {
        let slot = {
            let mut slots = self.slots.lock().unwrap_or_else(|e| e.into_inner());
            match slots.get(key) {
                Some(s) => Arc::clone(s),
                None => {
                    let size = self.market.n_bars() * std::mem::size_of::<f64>();
                    let used = self.bytes.load(Ordering::Relaxed);
                    if used.saturating_add(size) > self.budget {
                        return None;
                    }
                    self.bytes.store(used + size, Ordering::Relaxed);
                    let s: Slot = Arc::default();
                    slots.insert(key.clone(), Arc::clone(&s));
                    s
                }
            }
        };
        // Outside the map's lock: other columns are computed in parallel meanwhile.
        slot.get_or_init(|| key.compute(self.market).map(Arc::from))
            .clone()
    }

    /// Number of distinct columns computed (or being computed).
    pub fn len(&self) -> usize {
        self.slots.lock().map_or(0, |s| s.len())
    }

    /// True when no column was asked for yet.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
