//! Fault tests of issue 17 that are not one bad-input row (those are in catalogue.rs): the sweep
//! identity covers every event field, a refused `--resume` touches nothing, one command at a
//! time per `--out` folder, a reused folder holds exactly the files of the command that finished
//! it, a closed stdout never stops work that writes files, `--threads` is capped, `--random`
//! samples any grid, and out of memory is one `error:` line with exit code 1.

use std::collections::BTreeSet;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use super::{root, rotor, run, stderr, stdout};

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn cfg(name: &str) -> String {
    root()
        .join("strategies")
        .join(name)
        .to_string_lossy()
        .into_owned()
}

/// The files in `dir` (names), sorted.
fn files(dir: &Path) -> BTreeSet<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect()
}

fn set_of(names: &[&str]) -> BTreeSet<String> {
    names.iter().map(|n| n.to_string()).collect()
}

fn ok(o: Output) -> Output {
    assert!(o.status.success(), "{}", stderr(&o));
    o
}

/// A two-set sweep of the flagship over 2025 with the event feed at `events`.
fn event_sweep(events: &Path, out: &Path, extra: &[&str]) -> Output {
    let c = cfg("smallcap_vs_tech.toml");
    let ev = format!("data.events={}", s(events));
    let mut a = vec![
        "sweep",
        c.as_str(),
        "--grid",
        "strategy.lookback=20,40",
        "--set",
        "data.start=2025-01-01",
        "--set",
        ev.as_str(),
        "--out",
        s(out),
        "--quiet",
    ];
    a.extend_from_slice(extra);
    run(&a)
}

/// The shipped event feed with `from` replaced by `to` (once, in a row inside 2025-2026).
fn edited_feed(from: &str, to: &str) -> String {
    let text = std::fs::read_to_string(root().join("data/events.csv")).unwrap();
    assert_eq!(text.matches(from).count(), 1, "{from}");
    text.replace(from, to)
}

/// Issue 17 #2 and #25: editing any event field between an interrupted sweep and `--resume` is
/// refused (the old identity hashed only timestamps and headlines), and the refusal leaves the
/// folder exactly as it was, marker included.
#[test]
fn resume_after_editing_any_event_field_is_refused_and_touches_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let ev = tmp.path().join("ev.csv");
    let out = tmp.path().join("sw");
    let row = "housing_ban,-0.80,ITB;XHB;INVH";
    std::fs::write(&ev, edited_feed(row, row)).unwrap();
    ok(event_sweep(&ev, &out, &[]));
    assert!(out.join(".rotor-output").is_file());
    let before: Vec<(String, Vec<u8>)> = files(&out)
        .into_iter()
        .map(|n| (n.clone(), std::fs::read(out.join(&n)).unwrap()))
        .collect();
    for (what, to) in [
        ("sentiment", "housing_ban,-0.10,ITB;XHB;INVH"),
        ("tags", "housing_bans,-0.80,ITB;XHB;INVH"),
        ("symbols", "housing_ban,-0.80,ITB;XHB"),
    ] {
        std::fs::write(&ev, edited_feed(row, to)).unwrap();
        // A finished folder, resumed: refused, marker kept.
        let o = event_sweep(&ev, &out, &["--resume"]);
        assert_eq!(o.status.code(), Some(2), "{what}: {}", stderr(&o));
        assert!(
            stderr(&o).contains("different sweep"),
            "{what}: {}",
            stderr(&o)
        );
        let after: Vec<(String, Vec<u8>)> = files(&out)
            .into_iter()
            .map(|n| (n.clone(), std::fs::read(out.join(&n)).unwrap()))
            .collect();
        assert_eq!(before, after, "{what}: the refusal changed the folder");
    }
    // An interrupted sweep (its marker not yet written), resumed after a sentiment edit.
    std::fs::remove_file(out.join(".rotor-output")).unwrap();
    let ck = std::fs::read(out.join("sweep.checkpoint")).unwrap();
    std::fs::write(&ev, edited_feed(row, "housing_ban,-0.10,ITB;XHB;INVH")).unwrap();
    let o = event_sweep(&ev, &out, &["--resume"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert_eq!(std::fs::read(out.join("sweep.checkpoint")).unwrap(), ck);
    assert!(!out.join("sweep.shard").exists());
    // The unedited feed resumes (and just reassembles).
    std::fs::write(&ev, edited_feed(row, row)).unwrap();
    ok(event_sweep(&ev, &out, &["--resume"]));
    assert!(out.join(".rotor-output").is_file());
}

/// Issue 17 #25, for every command: a command refused after its `--out` checks (here the data
/// no longer loads) leaves an earlier finished folder as it was, marker included.
#[test]
fn a_refused_command_keeps_the_earlier_outputs_marker() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("o");
    let c = cfg("buy_and_hold_spy.toml");
    ok(run(&["run", &c, "--out", s(&out), "--quiet"]));
    let before = files(&out);
    let broken = format!("data.bars={}", s(&tmp.path().join("nowhere")));
    for args in [
        vec![
            "run",
            c.as_str(),
            "--set",
            broken.as_str(),
            "--out",
            s(&out),
        ],
        vec![
            "sweep",
            c.as_str(),
            "--grid",
            "portfolio.cash=1000,2000",
            "--set",
            broken.as_str(),
            "--out",
            s(&out),
        ],
    ] {
        let o = run(&args);
        assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
        assert_eq!(files(&out), before);
    }
}

/// Issue 17 #2: shards made before an edit of the event feed do not merge.
#[test]
fn merge_of_shards_made_before_an_event_edit_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let ev = tmp.path().join("ev.csv");
    let row = "housing_ban,-0.80,ITB;XHB;INVH";
    std::fs::write(&ev, edited_feed(row, row)).unwrap();
    let (a, b) = (tmp.path().join("s0"), tmp.path().join("s1"));
    ok(event_sweep(&ev, &a, &["--shard", "0/2"]));
    ok(event_sweep(&ev, &b, &["--shard", "1/2"]));
    std::fs::write(&ev, edited_feed(row, "housing_ban,-0.10,ITB;XHB;INVH")).unwrap();
    let merged = tmp.path().join("m");
    let o = run(&["sweep", "merge", s(&a), s(&b), "--out", s(&merged)]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("data changed"), "{}", stderr(&o));
    assert!(!merged.join(".rotor-output").exists());
}

/// Issue 17 #4: while a command holds an `--out` folder, a second one is refused (exit 2) with
/// the holder's pid; the holder's outputs are complete.
#[test]
fn a_second_command_on_a_locked_out_folder_is_refused_naming_the_holder() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("o");
    std::fs::create_dir(&out).unwrap();
    // Hold the lock as a rotor command would.
    let mut lock = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(true)
        .open(out.join(".rotor-lock"))
        .unwrap();
    lock.try_lock().unwrap();
    lock.write_all(b"rotor pid 424242\n").unwrap();
    let c = cfg("buy_and_hold_spy.toml");
    let news = cfg("oil_on_venezuela.toml");
    let csv = tmp.path().join("X.csv");
    std::fs::write(&csv, "Date,Close\n2024-01-02,10\n2024-01-03,11\n").unwrap();
    for args in [
        vec!["run", c.as_str(), "--out", s(&out)],
        vec![
            "sweep",
            c.as_str(),
            "--grid",
            "portfolio.cash=1000,2000",
            "--out",
            s(&out),
        ],
        vec![
            "walkforward",
            c.as_str(),
            "--grid",
            "portfolio.cash=1000,2000",
            "--train",
            "1y",
            "--test",
            "6m",
            "--out",
            s(&out),
        ],
        vec!["events", news.as_str(), "--out", s(&out)],
        vec!["data", "import", s(&csv), "--out", s(&out)],
        vec!["data", "synth", "--out", s(&out)],
    ] {
        let o = run(&args);
        super::assert_bad_input(&o, s(&out), "in use by rotor pid 424242");
    }
    assert_eq!(files(&out), set_of(&[".rotor-lock"]));
    drop(lock);
    ok(run(&["run", c.as_str(), "--out", s(&out), "--quiet"]));
    assert!(!out.join(".rotor-lock").exists());

    // Two real sweeps: the second starts while the first holds the folder.
    let sc = cfg("smallcap_vs_tech.toml");
    let sweep = |threads: &str| {
        rotor()
            .args([
                "sweep",
                sc.as_str(),
                "--grid",
                "strategy.lookback=10..240:10",
                "--out",
                s(&out),
                "--threads",
                threads,
                "--quiet",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    let mut first = sweep("1");
    wait_for_a_set(&out, &mut first);
    let second = sweep("1").wait_with_output().unwrap();
    assert!(
        first.try_wait().unwrap().is_none(),
        "the first sweep ended before the second was refused: make the grid larger"
    );
    super::assert_bad_input(
        &second,
        s(&out),
        &format!("in use by rotor pid {}", first.id()),
    );
    let o = first.wait_with_output().unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let sets = files(&out);
    assert_eq!(
        sets,
        set_of(&[
            ".rotor-output",
            "config.toml",
            "sweep.checkpoint",
            "sweep.parquet",
            "sweep.txt"
        ])
    );
    assert_eq!(
        rotor_sweep::checkpoint::count(&out.join("sweep.checkpoint")),
        24
    );
}

/// Waits until the sweep `child` writing `out` has checkpointed a set (and is still running).
fn wait_for_a_set(out: &Path, child: &mut std::process::Child) {
    let t0 = Instant::now();
    while rotor_sweep::checkpoint::count(&out.join("sweep.checkpoint")) < 1 {
        assert!(t0.elapsed() < Duration::from_secs(120), "no progress");
        assert!(child.try_wait().unwrap().is_none(), "finished too early");
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Issue 17 #5: a reused folder holds exactly the files of the command that finished it (an
/// older command's files and a killed run's temp files are removed; the user's are kept).
#[test]
fn a_reused_out_folder_holds_exactly_the_last_commands_files() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("o");
    let c = cfg("buy_and_hold_spy.toml");
    let sweep = |extra: &[&str]| {
        let mut a = vec![
            "sweep",
            c.as_str(),
            "--grid",
            "portfolio.cash=100000,200000",
            "--set",
            "data.start=2024-01-01",
            "--out",
            s(&out),
            "--quiet",
        ];
        a.extend_from_slice(extra);
        ok(run(&a))
    };
    sweep(&["--keep-curves"]);
    assert!(out.join("curves.parquet").is_file());
    // A killed run's temp files, and a file of the user's.
    std::fs::write(out.join(".report.txt.tmp-999999"), "half").unwrap();
    std::fs::write(out.join(".sweep.parquet.tmp-7"), "half").unwrap();
    std::fs::write(out.join("notes.md"), "mine").unwrap();
    sweep(&[]);
    let sweep_files = [
        ".rotor-output",
        "config.toml",
        "notes.md",
        "sweep.checkpoint",
        "sweep.parquet",
        "sweep.txt",
    ];
    assert_eq!(files(&out), set_of(&sweep_files));
    ok(run(&[
        "run",
        c.as_str(),
        "--set",
        "data.start=2024-01-01",
        "--out",
        s(&out),
        "--quiet",
    ]));
    assert_eq!(
        files(&out),
        set_of(&[
            ".rotor-output",
            "config.toml",
            "equity.parquet",
            "fills.parquet",
            "notes.md",
            "report.txt",
            "stats.json",
            "trades.parquet",
        ])
    );
    sweep(&["--shard", "1/2"]);
    assert_eq!(
        files(&out),
        set_of(&[
            ".rotor-output",
            "config.toml",
            "notes.md",
            "sweep.checkpoint",
            "sweep.shard",
        ])
    );
    sweep(&[]);
    assert_eq!(files(&out), set_of(&sweep_files));
    assert_eq!(
        std::fs::read_to_string(out.join("notes.md")).unwrap(),
        "mine"
    );
}

/// Issue 17 #5 for the event commands: `rotor events --out` and a news run's per-event tables
/// follow the same rule (the folder ends with exactly the last command's files).
#[test]
fn event_outputs_follow_the_exact_folder_rule() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("o");
    let news = cfg("oil_on_venezuela.toml");
    let run_files = [
        ".rotor-output",
        "config.toml",
        "equity.parquet",
        "fills.parquet",
        "report.txt",
        "stats.json",
        "trades.parquet",
    ];
    ok(run(&["run", news.as_str(), "--out", s(&out), "--quiet"]));
    let mut with_events = set_of(&run_files);
    with_events.extend(set_of(&["event_pnl.parquet", "event_fills.parquet"]));
    assert_eq!(files(&out), with_events);
    ok(run(&["events", news.as_str(), "--out", s(&out), "--quiet"]));
    assert_eq!(
        files(&out),
        set_of(&[
            ".rotor-output",
            "event_cars.csv",
            "event_cars.parquet",
            "event_study.csv",
            "event_study.parquet",
            "event_study.txt",
        ])
    );
    let c = cfg("buy_and_hold_spy.toml");
    ok(run(&["run", c.as_str(), "--out", s(&out), "--quiet"]));
    assert_eq!(files(&out), set_of(&run_files));
}

/// A command's stdout closed before it writes (like `| head -0`).
fn with_closed_stdout(args: &[&str]) -> Output {
    let mut child = rotor()
        .args(args)
        .env("RUST_BACKTRACE", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    child.wait_with_output().unwrap()
}

fn quiet_success(o: &Output) {
    let err = stderr(o);
    assert!(o.status.success(), "{:?}: {err}", o.status);
    assert!(
        !err.contains("panicked") && !err.contains("error:"),
        "{err}"
    );
}

/// Issue 17 #6: `rotor data import many/*.csv --out d | head -1` imports every file; a closed
/// stdout never stops synth, sweep or walkforward from writing their files either.
#[test]
fn a_closed_stdout_never_stops_work_that_writes_files() {
    let tmp = tempfile::tempdir().unwrap();
    let many = tmp.path().join("many");
    std::fs::create_dir(&many).unwrap();
    for k in 0..50 {
        let mut body = String::from("Date,Open,High,Low,Close,Volume\n");
        for d in 1..=20 {
            let p = 10.0 + k as f64 + d as f64 / 10.0;
            body.push_str(&format!(
                "2024-01-{d:02},{p},{},{},{p},1000\n",
                p + 1.0,
                p - 1.0
            ));
        }
        std::fs::write(many.join(format!("S{k:02}.csv")), body).unwrap();
    }
    let d = tmp.path().join("d");
    let o = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "'{}' data import '{}'/*.csv --out '{}' | head -1",
            env!("CARGO_BIN_EXE_rotor"),
            many.display(),
            d.display()
        ))
        .output()
        .unwrap();
    assert_eq!(stdout(&o).lines().count(), 1, "{}", stderr(&o));
    assert!(!stderr(&o).contains("panicked"), "{}", stderr(&o));
    let parquet = files(&d).iter().filter(|n| n.ends_with(".parquet")).count();
    assert_eq!(parquet, 50, "imported {parquet} of 50 files");

    let synth = tmp.path().join("synth");
    quiet_success(&with_closed_stdout(&["data", "synth", "--out", s(&synth)]));
    assert!(synth.join("events.csv").is_file());
    assert!(files(&synth.join("bars")).len() > 10);

    let sw = tmp.path().join("sw");
    let c = cfg("buy_and_hold_spy.toml");
    quiet_success(&with_closed_stdout(&[
        "sweep",
        &c,
        "--grid",
        "portfolio.cash=100000,200000",
        "--set",
        "data.start=2024-01-01",
        "--out",
        s(&sw),
        "--quiet",
    ]));
    assert!(sw.join(".rotor-output").is_file());

    let wf = tmp.path().join("wf");
    quiet_success(&with_closed_stdout(&[
        "walkforward",
        &c,
        "--grid",
        "portfolio.cash=100000,200000",
        "--set",
        "data.start=2022-01-01",
        "--train",
        "1y",
        "--test",
        "6m",
        "--out",
        s(&wf),
        "--quiet",
    ]));
    assert!(wf.join(".rotor-output").is_file());
    assert!(wf.join("walkforward.parquet").is_file());
}

/// Issue 17 #9 (sweeps): a set whose window is longer than the data is skipped and counted like
/// any combination the strategy rejects (no allocation of its length); the others run.
#[test]
fn a_sweep_set_with_a_window_longer_than_the_data_is_skipped_and_counted() {
    let tmp = tempfile::tempdir().unwrap();
    let c = cfg("sma_cross.toml");
    let o = ok(run(&[
        "sweep",
        &c,
        "--grid",
        "strategy.slow=100,100000000000",
        "--out",
        s(&tmp.path().join("o")),
        "--quiet",
    ]));
    let text = stdout(&o);
    assert!(
        text.contains("2 parameter sets, 1 ran, 1 skipped as invalid"),
        "{text}"
    );
    assert!(text.contains("is longer than the data"), "{text}");
    // Only too-long windows: every set is skipped, the sweep says so (the data's length is
    // known only once it is loaded, after the sets were resolved).
    let o = ok(run(&[
        "sweep",
        &c,
        "--grid",
        "strategy.slow=100000000000",
        "--quiet",
    ]));
    assert!(
        stdout(&o).contains("1 parameter sets, 0 ran, 1 skipped as invalid"),
        "{}",
        stdout(&o)
    );
}

/// Issue 17 #14: `--threads 5000` is capped (with a warning) and the sweep finishes, with the
/// same sweep.parquet as one thread.
#[test]
fn thousands_of_threads_are_capped_with_a_warning() {
    let tmp = tempfile::tempdir().unwrap();
    let c = cfg("buy_and_hold_spy.toml");
    let sweep = |out: &Path, threads: &str| {
        let mut child = rotor()
            .args([
                "sweep",
                c.as_str(),
                "--grid",
                "portfolio.cash=100000,200000,300000",
                "--set",
                "data.start=2024-01-01",
                "--out",
                s(out),
                "--threads",
                threads,
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let t0 = Instant::now();
        while child.try_wait().unwrap().is_none() {
            if t0.elapsed() > Duration::from_secs(120) {
                child.kill().unwrap();
                panic!("--threads {threads} did not finish in 120 s");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        child.wait_with_output().unwrap()
    };
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    let many = sweep(&a, "5000");
    assert!(many.status.success(), "{}", stderr(&many));
    assert!(
        stderr(&many).contains("warning: --threads 5000 is more than 4 x the"),
        "{}",
        stderr(&many)
    );
    ok(sweep(&b, "1"));
    assert_eq!(
        std::fs::read(a.join("sweep.parquet")).unwrap(),
        std::fs::read(b.join("sweep.parquet")).unwrap()
    );
}

/// Issue 17 #19: `--random 10` samples a grid of 1e12 sets without enumerating it (1e11 was
/// the old limit).
#[test]
fn random_samples_a_grid_of_1e12_sets() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("o");
    let c = cfg("buy_and_hold_spy.toml");
    let o = ok(run(&[
        "sweep",
        &c,
        "--grid",
        "costs.commission_bps=0..9999",
        "--grid",
        "costs.slippage_bps=0..9999",
        "--grid",
        "portfolio.cash=100000..109999",
        "--set",
        "data.start=2025-06-01",
        "--random",
        "10",
        "--seed",
        "1",
        "--out",
        s(&out),
        "--quiet",
    ]));
    assert!(
        stdout(&o).contains("10 parameter sets, 10 ran"),
        "{}",
        stdout(&o)
    );
    let rows = parquet_rows(&out.join("sweep.parquet"));
    assert_eq!(rows, 10);
}

fn parquet_rows(p: &Path) -> usize {
    let f = std::fs::File::open(p).unwrap();
    let r = parquet::file::reader::SerializedFileReader::new(f).unwrap();
    use parquet::file::reader::FileReader as _;
    r.metadata().file_metadata().num_rows() as usize
}

/// Issue 17 #15: out of memory (here all 1e8 sets of a grid under `ulimit -v`) is one
/// `error:` line and exit code 1, not an abort (134) with Rust's bare message.
#[test]
fn out_of_memory_is_one_error_line_and_exit_1() {
    let c = cfg("buy_and_hold_spy.toml");
    let o = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "ulimit -v 1000000 && exec '{}' sweep '{c}' --grid portfolio.cash=1..10000 --grid costs.slippage_bps=1..10000 --force",
            env!("CARGO_BIN_EXE_rotor"),
        ))
        .env("RUST_BACKTRACE", "1")
        .output()
        .unwrap();
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 1, "{err}");
    assert!(
        lines[0].starts_with("error: out of memory (allocating "),
        "{err}"
    );
}

/// Issue 17 #20 (full disk): a `--out` on a full file system is exit 2 naming the path. Needs a
/// tiny tmpfs (root in a container that allows mounts); skipped elsewhere.
#[test]
fn a_full_disk_under_out_is_bad_input_naming_the_path() {
    let tmp = tempfile::tempdir().unwrap();
    let mnt = tmp.path().join("tiny");
    std::fs::create_dir(&mnt).unwrap();
    let mounted = Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=64k", "tmpfs", s(&mnt)])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|st| st.success());
    if !mounted {
        eprintln!("skipped: cannot mount a tmpfs here");
        return;
    }
    struct Unmount(PathBuf);
    impl Drop for Unmount {
        fn drop(&mut self) {
            let _ = Command::new("umount").arg(&self.0).status();
        }
    }
    let _guard = Unmount(mnt.clone());
    let out = mnt.join("out");
    let c = cfg("smallcap_vs_tech.toml");
    let o = run(&["run", &c, "--out", s(&out), "--quiet"]);
    super::assert_bad_input(&o, s(&out), "No space left on device");
    assert!(!out.join(".rotor-output").exists());
}

/// Ctrl-C twice in a row (the handler is signal-hook's): the sweep ends with exit code 130, not
/// killed by the signal, without a marker, and `--resume` completes it with every set.
#[test]
fn a_second_ctrl_c_exits_130_and_the_sweep_resumes() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("o");
    let sc = cfg("smallcap_vs_tech.toml");
    let args = [
        "sweep",
        sc.as_str(),
        "--grid",
        "strategy.lookback=10..240:10",
        "--out",
        s(&out),
        "--threads",
        "1",
        "--quiet",
    ];
    let mut child = rotor()
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    wait_for_a_set(&out, &mut child);
    for _ in 0..2 {
        let st = Command::new("kill")
            .args(["-INT", &child.id().to_string()])
            .status()
            .unwrap();
        assert!(st.success());
    }
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(130), "{}", stderr(&o));
    assert!(!out.join(".rotor-output").exists());
    assert!(!out.join("sweep.parquet").exists());
    let mut resume = args.to_vec();
    resume.push("--resume");
    ok(run(&resume));
    assert_eq!(parquet_rows(&out.join("sweep.parquet")), 24);
}
