#!/usr/bin/env python3
"""Scale data for benches/README.md ("Scale: memory and load time"): per-symbol Parquet files
(no symbol column; timestamp, open, high, low, close, volume as float64; snappy; 131,072-row
row groups) and a buy-and-hold config over every symbol.

    python3 benches/gen/scale_data.py daily  OUT   # 3,000 symbols x 5,000 daily bars (date32)
    python3 benches/gen/scale_data.py minute OUT   # 500 symbols x 200,000 one-minute bars

Prices are a geometric random walk from numpy's PCG64 seeded per symbol (deterministic).
Needs numpy and pyarrow. Keep OUT outside the repository (the minute set is ~4.5 GB).
"""
import os
import sys

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq


def weekdays(n, start="2000-01-03"):
    d = np.arange(np.datetime64(start), np.datetime64(start) + n * 2, dtype="datetime64[D]")
    d = d[np.is_busday(d)][:n]
    return d


def minutes(n):
    per_day = 390
    days = weekdays(n // per_day + 1, "2010-01-04")
    day_ns = days.astype("datetime64[ns]").astype(np.int64)
    first = (14 * 60 + 31) * 60 * 1_000_000_000
    offs = np.arange(per_day, dtype=np.int64) * 60 * 1_000_000_000 + first
    ts = (day_ns[:, None] + offs[None, :]).ravel()[:n]
    return ts


def bars(seed, n):
    rng = np.random.Generator(np.random.PCG64(seed))
    r = rng.normal(0.0, 0.01, n)
    close = 100.0 * np.exp(np.cumsum(r))
    open_ = np.concatenate([[100.0], close[:-1]]) * np.exp(rng.normal(0.0, 0.002, n))
    hi = np.maximum(open_, close) * (1.0 + rng.uniform(0.0, 0.005, n))
    lo = np.minimum(open_, close) * (1.0 - rng.uniform(0.0, 0.005, n))
    vol = np.floor(rng.uniform(1e5, 1e6, n))
    return open_, hi, lo, close, vol


def main():
    kind, out = sys.argv[1], sys.argv[2]
    symbols, n = {"daily": (3000, 5000), "minute": (500, 200_000)}[kind]
    bars_dir = os.path.join(out, "bars")
    os.makedirs(bars_dir, exist_ok=True)
    if kind == "daily":
        ts = pa.array(weekdays(n), type=pa.date32())
    else:
        ts = pa.array(minutes(n), type=pa.timestamp("ns", tz="UTC"))
    names = [f"S{k:04d}" for k in range(symbols)]
    for k, name in enumerate(names):
        o, h, l, c, v = bars(k, n)
        t = pa.table({"timestamp": ts, "open": o, "high": h, "low": l, "close": c, "volume": v})
        pq.write_table(t, os.path.join(bars_dir, f"{name}.parquet"), row_group_size=131_072,
                       compression="snappy", use_dictionary=False)
    listed = ", ".join(f'"{s}"' for s in names)
    for cap, suffix in [("0.1", ""), ("0", "_nocap")]:
        with open(os.path.join(out, f"bh{suffix}.toml"), "w") as f:
            f.write(f'name = "scale {kind}"\n[data]\nbars = "bars"\n'
                    f"[execution]\nvolume_cap = {cap}\n"
                    f'[strategy]\nkind = "buy_and_hold"\nsymbols = [{listed}]\n')


if __name__ == "__main__":
    main()
