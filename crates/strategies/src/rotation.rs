//! `rotation`: long one basket and short the other on relative momentum, dollar-neutral.
//!
//! At the close of the first bar of each new period (UTC date, ISO week or calendar month of the
//! bar's close), with data up to that close only, it computes
//! `signal = momentum(long) - momentum(short)`, where a basket's momentum is the mean over its
//! members of `close[t-skip] / close[t-skip-lookback] - 1` on the master timeline. Signal > 0:
//! long basket at `+gross/2` split evenly, short basket at `-gross/2` split evenly; signal < 0:
//! the reverse when `flip`, else flat; signal undefined (warm-up, or a member without a close at
//! either end of the window): flat. Orders fill at the next open.
//!
//! Invariant: long and short legs always carry equal target weight (dollar-neutral by
//! construction), and no decision reads a close after the decision bar.

use chrono::Datelike;
use rotor_data::time::{ns_to_date, NS_PER_DAY};
use rotor_engine::{Context, Strategy};

use crate::config::Rebalance;

/// The running strategy.
#[derive(Debug, Clone)]
pub struct Rotation {
    long: Vec<usize>,
    short: Vec<usize>,
    lookback: usize,
    skip: usize,
    rebalance: Rebalance,
    gross: f64,
    flip: bool,
    last_period: Option<i64>,
    targets: Vec<(usize, f64)>,
}

impl Rotation {
    /// A rotation between symbol indices `long` and `short` (disjoint, non-empty).
    pub fn new(
        long: Vec<usize>,
        short: Vec<usize>,
        lookback: usize,
        skip: usize,
        rebalance: Rebalance,
        gross: f64,
        flip: bool,
    ) -> Self {
        let targets = Vec::with_capacity(long.len() + short.len());
        Rotation {
            long,
            short,
            lookback,
            skip,
            rebalance,
            gross,
            flip,
            last_period: None,
            targets,
        }
    }

    fn period(&self, ts: i64) -> i64 {
        let days = ts.div_euclid(NS_PER_DAY);
        match self.rebalance {
            Rebalance::Daily => days,
            // 1970-01-01 was a Thursday: shifting by 3 makes weeks start on Monday (ISO).
            Rebalance::Weekly => (days + 3).div_euclid(7),
            Rebalance::Monthly => {
                let d = ns_to_date(ts);
                d.year() as i64 * 12 + d.month0() as i64
            }
        }
    }

    /// Mean momentum of a basket as of bar `t`, NaN when undefined.
    fn momentum(&self, ctx: &Context<'_>, basket: &[usize], t: usize) -> f64 {
        let Some(start) = t.checked_sub(self.skip + self.lookback) else {
            return f64::NAN;
        };
        let end = t - self.skip;
        let mut sum = 0.0;
        for &s in basket {
            let c = ctx.close(s);
            sum += c[end] / c[start] - 1.0;
        }
        sum / basket.len() as f64
    }

    /// Current signal (for tests and diagnostics).
    pub fn signal(&self, ctx: &Context<'_>) -> f64 {
        match ctx.bar() {
            Some(t) => self.momentum(ctx, &self.long, t) - self.momentum(ctx, &self.short, t),
            None => f64::NAN,
        }
    }
}

impl Strategy for Rotation {
    fn on_bar(&mut self, ctx: &mut Context<'_>) {
        if ctx.bar().is_none() {
            return;
        }
        let period = self.period(ctx.time());
        if self.last_period == Some(period) {
            return;
        }
        self.last_period = Some(period);
        let signal = self.signal(ctx);
        let direction = if signal > 0.0 {
            1.0
        } else if signal < 0.0 && self.flip {
            -1.0
        } else {
            0.0 // flat: short leg leads without flip, or signal undefined (NaN)
        };
        let half = self.gross / 2.0;
        self.targets.clear();
        let wl = direction * half / self.long.len() as f64;
        let ws = -direction * half / self.short.len() as f64;
        self.targets.extend(self.long.iter().map(|&s| (s, wl)));
        self.targets.extend(self.short.iter().map(|&s| (s, ws)));
        ctx.cancel_all();
        ctx.target_weights(&self.targets);
    }
}
