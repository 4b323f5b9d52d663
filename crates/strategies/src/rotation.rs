//! `rotation`: long one basket and short the other, the direction chosen by a signal.
//!
//! Decisions are taken at the close of a bar with data up to that close only, and fill at the
//! next open. With a calendar rebalance (`daily`, `weekly`, `monthly`) the strategy decides at the
//! first bar of each new period (UTC date, ISO week or calendar month of the bar's close) and
//! re-sizes to its targets; with `on_signal_change` it decides every bar and trades only when the
//! direction changes. Signals (direction +1 = long the `long` basket, short the `short` one):
//! - `momentum`: `sign(mom(long) - mom(short))`, a basket's momentum being the mean over its
//!   members of `close[t-skip] / close[t-skip-lookback] - 1` on the master timeline;
//! - `zscore`: with `spread = mean ln close(long) - mean ln close(short)` and `z` its z-score over
//!   `window` bars: flat -> +1 when `z < -entry_z`, -1 when `z > entry_z`; +1 -> flat once
//!   `z >= -exit_z` (-1 when `z > entry_z`); symmetrically for -1;
//! - `trend`: `sign(spread - SMA(spread, window))`.
//!
//! Direction -1 reverses the legs when `flip`, else is flat; an undefined signal (warm-up,
//! missing closes, weighting inputs not ready) is flat. Weighting: `equal` puts `gross/2` on each
//! leg split evenly; `inverse_volatility` weights members by `1/vol` within a leg and sizes legs
//! so `G_L * H_L = G_S * H_S` (H = harmonic mean vol of the leg); `beta_neutral` splits evenly
//! within a leg and sizes legs so `G_L * beta_L = G_S * beta_S` (beta_L = mean member beta; equal
//! split if a leg's beta is not positive). A stop-loss / take-profit compares the equity with its
//! value at the close where the pair was entered; once hit the pair is closed and stays flat until
//! the signal's direction differs from the stopped one.
//!
//! Invariant: no decision reads a close after the decision bar; legs always carry opposite
//! signs, and `|weights|` sum to `gross_exposure` whenever a position is held.

use chrono::Datelike;
use rotor_data::time::{ns_to_date, NS_PER_DAY};
use rotor_engine::{Context, Strategy};

use crate::alloc::Alloc;
use crate::config::{Rebalance, RotationConfig, Signal, Weighting};
use crate::error::StrategyError;
use crate::indicators::{RollingBeta, RollingStd, Sma, ZScore};

/// What a failed reservation of the rolling windows names in its error.
const WINDOWS: &str =
    "the rotation strategy's rolling windows (strategy.vol_window per member, strategy.window)";

/// Calendar period of a bar's close, for rebalancing.
pub(crate) fn period(rebalance: Rebalance, ts: i64) -> i64 {
    let days = ts.div_euclid(NS_PER_DAY);
    match rebalance {
        Rebalance::Daily | Rebalance::OnSignalChange => days,
        // 1970-01-01 was a Thursday: shifting by 3 makes weeks start on Monday (ISO).
        Rebalance::Weekly => (days + 3).div_euclid(7),
        Rebalance::Monthly => {
            let d = ns_to_date(ts);
            d.year() as i64 * 12 + d.month0() as i64
        }
    }
}

/// Per-member rolling statistics of daily log returns.
#[derive(Debug, Clone)]
struct MemberStats {
    vol: RollingStd,
    beta: RollingBeta,
}

/// The running strategy.
#[derive(Debug, Clone)]
pub struct Rotation {
    long: Vec<usize>,
    short: Vec<usize>,
    benchmark: Option<usize>,
    // Boxed: keeps `BuiltStrategy` small (clippy::large_enum_variant).
    cfg: Box<RotationConfig>,
    members: Vec<MemberStats>,
    zscore: ZScore,
    trend: Sma,
    last_period: Option<i64>,
    /// Hysteresis state of the z-score signal.
    z_state: f64,
    /// Direction currently held (after stops).
    held: f64,
    stopped: Option<f64>,
    entry_equity: f64,
    targets: Vec<(usize, f64)>,
}

impl Rotation {
    /// A rotation between symbol indices `long` and `short` (disjoint, non-empty), with the
    /// beta benchmark's index when `cfg.benchmark` is set. With `fallible`, no memory for its
    /// rolling windows (4 x `vol_window` values per member, 3 x `window`) is an error
    /// ([`StrategyError::is_out_of_memory`]); without, the global allocator's business.
    pub fn new(
        long: Vec<usize>,
        short: Vec<usize>,
        benchmark: Option<usize>,
        cfg: RotationConfig,
        fallible: bool,
    ) -> Result<Self, StrategyError> {
        let alloc = Alloc::new(fallible);
        let mut members = Vec::with_capacity(long.len() + short.len());
        for _ in 0..long.len() + short.len() {
            members.push(MemberStats {
                vol: RollingStd::reserved(cfg.vol_window, alloc, WINDOWS)?,
                beta: RollingBeta::reserved(cfg.vol_window, alloc, WINDOWS)?,
            });
        }
        Ok(Rotation {
            targets: Vec::with_capacity(long.len() + short.len()),
            zscore: ZScore::reserved(cfg.window, alloc, WINDOWS)?,
            trend: Sma::reserved(cfg.window, alloc, WINDOWS)?,
            long,
            short,
            benchmark,
            members,
            cfg: Box::new(cfg),
            last_period: None,
            z_state: 0.0,
            held: 0.0,
            stopped: None,
            entry_equity: f64::NAN,
        })
    }

    /// Mean momentum of a basket as of bar `t`, NaN when undefined.
    fn momentum(&self, ctx: &Context<'_>, basket: &[usize], t: usize) -> f64 {
        let Some(start) = t.checked_sub(self.cfg.skip + self.cfg.lookback) else {
            return f64::NAN;
        };
        let end = t - self.cfg.skip;
        let mut sum = 0.0;
        for &s in basket {
            let c = ctx.close(s);
            sum += c[end] / c[start] - 1.0;
        }
        sum / basket.len() as f64
    }

    /// Relative momentum `mom(long) - mom(short)` at the latest bar (NaN when undefined).
    pub fn signal(&self, ctx: &Context<'_>) -> f64 {
        match ctx.bar() {
            Some(t) => self.momentum(ctx, &self.long, t) - self.momentum(ctx, &self.short, t),
            None => f64::NAN,
        }
    }

    fn spread(ctx: &Context<'_>, long: &[usize], short: &[usize], t: usize) -> f64 {
        let leg =
            |b: &[usize]| b.iter().map(|&s| ctx.close(s)[t].ln()).sum::<f64>() / b.len() as f64;
        leg(long) - leg(short)
    }

    fn update_indicators(&mut self, ctx: &Context<'_>, t: usize) {
        let spread = Self::spread(ctx, &self.long, &self.short, t);
        if spread.is_finite() {
            match self.cfg.signal {
                Signal::Zscore => self.zscore.push(spread),
                Signal::Trend => self.trend.push(spread),
                Signal::Momentum => {}
            }
        }
        if self.cfg.weighting == Weighting::Equal || t == 0 {
            return;
        }
        let ret = |s: usize| {
            let c = ctx.close(s);
            (c[t] / c[t - 1]).ln()
        };
        let bench = self.benchmark.map(ret);
        for (k, &s) in self.long.iter().chain(&self.short).enumerate() {
            let r = ret(s);
            if !r.is_finite() {
                continue;
            }
            let m = &mut self.members[k];
            m.vol.push(r);
            if let Some(b) = bench.filter(|b| b.is_finite()) {
                m.beta.push(b, r);
            }
        }
    }

    fn raw_direction(&mut self, ctx: &Context<'_>, t: usize) -> f64 {
        let dir = match self.cfg.signal {
            Signal::Momentum => {
                let s = self.signal(ctx);
                if s > 0.0 {
                    1.0
                } else if s < 0.0 {
                    -1.0
                } else {
                    0.0
                }
            }
            Signal::Trend => {
                let d = Self::spread(ctx, &self.long, &self.short, t) - self.trend.value();
                if d > 0.0 {
                    1.0
                } else if d < 0.0 {
                    -1.0
                } else {
                    0.0
                }
            }
            Signal::Zscore => {
                let z = self.zscore.value();
                let (entry, exit) = (self.cfg.entry_z, self.cfg.exit_z);
                self.z_state = if z.is_nan() {
                    0.0
                } else if z > entry {
                    -1.0
                } else if z < -entry {
                    1.0
                } else if (self.z_state > 0.0 && z >= -exit) || (self.z_state < 0.0 && z <= exit) {
                    0.0
                } else {
                    self.z_state
                };
                self.z_state
            }
        };
        if dir < 0.0 && !self.cfg.flip {
            0.0
        } else {
            dir
        }
    }

    /// Gross of the long and short basket for direction +1, or `None` when undefined.
    fn leg_grosses(&self) -> Option<(f64, f64)> {
        let g = self.cfg.gross_exposure;
        let nl = self.long.len();
        let (a, b) = match self.cfg.weighting {
            Weighting::Equal => return Some((g / 2.0, g / 2.0)),
            Weighting::InverseVolatility => {
                let harmonic = |ms: &[MemberStats]| {
                    let inv: f64 = ms.iter().map(|m| 1.0 / m.vol.value()).sum();
                    ms.len() as f64 / inv
                };
                (harmonic(&self.members[..nl]), harmonic(&self.members[nl..]))
            }
            Weighting::BetaNeutral => {
                let mean = |ms: &[MemberStats]| {
                    ms.iter().map(|m| m.beta.value()).sum::<f64>() / ms.len() as f64
                };
                let (bl, bs) = (mean(&self.members[..nl]), mean(&self.members[nl..]));
                if bl.is_nan() || bs.is_nan() {
                    return None;
                }
                if bl <= 0.0 || bs <= 0.0 {
                    return Some((g / 2.0, g / 2.0));
                }
                (bl, bs)
            }
        };
        // Leg sizes inversely proportional to each leg's risk measure.
        if !(a.is_finite() && b.is_finite() && a > 0.0 && b > 0.0) {
            return None;
        }
        Some((g * b / (a + b), g * a / (a + b)))
    }

    fn fill_targets(&mut self, dir: f64) -> bool {
        self.targets.clear();
        let (gl, gs) = if dir == 0.0 {
            (0.0, 0.0)
        } else {
            match self.leg_grosses() {
                Some(x) => x,
                None => return false,
            }
        };
        let nl = self.long.len();
        let within = |ms: &[MemberStats], k: usize| -> f64 {
            match self.cfg.weighting {
                Weighting::InverseVolatility => {
                    let inv: f64 = ms.iter().map(|m| 1.0 / m.vol.value()).sum();
                    (1.0 / ms[k].vol.value()) / inv
                }
                _ => 1.0 / ms.len() as f64,
            }
        };
        for (k, &s) in self.long.iter().enumerate() {
            let w = dir * gl * within(&self.members[..nl], k);
            self.targets.push((s, w));
        }
        for (k, &s) in self.short.iter().enumerate() {
            let w = -dir * gs * within(&self.members[nl..], k);
            self.targets.push((s, w));
        }
        true
    }

    fn trade(&mut self, ctx: &mut Context<'_>, dir: f64) {
        let dir = if self.fill_targets(dir) {
            dir
        } else {
            self.fill_targets(0.0);
            0.0
        };
        if dir != 0.0 && dir != self.held {
            self.entry_equity = ctx.equity();
        }
        self.held = dir;
        ctx.cancel_all();
        ctx.target_weights(&self.targets);
    }
}

impl Strategy for Rotation {
    /// The first decision is taken at the trading start whatever the calendar: at the close of
    /// the last warm-up bar, so the first traded open already holds the pair.
    fn on_start(&mut self, ctx: &mut Context<'_>) {
        if let Some(t) = ctx.bar() {
            let dir = self.raw_direction(ctx, t);
            self.trade(ctx, dir);
        }
    }

    fn on_bar(&mut self, ctx: &mut Context<'_>) {
        let Some(t) = ctx.bar() else { return };
        self.update_indicators(ctx, t);

        if self.held != 0.0 && self.entry_equity > 0.0 {
            let pnl = ctx.equity() / self.entry_equity - 1.0;
            let stop = self.cfg.stop_loss.is_some_and(|s| pnl <= -s);
            let take = self.cfg.take_profit.is_some_and(|p| pnl >= p);
            if stop || take {
                self.stopped = Some(self.held);
                // Keep the signal state running (z-score hysteresis) but go flat now.
                self.trade(ctx, 0.0);
                return;
            }
        }

        let on_change = self.cfg.rebalance == Rebalance::OnSignalChange;
        let period = period(self.cfg.rebalance, ctx.time());
        let new_period = self.last_period != Some(period);
        self.last_period = Some(period);
        // The z-score's hysteresis must see every bar; the others are stateless.
        let mut dir = if on_change || new_period || self.cfg.signal == Signal::Zscore {
            self.raw_direction(ctx, t)
        } else {
            return;
        };
        if !(on_change || new_period) {
            return;
        }
        if let Some(s) = self.stopped {
            if dir == s {
                dir = 0.0;
            } else {
                self.stopped = None;
            }
        }
        if on_change && dir == self.held {
            return;
        }
        self.trade(ctx, dir);
    }
}
