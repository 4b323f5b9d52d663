//! `buy_and_hold`: fixed weights bought once and never traded again.
//!
//! Invariant: every order is submitted before the first traded session's open
//! ([`Strategy::on_start`]), so each symbol fills at its first open from that session on (whole
//! shares of `weight * equity at that open`), and nothing trades afterwards.

use rotor_engine::{Context, Strategy};

/// The running strategy.
#[derive(Debug, Clone)]
pub struct BuyAndHold {
    weights: Vec<(usize, f64)>,
    done: bool,
}

impl BuyAndHold {
    /// Holds symbol indices at the given weights (negative = short; validated by the config).
    pub fn new(weights: Vec<(usize, f64)>) -> Self {
        BuyAndHold {
            weights,
            done: false,
        }
    }
}

impl Strategy for BuyAndHold {
    fn on_start(&mut self, ctx: &mut Context<'_>) {
        if !self.done {
            self.done = true;
            ctx.target_weights(&self.weights);
        }
    }

    fn on_bar(&mut self, _ctx: &mut Context<'_>) {}
}
