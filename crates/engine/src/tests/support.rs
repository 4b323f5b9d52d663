//! Hand-built markets and scriptable strategies for the loop's tests.

use chrono::NaiveDate;
use rotor_data::time::daily_close_ns;
use rotor_data::{Event, Market, MarketBuilder, SymbolBars};
use rotor_rng::SplitMix64;

use crate::{Context, Fill, Strategy};

/// The date of bar `i`: consecutive calendar days from Monday 2026-01-05.
pub fn day(i: usize) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 1, 5).unwrap() + chrono::Days::new(i as u64)
}

/// OHLC of one bar; `None` = the symbol has no bar there.
pub type Bar = Option<(f64, f64, f64, f64)>;

/// A daily market where symbol `k` has `bars[k][i]` on [`day`]`(i)`, volume 1e9 a bar.
pub fn market(symbols: &[(&str, Vec<Bar>)], events: Vec<Event>) -> Market {
    market_with(symbols, events, |_, _| 1e9, |_, _| None)
}

/// [`market`] with `volume(symbol, bar)` and `adj_close(symbol, bar)` (None: no adj_close
/// column for the symbol when it is None at every bar).
pub fn market_with(
    symbols: &[(&str, Vec<Bar>)],
    events: Vec<Event>,
    volume: impl Fn(usize, usize) -> f64,
    adj: impl Fn(usize, usize) -> Option<f64>,
) -> Market {
    let mut b = MarketBuilder::new(true);
    for (k, (name, bars)) in symbols.iter().enumerate() {
        let mut sb = SymbolBars {
            symbol: name.to_string(),
            ..SymbolBars::default()
        };
        let mut adj_col = Vec::new();
        for (i, bar) in bars.iter().enumerate() {
            if let Some((o, h, l, c)) = *bar {
                sb.timestamps.push(daily_close_ns(day(i)));
                sb.open.push(o);
                sb.high.push(h);
                sb.low.push(l);
                sb.close.push(c);
                sb.volume.push(volume(k, i));
                adj_col.push(adj(k, i));
            }
        }
        if adj_col.iter().any(|a| a.is_some()) {
            sb.adj_close = Some(adj_col.iter().map(|a| a.unwrap_or(f64::NAN)).collect());
        }
        b.add(sb);
    }
    b.events(events);
    b.build()
}

/// A flat-range bar `(o, max(o,c)+1, min(o,c)-1, c)`.
pub fn oc(o: f64, c: f64) -> Bar {
    Some((o, o.max(c) + 1.0, o.min(c) - 1.0, c))
}

/// A news event at `ns` with one tag.
pub fn event(ns: i64, tag: &str) -> Event {
    Event {
        timestamp: ns,
        headline: format!("{tag} headline"),
        tags: vec![tag.to_string()],
        sentiment: None,
        symbols: Vec::new(),
    }
}

/// Runs closures as a strategy, recording what each callback saw.
pub struct Probe<B, N>
where
    B: FnMut(&mut Context<'_>),
    N: FnMut(&mut Context<'_>, &Event),
{
    pub bar: B,
    pub news: N,
    /// (headline, ctx.bar(), ctx.time()) for every on_news call.
    pub news_seen: Vec<(String, Option<usize>, i64)>,
    pub fills_seen: Vec<Fill>,
}

impl<B, N> Probe<B, N>
where
    B: FnMut(&mut Context<'_>),
    N: FnMut(&mut Context<'_>, &Event),
{
    pub fn new(bar: B, news: N) -> Self {
        Probe {
            bar,
            news,
            news_seen: Vec::new(),
            fills_seen: Vec::new(),
        }
    }
}

impl<B, N> Strategy for Probe<B, N>
where
    B: FnMut(&mut Context<'_>),
    N: FnMut(&mut Context<'_>, &Event),
{
    fn on_bar(&mut self, ctx: &mut Context<'_>) {
        // The context never shows more than the bars up to now.
        let t = ctx.bar().unwrap();
        assert_eq!(ctx.timestamps().len(), t + 1);
        (self.bar)(ctx)
    }

    fn on_news(&mut self, ctx: &mut Context<'_>, event: &Event) {
        assert_eq!(ctx.close(0).len(), ctx.bar().map_or(0, |b| b + 1));
        self.news_seen
            .push((event.headline.clone(), ctx.bar(), ctx.time()));
        (self.news)(ctx, event)
    }

    fn on_fill(&mut self, _ctx: &mut Context<'_>, fill: &Fill) {
        self.fills_seen.push(*fill);
    }
}

/// Asserts `a == b` within `tol` relative.
#[track_caller]
pub fn close_to(a: f64, b: f64, tol: f64) {
    assert!((a - b).abs() <= tol * b.abs().max(1.0), "{a} != {b}");
}

/// Uniform in [0, n) by modulo (not [`SplitMix64::below`]), so the cases persisted under
/// `proptest-regressions/` replay the same markets and actions.
pub fn below(rng: &mut SplitMix64, n: usize) -> usize {
    (rng.next_u64() % n as u64) as usize
}

/// Random consistent OHLC bars: a random walk per symbol with gaps and missing bars.
/// Bars `0..keep` are taken from `base` unchanged when given (for perturbation tests).
pub fn random_bars(
    rng: &mut SplitMix64,
    n_symbols: usize,
    n_bars: usize,
    base: Option<(&[Vec<Bar>], usize)>,
) -> Vec<Vec<Bar>> {
    (0..n_symbols)
        .map(|k| {
            let mut px = 20.0 + 80.0 * rng.next_f64();
            let mut out = Vec::with_capacity(n_bars);
            for i in 0..n_bars {
                if let Some((b, keep)) = base {
                    if i < keep {
                        out.push(b[k][i]);
                        if let Some((_, _, _, c)) = b[k][i] {
                            px = c;
                        }
                        continue;
                    }
                }
                if rng.next_f64() < 0.15 {
                    out.push(None);
                    continue;
                }
                let o = px * (1.0 + 0.02 * (rng.next_f64() - 0.5));
                let c = o * (1.0 + 0.06 * (rng.next_f64() - 0.5));
                let h = o.max(c) * (1.0 + 0.01 * rng.next_f64());
                let l = o.min(c) * (1.0 - 0.01 * rng.next_f64());
                px = c;
                out.push(Some((o, h, l, c)));
            }
            out
        })
        .collect()
}

/// Names S0, S1, ... paired with their bars, as [`market`] takes them.
pub fn named(bars: Vec<Vec<Bar>>) -> Vec<(String, Vec<Bar>)> {
    bars.into_iter()
        .enumerate()
        .map(|(k, b)| (format!("S{k}"), b))
        .collect()
}
