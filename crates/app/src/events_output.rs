//! The outputs of `rotor events`: the JSON document (`--format json`) and the `--out` folder
//! (`event_study.txt`, `event_study.parquet`/`.csv` with one row per group and day of the event
//! window, `event_cars.parquet`/`.csv` with one row per group and event). Undefined statistics
//! are null in Parquet and empty in CSV.

use rotor_data::table::write_atomic;
use rotor_data::time::format_ns;
use rotor_data::{Column, Table};
use rotor_report::DayRow;
use serde_json::{json, Value};

use crate::config::LoadedConfig;
use crate::error::{bad, Result};
use crate::events::Study;
use crate::out_dir::{OutDir, EVENTS_FILES};

/// The study as one JSON document: the report content plus, per group, each event's headline,
/// time, sign, day 0 and CAR.
pub fn json(loaded: &LoadedConfig, s: &Study) -> Value {
    let groups: Vec<Value> = s
        .report
        .groups
        .iter()
        .zip(&s.events)
        .map(|(g, evs)| {
            let events: Vec<Value> = g
                .outcomes
                .iter()
                .zip(evs)
                .map(|(o, (e, sign))| {
                    json!({
                        "timestamp": format_ns(e.timestamp),
                        "headline": e.headline,
                        "tags": e.tags,
                        "sign": sign,
                        "day0": s.timestamps.get(o.day0).map(|&t| format_ns(t)),
                        "used": o.used,
                        "car": o.car,
                        "scar": o.scar,
                    })
                })
                .collect();
            json!({ "label": g.label, "events": events })
        })
        .collect();
    json!({
        "name": loaded.config.name,
        "config": loaded.path.display().to_string(),
        "study": s.report,
        "events": groups,
    })
}

/// One row per group and day of the event window.
fn days_table(s: &Study) -> Table {
    let rows: Vec<(&str, &str, &DayRow)> = s
        .report
        .groups
        .iter()
        .flat_map(|g| {
            g.rows
                .iter()
                .map(move |r| (g.label.as_str(), g.basket.as_str(), r))
        })
        .collect();
    let f = |name: &str, get: fn(&DayRow) -> Option<f64>| {
        Column::OptF64(name.into(), rows.iter().map(|r| get(r.2)).collect())
    };
    Table::new(vec![
        Column::Str(
            "group".into(),
            rows.iter().map(|r| r.0.to_string()).collect(),
        ),
        Column::Str(
            "basket".into(),
            rows.iter().map(|r| r.1.to_string()).collect(),
        ),
        Column::I64("day".into(), rows.iter().map(|r| r.2.day).collect()),
        Column::I64("n".into(), rows.iter().map(|r| r.2.n as i64).collect()),
        f("aar", |r| r.aar),
        f("aar_t", |r| r.aar_t),
        f("caar", |r| r.caar),
        f("caar_t", |r| r.caar_t),
        f("caar_p", |r| r.caar_p),
        f("bmp_t", |r| r.bmp_t),
        f("kp_t", |r| r.kp_t),
        f("kp_p", |r| r.kp_p),
    ])
}

/// One row per group and event.
fn cars_table(s: &Study) -> Table {
    let mut group = Vec::new();
    let mut time = Vec::new();
    let mut headline = Vec::new();
    let mut sign = Vec::new();
    let mut day0 = Vec::new();
    let mut used = Vec::new();
    let mut car = Vec::new();
    let mut scar = Vec::new();
    for (g, evs) in s.report.groups.iter().zip(&s.events) {
        for (o, (e, sg)) in g.outcomes.iter().zip(evs) {
            group.push(g.label.clone());
            time.push(e.timestamp);
            headline.push(e.headline.clone());
            sign.push(*sg);
            day0.push(
                s.timestamps
                    .get(o.day0)
                    .map_or(String::new(), |&t| format_ns(t)),
            );
            used.push(o.used);
            car.push(o.car);
            scar.push(o.scar);
        }
    }
    Table::new(vec![
        Column::Str("group".into(), group),
        Column::Timestamp("event_time".into(), time),
        Column::Str("headline".into(), headline),
        Column::F64("sign".into(), sign),
        Column::Str("day0".into(), day0),
        Column::Bool("used".into(), used),
        Column::OptF64("car".into(), car),
        Column::OptF64("scar".into(), scar),
    ])
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// The table as CSV: a header row, RFC 3339 timestamps, empty cells for NaN.
fn csv(t: &Table) -> String {
    let n = t.columns.first().map_or(0, Column::len);
    let mut out = t
        .columns
        .iter()
        .map(|c| csv_field(c.name()))
        .collect::<Vec<_>>()
        .join(",");
    out.push('\n');
    for i in 0..n {
        let cells: Vec<String> = t
            .columns
            .iter()
            .map(|c| match c {
                Column::Timestamp(_, v) => format_ns(v[i]),
                Column::F64(_, v) if v[i].is_finite() => v[i].to_string(),
                Column::F64(..) => String::new(),
                Column::OptF64(_, v) => v[i]
                    .filter(|x| x.is_finite())
                    .map_or(String::new(), |x| x.to_string()),
                Column::I64(_, v) => v[i].to_string(),
                Column::OptI64(_, v) => v[i].map_or(String::new(), |x| x.to_string()),
                Column::Str(_, v) => csv_field(&v[i]),
                Column::OptStr(_, v) => v[i].as_deref().map_or(String::new(), csv_field),
                Column::Bool(_, v) => v[i].to_string(),
                Column::OptBool(_, v) => v[i].map_or(String::new(), |x| x.to_string()),
                Column::Date32(_, v) => v[i].to_string(),
            })
            .collect();
        out.push_str(&cells.join(","));
        out.push('\n');
    }
    out
}

/// Writes the `--out` folder of `rotor events`.
pub fn write(out: &mut OutDir, s: &Study, text: &str) -> Result<()> {
    out.begin()?;
    let p = |name: &str| out.path().join(name);
    write_atomic(&p("event_study.txt"), text.as_bytes()).map_err(bad)?;
    let days = days_table(s);
    days.write_parquet(&p("event_study.parquet")).map_err(bad)?;
    write_atomic(&p("event_study.csv"), csv(&days).as_bytes()).map_err(bad)?;
    let cars = cars_table(s);
    cars.write_parquet(&p("event_cars.parquet")).map_err(bad)?;
    write_atomic(&p("event_cars.csv"), csv(&cars).as_bytes()).map_err(bad)?;
    out.finish(EVENTS_FILES, "rotor events output")
}
