//! `sma_cross`: long-only moving-average crossover on one symbol (backtesting.py's `SmaCross`
//! rules, long-only).
//!
//! Invariant: after the close of bar `t` (a bar where the symbol traded) it orders target weight
//! 1 exactly when `fast[t-1] < slow[t-1]` and `fast[t] > slow[t]`, and target weight 0 exactly
//! when `fast[t-1] > slow[t-1]` and `fast[t] < slow[t]`, where `[t-1]` is the symbol's previous
//! bar; SMAs are over the symbol's own closes and NaN until full, so no cross fires in warm-up.
//! Both fill at the next open: whole shares, all in, sized at the fill price.

use std::sync::Arc;

use rotor_engine::{Context, Strategy};

use crate::alloc::Alloc;
use crate::error::StrategyError;
use crate::indicators::Sma as RollingMean;

/// The two moving averages: updated by the strategy, or read from columns a sweep computed
/// once for every set that shares them (the same values, see [`crate::shared`]).
#[derive(Debug, Clone)]
enum Averages {
    Own {
        fast: RollingMean,
        slow: RollingMean,
    },
    Shared {
        fast: Arc<[f64]>,
        slow: Arc<[f64]>,
    },
}

/// The running strategy.
#[derive(Debug, Clone)]
pub struct SmaCross {
    symbol: usize,
    averages: Averages,
    prev: (f64, f64),
}

impl SmaCross {
    /// Trades symbol index `symbol` on SMAs of `fast < slow` bars (both >= 1).
    pub fn new(symbol: usize, fast: usize, slow: usize) -> Self {
        SmaCross {
            symbol,
            averages: Averages::Own {
                fast: RollingMean::new(fast),
                slow: RollingMean::new(slow),
            },
            prev: (f64::NAN, f64::NAN),
        }
    }

    /// [`SmaCross::new`], with no memory for its two windows an error when `fallible`
    /// ([`StrategyError::is_out_of_memory`]).
    pub(crate) fn reserved(
        symbol: usize,
        fast: usize,
        slow: usize,
        fallible: bool,
    ) -> Result<Self, StrategyError> {
        let alloc = Alloc::new(fallible);
        let what = "the sma_cross strategy's windows (strategy.fast, strategy.slow)";
        Ok(SmaCross {
            symbol,
            averages: Averages::Own {
                fast: RollingMean::reserved(fast, alloc, what)?,
                slow: RollingMean::reserved(slow, alloc, what)?,
            },
            prev: (f64::NAN, f64::NAN),
        })
    }

    /// Trades symbol index `symbol` reading its fast and slow SMAs from precomputed columns
    /// (one value per bar of the market, as [`crate::shared::IndicatorKey::Sma`] computes).
    pub fn with_columns(symbol: usize, fast: Arc<[f64]>, slow: Arc<[f64]>) -> Self {
        SmaCross {
            symbol,
            averages: Averages::Shared { fast, slow },
            prev: (f64::NAN, f64::NAN),
        }
    }
}

impl Strategy for SmaCross {
    fn on_bar(&mut self, ctx: &mut Context<'_>) {
        let close = ctx.close(self.symbol);
        let Some(&x) = close.last() else { return };
        if x.is_nan() {
            return; // no bar for the symbol: its SMAs do not move
        }
        let (f, s) = match &mut self.averages {
            Averages::Own { fast, slow } => {
                fast.push(x);
                slow.push(x);
                (fast.value(), slow.value())
            }
            Averages::Shared { fast, slow } => {
                let t = close.len() - 1;
                (
                    fast.get(t).copied().unwrap_or(f64::NAN),
                    slow.get(t).copied().unwrap_or(f64::NAN),
                )
            }
        };
        let (pf, ps) = self.prev;
        // NaN compares false, so warm-up never fires.
        if pf < ps && f > s {
            ctx.target_weight(self.symbol, 1.0);
        } else if pf > ps && f < s {
            ctx.target_weight(self.symbol, 0.0);
        }
        self.prev = (f, s);
    }
}
