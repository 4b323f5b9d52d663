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
//! `weighting = "inverse_volatility"` weights each leg's members by `1 / vol`, vol the sample
//! standard deviation of the member's daily log returns over the `vol_window` bars ending at
//! the decision bar (a symbol without a defined vol is left out of the ranking). With
//! `vol_target`, the book is then scaled by `vol_target / sigma`, sigma the annualized sample
//! standard deviation (times `sqrt(periods per year)`) of the daily returns the book's weights
//! would have earned over those bars (`sum_k w_k r_k`, simple returns, a missing return as 0),
//! capped so the gross exposure is at most `max_leverage`; before `vol_window` returns exist
//! the book is flat.
//!
//! Invariant: the long and short sets are disjoint and each hold exactly `top_k` / `bottom_k`
//! symbols whenever the book is not flat; every price read is at or before the decision bar.

use rotor_engine::{Context, Strategy};

use crate::config::{Rebalance, SectorRotationConfig, SectorWeighting};
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
    /// Volatility of each member at the decision bar (NaN when undefined or unused).
    vols: Vec<f64>,
}

/// Sample standard deviation (ddof 1) of `x(tau)` for tau in `(t - n, t]`, non-finite values
/// skipped; NaN with fewer than two values. Two passes, no allocation.
fn window_std(t: usize, n: usize, x: impl Fn(usize) -> f64) -> f64 {
    let taus = || (t + 1 - n..=t).map(&x).filter(|v| v.is_finite());
    let (k, sum) = taus().fold((0usize, 0.0), |(k, s), v| (k + 1, s + v));
    if k < 2 {
        return f64::NAN;
    }
    let mean = sum / k as f64;
    let ss: f64 = taus().map(|v| (v - mean) * (v - mean)).sum();
    (ss / (k - 1) as f64).sqrt()
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
            vols: vec![f64::NAN; n],
        }
    }

    /// Volatility of every member over the `vol_window` bars ending at `t` (log returns).
    fn update_vols(&mut self, ctx: &Context<'_>, t: usize) {
        let n = self.cfg.vol_window;
        for (k, &s) in self.symbols.iter().enumerate() {
            let c = ctx.close(s);
            self.vols[k] = if t >= n {
                window_std(t, n, |tau| (c[tau] / c[tau - 1]).ln())
            } else {
                f64::NAN
            };
        }
    }

    /// Splits `gross` over the ranked members at positions `leg`, equally or by 1/vol.
    fn weigh_leg(&mut self, leg: std::ops::Range<usize>, gross: f64) {
        let inverse = self.cfg.weighting == SectorWeighting::InverseVolatility;
        let members = &self.ranked[leg];
        let total: f64 = members
            .iter()
            .map(|&(_, k)| if inverse { 1.0 / self.vols[k] } else { 1.0 })
            .sum();
        for &(_, k) in members {
            let share = if inverse { 1.0 / self.vols[k] } else { 1.0 };
            self.next[k] = gross * share / total;
        }
    }

    /// Scales `next` to the volatility target (see the module docs); flat without a defined
    /// realized volatility.
    fn target_volatility(&mut self, ctx: &Context<'_>, t: usize, target: f64) {
        let n = self.cfg.vol_window;
        let gross: f64 = self.next.iter().map(|w| w.abs()).sum();
        if gross == 0.0 {
            return;
        }
        let sigma = if t >= n {
            let (symbols, next) = (&self.symbols, &self.next);
            window_std(t, n, |tau| {
                symbols
                    .iter()
                    .zip(next)
                    .filter(|(_, w)| **w != 0.0)
                    .map(|(&s, w)| {
                        let c = ctx.close(s);
                        let r = c[tau] / c[tau - 1] - 1.0;
                        if r.is_finite() {
                            w * r
                        } else {
                            0.0
                        }
                    })
                    .sum()
            }) * ctx.periods_per_year().sqrt()
        } else {
            f64::NAN
        };
        let cap = self.cfg.max_leverage / gross;
        let scale = if sigma.is_nan() {
            0.0
        } else if sigma > 0.0 {
            (target / sigma).min(cap)
        } else {
            cap
        };
        self.next.iter_mut().for_each(|w| *w *= scale);
    }

    fn decide(&mut self, ctx: &Context<'_>, t: usize) {
        self.next.iter_mut().for_each(|w| *w = 0.0);
        let Some(start) = t.checked_sub(self.cfg.skip + self.cfg.lookback) else {
            return;
        };
        let end = t - self.cfg.skip;
        let inverse = self.cfg.weighting == SectorWeighting::InverseVolatility;
        if inverse {
            self.update_vols(ctx, t);
        }
        self.ranked.clear();
        for (k, &s) in self.symbols.iter().enumerate() {
            let c = ctx.close(s);
            let m = c[end] / c[start] - 1.0;
            let weighable = !inverse || (self.vols[k].is_finite() && self.vols[k] > 0.0);
            if m.is_finite() && weighable {
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
        let n = self.ranked.len();
        self.weigh_leg(0..top, gl);
        self.weigh_leg(n - bottom..n, -gs);
        if let Some(target) = self.cfg.vol_target {
            self.target_volatility(ctx, t, target);
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
        self.rebalance(ctx, on_change);
    }

    /// The first decision is taken at the trading start whatever the calendar: at the close of
    /// the last warm-up bar, so the first traded open already holds the ranks' leaders.
    fn on_start(&mut self, ctx: &mut Context<'_>) {
        if let Some(t) = ctx.bar() {
            self.decide(ctx, t);
            self.rebalance(ctx, false);
        }
    }
}

impl SectorRotation {
    /// Trades to the weights `decide` left in `next` (with `only_on_change`, only when the
    /// long or short set changed).
    fn rebalance(&mut self, ctx: &mut Context<'_>, only_on_change: bool) {
        let same_sets = self
            .next
            .iter()
            .zip(&self.held)
            .all(|(a, b)| (*a > 0.0) == (*b > 0.0) && (*a < 0.0) == (*b < 0.0));
        if only_on_change && same_sets {
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
