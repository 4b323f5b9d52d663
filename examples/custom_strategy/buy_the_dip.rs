//! Step 1 of writing a strategy in Rust: the `[strategy]` table as a serde type, and the
//! trading logic as a `rotor_engine::Strategy`.
//!
//! Buy the dip: after a session that closed more than `drop` down, put 100% of equity in
//! `symbol` at the next open, and sell at the open `hold` sessions later.

use rotor_engine::{Context, Market, Strategy};
use rotor_strategies::{CustomKind, StrategyError};
use serde::{Deserialize, Serialize};

/// `kind = "buy_the_dip"`: the keys of its `[strategy]` table, each with a default, unknown
/// keys refused (as for the built-in kinds).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct BuyTheDipConfig {
    /// The traded symbol.
    pub symbol: String,
    /// A close-to-close fall larger than this (0.02 = 2%) is a dip.
    pub drop: f64,
    /// Sessions held after the entry.
    pub hold: usize,
}

impl Default for BuyTheDipConfig {
    fn default() -> Self {
        BuyTheDipConfig {
            symbol: "SPY".into(),
            drop: 0.02,
            hold: 5,
        }
    }
}

impl CustomKind for BuyTheDipConfig {
    const KIND: &'static str = "buy_the_dip";
    type Built = BuyTheDip;

    fn symbols(&self) -> Vec<String> {
        vec![self.symbol.clone()]
    }

    fn validate(&self) -> Result<(), StrategyError> {
        if !(self.drop.is_finite() && self.drop > 0.0 && self.drop < 1.0) {
            let msg = format!("strategy.drop ({}) must be within (0, 1)", self.drop);
            return Err(StrategyError::invalid("strategy.drop", msg));
        }
        if self.hold == 0 {
            return Err(StrategyError::invalid(
                "strategy.hold",
                "strategy.hold (0) must be at least 1",
            ));
        }
        Ok(())
    }

    /// The first decision compares two closes.
    fn warmup_bars(&self) -> usize {
        2
    }

    fn build(&self, market: &Market) -> Result<BuyTheDip, StrategyError> {
        let symbol =
            market
                .symbol_index(&self.symbol)
                .ok_or_else(|| StrategyError::UnknownSymbol {
                    key: "strategy.symbol".into(),
                    symbol: self.symbol.clone(),
                })?;
        Ok(BuyTheDip {
            symbol,
            drop: self.drop,
            hold: self.hold,
            exit_at: None,
        })
    }
}

/// The strategy bound to a market.
#[derive(Debug)]
pub struct BuyTheDip {
    symbol: usize,
    drop: f64,
    hold: usize,
    /// Bar at whose close the position is to be closed, while one is held or pending.
    exit_at: Option<usize>,
}

impl Strategy for BuyTheDip {
    fn on_bar(&mut self, ctx: &mut Context<'_>) {
        let Some(t) = ctx.bar() else { return };
        if let Some(exit) = self.exit_at {
            if t >= exit {
                ctx.target_weight(self.symbol, 0.0); // fills at the next open
                self.exit_at = None;
            }
            return;
        }
        let close = ctx.close(self.symbol); // closes up to and including bar t, never after
        if t >= 1 && close[t] / close[t - 1] - 1.0 < -self.drop {
            // In at the open of t + 1, out at the open of t + 1 + hold.
            ctx.target_weight(self.symbol, 1.0);
            self.exit_at = Some(t + self.hold);
        }
    }
}
