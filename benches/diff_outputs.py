#!/usr/bin/env python3
"""Diffs every output of two rotor binaries on the shipped configs (issue 14's promise).

    python3 benches/diff_outputs.py --old OLD_ROTOR --new NEW_ROTOR [--work DIR] [--top K]

`rotor run --out` of every strategies/*.toml, three sweeps (one `--random`), a walk-forward and
`rotor data synth` of two seeds: every stdout and every file must be identical. Text, JSON and
TOML files are compared byte for byte, and so are the synthetic bar files (their writer is
pinned); the run and sweep Parquet outputs are compared by content (schema with its metadata,
then every column's values), so a change of their compression level is not a difference. The
bootstrap interval columns of sweep.parquet (sharpe_ci_low, sharpe_ci_high, cagr_ci_low,
cagr_ci_high) must be null outside the top K sets (README, `rotor sweep`) and equal the old
values exactly inside them (same resamples, same seed rule). Needs pyarrow (the peers' venv has
it). Prints one line per comparison; exits 1 on any difference.
"""

import argparse
import filecmp
import os
import subprocess
import sys
import tempfile

import pyarrow.parquet as pq

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CI = ["sharpe_ci_low", "sharpe_ci_high", "cagr_ci_low", "cagr_ci_high"]


def rotor(binary, args, out):
    """Runs rotor with `args` writing into `out`; returns (exit code, stdout)."""
    quiet = [] if args[0] == "data" else ["--quiet"]
    p = subprocess.run([binary] + args + ["--out", out] + quiet, capture_output=True, cwd=ROOT)
    return p.returncode, p.stdout


def same_parquet(a, b):
    """True when two Parquet files hold the same schema (with metadata) and the same values."""
    ta, tb = pq.read_table(a), pq.read_table(b)
    return ta.schema.equals(tb.schema, check_metadata=True) and ta.equals(tb)


def same_folders(a, b, skip=(), parquet_bytes=False):
    """Names of the files that differ (or exist on one side only), `skip` not compared,
    subfolders compared recursively. Parquet files by content unless `parquet_bytes`."""
    names = sorted(set(os.listdir(a)) | set(os.listdir(b)))
    bad = []
    for n in names:
        if n in skip or n == "sweep.checkpoint":  # completion order: not an output
            continue
        pa, pb = os.path.join(a, n), os.path.join(b, n)
        if os.path.isdir(pa) and os.path.isdir(pb):
            bad += [f"{n}/{m}" for m in same_folders(pa, pb, skip, parquet_bytes)]
        elif not (os.path.isfile(pa) and os.path.isfile(pb)):
            bad.append(n)
        elif n.endswith(".parquet") and not parquet_bytes:
            if not same_parquet(pa, pb):
                bad.append(n)
        elif not filecmp.cmp(pa, pb, False):
            bad.append(n)
    return bad


def sweep_parquet_diff(a, b, top):
    """Differences between two sweep.parquet files under the interval-columns rule."""
    ta, tb = pq.read_table(a), pq.read_table(b)
    if ta.schema != tb.schema or ta.num_rows != tb.num_rows:
        return ["schema or row count"]
    bad = []
    for name in ta.column_names:
        if name not in CI and ta[name].to_pylist() != tb[name].to_pylist():
            bad.append(name)
    shown = 0
    for name in CI:
        for old, new in zip(ta[name].to_pylist(), tb[name].to_pylist()):
            if new is not None:
                shown += name == CI[0]
                if new != old:
                    bad.append(f"{name} {old} != {new}")
    if shown != min(top, ta.num_rows):
        bad.append(f"{shown} rows with intervals, expected {min(top, ta.num_rows)}")
    return bad


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--old", required=True)
    ap.add_argument("--new", required=True)
    ap.add_argument("--work", default=None)
    ap.add_argument("--top", type=int, default=5)
    a = ap.parse_args()
    work = a.work or tempfile.mkdtemp(prefix="rotor-diff-")
    failed, skipped = 0, 0

    def compare(label, args, sweep=False, parquet_bytes=False):
        nonlocal failed, skipped
        outs = {}
        for side, binary in (("old", a.old), ("new", a.new)):
            out = os.path.join(work, side, label)
            code, stdout = rotor(binary, args, out)
            outs[side] = (out, code, stdout)
        (oa, ca, sa), (ob, cb, sb) = outs["old"], outs["new"]
        if ca == 2 and cb == 0:
            # A config newer than the old binary (e.g. a strategy kind it lacks): nothing to diff.
            print(f"skipped  {label}: the old binary rejects it (exit 2)")
            skipped += 1
            return
        bad = []
        if ca != cb:
            bad.append(f"exit {ca} != {cb}")
        if sa.replace(oa.encode(), b"OUT") != sb.replace(ob.encode(), b"OUT"):
            bad.append("stdout")  # the output folder named in it is not a difference
        if ca == 0 and cb == 0:
            skip = ("sweep.parquet",) if sweep else ()
            bad += same_folders(oa, ob, skip, parquet_bytes)
            if sweep:
                bad += sweep_parquet_diff(os.path.join(oa, "sweep.parquet"),
                                          os.path.join(ob, "sweep.parquet"), a.top)
        print(f"{'same' if not bad else 'DIFFERENT'}  {label}" + (f": {bad}" if bad else ""))
        failed += bool(bad)

    configs = sorted(f for f in os.listdir(os.path.join(ROOT, "strategies")) if f.endswith(".toml"))
    for c in configs:
        compare(f"run-{c[:-5]}", ["run", f"strategies/{c}"])
    top = ["--top", str(a.top)]
    compare("sweep-smallcap_vs_tech",
            ["sweep", "strategies/smallcap_vs_tech.toml", "--grid", "strategy.lookback=20..200:20",
             "--grid", "strategy.rebalance=weekly,monthly", "--threads", "2"] + top, sweep=True)
    compare("sweep-sma_cross",
            ["sweep", "strategies/sma_cross.toml", "--grid", "strategy.fast=5..50:5",
             "--grid", "strategy.slow=20..200:20", "--threads", "2"] + top, sweep=True)
    compare("sweep-random-sma_cross",
            ["sweep", "strategies/sma_cross.toml", "--grid", "strategy.fast=2..60:1",
             "--grid", "strategy.slow=20..400:5", "--random", "40", "--seed", "11",
             "--threads", "2"] + top, sweep=True)
    compare("walkforward-smallcap_vs_tech",
            ["walkforward", "strategies/smallcap_vs_tech.toml", "--grid",
             "strategy.lookback=20..200:40", "--threads", "2"])
    for seed in ("2026", "7"):
        compare(f"data-synth-{seed}", ["data", "synth", "--seed", seed], parquet_bytes=True)
    print(f"{len(configs) + 6 - skipped} comparisons ({skipped} skipped) in {work}: "
          f"{'all identical' if not failed else f'{failed} differ'}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
