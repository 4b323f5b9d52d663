//! Event studies, news configs and per-event P&L on a hand-built market: overlapping headlines,
//! configurable windows, `rotor events --out/--format`, tags that match nothing, synonym tags.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow_array::{ArrayRef, Date32Array, Float64Array};

use super::{assert_bad_input, parquet_rows, run, stderr, stdout, write_parquet};

/// Sessions of the hand-built market (consecutive days from 2024-01-01).
const SESSIONS: usize = 320;
const DAY0: i32 = 19723; // 2024-01-01

fn date(i: usize) -> String {
    let epoch = chrono::NaiveDate::from_ymd_opt(1970, 1, 1).unwrap();
    (epoch + chrono::Days::new((DAY0 as usize + i) as u64))
        .format("%Y-%m-%d")
        .to_string()
}

/// SPY, XOM and COP: market returns from an LCG, the stocks `beta * r_m + noise`.
fn write_market(dir: &Path) {
    let bars = dir.join("bars");
    std::fs::create_dir_all(&bars).unwrap();
    let mut state: u64 = 7;
    let mut unit = move || {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (state >> 11) as f64 / (1u64 << 53) as f64 - 0.5
    };
    let rm: Vec<f64> = (0..SESSIONS).map(|_| 0.02 * unit()).collect();
    for (name, beta) in [("SPY", 1.0), ("XOM", 1.1), ("COP", 0.9)] {
        let mut px = 100.0;
        let (mut o, mut h, mut l, mut c) = (vec![], vec![], vec![], vec![]);
        for r in &rm {
            let open = px * (1.0 + 0.002 * unit());
            let close = px * (1.0 + beta * r + if name == "SPY" { 0.0 } else { 0.02 * unit() });
            o.push(open);
            c.push(close);
            h.push(open.max(close) * 1.005);
            l.push(open.min(close) * 0.995);
            px = close;
        }
        let f = |v: Vec<f64>| -> ArrayRef { Arc::new(Float64Array::from(v)) };
        write_parquet(
            &bars.join(format!("{name}.parquet")),
            vec![
                (
                    "timestamp",
                    Arc::new(Date32Array::from(
                        (0..SESSIONS as i32).map(|i| DAY0 + i).collect::<Vec<_>>(),
                    )),
                ),
                ("open", f(o)),
                ("high", f(h)),
                ("low", f(l)),
                ("close", f(c)),
                ("volume", f(vec![1e6; SESSIONS])),
            ],
        );
    }
}

/// Events: `(session, headline, tags, sentiment)`, symbols XOM;COP, date-only stamps.
fn write_events(dir: &Path, events: &[(usize, &str, &str, f64)]) {
    let mut csv = String::from("timestamp,headline,tags,sentiment,symbols\n");
    for (i, h, tags, s) in events {
        csv.push_str(&format!("{},{h},{tags},{s},XOM;COP\n", date(*i)));
    }
    std::fs::write(dir.join("events.csv"), csv).unwrap();
}

fn write_cfg(dir: &Path, strategy: &str, report: &str) -> PathBuf {
    let cfg = dir.join("ev.toml");
    std::fs::write(
        &cfg,
        format!(
            "name = \"ev\"\n[data]\nbars = \"bars\"\nevents = \"events.csv\"\n\
             [portfolio]\ncash = 1000000\n[execution]\nvolume_cap = 0\n\
             [strategy]\n{strategy}\n[report]\nbenchmark = \"SPY\"\n{report}\n"
        ),
    )
    .unwrap();
    cfg
}

const NEWS: &str = "kind = \"news_event\"\ntags = [\"venezuela_oil\"]\ndirection = \"long\"\n\
                    symbols = [\"XOM\", \"COP\"]\nhold = 10\nsize_per_event = 0.25";

/// Two Venezuela headlines five sessions apart, the case that printed t = 43 unlabelled.
fn twin_headlines() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    write_market(tmp.path());
    write_events(
        tmp.path(),
        &[
            (
                250,
                "US eases Venezuela oil sanctions",
                "venezuela_oil",
                0.5,
            ),
            (255, "Chevron license extended", "venezuela_oil", 0.4),
        ],
    );
    tmp
}

fn json_of(o: &std::process::Output) -> serde_json::Value {
    assert!(o.status.success(), "{}", stderr(o));
    serde_json::from_slice(&o.stdout).expect("json stdout")
}

#[test]
fn overlapping_headlines_warn_and_report_the_adjusted_t() {
    let tmp = twin_headlines();
    let cfg = write_cfg(tmp.path(), NEWS, "");
    let c = cfg.to_str().unwrap();
    let o = run(&["events", c]);
    assert!(o.status.success(), "{}", stderr(&o));
    let (text, err) = (stdout(&o), stderr(&o));
    for needle in [
        "overlapping event windows",
        "5 sessions apart",
        "only 2 events",
    ] {
        assert!(text.contains(needle), "{needle}: {text}");
        assert!(err.contains(needle), "{needle} on stderr: {err}");
    }
    assert!(text.contains("BMP t") && text.contains("adj t"), "{text}");
    let v = json_of(&run(&["events", c, "--format", "json", "--quiet"]));
    let g = &v["study"]["groups"][0];
    assert_eq!(g["events"], 2);
    assert_eq!(g["overlapping_pairs"], 1);
    assert!(g["mean_corr"].as_f64().unwrap() > 0.9, "{g}");
    let last = g["rows"].as_array().unwrap().last().unwrap();
    let (plain, adj) = (
        last["caar_t"].as_f64().unwrap(),
        last["kp_t"].as_f64().unwrap(),
    );
    // Two near-identical CARs: the plain t is inflated; the adjusted one is far smaller.
    assert!(
        adj.abs() < plain.abs() / 3.0,
        "plain {plain}, adjusted {adj}"
    );
    assert_eq!(
        v["events"][0]["events"][1]["headline"],
        "Chevron license extended"
    );
}

#[test]
fn windows_are_configurable_and_validated() {
    let tmp = twin_headlines();
    let cfg = write_cfg(
        tmp.path(),
        NEWS,
        "event_window = [-2, 3]\nestimation_window = [-60, -3]",
    );
    let c = cfg.to_str().unwrap();
    let v = json_of(&run(&["events", c, "--format", "json", "--quiet"]));
    assert_eq!(v["study"]["windows"]["event"], serde_json::json!([-2, 3]));
    assert_eq!(v["study"]["groups"][0]["rows"].as_array().unwrap().len(), 6);
    let text = stdout(&run(&["events", c, "--quiet"]));
    assert!(
        text.contains("OLS over sessions -60..-3; event window -2..+3"),
        "{text}"
    );
    assert!(text.contains("CAR -2..+3"), "{text}");
    for (set, needle) in [
        ("report.event_window=[3, -2]", "report.event_window"),
        ("report.estimation_window=[-60, -1]", "must end before"),
        ("report.estimation_window=[-8, -3]", "at least 10"),
        ("report.event_window=[-5, 100000]", "report.event_window"),
    ] {
        let o = run(&["events", c, "--set", set]);
        assert_bad_input(&o, "ev.toml", needle);
        let o = run(&["run", c, "--set", set]);
        assert_bad_input(&o, "ev.toml", needle);
    }
}

#[test]
fn events_out_writes_the_tables_and_the_text() {
    let tmp = twin_headlines();
    let cfg = write_cfg(tmp.path(), NEWS, "");
    let out = tmp.path().join("o");
    let o = run(&[
        "events",
        cfg.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--quiet",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = std::fs::read_to_string(out.join("event_study.txt")).unwrap();
    assert_eq!(text, stdout(&o));
    assert_eq!(parquet_rows(&out.join("event_study.parquet")), 26);
    assert_eq!(parquet_rows(&out.join("event_cars.parquet")), 2);
    let csv = std::fs::read_to_string(out.join("event_study.csv")).unwrap();
    assert!(
        csv.starts_with("group,basket,day,n,aar,aar_t,caar,caar_t,caar_p,bmp_t,kp_t,kp_p\n"),
        "{csv}"
    );
    assert_eq!(csv.lines().count(), 27);
    assert!(csv.contains("\nvenezuela_oil,XOM COP,0,2,"), "{csv}");
    let cars = std::fs::read_to_string(out.join("event_cars.csv")).unwrap();
    assert!(cars.contains("Chevron license extended"), "{cars}");
    assert!(out.join(".rotor-output").exists());
    let md = stdout(&run(&[
        "events",
        cfg.to_str().unwrap(),
        "--format",
        "markdown",
        "--quiet",
    ]));
    assert!(
        md.contains("## Event study") && md.contains("| day |"),
        "{md}"
    );
}

#[test]
fn news_tags_matching_nothing_are_named_with_the_feeds_tags() {
    let tmp = twin_headlines();
    let cfg = write_cfg(
        tmp.path(),
        &NEWS.replace("[\"venezuela_oil\"]", "[\"venezuela_oli\"]"),
        "",
    );
    let o = run(&["run", cfg.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    // The report wraps long lines: compare with whitespace runs folded.
    let fold = |s: String| s.split_whitespace().collect::<Vec<_>>().join(" ");
    let (err, report) = (fold(stderr(&o)), fold(stdout(&o)));
    let needle = "strategy.tags `venezuela_oli` matches no event in";
    for s in [&err, &report] {
        assert!(s.contains(needle), "{s}");
        assert!(s.contains("(did you mean `venezuela_oil`?)"), "{s}");
        assert!(s.contains("venezuela_oil (2)"), "{s}");
        assert!(s.contains("news_event trades nothing"), "{s}");
    }
}

#[test]
fn synonym_tags_share_one_table_and_event_tags_limit_the_study() {
    let tmp = tempfile::tempdir().unwrap();
    write_market(tmp.path());
    write_events(
        tmp.path(),
        &[
            (150, "a", "oil;venezuela;energy", 0.5),
            (200, "b", "oil;venezuela;energy", -0.4),
            (250, "c", "oil;venezuela;energy;opec", 0.3),
            (290, "d", "defense", 0.3),
        ],
    );
    let bh = "kind = \"buy_and_hold\"\nsymbols = [\"SPY\"]";
    let cfg = write_cfg(tmp.path(), bh, "");
    let v = json_of(&run(&[
        "events",
        cfg.to_str().unwrap(),
        "--format",
        "json",
        "--quiet",
    ]));
    let labels: Vec<&str> = v["study"]["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["label"].as_str().unwrap())
        .collect();
    assert_eq!(labels, ["defense", "energy, oil, venezuela", "opec"]);
    let cfg = write_cfg(tmp.path(), bh, "event_tags = [\"OIL\", \"opek\"]");
    let o = run(&["events", cfg.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    let titles: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("EVENT STUDY: "))
        .collect();
    assert_eq!(titles, ["EVENT STUDY: OIL"], "{text}");
    assert!(
        stderr(&o).contains("report.event_tags `opek` matches no event in")
            && stderr(&o).contains("(did you mean `opec`?)"),
        "{}",
        stderr(&o)
    );
}

/// Reads a Float64 or Int64 column of a Parquet file as f64.
fn column(path: &Path, name: &str) -> Vec<f64> {
    use arrow_array::{Array, Int64Array};
    use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
    let b = ParquetRecordBatchReaderBuilder::try_new(std::fs::File::open(path).unwrap()).unwrap();
    let mut out = Vec::new();
    for batch in b.build().unwrap() {
        let batch = batch.unwrap();
        let col = batch.column_by_name(name).unwrap();
        if let Some(f) = col.as_any().downcast_ref::<Float64Array>() {
            out.extend(f.values().iter());
        } else {
            let i = col.as_any().downcast_ref::<Int64Array>().unwrap();
            out.extend((0..i.len()).map(|k| i.value(k) as f64));
        }
    }
    out
}

#[test]
fn per_event_pnl_of_overlapping_headlines_adds_up_to_the_total() {
    let tmp = twin_headlines();
    let cfg = write_cfg(tmp.path(), NEWS, "");
    let out = tmp.path().join("o");
    let o = run(&[
        "run",
        cfg.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--quiet",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let report = stdout(&o);
    assert!(report.contains("PER-EVENT P&L"), "{report}");
    assert!(
        report.contains("US eases Venezuela oil sa...")
            && report.contains("Chevron license extended"),
        "{report}"
    );
    let pnl = column(&out.join("event_pnl.parquet"), "pnl");
    assert_eq!(pnl.len(), 2);
    assert!(pnl.iter().all(|p| p.abs() > 1.0), "{pnl:?}");
    let equity = column(&out.join("equity.parquet"), "equity");
    let total = equity.last().unwrap() - 1_000_000.0;
    let sum: f64 = pnl.iter().sum();
    // No interest, no position without an open event: the events add up to the total.
    assert!((sum - total).abs() < 1e-6, "events {sum} vs total {total}");
    // Every fill of the run carries an event id (1 or 2), and the shares of a fill sum to 1.
    let fills = parquet_rows(&out.join("fills.parquet"));
    let fill_ids = column(&out.join("event_fills.parquet"), "fill");
    let event_ids = column(&out.join("event_fills.parquet"), "event_id");
    let shares = column(&out.join("event_fills.parquet"), "share");
    let mut per_fill = vec![0.0; fills];
    for (f, s) in fill_ids.iter().zip(&shares) {
        per_fill[*f as usize] += s;
    }
    assert!(
        per_fill.iter().all(|s| (s - 1.0).abs() < 1e-12),
        "{per_fill:?}"
    );
    assert!(event_ids.contains(&1.0) && event_ids.contains(&2.0));
}
