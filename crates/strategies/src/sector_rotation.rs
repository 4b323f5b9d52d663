//! `sector_rotation`: cross-sectional momentum over a universe.
//!
//! At each rebalance (first bar of each period; default monthly) every symbol's momentum
//! `close[t-skip] / close[t-skip-lookback] - 1` is computed from closes up to the decision bar;
//! symbols with undefined momentum are left out of the ranking. The `top_k` highest are held long
//! at equal weight and, when `bottom_k > 0`, the `bottom_k` lowest short at equal weight, the gross
//! split evenly between the legs; everything else goes to zero. Ties rank by config order. With
//! `on_signal_change` the ranking is evaluated every bar and trades only when the chosen sets
//! change. While fewer than `top_k + bottom_k` symbols are ranked, the book is flat.
//!
//! Invariant: the long and short sets are disjoint and each hold exactly `top_k` / `bottom_k`
//! symbols whenever the book is not flat.

use rotor_engine::{Context, Strategy};

use crate::config::{Rebalance, SectorRotationConfig};
use crate::rotation::period;

/// The running strategy.
#[derive(Debug, Clone)]
pub struct SectorRotation {
    symbols: Vec<usize>,
    cfg: SectorRotationConfig,
    last_period: Option<i64>,
    ranked: Vec<(f64, usize)>,
    /// Current target per universe member (index into `symbols`).
    held: Vec<f64>,
    next: Vec<f64>,
    targets: Vec<(usize, f64)>,
}

impl SectorRotation {
    /// Ranks the universe `symbols` (market indices).
    pub fn new(symbols: Vec<usize>, cfg: SectorRotationConfig) -> Self {
        let n = symbols.len();
        SectorRotation {
            symbols,
            cfg,
            last_period: None,
            ranked: Vec::with_capacity(n),
            held: vec![0.0; n],
            next: vec![0.0; n],
            targets: Vec::with_capacity(n),
        }
    }

    fn decide(&mut self, ctx: &Context<'_>, t: usize) {
        self.next.iter_mut().for_each(|w| *w = 0.0);
        let Some(start) = t.checked_sub(self.cfg.skip + self.cfg.lookback) else {
            return;
        };
        let end = t - self.cfg.skip;
        self.ranked.clear();
        for (k, &s) in self.symbols.iter().enumerate() {
            let c = ctx.close(s);
            let m = c[end] / c[start] - 1.0;
            if m.is_finite() {
                self.ranked.push((m, k));
            }
        }
        let (top, bottom) = (self.cfg.top_k, self.cfg.bottom_k);
        if self.ranked.len() < top + bottom {
            return;
        }
        // Highest first; ties by config order (stable sort on the descending key).
        self.ranked
            .sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        let g = self.cfg.gross_exposure;
        let (gl, gs) = if bottom > 0 {
            (g / 2.0, g / 2.0)
        } else {
            (g, 0.0)
        };
        for &(_, k) in &self.ranked[..top] {
            self.next[k] = gl / top as f64;
        }
        let n = self.ranked.len();
        for &(_, k) in &self.ranked[n - bottom..] {
            self.next[k] = -gs / bottom as f64;
        }
    }
}

impl Strategy for SectorRotation {
    fn on_bar(&mut self, ctx: &mut Context<'_>) {
        let Some(t) = ctx.bar() else { return };
        let on_change = self.cfg.rebalance == Rebalance::OnSignalChange;
        let period = period(self.cfg.rebalance, ctx.time());
        if !on_change && self.last_period == Some(period) {
            return;
        }
        self.last_period = Some(period);
        self.decide(ctx, t);
        let same_sets = self
            .next
            .iter()
            .zip(&self.held)
            .all(|(a, b)| (*a > 0.0) == (*b > 0.0) && (*a < 0.0) == (*b < 0.0));
        if on_change && same_sets {
            return;
        }
        std::mem::swap(&mut self.held, &mut self.next);
        self.targets.clear();
        self.targets
            .extend(self.symbols.iter().zip(&self.held).map(|(&s, &w)| (s, w)));
        ctx.cancel_all();
        ctx.target_weights(&self.targets);
    }
}
