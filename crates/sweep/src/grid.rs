//! The parameter grid and its enumeration.
//!
//! A grid is a list of axes (a config path and its values). The full grid is the cartesian
//! product in axis order, first axis slowest (like nested loops); `--random N --seed S` keeps N
//! distinct grid points chosen by a seeded generator, in grid order. Invariant: [`ParamSets`] is
//! a deterministic, indexable list: set `i` is the same on every machine, for every thread count
//! and every shard, so work can be split, checkpointed and resumed by index.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use rotor_rng::SplitMix64;
use toml::{Table, Value};

use crate::error::SweepError;
use crate::overrides::{parse_value, split_key};

/// Largest number of sets a sweep may enumerate (without `--random`).
pub const MAX_SETS: u64 = 100_000_000;

/// One swept config path and its values, in the order given.
#[derive(Debug, Clone, PartialEq)]
pub struct Axis {
    /// Dotted config path, e.g. `strategy.lookback`.
    pub key: String,
    /// The values, typed as TOML.
    pub values: Values,
}

/// The values of an axis: a list as given, or a range computed on demand (a range of
/// [`MAX_SETS`] values holds three numbers, not its values).
#[derive(Debug, Clone, PartialEq)]
pub enum Values {
    /// Values as listed.
    List(Vec<Value>),
    /// `start + k * step` for `k < n`, integers.
    Ints {
        /// First value.
        start: i64,
        /// Non-zero step.
        step: i64,
        /// Number of values (every one lies between `start` and the range's end).
        n: u64,
    },
    /// `start + k * step` for `k < n`, rounded to 12 significant digits after the exponent's
    /// digit (so 0.1 steps print as 0.3, not 0.30000000000000004).
    Floats {
        /// First value.
        start: f64,
        /// Non-zero step.
        step: f64,
        /// Number of values.
        n: u64,
    },
}

/// A float range value rounded as [`Values::Floats`] documents.
fn round12(v: f64) -> f64 {
    format!("{v:.12e}").parse().unwrap_or(v)
}

impl Values {
    /// Number of values.
    pub fn len(&self) -> usize {
        match self {
            Values::List(v) => v.len(),
            Values::Ints { n, .. } | Values::Floats { n, .. } => *n as usize,
        }
    }

    /// True when there is no value.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Value `k` (`k < len()`).
    pub fn get(&self, k: usize) -> Value {
        match self {
            Values::List(v) => v[k].clone(),
            // In i128, then back: every start + k * step lies between the range's ends.
            Values::Ints { start, step, .. } => {
                Value::Integer((i128::from(*start) + k as i128 * i128::from(*step)) as i64)
            }
            Values::Floats { start, step, .. } => Value::Float(round12(start + k as f64 * step)),
        }
    }

    /// Every value, in order.
    pub fn iter(&self) -> impl Iterator<Item = Value> + '_ {
        (0..self.len()).map(|k| self.get(k))
    }

    /// True for a range: its values are numbers of one TOML type, strictly monotone.
    pub fn is_range(&self) -> bool {
        !matches!(self, Values::List(_))
    }
}

/// The axes of a sweep.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Grid {
    /// Axes, first slowest.
    pub axes: Vec<Axis>,
}

/// Splits on commas outside brackets, braces and quotes (`["IWM","DIA"],["QQQ"]` is 2 values).
fn split_top_level(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let (mut depth, mut quote) = (0i32, None::<char>);
    for c in s.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '[' | '{') => depth += 1,
            (None, ']' | '}') => depth -= 1,
            (None, ',') if depth == 0 => {
                out.push(std::mem::take(&mut cur));
                continue;
            }
            _ => {}
        }
        cur.push(c);
    }
    out.push(cur);
    out
}

/// Values of `start..end[:step]` (inclusive of `end` when the steps land on it), or `None` if
/// `text` is not a range. Integers when all three are integers, else floats.
fn parse_range(spec: &str, text: &str) -> Result<Option<Values>, SweepError> {
    let Some((a, rest)) = text.split_once("..") else {
        return Ok(None);
    };
    let (b, step) = match rest.split_once(':') {
        Some((b, s)) => (b, Some(s)),
        None => (rest, None),
    };
    let (a, b) = (a.trim(), b.trim());
    let ints = |x: &str| x.parse::<i64>().ok();
    if let (Some(x), Some(y)) = (ints(a), ints(b)) {
        if let Some(st) = step.map_or(Some(1), |s| ints(s.trim())) {
            // In i128: the span of two i64 overflows i64 (it panicked or wrapped).
            let (x, y, st) = (i128::from(x), i128::from(y), i128::from(st));
            if st == 0 || (y - x).signum() * st.signum() < 0 {
                return Err(SweepError::grid(
                    spec,
                    "the step must be non-zero and point from start to end",
                ));
            }
            let n = (y - x) / st + 1;
            if n > i128::from(MAX_SETS) {
                return Err(too_many(spec, n as f64));
            }
            // Every x + k * st lies between x and y, so it fits in i64 (and st does).
            return Ok(Some(Values::Ints {
                start: x as i64,
                step: st as i64,
                n: n as u64,
            }));
        }
    }
    let float = |x: &str| x.parse::<f64>().ok().filter(|v| v.is_finite());
    let (Some(x), Some(y)) = (float(a), float(b)) else {
        return Err(SweepError::grid(
            spec,
            "a range is start..end or start..end:step with numbers",
        ));
    };
    let st = match step {
        Some(s) => {
            float(s.trim()).ok_or_else(|| SweepError::grid(spec, "the step is not a number"))?
        }
        None => 1.0,
    };
    if st == 0.0 || (y - x) * st < 0.0 {
        return Err(SweepError::grid(
            spec,
            "the step must be non-zero and point from start to end",
        ));
    }
    // Checked as a float (infinite for 1e308..-1e308): such counts fit no integer.
    let n = ((y - x) / st + 1e-9).floor() + 1.0;
    if n > MAX_SETS as f64 {
        return Err(too_many(spec, n));
    }
    Ok(Some(Values::Floats {
        start: x,
        step: st,
        n: n as u64,
    }))
}

/// An axis of `n` values, more than [`MAX_SETS`] (each axis is listed; `--random` samples the
/// product of the axes, not one axis beyond this).
fn too_many(spec: &str, n: f64) -> SweepError {
    SweepError::grid(
        spec,
        format!("too many values ({n:.3e}; one axis holds at most {MAX_SETS})"),
    )
}

fn check_key(spec: &str, key: &str) -> Result<(), SweepError> {
    split_key(key).map_err(|e| SweepError::grid(spec, e))?;
    let first = key.split('.').next().unwrap_or("").trim();
    if matches!(first, "data" | "sweep" | "name") {
        return Err(SweepError::grid(
            spec,
            format!("`{first}` cannot be swept: every set shares one market (use `rotor walkforward` to vary the data window)"),
        ));
    }
    Ok(())
}

impl Axis {
    /// Parses `key=v1,v2,...` or `key=start..end[:step]`.
    pub fn parse(spec: &str) -> Result<Axis, SweepError> {
        let (key, raw) = spec
            .split_once('=')
            .ok_or_else(|| SweepError::grid(spec, "expected KEY=VALUES"))?;
        let key = key.trim();
        check_key(spec, key)?;
        let raw = raw.trim();
        let values = match parse_range(spec, raw)? {
            Some(v) if !raw.starts_with('[') && !raw.starts_with('"') => v,
            _ => Values::List(
                split_top_level(raw)
                    .iter()
                    .map(|v| v.trim())
                    .map(|v| {
                        if v.is_empty() {
                            Err(SweepError::grid(spec, "empty value"))
                        } else {
                            Ok(parse_value(v))
                        }
                    })
                    .collect::<Result<_, _>>()?,
            ),
        };
        Ok(Axis {
            key: key.to_string(),
            values,
        })
    }
}

impl Grid {
    /// A grid from `--grid` arguments, in the order given. A key given twice is an error.
    pub fn from_args(specs: &[String]) -> Result<Grid, SweepError> {
        let mut g = Grid::default();
        for s in specs {
            g.push(Axis::parse(s)?, s)?;
        }
        Ok(g)
    }

    /// A grid from a config's `[sweep]` table: `strategy.lookback = [20, 60, 120]`,
    /// `strategy.lookback = "20..200:20"` or a single value. Axes in key order.
    pub fn from_table(table: &Table) -> Result<Grid, SweepError> {
        let mut g = Grid::default();
        let mut flat = Vec::new();
        flatten("", table, &mut flat);
        for (key, v) in flat {
            let spec = format!("[sweep] {key}");
            check_key(&spec, &key)?;
            let values = match &v {
                Value::Array(a) => Values::List(a.clone()),
                Value::String(s) => parse_range(&spec, s)
                    .ok()
                    .flatten()
                    .unwrap_or_else(|| Values::List(vec![v.clone()])),
                other => Values::List(vec![other.clone()]),
            };
            g.push(Axis { key, values }, &spec)?;
        }
        Ok(g)
    }

    fn push(&mut self, axis: Axis, spec: &str) -> Result<(), SweepError> {
        if axis.values.is_empty() {
            return Err(SweepError::grid(spec, "no values"));
        }
        if let Some(v) = repeated_value(&axis.values) {
            return Err(SweepError::grid(
                spec,
                format!(
                    "the value {v} is given twice (both sets would run, and count twice in the \
                     overfitting diagnostics)"
                ),
            ));
        }
        if self.axes.iter().any(|a| a.key == axis.key) {
            return Err(SweepError::grid(
                spec,
                format!("`{}` is given twice", axis.key),
            ));
        }
        self.axes.push(axis);
        Ok(())
    }

    /// Number of grid points (product of the axis lengths); `None` when it does not fit a u64.
    pub fn size(&self) -> Option<u64> {
        self.axes
            .iter()
            .try_fold(1u64, |acc, a| acc.checked_mul(a.values.len() as u64))
    }

    /// Value index on each axis of grid point `g` (first axis slowest).
    pub fn digits(&self, mut g: u64) -> Vec<usize> {
        let mut d = vec![0; self.axes.len()];
        for (k, a) in self.axes.iter().enumerate().rev() {
            let n = a.values.len() as u64;
            d[k] = (g % n) as usize;
            g /= n;
        }
        d
    }
}

/// The first value equal to an earlier one, if any. An integer range never repeats. A float
/// range is monotone (so is its rounding), so only adjacent values can be equal, and only when
/// the step is within the rounding of the largest magnitude: rounding to 13 significant digits
/// moves a value by at most 5e-13 of it, so a larger step keeps every pair apart without
/// looking at a value. A list is checked by [`repeated_in_list`].
fn repeated_value(values: &Values) -> Option<Value> {
    match values {
        Values::List(v) => repeated_in_list(v).cloned(),
        Values::Ints { .. } => None,
        Values::Floats { start, step, n } => {
            let end = start + n.saturating_sub(1) as f64 * step;
            if step.abs() > 1e-11 * start.abs().max(end.abs()) {
                return None;
            }
            (1..values.len())
                .map(|k| values.get(k))
                .scan(values.get(0), |prev, v| {
                    let same = *prev == v;
                    *prev = v.clone();
                    Some((same, v))
                })
                .find_map(|(same, v)| same.then_some(v))
        }
    }
}

/// The first value of a list equal to an earlier one (numbers by value: `1000`, `1e3` and
/// `1000.0` are one value), if any. Strictly monotone numbers are checked in one pass without
/// allocating; other lists through a set of canonical keys.
fn repeated_in_list(values: &[Value]) -> Option<&Value> {
    let num = |v: &Value| match v {
        Value::Integer(i) => Some(*i as f64),
        Value::Float(f) => Some(*f),
        _ => None,
    };
    let monotone = |up: bool| {
        values.windows(2).all(|w| match (num(&w[0]), num(&w[1])) {
            (Some(a), Some(b)) => (a < b) == up && a != b,
            _ => false,
        })
    };
    if monotone(true) || monotone(false) {
        return None;
    }
    let key = |v: &Value| match v {
        Value::Integer(i) => format!("n{i}"),
        // An integral float in i64's range is the integer it equals (exact: f as i64 is).
        Value::Float(f) if f.fract() == 0.0 && f.abs() < 9.2e18 => format!("n{}", *f as i64),
        Value::Float(f) => format!("f{}", f.to_bits()),
        Value::String(s) => format!("s{s}"),
        other => format!("o{other}"),
    };
    let mut seen = std::collections::HashSet::with_capacity(values.len());
    values.iter().find(|v| !seen.insert(key(v)))
}

fn flatten(prefix: &str, t: &Table, out: &mut Vec<(String, Value)>) {
    for (k, v) in t {
        let key = if prefix.is_empty() {
            k.clone()
        } else {
            format!("{prefix}.{k}")
        };
        match v {
            Value::Table(sub) => flatten(&key, sub, out),
            other => out.push((key, other.clone())),
        }
    }
}

/// The enumerated parameter sets of a sweep: the whole grid, or a seeded random subset of it.
#[derive(Debug, Clone, PartialEq)]
pub struct ParamSets {
    /// The grid.
    pub grid: Grid,
    /// With `--random`: the chosen grid points, ascending; `None` = every grid point.
    pub picks: Option<Vec<u64>>,
    /// `(n, seed)` of `--random`, for the sweep's identity.
    pub random: Option<(u64, u64)>,
}

impl ParamSets {
    /// Every point of `grid` (at most [`MAX_SETS`]), or `random = Some((n, seed))` distinct
    /// points chosen by Floyd's algorithm with SplitMix64(seed) (all points when n >= the grid
    /// size). Sampling never enumerates the grid: any grid whose size fits a u64 can be sampled,
    /// 1 <= n <= [`MAX_SETS`].
    pub fn new(grid: Grid, random: Option<(u64, u64)>) -> Result<ParamSets, SweepError> {
        let size = grid.size().ok_or_else(|| {
            SweepError::grid("--grid", "the grid has more than 2^64 parameter sets")
        })?;
        if let Some((n, _)) = random {
            if n == 0 || n > MAX_SETS {
                return Err(SweepError::grid(
                    &format!("--random {n}"),
                    format!("the number of sampled sets must be between 1 and {MAX_SETS}"),
                ));
            }
        }
        let picks = match random {
            Some((n, seed)) if n < size => {
                let mut rng = SplitMix64::new(seed);
                let mut chosen = BTreeSet::new();
                for j in size - n..size {
                    let t = rng.below(j + 1);
                    if !chosen.insert(t) {
                        chosen.insert(j);
                    }
                }
                Some(chosen.into_iter().collect())
            }
            _ => {
                if size > MAX_SETS {
                    return Err(SweepError::grid(
                        "--grid",
                        format!("{size} parameter sets is more than {MAX_SETS}; use --random N"),
                    ));
                }
                None
            }
        };
        Ok(ParamSets {
            grid,
            picks,
            random,
        })
    }

    /// Number of sets.
    pub fn len(&self) -> usize {
        match &self.picks {
            Some(p) => p.len(),
            None => self.grid.size().unwrap_or(0) as usize,
        }
    }

    /// True when there is no set.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The grid point of set `i`.
    pub fn grid_point(&self, i: usize) -> u64 {
        match &self.picks {
            Some(p) => p[i],
            None => i as u64,
        }
    }

    /// Value index on each axis of set `i`.
    pub fn digits(&self, i: usize) -> Vec<usize> {
        self.grid.digits(self.grid_point(i))
    }

    /// `(key, value)` of every axis for set `i`.
    pub fn assignments(&self, i: usize) -> Vec<(&str, Value)> {
        self.digits(i)
            .into_iter()
            .zip(&self.grid.axes)
            .map(|(d, a)| (a.key.as_str(), a.values.get(d)))
            .collect()
    }

    /// `base` with set `i`'s values written in.
    pub fn apply(&self, base: &Table, i: usize) -> Result<Table, String> {
        let mut t = base.clone();
        for (k, v) in self.assignments(i) {
            crate::overrides::set_path(&mut t, k, v)?;
        }
        Ok(t)
    }

    /// Feeds the sweep's identity (axes, values, random selection) to a hasher.
    pub fn identity(&self, h: &mut crate::hash::Fnv) {
        for a in &self.grid.axes {
            h.str(&a.key);
            if let Values::Ints { .. } = a.values {
                // An integer prints as its decimal digits: the same bytes, one buffer.
                let mut buf = String::new();
                for v in a.values.iter().filter_map(|v| v.as_integer()) {
                    buf.clear();
                    let _ = write!(buf, "{v}");
                    h.str(&buf);
                }
            } else {
                for v in a.values.iter() {
                    h.str(&v.to_string());
                }
            }
        }
        if let Some((n, s)) = self.random {
            h.str("random").u64(n).u64(s);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ints(a: &Axis) -> Vec<i64> {
        a.values.iter().map(|v| v.as_integer().unwrap()).collect()
    }

    /// A value given twice on an axis (as typed, or as numbers equal by value, or collapsed by
    /// a range's rounding) is refused: it ran the same set twice and counted it as two trials
    /// in the Deflated Sharpe Ratio and PBO. Ranges of up to MAX_SETS values stay one pass.
    #[test]
    fn a_value_given_twice_is_refused() {
        for spec in [
            "portfolio.cash=1000,2000,1000",
            "portfolio.cash=1000,1e3",
            "costs.slippage_bps=1.0,2,1",
            "strategy.rebalance=weekly,monthly,weekly",
            r#"strategy.long=["IWM"],["QQQ"],["IWM"]"#,
            "costs.slippage_bps=1..1.0000000000001:0.00000000000001",
        ] {
            let e = Grid::from_args(&[spec.to_string()])
                .unwrap_err()
                .to_string();
            assert!(e.contains("given twice"), "{spec}: {e}");
        }
        let table: Table = "[strategy]\nlookback = [20, 60, 20]\n".parse().unwrap();
        let e = Grid::from_table(&table).unwrap_err().to_string();
        assert!(
            e.contains("[sweep] strategy.lookback") && e.contains("20 is given twice"),
            "{e}"
        );
        for ok in [
            "portfolio.cash=1000,1000.5",
            "x.y=1..999999",
            "x.y=5..-5:-1",
            "x.y=1,\"1\"",
        ] {
            assert!(Grid::from_args(&[ok.to_string()]).is_ok(), "{ok}");
        }
    }

    #[test]
    fn lists_ranges_and_typed_values() {
        assert_eq!(
            ints(&Axis::parse("strategy.lookback=20..60:20").unwrap()),
            vec![20, 40, 60]
        );
        assert_eq!(
            ints(&Axis::parse("strategy.lookback=10..1:-4").unwrap()),
            vec![10, 6, 2]
        );
        assert_eq!(
            ints(&Axis::parse("strategy.fast=5,10,20").unwrap()),
            vec![5, 10, 20]
        );
        let f = Axis::parse("costs.slippage_bps=0.1..0.3:0.1").unwrap();
        let f: Vec<f64> = f.values.iter().map(|v| v.as_float().unwrap()).collect();
        assert_eq!(f, vec![0.1, 0.2, 0.3]);
        let s = Axis::parse("strategy.rebalance=daily,weekly").unwrap();
        assert_eq!(s.values.get(1).as_str(), Some("weekly"));
        let arr = Axis::parse(r#"strategy.long=["IWM","DIA"],["RSP"]"#).unwrap();
        assert_eq!(arr.values.len(), 2);
        assert_eq!(arr.values.get(0).as_array().unwrap().len(), 2);
        for bad in [
            "x",
            "strategy.lookback=",
            "strategy.lookback=1..5:0",
            "data.start=1,2",
            "a..b=1",
            "strategy.lookback=5..1",
        ] {
            assert!(Axis::parse(bad).is_err(), "{bad}");
        }
        assert!(Grid::from_args(&["strategy.fast=1".into(), "strategy.fast=2".into()]).is_err());
    }

    #[test]
    fn ranges_near_the_ends_of_i64_and_f64_never_overflow() {
        let err = |spec: &str| Axis::parse(spec).unwrap_err().to_string();
        // Spans wider than i64 (they panicked, or wrapped to a wrong reason, before).
        for spec in [
            "strategy.lookback=-9000000000000000000..9000000000000000000",
            "strategy.lookback=9223372036854775807..-9223372036854775808:-1",
            "portfolio.cash=1e308..-1e308:-1e300",
            "portfolio.cash=0..1e300:1e-300",
        ] {
            assert!(
                err(spec).contains("too many values"),
                "{spec}: {}",
                err(spec)
            );
            assert!(
                err(spec).contains("at most 100000000"),
                "{spec}: {}",
                err(spec)
            );
        }
        // The last value ends one step short of i64::MAX: it must not wrap negative.
        assert_eq!(
            ints(
                &Axis::parse("strategy.lookback=10..9223372036854775807:4611686018427387904")
                    .unwrap()
            ),
            vec![10, 4611686018427387914]
        );
        assert_eq!(
            ints(
                &Axis::parse("strategy.lookback=9223372036854775806..9223372036854775807").unwrap()
            ),
            vec![9223372036854775806, 9223372036854775807]
        );
    }

    #[test]
    fn enumeration_is_row_major_and_random_is_seeded() {
        let g = Grid::from_args(&["a.x=1,2,3".into(), "a.y=10,20".into()]).unwrap();
        let s = ParamSets::new(g.clone(), None).unwrap();
        assert_eq!(s.len(), 6);
        assert_eq!(s.digits(0), vec![0, 0]);
        assert_eq!(s.digits(1), vec![0, 1]);
        assert_eq!(s.digits(5), vec![2, 1]);
        let r1 = ParamSets::new(g.clone(), Some((4, 7))).unwrap();
        let r2 = ParamSets::new(g.clone(), Some((4, 7))).unwrap();
        assert_eq!(r1.picks, r2.picks);
        let p = r1.picks.clone().unwrap();
        assert_eq!(p.len(), 4);
        assert!(p.windows(2).all(|w| w[0] < w[1]) && p[3] < 6);
        assert_eq!(ParamSets::new(g, Some((99, 1))).unwrap().len(), 6);
        let t: Table =
            "[strategy]\nlookback = \"20..40:10\"\nrebalance = [\"weekly\", \"monthly\"]\n"
                .parse()
                .unwrap();
        let g = Grid::from_table(&t).unwrap();
        assert_eq!(g.axes[0].key, "strategy.lookback");
        assert_eq!(g.size(), Some(6));
    }

    /// Issue 17 (item 19's sibling): a range axis was expanded into one TOML value per step, so
    /// an axis of 1e8 values cost ~3 GB before sampling 3 sets. It is three numbers now, and
    /// every value (and so its printed form) is the one the expansion gave.
    #[test]
    fn a_range_axis_of_max_sets_values_holds_no_values() {
        let a = Axis::parse("strategy.lookback=1..100000000").unwrap();
        assert_eq!(
            a.values,
            Values::Ints {
                start: 1,
                step: 1,
                n: MAX_SETS
            }
        );
        for k in [0usize, 1, 12_345, 99_999_999] {
            assert_eq!(a.values.get(k), Value::Integer(k as i64 + 1));
        }
        let f = Axis::parse("costs.slippage_bps=0..9999999.9:0.1").unwrap();
        assert!(matches!(f.values, Values::Floats { n: MAX_SETS, .. }));
        for k in [0usize, 3, 7_777_777, 99_999_999] {
            let old: f64 = format!("{:.12e}", k as f64 * 0.1).parse().unwrap();
            assert_eq!(f.values.get(k), Value::Float(old));
        }
        assert_eq!(f.values.get(3).to_string(), "0.3");
        let g =
            Grid::from_args(&["strategy.lookback=1..100000000".into(), "a.b=1,2".into()]).unwrap();
        let s = ParamSets::new(g, Some((3, 1))).unwrap();
        assert_eq!(s.len(), 3);
        let (key, v) = s.assignments(2)[0].clone();
        assert_eq!(key, "strategy.lookback");
        assert_eq!(v, a.values.get(s.digits(2)[0]));
    }

    /// The identity of a grid (checkpoint headers) is unchanged by the lazy ranges: the value
    /// below is what the expanded values hashed to.
    #[test]
    fn the_identity_of_range_grids_is_unchanged() {
        let g = Grid::from_args(&[
            "strategy.lookback=20..-40:-7".into(),
            "costs.slippage_bps=0.1..1.3:0.1".into(),
            "strategy.rebalance=weekly,monthly".into(),
        ])
        .unwrap();
        let mut h = crate::hash::Fnv::default();
        ParamSets::new(g, Some((5, 11))).unwrap().identity(&mut h);
        assert_eq!(h.finish(), 0x7177_d8aa_b858_ff42);
    }
}
