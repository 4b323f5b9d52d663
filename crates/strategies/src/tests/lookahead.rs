//! No look-ahead, proven by perturbation: for a random cut T, replacing every bar after T with
//! random bars leaves equity, orders and fills up to T identical, for every built-in strategy.
//! Orders matter: a strategy peeking one bar ahead at T changes only orders sent at T, whose
//! fills land after T.

use proptest::prelude::*;
use rotor_data::time::daily_close_ns;
use rotor_data::{Event, Market};
use rotor_engine::{Context, ExecutionConfig, Fill, Order, RunResult, Strategy};

use super::support::{day, market, random_bars, Rng};
use crate::config::{BuyAndHoldConfig, Rebalance, RotationConfig, SmaCrossConfig, StrategyConfig};
use crate::BuiltStrategy;

/// Runs a built-in strategy, recording the pending orders after each `on_bar`.
struct Recorder {
    inner: BuiltStrategy,
    orders: Vec<Vec<Order>>,
}

impl Strategy for Recorder {
    fn on_bar(&mut self, ctx: &mut Context<'_>) {
        self.inner.on_bar(ctx);
        self.orders.push(ctx.pending_orders().to_vec());
    }

    fn on_news(&mut self, ctx: &mut Context<'_>, event: &Event) {
        self.inner.on_news(ctx, event);
    }

    fn on_fill(&mut self, ctx: &mut Context<'_>, fill: &Fill) {
        self.inner.on_fill(ctx, fill);
    }
}

fn run(m: &Market, cfg: &StrategyConfig, exec: &ExecutionConfig) -> (RunResult, Vec<Vec<Order>>) {
    let mut rec = Recorder {
        inner: cfg.build(m).unwrap(),
        orders: Vec::new(),
    };
    let r = rotor_engine::run(m, exec, &mut rec);
    (r, rec.orders)
}

fn configs() -> Vec<StrategyConfig> {
    let rot = |rebalance, flip, skip| {
        StrategyConfig::Rotation(RotationConfig {
            long: vec!["S0".into(), "S1".into()],
            short: vec!["S2".into()],
            lookback: 4,
            skip,
            rebalance,
            flip,
            gross_exposure: 1.5,
        })
    };
    vec![
        rot(Rebalance::Daily, true, 0),
        rot(Rebalance::Weekly, false, 2),
        rot(Rebalance::Monthly, true, 1),
        StrategyConfig::BuyAndHold(BuyAndHoldConfig {
            symbols: vec!["S0".into(), "S2".into()],
            ..Default::default()
        }),
        StrategyConfig::SmaCross(SmaCrossConfig {
            symbol: "S1".into(),
            fast: 2,
            slow: 5,
        }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn bars_after_the_cut_never_change_the_past(seed in any::<u64>(), n_bars in 2usize..120, cut_frac in 0.0f64..1.0) {
        let cut = ((n_bars - 1) as f64 * cut_frac) as usize;
        let bars = random_bars(&mut Rng(seed), 3, n_bars, None);
        let other = random_bars(&mut Rng(!seed), 3, n_bars, Some((&bars, cut + 1)));
        let name = |b: Vec<_>| b.into_iter().enumerate().map(|(k, b)| (format!("S{k}"), b)).collect::<Vec<_>>();
        let (ma, mb) = (market(&name(bars)), market(&name(other)));
        let kept = ma.first_bar_at_or_after(daily_close_ns(day(cut)) + 1);
        prop_assert_eq!(kept, mb.first_bar_at_or_after(daily_close_ns(day(cut)) + 1));
        let mut exec = ExecutionConfig::default();
        exec.costs.commission_bps = 1.0;
        exec.costs.slippage_bps = 2.0;
        exec.costs.borrow_bps = 50.0;
        for cfg in configs() {
            let (a, orders_a) = run(&ma, &cfg, &exec);
            let (b, orders_b) = run(&mb, &cfg, &exec);
            prop_assert_eq!(&orders_a[..kept], &orders_b[..kept], "{}", cfg.kind_name());
            prop_assert_eq!(&a.equity[..kept], &b.equity[..kept], "{}", cfg.kind_name());
            let upto = |r: &RunResult| r.fills.iter().filter(|f| f.bar < kept).copied().collect::<Vec<_>>();
            prop_assert_eq!(upto(&a), upto(&b), "{}", cfg.kind_name());
            // Determinism, while at it.
            prop_assert_eq!(&a, &crate::run(&ma, &cfg, &exec).unwrap());
        }
    }
}
