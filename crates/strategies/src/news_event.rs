//! `news_event`: trade a basket for `hold` sessions after each matching headline.
//!
//! An event matches when its tags match `tags` (`any`/`all`), its |sentiment| is at least
//! `min_abs_sentiment` (missing sentiment counts as 0) and, for `direction = "sentiment"`, it has
//! a non-zero sentiment. The strategy reacts in `on_news`, i.e. as soon as the engine delivers
//! the event: a headline published before a session's open (evening, night, weekend) is traded at
//! that open; one published during a session at the next open (the timing rule, ARCHITECTURE.md). The entry session `e`
//! is the first bar whose open the engine lets its orders fill at (opening strictly after the
//! event, and at or after it plus `execution.latency`); the position is held through the opens
//! of `e .. e + hold - 1` and the exit order goes in at the close of `e + hold - 1`, so it fills at
//! the open of `e + hold`.
//!
//! Each event carries `size_per_event` of equity on the basket (split evenly; signed by
//! direction) and, with a `hedge`, the opposite amount on the hedge symbol. Concurrent events add
//! up per symbol. A new event whose gross would lift the summed gross of open events above
//! `max_exposure` is scaled down to the room left, or skipped when none is left.
//!
//! Invariant: target weights always equal the sum of the open events' weights, and orders are
//! only submitted in callbacks (never for a bar already seen), so no entry precedes its headline.

use rotor_engine::{Context, Event, Strategy};

use crate::config::{Direction, NewsEventConfig};

/// One headline the strategy acted on, for per-event P&L attribution.
#[derive(Debug, Clone, PartialEq)]
pub struct EventTrade {
    /// Publication instant of the headline (ns UTC).
    pub timestamp: i64,
    /// The headline.
    pub headline: String,
    /// Bar whose open fills the entry.
    pub entry: usize,
    /// Bar whose open fills the exit (`entry + hold`, later with `execution.order_latency`; may
    /// be past the data: still open).
    pub exit: usize,
    /// Signed basket gross, fraction of equity (> 0 long), after the exposure cap.
    pub size: f64,
}

#[derive(Debug, Clone, Copy)]
struct Position {
    /// Entry session (bar index).
    entry: usize,
    /// Signed basket gross (fraction of equity): > 0 long.
    size: f64,
    /// Its row of the log.
    log: usize,
}

/// The running strategy.
#[derive(Debug, Clone)]
pub struct NewsEvent {
    cfg: NewsEventConfig,
    basket: Vec<usize>,
    hedge: Option<usize>,
    /// Bars in the market (the calendar's length, known in advance; no prices).
    n_bars: usize,
    open: Vec<Position>,
    targets: Vec<(usize, f64)>,
    /// Matching events acted on (possibly scaled down by the exposure cap).
    pub entered: usize,
    /// Matching events skipped because `max_exposure` was used up.
    pub skipped: usize,
    /// Every event acted on, in the order it was entered.
    pub log: Vec<EventTrade>,
}

impl NewsEvent {
    /// Trades `basket` (symbol indices) and optional `hedge` on a market of `n_bars` bars.
    pub fn new(
        cfg: NewsEventConfig,
        basket: Vec<usize>,
        hedge: Option<usize>,
        n_bars: usize,
    ) -> Self {
        NewsEvent {
            targets: Vec::with_capacity(basket.len() + 1),
            cfg,
            basket,
            hedge,
            n_bars,
            open: Vec::new(),
            entered: 0,
            skipped: 0,
            log: Vec::new(),
        }
    }

    /// The signed direction this config takes on `event`, or `None` when it does not trade it.
    pub fn direction(cfg: &NewsEventConfig, event: &Event) -> Option<f64> {
        if !cfg.matches(&event.tags) {
            return None;
        }
        let s = event.sentiment.unwrap_or(0.0);
        if s.abs() < cfg.min_abs_sentiment {
            return None;
        }
        match cfg.direction {
            Direction::Long => Some(1.0),
            Direction::Short => Some(-1.0),
            Direction::Sentiment if s > 0.0 => Some(1.0),
            Direction::Sentiment if s < 0.0 => Some(-1.0),
            Direction::Sentiment => None,
        }
    }

    /// Gross exposure per unit of an event's basket size: 2 with a hedge, else 1.
    pub fn gross_per_unit(&self) -> f64 {
        if self.hedge.is_some() {
            2.0
        } else {
            1.0
        }
    }

    fn submit(&mut self, ctx: &mut Context<'_>) {
        self.targets.clear();
        let net: f64 = self.open.iter().map(|p| p.size).sum();
        let per = net / self.basket.len() as f64;
        self.targets.extend(self.basket.iter().map(|&s| (s, per)));
        if let Some(h) = self.hedge {
            self.targets.push((h, -net));
        }
        ctx.cancel_all();
        ctx.target_weights(&self.targets);
    }
}

impl Strategy for NewsEvent {
    fn on_news(&mut self, ctx: &mut Context<'_>, event: &Event) {
        let Some(dir) = Self::direction(&self.cfg, event) else {
            return;
        };
        // The first open the engine lets orders sent now fill at (strictly after the event,
        // latency included).
        let entry = ctx.next_fill_bar();
        if entry >= self.n_bars {
            return;
        }
        let used: f64 = self.open.iter().map(|p| p.size.abs()).sum::<f64>() * self.gross_per_unit();
        let room = (self.cfg.max_exposure - used) / self.gross_per_unit();
        let size = self.cfg.size_per_event.min(room);
        if size <= 1e-9 {
            self.skipped += 1;
            return;
        }
        self.entered += 1;
        self.open.push(Position {
            entry,
            size: dir * size,
            log: self.log.len(),
        });
        self.log.push(EventTrade {
            timestamp: event.timestamp,
            headline: event.headline.clone(),
            entry,
            exit: entry + self.cfg.hold,
            size: dir * size,
        });
        self.submit(ctx);
    }

    fn on_bar(&mut self, ctx: &mut Context<'_>) {
        let Some(t) = ctx.bar() else { return };
        let hold = self.cfg.hold;
        let before = self.open.len();
        // Exit at the close of the last held session, to fill at the next open the engine
        // allows (a later one with `execution.order_latency`).
        let exit = ctx.next_fill_bar();
        let log = &mut self.log;
        self.open.retain(|p| {
            let keep = p.entry + hold > t + 1;
            if !keep {
                log[p.log].exit = exit;
            }
            keep
        });
        if self.open.len() != before {
            self.submit(ctx);
        }
    }
}
