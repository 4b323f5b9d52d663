//! The one extension point of the engine: a user's trading logic.
//!
//! Invariant: a strategy only learns about the market through its callbacks' [`Context`], which
//! never shows data from after the current clock; so any `Strategy` is free of look-ahead.

use rotor_data::Event;

use crate::context::Context;
use crate::fill::Fill;

/// Trading logic driven by the event loop of [`crate::run`].
///
/// Per bar `t` the loop calls, in this order: [`on_news`](Strategy::on_news) for events
/// published since the previous close and before bar `t`'s open (their orders fill at `t`'s
/// open); [`on_fill`](Strategy::on_fill) for each fill at `t`'s open; `on_news` for events
/// published during bar `t`'s session; then [`on_bar`](Strategy::on_bar) after `t`'s close.
/// Orders from the last three fill at bar `t + 1`'s open at the earliest.
///
/// # Example
///
/// Buy 100 shares of the first symbol after its first up-close, and sell them on the first news
/// headline tagged `risk_off`:
///
/// ```
/// use rotor_engine::{Context, Event, Strategy};
///
/// struct UpDay {
///     done: bool,
/// }
///
/// impl Strategy for UpDay {
///     fn on_bar(&mut self, ctx: &mut Context<'_>) {
///         let close = ctx.close(0); // closes up to and including this bar, never after
///         let n = close.len();
///         if !self.done && n >= 2 && close[n - 1] > close[n - 2] {
///             ctx.market_order(0, 100.0); // fills at the next bar's open
///             self.done = true;
///         }
///     }
///
///     fn on_news(&mut self, ctx: &mut Context<'_>, event: &Event) {
///         if event.has_tag("risk_off") && ctx.position(0) > 0.0 {
///             ctx.target_weight(0, 0.0);
///         }
///     }
/// }
/// ```
///
/// Run it with `rotor_engine::run(&market, &SimulationConfig::default(), &mut UpDay { done: false })`.
pub trait Strategy {
    /// Called once per bar, after its close. `ctx.bar()` is `Some(t)`.
    fn on_bar(&mut self, ctx: &mut Context<'_>);

    /// Called for each news event, in feed order, as soon as the clock passes its timestamp
    /// (see the trait docs for when its orders fill). Default: ignore.
    fn on_news(&mut self, ctx: &mut Context<'_>, event: &Event) {
        let _ = (ctx, event);
    }

    /// Called once before the first traded session's open, after the warm-up bars (see
    /// [`crate::run`]): `ctx.bar()` is the last warm-up bar, `None` without warm-up. Orders sent
    /// here fill at the first traded open at the earliest. Default: nothing.
    fn on_start(&mut self, ctx: &mut Context<'_>) {
        let _ = ctx;
    }

    /// Called for each fill, right after the open it filled at. Default: ignore.
    fn on_fill(&mut self, ctx: &mut Context<'_>, fill: &Fill) {
        let _ = (ctx, fill);
    }
}

impl<S: Strategy + ?Sized> Strategy for &mut S {
    fn on_bar(&mut self, ctx: &mut Context<'_>) {
        (**self).on_bar(ctx)
    }

    fn on_news(&mut self, ctx: &mut Context<'_>, event: &Event) {
        (**self).on_news(ctx, event)
    }

    fn on_start(&mut self, ctx: &mut Context<'_>) {
        (**self).on_start(ctx)
    }

    fn on_fill(&mut self, ctx: &mut Context<'_>, fill: &Fill) {
        (**self).on_fill(ctx, fill)
    }
}

impl<S: Strategy + ?Sized> Strategy for Box<S> {
    fn on_bar(&mut self, ctx: &mut Context<'_>) {
        (**self).on_bar(ctx)
    }

    fn on_news(&mut self, ctx: &mut Context<'_>, event: &Event) {
        (**self).on_news(ctx, event)
    }

    fn on_start(&mut self, ctx: &mut Context<'_>) {
        (**self).on_start(ctx)
    }

    fn on_fill(&mut self, ctx: &mut Context<'_>, fill: &Fill) {
        (**self).on_fill(ctx, fill)
    }
}
