//! The bad-input catalogue (issue 8): malformed files, configs and arguments, each run through
//! the real binary. Every case must exit 2 with exactly one `error:` line that names the file and
//! the fault, print no panic or backtrace (RUST_BACKTRACE=1 is set to be sure), and leave no
//! output that looks complete. The table is the catalogue: one row per case, so adding a case is
//! adding a row. Cases in tests/cli.rs (`error_*`) count towards the same catalogue.
//!
//! Decisions recorded here (and in the README's formats section):
//! - bars that are daily in one file and intraday in another: an error naming both files;
//! - time-zone-aware timestamps with different zones across files: accepted (Arrow stores UTC
//!   instants, the zone is only a display hint), see `mixed_time_zones_are_the_same_instants`;
//! - an event feed entirely outside the bars' span: accepted with one warning, see
//!   `events_entirely_after_the_bars_warn_but_run`;
//! - bars dated in the future of today: accepted (a backtest never reads the wall clock);
//! - dates that do not fit i64 nanoseconds (before 1677-09-22 or after 2262-04-10): an error
//!   naming the row (bars, CSV import, events); such a date in `[data] start/end` just filters.
//!
//! `ROTOR_CATALOGUE_SHOW=1 cargo test catalogue_of_bad_inputs -- --nocapture` prints every
//! case's error line.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::Arc;
use std::time::SystemTime;

use arrow_array::{
    ArrayRef, Date32Array, Float64Array, Int64Array, RecordBatch, StringArray,
    TimestampMillisecondArray, TimestampSecondArray,
};
use arrow_schema::{Field, Schema};
use parquet::arrow::ArrowWriter;

use super::{days, ohlcv, standard_cols, write_parquet, N};

/// What a case writes at a path (relative to its temporary folder).
enum Input {
    Text(String),
    Bytes(Vec<u8>),
    Parquet(Vec<(&'static str, ArrayRef)>),
    Dir,
    /// A named pipe (mkfifo): opening it blocks until a writer comes.
    Fifo,
    /// A symbolic link to this target.
    Symlink(&'static str),
    /// A sparse file of this many bytes (no disk used).
    Sparse(u64),
}

struct Case {
    name: &'static str,
    files: Vec<(&'static str, Input)>,
    /// Arguments; `{d}` is replaced by the case's folder. A `run` without `--out` gets
    /// `--out {d}/out`, which must then hold nothing that looks complete.
    args: Vec<&'static str>,
    /// Substrings of the one error line (the first is usually the file name).
    expect: Vec<&'static str>,
    /// Paths (relative to the folder) that must not exist afterwards.
    absent: Vec<&'static str>,
}

fn case(
    name: &'static str,
    files: Vec<(&'static str, Input)>,
    args: &[&'static str],
    expect: &[&'static str],
) -> Case {
    Case {
        name,
        files,
        args: args.to_vec(),
        expect: expect.to_vec(),
        absent: Vec::new(),
    }
}

fn text(s: &str) -> Input {
    Input::Text(s.to_string())
}

const RUN: &[&str] = &["run", "{d}/c.toml"];

fn import(file: &'static str) -> Vec<&'static str> {
    vec!["data", "import", file, "--out", "{d}/o"]
}

/// A buy-and-hold config on bars/ for AAA and BBB, with extra `[data]` lines.
fn bh(extra_data: &str) -> Input {
    text(&format!(
        "name = \"t\"\n[data]\nbars = \"bars\"\n{extra_data}\n[strategy]\nkind = \"buy_and_hold\"\nsymbols = [\"AAA\", \"BBB\"]\n"
    ))
}

/// A config with the given `[strategy]` body (and optional sections before it).
fn strategy(before: &str, body: &str) -> Input {
    text(&format!(
        "name = \"t\"\n[data]\nbars = \"bars\"\n{before}[strategy]\n{body}\n"
    ))
}

/// Valid AAA, BBB with `f` applied to its columns, and the buy-and-hold config.
fn bad_bbb(f: impl FnOnce(&mut Vec<(&'static str, ArrayRef)>)) -> Vec<(&'static str, Input)> {
    let mut cols = standard_cols(1, None);
    f(&mut cols);
    vec![
        ("bars/AAA.parquet", Input::Parquet(standard_cols(0, None))),
        ("bars/BBB.parquet", Input::Parquet(cols)),
        ("c.toml", bh("")),
    ]
}

/// Valid AAA and BBB plus the config `cfg` and any extra files.
fn good_bars(cfg: Input, extra: Vec<(&'static str, Input)>) -> Vec<(&'static str, Input)> {
    let mut v = vec![
        ("bars/AAA.parquet", Input::Parquet(standard_cols(0, None))),
        ("bars/BBB.parquet", Input::Parquet(standard_cols(1, None))),
        ("c.toml", cfg),
    ];
    v.extend(extra);
    v
}

/// Valid bars plus an event feed `name` with `body`, referenced from the config.
fn with_events(name: &'static str, body: &str) -> Vec<(&'static str, Input)> {
    let cfg = match name {
        "ev.csv" => bh("events = \"ev.csv\""),
        "ev.jsonl" => bh("events = \"ev.jsonl\""),
        "ev.txt" => bh("events = \"ev.txt\""),
        _ => bh("events = \"evdir\""),
    };
    good_bars(cfg, vec![(name, text(body))])
}

fn set(cols: &mut [(&'static str, ArrayRef)], name: &str, arr: ArrayRef) {
    let c = cols.iter_mut().find(|(n, _)| *n == name).expect("column");
    c.1 = arr;
}

fn set_f64(cols: &mut [(&'static str, ArrayRef)], name: &str, row: usize, v: f64) {
    let c = cols.iter_mut().find(|(n, _)| *n == name).expect("column");
    let mut vals: Vec<f64> =
        c.1.as_any()
            .downcast_ref::<Float64Array>()
            .expect("f64")
            .values()
            .to_vec();
    vals[row] = v;
    c.1 = Arc::new(Float64Array::from(vals));
}

/// A Parquet file (no data pages) whose schema is `depth` groups inside each other around one
/// INT64 leaf, and whose footer is otherwise valid.
fn nested_schema_parquet(depth: usize) -> Vec<u8> {
    let mut f = vec![0x15, 2, 0x19, 0xFC]; // version 1; schema: a list of structs...
    let mut n = depth + 1; // ... of this many elements (a varint)
    while n >= 0x80 {
        f.push((n & 0x7f) as u8 | 0x80);
        n >>= 7;
    }
    f.push(n as u8);
    for _ in 0..depth {
        f.extend_from_slice(&[0x48, 1, b'a', 0x15, 2, 0]); // name "a", num_children 1
    }
    f.extend_from_slice(&[0x15, 4, 0x38, 1, b'b', 0]); // type INT64, name "b"
    f.extend_from_slice(&[0x16, 0, 0x19, 0x0C, 0]); // num_rows 0, no row groups
    let len = (f.len() as u32).to_le_bytes();
    [b"PAR1".as_slice(), &f, &len, b"PAR1"].concat()
}

fn parquet_bytes(cols: Vec<(&'static str, ArrayRef)>) -> Vec<u8> {
    let fields: Vec<Field> = cols
        .iter()
        .map(|(n, a)| Field::new(*n, a.data_type().clone(), true))
        .collect();
    let schema = Arc::new(Schema::new(fields));
    let batch =
        RecordBatch::try_new(schema.clone(), cols.into_iter().map(|c| c.1).collect()).unwrap();
    let mut buf = Vec::new();
    let mut w = ArrowWriter::try_new(&mut buf, schema, None).unwrap();
    w.write(&batch).unwrap();
    w.close().unwrap();
    buf
}

/// AAA then BBB rows in one file with a symbol column.
fn two_symbol_cols() -> Vec<(&'static str, ArrayRef)> {
    let (a, b) = (standard_cols(0, Some("AAA")), standard_cols(1, Some("BBB")));
    a.into_iter()
        .zip(b)
        .map(|((n, x), (_, y))| {
            let joined: ArrayRef = if let Some(x) = x.as_any().downcast_ref::<StringArray>() {
                let y = y.as_any().downcast_ref::<StringArray>().unwrap();
                Arc::new(StringArray::from_iter(x.iter().chain(y.iter())))
            } else if let Some(x) = x.as_any().downcast_ref::<Date32Array>() {
                let y = y.as_any().downcast_ref::<Date32Array>().unwrap();
                Arc::new(Date32Array::from_iter(x.iter().chain(y.iter())))
            } else {
                let x = x.as_any().downcast_ref::<Float64Array>().unwrap();
                let y = y.as_any().downcast_ref::<Float64Array>().unwrap();
                Arc::new(Float64Array::from_iter(x.iter().chain(y.iter())))
            };
            (n, joined)
        })
        .collect()
}

fn one_file_cfg() -> Input {
    text("name = \"t\"\n[data]\nbars = \"all.parquet\"\n[strategy]\nkind = \"buy_and_hold\"\nsymbols = [\"AAA\", \"BBB\"]\n")
}

const YAHOO_HEAD: &str = "Date,Open,High,Low,Close,Adj Close,Volume\n";
const GOOD_ROW: &str = "2024-01-02,100,101,99,100.5,100.5,1000\n";

fn csv(rows: &str) -> Input {
    text(&format!("{YAHOO_HEAD}{GOOD_ROW}{rows}"))
}

#[allow(clippy::vec_init_then_push)]
fn catalogue() -> Vec<Case> {
    let mut c = Vec::new();

    // ---------------------------------------------------------------- Parquet bars
    let valid = parquet_bytes(standard_cols(1, None));
    let mut wrong_magic = valid.clone();
    wrong_magic[..4].copy_from_slice(b"PAR2");
    let n = wrong_magic.len();
    wrong_magic[n - 4..].copy_from_slice(b"PAR2");
    c.push(case(
        "parquet wrong magic",
        good_bars(
            bh(""),
            vec![("bars/BBB.parquet", Input::Bytes(wrong_magic))],
        ),
        RUN,
        &["BBB.parquet", "Parquet"],
    ));
    c.push(case(
        "parquet truncated footer",
        good_bars(
            bh(""),
            vec![(
                "bars/BBB.parquet",
                Input::Bytes(valid[..valid.len() - 9].to_vec()),
            )],
        ),
        RUN,
        &["BBB.parquet", "Parquet"],
    ));
    let mut torn = valid.clone();
    let mid = torn.len() / 3;
    for b in &mut torn[mid..mid + 40] {
        *b = 0xA5;
    }
    c.push(case(
        "parquet with torn data pages",
        good_bars(bh(""), vec![("bars/BBB.parquet", Input::Bytes(torn))]),
        RUN,
        &["BBB.parquet"],
    ));
    // Found by fuzzing: the parquet crate took 0.5 s (release) to skip the 216,370,171
    // booleans its footer declares in 939 bytes; refused by the footer guard before decoding.
    c.push(case(
        "parquet footer declaring a huge list of booleans",
        good_bars(
            bh(""),
            vec![(
                "bars/BBB.parquet",
                Input::Bytes(include_bytes!("fixtures/slow_footer/9241b6e9.parquet").to_vec()),
            )],
        ),
        RUN,
        &[
            "BBB.parquet",
            "corrupt Parquet footer: a list of Bool declares 216370171 elements in 939 bytes",
        ],
    ));
    // The parquet crate builds the schema tree recursively: 10,000 nested groups (60 KB)
    // overflowed the stack and aborted (exit 134).
    c.push(case(
        "parquet schema of 10,000 nested groups",
        good_bars(
            bh(""),
            vec![(
                "bars/BBB.parquet",
                Input::Bytes(nested_schema_parquet(10_000)),
            )],
        ),
        RUN,
        &[
            "BBB.parquet",
            "corrupt Parquet footer: a schema nested deeper than 64 levels",
        ],
    ));
    c.push(case(
        "parquet of zero bytes",
        good_bars(bh(""), vec![("bars/BBB.parquet", Input::Bytes(Vec::new()))]),
        RUN,
        &["BBB.parquet"],
    ));
    let empty_cols: Vec<(&'static str, ArrayRef)> = two_symbol_cols()
        .into_iter()
        .map(|(n, a)| (n, a.slice(0, 0)))
        .collect();
    c.push(case(
        "parquet with a symbol column and zero rows",
        vec![
            ("all.parquet", Input::Parquet(empty_cols)),
            ("c.toml", one_file_cfg()),
        ],
        RUN,
        &["all.parquet", "no data"],
    ));
    c.push(case(
        "timestamp column of strings",
        bad_bbb(|c| {
            set(
                c,
                "timestamp",
                Arc::new(StringArray::from(vec!["2024-01-01"; N])),
            )
        }),
        RUN,
        &["BBB.parquet", "`timestamp`", "type"],
    ));
    c.push(case(
        "volume column of strings",
        bad_bbb(|c| set(c, "volume", Arc::new(StringArray::from(vec!["1000"; N])))),
        RUN,
        &["BBB.parquet", "`volume`", "type"],
    ));
    let mut bad_sym = two_symbol_cols();
    set(
        &mut bad_sym,
        "symbol",
        Arc::new(Int64Array::from(vec![7_i64; 2 * N])),
    );
    c.push(case(
        "symbol column of integers",
        vec![
            ("all.parquet", Input::Parquet(bad_sym)),
            ("c.toml", one_file_cfg()),
        ],
        RUN,
        &["all.parquet", "`symbol`"],
    ));
    c.push(case(
        "missing close column",
        bad_bbb(|c| c.retain(|(n, _)| *n != "close")),
        RUN,
        &["BBB.parquet", "missing column `close`"],
    ));
    c.push(case(
        "missing timestamp column",
        bad_bbb(|c| c.retain(|(n, _)| *n != "timestamp")),
        RUN,
        &["BBB.parquet", "missing column `timestamp`"],
    ));
    c.push(case(
        "null close",
        bad_bbb(|c| {
            let (_, _, _, close, _) = ohlcv(1);
            let v: Vec<Option<f64>> = close
                .iter()
                .enumerate()
                .map(|(i, x)| (i != 3).then_some(*x))
                .collect();
            set(c, "close", Arc::new(Float64Array::from(v)));
        }),
        RUN,
        &["BBB.parquet", "null", "`close`", "row 4"],
    ));
    c.push(case(
        "null timestamp",
        bad_bbb(|c| {
            let d: Vec<Option<i32>> = days()
                .into_iter()
                .enumerate()
                .map(|(i, x)| (i != 6).then_some(x))
                .collect();
            set(c, "timestamp", Arc::new(Date32Array::from(d)));
        }),
        RUN,
        &["BBB.parquet", "null", "`timestamp`", "row 7"],
    ));
    let mut null_sym = two_symbol_cols();
    let s: Vec<Option<&str>> = (0..2 * N)
        .map(|i| match i {
            45 => None,
            i if i < N => Some("AAA"),
            _ => Some("BBB"),
        })
        .collect();
    set(&mut null_sym, "symbol", Arc::new(StringArray::from(s)));
    c.push(case(
        "null symbol",
        vec![
            ("all.parquet", Input::Parquet(null_sym)),
            ("c.toml", one_file_cfg()),
        ],
        RUN,
        &["all.parquet", "null", "`symbol`", "row 46"],
    ));
    c.push(case(
        "negative infinite low",
        bad_bbb(|c| set_f64(c, "low", 8, f64::NEG_INFINITY)),
        RUN,
        &["BBB.parquet", "non-finite", "`low`", "row 9", "symbol BBB"],
    ));
    c.push(case(
        "NaN high",
        bad_bbb(|c| set_f64(c, "high", 0, f64::NAN)),
        RUN,
        &["BBB.parquet", "non-finite", "`high`", "row 1"],
    ));
    c.push(case(
        "negative close",
        bad_bbb(|c| {
            set_f64(c, "close", 11, -3.0);
        }),
        RUN,
        &["BBB.parquet", "non-positive", "`close`", "row 12"],
    ));
    c.push(case(
        "close above high",
        bad_bbb(|c| set_f64(c, "close", 12, 1e6)),
        RUN,
        &[
            "BBB.parquet",
            "outside the bar's range",
            "`close`",
            "row 13",
        ],
    ));
    let mut p1 = two_symbol_cols();
    p1.truncate(p1.len()); // AAA and BBB, 40 sessions each
    let p2 = standard_cols(1, Some("BBB"));
    c.push(case(
        "duplicate bars across two files",
        vec![
            ("bars/p1.parquet", Input::Parquet(p1)),
            ("bars/p2.parquet", Input::Parquet(p2)),
            ("c.toml", bh("")),
        ],
        RUN,
        &["p2.parquet", "duplicate bar", "symbol BBB", "p1.parquet"],
    ));
    c.push(case(
        "timestamp in year 2264 (seconds past i64 nanoseconds)",
        bad_bbb(|c| {
            let mut s: Vec<i64> = days().iter().map(|d| *d as i64 * 86_400).collect();
            s[4] = 9_300_000_000;
            set(c, "timestamp", Arc::new(TimestampSecondArray::from(s)));
        }),
        RUN,
        &["BBB.parquet", "timestamp out of range", "row 5"],
    ));
    c.push(case(
        "date in year 1668 (before i64 nanoseconds)",
        bad_bbb(|c| {
            let mut d = days();
            d[2] = -110_000;
            set(c, "timestamp", Arc::new(Date32Array::from(d)));
        }),
        RUN,
        &["BBB.parquet", "timestamp out of range", "row 3"],
    ));
    c.push(case(
        "daily bars in one file, intraday in another",
        bad_bbb(|c| {
            let ms: Vec<i64> = days()
                .iter()
                .map(|d| *d as i64 * 86_400_000 + 14 * 3_600_000)
                .collect();
            set(
                c,
                "timestamp",
                Arc::new(TimestampMillisecondArray::from(ms)),
            );
        }),
        RUN,
        &["BBB.parquet", "intraday", "AAA.parquet", "daily"],
    ));
    c.push(case(
        "bars folder without Parquet files",
        vec![
            ("bars/readme.txt", text("nothing here")),
            ("c.toml", bh("")),
        ],
        RUN,
        &["bars", "no .parquet files"],
    ));
    c.push(case(
        "bars given as a CSV file",
        vec![
            ("prices.csv", text("Date,Close\n2024-01-02,1\n")),
            (
                "c.toml",
                text("name = \"t\"\n[data]\nbars = \"prices.csv\"\n[strategy]\nkind = \"buy_and_hold\"\nsymbols = [\"AAA\"]\n"),
            ),
        ],
        RUN,
        &["prices.csv", "must be Parquet", "rotor data import"],
    ));
    c.push(case(
        "benchmark symbol not in the data",
        good_bars(
            text("name = \"t\"\n[data]\nbars = \"bars\"\n[strategy]\nkind = \"buy_and_hold\"\nsymbols = [\"AAA\"]\n[report]\nbenchmark = \"SPX\"\n"),
            vec![],
        ),
        RUN,
        &["bars", "symbol SPX not found", "AAA, BBB"],
    ));
    // The event-study windows of [report] are checked when the config loads.
    for (name, report, expect) in [
        (
            "event window reversed",
            "event_window = [20, -5]",
            "report.event_window must be [first, last]",
        ),
        (
            "estimation window overlapping the event window",
            "estimation_window = [-120, 0]",
            "must end before report.event_window",
        ),
        (
            "estimation window too short to fit",
            "estimation_window = [-15, -11]",
            "needs at least 10",
        ),
        (
            "event window absurdly long",
            "event_window = [-5, 1000000000]",
            "within ±5000",
        ),
    ] {
        c.push(case(
            name,
            good_bars(
                strategy(
                    &format!("[report]\n{report}\n"),
                    "kind = \"buy_and_hold\"\nsymbols = [\"AAA\"]",
                ),
                vec![],
            ),
            RUN,
            &["c.toml", expect],
        ));
    }
    c.push(case(
        "date range before any data",
        good_bars(bh("start = \"1990-01-01\"\nend = \"1990-12-31\""), vec![]),
        RUN,
        &["bars", "no bars between 1990-01-01 and 1990-12-31"],
    ));

    c.push(case(
        "date range in year 9999 (past i64 nanoseconds)",
        good_bars(bh("start = \"9999-01-01\""), vec![]),
        RUN,
        &["bars", "no bars on or after 9999-01-01"],
    ));
    c.push(case(
        "date range ending in year 1000",
        with_events("ev.csv", "timestamp,headline\n2024-01-05,x\n")
            .into_iter()
            .map(|(p, i)| match p {
                "c.toml" => (p, bh("events = \"ev.csv\"\nend = \"1000-01-01\"")),
                _ => (p, i),
            })
            .collect(),
        RUN,
        &["bars", "no bars on or before 1000-01-01"],
    ));

    // ---------------------------------------------------------------- CSV import
    c.push(case(
        "CSV impossible date",
        vec![("X.csv", csv("2024-13-45,1,2,0.5,1,1,10\n"))],
        &import("{d}/X.csv"),
        &["X.csv", "bad date in column `Date`", "row 2", "2024-13-45"],
    ));
    c.push(case(
        "CSV day-first date",
        vec![("X.csv", csv("03/01/2024,1,2,0.5,1,1,10\n"))],
        &import("{d}/X.csv"),
        &["X.csv", "bad date", "row 2"],
    ));
    c.push(case(
        "CSV date in year 9999",
        vec![("X.csv", csv("9999-12-31,1,2,0.5,1,1,10\n"))],
        &import("{d}/X.csv"),
        &["X.csv", "date out of range", "row 2", "9999-12-31"],
    ));
    c.push(case(
        "CSV thousands separator",
        vec![(
            "X.csv",
            csv("2024-01-03,\"1,234.5\",1300,1200,1250,1250,10\n"),
        )],
        &import("{d}/X.csv"),
        &["X.csv", "thousands separator in column `Open`", "row 2"],
    ));
    c.push(case(
        "CSV missing Close column",
        vec![(
            "X.csv",
            text("Date,Open,High,Low,Volume\n2024-01-02,1,2,0.5,3\n"),
        )],
        &import("{d}/X.csv"),
        &["X.csv", "missing column `Close`"],
    ));
    c.push(case(
        "CSV missing Date column",
        vec![("X.csv", text("Day,Close\n2024-01-02,1\n"))],
        &import("{d}/X.csv"),
        &["X.csv", "missing column `Date`", "Day"],
    ));
    c.push(case(
        "CSV ragged row (too many fields)",
        vec![("X.csv", csv("2024-01-03,1,2,0.5,1,1,10,99\n"))],
        &import("{d}/X.csv"),
        &["X.csv", "ragged row", "row 2", "8 fields"],
    ));
    c.push(case(
        "CSV not a number",
        vec![("X.csv", csv("2024-01-03,1,2,0.5,1,1,lots\n"))],
        &import("{d}/X.csv"),
        &["X.csv", "not a number in column `Volume`", "row 2"],
    ));
    c.push(case(
        "CSV infinite close",
        vec![("X.csv", csv("2024-01-03,1,2,0.5,inf,1,10\n"))],
        &import("{d}/X.csv"),
        &["X.csv", "`Close`", "row 2"],
    ));
    c.push(case(
        "CSV zero price",
        vec![("X.csv", text("Date,Close\n2024-01-02,1\n2024-01-03,0\n"))],
        &import("{d}/X.csv"),
        &["X.csv", "non-positive price in column `Close`", "row 2"],
    ));
    c.push(case(
        "CSV high below low",
        vec![("X.csv", csv("2024-01-03,1,0.5,2,1,1,10\n"))],
        &import("{d}/X.csv"),
        &["X.csv", "high below low", "row 2"],
    ));
    c.push(case(
        "CSV duplicate date",
        vec![("X.csv", csv(GOOD_ROW))],
        &import("{d}/X.csv"),
        &["X.csv", "duplicate bar", "2024-01-02", "rows 1 and 2"],
    ));
    c.push(case(
        "CSV header only",
        vec![("X.csv", text(YAHOO_HEAD))],
        &import("{d}/X.csv"),
        &["X.csv", "no data rows"],
    ));
    c.push(case(
        "CSV empty file",
        vec![("X.csv", text(""))],
        &import("{d}/X.csv"),
        &["X.csv", "missing column `Date`"],
    ));
    c.push(case(
        "CSV binary garbage",
        vec![(
            "X.csv",
            Input::Bytes(vec![
                0xff, 0xfe, 0x00, 0x81, b',', 0xc3, 0x28, b'\n', 0x9f, 0x92,
            ]),
        )],
        &import("{d}/X.csv"),
        &["X.csv"],
    ));
    c.push(case(
        "CSV path is a directory",
        vec![("X.csv", Input::Dir)],
        &import("{d}/X.csv"),
        &["X.csv", "cannot read"],
    ));
    c.push(case(
        "CSV file missing",
        vec![],
        &import("{d}/NOPE.csv"),
        &["NOPE.csv", "cannot read"],
    ));

    // ---------------------------------------------------------------- events
    c.push(case(
        "event sentiment below -1 (JSON lines)",
        with_events(
            "ev.jsonl",
            "{\"timestamp\":\"2024-01-05\",\"headline\":\"ok\",\"sentiment\":0.1}\n{\"timestamp\":\"2024-01-06\",\"headline\":\"gloom\",\"sentiment\":-1.5}\n",
        ),
        RUN,
        &["ev.jsonl", "`sentiment`", "row 2", "-1.5"],
    ));
    c.push(case(
        "event sentiment NaN (CSV)",
        with_events(
            "ev.csv",
            "timestamp,headline,sentiment\n2024-01-05,odd,NaN\n",
        ),
        RUN,
        &["ev.csv", "`sentiment`", "row 1"],
    ));
    c.push(case(
        "event sentiment not a number",
        with_events(
            "ev.csv",
            "timestamp,headline,sentiment\n2024-01-05,odd,very\n",
        ),
        RUN,
        &["ev.csv", "`sentiment`", "row 1", "very"],
    ));
    c.push(case(
        "event timestamp of the wrong JSON type",
        with_events("ev.jsonl", "{\"timestamp\":20240105,\"headline\":\"x\"}\n"),
        RUN,
        &["ev.jsonl", "`timestamp`", "row 1", "expected a string"],
    ));
    c.push(case(
        "event timestamp in year 3000",
        with_events(
            "ev.csv",
            "timestamp,headline\n2024-01-05,fine\n3000-01-01,far\n",
        ),
        RUN,
        &["ev.csv", "`timestamp`", "row 2", "3000-01-01"],
    ));
    c.push(case(
        "event timestamp with impossible time",
        with_events("ev.csv", "timestamp,headline\n2024-01-05T25:61:00Z,late\n"),
        RUN,
        &["ev.csv", "`timestamp`", "row 1"],
    ));
    c.push(case(
        "events JSON line that is not JSON",
        with_events(
            "ev.jsonl",
            "{\"timestamp\":\"2024-01-05\",\"headline\":\"x\"}\n{oops\n",
        ),
        RUN,
        &["ev.jsonl", "JSON", "row 2"],
    ));
    c.push(case(
        "events missing headline column",
        with_events("ev.csv", "timestamp,title\n2024-01-05,x\n"),
        RUN,
        &["ev.csv", "missing column `headline`"],
    ));
    c.push(case(
        "events empty headline",
        with_events("ev.csv", "timestamp,headline,tags\n2024-01-05,  ,fed\n"),
        RUN,
        &["ev.csv", "`headline`", "row 1"],
    ));
    c.push(case(
        "events ragged row",
        with_events(
            "ev.csv",
            "timestamp,headline,tags\n2024-01-05,x,fed,extra\n",
        ),
        RUN,
        &["ev.csv", "ragged row", "row 1"],
    ));
    c.push(case(
        "events of an unknown file type",
        with_events("ev.txt", "timestamp,headline\n2024-01-05,x\n"),
        RUN,
        &["ev.txt", "unknown event file type"],
    ));
    let mut ev_dir = good_bars(bh("events = \"evdir\""), vec![]);
    ev_dir.push(("evdir", Input::Dir));
    c.push(case(
        "events path is a directory",
        ev_dir,
        RUN,
        &["evdir", "is a folder"],
    ));
    let mut ev_csv_dir = good_bars(bh("events = \"news.csv\""), vec![]);
    ev_csv_dir.push(("news.csv", Input::Dir));
    c.push(case(
        "events path ending in .csv is a directory",
        ev_csv_dir,
        RUN,
        &["news.csv", "is a folder"],
    ));

    // ---------------------------------------------------------------- configs
    c.push(case(
        "empty config file",
        good_bars(text(""), vec![]),
        RUN,
        &["c.toml", "missing field `name`"],
    ));
    c.push(case(
        "binary garbage config",
        good_bars(
            Input::Bytes(vec![0x00, 0xff, 0xfe, 0x13, 0x37, 0x80, 0x81, b'\n', 0xc0]),
            vec![],
        ),
        RUN,
        &["c.toml", "UTF-8"],
    ));
    c.push(case(
        "TOML syntax error",
        good_bars(text("name = \"t\"\n[data\nbars = \"bars\"\n"), vec![]),
        RUN,
        &["c.toml", "line 2"],
    ));
    c.push(case(
        "unknown top-level key with did-you-mean",
        good_bars(
            text("name = \"t\"\n[data]\nbars = \"bars\"\n[strategy]\nkind = \"buy_and_hold\"\nsymbols = [\"AAA\"]\n[reprot]\nbenchmark = \"AAA\"\n"),
            vec![],
        ),
        RUN,
        &["c.toml", "reprot", "did you mean `report`"],
    ));
    c.push(case(
        "unknown data key with did-you-mean",
        good_bars(bh("evnets = \"ev.csv\""), vec![]),
        RUN,
        &["c.toml", "evnets", "did you mean `events`"],
    ));
    c.push(case(
        "unknown strategy kind with did-you-mean",
        good_bars(
            strategy(
                "",
                "kind = \"rotaton\"\nlong = [\"AAA\"]\nshort = [\"BBB\"]",
            ),
            vec![],
        ),
        RUN,
        &["c.toml", "rotaton", "did you mean `rotation`"],
    ));
    c.push(case(
        "lookback of the wrong type",
        good_bars(
            strategy(
                "",
                "kind = \"rotation\"\nlong = [\"AAA\"]\nshort = [\"BBB\"]\nlookback = \"sixty\"",
            ),
            vec![],
        ),
        RUN,
        &["c.toml", "lookback"],
    ));
    c.push(case(
        "negative lookback",
        good_bars(
            strategy(
                "",
                "kind = \"rotation\"\nlong = [\"AAA\"]\nshort = [\"BBB\"]\nlookback = -5",
            ),
            vec![],
        ),
        RUN,
        &["c.toml", "lookback"],
    ));
    c.push(case(
        "fast equal to slow",
        good_bars(
            strategy(
                "",
                "kind = \"sma_cross\"\nsymbol = \"AAA\"\nfast = 20\nslow = 20",
            ),
            vec![],
        ),
        RUN,
        &[
            "c.toml",
            "strategy.fast (20) must be less than strategy.slow (20)",
        ],
    ));
    c.push(case(
        "weights summing above 1",
        good_bars(
            strategy(
                "",
                "kind = \"buy_and_hold\"\nweights = { AAA = 0.7, BBB = 0.7 }",
            ),
            vec![],
        ),
        RUN,
        &["c.toml", "strategy.weights sum to 1.4"],
    ));
    c.push(case(
        "zero weight",
        good_bars(
            strategy(
                "",
                "kind = \"buy_and_hold\"\nweights = { AAA = 0.0, BBB = 0.5 }",
            ),
            vec![],
        ),
        RUN,
        &["c.toml", "strategy.weights.AAA"],
    ));
    c.push(case(
        "long/short weights with a gross above 4",
        good_bars(
            strategy(
                "",
                "kind = \"buy_and_hold\"\nweights = { AAA = 2.5, BBB = -2.0 }",
            ),
            vec![],
        ),
        RUN,
        &["c.toml", "strategy.weights", "gross 4.5", "net 0.5"],
    ));
    c.push(case(
        "weights net short beyond -1",
        good_bars(
            strategy(
                "",
                "kind = \"buy_and_hold\"\nweights = { AAA = -0.8, BBB = -0.7 }",
            ),
            vec![],
        ),
        RUN,
        &["c.toml", "strategy.weights", "net -1.5"],
    ));
    c.push(case(
        "formula: a symbol only read (close@SPY) missing from the data",
        good_bars(
            strategy(
                "",
                "kind = \"formula\"\nuniverse = [\"AAA\"]\nweights = \"close / close@SPY\"",
            ),
            vec![],
        ),
        RUN,
        &["bars", "symbol SPY not found in the data (have: AAA, BBB)"],
    ));
    for (name, body, expect) in [
        (
            "formula: unknown name",
            "weights = \"top(mon, 1)\"\n[strategy.define]\nmom = \"pct_change(close, 5)\"",
            "strategy.weights: unknown name `mon` (did you mean `mom`?) at column 5: \"top(^mon, 1)\"",
        ),
        (
            "formula: wrong arity",
            "weights = \"rank(close, 3)\"",
            "`rank` takes 1 argument (rank(x)), got 2 at column 1",
        ),
        (
            "formula: cycle in define",
            "weights = \"a\"\n[strategy.define]\na = \"b * 2\"\nb = \"a + 1\"",
            "strategy.define.b: `a` is defined in terms of itself (a -> b -> a) at column 1",
        ),
        (
            "formula: window not a whole number",
            "weights = \"ts_mean(close, n)\"\n[strategy.params]\nn = 2.5",
            "the window of `ts_mean` must be a whole number >= 1, got 2.5 at column 16",
        ),
        (
            "formula: window longer than the data",
            "weights = \"pct_change(close, 5000)\"",
            "strategy.weights needs 5000 bars of history before its first value",
        ),
        (
            "formula: syntax error",
            "weights = \"top(close, 1\"",
            "expected `)` to close `top(`, found the end of the expression at column 13",
        ),
    ] {
        let body = format!("kind = \"formula\"\nuniverse = [\"AAA\", \"BBB\"]\n{body}");
        c.push(case(
            name,
            good_bars(strategy("", &body), vec![]),
            RUN,
            &["c.toml", expect],
        ));
    }
    c.push(case(
        "zero cash",
        good_bars(
            strategy(
                "[portfolio]\ncash = 0\n",
                "kind = \"buy_and_hold\"\nsymbols = [\"AAA\"]",
            ),
            vec![],
        ),
        RUN,
        &["c.toml", "portfolio.cash"],
    ));
    c.push(case(
        "negative commission",
        good_bars(
            strategy(
                "[costs]\ncommission_bps = -1\n",
                "kind = \"buy_and_hold\"\nsymbols = [\"AAA\"]",
            ),
            vec![],
        ),
        RUN,
        &["c.toml", "costs.commission_bps"],
    ));
    c.push(case(
        "latency that is not a duration",
        good_bars(
            strategy(
                "[execution]\nlatency = \"5x\"\n",
                "kind = \"buy_and_hold\"\nsymbols = [\"AAA\"]",
            ),
            vec![],
        ),
        RUN,
        &["c.toml", "execution.latency (\"5x\")", "duration"],
    ));
    c.push(case(
        "negative order latency",
        good_bars(
            strategy(
                "[execution]\norder_latency = \"-1s\"\n",
                "kind = \"buy_and_hold\"\nsymbols = [\"AAA\"]",
            ),
            vec![],
        ),
        RUN,
        &["c.toml", "execution.order_latency (\"-1s\")"],
    ));
    c.push(case(
        "impossible start date",
        good_bars(bh("start = \"2024-02-30\""), vec![]),
        RUN,
        &["c.toml", "2024-02-30"],
    ));
    c.push(case(
        "start after end",
        good_bars(bh("start = \"2024-03-01\"\nend = \"2024-01-01\""), vec![]),
        RUN,
        &[
            "c.toml",
            "data.start (2024-03-01) is after data.end (2024-01-01)",
        ],
    ));
    c.push(case(
        "--set with a value of the wrong type",
        good_bars(
            strategy(
                "",
                "kind = \"rotation\"\nlong = [\"AAA\"]\nshort = [\"BBB\"]",
            ),
            vec![],
        ),
        &["run", "{d}/c.toml", "--set", "strategy.lookback=abc"],
        &["c.toml", "--set", "lookback"],
    ));
    c.push(case(
        "config path is a directory",
        vec![("cfgdir", Input::Dir)],
        &["run", "{d}/cfgdir"],
        &["cfgdir", "cannot read"],
    ));
    c.push(case(
        "bars path is a regular file that is not Parquet",
        vec![
            ("notes.parquet", text("just some notes")),
            (
                "c.toml",
                text("name = \"t\"\n[data]\nbars = \"notes.parquet\"\n[strategy]\nkind = \"buy_and_hold\"\nsymbols = [\"NOTES\"]\n"),
            ),
        ],
        RUN,
        &["notes.parquet", "Parquet"],
    ));
    let mut out_file = case(
        "--out is an existing file",
        good_bars(bh(""), vec![("taken", text("mine"))]),
        &["run", "{d}/c.toml", "--out", "{d}/taken"],
        &["taken", "not a folder"],
    );
    out_file.absent = vec!["taken/stats.json"];
    c.push(out_file);

    // ---------------------------------------------------------------- sweep grids
    c.push(case(
        "sweep grid with an empty value list",
        good_bars(bh(""), vec![]),
        &[
            "sweep",
            "{d}/c.toml",
            "--grid",
            "portfolio.cash=",
            "--quiet",
        ],
        &["c.toml", "portfolio.cash", "empty"],
    ));
    c.push(case(
        "sweep grid range pointing the wrong way",
        good_bars(bh(""), vec![]),
        &[
            "sweep",
            "{d}/c.toml",
            "--grid",
            "portfolio.cash=5..1:1",
            "--quiet",
        ],
        &["c.toml", "portfolio.cash", "step"],
    ));
    c.push(case(
        "sweep grid larger than the limit without --force",
        good_bars(bh(""), vec![]),
        &[
            "sweep",
            "{d}/c.toml",
            "--grid",
            "portfolio.cash=1..2000000",
            "--quiet",
        ],
        &["c.toml", "2000000 parameter sets", "--force"],
    ));
    c.push(case(
        "sweep with nothing to sweep",
        good_bars(bh(""), vec![]),
        &["sweep", "{d}/c.toml", "--quiet"],
        &["c.toml", "nothing to sweep"],
    ));

    // ---------------------------------------------------------------- stats
    c.push(case(
        "stats of a returns column read as equity levels (a negative level)",
        vec![(
            "r.csv",
            text("date,value\n2024-01-02,0.01\n2024-01-03,-0.02\n2024-01-04,0.005\n"),
        )],
        &["stats", "{d}/r.csv"],
        &["r.csv", "row 2", "positive equity level", "--returns"],
    ));
    c.push(case(
        "stats of an equity curve with a zero level",
        vec![(
            "z.csv",
            text("date,equity\n2024-01-02,100\n2024-01-03,0\n2024-01-04,5\n"),
        )],
        &["stats", "{d}/z.csv"],
        &["z.csv", "row 2", "positive equity level"],
    ));
    c.push(case(
        "stats with a benchmark of returns read as levels",
        vec![
            (
                "e.csv",
                text("date,equity\n2024-01-02,100\n2024-01-03,101\n2024-01-04,102\n"),
            ),
            (
                "b.csv",
                text("date,close\n2024-01-02,0.01\n2024-01-03,-0.01\n2024-01-04,0.0\n"),
            ),
        ],
        &["stats", "{d}/e.csv", "--benchmark", "{d}/b.csv"],
        &["b.csv", "row 2", "--benchmark-returns"],
    ));

    loader_cases(&mut c);
    sibling_cases(&mut c);

    // ---------------------------------------------------------------- issue 17 (reliability)
    for (name, v) in [("price of 1e-300", 1e-300), ("price of 1e300", 1e300)] {
        c.push(case(
            name,
            bad_bbb(|c| {
                for col in ["open", "high", "low", "close"] {
                    set_f64(c, col, 3, v);
                }
            }),
            RUN,
            &["BBB.parquet", "price out of range", "row 4", "1e-6"],
        ));
    }
    c.push(case(
        "cash interest rate of 1e300",
        good_bars(
            strategy(
                "[costs]\ncash_interest_rate = 1e300\n",
                "kind = \"buy_and_hold\"\nsymbols = [\"AAA\"]",
            ),
            vec![],
        ),
        RUN,
        &["c.toml", "costs.cash_interest_rate", "at most 10"],
    ));
    c.push(case(
        "cash of 1e300",
        good_bars(
            strategy(
                "[portfolio]\ncash = 1e300\n",
                "kind = \"buy_and_hold\"\nsymbols = [\"AAA\"]",
            ),
            vec![],
        ),
        RUN,
        &["c.toml", "portfolio.cash", "at most 1e15"],
    ));
    c.push(case(
        "borrow of 1e300 bps",
        good_bars(
            strategy(
                "[costs]\nborrow_bps = 1e300\n",
                "kind = \"buy_and_hold\"\nsymbols = [\"AAA\"]",
            ),
            vec![],
        ),
        RUN,
        &["c.toml", "costs.borrow_bps", "at most 100000"],
    ));
    const SMA_LONG: &str = "kind = \"sma_cross\"\nsymbol = \"AAA\"\nfast = 5\nslow = 100000000000";
    c.push(case(
        "sma slow window of 1e11 bars (longer than the data)",
        good_bars(strategy("", SMA_LONG), vec![]),
        RUN,
        &[
            "c.toml",
            "strategy.slow (100000000000) is longer than the data (40 bars)",
        ],
    ));
    c.push(case(
        "rotation z-score window of 2^62 bars",
        good_bars(
            strategy(
                "",
                "kind = \"rotation\"\nlong = [\"AAA\"]\nshort = [\"BBB\"]\nsignal = \"zscore\"\nlookback = 5\nwindow = 4611686018427387904",
            ),
            vec![],
        ),
        RUN,
        &["c.toml", "strategy.window (4611686018427387904) is longer than the data"],
    ));
    c.push(case(
        "rotation lookback + skip overflowing usize",
        good_bars(
            strategy(
                "",
                "kind = \"rotation\"\nlong = [\"AAA\"]\nshort = [\"BBB\"]\nlookback = 4611686018427387904\nskip = 9223372036854775807",
            ),
            vec![],
        ),
        RUN,
        &["c.toml", "strategy.lookback + strategy.skip", "longer than the data"],
    ));
    c.push(case(
        "window longer than the data from --set",
        good_bars(
            strategy(
                "",
                "kind = \"sma_cross\"\nsymbol = \"AAA\"\nfast = 5\nslow = 20",
            ),
            vec![],
        ),
        &["run", "{d}/c.toml", "--set", "strategy.slow=41"],
        &[
            "c.toml",
            "strategy.slow (41) is longer than the data (40 bars)",
        ],
    ));
    c.push(case(
        "news hold longer than the data",
        good_bars(
            strategy(
                "",
                "kind = \"news_event\"\ntags = [\"x\"]\nsymbols = [\"AAA\"]\nhold = 9223372036854775807",
            ),
            vec![],
        ),
        RUN,
        &["c.toml", "strategy.hold", "longer than the data"],
    ));
    let mut random0 = case(
        "sweep --random 0",
        good_bars(bh(""), vec![]),
        &[
            "sweep",
            "{d}/c.toml",
            "--grid",
            "portfolio.cash=1000..2000:100",
            "--random",
            "0",
            "--seed",
            "1",
            "--out",
            "{d}/sw",
        ],
        &["c.toml", "--random 0", "between 1 and"],
    );
    random0.absent = vec!["sw"];
    c.push(random0);
    c.push(case(
        "walkforward --random 0",
        good_bars(bh(""), vec![]),
        &[
            "walkforward",
            "{d}/c.toml",
            "--grid",
            "portfolio.cash=1000..2000:100",
            "--random",
            "0",
        ],
        &["c.toml", "--random 0"],
    ));
    c.push(case(
        "config name of 20 MB",
        good_bars(
            text(&format!(
                "name = \"{}\"\n[data]\nbars = \"bars\"\n[strategy]\nkind = \"buy_and_hold\"\nsymbols = [\"AAA\"]\n",
                "n".repeat(20_000_000)
            )),
            vec![],
        ),
        RUN,
        &["c.toml", "name is 20000000 characters long, more than 256"],
    ));
    let series = || text("timestamp,equity\n2024-01-01,100\n2024-01-02,101\n2024-01-03,99\n");
    for rf in ["nan", "inf", "-inf", "-1"] {
        let args: &'static [&'static str] = match rf {
            "nan" => &["stats", "{d}/e.csv", "--risk-free", "nan"],
            "inf" => &["stats", "{d}/e.csv", "--risk-free", "inf"],
            "-inf" => &["stats", "{d}/e.csv", "--risk-free=-inf"],
            _ => &["stats", "{d}/e.csv", "--risk-free=-1"],
        };
        c.push(case(
            "stats --risk-free out of range",
            vec![("e.csv", series())],
            args,
            &["--risk-free", "finite annual rate above -1"],
        ));
    }
    for (blocks, args) in [
        (
            "1",
            &[
                "sweep",
                "{d}/c.toml",
                "--grid",
                "portfolio.cash=1000,2000",
                "--pbo-blocks",
                "1",
            ] as &'static [&'static str],
        ),
        (
            "3",
            &[
                "sweep",
                "{d}/c.toml",
                "--grid",
                "portfolio.cash=1000,2000",
                "--pbo-blocks",
                "3",
            ],
        ),
        (
            "64",
            &[
                "sweep",
                "{d}/c.toml",
                "--grid",
                "portfolio.cash=1000,2000",
                "--pbo-blocks",
                "64",
            ],
        ),
    ] {
        let _ = blocks;
        c.push(case(
            "sweep --pbo-blocks not even in 2..=30",
            good_bars(bh(""), vec![]),
            args,
            &["--pbo-blocks", "even number from 2 to 30"],
        ));
    }
    c.push(case(
        "--out under a folder that cannot hold one (/proc)",
        good_bars(bh(""), vec![]),
        &[
            "run",
            "{d}/c.toml",
            "--out",
            "/proc/rotor-cannot-be-here/out",
        ],
        &[
            "/proc/rotor-cannot-be-here/out",
            "cannot create the --out folder",
        ],
    ));
    c.push(case(
        "--out an existing folder nobody can write (/proc/1)",
        good_bars(bh(""), vec![]),
        &["run", "{d}/c.toml", "--out", "/proc/1", "--force"],
        &["/proc/1", "cannot write into the --out folder"],
    ));
    c.push(case(
        "sweep --out an existing folder nobody can write (/proc/1)",
        good_bars(bh(""), vec![]),
        &[
            "sweep",
            "{d}/c.toml",
            "--grid",
            "portfolio.cash=1000,2000",
            "--out",
            "/proc/1",
            "--force",
        ],
        &["/proc/1", "cannot write into the --out folder"],
    ));
    c.push(case(
        "a start date of the wrong type",
        good_bars(bh("start = 5"), vec![]),
        RUN,
        &["c.toml", "invalid date `5` (integer), expected YYYY-MM-DD"],
    ));
    c.push(case(
        "strategy given as a string",
        good_bars(
            text("name = \"t\"\nstrategy = \"rotation\"\n[data]\nbars = \"bars\"\n"),
            vec![],
        ),
        RUN,
        &[
            "c.toml",
            "expected a [strategy] table whose `kind` is one of",
        ],
    ));
    c.push(case(
        "--out is a dangling symbolic link",
        good_bars(bh(""), vec![("link", Input::Symlink("nowhere/out"))]),
        &["run", "{d}/c.toml", "--out", "{d}/link"],
        &["link", "symbolic link", "does not exist"],
    ));
    c.push(case(
        "data import --out is a dangling symbolic link",
        vec![("X.csv", csv("")), ("link", Input::Symlink("nowhere/o"))],
        &["data", "import", "{d}/X.csv", "--out", "{d}/link"],
        &["link", "symbolic link", "does not exist"],
    ));
    // Siblings of items 8 and 17: absurd annualization inputs, in a config and in `rotor stats`.
    const BH_AAA: &str = "kind = \"buy_and_hold\"\nsymbols = [\"AAA\"]";
    c.push(case(
        "report.periods_per_year of 1e300",
        good_bars(
            strategy("[report]\nperiods_per_year = 1e300\n", BH_AAA),
            vec![],
        ),
        RUN,
        &[
            "c.toml",
            "report.periods_per_year 1e300",
            "from 0.1 to 100000000",
        ],
    ));
    c.push(case(
        "report.risk_free of 1e300",
        good_bars(strategy("[report]\nrisk_free = 1e300\n", BH_AAA), vec![]),
        RUN,
        &["c.toml", "report.risk_free 1e300", "at most 10"],
    ));
    c.push(case(
        "stats --periods 1e300",
        vec![("e.csv", series())],
        &["stats", "{d}/e.csv", "--periods", "1e300"],
        &["--periods 1e300", "from 0.1 to 100000000"],
    ));
    c.push(case(
        "stats --risk-free 1e300",
        vec![("e.csv", series())],
        &["stats", "{d}/e.csv", "--risk-free", "1e300"],
        &["--risk-free 1e300", "at most 10"],
    ));
    // Siblings of item 21: Rust's type names never reach a message.
    for (name, before, body, expect) in [
        (
            "a window given as a string",
            "",
            "kind = \"rotation\"\nlong = [\"AAA\"]\nshort = [\"BBB\"]\nlookback = \"x\"",
            "expected a whole number >= 0 (key `strategy.lookback`)",
        ),
        (
            "cash given as a string",
            "[portfolio]\ncash = \"x\"\n",
            BH_AAA,
            "expected a number",
        ),
        (
            "kind given as a number",
            "",
            "kind = 5",
            "expected a string: one of rotation, buy_and_hold",
        ),
        (
            "rebalance given as a number",
            "",
            "kind = \"rotation\"\nlong = [\"AAA\"]\nshort = [\"BBB\"]\nrebalance = 5",
            "expected a string (key `strategy.rebalance`)",
        ),
        (
            "execution.remainder given as a boolean",
            "[execution]\nremainder = true\n",
            BH_AAA,
            "expected a string",
        ),
    ] {
        c.push(case(
            name,
            good_bars(strategy(before, body), vec![]),
            RUN,
            &["c.toml", expect],
        ));
    }
    // One --out guard for every command that writes a folder (out_dir.rs).
    c.push(case(
        "run --out an existing file",
        good_bars(bh(""), vec![("afile", text("mine"))]),
        &["run", "{d}/c.toml", "--out", "{d}/afile"],
        &["afile", "--out exists and is not a folder"],
    ));
    c.push(case(
        "data import --out an existing file",
        vec![("X.csv", csv("")), ("afile", text("mine"))],
        &["data", "import", "{d}/X.csv", "--out", "{d}/afile"],
        &["afile", "--out exists and is not a folder"],
    ));
    c.push(case(
        "data synth --out an existing file",
        vec![("afile", text("mine"))],
        &["data", "synth", "--out", "{d}/afile"],
        &["afile", "--out exists and is not a folder"],
    ));
    c.push(case(
        "data import --out an existing folder nobody can write (/proc/1)",
        vec![("X.csv", csv(""))],
        &["data", "import", "{d}/X.csv", "--out", "/proc/1"],
        &["/proc/1", "cannot write into the --out folder"],
    ));
    c.push(case(
        "data synth --out an existing folder nobody can write (/proc/1)",
        vec![],
        &["data", "synth", "--out", "/proc/1", "--force"],
        &["/proc/1", "cannot write into the --out folder"],
    ));
    c.push(case(
        "data synth --out is a dangling symbolic link",
        vec![("link", Input::Symlink("nowhere/o"))],
        &["data", "synth", "--out", "{d}/link"],
        &["link", "symbolic link", "does not exist"],
    ));
    c.push(case(
        "events --out is a dangling symbolic link",
        good_bars(bh(""), vec![("link", Input::Symlink("nowhere/o"))]),
        &["events", "{d}/c.toml", "--out", "{d}/link"],
        &["link", "symbolic link", "does not exist"],
    ));
    // ---------------------------------------------------------------- inspect
    c.push(case(
        "inspect a missing path",
        vec![],
        &["data", "inspect", "{d}/nowhere"],
        &["nowhere", "cannot read"],
    ));
    c.push(case(
        "inspect a corrupt file",
        vec![("bad.parquet", text("PAR1 not really PAR1"))],
        &["data", "inspect", "{d}/bad.parquet"],
        &["bad.parquet"],
    ));
    c
}

fn materialize(dir: &Path, files: Vec<(&'static str, Input)>) {
    for (rel, input) in files {
        let p = dir.join(rel);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).unwrap();
        }
        match input {
            Input::Text(s) => std::fs::write(&p, s).unwrap(),
            Input::Bytes(b) => std::fs::write(&p, b).unwrap(),
            Input::Parquet(cols) => write_parquet(&p, cols),
            Input::Dir => std::fs::create_dir_all(&p).unwrap(),
            Input::Fifo => {
                // It may replace a file written before (a valid bars file, say).
                let _ = std::fs::remove_file(&p);
                let ok = Command::new("mkfifo")
                    .arg(&p)
                    .status()
                    .is_ok_and(|s| s.success());
                assert!(ok, "mkfifo {}", p.display());
            }
            Input::Symlink(target) => {
                let _ = std::fs::remove_file(&p);
                std::os::unix::fs::symlink(target, &p).unwrap()
            }
            Input::Sparse(len) => std::fs::File::create(&p).unwrap().set_len(len).unwrap(),
        }
    }
}

fn rotor_bt() -> Command {
    let mut c = super::rotor();
    c.env("RUST_BACKTRACE", "1");
    c
}

/// Runs one case; returns a description of what went wrong, if anything.
fn check(case: Case) -> Option<String> {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let ds = d.to_str().unwrap();
    materialize(d, case.files);
    let mut args: Vec<String> = case.args.iter().map(|a| a.replace("{d}", ds)).collect();
    let mut absent: Vec<PathBuf> = case.absent.iter().map(|a| d.join(a)).collect();
    if args[0] == "run" && !args.iter().any(|a| a == "--out") {
        args.extend(["--out".into(), format!("{ds}/out")]);
        for f in ["stats.json", "report.txt", ".rotor-output", "config.toml"] {
            absent.push(d.join("out").join(f));
        }
    }
    if args[0] == "data" && args[1] == "import" {
        absent.push(d.join("o/X.parquet"));
    }
    let name = case.name;
    let mut cmd = rotor_bt();
    cmd.args(&args);
    // Generous: some cases take tens of seconds in a debug build on a busy machine.
    let Some(o) = output_within(cmd, 300) else {
        return Some(format!("{name}: still running after 300 s (killed)"));
    };
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    if o.status.code() != Some(2) {
        return Some(format!("{name}: exit {:?}, stderr: {err}", o.status.code()));
    }
    let lines: Vec<&str> = err.lines().filter(|l| l.starts_with("error:")).collect();
    if lines.len() != 1 {
        return Some(format!("{name}: {} error lines: {err}", lines.len()));
    }
    for bad in ["panicked", "stack backtrace", "RUST_BACKTRACE"] {
        if err.contains(bad) {
            return Some(format!("{name}: `{bad}` on stderr: {err}"));
        }
    }
    if std::env::var_os("ROTOR_CATALOGUE_SHOW").is_some() {
        eprintln!("{name:<55} {}", lines[0]);
    }
    let missing: Vec<&&str> = case
        .expect
        .iter()
        .filter(|e| !lines[0].contains(**e))
        .collect();
    if !missing.is_empty() {
        return Some(format!(
            "{name}: error line lacks {missing:?}: {}",
            lines[0]
        ));
    }
    if let Some(p) = absent.iter().find(|p| p.exists()) {
        return Some(format!("{name}: {} was left behind", p.display()));
    }
    None
}

/// Runs `cmd` to the end, or kills it after `secs` seconds (`None`): an input that makes rotor
/// block (a FIFO) must fail the test, not hang it.
fn output_within(mut cmd: Command, secs: u64) -> Option<Output> {
    let child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn rotor");
    let pid = child.id();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    match rx.recv_timeout(std::time::Duration::from_secs(secs)) {
        Ok(o) => Some(o.expect("wait for rotor")),
        Err(_) => {
            let _ = Command::new("kill").arg("-9").arg(pid.to_string()).status();
            None
        }
    }
}

#[test]
fn catalogue_of_bad_inputs() {
    let cases = catalogue();
    let n = cases.len();
    assert!(n >= 40, "the catalogue has only {n} cases");
    let failures: Vec<String> = cases.into_iter().filter_map(check).collect();
    assert!(
        failures.is_empty(),
        "{} of {n} catalogue cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

// ---------------------------------------------------------------- decisions, as positive tests

fn run_in(dir: &Path, args: &[&str]) -> Output {
    rotor_bt()
        .current_dir(dir)
        .args(args)
        .output()
        .expect("spawn")
}

fn json_total_return(o: &Output) -> f64 {
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    v["total_return"].as_f64().expect("total_return")
}

#[test]
fn csv_with_a_byte_order_mark_is_accepted() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let mut text = String::from("\u{feff}Date,Open,High,Low,Close,Adj Close,Volume\n");
    let (o, h, l, c, v) = ohlcv(0);
    let epoch = chrono::NaiveDate::from_ymd_opt(1970, 1, 1).unwrap();
    for (i, day) in days().iter().enumerate() {
        let date = epoch + chrono::Duration::days(*day as i64);
        text += &format!(
            "{date},{},{},{},{},{},{}\r\n",
            o[i], h[i], l[i], c[i], c[i], v[i]
        );
    }
    std::fs::write(d.join("AAA.csv"), text).unwrap();
    let r = run_in(d, &["data", "import", "AAA.csv", "--out", "bars"]);
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    std::fs::write(
        d.join("c.toml"),
        "name = \"t\"\n[data]\nbars = \"bars\"\n[strategy]\nkind = \"buy_and_hold\"\nsymbols = [\"AAA\"]\n",
    )
    .unwrap();
    let r = run_in(d, &["run", "c.toml", "--format", "json", "--quiet"]);
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    assert!(json_total_return(&r).is_finite());
    // A BOM-prefixed event feed too.
    std::fs::write(
        d.join("ev.csv"),
        "\u{feff}timestamp,headline,tags\n2024-01-05,Fed holds,fed\n",
    )
    .unwrap();
    std::fs::write(
        d.join("e.toml"),
        "name = \"t\"\n[data]\nbars = \"bars\"\nevents = \"ev.csv\"\n[strategy]\nkind = \"buy_and_hold\"\nsymbols = [\"AAA\"]\n",
    )
    .unwrap();
    let r = run_in(d, &["run", "e.toml", "--format", "json", "--quiet"]);
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
}

#[test]
fn mixed_time_zones_are_the_same_instants() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let ms: Vec<i64> = days().iter().map(|x| *x as i64 * 86_400_000).collect();
    let mut results = Vec::new();
    for (sub, tz_a, tz_b) in [
        ("utc", "UTC", "UTC"),
        ("mixed", "America/New_York", "+09:00"),
    ] {
        for (k, s, tz) in [(0, "AAA", tz_a), (1, "BBB", tz_b)] {
            let mut cols = standard_cols(k, None);
            set(
                &mut cols,
                "timestamp",
                Arc::new(TimestampMillisecondArray::from(ms.clone()).with_timezone(tz)),
            );
            let p = d.join(sub).join(format!("{s}.parquet"));
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            write_parquet(&p, cols);
        }
        let cfg = d.join(format!("{sub}.toml"));
        std::fs::write(
            &cfg,
            format!("name = \"t\"\n[data]\nbars = \"{sub}\"\n[strategy]\nkind = \"buy_and_hold\"\nsymbols = [\"AAA\", \"BBB\"]\n"),
        )
        .unwrap();
        let r = run_in(
            d,
            &["run", cfg.to_str().unwrap(), "--format", "json", "--quiet"],
        );
        assert!(
            r.status.success(),
            "{sub}: {}",
            String::from_utf8_lossy(&r.stderr)
        );
        results.push(json_total_return(&r));
    }
    assert_eq!(results[0], results[1]);
}

#[test]
fn events_entirely_after_the_bars_warn_but_run() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    materialize(
        d,
        with_events(
            "ev.csv",
            "timestamp,headline,tags\n2031-01-05,Later,fed\n2031-02-05,Even later,fed\n",
        ),
    );
    let r = run_in(d, &["run", "c.toml", "--format", "json"]);
    let err = String::from_utf8_lossy(&r.stderr);
    assert!(r.status.success(), "{err}");
    let warnings: Vec<&str> = err.lines().filter(|l| l.starts_with("warning:")).collect();
    assert_eq!(warnings.len(), 1, "{err}");
    assert!(
        warnings[0].contains("ev.csv") && warnings[0].contains("none of its 2 events"),
        "{err}"
    );
}

#[test]
fn unreadable_files_are_bad_input_unless_running_as_root() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    materialize(d, good_bars(bh(""), vec![]));
    let locked = |p: &Path| {
        std::fs::set_permissions(p, std::fs::Permissions::from_mode(0o000)).unwrap();
        // As root, mode 000 does not stop a read: then there is nothing to test.
        std::fs::read(p).is_err()
    };
    let cfg = d.join("c.toml");
    if !locked(&cfg) {
        eprintln!("skipping: running as root, chmod 000 does not block reads");
        return;
    }
    let o = run_in(d, &["run", "c.toml"]);
    std::fs::set_permissions(&cfg, std::fs::Permissions::from_mode(0o644)).unwrap();
    super::assert_bad_input(&o, "c.toml", "cannot read");
    let bbb = d.join("bars/BBB.parquet");
    assert!(locked(&bbb));
    let o = run_in(d, &["run", "c.toml"]);
    std::fs::set_permissions(&bbb, std::fs::Permissions::from_mode(0o644)).unwrap();
    super::assert_bad_input(&o, "BBB.parquet", "cannot read");
}

// ---------------------------------------------------------------- outputs and inputs untouched

/// Every file under `dir` with its length and modification time.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, (u64, SystemTime)> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(p) = stack.pop() {
        for e in std::fs::read_dir(&p).unwrap() {
            let e = e.unwrap();
            let m = e.metadata().unwrap();
            if m.is_dir() {
                stack.push(e.path());
            }
            out.insert(e.path(), (m.len(), m.modified().unwrap()));
        }
    }
    out
}

#[test]
fn input_folders_are_never_written() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let input = d.join("in");
    materialize(
        &input,
        with_events(
            "ev.csv",
            "timestamp,headline,tags\n2024-01-05,Fed holds,fed\n",
        ),
    );
    std::fs::write(
        input.join("CCC.csv"),
        "Date,Close\n2024-01-02,10\n2024-01-03,11\n",
    )
    .unwrap();
    let before = snapshot(&input);
    let cfg = input.join("c.toml");
    let o = run_in(
        d,
        &["run", cfg.to_str().unwrap(), "--out", "out", "--quiet"],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let o = run_in(d, &["data", "import", "in/CCC.csv", "--out", "imported"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let o = run_in(d, &["data", "inspect", "in/bars"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    // A failing run (bad override) must not touch the inputs either.
    let o = run_in(
        d,
        &[
            "run",
            cfg.to_str().unwrap(),
            "--set",
            "strategy.symbols=[\"ZZZ\"]",
            "--out",
            "out2",
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(before, snapshot(&input));
}

/// Names in `dir` that look like leftovers of an atomic write (`.NAME.tmp-PID`).
fn temp_leftovers(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .map(|rd| {
            rd.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.contains(".tmp"))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn no_temp_files_remain_after_success_or_error() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    materialize(d, good_bars(bh(""), vec![]));
    let o = run_in(d, &["run", "c.toml", "--out", "out", "--quiet"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(d.join("out/.rotor-output").is_file());
    assert_eq!(temp_leftovers(&d.join("out")), Vec::<String>::new());
    // An error in the middle of writing: fills.parquet cannot be replaced (a folder is in the
    // way). The marker was dropped first and is not rewritten, so the folder no longer looks
    // like a complete run, and the failed temp file is cleaned up.
    std::fs::remove_file(d.join("out/fills.parquet")).unwrap();
    std::fs::create_dir(d.join("out/fills.parquet")).unwrap();
    std::fs::write(d.join("out/fills.parquet/keep"), "x").unwrap();
    let o = rotor_bt()
        .current_dir(d)
        .args(["run", "c.toml", "--out", "out", "--quiet"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success(), "{err}");
    assert_eq!(
        err.lines().filter(|l| l.starts_with("error:")).count(),
        1,
        "{err}"
    );
    assert!(
        err.contains("fills.parquet") && !err.contains("panicked"),
        "{err}"
    );
    assert!(!d.join("out/.rotor-output").exists());
    assert_eq!(temp_leftovers(&d.join("out")), Vec::<String>::new());
    // Import: success and a failing second file leave no temp files either.
    std::fs::write(d.join("GOOD.csv"), "Date,Close\n2024-01-02,10\n").unwrap();
    std::fs::write(d.join("BAD.csv"), "Date,Close\n2024-01-02,-10\n").unwrap();
    let o = run_in(
        d,
        &["data", "import", "GOOD.csv", "BAD.csv", "--out", "imp"],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(d.join("imp/GOOD.parquet").is_file());
    assert!(!d.join("imp/BAD.parquet").exists());
    assert_eq!(temp_leftovers(&d.join("imp")), Vec::<String>::new());
}

// ---------------------------------------------------------------- signals

#[test]
fn a_closed_stdout_pipe_ends_the_run_quietly() {
    let cfg = super::root().join("strategies/smallcap_vs_tech.toml");
    let mut child = rotor_bt()
        .args(["run", cfg.to_str().unwrap()])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Close the read end before rotor writes its report (like `| head -0`).
    drop(child.stdout.take());
    let o = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        !err.contains("panicked") && !err.contains("Broken pipe"),
        "{err}"
    );
    assert!(!err.contains("error:"), "{err}");
    use std::os::unix::process::ExitStatusExt;
    assert!(
        o.status.success() || o.status.signal() == Some(13),
        "expected a quiet end (0 or SIGPIPE), got {:?}",
        o.status
    );
}

#[test]
fn head_of_the_report_through_a_shell_pipe() {
    let cfg = super::root().join("strategies/smallcap_vs_tech.toml");
    let o = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "'{}' run '{}' | head -1",
            env!("CARGO_BIN_EXE_rotor"),
            cfg.display()
        ))
        .env("RUST_BACKTRACE", "1")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{err}");
    assert_eq!(String::from_utf8_lossy(&o.stdout).lines().count(), 1);
    assert!(
        !err.contains("panicked") && !err.contains("Broken pipe"),
        "{err}"
    );
}

/// Writes small uncompressed Parquet seeds for `fuzz/` when `ROTOR_WRITE_FUZZ_SEEDS=DIR` is set
/// (a no-op otherwise): plain pages are what a byte-level fuzzer can mutate meaningfully.
#[test]
fn write_fuzz_seeds_on_request() {
    let Some(dir) = std::env::var_os("ROTOR_WRITE_FUZZ_SEEDS") else {
        return;
    };
    let dir = PathBuf::from(dir);
    std::fs::create_dir_all(&dir).unwrap();
    let short = |cols: Vec<(&'static str, ArrayRef)>| -> Vec<(&'static str, ArrayRef)> {
        cols.into_iter().map(|(n, a)| (n, a.slice(0, 6))).collect()
    };
    write_parquet(&dir.join("plain.parquet"), short(standard_cols(0, None)));
    let mut both = two_symbol_cols();
    both = both
        .into_iter()
        .map(|(n, a)| (n, a.slice(N - 3, 6)))
        .collect();
    write_parquet(&dir.join("symbols.parquet"), both);
    let mut ms = short(standard_cols(1, Some("BBB")));
    let t: Vec<i64> = days()[..6]
        .iter()
        .map(|d| *d as i64 * 86_400_000 + 14 * 3_600_000)
        .collect();
    set(
        &mut ms,
        "timestamp",
        Arc::new(TimestampMillisecondArray::from(t).with_timezone("America/New_York")),
    );
    write_parquet(&dir.join("intraday_tz.parquet"), ms);
}

/// Ctrl-C at any moment of a run with `--out`: either the run finished (marker and every output
/// present, stats.json whole) or the folder does not look complete (no marker). The marker is
/// written last and an earlier one is removed first, so this holds whenever the signal lands.
#[test]
fn sigint_at_any_moment_never_leaves_an_output_that_looks_complete() {
    let cfg = super::root().join("strategies/smallcap_vs_tech.toml");
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    for delay_ms in [0_u64, 5, 20, 50, 100, 200, 400, 800] {
        let child = rotor_bt()
            .args(["run", cfg.to_str().unwrap(), "--quiet", "--out"])
            .arg(&out)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        let _ = Command::new("kill")
            .args(["-INT", &child.id().to_string()])
            .status();
        let o = child.wait_with_output().unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(!err.contains("panicked"), "{err}");
        if out.join(".rotor-output").exists() {
            for f in [
                "report.txt",
                "stats.json",
                "equity.parquet",
                "fills.parquet",
                "trades.parquet",
                "config.toml",
            ] {
                assert!(out.join(f).is_file(), "marker present but {f} missing");
            }
            let stats = std::fs::read_to_string(out.join("stats.json")).unwrap();
            serde_json::from_str::<serde_json::Value>(&stats).expect("whole stats.json");
        } else {
            assert!(!o.status.success(), "a finished run must leave its marker");
        }
    }
    // What an interrupted run left behind is recognised as rotor's: a re-run needs no --force.
    let o = rotor_bt()
        .args(["run", cfg.to_str().unwrap(), "--quiet", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(out.join(".rotor-output").is_file());
}

#[test]
fn a_folder_with_run_files_but_no_marker_is_taken_as_interrupted_but_others_are_refused() {
    let cfg = super::root().join("strategies/buy_and_hold_spy.toml");
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("report.txt"), "half").unwrap();
    std::fs::write(out.join(".stats.json.tmp-123"), "{").unwrap();
    let run = || {
        rotor_bt()
            .args(["run", cfg.to_str().unwrap(), "--quiet", "--out"])
            .arg(&out)
            .output()
            .unwrap()
    };
    let o = run();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    std::fs::remove_file(out.join(".rotor-output")).unwrap();
    std::fs::write(out.join("notes.md"), "mine").unwrap();
    let o = run();
    super::assert_bad_input(&o, out.to_str().unwrap(), "--force");
    assert_eq!(
        std::fs::read_to_string(out.join("notes.md")).unwrap(),
        "mine"
    );
}

// ---------------------------------------------------------------- loaders (issue 17)

/// Column `from` of `cols` again under the name `to` (a second column for one field).
fn twin(cols: &mut Vec<(&'static str, ArrayRef)>, from: &str, to: &'static str) {
    let arr = cols
        .iter()
        .find(|(n, _)| *n == from)
        .expect("column")
        .1
        .clone();
    cols.push((to, arr));
}

/// AAA and BBB in one file `all.parquet` with a symbol column, BBB spelled `bbb`.
fn one_file_with_symbol(bbb: &'static str) -> Vec<(&'static str, ArrayRef)> {
    let mut cols = two_symbol_cols();
    let renamed: Vec<&str> = cols[0]
        .1
        .as_any()
        .downcast_ref::<StringArray>()
        .unwrap()
        .iter()
        .map(|s| if s == Some("BBB") { bbb } else { "AAA" })
        .collect();
    cols[0].1 = Arc::new(StringArray::from(renamed));
    cols
}

/// The loaders' bad inputs of issue 17 (items 3, 7, 12, 16, 22, 23, 27).
fn loader_cases(c: &mut Vec<Case>) {
    // Item 3: two inputs written to one output file.
    let good_csv = || text(&format!("{YAHOO_HEAD}{GOOD_ROW}"));
    c.push(Case {
        name: "import two files of one name from two folders",
        files: vec![("a/DUP.csv", good_csv()), ("b/DUP.csv", good_csv())],
        args: vec![
            "data",
            "import",
            "{d}/a/DUP.csv",
            "{d}/b/DUP.csv",
            "--out",
            "{d}/o",
        ],
        expect: vec!["b/DUP.csv", "a/DUP.csv", "DUP.parquet"],
        absent: vec!["o/DUP.parquet"],
    });
    c.push(Case {
        name: "import dup.csv and DUP.csv (one symbol)",
        files: vec![("dup.csv", good_csv()), ("DUP.csv", good_csv())],
        args: vec![
            "data",
            "import",
            "{d}/DUP.csv",
            "{d}/dup.csv",
            "--out",
            "{d}/o",
        ],
        expect: vec!["/dup.csv", "/DUP.csv", "symbol DUP"],
        absent: vec!["o/DUP.parquet"],
    });

    // Item 7: two columns for one field.
    c.push(case(
        "parquet with `close` and `Close`",
        bad_bbb(|cols| twin(cols, "close", "Close")),
        RUN,
        &["BBB.parquet", "\"close\" and \"Close\"", "close"],
    ));
    c.push(case(
        "parquet with `timestamp` and `date`",
        bad_bbb(|cols| twin(cols, "timestamp", "date")),
        RUN,
        &["BBB.parquet", "\"timestamp\" and \"date\"", "timestamp"],
    ));
    c.push(case(
        "parquet with `adj_close` and `Adj Close`",
        bad_bbb(|cols| {
            twin(cols, "close", "adj_close");
            twin(cols, "close", "Adj Close");
        }),
        RUN,
        &["BBB.parquet", "\"adj_close\" and \"Adj Close\""],
    ));
    c.push(case(
        "CSV header with Close twice",
        vec![("X.csv", text("Date,Close,Close\n2024-01-02,1,2\n"))],
        &import("{d}/X.csv"),
        &["X.csv", "\"Close\" and \"Close\""],
    ));
    c.push(case(
        "CSV with Adj Close and adjclose",
        vec![(
            "X.csv",
            text("Date,Close,Adj Close,adjclose\n2024-01-02,1,1,1\n"),
        )],
        &import("{d}/X.csv"),
        &["X.csv", "\"Adj Close\" and \"adjclose\""],
    ));

    // Item 12: only regular files, with a size bound for text.
    c.push(case(
        "events file is a FIFO",
        good_bars(bh("events = \"ev.csv\""), vec![("ev.csv", Input::Fifo)]),
        RUN,
        &["ev.csv", "not a regular file"],
    ));
    c.push(case(
        "events file is a link to /dev/zero",
        good_bars(
            bh("events = \"ev.csv\""),
            vec![("ev.csv", Input::Symlink("/dev/zero"))],
        ),
        RUN,
        &["ev.csv", "not a regular file"],
    ));
    c.push(case(
        "events CSV larger than the text limit",
        good_bars(
            bh("events = \"ev.csv\""),
            vec![("ev.csv", Input::Sparse((1 << 30) + 1))],
        ),
        RUN,
        &["ev.csv", "1073741825 bytes", "1024 MiB"],
    ));
    c.push(case(
        "bars file of a wanted symbol is a FIFO",
        good_bars(bh(""), vec![("bars/BBB.parquet", Input::Fifo)]),
        RUN,
        &["BBB.parquet", "not a regular file"],
    ));
    c.push(case(
        "config file is a FIFO",
        vec![("c.toml", Input::Fifo)],
        RUN,
        &["c.toml", "not a regular file"],
    ));
    c.push(case(
        "CSV to import is a FIFO",
        vec![("X.csv", Input::Fifo)],
        &import("{d}/X.csv"),
        &["X.csv", "not a regular file"],
    ));

    // Item 16: NaN or null volume, refused like inf.
    c.push(case(
        "parquet NaN volume",
        bad_bbb(|cols| set_f64(cols, "volume", 3, f64::NAN)),
        RUN,
        &[
            "BBB.parquet",
            "bad volume in column `volume`",
            "row 4",
            "NaN",
        ],
    ));
    c.push(case(
        "parquet null volume",
        bad_bbb(|cols| {
            let c = cols.iter_mut().find(|(n, _)| *n == "volume").unwrap();
            let v = c.1.as_any().downcast_ref::<Float64Array>().unwrap();
            let vals: Vec<Option<f64>> =
                (0..v.len()).map(|i| (i != 2).then(|| v.value(i))).collect();
            c.1 = Arc::new(Float64Array::from(vals));
        }),
        RUN,
        &["BBB.parquet", "null in required column `volume`", "row 3"],
    ));
    c.push(case(
        "CSV empty volume cell",
        vec![("X.csv", csv("2024-01-03,1,2,0.5,1,1,\n"))],
        &import("{d}/X.csv"),
        &["X.csv", "null in required column `Volume`", "row 2"],
    ));

    // Item 22: invisible characters in symbols, escaped and refused.
    c.push(case(
        "symbol column value with a zero-width space",
        vec![
            ("all.parquet", Input::Parquet(one_file_with_symbol("BBB\u{200B}"))),
            (
                "c.toml",
                text("name = \"t\"\n[data]\nbars = \"all.parquet\"\n[strategy]\nkind = \"buy_and_hold\"\nsymbols = [\"AAA\", \"BBB\\u200B\"]\n"),
            ),
        ],
        RUN,
        &["all.parquet", "\"BBB\\u{200B}\"", "column `symbol`", "U+200B"],
    ));
    c.push(case(
        "config symbol with a word joiner, not in the data",
        good_bars(
            text("name = \"t\"\n[data]\nbars = \"bars\"\n[strategy]\nkind = \"buy_and_hold\"\nsymbols = [\"AAA\", \"BBB\\u2060\"]\n"),
            vec![],
        ),
        RUN,
        &["bars", "symbol \"BBB\\u{2060}\" not found", "AAA, BBB"],
    ));
    c.push(case(
        "CSV to import named with a right-to-left override",
        vec![("X\u{202E}.csv", csv(""))],
        &["data", "import", "{d}/X\u{202E}.csv", "--out", "{d}/o"],
        &["\"X\\u{202E}\"", "invisible character U+202E"],
    ));

    // Item 23: an empty path names the config and the key.
    c.push(case(
        "config with bars = \"\"",
        vec![(
            "c.toml",
            text("name = \"t\"\n[data]\nbars = \"\"\n[strategy]\nkind = \"buy_and_hold\"\nsymbols = [\"AAA\"]\n"),
        )],
        RUN,
        &["c.toml", "data.bars is empty"],
    ));
    c.push(case(
        "config with events = \"\"",
        good_bars(bh("events = \"\""), vec![]),
        RUN,
        &["c.toml", "data.events is empty"],
    ));

    // Item 27: a literal NaN price is an error, not a skipped row.
    c.push(case(
        "CSV NaN close",
        vec![("X.csv", csv("2024-01-03,1,2,0.5,NaN,1,10\n"))],
        &import("{d}/X.csv"),
        &["X.csv", "non-finite price in column `Close`", "row 2"],
    ));
    c.push(case(
        "CSV nan open (lower case)",
        vec![("X.csv", csv("2024-01-03,nan,2,0.5,1,1,10\n"))],
        &import("{d}/X.csv"),
        &["X.csv", "non-finite price in column `Open`", "row 2"],
    ));
}

/// Siblings of issue 17's failures found later: each failed (or panicked) before its fix.
fn sibling_cases(c: &mut Vec<Case>) {
    // Importing into a folder that already holds the symbol's Parquet replaced it silently.
    c.push(case(
        "data import over an existing SYMBOL.parquet",
        vec![
            ("AAA.csv", csv("")),
            ("o/AAA.parquet", Input::Parquet(standard_cols(0, None))),
        ],
        &import("{d}/AAA.csv"),
        &["o/AAA.parquet", "already exists", "AAA.csv", "--force"],
    ));
    // "AAA " printed as AAA: a second, padded symbol's bars were left out of the run unseen.
    c.push(case(
        "symbol column value \"AAA \" beside AAA",
        vec![
            ("all.parquet", Input::Parquet(one_file_with_symbol("AAA "))),
            (
                "c.toml",
                text("name = \"t\"\n[data]\nbars = \"all.parquet\"\n[strategy]\nkind = \"buy_and_hold\"\nsymbols = [\"AAA\"]\n"),
            ),
        ],
        RUN,
        &["all.parquet", "\"AAA \" beside AAA", "trim"],
    ));
    // An unbounded minimum commission: a final equity of -2e300, reported as such.
    c.push(case(
        "commission_min of 1e300",
        good_bars(
            strategy(
                "[costs]\ncommission_min = 1e300\n",
                "kind = \"buy_and_hold\"\nsymbols = [\"AAA\"]",
            ),
            vec![],
        ),
        RUN,
        &["c.toml", "costs.commission_min", "at most 1e15"],
    ));
    // The event study skipped an event's symbol whose bars are bad, saying it is not in them.
    let mut bad_close = standard_cols(1, None);
    set_f64(&mut bad_close, "close", 11, -3.0);
    c.push(case(
        "events: an event's symbol with a negative close",
        vec![
            ("bars/AAA.parquet", Input::Parquet(standard_cols(0, None))),
            ("bars/BBB.parquet", Input::Parquet(bad_close)),
            ("ev.csv", text("timestamp,headline,tags,sentiment,symbols\n2024-01-20,x,oil,0.5,BBB\n")),
            (
                "c.toml",
                text("name = \"t\"\n[data]\nbars = \"bars\"\nevents = \"ev.csv\"\n[strategy]\nkind = \"buy_and_hold\"\nsymbols = [\"AAA\"]\n[report]\nbenchmark = \"AAA\"\n"),
            ),
        ],
        &["events", "{d}/c.toml"],
        &["BBB.parquet", "non-positive", "`close`", "row 12"],
    ));
    // Walk-forward spans: a multibyte unit panicked, 12 x 357913942 months wrapped to 8.
    let wf = |span: &'static str| -> Vec<&'static str> {
        let mut a = vec![
            "walkforward",
            "{d}/c.toml",
            "--grid",
            "portfolio.cash=1000,2000",
        ];
        a.extend(["--train", span, "--quiet"]);
        a
    };
    c.push(case(
        "walkforward --train with a multibyte unit",
        good_bars(bh(""), vec![]),
        &wf("3é"),
        &["--train", "`3é`", "expected a span"],
    ));
    c.push(case(
        "walkforward --train wrapping past u32 months",
        good_bars(bh(""), vec![]),
        &wf("357913942y"),
        &["--train", "`357913942y`", "at most 1000 years"],
    ));
    // A grid value given twice ran one set twice and counted it twice in DSR and PBO.
    c.push(case(
        "sweep grid value given twice (1000 and 1e3)",
        good_bars(bh(""), vec![]),
        &[
            "sweep",
            "{d}/c.toml",
            "--grid",
            "portfolio.cash=1000,2000,1e3",
            "--quiet",
        ],
        &["portfolio.cash=1000,2000,1e3", "1e3", "given twice"],
    ));
    // A --set of a swept key was overwritten by every set, silently.
    c.push(case(
        "sweep --set of a key the grid sweeps",
        good_bars(bh(""), vec![]),
        &[
            "sweep",
            "{d}/c.toml",
            "--grid",
            "portfolio.cash=1000,2000",
            "--set",
            "portfolio.cash=5000",
            "--quiet",
        ],
        &["c.toml", "--set portfolio.cash=5000", "swept by the grid"],
    ));
    // --pbo-sets 0 or 1 was taken, and PBO then said "needs at least 2 sets" of a 2-set sweep.
    for (name, n) in [("sweep --pbo-sets 0", "0"), ("sweep --pbo-sets 1", "1")] {
        c.push(Case {
            name,
            files: good_bars(bh(""), vec![]),
            args: vec![
                "sweep",
                "{d}/c.toml",
                "--grid",
                "portfolio.cash=1000,2000",
                "--pbo-sets",
                n,
                "--out",
                "{d}/sw",
            ],
            expect: vec!["--pbo-sets", "at least 2"],
            absent: vec!["sw/sweep.parquet", "sw/.rotor-output"],
        });
    }
    // Ten thousand and one windows were cut silently to the first ten thousand.
    let mut far = standard_cols(1, None);
    set(
        &mut far,
        "timestamp",
        Arc::new(Date32Array::from(
            (0..N as i32).map(|i| 7305 + i).collect::<Vec<_>>(),
        )),
    );
    c.push(case(
        "walkforward cutting the data into more than 10000 windows",
        vec![
            ("bars/AAA.parquet", Input::Parquet(standard_cols(0, None))),
            ("bars/BBB.parquet", Input::Parquet(far)),
            ("c.toml", bh("")),
        ],
        &[
            "walkforward",
            "{d}/c.toml",
            "--grid",
            "portfolio.cash=1000,2000",
            "--train",
            "1d",
            "--test",
            "1d",
        ],
        &["c.toml", "--test 1d", "more than 10000 windows"],
    ));
}

#[test]
fn unused_fifo_and_corrupt_files_in_the_bars_folder_are_skipped_with_a_warning() {
    // Issue 17 item 12: both used to stop the run (the FIFO forever).
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    materialize(
        d,
        good_bars(
            bh(""),
            vec![
                ("bars/CCC.parquet", Input::Fifo),
                ("bars/DDD.parquet", text("not parquet")),
            ],
        ),
    );
    let mut cmd = rotor_bt();
    cmd.current_dir(d)
        .args(["run", "c.toml", "--format", "json", "--out", "out"]);
    let o = output_within(cmd, 300).expect("rotor blocked on the FIFO");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{err}");
    assert!(json_total_return(&o).is_finite());
    let warnings: Vec<&str> = err.lines().filter(|l| l.starts_with("warning:")).collect();
    assert!(
        warnings.len() == 2
            && warnings[0].contains("CCC.parquet: is not a regular file")
            && warnings[1].contains("DDD.parquet: not a readable Parquet file"),
        "{err}"
    );
}

#[test]
fn adj_close_only_csv_imports_as_a_close_only_series() {
    // Issue 13 item 18.
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let (_, _, _, c, _) = ohlcv(0);
    let epoch = chrono::NaiveDate::from_ymd_opt(1970, 1, 1).unwrap();
    let mut csv = String::from("date,adj_close\n");
    for (i, day) in days().iter().enumerate() {
        csv += &format!("{},{}\n", epoch + chrono::Duration::days(*day as i64), c[i]);
    }
    std::fs::write(d.join("AAA.csv"), csv).unwrap();
    let r = run_in(d, &["data", "import", "AAA.csv", "--out", "bars"]);
    let err = String::from_utf8_lossy(&r.stderr);
    assert!(r.status.success(), "{err}");
    assert!(
        err.contains("warning: AAA.csv: only adjusted closes: imported as a close-only series"),
        "{err}"
    );
    std::fs::write(
        d.join("c.toml"),
        "name = \"t\"\n[data]\nbars = \"bars\"\n[strategy]\nkind = \"buy_and_hold\"\nsymbols = [\"AAA\"]\n",
    )
    .unwrap();
    let r = run_in(d, &["run", "c.toml", "--format", "json"]);
    let err = String::from_utf8_lossy(&r.stderr);
    assert!(r.status.success(), "{err}");
    assert!(
        err.contains("warning: close-only data (no open/high/low columns) for AAA"),
        "{err}"
    );
    // Buy and hold of a close-only series: the return is last close / entry close - 1 (entry
    // at the first or second session), up to the whole-share rounding of the entry.
    let tr = json_total_return(&r);
    let last = c[c.len() - 1];
    assert!(
        c[..2].iter().any(|e| (tr - (last / e - 1.0)).abs() < 0.01),
        "{tr} vs closes {c:?}"
    );
}
