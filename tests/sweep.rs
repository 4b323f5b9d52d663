//! `rotor sweep` and `rotor walkforward` end to end on the shipped sample data: byte-identical
//! sweep.parquet for any thread count, a real SIGKILL then --resume equal to an uninterrupted
//! run, invalid sets skipped and counted, the `[sweep]` table, sweep rows equal to `rotor run`.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use arrow_array::{Array, Float64Array, Int64Array};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

use super::{assert_bad_input, root, rotor, run, stderr, stdout};

/// 8 sets, on a shortened range so the debug binary stays quick (shared with tests/shard.rs).
pub(super) const GRID: &[&str] = &[
    "--grid",
    "strategy.lookback=20..160:20",
    "--set",
    "data.start=2021-01-01",
];

/// The sweeps' config: the flagship rotation.
pub(super) fn cfg() -> String {
    root()
        .join("strategies/smallcap_vs_tech.toml")
        .to_string_lossy()
        .into_owned()
}

fn sweep(out: &Path, extra: &[&str]) -> std::process::Output {
    let c = cfg();
    let mut a = vec!["sweep", c.as_str()];
    a.extend_from_slice(GRID);
    a.extend_from_slice(&["--out", out.to_str().unwrap(), "--quiet"]);
    a.extend_from_slice(extra);
    let o = run(&a);
    assert!(o.status.success(), "{}", stderr(&o));
    o
}

fn bytes(p: PathBuf) -> Vec<u8> {
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

pub(super) fn column_f64(path: &Path, name: &str) -> Vec<Option<f64>> {
    let f = std::fs::File::open(path).unwrap();
    let r = ParquetRecordBatchReaderBuilder::try_new(f)
        .unwrap()
        .build()
        .unwrap();
    let mut out = Vec::new();
    for b in r {
        let b = b.unwrap();
        let c = b
            .column_by_name(name)
            .unwrap_or_else(|| panic!("no column {name}"));
        if let Some(a) = c.as_any().downcast_ref::<Float64Array>() {
            out.extend((0..a.len()).map(|i| a.is_valid(i).then(|| a.value(i))));
        } else {
            let a = c.as_any().downcast_ref::<Int64Array>().unwrap();
            out.extend((0..a.len()).map(|i| Some(a.value(i) as f64)));
        }
    }
    out
}

#[test]
fn thread_count_determinism_and_kill_resume() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b, c, k) = (
        tmp.path().join("t1"),
        tmp.path().join("t2"),
        tmp.path().join("default"),
        tmp.path().join("killed"),
    );
    let oa = sweep(&a, &["--threads", "1"]);
    let ob = sweep(&b, &["--threads", "2"]);
    sweep(&c, &[]);
    let reference = bytes(a.join("sweep.parquet"));
    assert_eq!(reference, bytes(b.join("sweep.parquet")), "threads 1 vs 2");
    assert_eq!(
        reference,
        bytes(c.join("sweep.parquet")),
        "threads 1 vs default"
    );
    assert_eq!(stdout(&oa), stdout(&ob));
    assert!(stdout(&oa).contains("Overfitting diagnostics"));
    assert!(stdout(&oa).contains("PBO (CSCV)"));
    assert!(stdout(&oa).contains("verdict"));

    // A real SIGKILL mid-sweep, then --resume.
    let cf = cfg();
    let mut args = vec!["sweep", cf.as_str()];
    args.extend_from_slice(GRID);
    args.extend_from_slice(&["--out", k.to_str().unwrap(), "--threads", "1", "--quiet"]);
    let mut child = rotor()
        .args(&args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let ck = k.join("sweep.checkpoint");
    let t0 = Instant::now();
    while rotor_sweep::checkpoint::count(&ck) < 2 {
        assert!(t0.elapsed() < Duration::from_secs(120), "no progress");
        assert!(
            child.try_wait().unwrap().is_none(),
            "finished before the kill"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    let saved = rotor_sweep::checkpoint::count(&ck);
    assert!((2..8).contains(&saved), "saved {saved}");
    assert!(!k.join("sweep.parquet").exists());
    // Without --resume the unfinished sweep is not silently thrown away.
    let o = run(&{
        let mut v = args.clone();
        v.retain(|x| *x != "--quiet");
        v
    });
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("--resume"), "{}", stderr(&o));
    let mut resume = args.clone();
    resume.retain(|x| *x != "--quiet");
    resume.push("--resume");
    let o = run(&resume);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains(&format!("{saved} already done")),
        "{}",
        stderr(&o)
    );
    assert_eq!(
        reference,
        bytes(k.join("sweep.parquet")),
        "resumed vs uninterrupted"
    );
    assert_eq!(stdout(&oa), stdout(&o));
}

/// stats.json of `rotor run` of the sweeps' config on their range, with `--set` overrides.
fn run_stats(sets: &[&str]) -> serde_json::Value {
    let c = cfg();
    let mut a = vec!["run", c.as_str(), "--set", "data.start=2021-01-01"];
    for s in sets {
        a.extend_from_slice(&["--set", s]);
    }
    a.extend_from_slice(&["--format", "json"]);
    let r = run(&a);
    assert!(r.status.success(), "{}", stderr(&r));
    serde_json::from_slice(&r.stdout).unwrap()
}

#[test]
fn sweep_rows_equal_rotor_run() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("s");
    let c = cfg();
    let o = run(&[
        "sweep",
        &c,
        "--grid",
        "strategy.lookback=40,120",
        "--grid",
        "strategy.rebalance=weekly,monthly",
        "--set",
        "data.start=2021-01-01",
        "--out",
        out.to_str().unwrap(),
        "--quiet",
        "--top",
        "4",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let p = out.join("sweep.parquet");
    let sets = column_f64(&p, "set");
    assert_eq!(sets, vec![Some(0.0), Some(1.0), Some(2.0), Some(3.0)]);
    // set 3 = lookback 120, monthly (first axis slowest)
    let j = run_stats(&["strategy.lookback=120", "strategy.rebalance=monthly"]);
    for m in [
        "total_return",
        "sharpe",
        "max_drawdown",
        "trades",
        "psr",
        "sharpe_ci_low",
    ] {
        let want = j[m].as_f64();
        assert_eq!(column_f64(&p, m)[3], want, "{m}");
    }
    // Top-K table is on stdout with the parameter columns.
    let s = stdout(&o);
    assert!(
        s.contains("Top 4 by sharpe") && s.contains("strategy.rebalance"),
        "{s}"
    );
    assert!(s.contains("Sensitivity: sharpe"), "{s}");
}

/// The bootstrap intervals are computed only where shown: in sweep.parquet they are null
/// outside the top K sets, and the top sets' values equal `rotor run`'s (same seed rule);
/// ranking by an interval bound computes them for every set.
#[test]
fn sweep_intervals_only_for_the_top_sets() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("s");
    sweep(&out, &["--top", "2"]);
    let p = out.join("sweep.parquet");
    let sharpe = column_f64(&p, "sharpe");
    let mut order: Vec<usize> = (0..sharpe.len()).collect();
    order.sort_by(|&a, &b| {
        sharpe[b]
            .unwrap()
            .total_cmp(&sharpe[a].unwrap())
            .then(a.cmp(&b))
    });
    let ci = column_f64(&p, "sharpe_ci_low");
    let cagr_ci = column_f64(&p, "cagr_ci_high");
    for (rank, &i) in order.iter().enumerate() {
        assert_eq!(
            ci[i].is_some(),
            rank < 2,
            "set {i} at rank {rank}: {:?}",
            ci[i]
        );
        assert_eq!(cagr_ci[i].is_some(), rank < 2, "set {i}");
    }
    // The best set's interval is rotor run's for that set (lookback = 20 + 20 * set).
    let best = order[0];
    let lookback = format!("strategy.lookback={}", 20 + 20 * best);
    let j = run_stats(&[&lookback]);
    assert_eq!(ci[best], j["sharpe_ci_low"].as_f64());
    assert_eq!(cagr_ci[best], j["cagr_ci_high"].as_f64());
    // Ranked by an interval bound: every set has its intervals.
    let out2 = tmp.path().join("by_ci");
    let o = sweep(&out2, &["--rank-by", "sharpe_ci_low", "--top", "1"]);
    let all = column_f64(&out2.join("sweep.parquet"), "sharpe_ci_low");
    assert!(all.iter().all(|v| v.is_some()), "{all:?}");
    assert!(
        stdout(&o).contains("Top 1 by sharpe_ci_low"),
        "{}",
        stdout(&o)
    );
}

fn sma_config(dir: &Path, sweep_table: &str) -> PathBuf {
    let p = dir.join("sma.toml");
    let bars = root().join("data/bars");
    std::fs::write(
        &p,
        format!(
            "name = \"sma\"\n[data]\nbars = {:?}\nstart = \"2022-01-01\"\n[strategy]\nkind = \"sma_cross\"\nsymbol = \"SPY\"\nfast = 10\nslow = 50\n{sweep_table}",
            bars.to_string_lossy()
        ),
    )
    .unwrap();
    p
}

#[test]
fn invalid_sets_are_skipped_and_counted() {
    let tmp = tempfile::tempdir().unwrap();
    let cfg = sma_config(tmp.path(), "");
    let out = tmp.path().join("o");
    let o = run(&[
        "sweep",
        cfg.to_str().unwrap(),
        "--grid",
        "strategy.fast=10,20,30",
        "--grid",
        "strategy.slow=20,30",
        "--out",
        out.to_str().unwrap(),
        "--quiet",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    // fast >= slow: (20,20), (30,20), (30,30)
    assert!(
        stdout(&o).contains("6 parameter sets, 3 ran, 3 skipped as invalid"),
        "{}",
        stdout(&o)
    );
    assert_eq!(
        column_f64(&out.join("sweep.parquet"), "set"),
        vec![Some(0.0), Some(1.0), Some(3.0)]
    );
    // A value of the wrong type is bad input, not a skipped set.
    let o = run(&[
        "sweep",
        cfg.to_str().unwrap(),
        "--grid",
        "strategy.fast=10,abc",
    ]);
    assert_bad_input(&o, "sma.toml", "strategy.fast=abc");
    let o = run(&[
        "sweep",
        cfg.to_str().unwrap(),
        "--grid",
        "strategy.fastt=1,2",
    ]);
    assert_bad_input(&o, "sma.toml", "fast");
    let o = run(&[
        "sweep",
        cfg.to_str().unwrap(),
        "--grid",
        "data.start=2020-01-01",
    ]);
    assert_bad_input(&o, "data.start", "walkforward");
    let o = run(&["sweep", cfg.to_str().unwrap()]);
    assert_bad_input(&o, "sma.toml", "[sweep]");
}

#[test]
fn sweep_table_in_the_config() {
    let tmp = tempfile::tempdir().unwrap();
    let cfg = sma_config(
        tmp.path(),
        "[sweep]\nstrategy.fast = [5, 10]\nstrategy.slow = \"40..60:20\"\n",
    );
    let out = tmp.path().join("o");
    let o = run(&[
        "sweep",
        cfg.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--quiet",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("4 parameter sets, 4 ran, 0 skipped"),
        "{}",
        stdout(&o)
    );
    let p = out.join("sweep.parquet");
    assert_eq!(
        column_f64(&p, "strategy.fast"),
        vec![Some(5.0), Some(5.0), Some(10.0), Some(10.0)]
    );
    assert_eq!(
        column_f64(&p, "strategy.slow"),
        vec![Some(40.0), Some(60.0), Some(40.0), Some(60.0)]
    );
    // `rotor run` ignores the [sweep] table.
    let r = run(&["run", cfg.to_str().unwrap(), "--quiet"]);
    assert!(r.status.success(), "{}", stderr(&r));
}

#[test]
fn ctrl_c_stops_cleanly_and_resumes() {
    let tmp = tempfile::tempdir().unwrap();
    let cfg = sma_config(tmp.path(), "");
    let out = tmp.path().join("o");
    let args = [
        "sweep",
        cfg.to_str().unwrap(),
        "--grid",
        "strategy.fast=2..40:2",
        "--grid",
        "strategy.slow=60,80",
        "--threads",
        "1",
        "--out",
        out.to_str().unwrap(),
    ];
    let child = rotor()
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let ck = out.join("sweep.checkpoint");
    let t0 = Instant::now();
    while rotor_sweep::checkpoint::count(&ck) < 2 {
        assert!(t0.elapsed() < Duration::from_secs(120), "no progress");
        std::thread::sleep(Duration::from_millis(20));
    }
    let st = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(st.success());
    let o = child.wait_with_output().unwrap();
    if o.status.code() == Some(130) {
        assert!(stderr(&o).contains("--resume"), "{}", stderr(&o));
        let mut a = args.to_vec();
        a.push("--resume");
        let r = run(&a);
        assert!(r.status.success(), "{}", stderr(&r));
    } else {
        // It may have finished between the check and the signal.
        assert!(o.status.success(), "{}", stderr(&o));
    }
    assert!(out.join("sweep.parquet").exists());
    assert_eq!(column_f64(&out.join("sweep.parquet"), "set").len(), 40);
}

#[test]
fn walkforward_reports_out_of_sample_and_choices() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("wf");
    let c = cfg();
    let o = run(&[
        "walkforward",
        &c,
        "--grid",
        "strategy.lookback=20,60,120",
        "--set",
        "data.start=2019-01-01",
        "--train",
        "2y",
        "--test",
        "1y",
        "--out",
        out.to_str().unwrap(),
        "--quiet",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let s = stdout(&o);
    assert!(s.contains("walk-forward"), "{s}");
    assert!(s.contains("Chosen parameters per window"), "{s}");
    assert!(s.contains("2021-01-02..2022-01-01"), "{s}");
    for f in [
        "report.txt",
        "stats.json",
        "walkforward.parquet",
        "equity.parquet",
    ] {
        assert!(out.join(f).exists(), "{f}");
    }
}

/// `rotor sweep --random 3` over a range axis of 10,000,000 values under `ulimit -v` 1 GB:
/// the range was expanded (and each value type-checked, and listed in the sensitivity view),
/// which ran out of memory; now it costs three numbers. Skipped where `ulimit -v` is not
/// honoured (a 10 MB limit lets the binary run).
#[test]
fn random_sets_of_a_ten_million_value_range_fit_in_one_gigabyte() {
    let under = |kb: u64| {
        Command::new("sh")
            .arg("-c")
            .arg(format!(
                "ulimit -v {kb} && exec '{}' sweep '{}' --grid strategy.lookback=1..10000000 \
                 --random 3 --seed 5 --set data.start=2021-01-01 --quiet",
                env!("CARGO_BIN_EXE_rotor"),
                cfg(),
            ))
            .env("RAYON_NUM_THREADS", "1")
            .env("MALLOC_ARENA_MAX", "1")
            .output()
            .unwrap()
    };
    if under(10_000).status.success() {
        eprintln!("skipped: ulimit -v is not honoured here");
        return;
    }
    let o = under(1_000_000);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("3 parameter sets"), "{out}");
    // The sensitivity view lists the values sets ran with, not the axis's ten million.
    assert!(out.lines().count() < 60, "{out}");
}
