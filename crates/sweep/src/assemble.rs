//! From (parameter sets, completed records) to the sweep's outputs: the `sweep.parquet` table,
//! the ranking, the top-K text table and the sensitivity view.
//!
//! Invariant: every function here is pure and walks sets in index order, so its output depends
//! only on the grid and the set of completed records, never on the order they completed in, the
//! thread count, interruptions or (later) shards.

use std::collections::BTreeMap;

use rotor_data::{Column, Table};
use rotor_report::{MetricKind, Stats};
use toml::Value;

use crate::grid::{ParamSets, Values};
use crate::trial::{metric_columns, Outcome};

/// Metrics where a lower value ranks higher.
pub const LOWER_IS_BETTER: &[&str] = &[
    "annual_volatility",
    "max_drawdown_duration",
    "ulcer_index",
    "tracking_error",
    "down_capture",
    "turnover",
    "commission_paid",
    "slippage_paid",
    "borrow_paid",
    "sharpe_se",
    "sharpe_se_iid",
];

/// How sets are ranked.
#[derive(Debug, Clone)]
pub struct RankBy {
    /// Metric key (a stats.json key).
    pub metric: String,
    /// Its column in the metrics vector.
    pub column: usize,
    /// True when lower is better.
    pub ascending: bool,
}

impl RankBy {
    /// Looks up a metric key; `Err` lists the valid keys.
    pub fn new(metric: &str) -> Result<RankBy, String> {
        let cols = metric_columns();
        let column = cols.iter().position(|c| *c == metric).ok_or_else(|| {
            format!(
                "--rank-by: unknown metric `{metric}`; one of: {}",
                cols.join(", ")
            )
        })?;
        Ok(RankBy {
            metric: metric.to_string(),
            column,
            ascending: LOWER_IS_BETTER.contains(&metric),
        })
    }
}

/// The completed sets in order, split by outcome.
#[derive(Debug, Default)]
pub struct Summary<'a> {
    /// Sets that ran: (set index, metrics), ascending by set.
    pub ran: Vec<(usize, &'a [f64])>,
    /// Sets skipped as invalid: (set index, reason).
    pub skipped: Vec<(usize, &'a str)>,
    /// Sets with no record (an interrupted sweep).
    pub missing: usize,
}

/// Splits the records.
pub fn summarize<'a>(sets: &ParamSets, records: &'a BTreeMap<usize, Outcome>) -> Summary<'a> {
    let mut s = Summary::default();
    for i in 0..sets.len() {
        match records.get(&i) {
            Some(Outcome::Done { metrics, .. }) => s.ran.push((i, metrics)),
            Some(Outcome::Invalid(r)) => s.skipped.push((i, r)),
            None => s.missing += 1,
        }
    }
    s
}

/// Positions into `ran`, best first; undefined values last; ties by set index.
pub fn rank(ran: &[(usize, &[f64])], by: &RankBy) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..ran.len()).collect();
    let key = |p: usize| ran[p].1.get(by.column).copied().unwrap_or(f64::NAN);
    idx.sort_by(|&a, &b| {
        let (x, y) = (key(a), key(b));
        let ord = match (x.is_nan(), y.is_nan()) {
            (true, true) => std::cmp::Ordering::Equal,
            (true, false) => std::cmp::Ordering::Greater,
            (false, true) => std::cmp::Ordering::Less,
            _ if by.ascending => x.total_cmp(&y),
            _ => y.total_cmp(&x),
        };
        ord.then(ran[a].0.cmp(&ran[b].0))
    });
    idx
}

/// A float parameter value (integers widened), NaN when not a number.
fn as_f64(v: &Value) -> f64 {
    v.as_float()
        .or(v.as_integer().map(|i| i as f64))
        .unwrap_or(f64::NAN)
}

fn param_column(name: &str, values: Vec<&Value>) -> Column {
    let name = name.to_string();
    if values.iter().all(|v| v.is_integer()) {
        Column::I64(name, values.iter().filter_map(|v| v.as_integer()).collect())
    } else if values.iter().all(|v| v.is_integer() || v.is_float()) {
        Column::F64(name, values.iter().map(|v| as_f64(v)).collect())
    } else if values.iter().all(|v| v.is_bool()) {
        Column::Bool(name, values.iter().filter_map(|v| v.as_bool()).collect())
    } else {
        Column::Str(name, values.iter().map(|v| show_value(v)).collect())
    }
}

/// A parameter column typed from all of an axis's `axis` values exactly as sweep.parquet types
/// it (int64, float64, bool, else utf8), holding `values` (null where `None`).
pub fn param_column_nullable(name: &str, axis: &Values, values: &[Option<&Value>]) -> Column {
    let name = name.to_string();
    // A range's values are all integers or all floats: typed without visiting them.
    let typed = match axis {
        Values::List(list) => param_column(&name, list.iter().collect()),
        Values::Ints { .. } => Column::I64(name.clone(), Vec::new()),
        Values::Floats { .. } => Column::F64(name.clone(), Vec::new()),
    };
    match typed {
        Column::I64(..) => Column::OptI64(
            name,
            values
                .iter()
                .map(|v| v.and_then(Value::as_integer))
                .collect(),
        ),
        Column::F64(..) => Column::OptF64(name, values.iter().map(|v| v.map(as_f64)).collect()),
        Column::Bool(..) => Column::OptBool(
            name,
            values.iter().map(|v| v.and_then(Value::as_bool)).collect(),
        ),
        _ => Column::OptStr(name, values.iter().map(|v| v.map(show_value)).collect()),
    }
}

/// A parameter value as shown to users: strings bare, everything else as TOML.
pub fn show_value(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The `sweep.parquet` table: `set`, one column per swept key (typed from the values: int,
/// float, bool, else string), then every stats.json metric (`periods` and `fills` as int64,
/// the rest float64, null when undefined). One row per set that ran, in set order.
pub fn table(sets: &ParamSets, ran: &[(usize, &[f64])]) -> Table {
    let mut cols = vec![Column::I64(
        "set".into(),
        ran.iter().map(|(i, _)| *i as i64).collect(),
    )];
    let digits: Vec<Vec<usize>> = ran.iter().map(|(i, _)| sets.digits(*i)).collect();
    for (k, axis) in sets.grid.axes.iter().enumerate() {
        let values: Vec<Value> = digits.iter().map(|d| axis.values.get(d[k])).collect();
        cols.push(param_column(&axis.key, values.iter().collect()));
    }
    for (c, name) in metric_columns().iter().enumerate() {
        let v = ran
            .iter()
            .map(|(_, m)| m.get(c).copied().unwrap_or(f64::NAN));
        cols.push(if matches!(*name, "periods" | "fills") {
            Column::I64(name.to_string(), v.map(|x| x as i64).collect())
        } else {
            Column::F64(name.to_string(), v.collect())
        });
    }
    Table::new(cols)
}

/// `curves.parquet` (`--keep-curves`): long format `set`, `timestamp`, `equity`.
pub fn curves_table(timestamps: &[i64], records: &BTreeMap<usize, Outcome>) -> Table {
    let (mut set, mut ts, mut eq) = (Vec::new(), Vec::new(), Vec::new());
    for (i, o) in records {
        if let Outcome::Done {
            equity: Some(e), ..
        } = o
        {
            for (t, v) in timestamps.iter().zip(e) {
                set.push(*i as i64);
                ts.push(*t);
                eq.push(*v);
            }
        }
    }
    Table::new(vec![
        Column::I64("set".into(), set),
        Column::Timestamp("timestamp".into(), ts),
        Column::F64("equity".into(), eq),
    ])
}

/// A metric value as text, by its display kind.
pub fn fmt_metric(key: &str, v: f64) -> String {
    if v.is_nan() {
        return "n/a".into();
    }
    match Stats::metric_info(key).map(|k| k.0) {
        Some(MetricKind::Percent) => format!("{:.2}%", v * 100.0),
        Some(MetricKind::Count) | Some(MetricKind::Money) => format!("{v:.0}"),
        _ if matches!(key, "periods" | "fills") => format!("{v:.0}"),
        _ => format!("{v:.3}"),
    }
}

fn render_rows(header: Vec<String>, rows: Vec<Vec<String>>, left: usize) -> String {
    let mut w: Vec<usize> = header.iter().map(|h| h.len()).collect();
    for r in &rows {
        for (k, c) in r.iter().enumerate() {
            w[k] = w[k].max(c.len());
        }
    }
    let line = |r: &[String]| {
        let cells: Vec<String> = r
            .iter()
            .enumerate()
            .map(|(k, c)| {
                if k >= 2 && k < 2 + left {
                    format!("{c:<width$}", width = w[k])
                } else {
                    format!("{c:>width$}", width = w[k])
                }
            })
            .collect();
        format!("  {}\n", cells.join("  ").trim_end())
    };
    let mut s = line(&header);
    for r in &rows {
        s.push_str(&line(r));
    }
    s
}

/// The top `k` sets as a text table: rank, set, parameters, the ranking metric and a few
/// headline metrics.
pub fn top_table(
    sets: &ParamSets,
    ran: &[(usize, &[f64])],
    ranked: &[usize],
    by: &RankBy,
    k: usize,
) -> String {
    let cols = metric_columns();
    let mut shown = vec![by.metric.as_str()];
    for m in ["sharpe", "cagr", "max_drawdown", "trades"] {
        if !shown.contains(&m) {
            shown.push(m);
        }
    }
    let mut header = vec!["rank".to_string(), "set".to_string()];
    header.extend(sets.grid.axes.iter().map(|a| a.key.clone()));
    header.extend(shown.iter().map(|m| m.to_string()));
    let rows = ranked
        .iter()
        .take(k)
        .enumerate()
        .map(|(r, &p)| {
            let (i, m) = ran[p];
            let mut row = vec![(r + 1).to_string(), i.to_string()];
            row.extend(sets.assignments(i).iter().map(|(_, v)| show_value(v)));
            for key in &shown {
                let c = cols.iter().position(|c| c == key).unwrap_or(0);
                row.push(fmt_metric(key, m.get(c).copied().unwrap_or(f64::NAN)));
            }
            row
        })
        .collect();
    render_rows(header, rows, sets.grid.axes.len())
}

/// Percentile with numpy's linear interpolation on sorted data.
fn pct(s: &[f64], q: f64) -> f64 {
    if s.is_empty() {
        return f64::NAN;
    }
    let h = (s.len() - 1) as f64 * q;
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(s.len() - 1);
    s[lo] + (h - lo as f64) * (s[hi] - s[lo])
}

/// One parameter value's distribution of the ranking metric.
#[derive(Debug, Clone, PartialEq)]
pub struct ValueStats {
    /// The value as shown.
    pub value: String,
    /// Sets with this value that ran and have a defined metric.
    pub n: usize,
    /// Median of the metric.
    pub median: f64,
    /// 25th percentile.
    pub p25: f64,
    /// 75th percentile.
    pub p75: f64,
}

/// For each axis, for each of its values in axis order: median and interquartile range of the
/// ranking metric over the sets that ran with that value. An axis with more values than the
/// sweep has sets (a long range sampled by `--random`) lists only the values some set ran
/// with: the others are known to be empty, and listing them costs the axis's length.
pub fn sensitivity(
    sets: &ParamSets,
    ran: &[(usize, &[f64])],
    by: &RankBy,
) -> Vec<(String, Vec<ValueStats>)> {
    let axes = &sets.grid.axes;
    let mut buckets: Vec<BTreeMap<usize, Vec<f64>>> = axes
        .iter()
        .map(|a| {
            let every = a.values.len() <= sets.len();
            (0..if every { a.values.len() } else { 0 })
                .map(|d| (d, Vec::new()))
                .collect()
        })
        .collect();
    for (i, m) in ran {
        let v = m.get(by.column).copied().unwrap_or(f64::NAN);
        for (k, d) in sets.digits(*i).into_iter().enumerate() {
            let xs = buckets[k].entry(d).or_default();
            if !v.is_nan() {
                xs.push(v);
            }
        }
    }
    axes.iter()
        .zip(buckets)
        .map(|(a, b)| {
            let rows = b
                .into_iter()
                .map(|(d, mut xs)| {
                    xs.sort_by(f64::total_cmp);
                    ValueStats {
                        value: show_value(&a.values.get(d)),
                        n: xs.len(),
                        median: pct(&xs, 0.5),
                        p25: pct(&xs, 0.25),
                        p75: pct(&xs, 0.75),
                    }
                })
                .collect();
            (a.key.clone(), rows)
        })
        .collect()
}

/// The sensitivity view as text, with a bar per value so plateaus and spikes stand out.
pub fn render_sensitivity(view: &[(String, Vec<ValueStats>)], by: &RankBy) -> String {
    let mut s = format!(
        "Sensitivity: {} per parameter value (median [interquartile range], over every set with that value)\n",
        by.metric
    );
    let all: Vec<f64> = view
        .iter()
        .flat_map(|(_, r)| r.iter().map(|v| v.median))
        .filter(|x| !x.is_nan())
        .collect();
    let lo = all.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = all.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    for (key, rows) in view {
        s.push_str(&format!("  {key}\n"));
        let w = rows
            .iter()
            .map(|r| r.value.len())
            .max()
            .unwrap_or(0)
            .min(40);
        for r in rows {
            let bar = if r.median.is_nan() || hi <= lo || hi.is_nan() {
                0
            } else {
                (((r.median - lo) / (hi - lo)) * 20.0).round() as usize
            };
            s.push_str(&format!(
                "    {:<w$}  n={:<6} {:>9} [{}, {}]  {}\n",
                r.value,
                r.n,
                fmt_metric(&by.metric, r.median),
                fmt_metric(&by.metric, r.p25),
                fmt_metric(&by.metric, r.p75),
                "#".repeat(bar),
            ));
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grid::Grid;

    #[test]
    fn rank_and_sensitivity() {
        let g = Grid::from_args(&["a.x=1,2".into(), "a.y=10,20".into()]).unwrap();
        let sets = ParamSets::new(g, None).unwrap();
        let n = metric_columns().len();
        let by = RankBy::new("sharpe").unwrap();
        let mut recs = BTreeMap::new();
        for (i, s) in [(0, 0.5), (1, f64::NAN), (3, 0.5)] {
            let mut m = vec![0.0; n];
            m[by.column] = s;
            recs.insert(
                i,
                Outcome::Done {
                    metrics: m,
                    returns: None,
                    equity: None,
                },
            );
        }
        recs.insert(2, Outcome::Invalid("bad".into()));
        let sum = summarize(&sets, &recs);
        assert_eq!(sum.skipped.len(), 1);
        assert_eq!(rank(&sum.ran, &by), vec![0, 2, 1]);
        let v = sensitivity(&sets, &sum.ran, &by);
        assert_eq!(v[0].1[0].n, 1); // x=1: set 0 (set 1 has NaN)
        assert_eq!(v[1].1[1].median, 0.5); // y=20: set 3
        let t = table(&sets, &sum.ran);
        assert_eq!(t.columns[0].len(), 3);
        assert_eq!(t.columns[1].name(), "a.x");
        assert!(RankBy::new("nope").is_err());
        assert!(RankBy::new("annual_volatility").unwrap().ascending);
    }

    /// An axis longer than the sweep's set count lists the values its sets ran with (in axis
    /// order), not every value; an axis no longer than it lists every value, empty ones too.
    #[test]
    fn sensitivity_of_a_sampled_long_range_lists_the_values_that_ran() {
        let g = Grid::from_args(&["a.x=1..100000000".into(), "a.y=1,2,3,4".into()]).unwrap();
        let sets = ParamSets::new(g, Some((3, 9))).unwrap();
        let by = RankBy::new("sharpe").unwrap();
        let metrics = vec![0.25; metric_columns().len()];
        let ran: Vec<(usize, &[f64])> = (0..3).map(|i| (i, metrics.as_slice())).collect();
        let v = sensitivity(&sets, &ran, &by);
        let shown: Vec<String> = (0..3)
            .map(|i| show_value(&sets.assignments(i)[0].1))
            .collect();
        let rows: Vec<&str> = v[0].1.iter().map(|r| r.value.as_str()).collect();
        assert_eq!(rows, shown);
        assert!(v[0].1.iter().all(|r| r.n == 1 && r.median == 0.25));
        // Three sets, four values: a.y is longer than the sweep too, so it lists only the
        // values that ran; without --random every value is listed.
        assert!(v[1].1.len() <= 3);
        let all = ParamSets::new(Grid::from_args(&["a.y=1,2,3,4".into()]).unwrap(), None).unwrap();
        let v = sensitivity(&all, &ran[..1], &by);
        assert_eq!(v[0].1.len(), 4);
        assert_eq!(v[0].1[3].n, 0);
    }
}
