//! The run's price view: the market's bars, or their split/dividend-adjusted version.
//!
//! With `execution.adjust = true`, every symbol that has `adj_close` gets open, high, low and
//! close multiplied by `f = adj_close / close` of the same bar and volume divided by `f` (so the
//! traded value of a bar is unchanged); bars where `adj_close` is missing keep `f = 1`. The
//! adjusted columns are computed once when a run starts, never per bar; without adjustment the
//! view borrows the market's columns (no copy).
//!
//! Invariant: every price the strategy sees through its context and every price the broker
//! fills at comes from this one view, so signals and fills always use the same prices.

use rotor_data::Market;

use crate::alloc::{never_fails, Fallibly, Grow, Reserve};
use crate::EngineError;

/// Adjusted columns, symbol-major like the market's.
#[derive(Debug, Clone)]
struct Adjusted {
    open: Vec<f64>,
    high: Vec<f64>,
    low: Vec<f64>,
    close: Vec<f64>,
    volume: Vec<f64>,
}

impl Adjusted {
    /// Every symbol's adjusted columns (room for all of them reserved first).
    fn of<R: Reserve>(market: &Market, r: &R) -> Result<Adjusted, R::Error> {
        let (n, m) = (market.n_bars(), market.n_symbols());
        let cells = n.saturating_mul(m);
        let bytes = cells.saturating_mul(5 * std::mem::size_of::<f64>());
        let mut a = Adjusted {
            open: Vec::new(),
            high: Vec::new(),
            low: Vec::new(),
            close: Vec::new(),
            volume: Vec::new(),
        };
        for v in [
            &mut a.open,
            &mut a.high,
            &mut a.low,
            &mut a.close,
            &mut a.volume,
        ] {
            r.reserve(v, cells, "the adjusted prices", bytes)?;
        }
        for s in 0..m {
            let (o, h, l, c, v) = (
                market.open(s),
                market.high(s),
                market.low(s),
                market.close(s),
                market.volume(s),
            );
            let adj = market.adj_close(s);
            for t in 0..n {
                let f = factor(adj, c, t);
                a.open.push(o[t] * f);
                a.high.push(h[t] * f);
                a.low.push(l[t] * f);
                a.close.push(c[t] * f);
                a.volume.push(v[t] / f);
            }
        }
        Ok(a)
    }
}

/// The adjustment factor `adj_close / close` of bar `t` (1 where either is missing or the close
/// is 0): the one rule every adjusted price follows.
fn factor(adj: Option<&[f64]>, close: &[f64], t: usize) -> f64 {
    match adj {
        Some(ac) if ac[t].is_finite() && close[t].is_finite() && close[t] != 0.0 => {
            ac[t] / close[t]
        }
        _ => 1.0,
    }
}

/// Closes of symbol `s` as a run with `execution.adjust = adjust` sees them (the same values as
/// [`Prices::close`], without building the other columns): what a benchmark of `s` must be
/// computed on so that it is priced exactly like the strategy's holdings.
pub fn closes(market: &Market, s: usize, adjust: bool) -> Vec<f64> {
    let c = market.close(s);
    match market.adj_close(s) {
        Some(adj) if adjust => (0..c.len())
            .map(|t| c[t] * factor(Some(adj), c, t))
            .collect(),
        _ => c.to_vec(),
    }
}

/// OHLCV of every symbol as the run uses them.
#[derive(Debug, Clone)]
pub struct Prices<'a> {
    market: &'a Market,
    adjusted: Option<Adjusted>,
    n: usize,
}

impl<'a> Prices<'a> {
    /// The market's own bars (`adjust == false`) or the adjusted ones.
    pub fn new(market: &'a Market, adjust: bool) -> Self {
        never_fails(Self::with(market, adjust, &Grow))
    }

    /// [`Prices::new`], with no memory for the adjusted columns an
    /// [`EngineError::OutOfMemory`] (the market's own bars need none).
    pub fn try_new(market: &'a Market, adjust: bool) -> Result<Self, EngineError> {
        Self::with(market, adjust, &Fallibly)
    }

    pub(crate) fn with<R: Reserve>(
        market: &'a Market,
        adjust: bool,
        r: &R,
    ) -> Result<Self, R::Error> {
        let n = market.n_bars();
        let has_adj = (0..market.n_symbols()).any(|s| market.adj_close(s).is_some());
        let adjusted = match adjust && has_adj {
            true => Some(Adjusted::of(market, r)?),
            false => None,
        };
        Ok(Prices {
            market,
            adjusted,
            n,
        })
    }

    /// The market behind the view.
    pub fn market(&self) -> &'a Market {
        self.market
    }

    /// True when prices are adjusted.
    pub fn is_adjusted(&self) -> bool {
        self.adjusted.is_some()
    }

    fn col<'b>(&'b self, data: &'b [f64], s: usize) -> &'b [f64] {
        &data[s * self.n..(s + 1) * self.n]
    }

    /// Opens of symbol `s` over the whole timeline (NaN where no bar).
    pub fn open(&self, s: usize) -> &[f64] {
        match &self.adjusted {
            Some(a) => self.col(&a.open, s),
            None => self.market.open(s),
        }
    }

    /// Highs of symbol `s`.
    pub fn high(&self, s: usize) -> &[f64] {
        match &self.adjusted {
            Some(a) => self.col(&a.high, s),
            None => self.market.high(s),
        }
    }

    /// Lows of symbol `s`.
    pub fn low(&self, s: usize) -> &[f64] {
        match &self.adjusted {
            Some(a) => self.col(&a.low, s),
            None => self.market.low(s),
        }
    }

    /// Closes of symbol `s`.
    pub fn close(&self, s: usize) -> &[f64] {
        match &self.adjusted {
            Some(a) => self.col(&a.close, s),
            None => self.market.close(s),
        }
    }

    /// Volumes of symbol `s` (NaN where unknown).
    pub fn volume(&self, s: usize) -> &[f64] {
        match &self.adjusted {
            Some(a) => self.col(&a.volume, s),
            None => self.market.volume(s),
        }
    }
}
