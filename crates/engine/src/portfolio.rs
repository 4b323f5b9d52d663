//! The book: cash, signed positions, the last known price of every symbol, and per-position
//! average cost and realized P&L.
//!
//! Invariant: `equity() == cash + Σ position[s] * mark[s]` at all times, where `mark[s]` is the
//! latest close visible to the strategy (carried forward over bars where the symbol has none);
//! and per symbol, `realized + position * (mark - avg_cost)` is the P&L of its fills at their
//! prices (before commission and financing). Positions are a `Vec<f64>` indexed by symbol: no
//! strings or maps on the hot path.
//!
//! Only held symbols are visited per bar: `held` lists the symbols with a non-zero position in
//! index order (so sums are taken in the same order as a pass over every symbol, bit for bit),
//! and only their marks move at a close. A flat symbol's mark may be stale; whoever opens a
//! position in it refreshes the mark first ([`Portfolio::refresh_mark`]), which keeps
//! `equity()` exact, since flat symbols contribute nothing to it.

/// What closing a bar produced, for the equity curve.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CloseSnapshot {
    /// Cash + marked positions after borrow.
    pub equity: f64,
    /// Cash after borrow.
    pub cash: f64,
    /// Σ value of long positions.
    pub long_exposure: f64,
    /// Σ |value| of short positions.
    pub short_exposure: f64,
    /// Borrow fee charged at this close.
    pub borrow: f64,
    /// Interest credited (> 0) or charged (< 0) on cash at this close.
    pub interest: f64,
}

/// Cash, positions and marks of one run.
#[derive(Debug, Clone, PartialEq)]
pub struct Portfolio {
    cash: f64,
    positions: Vec<f64>,
    marks: Vec<f64>,
    avg_cost: Vec<f64>,
    realized: Vec<f64>,
    held: Vec<usize>,
}

impl Portfolio {
    /// A flat account of `n_symbols` symbols holding `cash`; no marks yet (NaN).
    pub fn new(n_symbols: usize, cash: f64) -> Self {
        Portfolio {
            cash,
            positions: vec![0.0; n_symbols],
            marks: vec![f64::NAN; n_symbols],
            avg_cost: vec![f64::NAN; n_symbols],
            realized: vec![0.0; n_symbols],
            held: Vec::with_capacity(n_symbols.min(64)),
        }
    }

    /// Cash.
    pub fn cash(&self) -> f64 {
        self.cash
    }

    /// Signed shares of every symbol.
    pub fn positions(&self) -> &[f64] {
        &self.positions
    }

    /// Symbols with a non-zero position, in index order.
    pub fn held(&self) -> &[usize] {
        &self.held
    }

    /// Latest visible close of every held symbol (NaN before its first); a flat symbol's entry
    /// may be stale.
    pub fn marks(&self) -> &[f64] {
        &self.marks
    }

    /// Average cost per share of every open position (fill prices after slippage, NaN when
    /// flat): moves only when a position grows; a flip restarts it at the flip's price.
    pub fn avg_cost(&self) -> &[f64] {
        &self.avg_cost
    }

    /// Realized P&L of every symbol so far: `Σ closed shares * (exit price - avg cost)`,
    /// signed by direction, before commission and financing.
    pub fn realized(&self) -> &[f64] {
        &self.realized
    }

    /// Unrealized P&L of symbol `s` at its mark: `position * (mark - avg_cost)` (0 when flat).
    pub fn unrealized(&self, s: usize) -> f64 {
        let q = self.positions[s];
        if q == 0.0 {
            0.0
        } else {
            q * (self.marks[s] - self.avg_cost[s])
        }
    }

    /// Cash plus every position at its mark. Flat symbols are skipped, so a symbol never seen
    /// (mark NaN) cannot poison the sum.
    pub fn equity(&self) -> f64 {
        self.cash + self.positions_value(|_| f64::NAN)
    }

    /// Σ position * price over held symbols, with `price(s)` falling back to the mark where NaN.
    pub fn positions_value(&self, price: impl Fn(usize) -> f64) -> f64 {
        let mut v = 0.0;
        for &s in &self.held {
            let q = self.positions[s];
            let p = price(s);
            v += q * if p.is_nan() { self.marks[s] } else { p };
        }
        v
    }

    /// Sets the mark of a flat symbol about to be traded to `last_close`, its latest visible
    /// close (None: it has had none; the mark is left alone, and the first fill sets it).
    /// No effect on a held symbol, whose mark is current.
    #[inline]
    pub fn refresh_mark(&mut self, symbol: usize, last_close: Option<f64>) {
        if self.positions[symbol] == 0.0 {
            if let Some(c) = last_close {
                self.marks[symbol] = c;
            }
        }
    }

    /// Removes the position of `symbol` at its mark (a delisting): cash gets `position * mark`,
    /// no costs. Returns the shares removed and the mark.
    pub fn close_at_mark(&mut self, symbol: usize) -> (f64, f64) {
        let q = self.positions[symbol];
        let mark = self.marks[symbol];
        self.apply_fill(symbol, -q, mark, 0.0);
        (-q, mark)
    }

    /// Books a trade of `quantity` at `price` (after slippage) paying `commission`; returns the
    /// position before and after. A residue below 1e-9 of the traded size is snapped to 0 so
    /// fractional round trips close exactly.
    pub fn apply_fill(
        &mut self,
        symbol: usize,
        quantity: f64,
        price: f64,
        commission: f64,
    ) -> (f64, f64) {
        let before = self.positions[symbol];
        let mut after = before + quantity;
        if after.abs() <= 1e-9 * before.abs().max(quantity.abs()) {
            after = 0.0;
        }
        self.positions[symbol] = after;
        if before == 0.0 && after != 0.0 {
            let at = self.held.partition_point(|&h| h < symbol);
            self.held.insert(at, symbol);
        } else if before != 0.0 && after == 0.0 {
            if let Ok(at) = self.held.binary_search(&symbol) {
                self.held.remove(at);
            }
        }
        self.cash -= quantity * price + commission;
        let avg = &mut self.avg_cost[symbol];
        if before == 0.0 || before.signum() == quantity.signum() {
            let held = before.abs();
            let base = if before == 0.0 { 0.0 } else { *avg };
            *avg = (held * base + quantity.abs() * price) / (held + quantity.abs());
        } else {
            let closed = quantity.abs().min(before.abs());
            self.realized[symbol] += closed * (price - *avg) * before.signum();
            if after == 0.0 {
                *avg = f64::NAN;
            } else if after.signum() != before.signum() {
                *avg = price;
            }
        }
        if self.marks[symbol].is_nan() {
            // First sight of this symbol is its fill: mark there until its first close.
            self.marks[symbol] = price;
        }
        (before, after)
    }

    /// Moves the mark of every held symbol to `closes` where finite, credits `interest_rate`
    /// (per bar) on the cash balance as it stands after the bar's fills, charges `borrow_rate`
    /// (per bar, fraction of short market value) on shorts, reporting each symbol's fee to
    /// `on_borrow`, and returns the snapshot. One pass over the held symbols.
    pub fn close_bar(
        &mut self,
        closes: impl Fn(usize) -> f64,
        borrow_rate: f64,
        interest_rate: f64,
        mut on_borrow: impl FnMut(usize, f64),
    ) -> CloseSnapshot {
        let interest = self.cash * interest_rate;
        self.cash += interest;
        let mut long = 0.0;
        let mut short = 0.0;
        let mut borrow = 0.0;
        for &s in &self.held {
            let c = closes(s);
            if c.is_finite() {
                self.marks[s] = c;
            }
            let q = self.positions[s];
            if q > 0.0 {
                long += q * self.marks[s];
            } else if q < 0.0 {
                let value = -q * self.marks[s];
                short += value;
                if borrow_rate > 0.0 {
                    let fee = value * borrow_rate;
                    borrow += fee;
                    on_borrow(s, fee);
                }
            }
        }
        self.cash -= borrow;
        CloseSnapshot {
            equity: self.cash + long - short,
            cash: self.cash,
            long_exposure: long,
            short_exposure: short,
            borrow,
            interest,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equity_is_cash_plus_marked_positions() {
        let mut p = Portfolio::new(2, 1000.0);
        let (b, a) = p.apply_fill(0, 10.0, 20.0, 1.0);
        assert_eq!((b, a), (0.0, 10.0));
        assert_eq!(p.cash(), 1000.0 - 200.0 - 1.0);
        assert_eq!(p.equity(), 999.0); // marked at the fill price until a close
        let snap = p.close_bar(|s| [25.0, f64::NAN][s], 0.0, 0.0, |_, _| {});
        assert_eq!(snap.equity, 799.0 + 250.0);
        assert_eq!(snap.long_exposure, 250.0);
    }

    #[test]
    fn borrow_is_charged_on_short_value() {
        let mut p = Portfolio::new(1, 1000.0);
        p.apply_fill(0, -10.0, 50.0, 0.0);
        let mut seen = 0.0;
        let snap = p.close_bar(|_| 40.0, 0.01, 0.0, |_, f| seen += f);
        assert_eq!(snap.short_exposure, 400.0);
        assert_eq!(snap.borrow, 4.0);
        assert_eq!(seen, 4.0);
        assert_eq!(snap.cash, 1500.0 - 4.0);
        assert_eq!(snap.equity, 1500.0 - 4.0 - 400.0);
    }

    #[test]
    fn interest_accrues_on_cash_before_borrow() {
        let mut p = Portfolio::new(1, 1000.0);
        let snap = p.close_bar(|_| 1.0, 0.0, 0.001, |_, _| {});
        assert_eq!(snap.interest, 1.0);
        assert_eq!(snap.cash, 1001.0);
    }

    #[test]
    fn average_cost_and_realized_pnl() {
        let mut p = Portfolio::new(1, 10_000.0);
        p.apply_fill(0, 10.0, 100.0, 0.0);
        p.apply_fill(0, 10.0, 110.0, 0.0);
        assert_eq!(p.avg_cost()[0], 105.0);
        p.apply_fill(0, -5.0, 120.0, 0.0);
        assert_eq!(p.avg_cost()[0], 105.0);
        assert_eq!(p.realized()[0], 75.0);
        p.close_bar(|_| 100.0, 0.0, 0.0, |_, _| {});
        assert_eq!(p.unrealized(0), 15.0 * -5.0);
        // Flip: close 15 long at 90 (-225), open 5 short at 90.
        p.apply_fill(0, -20.0, 90.0, 0.0);
        assert_eq!(p.realized()[0], 75.0 - 225.0);
        assert_eq!((p.positions()[0], p.avg_cost()[0]), (-5.0, 90.0));
        p.apply_fill(0, 5.0, 80.0, 0.0);
        assert_eq!(p.realized()[0], 75.0 - 225.0 + 50.0);
        assert!(p.avg_cost()[0].is_nan());
        assert_eq!(p.unrealized(0), 0.0);
    }

    #[test]
    fn held_lists_open_positions_in_symbol_order() {
        let mut p = Portfolio::new(4, 1000.0);
        p.apply_fill(2, 1.0, 10.0, 0.0);
        p.apply_fill(0, -1.0, 10.0, 0.0);
        p.apply_fill(3, 1.0, 10.0, 0.0);
        assert_eq!(p.held(), &[0, 2, 3]);
        p.apply_fill(2, -1.0, 11.0, 0.0);
        assert_eq!(p.held(), &[0, 3]);
        p.apply_fill(0, 2.0, 9.0, 0.0); // flips to long: still held
        assert_eq!(p.held(), &[0, 3]);
        p.apply_fill(0, -1.0, 9.0, 0.0);
        p.apply_fill(3, -1.0, 9.0, 0.0);
        assert!(p.held().is_empty());
        // A flat symbol's stale mark is refreshed before it is reopened, never for a held one.
        p.refresh_mark(3, Some(12.0));
        assert_eq!(p.marks()[3], 12.0);
        p.apply_fill(3, 1.0, 12.5, 0.0);
        p.refresh_mark(3, Some(99.0));
        assert_eq!(p.marks()[3], 12.0);
        assert_eq!(p.equity(), p.cash() + 12.0);
    }

    #[test]
    fn fractional_round_trip_snaps_to_zero() {
        let mut p = Portfolio::new(1, 1000.0);
        p.apply_fill(0, 0.1, 10.0, 0.0);
        p.apply_fill(0, 0.2, 10.0, 0.0);
        let (_, after) = p.apply_fill(0, -0.30000000000000004, 10.0, 0.0);
        assert_eq!(after, 0.0);
    }
}
