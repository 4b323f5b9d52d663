//! `kind = "formula"` end to end: the re-expressed seed rotations trade exactly like the
//! built-in kinds, a formula run matches an independent pandas implementation, and formula
//! params sweep like any other key.

use std::path::Path;

use super::sweep::column_f64;
use super::{root, run, stderr, stdout};

fn run_out(config: &Path, out: &Path) {
    let o = run(&[
        "run",
        config.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--quiet",
    ]);
    assert!(o.status.success(), "{}: {}", config.display(), stderr(&o));
}

/// A float column of a Parquet file (no nulls expected).
fn f64_column(path: &Path, name: &str) -> Vec<f64> {
    column_f64(path, name)
        .into_iter()
        .map(|v| v.expect("no nulls"))
        .collect()
}

#[test]
fn reexpressed_rotations_fill_exactly_like_the_builtins() {
    let tmp = tempfile::tempdir().unwrap();
    for (builtin, formula) in [
        ("smallcap_vs_tech.toml", "formula_smallcap_vs_tech.toml"),
        (
            "equal_vs_cap_weight.toml",
            "formula_equal_vs_cap_weight.toml",
        ),
        ("sector_momentum.toml", "formula_sector_momentum.toml"),
    ] {
        let (a, b) = (tmp.path().join(builtin), tmp.path().join(formula));
        run_out(&root().join("strategies").join(builtin), &a);
        run_out(&root().join("strategies").join(formula), &b);
        let fills = |d: &Path| std::fs::read(d.join("fills.parquet")).unwrap();
        let equity = |d: &Path| std::fs::read(d.join("equity.parquet")).unwrap();
        assert!(
            f64_column(&a.join("fills.parquet"), "quantity").len() > 50,
            "{builtin} trades"
        );
        assert!(
            fills(&a) == fills(&b),
            "{formula}: fills differ from {builtin}"
        );
        assert!(
            equity(&a) == equity(&b),
            "{formula}: equity differs from {builtin}"
        );
    }
}

/// tests/fixtures/formula_pandas_equity.csv was produced by
/// `python3 tests/fixtures/make_formula_fixture.py` (pandas 3.1.1, numpy 2.4.6): an independent
/// implementation of tests/fixtures/formula_pandas.toml (every operator family, a `@SYMBOL`
/// series, the volatility overlay) on the shipped data with no costs and fractional shares.
#[test]
fn a_formula_run_matches_the_pandas_implementation() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    run_out(&root().join("tests/fixtures/formula_pandas.toml"), &out);
    let got = f64_column(&out.join("equity.parquet"), "equity");
    let csv =
        std::fs::read_to_string(root().join("tests/fixtures/formula_pandas_equity.csv")).unwrap();
    let want: Vec<f64> = csv
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(1).unwrap().parse().unwrap())
        .collect();
    assert_eq!(got.len(), want.len());
    let moved = want.iter().filter(|&&e| e != 1_000_000.0).count();
    assert!(
        moved > 1000,
        "the strategy trades ({moved} bars away from the start)"
    );
    for (i, (g, w)) in got.iter().zip(&want).enumerate() {
        assert!(
            (g - w).abs() <= 1e-9 * w,
            "bar {i}: rotor {g} vs pandas {w}"
        );
    }
}

#[test]
fn formula_params_sweep_like_any_key() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("sweep");
    let cfg = root().join("strategies/formula_smallcap_vs_tech.toml");
    let o = run(&[
        "sweep",
        cfg.to_str().unwrap(),
        "--grid",
        "strategy.params.look=40,60",
        "--out",
        out.to_str().unwrap(),
        "--quiet",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("strategy.params.look"),
        "{}",
        stdout(&o)
    );
    // The look = 60 set equals `rotor run` of the config (look = 60 there).
    let sharpe = f64_column(&out.join("sweep.parquet"), "sharpe");
    let looks = f64_column(&out.join("sweep.parquet"), "strategy.params.look");
    assert_eq!(looks, vec![40.0, 60.0]);
    let single = tmp.path().join("run");
    run_out(&cfg, &single);
    let stats: serde_json::Value =
        serde_json::from_slice(&std::fs::read(single.join("stats.json")).unwrap()).unwrap();
    assert_eq!(sharpe[1], stats["sharpe"].as_f64().unwrap());
    assert_ne!(sharpe[0], sharpe[1]);
}
