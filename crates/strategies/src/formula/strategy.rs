//! The running formula strategy: reads precomputed weight rows at decision bars.
//!
//! At the first bar of each rebalance period (every bar with `on_signal_change`, which trades
//! only when the raw row changes) it takes the universe's raw weights at bar `t` (NaN -> 0;
//! negatives -> 0 when long-only), scales them to `sum |w| = gross_exposure` (all zero = flat)
//! and, with a volatility target, rescales the gross to `vol_target / vol` capped at
//! `max_leverage`, vol being the annualized sample std of the target portfolio's close-to-close
//! returns over the last `vol_window` bars (flat while undefined). Invariant: a decision at bar
//! `t` reads weight row `t` and closes up to `t`; nothing per bar allocates.

use rotor_engine::{Context, Strategy};

use crate::config::{FormulaConfig, Rebalance};
use crate::rotation::period;

/// The running strategy.
#[derive(Debug, Clone)]
pub struct Formula {
    universe: Vec<usize>,
    n_bars: usize,
    /// Raw weights, symbol-major: member `k` at bar `t` is `weights[k * n_bars + t]`.
    weights: Vec<f64>,
    rebalance: Rebalance,
    gross: f64,
    long_only: bool,
    vol_target: Option<f64>,
    vol_window: usize,
    max_leverage: f64,
    last_period: Option<i64>,
    raw: Vec<f64>,
    held_raw: Vec<f64>,
    targets: Vec<(usize, f64)>,
}

impl Formula {
    /// A strategy over `universe` (market indices) reading `weights` (symbol-major, `n_bars`
    /// per member, as [`super::eval::evaluate`] returns them).
    pub fn new(
        cfg: &FormulaConfig,
        universe: Vec<usize>,
        weights: Vec<f64>,
        n_bars: usize,
    ) -> Self {
        let m = universe.len();
        Formula {
            n_bars,
            weights,
            rebalance: cfg.rebalance,
            gross: cfg.gross_exposure,
            long_only: cfg.long_only,
            vol_target: cfg.vol_target,
            vol_window: cfg.vol_window,
            max_leverage: cfg.max_leverage,
            last_period: None,
            raw: vec![0.0; m],
            held_raw: vec![0.0; m],
            targets: Vec::with_capacity(m),
            universe,
        }
    }

    /// The raw weight of member `k` at bar `t` (NaN where undefined).
    pub fn raw_weight(&self, k: usize, t: usize) -> f64 {
        self.weights[k * self.n_bars + t]
    }

    /// Annualized sample volatility of the current targets' returns over the window ending at
    /// `t`; NaN while undefined.
    fn portfolio_vol(&self, ctx: &Context<'_>, t: usize) -> f64 {
        let w = self.vol_window;
        if t < w {
            return f64::NAN;
        }
        let port = |b: usize| -> f64 {
            let mut p = 0.0;
            for &(s, wk) in &self.targets {
                if wk != 0.0 {
                    let c = ctx.close(s);
                    p += wk * (c[b] / c[b - 1] - 1.0);
                }
            }
            p
        };
        let mean = (t + 1 - w..=t).map(port).sum::<f64>() / w as f64;
        let ss: f64 = (t + 1 - w..=t).map(|b| (port(b) - mean).powi(2)).sum();
        (ss / (w as f64 - 1.0)).sqrt() * ctx.periods_per_year().sqrt()
    }

    fn decide(&mut self, ctx: &Context<'_>, t: usize) {
        let total: f64 = self.raw.iter().map(|w| w.abs()).sum();
        let scale = if total > 0.0 { self.gross / total } else { 0.0 };
        self.targets.clear();
        self.targets.extend(
            self.universe
                .iter()
                .zip(&self.raw)
                .map(|(&s, &w)| (s, w * scale)),
        );
        if let (Some(target), true) = (self.vol_target, total > 0.0) {
            let vol = self.portfolio_vol(ctx, t);
            let factor = if vol.is_nan() {
                0.0
            } else if vol > 0.0 {
                (target / vol).min(self.max_leverage / self.gross)
            } else {
                self.max_leverage / self.gross
            };
            self.targets.iter_mut().for_each(|(_, w)| *w *= factor);
        }
    }
}

impl Strategy for Formula {
    fn on_bar(&mut self, ctx: &mut Context<'_>) {
        let Some(t) = ctx.bar() else { return };
        let on_change = self.rebalance == Rebalance::OnSignalChange;
        let period = period(self.rebalance, ctx.time());
        if !on_change && self.last_period == Some(period) {
            return;
        }
        self.last_period = Some(period);
        self.rebalance(ctx, t, on_change);
    }

    /// The first decision is taken at the trading start whatever the calendar (at the close of
    /// the last warm-up bar), as the built-in rotations do.
    fn on_start(&mut self, ctx: &mut Context<'_>) {
        if let Some(t) = ctx.bar() {
            self.rebalance(ctx, t, false);
        }
    }
}

impl Formula {
    /// Trades to the weights of bar `t` (with `only_on_change`, only when they changed).
    fn rebalance(&mut self, ctx: &mut Context<'_>, t: usize, only_on_change: bool) {
        for k in 0..self.universe.len() {
            let w = self.weights[k * self.n_bars + t];
            self.raw[k] = if w.is_nan() || (self.long_only && w < 0.0) {
                0.0
            } else {
                w
            };
        }
        if only_on_change && self.raw == self.held_raw {
            return;
        }
        self.held_raw.copy_from_slice(&self.raw);
        self.decide(ctx, t);
        ctx.cancel_all();
        ctx.target_weights(&self.targets);
    }
}
