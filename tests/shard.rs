//! `rotor sweep --shard I/N` and `rotor sweep merge` end to end: the merge of N shards (run with
//! any thread counts, in any order, one of them rerun) equals the unsharded sweep byte for byte
//! (sweep.parquet, sweep.txt, stdout, curves.parquet); missing, duplicated, foreign, stale and
//! unfinished shards and bad `--shard` values are one-line errors naming the folder.

use std::path::{Path, PathBuf};
use std::process::Output;

use super::sweep::{cfg, GRID};
use super::{assert_bad_input, root, run, stderr, stdout};

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// `rotor sweep CONFIG GRID --out OUT extra...`, which must succeed.
fn sweep_ok(config: &str, grid: &[&str], out: &Path, extra: &[&str]) -> Output {
    let mut a = vec!["sweep", config];
    a.extend_from_slice(grid);
    a.extend_from_slice(&["--out", s(out), "--quiet"]);
    a.extend_from_slice(extra);
    let o = run(&a);
    assert!(o.status.success(), "{a:?}: {}", stderr(&o));
    o
}

fn merge(dirs: &[&Path], out: &Path) -> Output {
    let mut a = vec!["sweep", "merge"];
    a.extend(dirs.iter().map(|d| s(d)));
    a.extend_from_slice(&["--out", s(out), "--quiet"]);
    run(&a)
}

fn merge_ok(dirs: &[&Path], out: &Path) -> Output {
    let o = merge(dirs, out);
    assert!(o.status.success(), "{}", stderr(&o));
    o
}

fn bytes(p: PathBuf) -> Vec<u8> {
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// The files a merge must reproduce, byte for byte.
fn assert_same(reference: &Path, merged: &Path, files: &[&str]) {
    for f in files {
        assert!(
            bytes(reference.join(f)) == bytes(merged.join(f)),
            "{f} differs between {} and {}",
            reference.display(),
            merged.display()
        );
    }
}

const OUTPUTS: &[&str] = &["sweep.parquet", "sweep.txt", "config.toml"];

#[test]
fn merge_equals_unsharded_byte_for_byte() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let c = cfg();
    let full = t.join("full");
    let of = sweep_ok(&c, GRID, &full, &["--threads", "1"]);

    // N = 1.
    let one = t.join("one");
    let o = sweep_ok(&c, GRID, &one, &["--shard", "0/1"]);
    assert!(
        stdout(&o).starts_with("rotor sweep shard 0/1: 8 of 8 parameter sets, 8 ran"),
        "{}",
        stdout(&o)
    );
    assert!(!one.join("sweep.parquet").exists());
    let m1 = t.join("m1");
    let om = merge_ok(&[&one], &m1);
    assert_same(&full, &m1, OUTPUTS);
    assert_eq!(stdout(&of), stdout(&om));

    // N = 3, a different thread count per shard, given out of order.
    let sh: Vec<PathBuf> = (0..3).map(|i| t.join(format!("shard{i}"))).collect();
    for (i, threads) in ["2", "1", "2"].iter().enumerate() {
        let spec = format!("{i}/3");
        sweep_ok(&c, GRID, &sh[i], &["--shard", &spec, "--threads", threads]);
    }
    let m3 = t.join("m3");
    let om = merge_ok(&[&sh[2], &sh[0], &sh[1]], &m3);
    assert_same(&full, &m3, OUTPUTS);
    assert_eq!(stdout(&of), stdout(&om));
    assert!(stdout(&om).contains("Overfitting diagnostics"));

    // The merged folder is a finished unsharded sweep: --resume only reassembles it.
    let mut a = vec!["sweep", c.as_str()];
    a.extend_from_slice(GRID);
    a.extend_from_slice(&["--out", s(&m3), "--resume", "--quiet"]);
    let r = run(&a);
    assert!(r.status.success(), "{}", stderr(&r));
    assert_eq!(stdout(&of), stdout(&r));
    assert_same(&full, &m3, OUTPUTS);

    // A rerun of one shard into its own folder replaces it (no --force), idempotently.
    sweep_ok(&c, GRID, &sh[1], &["--shard", "1/3", "--threads", "2"]);
    let again = t.join("again");
    merge_ok(&sh.iter().map(PathBuf::as_path).collect::<Vec<_>>(), &again);
    assert_same(&full, &again, OUTPUTS);
    // ... and a merge into an earlier merge's folder replaces it too.
    merge_ok(&sh.iter().map(PathBuf::as_path).collect::<Vec<_>>(), &m3);
    assert_same(&full, &m3, OUTPUTS);
}

fn sma_config(dir: &Path) -> PathBuf {
    let p = dir.join("sma.toml");
    let bars = root().join("data/bars");
    std::fs::write(
        &p,
        format!(
            "name = \"sma\"\n[data]\nbars = {:?}\nstart = \"2022-01-01\"\n[strategy]\nkind = \"sma_cross\"\nsymbol = \"SPY\"\nfast = 10\nslow = 50\n[sweep]\nstrategy.fast = \"5..30:5\"\nstrategy.slow = [20, 40]\n",
            bars.to_string_lossy()
        ),
    )
    .unwrap();
    p
}

#[test]
fn random_invalid_sets_and_curves_merge_exactly() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let c = sma_config(t);
    let c = s(&c).to_string();
    let extra = [
        "--random",
        "9",
        "--seed",
        "3",
        "--keep-curves",
        "--top",
        "4",
    ];
    let full = t.join("full");
    let of = sweep_ok(&c, &[], &full, &extra);
    assert!(
        stdout(&of).contains("skipped as invalid"),
        "{}",
        stdout(&of)
    );
    let (a, b) = (t.join("a"), t.join("b"));
    for (dir, spec) in [(&a, "1/2"), (&b, "0/2")] {
        let mut e = extra.to_vec();
        e.extend_from_slice(&["--shard", spec]);
        sweep_ok(&c, &[], dir, &e);
    }
    let m = t.join("m");
    let om = merge_ok(&[&a, &b], &m);
    assert_same(&full, &m, &["sweep.parquet", "sweep.txt", "curves.parquet"]);
    assert_eq!(stdout(&of), stdout(&om));
    // The merge takes --top from the shards unless told otherwise.
    let m2 = t.join("m2");
    let o = run(&[
        "sweep",
        "merge",
        s(&a),
        s(&b),
        "--out",
        s(&m2),
        "--top",
        "2",
        "--quiet",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("Top 2 by sharpe"), "{}", stdout(&o));
}

#[test]
fn merge_refuses_incomplete_foreign_and_unfinished_shards() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    // A copy of the config, so it can be changed after the shards ran.
    let c = t.join("cfg.toml");
    let text = std::fs::read_to_string(cfg())
        .unwrap()
        .replace("../data", s(&root().join("data")));
    std::fs::write(&c, &text).unwrap();
    let c = s(&c).to_string();
    let sh: Vec<PathBuf> = (0..4).map(|i| t.join(format!("s{i}"))).collect();
    for (i, d) in sh.iter().enumerate() {
        sweep_ok(&c, GRID, d, &["--shard", &format!("{i}/4")]);
    }
    let out = t.join("out");

    let o = merge(&[&sh[0], &sh[2]], &out);
    assert_bad_input(&o, "missing shards 1, 3 of 4", s(&sh[0]));
    assert!(!out.exists());

    let o = merge(&[&sh[0], &sh[1], &sh[1], &sh[2], &sh[3]], &out);
    assert_bad_input(&o, s(&sh[1]), "shard 1/4 is given twice");

    // Shards of a different grid, of a different shard count, and not a shard at all.
    let other = t.join("other");
    sweep_ok(
        &c,
        &[
            "--grid",
            "strategy.lookback=20..160:40",
            "--set",
            "data.start=2021-01-01",
        ],
        &other,
        &["--shard", "1/4"],
    );
    let o = merge(&[&sh[0], &other, &sh[2], &sh[3]], &out);
    assert_bad_input(&o, s(&other), "the grid");
    let three = t.join("three");
    sweep_ok(&c, GRID, &three, &["--shard", "1/3"]);
    let o = merge(&[&sh[0], &three, &sh[2], &sh[3]], &out);
    assert_bad_input(&o, s(&three), "shard counts differ");
    let plain = t.join("plain");
    sweep_ok(&c, GRID, &plain, &[]);
    let o = merge(&[&sh[0], &plain], &out);
    assert_bad_input(&o, s(&plain), "not a sweep shard folder");
    let o = merge(&[&sh[0], &sh[1], &sh[2], &sh[3]], &sh[2]);
    assert_bad_input(&o, s(&sh[2]), "--out is one of the shard folders");

    // An unfinished shard (its marker is written last).
    std::fs::remove_file(sh[3].join(".rotor-output")).unwrap();
    let o = merge(&[&sh[0], &sh[1], &sh[2], &sh[3]], &out);
    assert_bad_input(&o, s(&sh[3]), "unfinished");
    // Without --resume it is not silently thrown away; with it, it finishes.
    let mut a = vec!["sweep", c.as_str()];
    a.extend_from_slice(GRID);
    a.extend_from_slice(&["--out", s(&sh[3]), "--shard", "3/4"]);
    let o = run(&a);
    assert_bad_input(&o, s(&sh[3]), "--resume");
    let mut resume = a.clone();
    let n = resume.len();
    resume[n - 1] = "2/4";
    resume.push("--resume");
    let o = run(&resume);
    assert_bad_input(&o, s(&sh[3]), "holds shard 3/4");
    resume[n - 1] = "3/4";
    let o = run(&resume);
    assert!(o.status.success(), "{}", stderr(&o));
    merge_ok(&[&sh[0], &sh[1], &sh[2], &sh[3]], &out);

    // The config changed after the shards ran.
    std::fs::write(&c, text.replace("slippage_bps = 2.0", "slippage_bps = 3.0")).unwrap();
    let out2 = t.join("out2");
    let o = merge(&[&sh[0], &sh[1], &sh[2], &sh[3]], &out2);
    assert_bad_input(&o, "cfg.toml", "changed since the shards");

    // A shard never overwrites a folder that is not rotor's.
    let mine = t.join("mine");
    std::fs::create_dir(&mine).unwrap();
    std::fs::write(mine.join("notes.txt"), "mine").unwrap();
    let mut a = vec!["sweep", c.as_str()];
    a.extend_from_slice(GRID);
    a.extend_from_slice(&["--out", s(&mine), "--shard", "0/4"]);
    assert_bad_input(&run(&a), s(&mine), "not an earlier rotor output");
    assert_eq!(
        std::fs::read_to_string(mine.join("notes.txt")).unwrap(),
        "mine"
    );
}

#[test]
fn bad_shard_values() {
    let tmp = tempfile::tempdir().unwrap();
    let c = cfg();
    let out = tmp.path().join("o");
    for (spec, why) in [
        ("0/0", "at least 1"),
        ("3/2", "below the count"),
        ("4/4", "below the count"),
        ("a/b", "whole numbers"),
        ("2", "expected I/N"),
    ] {
        let mut a = vec!["sweep", c.as_str()];
        a.extend_from_slice(GRID);
        a.extend_from_slice(&["--shard", spec, "--out", s(&out)]);
        assert_bad_input(&run(&a), &format!("--shard {spec}"), why);
    }
    let mut a = vec!["sweep", c.as_str()];
    a.extend_from_slice(GRID);
    a.extend_from_slice(&["--shard", "0/2"]);
    assert_bad_input(&run(&a), "--shard 0/2", "needs --out");
    assert!(!out.exists());
}
