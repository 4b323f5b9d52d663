#!/usr/bin/env python3
"""The peers' side of rotor's benchmark (issue 7): the same SMA cross on the same Parquet files.

    python peers.py sma   --peer vectorbt|backtesting|backtrader --bars FILE [--prefix N]
                          [--fast 10] [--slow 50] [--repeat 3] [--stats]
    python peers.py sweep --bars DIR [--repeat 1]          (vectorbt's broadcast sweep)

Prints one JSON line: trades (closed), open_trades, final_equity, load_s, and the timings.
Rules, as rotor's `sma_cross`: long-only; after the close of bar t, enter when
fast[t-1] < slow[t-1] and fast[t] > slow[t], leave on the opposite cross; fills at the open of
bar t+1; all-in whole shares sized at the fill price (floor(cash / open)); no costs; cash 1e6;
SMAs undefined (NaN) until full.

Timings: `time_s` is the best of --repeat runs of indicator + signals + simulation (for vectorbt
after one untimed warm-up run that compiles the Numba kernels), not counting the Parquet read,
reported apart as `load_s`; `cold_s` is vectorbt's first (compiling) run. vectorbt with --stats
also reports `stats_s`: best of --repeat of the same plus `pf.stats()`. The sweep reports
`time_s` (indicators, signals, simulation) and `metrics_s` (Sharpe, total return, max drawdown
and trade count of every column, ranked) from the same run. `peak_rss_mb` is the process's peak
resident memory.
"""

import argparse
import json
import math
import os
import resource
import sys
import time

import numpy as np
import pandas as pd
import pyarrow.parquet as pq

CASH = 1_000_000.0


def read_bars(path, prefix=None):
    """One symbol's OHLCV as a DataFrame with backtesting.py's column names."""
    t = pq.read_table(path, columns=None)
    df = t.to_pandas()
    ts = "timestamp" if "timestamp" in df.columns else "date"
    idx = pd.DatetimeIndex(df.pop(ts))
    if idx.tz is not None:
        # Naive UTC, as users of these libraries load bars: with a tz-aware index, vectorbt's
        # wrapper turns the 1M-row index into Timestamp objects on every output (~2 s each).
        idx = idx.tz_convert("UTC").tz_localize(None)
    df = df.set_index(idx)
    df.index.name = "datetime"
    df.columns = [c.capitalize() for c in df.columns]
    if prefix:
        df = df.iloc[:prefix]
    return df


def read_panel(folder):
    """Open and close of every *.parquet in `folder`, one column per file stem (sorted)."""
    names = sorted(f for f in os.listdir(folder) if f.endswith(".parquet"))
    opens, closes = {}, {}
    for f in names:
        t = pq.read_table(os.path.join(folder, f), columns=["date", "open", "close"])
        d = t.to_pandas().set_index("date")
        opens[f[:-8]] = d["open"]
        closes[f[:-8]] = d["close"]
    o, c = pd.DataFrame(opens), pd.DataFrame(closes)
    o.index = c.index = pd.DatetimeIndex(c.index)
    return o, c


def best_of(fn, repeat):
    best, out = math.inf, None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return best, out


# --- vectorbt ----------------------------------------------------------------------------


def vbt_sma(df, fast, slow, stats=False):
    """The SMA cross in vectorbt; with `stats`, also `pf.stats()` (vectorbt's full report)."""
    import vectorbt as vbt

    close, open_ = df["Close"], df["Open"]
    f = vbt.MA.run(close, fast).ma
    s = vbt.MA.run(close, slow).ma
    fv, sv = f.to_numpy(), s.to_numpy()
    up = np.zeros(len(df), dtype=bool)
    dn = np.zeros(len(df), dtype=bool)
    # Decided after the close of bar t (strict, NaN compares false) ...
    up[1:] = (fv[:-1] < sv[:-1]) & (fv[1:] > sv[1:])
    dn[1:] = (fv[:-1] > sv[:-1]) & (fv[1:] < sv[1:])
    # ... filled at the open of bar t+1.
    entries = np.zeros_like(up)
    exits = np.zeros_like(dn)
    entries[1:], exits[1:] = up[:-1], dn[:-1]
    pf = vbt.Portfolio.from_signals(
        close,
        entries,
        exits,
        price=open_,
        size=np.inf,
        size_granularity=1.0,
        init_cash=CASH,
        fees=0.0,
        direction="longonly",
    )
    if stats:
        pf.stats()
    trades = pf.trades
    return (
        int(trades.closed.count()),
        int(trades.open.count()),
        float(pf.final_value()),
    )


def vbt_sweep(open_, close, grid, timings=None):
    """vectorbt's broadcast sweep: one MA indicator call per side over all (fast, slow) pairs and
    symbols, crossed with its own accessors, one from_signals over all 9,000 columns; then the
    metrics a vectorbt user ranks the columns by (Sharpe, total return, max drawdown, trade
    count), timed apart into `timings["metrics_s"]` when `timings` is given."""
    import vectorbt as vbt

    fast_w = [f for f, _ in grid]
    slow_w = [s for _, s in grid]
    fast = vbt.MA.run(close, fast_w, short_name="fast")
    slow = vbt.MA.run(close, slow_w, short_name="slow")
    up = fast.ma_crossed_above(slow)
    dn = fast.ma_crossed_below(slow)
    # Fill at the next bar's open.
    entries, exits = up.copy(), dn.copy()
    entries.iloc[0, :], exits.iloc[0, :] = False, False
    entries.iloc[1:, :], exits.iloc[1:, :] = up.to_numpy()[:-1], dn.to_numpy()[:-1]
    price = np.tile(open_.to_numpy(), (1, len(grid)))
    price = pd.DataFrame(price, index=entries.index, columns=entries.columns)
    close_w = pd.DataFrame(
        np.tile(close.to_numpy(), (1, len(grid))), index=entries.index, columns=entries.columns
    )
    pf = vbt.Portfolio.from_signals(
        close_w,
        entries,
        exits,
        price=price,
        size=np.inf,
        size_granularity=1.0,
        init_cash=CASH,
        fees=0.0,
        direction="longonly",
        # Weekday dates infer pandas' "B" frequency, which vectorbt's metrics cannot turn into
        # a Timedelta under pandas 3 ("invalid unit abbreviation: B"): give the bar spacing.
        freq="1D",
    )
    if timings is not None:
        t = time.perf_counter()
        ranked = pd.DataFrame({
            "sharpe": pf.sharpe_ratio(),
            "total_return": pf.total_return(),
            "max_drawdown": pf.max_drawdown(),
            "trades": pf.trades.count(),
        }).sort_values("sharpe", ascending=False)
        timings["metrics_s"] = time.perf_counter() - t
        timings["ranked"] = len(ranked)
    return (
        int(pf.trades.count().sum()),
        float(pf.final_value().sum()),
        entries.shape[1],
    )


# --- backtesting.py ----------------------------------------------------------------------


def bt_py_sma(df, fast, slow):
    from backtesting import Backtest, Strategy

    def sma(x, n):
        return pd.Series(x).rolling(n).mean().to_numpy()

    class SmaCross(Strategy):
        def init(self):
            self.f = self.I(sma, self.data.Close, fast)
            self.s = self.I(sma, self.data.Close, slow)

        def next(self):
            f0, f1, s0, s1 = self.f[-2], self.f[-1], self.s[-2], self.s[-1]
            if f0 < s0 and f1 > s1:
                if not self.position:
                    # All in: just under 1 so backtesting.py takes it as a fraction of equity
                    # (floor(cash / open) shares, sized at the fill price).
                    self.buy(size=1 - 1e-12)
            elif f0 > s0 and f1 < s1:
                self.position.close()

    bt = Backtest(
        df,
        SmaCross,
        cash=CASH,
        commission=0.0,
        trade_on_close=False,
        exclusive_orders=False,
        finalize_trades=False,
    )
    st = bt.run()
    trades = st["_trades"]
    return len(trades), int(bool(st._strategy.position)), float(st["Equity Final [$]"])


# --- backtrader --------------------------------------------------------------------------


def backtrader_sma(df, fast, slow):
    import backtrader as bt

    class SmaCross(bt.Strategy):
        params = dict(fast=fast, slow=slow)

        def __init__(self):
            self.f = bt.indicators.SMA(self.data.close, period=self.p.fast)
            self.s = bt.indicators.SMA(self.data.close, period=self.p.slow)
            self.want = None  # decided at the close, executed at the next open
            self.closed = 0

        def next(self):
            if len(self) < 2 or len(self.s) < self.p.slow + 1:
                return
            f0, f1, s0, s1 = self.f[-1], self.f[0], self.s[-1], self.s[0]
            if f0 < s0 and f1 > s1:
                self.want = "buy"
            elif f0 > s0 and f1 < s1:
                self.want = "sell"

        def next_open(self):
            # cheat-on-open: runs with this bar's open known; the order fills at that open.
            w, self.want = self.want, None
            if w == "buy" and not self.position:
                n = math.floor(self.broker.getcash() / self.data.open[0])
                if n > 0:
                    self.buy(size=n)
            elif w == "sell" and self.position:
                self.close()

        def notify_trade(self, trade):
            if trade.isclosed:
                self.closed += 1

    cerebro = bt.Cerebro(stdstats=False, cheat_on_open=True)
    cerebro.broker.setcash(CASH)
    cerebro.broker.setcommission(commission=0.0)
    data = bt.feeds.PandasData(dataname=df, openinterest=None)
    cerebro.adddata(data)
    cerebro.addstrategy(SmaCross)
    strat = cerebro.run()[0]
    return strat.closed, int(bool(strat.position)), float(cerebro.broker.getvalue())


PEERS = {"vectorbt": vbt_sma, "backtesting": bt_py_sma, "backtrader": backtrader_sma}


def sma_grid():
    return [(f, s) for f in range(5, 51, 5) for s in range(20, 201, 20) if f < s]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("mode", choices=["sma", "sweep"])
    ap.add_argument("--peer", choices=sorted(PEERS), default="vectorbt")
    ap.add_argument("--bars", required=True)
    ap.add_argument("--prefix", type=int, default=None)
    ap.add_argument("--fast", type=int, default=10)
    ap.add_argument("--slow", type=int, default=50)
    ap.add_argument("--repeat", type=int, default=None)
    ap.add_argument("--stats", action="store_true",
                    help="vectorbt: also time simulation + pf.stats() (stats_s)")
    a = ap.parse_args()

    t0 = time.perf_counter()
    if a.mode == "sma":
        df = read_bars(a.bars, a.prefix)
        load_s = time.perf_counter() - t0
        fn = PEERS[a.peer]
        cold_s = None
        repeat = a.repeat or (3 if a.peer == "vectorbt" else 1)
        if a.peer == "vectorbt":
            t = time.perf_counter()
            fn(df, a.fast, a.slow)  # compiles the Numba kernels
            cold_s = time.perf_counter() - t
        time_s, (closed, open_, equity) = best_of(lambda: fn(df, a.fast, a.slow), repeat)
        out = dict(mode="sma", peer=a.peer, bars=len(df), trades=closed, open_trades=open_,
                   final_equity=equity, load_s=load_s, time_s=time_s, cold_s=cold_s)
        if a.peer == "vectorbt" and a.stats:
            # Simulation + pf.stats(): what `rotor run` (simulation + full report) compares to.
            out["stats_s"], _ = best_of(lambda: fn(df, a.fast, a.slow, stats=True), repeat)
    else:
        open_, close = read_panel(a.bars)
        load_s = time.perf_counter() - t0
        grid = sma_grid()
        t = time.perf_counter()
        vbt_sma(pd.DataFrame({"Open": open_.iloc[:300, 0], "Close": close.iloc[:300, 0]}), 5, 20)
        vbt_sweep(open_.iloc[:300, :2], close.iloc[:300, :2], grid[:2])  # warm-up (compile)
        cold_s = time.perf_counter() - t
        timings = {}
        time_s, (trades, equity, n) = best_of(lambda: vbt_sweep(open_, close, grid, timings),
                                              a.repeat or 1)
        out = dict(mode="sweep", peer="vectorbt", backtests=n, bars=len(close),
                   trades_incl_open=trades, sum_final_equity=equity, load_s=load_s,
                   time_s=time_s - timings["metrics_s"], metrics_s=timings["metrics_s"],
                   warmup_s=cold_s)
    # Peak resident memory of this whole process (data, library, every timed run), MB.
    out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(out))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
