//! `rotor stats`: the report of an external series equals the report of the run that made it.

use super::{assert_bad_input, root, run, stderr};

fn json(o: &std::process::Output) -> serde_json::Value {
    assert!(o.status.success(), "{}", stderr(o));
    serde_json::from_slice(&o.stdout).expect("json")
}

#[test]
fn stats_of_a_runs_returns_equal_the_runs_stats() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("o");
    let cfg = root().join("strategies/smallcap_vs_tech.toml");
    let ran = json(&run(&[
        "run",
        cfg.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--format",
        "json",
        "--quiet",
    ]));
    let eq = out.join("equity.parquet");
    let st = json(&run(&[
        "stats",
        eq.to_str().unwrap(),
        "--returns",
        "--format",
        "json",
    ]));
    for key in [
        "total_return",
        "cagr",
        "annual_volatility",
        "sharpe",
        "sortino",
        "max_drawdown",
        "calmar",
        "skew",
        "kurtosis",
        "psr",
        "var_95",
    ] {
        let (a, b) = (ran[key].as_f64().unwrap(), st[key].as_f64().unwrap());
        assert!(
            (a - b).abs() <= 1e-9 * a.abs().max(1e-12),
            "{key}: run {a} vs stats {b}"
        );
    }
    // The same file read as equity levels gives one return fewer but is a valid report.
    let text = run(&["stats", eq.to_str().unwrap(), "--ascii"]);
    assert!(text.status.success(), "{}", stderr(&text));
    assert!(String::from_utf8(text.stdout).unwrap().is_ascii());
}

#[test]
fn stats_of_a_csv_curve_with_a_benchmark() {
    let tmp = tempfile::tempdir().unwrap();
    let a = tmp.path().join("curve.csv");
    let b = tmp.path().join("bench.csv");
    let mut ca = String::from("date,equity\n");
    let mut cb = String::from("Date,Close\n");
    let (mut x, mut y) = (100.0_f64, 50.0_f64);
    for d in 1..=28 {
        x *= 1.0 + ((d * 7 % 5) as f64 - 2.0) / 100.0;
        y *= 1.0 + ((d * 3 % 5) as f64 - 2.0) / 200.0;
        ca += &format!("2024-02-{d:02},{x}\n");
        cb += &format!("2024-02-{d:02},{y}\n");
    }
    std::fs::write(&a, ca).unwrap();
    std::fs::write(&b, cb).unwrap();
    let st = json(&run(&[
        "stats",
        a.to_str().unwrap(),
        "--benchmark",
        b.to_str().unwrap(),
        "--format",
        "json",
    ]));
    assert!(st["beta"].as_f64().is_some(), "{st}");
    assert!(st["sharpe"].as_f64().is_some());
}

/// A curve benchmarked against itself gets the benchmark column of its own figures, and a
/// benchmark file that lacks some of the curve's dates still earns the move across them (at
/// the next date it has). Before, the benchmark lost its first return (-9.45% against the
/// curve's own -10.64% for one file given twice) and every move across a missing date.
#[test]
fn stats_benchmark_against_itself_and_across_missing_dates() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, gap) = (tmp.path().join("curve.csv"), tmp.path().join("gap.csv"));
    let (mut ca, mut cg) = (String::from("date,equity\n"), String::from("Date,Close\n"));
    let mut x = 100.0_f64;
    for d in 1..=29 {
        x *= 1.0 + ((d * 7 % 5) as f64 - 2.0) / 100.0;
        ca += &format!("2024-02-{d:02},{x}\n");
        if !(10..=12).contains(&d) {
            cg += &format!("2024-02-{d:02},{x}\n");
        }
    }
    std::fs::write(&a, ca).unwrap();
    std::fs::write(&gap, cg).unwrap();
    let stats = |bench: &std::path::Path| {
        json(&run(&[
            "stats",
            a.to_str().unwrap(),
            "--benchmark",
            bench.to_str().unwrap(),
            "--format",
            "json",
        ]))
    };
    let own = stats(&a);
    for key in [
        "total_return",
        "cagr",
        "sharpe",
        "sortino",
        "max_drawdown",
        "annual_volatility",
    ] {
        let (s, b) = (
            own[key].as_f64().unwrap(),
            own[format!("benchmark_{key}")].as_f64().unwrap(),
        );
        assert!(
            (s - b).abs() <= 1e-12 * s.abs().max(1e-12),
            "{key}: {s} vs benchmark {b}"
        );
    }
    assert!((own["beta"].as_f64().unwrap() - 1.0).abs() < 1e-12, "{own}");
    let with_gap = stats(&gap);
    let (s, b) = (
        with_gap["total_return"].as_f64().unwrap(),
        with_gap["benchmark_total_return"].as_f64().unwrap(),
    );
    assert!(
        (s - b).abs() < 1e-12,
        "total return {s} vs benchmark {b} across missing dates"
    );
}

/// A monthly curve is annualized with 12 periods a year, a weekly one with 52: read as 252 a
/// year, a curve doubling in ten years showed a CAGR of 329% (monthly) or 40% (weekly).
#[test]
fn stats_of_monthly_and_weekly_curves_are_annualized_by_the_calendar() {
    let tmp = tempfile::tempdir().unwrap();
    for (name, dates, periods) in [("monthly", 121, 12.0), ("weekly", 521, 52.0)] {
        let file = tmp.path().join(format!("{name}.csv"));
        let mut text = String::from("date,equity\n");
        let start = chrono::NaiveDate::from_ymd_opt(2015, 1, 2).unwrap();
        for k in 0..dates {
            let d = if periods == 12.0 {
                start.checked_add_months(chrono::Months::new(k)).unwrap()
            } else {
                start + chrono::Days::new(7 * u64::from(k))
            };
            let level = 100.0 * 2f64.powf(f64::from(k) / f64::from(dates - 1));
            text += &format!("{d},{level}\n");
        }
        std::fs::write(&file, text).unwrap();
        let st = json(&run(&["stats", file.to_str().unwrap(), "--format", "json"]));
        let (total, cagr) = (
            st["total_return"].as_f64().unwrap(),
            st["cagr"].as_f64().unwrap(),
        );
        assert!((total - 1.0).abs() < 1e-9, "{name}: total {total}");
        let years = f64::from(dates - 1) / periods;
        let want = 2f64.powf(1.0 / years) - 1.0;
        assert!(
            (cagr - want).abs() < 1e-9,
            "{name}: CAGR {cagr}, want {want}"
        );
    }
}

#[test]
fn stats_bad_input() {
    let tmp = tempfile::tempdir().unwrap();
    let a = tmp.path().join("two.csv");
    std::fs::write(&a, "date,a,b\n2024-01-02,1,2\n2024-01-03,1,2\n").unwrap();
    assert_bad_input(
        &run(&["stats", a.to_str().unwrap()]),
        "two.csv",
        "--returns",
    );
    std::fs::write(&a, "date,equity\n2024-01-02,1\n2024-01-03,x\n").unwrap();
    assert_bad_input(&run(&["stats", a.to_str().unwrap()]), "two.csv", "row 2");
    assert_bad_input(
        &run(&["stats", "/no/such/file.csv"]),
        "/no/such/file.csv",
        "cannot read",
    );
}

/// Issue 13.3: positive levels that all stay below 1 are accepted but look like returns: one
/// warning on stderr (and in the report) suggesting --returns, and the statistics are those of
/// the levels as given.
#[test]
fn stats_warns_when_levels_look_like_returns() {
    let tmp = tempfile::tempdir().unwrap();
    let a = tmp.path().join("small.csv");
    std::fs::write(
        &a,
        "date,value\n2024-01-02,0.01\n2024-01-03,0.02\n2024-01-04,0.005\n",
    )
    .unwrap();
    let o = run(&["stats", a.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let err = stderr(&o);
    let warns: Vec<&str> = err.lines().filter(|l| l.starts_with("warning:")).collect();
    assert_eq!(warns.len(), 1, "{err}");
    assert!(
        warns[0].contains("small.csv") && warns[0].contains("--returns"),
        "{err}"
    );
    let text = String::from_utf8(o.stdout).unwrap();
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat.contains("pass --returns"), "{text}");
    // Levels 0.01 -> 0.02 -> 0.005: total return -50%, as the levels say.
    let j = json(&run(&["stats", a.to_str().unwrap(), "--format", "json"]));
    assert!(
        (j["total_return"].as_f64().unwrap() + 0.5).abs() < 1e-12,
        "{j}"
    );
    // A normal curve gets no warning.
    std::fs::write(
        &a,
        "date,equity\n2024-01-02,1\n2024-01-03,1.02\n2024-01-04,0.99\n",
    )
    .unwrap();
    let o = run(&["stats", a.to_str().unwrap()]);
    assert!(!stderr(&o).contains("warning"), "{}", stderr(&o));
}
