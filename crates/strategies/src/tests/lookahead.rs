//! No look-ahead, proven by perturbation: for a random cut T, replacing every bar after T with
//! random bars leaves equity, orders and fills up to T identical, for every built-in strategy.
//! Orders matter: a strategy peeking one bar ahead at T changes only orders sent at T, whose
//! fills land after T.

use proptest::prelude::*;
use rotor_data::time::daily_close_ns;
use rotor_data::{Event, Market};
use rotor_engine::{Context, Fill, Order, RunResult, SimulationConfig, Strategy};

use super::support::{day, market, random_bars, Bar};
use crate::config::{
    BuyAndHoldConfig, FormulaConfig, Rebalance, RotationConfig, SectorRotationConfig, Signal,
    SmaCrossConfig, StrategyConfig, Weighting,
};
use crate::BuiltStrategy;
use rotor_rng::SplitMix64;

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

    fn on_start(&mut self, ctx: &mut Context<'_>) {
        self.inner.on_start(ctx);
    }

    fn on_news(&mut self, ctx: &mut Context<'_>, event: &Event) {
        self.inner.on_news(ctx, event);
    }

    fn on_fill(&mut self, ctx: &mut Context<'_>, fill: &Fill) {
        self.inner.on_fill(ctx, fill);
    }
}

fn run(m: &Market, cfg: &StrategyConfig, exec: &SimulationConfig) -> (RunResult, Vec<Vec<Order>>) {
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
            ..Default::default()
        })
    };
    vec![
        rot(Rebalance::Daily, true, 0),
        rot(Rebalance::Weekly, false, 2),
        rot(Rebalance::Monthly, true, 1),
        StrategyConfig::Rotation(RotationConfig {
            long: vec!["S0".into()],
            short: vec!["S1".into()],
            signal: Signal::Zscore,
            window: 5,
            entry_z: 1.0,
            exit_z: 0.2,
            rebalance: Rebalance::OnSignalChange,
            weighting: Weighting::BetaNeutral,
            vol_window: 5,
            benchmark: Some("S2".into()),
            stop_loss: Some(0.02),
            take_profit: Some(0.03),
            ..Default::default()
        }),
        StrategyConfig::Rotation(RotationConfig {
            long: vec!["S0".into()],
            short: vec!["S1".into(), "S2".into()],
            signal: Signal::Trend,
            window: 3,
            rebalance: Rebalance::Daily,
            weighting: Weighting::InverseVolatility,
            vol_window: 4,
            ..Default::default()
        }),
        StrategyConfig::SectorRotation(SectorRotationConfig {
            symbols: vec!["S0".into(), "S1".into(), "S2".into()],
            lookback: 3,
            top_k: 1,
            bottom_k: 1,
            rebalance: Rebalance::Weekly,
            ..Default::default()
        }),
        StrategyConfig::BuyAndHold(BuyAndHoldConfig {
            symbols: vec!["S0".into(), "S2".into()],
            ..Default::default()
        }),
        StrategyConfig::SmaCross(SmaCrossConfig {
            symbol: "S1".into(),
            fast: 2,
            slow: 5,
        }),
        // Formulas' windows are exercised by formula::tests; these need at most one bar of
        // history (the markets here may have two bars).
        StrategyConfig::Formula(FormulaConfig {
            universe: vec!["S0".into(), "S1".into(), "S2".into()],
            weights:
                "top(returns, 1) - bottom(returns, 1) + 0.5 * rank(volume) * (close@S2 > open@S2)"
                    .into(),
            rebalance: Rebalance::Daily,
            vol_target: Some(0.2),
            vol_window: 3,
            max_leverage: 1.5,
            ..Default::default()
        }),
        StrategyConfig::Formula(FormulaConfig {
            universe: vec!["S1".into(), "S0".into()],
            weights: "where(returns > 0, 1, -1) * demean(close)".into(),
            rebalance: Rebalance::OnSignalChange,
            long_only: true,
            gross_exposure: 1.5,
            ..Default::default()
        }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn bars_after_the_cut_never_change_the_past(seed in any::<u64>(), n_bars in 8usize..120, cut_frac in 0.0f64..1.0) {
        let cut = ((n_bars - 1) as f64 * cut_frac) as usize;
        let bars = random_bars(&mut SplitMix64::new(seed), 3, n_bars, None);
        let mut other = random_bars(&mut SplitMix64::new(!seed), 3, n_bars, Some((&bars, cut + 1)));
        keep_listing(&bars, &mut other, cut, &mut SplitMix64::new(seed ^ 0x9e37_79b9));
        let name = |b: Vec<_>| b.into_iter().enumerate().map(|(k, b)| (format!("S{k}"), b)).collect::<Vec<_>>();
        let (ma, mb) = (market(&name(bars)), market(&name(other)));
        let kept = ma.first_bar_at_or_after(daily_close_ns(day(cut)) + 1);
        prop_assert_eq!(kept, mb.first_bar_at_or_after(daily_close_ns(day(cut)) + 1));
        let mut exec = SimulationConfig::default();
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
            // (Debug text, since a result may hold NaN fields, which never compare equal.)
            prop_assert_eq!(format!("{a:?}"), format!("{:?}", crate::run(&ma, &cfg, &exec).unwrap()));
        }
    }
}

/// Keeps one fact about the future fixed: whether each symbol still has bars after the cut.
/// Delisting (a symbol whose bars stop) is announced like a vendor's delisting notice, so the
/// engine may act on it at the last bar; the perturbation changes prices, never listings.
/// (The engine's own look-ahead property test does the same.)
fn keep_listing(base: &[Vec<Bar>], perturbed: &mut [Vec<Bar>], cut: usize, rng: &mut SplitMix64) {
    for (b, p) in base.iter().zip(perturbed.iter_mut()) {
        let listed = |bars: &[Bar]| bars[cut + 1..].iter().any(|x| x.is_some());
        match (listed(b), listed(p)) {
            (true, false) => {
                let px = b[..=cut]
                    .iter()
                    .rev()
                    .find_map(|x| x.map(|x| x.3))
                    .unwrap_or(50.0);
                let o = px * (1.0 + 0.02 * (rng.next_f64() - 0.5));
                let last = p.len() - 1;
                p[last] = Some((o, o * 1.01, o * 0.99, o));
            }
            (false, true) => p[cut + 1..].iter_mut().for_each(|x| *x = None),
            _ => {}
        }
    }
}
