//! Round-trip trades: a trade opens when a symbol's position leaves 0 and closes when it returns
//! to 0 or flips sign (a flip closes one trade and opens the next at the same fill).
//!
//! Invariant: summed over closed and open trades, `pnl` equals the equity gained from trading
//! (fills, commission, slippage and borrow; open trades marked at the last close): cash
//! accounting and trade accounting never disagree (interest on cash belongs to no trade).
//! `mae <= 0 <= mfe` for every trade.

use serde::{Deserialize, Serialize};

/// One round trip in one symbol.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Trade {
    /// Symbol index into the market.
    pub symbol: usize,
    /// Bar of the first fill.
    pub entry_bar: usize,
    /// The instant the first fill's price was printed ([`crate::Fill::timestamp`]).
    pub entry_timestamp: i64,
    /// Bar of the closing fill (for an open trade: the last bar of the run).
    pub exit_bar: usize,
    /// The instant the closing fill's price was printed (for an open trade: the last close).
    pub exit_timestamp: i64,
    /// Largest absolute position held, signed by direction (> 0 long, < 0 short).
    pub quantity: f64,
    /// Volume-weighted price of the fills that grew the position (after slippage).
    pub entry_price: f64,
    /// Volume-weighted price of the fills that shrank it (an open trade's remainder counts at the
    /// last close).
    pub exit_price: f64,
    /// Profit net of commission, slippage and borrow, in currency.
    pub pnl: f64,
    /// `pnl` over the entry notional (Σ |quantity| * price of the entry fills).
    pub trade_return: f64,
    /// `exit_bar - entry_bar`.
    pub holding_bars: usize,
    /// Commission attributed to this trade.
    pub commission: f64,
    /// Slippage cost attributed to this trade.
    pub slippage: f64,
    /// Borrow fees charged while it was short.
    pub borrow: f64,
    /// Maximum adverse excursion: the worst price the position saw while held (bar lows for a
    /// long, highs for a short, and every fill price), as a return on `entry_price` in the
    /// trade's direction (<= 0).
    pub mae: f64,
    /// Maximum favourable excursion, likewise (>= 0).
    pub mfe: f64,
    /// True if the position was still held at the end of the run.
    pub open: bool,
    /// True if it was closed because its symbol stopped trading (exit at the last close).
    pub delisted: bool,
}

/// Accumulators of a symbol's trade in progress.
#[derive(Debug, Clone, Copy, Default)]
struct Running {
    active: bool,
    direction: f64,
    entry_bar: usize,
    entry_timestamp: i64,
    entry_qty: f64,
    entry_notional: f64,
    exit_qty: f64,
    exit_notional: f64,
    max_abs: f64,
    /// -Σ quantity * price over its fills.
    cash_flow: f64,
    commission: f64,
    slippage: f64,
    borrow: f64,
    mae: f64,
    mfe: f64,
    /// Lowest and highest price seen since the entry price last changed, not yet folded into
    /// `mae`/`mfe` (an excursion is monotone in the price, so the extremes give the same
    /// minimum and maximum as every price would, without two divisions per bar).
    lo: f64,
    hi: f64,
    /// A bar whose range came before this trade's latest fill (a fill at its close).
    skip_range_bar: Option<usize>,
}

impl Running {
    /// Records that the position saw `price`.
    #[inline]
    fn excursion(&mut self, price: f64) {
        if self.entry_qty > 0.0 && price.is_finite() {
            self.lo = self.lo.min(price);
            self.hi = self.hi.max(price);
        }
    }

    /// (MAE, MFE) including the prices seen since the entry price last changed:
    /// `direction * (price / entry - 1)` at the lowest and highest of them.
    fn excursions(&self) -> (f64, f64) {
        if !(self.entry_qty > 0.0 && self.lo <= self.hi) {
            return (self.mae, self.mfe);
        }
        let entry = self.entry_notional / self.entry_qty;
        let a = self.direction * (self.lo / entry - 1.0);
        let b = self.direction * (self.hi / entry - 1.0);
        (self.mae.min(a).min(b), self.mfe.max(a).max(b))
    }

    fn start(bar: usize, timestamp: i64, direction: f64) -> Self {
        Running {
            active: true,
            direction,
            entry_bar: bar,
            entry_timestamp: timestamp,
            lo: f64::INFINITY,
            hi: f64::NEG_INFINITY,
            ..Running::default()
        }
    }

    fn add(&mut self, quantity: f64, price: f64, commission: f64, slippage: f64, grows: bool) {
        let q = quantity.abs();
        if grows {
            // The entry price is about to change: fold the excursions seen at the old one.
            (self.mae, self.mfe) = self.excursions();
            (self.lo, self.hi) = (f64::INFINITY, f64::NEG_INFINITY);
            self.entry_qty += q;
            self.entry_notional += q * price;
        } else {
            self.exit_qty += q;
            self.exit_notional += q * price;
        }
        self.cash_flow -= quantity * price;
        self.commission += commission;
        self.slippage += slippage;
    }

    fn finish(
        &self,
        symbol: usize,
        bar: usize,
        timestamp: i64,
        remaining: f64,
        mark: f64,
    ) -> Trade {
        let rem = remaining.abs();
        let exit_qty = self.exit_qty + rem;
        let (mae, mfe) = self.excursions();
        let pnl = self.cash_flow + remaining * mark - self.commission - self.borrow;
        Trade {
            symbol,
            entry_bar: self.entry_bar,
            entry_timestamp: self.entry_timestamp,
            exit_bar: bar,
            exit_timestamp: timestamp,
            quantity: self.direction * self.max_abs,
            entry_price: self.entry_notional / self.entry_qty,
            exit_price: if exit_qty > 0.0 {
                (self.exit_notional + rem * mark) / exit_qty
            } else {
                f64::NAN
            },
            pnl,
            trade_return: pnl / self.entry_notional,
            holding_bars: bar - self.entry_bar,
            commission: self.commission,
            slippage: self.slippage,
            borrow: self.borrow,
            mae,
            mfe,
            open: remaining != 0.0,
            delisted: false,
        }
    }
}

/// Builds [`Trade`]s from fills. One accumulator per symbol, reused: no allocation per fill
/// except pushing a finished trade.
#[derive(Debug, Clone, Default)]
pub struct TradeLedger {
    running: Vec<Running>,
    closed: Vec<Trade>,
}

/// A fill as the ledger needs it.
#[derive(Debug, Clone, Copy)]
pub struct LedgerFill {
    /// Symbol index.
    pub symbol: usize,
    /// Bar index.
    pub bar: usize,
    /// The instant the fill's price was printed (see [`crate::Fill::timestamp`]).
    pub timestamp: i64,
    /// Signed shares.
    pub quantity: f64,
    /// Price after slippage.
    pub price: f64,
    /// Commission in currency.
    pub commission: f64,
    /// Slippage in currency.
    pub slippage: f64,
    /// Position before the fill.
    pub before: f64,
    /// Position after the fill (already snapped to 0 when it closes out).
    pub after: f64,
    /// Filled at the bar's close (the bar's range came before it).
    pub at_close: bool,
    /// A delisting close.
    pub delisted: bool,
}

impl TradeLedger {
    /// A ledger for `n_symbols` symbols.
    pub fn new(n_symbols: usize) -> Self {
        TradeLedger {
            running: vec![Running::default(); n_symbols],
            closed: Vec::new(),
        }
    }

    /// Records a fill, closing and/or opening trades.
    pub fn on_fill(&mut self, f: LedgerFill) {
        let r = &mut self.running[f.symbol];
        let dir = f.quantity.signum();
        let skip = f.at_close.then_some(f.bar);
        if f.before == 0.0 {
            *r = Running::start(f.bar, f.timestamp, dir);
            r.add(f.quantity, f.price, f.commission, f.slippage, true);
            r.max_abs = f.after.abs();
            r.skip_range_bar = skip;
            return;
        }
        if dir == r.direction {
            r.add(f.quantity, f.price, f.commission, f.slippage, true);
            r.max_abs = r.max_abs.max(f.after.abs());
            r.excursion(f.price);
            r.skip_range_bar = skip;
            return;
        }
        r.excursion(f.price);
        let flips = f.after != 0.0 && f.after.signum() != f.before.signum();
        if !flips {
            r.add(f.quantity, f.price, f.commission, f.slippage, false);
            if f.after == 0.0 {
                r.active = false;
                let mut t = r.finish(f.symbol, f.bar, f.timestamp, 0.0, f.price);
                t.delisted = f.delisted;
                self.closed.push(t);
            }
            return;
        }
        // A flip: the part that closes the old position belongs to the old trade, the rest
        // opens a new one; costs are split in proportion to shares.
        let closing = -f.before;
        let frac = closing / f.quantity;
        r.add(
            closing,
            f.price,
            f.commission * frac,
            f.slippage * frac,
            false,
        );
        let t = r.finish(f.symbol, f.bar, f.timestamp, 0.0, f.price);
        self.closed.push(t);
        *r = Running::start(f.bar, f.timestamp, dir);
        r.add(
            f.after,
            f.price,
            f.commission * (1.0 - frac),
            f.slippage * (1.0 - frac),
            true,
        );
        r.max_abs = f.after.abs();
        r.skip_range_bar = skip;
    }

    /// Records bar `bar`'s range for `symbol`'s running trade (called at the close for held
    /// positions; a bar whose close the trade was entered at only contributes its close).
    pub fn on_bar(&mut self, symbol: usize, bar: usize, high: f64, low: f64, close: f64) {
        let r = &mut self.running[symbol];
        if !r.active {
            return;
        }
        if r.skip_range_bar == Some(bar) {
            r.excursion(close);
        } else {
            r.excursion(high);
            r.excursion(low);
        }
    }

    /// Attributes a borrow fee to `symbol`'s running trade.
    pub fn on_borrow(&mut self, symbol: usize, fee: f64) {
        self.running[symbol].borrow += fee;
    }

    /// Trades closed so far, in closing order.
    pub fn closed(&self) -> &[Trade] {
        &self.closed
    }

    /// Consumes the ledger: closed trades, and the trades still open marked at `marks` as of
    /// `bar`/`timestamp` (flagged `open`), in symbol order.
    pub fn finish(
        self,
        positions: &[f64],
        marks: &[f64],
        bar: usize,
        timestamp: i64,
    ) -> (Vec<Trade>, Vec<Trade>) {
        let open = self
            .running
            .iter()
            .enumerate()
            .filter(|(s, r)| r.active && positions[*s] != 0.0)
            .map(|(s, r)| r.finish(s, bar, timestamp, positions[s], marks[s]))
            .collect();
        (self.closed, open)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fill(bar: usize, quantity: f64, price: f64, before: f64) -> LedgerFill {
        LedgerFill {
            symbol: 0,
            bar,
            timestamp: bar as i64 * 10,
            quantity,
            price,
            commission: quantity.abs(), // 1 per share, easy to split
            slippage: 0.0,
            before,
            after: before + quantity,
            at_close: false,
            delisted: false,
        }
    }

    #[test]
    fn scale_in_then_out_is_one_trade() {
        let mut l = TradeLedger::new(1);
        l.on_fill(fill(1, 10.0, 100.0, 0.0));
        l.on_fill(fill(2, 10.0, 110.0, 10.0));
        l.on_fill(fill(4, -20.0, 120.0, 20.0));
        let (closed, open) = l.finish(&[0.0], &[120.0], 5, 50);
        assert!(open.is_empty());
        assert_eq!(closed.len(), 1);
        let t = closed[0];
        assert_eq!(t.quantity, 20.0);
        assert_eq!(t.entry_price, 105.0);
        assert_eq!(t.exit_price, 120.0);
        assert_eq!(t.pnl, 20.0 * 15.0 - 40.0);
        assert_eq!(t.trade_return, t.pnl / 2100.0);
        assert_eq!((t.entry_bar, t.exit_bar, t.holding_bars), (1, 4, 3));
        assert!(!t.open);
    }

    #[test]
    fn flip_closes_and_reopens_at_the_same_fill() {
        let mut l = TradeLedger::new(1);
        l.on_fill(fill(1, 10.0, 100.0, 0.0));
        l.on_fill(fill(3, -30.0, 90.0, 10.0)); // close 10 long, open 20 short
        let (closed, open) = l.finish(&[-20.0], &[80.0], 6, 60);
        assert_eq!(closed.len(), 1);
        assert_eq!(closed[0].pnl, -100.0 - 10.0 - 10.0);
        assert_eq!(open.len(), 1);
        let o = open[0];
        assert!(o.open);
        assert_eq!(o.quantity, -20.0);
        assert_eq!(o.entry_price, 90.0);
        assert_eq!(o.exit_price, 80.0);
        assert_eq!(o.pnl, 20.0 * 10.0 - 20.0);
        assert_eq!((o.entry_bar, o.holding_bars), (3, 3));
    }

    #[test]
    fn excursions_use_bar_ranges_while_held() {
        let mut l = TradeLedger::new(1);
        l.on_fill(fill(1, 10.0, 100.0, 0.0));
        l.on_bar(0, 1, 110.0, 95.0, 105.0);
        l.on_bar(0, 2, 120.0, 90.0, 105.0);
        l.on_fill(fill(3, -10.0, 100.0, 10.0));
        l.on_bar(0, 3, 200.0, 10.0, 105.0); // flat at this close: ignored
        let (closed, _) = l.finish(&[0.0], &[0.0], 3, 30);
        assert!((closed[0].mfe - 0.2).abs() < 1e-12);
        assert!((closed[0].mae + 0.1).abs() < 1e-12);
        // A short entered at a close: that bar's range came before it.
        let mut l = TradeLedger::new(1);
        let mut f = fill(1, -10.0, 100.0, 0.0);
        f.at_close = true;
        l.on_fill(f);
        l.on_bar(0, 1, 150.0, 50.0, 100.0);
        l.on_bar(0, 2, 104.0, 97.0, 100.0);
        let (_, open) = l.finish(&[-10.0], &[100.0], 2, 20);
        assert!((open[0].mae + 0.04).abs() < 1e-12);
        assert!((open[0].mfe - 0.03).abs() < 1e-12);
    }

    #[test]
    fn borrow_is_charged_to_the_short_trade() {
        let mut l = TradeLedger::new(1);
        l.on_fill(fill(0, -5.0, 10.0, 0.0));
        l.on_borrow(0, 0.5);
        l.on_fill(fill(2, 5.0, 10.0, -5.0));
        let (closed, _) = l.finish(&[0.0], &[10.0], 2, 20);
        assert_eq!(closed[0].pnl, -10.0 - 0.5);
        assert_eq!(closed[0].borrow, 0.5);
    }
}
