#!/usr/bin/env python3
"""Runs rotor and the peers back to back on the same files and prints the table of ratios.

Called by run_all.sh (which builds rotor, writes the data and makes the venv). Every number is
from this one run; nothing passes or fails on time (the table says whether each target is met).
"""

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def run_json(cmd, timeout=3600):
    """Runs `cmd`, returns (wall seconds of the whole process, its last stdout line as JSON)."""
    t = time.perf_counter()
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    wall = time.perf_counter() - t
    if p.returncode != 0:
        raise SystemExit(f"failed ({p.returncode}): {' '.join(cmd)}\n{p.stderr[-2000:]}")
    line = [l for l in p.stdout.splitlines() if l.startswith("{")][-1]
    return wall, json.loads(line)


def best_wall(cmd, n):
    best, out = float("inf"), None
    for _ in range(n):
        w, out = run_json(cmd)
        best = min(best, w)
    return best, out


def measure(cmd, n=1):
    """Best wall seconds of `n` runs of `cmd` and the peak resident memory (MB) of the process,
    the largest over the runs (os.wait4's rusage of that child alone)."""
    best, peak = float("inf"), 0.0
    for _ in range(n):
        with tempfile.TemporaryFile() as err:
            t = time.perf_counter()
            p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err)
            _, status, usage = os.wait4(p.pid, 0)
            w = time.perf_counter() - t
            p.returncode = os.waitstatus_to_exitcode(status)
            if p.returncode != 0:
                err.seek(0)
                raise SystemExit(f"failed ({p.returncode}): {' '.join(cmd)}\n"
                                 f"{err.read()[-2000:].decode(errors='replace')}")
        best, peak = min(best, w), max(peak, usage.ru_maxrss / 1024)
    return best, peak


def machine():
    model = "?"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    load = os.getloadavg()
    return f"{os.cpu_count()} CPUs, {model}, {platform.system()} {platform.release()}, " \
           f"load average at start {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}"


def versions(py):
    code = ("import vectorbt, backtesting, backtrader, numba, numpy, pandas, pyarrow, sys;"
            "print(f'CPython {sys.version.split()[0]}, vectorbt {vectorbt.__version__}, "
            "backtesting {backtesting.__version__}, backtrader {backtrader.__version__}, "
            "numba {numba.__version__}, numpy {numpy.__version__}, pandas {pandas.__version__}, "
            "pyarrow {pyarrow.__version__}')")
    return subprocess.run([py, "-c", code], capture_output=True, text=True).stdout.strip()


def _spin(n):
    s = 0
    for i in range(n):
        s += i
    return s


def cpu_scaling(n=15_000_000):
    """Throughput of two busy processes relative to one: what 2 threads can gain here at most."""
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(2) as ex:
        list(ex.map(_spin, [10, 10]))
        t = time.perf_counter()
        _spin(n)
        one = time.perf_counter() - t
        t = time.perf_counter()
        list(ex.map(_spin, [n, n]))
        two = time.perf_counter() - t
    return 2 * one / two


def same(a, b, rel=1e-9):
    return abs(a - b) <= rel * max(abs(a), abs(b), 1.0)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    ap.add_argument("--rotor", required=True)
    ap.add_argument("--e2e", required=True)
    ap.add_argument("--python", default=sys.executable)
    ap.add_argument("--prefix", type=int, default=20_000)
    ap.add_argument("--quick", action="store_true",
                    help="time backtrader on 100,000 bars and scale x10 (else the full file)")
    ap.add_argument("--cli-sweep-symbols", type=int, default=100,
                    help="`rotor sweep` end to end on this many panel symbols (90 sets each), "
                         "time scaled to 100 (0 skips it; the default 100 runs all 9,000 sets)")
    a = ap.parse_args()

    single = os.path.join(a.data, "single", "BENCH.parquet")
    panel = os.path.join(a.data, "panel")
    peers = [a.python, os.path.join(HERE, "peers.py")]
    rustc = subprocess.run(["rustc", "--version"], capture_output=True, text=True).stdout.strip()
    info = {"machine": machine(), "rustc": rustc, "peers": versions(a.python)}
    log(f"machine: {info['machine']}\n{rustc}\n{info['peers']}")

    rows, checks = [], []

    # --- one SMA(10/50) cross on 1,000,000 bars ------------------------------------------
    log("rotor sma 1M (end to end, best of 5) ...")
    r_sma_s, r_sma = best_wall([a.e2e, "sma", "--bars", single], 5)
    log(f"  {r_sma_s:.3f} s  {r_sma}")
    log("rotor run (CLI, full report, warm, best of 3) ...")
    cli_run_s, cli_run_mb = measure([a.rotor, "run", os.path.join(HERE, "sma_single.toml"),
                                     "--quiet", "--set", f"data.bars={os.path.abspath(single)}"], 3)
    log(f"  {cli_run_s:.3f} s, {cli_run_mb:.0f} MB")
    _, r_pre = run_json([a.e2e, "sma", "--bars", single, "--prefix", str(a.prefix)])

    log("vectorbt sma 1M (warm, best of 3; and with pf.stats()) ...")
    _, vbt = run_json(peers + ["sma", "--peer", "vectorbt", "--bars", single, "--stats"])
    log(f"  {vbt}")
    checks.append(("vectorbt, 1,000,000 bars", vbt, r_sma))
    for p in ["vectorbt", "backtesting", "backtrader"]:
        log(f"{p} sma prefix {a.prefix} ...")
        _, out = run_json(peers + ["sma", "--peer", p, "--bars", single, "--prefix", str(a.prefix)])
        checks.append((f"{p}, first {a.prefix:,} bars", out, r_pre))
    log("backtesting.py sma 1M ...")
    _, btp = run_json(peers + ["sma", "--peer", "backtesting", "--bars", single])
    log(f"  {btp}")
    checks.append(("backtesting.py, 1,000,000 bars", btp, r_sma))
    if a.quick:
        log("backtrader sma 100k (x10) ...")
        _, btr = run_json(peers + ["sma", "--peer", "backtrader", "--bars", single,
                                   "--prefix", "100000"])
        btr_s, btr_note = btr["time_s"] * 10, "100,000 bars x 10 (--quick)"
    else:
        log("backtrader sma 1M (a few minutes) ...")
        _, btr = run_json(peers + ["sma", "--peer", "backtrader", "--bars", single])
        btr_s, btr_note = btr["time_s"], "1,000,000 bars"
        checks.append(("backtrader, 1,000,000 bars", btr, r_sma))
    log(f"  {btr}")

    rows.append(("SMA cross 1M bars: rotor e2e vs vectorbt warm from_signals",
                 r_sma_s, vbt["time_s"], ">= 5x"))
    rows.append(("SMA cross 1M bars: rotor e2e vs backtesting.py",
                 r_sma_s, btp["time_s"], ">= 300x"))
    rows.append((f"SMA cross 1M bars: rotor e2e vs backtrader ({btr_note})",
                  r_sma_s, btr_s, ">= 3000x"))

    # --- load ----------------------------------------------------------------------------
    log("load (in process, best of 5) ...")
    _, ld = run_json([a.e2e, "load", "--bars", single, "--repeat", "5"])
    log(f"  {ld}")

    # --- rotation ------------------------------------------------------------------------
    log("rotation (in process, best of 5) ...")
    _, rot = run_json([a.e2e, "rotation", "--bars", panel, "--repeat", "5"])
    log(f"  {rot}")

    # --- sweep ---------------------------------------------------------------------------
    log("rotor sweep loop, 1 and 2 threads (end to end, best of 3) ...")
    s1_s, s1 = best_wall([a.e2e, "sweep", "--bars", panel, "--threads", "1"], 3)
    s2_s, s2 = best_wall([a.e2e, "sweep", "--bars", panel, "--threads", "2"], 3)
    log(f"  1 thread {s1_s:.3f} s {s1}\n  2 threads {s2_s:.3f} s {s2}")
    _, ssplit = run_json([a.e2e, "sweep", "--bars", panel, "--threads", "1", "--split", "1"])
    log(f"  diagnostic, 1 thread, one single-symbol Market per symbol: {ssplit}")
    log("machine scaling probe (two busy processes vs one) ...")
    probe = cpu_scaling()
    log(f"  {probe:.2f}x")
    cli_sweep_s = None
    k = min(a.cli_sweep_symbols, 100)
    if k > 0:
        log(f"rotor sweep (CLI: ranking, DSR, PBO; 2 threads, {k} symbols) ...")
        names = sorted(f[:-8] for f in os.listdir(panel) if f.endswith(".parquet"))
        syms = ",".join(names[:k])
        with tempfile.TemporaryDirectory() as out:
            cli_sweep_s, cli_sweep_mb = measure(
                [a.rotor, "sweep", os.path.join(HERE, "sma_panel.toml"), "--quiet",
                 "--set", f"data.bars={os.path.abspath(panel)}",
                 "--grid", f"strategy.symbol={syms}",
                 "--grid", "strategy.fast=5..50:5",
                 "--grid", "strategy.slow=20..200:20",
                 "--threads", "2", "--out", os.path.join(out, "sweep")])
        cli_sweep_s *= len(names) / k
        log(f"  {cli_sweep_s:.3f} s (scaled to {len(names)} symbols), {cli_sweep_mb:.0f} MB")
    log("vectorbt broadcast sweep ...")
    _, vsw = run_json(peers + ["sweep", "--bars", panel])
    log(f"  {vsw}")
    rows.append(("SMA grid sweep 9,000 x 5,000: rotor e2e (2 threads) vs vectorbt broadcast",
                 s2_s, vsw["time_s"], ">= 50x"))
    # The headline: what users run, against vectorbt doing the same work.
    head = [("`rotor run`, SMA cross 1M bars, full report (stats incl. bootstrap CIs) vs "
             "vectorbt warm from_signals + `pf.stats()`",
             cli_run_s, cli_run_mb, vbt["stats_s"], vbt["peak_rss_mb"], ">= 5x")]
    if cli_sweep_s is not None:
        scaled = "" if k >= 100 else f" ({k} symbols, time x {100 // k})"
        head.append((f"`rotor sweep`, 9,000 SMA sets x 5,000 bars, 2 threads, with ranking, DSR "
                     f"and PBO{scaled} vs vectorbt broadcast sweep + Sharpe, total return, max "
                     f"drawdown, trade count of every set",
                     cli_sweep_s, cli_sweep_mb, vsw["time_s"] + vsw["metrics_s"],
                     vsw["peak_rss_mb"], ">= 25x"))
    checks.append(("vectorbt sweep (trades incl. open)",
                   {"trades": vsw["trades_incl_open"], "open_trades": 0,
                    "final_equity": vsw["sum_final_equity"]},
                   {"trades": s2["trades_incl_open"], "open_trades": 0,
                    "final_equity": s2["sum_final_equity"]}))

    # --- table ---------------------------------------------------------------------------
    lines = ["", "| headline (what users run) | rotor | rotor peak RSS | vectorbt | vectorbt peak RSS "
             "| ratio | target | met |", "|---|---:|---:|---:|---:|---:|---|---|"]
    for name, r, rmb, p, pmb, target in head:
        ratio, need = p / r, float(target.split()[-1].rstrip("x"))
        met = "yes" if ratio >= need else f"no ({ratio / need:.2f} of it)"
        lines.append(f"| {name} | {r:.3f} s | {rmb:,.0f} MB | {p:.3f} s | {pmb:,.0f} MB | "
                     f"{ratio:,.1f}x | {target} | {met} |")
    lines += ["", "| benchmark | rotor | peer | ratio | target | met |", "|---|---:|---:|---:|---|---|"]
    for name, r, p, target in rows:
        ratio = p / r
        need = target.split()[-1].rstrip("x") if target.startswith(">=") else None
        met = "" if need is None else ("yes" if ratio >= float(need) else
                                       f"no ({ratio / float(need):.2f} of it)")
        lines.append(f"| {name} | {r:.3f} s | {p:.3f} s | {ratio:,.1f}x | {target} | {met} |")
    lr = ld["load_market_s"] / ld["bare_arrow_s"]
    lines.append(f"| Load 1M bars: load_market vs bare parallel arrow read | "
                 f"{ld['load_market_s']:.4f} s | {ld['bare_arrow_s']:.4f} s | {lr:.2f}x slower | "
                 f"<= 1.3x | {'yes' if lr <= 1.3 else 'no'} |")
    scale = s1["run_s"] / s2["run_s"]
    lines.append(f"| Sweep run, 2 threads vs 1 (excl. load) | {s2['run_s']:.3f} s | "
                 f"{s1['run_s']:.3f} s | {scale:.2f}x | >= 1.8x | {'yes' if scale >= 1.8 else 'no'} |")
    lines.append(f"| (machine) two busy processes vs one, same moment | | | {probe:.2f}x | "
                 f"(bounds the row above) | |")
    lines.append(f"| (diagnostic) sweep run, 1 thread, one 1-symbol Market per symbol | "
                 f"{ssplit['run_s']:.3f} s | {s1['run_s']:.3f} s | {s1['run_s'] / ssplit['run_s']:.2f}x"
                 f" faster | (info) | |")
    for key, label in [("pair_s", "pair 50 v 50"), ("top_s", "top-10/bottom-10")]:
        rate = rot["bar_events"] / rot[key] / 1e6
        lines.append(f"| Rotation {label}, daily, 100 x 5,000: bar-events/s on 1 core | "
                     f"{rot[key] * 1e3:.1f} ms | | {rate:.1f}M/s | >= 50M/s | "
                     f"{'yes' if rate >= 50 else 'no'} |")
    sim = r_sma["bars"] / r_sma["run_s"] / 1e6
    lines.append(f"| SMA cross simulation alone (1M bars, 1 core) | {r_sma['run_s'] * 1e3:.1f} ms | "
                 f"| {sim:.1f}M bars/s | >= 100M/s | {'yes' if sim >= 100 else 'no'} |")
    bps = s2["backtests"] / s2["run_s"]
    lines.append(f"| Sweep throughput, 2 threads (excl. load) | {s2['run_s']:.3f} s | | "
                 f"{bps:,.0f} backtests/s, {bps * s2['bars'] / 1e6:,.0f}M bar-evals/s | | |")

    lines += ["", "| check (rotor vs peer) | rotor trades / open | peer trades / open | "
              "rotor final equity | peer final equity | match |", "|---|---|---|---|---|---|"]
    all_ok = True
    for name, peer, rot_ in checks:
        rt = rot_["trades"]
        ro = rot_.get("open_trades", 0)
        ok = peer["trades"] == rt and peer["open_trades"] == ro and \
            same(peer["final_equity"], rot_["final_equity"])
        all_ok &= ok
        lines.append(f"| {name} | {rt} / {ro} | {peer['trades']} / {peer['open_trades']} | "
                     f"{rot_['final_equity']:.4f} | {peer['final_equity']:.4f} | "
                     f"{'yes' if ok else 'NO'} |")
    lines += ["", f"Machine: {info['machine']}; load average at end "
              f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}", info["rustc"], info["peers"]]
    print("\n".join(lines))
    return 0 if all_ok else 1


if __name__ == "__main__":
    sys.exit(main())
