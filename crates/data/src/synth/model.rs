//! The factor model that turns a seed, a calendar and a list of event effects into daily OHLCV
//! paths for every single name, then builds each ETF from its members.
//!
//! Invariants: every path is a deterministic function of (seed, calendar, effects): each factor
//! and each stock draws from its own [`Xoshiro256`] stream in a fixed order; every output bar
//! satisfies 0 < low <= min(open, close) <= max(open, close) <= high, prices are rounded to
//! cents and volumes to whole round lots; ETFs are weighted by their members' previous closes, so an
//! ETF's return is exactly the weighted return of its members.

use super::feed::{Effect, Target, DRIFT_SESSIONS};
use chrono::Datelike;

use super::universe::{Basket, Stock, Weighting, N_FACTORS, SIZE, TECH};
use crate::market::SymbolBars;
use rotor_rng::Xoshiro256;

/// Trading sessions per year, for annualized parameters.
pub const PERIODS: f64 = 252.0;

/// Parameters of one factor's daily log return.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FactorParams {
    /// Long-run volatility, annualized.
    pub vol: f64,
    /// Base drift, annualized (log).
    pub drift: f64,
    /// GARCH(1,1) (alpha, beta); (0, 0) means constant volatility.
    pub garch: (f64, f64),
}

/// Factor parameters, in [`super::universe::FACTOR_NAMES`] order.
pub const FACTOR_PARAMS: [FactorParams; N_FACTORS] = [
    FactorParams {
        vol: 0.16,
        drift: 0.045,
        garch: (0.09, 0.89),
    },
    FactorParams {
        vol: 0.08,
        drift: -0.03,
        garch: (0.0, 0.0),
    },
    FactorParams {
        vol: 0.10,
        drift: 0.02,
        garch: (0.0, 0.0),
    },
    FactorParams {
        vol: 0.09,
        drift: 0.01,
        garch: (0.0, 0.0),
    },
    FactorParams {
        vol: 0.20,
        drift: 0.0,
        garch: (0.06, 0.92),
    },
    FactorParams {
        vol: 0.12,
        drift: 0.0,
        garch: (0.0, 0.0),
    },
];

/// Degrees of freedom of the Student-t shocks (scaled to unit variance).
pub const T_DF: u32 = 5;
/// GARCH(1,1) (alpha, beta) of every idiosyncratic term.
pub const IDIO_GARCH: (f64, f64) = (0.05, 0.93);
/// Conditional variance is capped at this multiple of its long-run level.
pub const GARCH_CAP: f64 = 16.0;
/// Daily pull of a stock's cumulative idiosyncratic log return back to zero.
pub const IDIO_REVERSION: f64 = 0.002;
/// Share of a day's factor return that happens overnight (in the open gap).
pub const GAP_SHARE: f64 = 0.3;
/// High/low extend beyond the open/close by this many daily sigmas times |N(0,1)|.
pub const RANGE_SCALE: f64 = 0.5;
/// For ETFs, the share of the members' weighted range that is kept (diversification).
pub const BASKET_RANGE_SHARE: f64 = 0.6;
/// Log-normal noise of volume.
pub const VOLUME_NOISE: f64 = 0.25;
/// Volume multiplier = 0.6 + 0.4 * |return| / long-run daily sigma (times noise).
pub const VOLUME_ABS_RETURN: f64 = 0.4;

/// Regime drifts, annualized, added to (size, tech): tech leads, then small caps lead.
pub const REGIME_DRIFT: [(f64, f64); 2] = [(-0.06, 0.08), (0.07, -0.05)];
/// Each regime lasts a uniform number of sessions in this range (about 1 to 3 years).
pub const REGIME_SESSIONS: (u64, u64) = (250, 750);
/// Scripted closing rotation (from [`super::ROTATION_START`] on): daily log drift of (size, tech).
pub const ROTATION_DRIFT: (f64, f64) = (0.004, -0.005);

struct Garch {
    omega: f64,
    alpha: f64,
    beta: f64,
    long_run: f64,
    h: f64,
}

impl Garch {
    fn new(annual_vol: f64, (alpha, beta): (f64, f64)) -> Self {
        let long_run = annual_vol * annual_vol / PERIODS;
        Garch {
            omega: long_run * (1.0 - alpha - beta),
            alpha,
            beta,
            long_run,
            h: long_run,
        }
    }

    fn sigma(&self) -> f64 {
        self.h.sqrt()
    }

    fn update(&mut self, eps: f64) {
        let h = self.omega + self.alpha * eps * eps + self.beta * self.h;
        self.h = h.min(GARCH_CAP * self.long_run);
    }
}

/// The regime of each session: 0 = tech leads, 1 = small caps lead.
pub fn regimes(seed: u64, n: usize) -> Vec<u8> {
    let mut rng = Xoshiro256::new(seed, 2);
    let mut state = rng.below(2) as u8;
    let mut out = Vec::with_capacity(n);
    while out.len() < n {
        let len = REGIME_SESSIONS.0 + rng.below(REGIME_SESSIONS.1 - REGIME_SESSIONS.0 + 1);
        for _ in 0..len {
            if out.len() == n {
                break;
            }
            out.push(state);
        }
        state = 1 - state;
    }
    out
}

fn round_cents(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

fn round_lot(x: f64) -> f64 {
    ((x / 100.0).round() * 100.0).max(100.0)
}

/// Unrounded OHLCV path of one symbol.
struct Path {
    open: Vec<f64>,
    high: Vec<f64>,
    low: Vec<f64>,
    close: Vec<f64>,
    volume: Vec<f64>,
}

impl Path {
    fn with_capacity(n: usize) -> Self {
        Path {
            open: Vec::with_capacity(n),
            high: Vec::with_capacity(n),
            low: Vec::with_capacity(n),
            close: Vec::with_capacity(n),
            volume: Vec::with_capacity(n),
        }
    }

    fn into_bars(self, symbol: &str, closes_ns: &[i64]) -> SymbolBars {
        let open: Vec<f64> = self.open.iter().map(|&x| round_cents(x)).collect();
        let close: Vec<f64> = self.close.iter().map(|&x| round_cents(x)).collect();
        // Rounding is monotone, so the order of the unrounded values survives; the max/min
        // guard only matters if a rounding tie ever went the other way.
        let high = self
            .high
            .iter()
            .zip(open.iter().zip(&close))
            .map(|(&h, (&o, &c))| round_cents(h).max(o).max(c))
            .collect();
        let low = self
            .low
            .iter()
            .zip(open.iter().zip(&close))
            .map(|(&l, (&o, &c))| round_cents(l).min(o).min(c).max(0.01))
            .collect();
        SymbolBars {
            symbol: symbol.to_string(),
            timestamps: closes_ns.to_vec(),
            open,
            high,
            low,
            close,
            volume: self.volume.iter().map(|&v| round_lot(v)).collect(),
            adj_close: None,
            close_only: false,
        }
    }
}

/// Simulates every stock and basket over the sessions closing at `closes_ns`; `rotation_start`
/// is the first session of the scripted closing rotation. Returns baskets first, then stocks.
pub fn simulate(
    seed: u64,
    stocks: &[Stock],
    baskets: &[Basket],
    closes_ns: &[i64],
    rotation_start: usize,
    effects: &[Effect],
) -> Vec<SymbolBars> {
    let n = closes_ns.len();
    let ns = stocks.len();
    let Overlays {
        f_gap,
        f_int,
        s_gap,
        s_int,
    } = overlays(stocks, effects, n);

    let regime = regimes(seed, n);
    let mut f_rng: Vec<Xoshiro256> = (0..N_FACTORS)
        .map(|k| Xoshiro256::new(seed, 10 + k as u64))
        .collect();
    let mut f_garch: Vec<Garch> = FACTOR_PARAMS
        .iter()
        .map(|p| Garch::new(p.vol, p.garch))
        .collect();
    let mut s_rng: Vec<Xoshiro256> = (0..ns)
        .map(|i| Xoshiro256::new(seed, 100 + i as u64))
        .collect();
    let mut s_garch: Vec<Garch> = stocks
        .iter()
        .map(|s| Garch::new(s.idio_vol, IDIO_GARCH))
        .collect();
    let lr_sigma: Vec<f64> = stocks
        .iter()
        .map(|s| {
            let mut v = s.idio_vol * s.idio_vol;
            for (l, p) in s.loadings.iter().zip(FACTOR_PARAMS.iter()) {
                v += l * l * p.vol * p.vol;
            }
            (v / PERIODS).sqrt()
        })
        .collect();
    let mut idio_cum = vec![0.0; ns];
    let mut prev: Vec<f64> = stocks.iter().map(|s| s.start_price).collect();
    let mut paths: Vec<Path> = (0..ns).map(|_| Path::with_capacity(n)).collect();
    let (gap_sd, int_sd) = (GAP_SHARE.sqrt(), (1.0 - GAP_SHARE).sqrt());

    let mut fg = [0.0; N_FACTORS];
    let mut fi = [0.0; N_FACTORS];
    for t in 0..n {
        for k in 0..N_FACTORS {
            let p = FACTOR_PARAMS[k];
            let mut drift = p.drift / PERIODS;
            if k == SIZE || k == TECH {
                let (ds, dt) = REGIME_DRIFT[regime[t] as usize];
                drift += if k == SIZE { ds } else { dt } / PERIODS;
                if t >= rotation_start {
                    drift += if k == SIZE {
                        ROTATION_DRIFT.0
                    } else {
                        ROTATION_DRIFT.1
                    };
                }
            }
            let eps = f_garch[k].sigma() * f_rng[k].student_t(T_DF);
            f_garch[k].update(eps);
            let r = drift + eps;
            fg[k] = GAP_SHARE * r + f_gap[k][t];
            fi[k] = (1.0 - GAP_SHARE) * r + f_int[k][t];
        }
        let mkt_var = f_garch[0].h;
        for (i, s) in stocks.iter().enumerate() {
            let rng = &mut s_rng[i];
            let sig = s_garch[i].sigma();
            let e_gap = sig * gap_sd * rng.normal();
            let e_int = sig * int_sd * rng.student_t(T_DF);
            s_garch[i].update(e_gap + e_int);
            let mut gap = e_gap + s_gap[i][t];
            let mut int = e_int + s_int[i][t] - IDIO_REVERSION * idio_cum[i];
            for k in 0..N_FACTORS {
                gap += s.loadings[k] * fg[k];
                int += s.loadings[k] * fi[k];
            }
            idio_cum[i] += e_gap + e_int - IDIO_REVERSION * idio_cum[i];
            let o = prev[i] * gap.exp();
            let c = o * int.exp();
            let day_sigma = (s.loadings[0] * s.loadings[0] * mkt_var + sig * sig).sqrt();
            let h = o.max(c) * (RANGE_SCALE * day_sigma * rng.normal().abs()).exp();
            let l = o.min(c) * (-RANGE_SCALE * day_sigma * rng.normal().abs()).exp();
            let vol_mult =
                (1.0 - VOLUME_ABS_RETURN) + VOLUME_ABS_RETURN * (gap + int).abs() / lr_sigma[i];
            let noise = (VOLUME_NOISE * rng.normal() - 0.5 * VOLUME_NOISE * VOLUME_NOISE).exp();
            let p = &mut paths[i];
            p.open.push(o);
            p.high.push(h);
            p.low.push(l);
            p.close.push(c);
            p.volume.push(s.adv * vol_mult * noise);
            prev[i] = c;
        }
    }

    assemble(seed, stocks, baskets, closes_ns, paths)
}

/// Event overlays, log returns `[target][session]`: each effect's jump at its session (in the
/// open gap or the intraday move) and its drift spread over the sessions after it.
struct Overlays {
    f_gap: Vec<Vec<f64>>,
    f_int: Vec<Vec<f64>>,
    s_gap: Vec<Vec<f64>>,
    s_int: Vec<Vec<f64>>,
}

/// The [`Overlays`] of `effects` on factors and `stocks` over `n` sessions (effects on
/// unknown tickers or past the end are ignored).
fn overlays(stocks: &[Stock], effects: &[Effect], n: usize) -> Overlays {
    let ns = stocks.len();
    let mut f_gap = vec![vec![0.0; n]; N_FACTORS];
    let mut f_int = vec![vec![0.0; n]; N_FACTORS];
    let mut s_gap = vec![vec![0.0; n]; ns];
    let mut s_int = vec![vec![0.0; n]; ns];
    for e in effects {
        let (gap, int) = match &e.target {
            Target::Factor(k) => (&mut f_gap[*k], &mut f_int[*k]),
            Target::Stock(t) => match stocks.iter().position(|s| &s.ticker == t) {
                Some(i) => (&mut s_gap[i], &mut s_int[i]),
                None => continue,
            },
        };
        if e.session >= n {
            continue;
        }
        if e.gap {
            gap[e.session] += e.jump;
        } else {
            int[e.session] += e.jump;
        }
        for j in 1..=DRIFT_SESSIONS {
            if e.session + j < n {
                int[e.session + j] += e.drift / DRIFT_SESSIONS as f64;
            }
        }
    }
    Overlays {
        f_gap,
        f_int,
        s_gap,
        s_int,
    }
}

/// The simulated bars: baskets first (rebalanced at the first session and at the first
/// session of January, April, July and October), then the stocks' `paths`.
fn assemble(
    seed: u64,
    stocks: &[Stock],
    baskets: &[Basket],
    closes_ns: &[i64],
    paths: Vec<Path>,
) -> Vec<SymbolBars> {
    let ns = stocks.len();
    let rebalance: Vec<bool> = closes_ns
        .iter()
        .enumerate()
        .map(|(t, &c)| {
            let m = crate::time::ns_to_date(c).month();
            t == 0 || (m % 3 == 1 && m != crate::time::ns_to_date(closes_ns[t - 1]).month())
        })
        .collect();
    let mut out = Vec::with_capacity(baskets.len() + ns);
    for (b_idx, b) in baskets.iter().enumerate() {
        let members: Vec<usize> = b
            .members
            .iter()
            .filter_map(|m| stocks.iter().position(|s| &s.ticker == m))
            .collect();
        let path = basket_path(seed, b_idx, b, &members, stocks, &paths, &rebalance);
        out.push(path.into_bars(&b.ticker, closes_ns));
    }
    for (s, p) in stocks.iter().zip(paths) {
        out.push(p.into_bars(&s.ticker, closes_ns));
    }
    out
}

/// An ETF's path: weights from the members' previous closes, OHLC as weighted member ratios.
fn basket_path(
    seed: u64,
    b_idx: usize,
    b: &Basket,
    members: &[usize],
    stocks: &[Stock],
    paths: &[Path],
    rebalance: &[bool],
) -> Path {
    let n = rebalance.len();
    // Units held per member for equal weighting, reset at each quarterly rebalance.
    let mut units = vec![0.0; members.len()];
    let mut p = Path::with_capacity(n);
    let mut level = b.start_price;
    let mut w = vec![0.0; members.len()];
    let mut rets = Vec::with_capacity(n);
    for (t, &rebalance_now) in rebalance.iter().enumerate() {
        let prev_close = |i: usize| {
            if t == 0 {
                stocks[i].start_price
            } else {
                paths[i].close[t - 1]
            }
        };
        let mut total = 0.0;
        for (j, &i) in members.iter().enumerate() {
            w[j] = match b.weighting {
                Weighting::Cap => stocks[i].shares_m * prev_close(i),
                Weighting::Equal => {
                    if rebalance_now {
                        units[j] = 1.0 / prev_close(i);
                    }
                    units[j] * prev_close(i)
                }
                Weighting::Price => prev_close(i),
            };
            total += w[j];
        }
        let (mut ro, mut rh, mut rl, mut rc) = (0.0, 0.0, 0.0, 0.0);
        for (j, &i) in members.iter().enumerate() {
            let wj = w[j] / total;
            let pc = prev_close(i);
            ro += wj * paths[i].open[t] / pc;
            rh += wj * paths[i].high[t] / pc;
            rl += wj * paths[i].low[t] / pc;
            rc += wj * paths[i].close[t] / pc;
        }
        let o = level * ro;
        let c = level * rc;
        let top = o.max(c);
        let bottom = o.min(c);
        p.open.push(o);
        p.close.push(c);
        p.high
            .push(top + BASKET_RANGE_SHARE * (level * rh - top).max(0.0));
        p.low
            .push(bottom - BASKET_RANGE_SHARE * (bottom - level * rl).max(0.0));
        rets.push(rc.ln());
        level = c;
    }
    let mean = rets.iter().sum::<f64>() / n.max(1) as f64;
    let sd = (rets.iter().map(|r| (r - mean) * (r - mean)).sum::<f64>() / n.max(2) as f64).sqrt();
    let mut rng = Xoshiro256::new(seed, 1000 + b_idx as u64);
    for r in rets {
        let vol_mult = (1.0 - VOLUME_ABS_RETURN) + VOLUME_ABS_RETURN * r.abs() / sd.max(1e-9);
        let noise = (VOLUME_NOISE * rng.normal() - 0.5 * VOLUME_NOISE * VOLUME_NOISE).exp();
        p.volume.push(b.adv * vol_mult * noise);
    }
    p
}
