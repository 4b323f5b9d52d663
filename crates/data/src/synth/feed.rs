//! The synthetic news/policy feed and the price effects each event has on the model.
//!
//! Invariants: events come out sorted by timestamp; every event carries an explicit time of day
//! (intraday between 15:00 and 19:30 UTC, or evening/weekend at or after 21:00 UTC; never in
//! the ambiguous 20:00-21:00 UTC hour); an event moves prices from the first session whose close
//! (20:00 UTC) is after it: through that session's open gap when it was published before the
//! session opened (13:30 UTC), otherwise intraday; its drift follows over the next
//! [`DRIFT_SESSIONS`] sessions. Sentiments are multiples of 0.01 in [-1, 1].

use chrono::{Datelike, NaiveDate, Weekday};

use super::calendar::nth_weekday;
use super::universe::{DEFENSE_NAMES, ENERGY_NAMES, HOUSING_NAMES, MARKET, SIZE, TECH};
use crate::event::Event;
use crate::time::{daily_close_ns, date_to_ns, DAILY_OPEN_UTC_NS, NS_PER_SEC};
use rotor_rng::Xoshiro256;

/// Sessions over which an event's post-announcement drift is spread (evenly).
pub const DRIFT_SESSIONS: usize = 10;

/// What an effect moves.
#[derive(Debug, Clone, PartialEq)]
pub enum Target {
    /// A factor (index into [`super::universe::FACTOR_NAMES`]); names move by their loading.
    Factor(usize),
    /// One single name, by ticker.
    Stock(String),
}

/// One price effect of one event, in log-return units.
#[derive(Debug, Clone, PartialEq)]
pub struct Effect {
    /// What moves.
    pub target: Target,
    /// Index of the announcement session.
    pub session: usize,
    /// True: the jump is in that session's open gap; false: intraday (close only).
    pub gap: bool,
    /// Announcement-session jump.
    pub jump: f64,
    /// Total drift over the following [`DRIFT_SESSIONS`] sessions.
    pub drift: f64,
}

/// Effect size of a tag, per unit of sentiment (an event with sentiment s moves by s x these).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TagEffect {
    /// The tag.
    pub tag: &'static str,
    /// Announcement-session jump per unit sentiment (log return).
    pub jump: f64,
    /// Drift over the next [`DRIFT_SESSIONS`] sessions per unit sentiment (log return).
    pub drift: f64,
}

/// Documented effect sizes. Single-name multipliers are in [`name_multiplier`]; `fed` moves the
/// market factor and, at [`FED_SIZE_SHARE`] of the size, the size factor; `ai_bubble` moves the
/// tech factor; the others move their names directly.
pub const TAG_EFFECTS: [TagEffect; 5] = [
    TagEffect {
        tag: "defense_budget",
        jump: 0.025,
        drift: 0.015,
    },
    TagEffect {
        tag: "housing_ban",
        jump: 0.030,
        drift: 0.020,
    },
    TagEffect {
        tag: "venezuela_oil",
        jump: 0.015,
        drift: 0.010,
    },
    TagEffect {
        tag: "fed",
        jump: 0.010,
        drift: 0.005,
    },
    TagEffect {
        tag: "ai_bubble",
        jump: 0.020,
        drift: 0.015,
    },
];

/// Share of a `fed` effect that also hits the size factor (small caps are more rate-sensitive).
pub const FED_SIZE_SHARE: f64 = 0.4;

/// Per-name scaling of a tag's effect: higher-beta names react more.
pub fn name_multiplier(ticker: &str) -> f64 {
    match ticker {
        "KTOS" | "INVH" => 1.5,
        "DF02" | "DF03" | "COP" => 1.3,
        _ => 1.0,
    }
}

fn tag_effect(tag: &str) -> TagEffect {
    TAG_EFFECTS
        .iter()
        .copied()
        .find(|t| t.tag == tag)
        .unwrap_or(TagEffect {
            tag: "",
            jump: 0.0,
            drift: 0.0,
        })
}

/// The UTC offset of New York (hours) at instant `ns`: DST from the second Sunday of March,
/// 07:00 UTC, to the first Sunday of November, 06:00 UTC (US rules since 2007).
pub fn ny_offset_hours(ns: i64) -> i32 {
    let y = crate::time::ns_to_date(ns).year();
    let start = date_to_ns(nth_weekday(y, 3, Weekday::Sun, 2)) + 7 * 3600 * NS_PER_SEC;
    let end = date_to_ns(nth_weekday(y, 11, Weekday::Sun, 1)) + 6 * 3600 * NS_PER_SEC;
    if ns >= start && ns < end {
        -4
    } else {
        -5
    }
}

/// RFC 3339 in New York local time with its offset, e.g. `2026-01-07T19:00:00-05:00`.
pub fn format_ny(ns: i64) -> String {
    let off = ny_offset_hours(ns);
    let local = crate::time::ns_to_datetime(ns + off as i64 * 3600 * NS_PER_SEC);
    format!("{}{:+03}:00", local.format("%Y-%m-%dT%H:%M:%S"), off)
}

/// New York local wall time on `date` -> ns UTC.
fn ny_time(date: NaiveDate, hour: i64, minute: i64) -> i64 {
    let guess = date_to_ns(date) + (hour * 60 + minute) * 60 * NS_PER_SEC;
    // Offset is constant away from the 2 a.m. switch, which no event uses.
    guess - ny_offset_hours(guess + 5 * 3600 * NS_PER_SEC) as i64 * 3600 * NS_PER_SEC
}

fn intraday(date: NaiveDate, rng: &mut Xoshiro256) -> i64 {
    date_to_ns(date) + (15 * 60 + rng.below(270) as i64) * 60 * NS_PER_SEC
}

fn evening(date: NaiveDate, rng: &mut Xoshiro256) -> i64 {
    date_to_ns(date) + (21 * 60 + rng.below(179) as i64) * 60 * NS_PER_SEC
}

fn cents(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

fn pick<'a>(rng: &mut Xoshiro256, options: &[&'a str]) -> &'a str {
    options[rng.below(options.len() as u64) as usize]
}

fn names(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

/// Up to `k` sorted session indices in [lo, hi), more than [`DRIFT_SESSIONS`] apart so drifts do
/// not overlap.
fn pick_sessions(rng: &mut Xoshiro256, lo: usize, hi: usize, k: usize) -> Vec<usize> {
    let mut out: Vec<usize> = Vec::with_capacity(k);
    let mut tries = 0;
    while out.len() < k && tries < 100 * k {
        tries += 1;
        let s = lo + rng.below((hi - lo) as u64) as usize;
        if out.iter().all(|&o| o.abs_diff(s) > DRIFT_SESSIONS) {
            out.push(s);
        }
    }
    out.sort_unstable();
    out
}

const DEFENSE_UP: [&str; 5] = [
    "Congress passes defense authorization above the Pentagon's request",
    "White House proposes a sharp increase in defense spending",
    "NATO allies pledge higher defense outlays; US contractors expect bigger orders",
    "Pentagon announces multi-year missile and drone procurement program",
    "Senate panel adds billions for shipbuilding and munitions to defense bill",
];
const DEFENSE_DOWN: [&str; 3] = [
    "Budget deal caps defense spending as automatic cuts loom",
    "Lawmakers propose trimming Pentagon procurement budget",
    "Continuing resolution freezes new defense programs",
];
const HOUSING_DOWN: [&str; 4] = [
    "Lawmakers introduce bill to curb institutional purchases of single-family homes",
    "Regulators open inquiry into large landlords' home-buying",
    "State proposes tax on institutional owners of single-family rentals",
    "Senate hearing targets Wall Street buyers of starter homes",
];
const HOUSING_UP: [&str; 2] = [
    "Bill limiting institutional home purchases stalls in committee",
    "Court blocks state limits on single-family rental ownership",
];
const OIL_UP: [&str; 3] = [
    "Washington eases Venezuela oil sanctions; US majors eye return",
    "Venezuela talks raise hopes for US access to Orinoco reserves",
    "License lets US producers resume Venezuelan crude operations",
];
const OIL_DOWN: [&str; 3] = [
    "US tightens sanctions on Venezuelan oil exports",
    "Venezuela seizes oil assets; US producers book writedowns",
    "Caracas halts talks with US oil companies",
];
const FED_DOVE: [&str; 3] = [
    "Fed cuts rates and signals more easing ahead",
    "Fed statement more dovish than expected; chair flags patience",
    "Fed extends asset purchases, keeps rates near zero",
];
const FED_HAWK: [&str; 3] = [
    "Fed raises rates and signals further tightening",
    "Fed surprises with hawkish guidance: higher for longer",
    "Fed accelerates balance-sheet runoff",
];
const FED_FLAT: [&str; 2] = [
    "Fed holds rates steady, statement in line with expectations",
    "Fed leaves policy unchanged; dot plot little changed",
];
const AI_UP: [&str; 3] = [
    "AI chip maker's blowout guidance lifts megacap tech",
    "Hyperscalers raise AI capex plans again",
    "New AI model release sparks rally in large-cap tech",
];
const AI_DOWN: [&str; 4] = [
    "Investors question returns on AI spending; tech sells off",
    "Strategists warn of an AI bubble as valuations stretch",
    "Cheaper AI model from a challenger rattles megacap tech",
    "AI data-center deal cancelled, raising capex doubts",
];

/// A theme of random headlines: `count` sessions from `from` on, each with probability
/// `p_first` a headline of `first` (its sentiment drawn in that range), else one of `second`.
struct Theme {
    tag: &'static str,
    symbols: Vec<String>,
    from: usize,
    count: usize,
    p_first: f64,
    first: ((f64, f64), &'static [&'static str]),
    second: ((f64, f64), &'static [&'static str]),
}

/// Appends `theme`'s headlines on sessions before `to` to `events`, half of them during the
/// session and half in the evening.
fn themed_events(
    rng: &mut Xoshiro256,
    sessions: &[NaiveDate],
    to: usize,
    theme: &Theme,
    events: &mut Vec<Event>,
) {
    for i in pick_sessions(rng, theme.from, to, theme.count) {
        let ((lo, hi), headlines) = if rng.next_f64() < theme.p_first {
            theme.first
        } else {
            theme.second
        };
        let sentiment = cents(rng.range(lo, hi));
        let headline = pick(rng, headlines);
        let timestamp = if rng.next_f64() < 0.5 {
            intraday(sessions[i], rng)
        } else {
            evening(sessions[i], rng)
        };
        events.push(Event {
            timestamp,
            headline: headline.to_string(),
            tags: vec![theme.tag.to_string()],
            sentiment: Some(sentiment),
            symbols: theme.symbols.clone(),
        });
    }
}

/// The event feed and its price effects, for `sessions` (the sample calendar).
pub fn build(seed: u64, sessions: &[NaiveDate]) -> (Vec<Event>, Vec<Effect>) {
    let mut rng = Xoshiro256::new(seed, 500);
    let n = sessions.len();
    let idx_of = |y: i32, m: u32, d: u32| {
        let date = NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN);
        sessions.partition_point(|&s| s < date)
    };
    // Random events stay clear of the scripted January 2026 ones.
    let last_random = idx_of(2025, 12, 1).min(n);
    let mut events: Vec<Event> = Vec::new();
    let ev = |ts: i64, headline: &str, tag: &str, sentiment: f64, symbols: Vec<String>| Event {
        timestamp: ts,
        headline: headline.to_string(),
        tags: vec![tag.to_string()],
        sentiment: Some(sentiment),
        symbols,
    };

    // Fed: eight meetings a year, decision at 14:00 New York time on the third Wednesday.
    for y in sessions.first().map_or(2010, |d| d.year())..=2025 {
        for m in [1u32, 3, 4, 6, 7, 9, 10, 12] {
            let mut d = nth_weekday(y, m, Weekday::Wed, 3);
            while !super::calendar::is_session(d) {
                d = d.succ_opt().unwrap_or(d);
            }
            let s = cents((0.35 * rng.normal()).clamp(-0.9, 0.9));
            let h = if s > 0.2 {
                pick(&mut rng, &FED_DOVE)
            } else if s < -0.2 {
                pick(&mut rng, &FED_HAWK)
            } else {
                pick(&mut rng, &FED_FLAT)
            };
            events.push(ev(ny_time(d, 14, 0), h, "fed", s, names(&["SPY", "IWM"])));
        }
    }
    let themes = [
        // Defense budget news across the whole span.
        Theme {
            tag: "defense_budget",
            symbols: names(&["LMT", "NOC", "KTOS", "ITA", "XAR"]),
            from: 0,
            count: 24,
            p_first: 0.75,
            first: ((0.3, 0.9), &DEFENSE_UP),
            second: ((-0.8, -0.3), &DEFENSE_DOWN),
        },
        // Institutional home-buying bans: a policy theme from 2019 on.
        Theme {
            tag: "housing_ban",
            symbols: names(&["ITB", "XHB", "INVH"]),
            from: idx_of(2019, 1, 1),
            count: 10,
            p_first: 0.8,
            first: ((-0.7, -0.2), &HOUSING_DOWN),
            second: ((0.2, 0.5), &HOUSING_UP),
        },
        // Venezuela oil: sanctions news from 2014 on.
        Theme {
            tag: "venezuela_oil",
            symbols: names(&ENERGY_NAMES),
            from: idx_of(2014, 1, 1),
            count: 14,
            p_first: 0.5,
            first: ((0.2, 0.8), &OIL_UP),
            second: ((-0.8, -0.2), &OIL_DOWN),
        },
        // AI bubble talk from 2023 on.
        Theme {
            tag: "ai_bubble",
            symbols: names(&["QQQ", "TK01", "TK02", "TK03"]),
            from: idx_of(2023, 1, 1),
            count: 18,
            p_first: 0.45,
            first: ((0.3, 0.9), &AI_UP),
            second: ((-0.9, -0.3), &AI_DOWN),
        },
    ];
    for theme in &themes {
        themed_events(&mut rng, sessions, last_random, theme, &mut events);
    }
    events.extend(scripted());
    events.sort_by_key(|e| e.timestamp);
    let effects = events
        .iter()
        .flat_map(|e| effects_of(e, sessions))
        .collect();
    (events, effects)
}

/// The scripted closing chapter of the story (January 2026).
fn scripted() -> Vec<Event> {
    let at = |d: u32, h: i64, m: i64| {
        ny_time(
            NaiveDate::from_ymd_opt(2026, 1, d).unwrap_or(NaiveDate::MIN),
            h,
            m,
        )
    };
    let e = |ts, headline: &str, tag: &str, s: f64, syms: &[&str]| Event {
        timestamp: ts,
        headline: headline.into(),
        tags: vec![tag.into()],
        sentiment: Some(s),
        symbols: names(syms),
    };
    vec![
        e(at(2, 18, 30), "Strategists call time on the megacap AI trade as money rotates to small caps", "ai_bubble", -0.5, &["QQQ", "IWM"]),
        e(at(3, 9, 0), "US moves against Venezuela's government; oil majors eye return to Venezuelan fields", "venezuela_oil", 0.7, &["XOM", "COP"]),
        e(at(5, 11, 45), "Administration invites US oil companies to rebuild Venezuela's oil industry", "venezuela_oil", 0.4, &["XOM", "COP"]),
        e(at(6, 17, 30), "Analysts warn a Venezuelan output recovery will take years and billions", "venezuela_oil", -0.3, &["XOM", "COP"]),
        e(at(7, 11, 12), "President proposes a ban on large institutional investors buying single-family homes", "housing_ban", -0.8, &["ITB", "XHB", "INVH"]),
        e(at(7, 19, 0), "President calls for a $1.5 trillion defense budget for 2027, up from about $1 trillion", "defense_budget", 0.9, &["LMT", "NOC", "KTOS", "ITA", "XAR"]),
    ]
}

/// Index of the session an event at `ts` moves, and whether it moves the open gap.
pub fn session_of(ts: i64, sessions: &[NaiveDate]) -> (usize, bool) {
    let i = sessions.partition_point(|&d| daily_close_ns(d) <= ts);
    let gap = i < sessions.len() && ts < date_to_ns(sessions[i]) + DAILY_OPEN_UTC_NS;
    (i, gap)
}

fn effects_of(e: &Event, sessions: &[NaiveDate]) -> Vec<Effect> {
    let (session, gap) = session_of(e.timestamp, sessions);
    let s = e.sentiment.unwrap_or(0.0);
    let tag = e.tags.first().map(String::as_str).unwrap_or("");
    let te = tag_effect(tag);
    let mk = |target, mult: f64| Effect {
        target,
        session,
        gap,
        jump: te.jump * s * mult,
        drift: te.drift * s * mult,
    };
    let stocks = |list: &[&str]| -> Vec<Effect> {
        list.iter()
            .map(|t| mk(Target::Stock(t.to_string()), name_multiplier(t)))
            .collect()
    };
    match tag {
        "defense_budget" => stocks(&DEFENSE_NAMES),
        "housing_ban" => stocks(&HOUSING_NAMES),
        "venezuela_oil" => stocks(&ENERGY_NAMES),
        "fed" => vec![
            mk(Target::Factor(MARKET), 1.0),
            mk(Target::Factor(SIZE), FED_SIZE_SHARE),
        ],
        "ai_bubble" => vec![mk(Target::Factor(TECH), 1.0)],
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ny_offsets_and_format() {
        let ts = ny_time(NaiveDate::from_ymd_opt(2026, 1, 7).unwrap(), 19, 0);
        assert_eq!(format_ny(ts), "2026-01-07T19:00:00-05:00");
        let summer = ny_time(NaiveDate::from_ymd_opt(2025, 7, 16).unwrap(), 14, 0);
        assert_eq!(format_ny(summer), "2025-07-16T14:00:00-04:00");
        assert_eq!(
            crate::time::parse_timestamp(&format_ny(summer)).map(|x| x.0),
            Some(summer)
        );
    }

    #[test]
    fn timing_rule() {
        let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap();
        let sessions = vec![d(1, 6), d(1, 7), d(1, 8)];
        // 11:12 New York on Jan 7: intraday on Jan 7.
        assert_eq!(session_of(ny_time(d(1, 7), 11, 12), &sessions), (1, false));
        // 19:00 New York on Jan 7: the Jan 8 open gap.
        assert_eq!(session_of(ny_time(d(1, 7), 19, 0), &sessions), (2, true));
    }
}
