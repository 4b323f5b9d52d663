//! Shared indicator columns: a grid of SMA-cross sets run with one [`SharedIndicators`] gives
//! bit-identical results to each set computing its own averages, from threads racing to compute
//! the columns, and computes each (symbol, window) once.

use rotor_engine::SimulationConfig;

use super::support::{market, random_bars};
use crate::config::{SmaCrossConfig, StrategyConfig};
use crate::shared::{IndicatorKey, SharedIndicators};
use crate::{run, run_shared};
use rotor_rng::SplitMix64;

#[test]
fn shared_columns_give_identical_runs_and_are_computed_once() {
    let bars = random_bars(&mut SplitMix64::new(17), 4, 600, None);
    let names: Vec<(String, _)> = bars
        .into_iter()
        .enumerate()
        .map(|(k, b)| (format!("S{k}"), b))
        .collect();
    let m = market(&names);
    let exec = SimulationConfig::default();
    let mut grid = Vec::new();
    for k in 0..4 {
        for fast in [3, 5, 10, 20] {
            for slow in [10, 20, 40] {
                if fast < slow {
                    grid.push(StrategyConfig::SmaCross(SmaCrossConfig {
                        symbol: format!("S{k}"),
                        fast,
                        slow,
                    }));
                }
            }
        }
    }
    let shared = SharedIndicators::new(&m, usize::MAX);
    let results: Vec<_> = std::thread::scope(|scope| {
        let handles: Vec<_> = grid
            .chunks(5)
            .map(|chunk| {
                let (m, shared, exec) = (&m, &shared, &exec);
                scope.spawn(move || {
                    chunk
                        .iter()
                        .map(|c| run_shared(m, c, exec, Some(shared)).unwrap())
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    });
    let mut trades = 0;
    for (c, shared_result) in grid.iter().zip(&results) {
        let own = run(&m, c, &exec).unwrap();
        assert_eq!(&own, shared_result, "{c:?}");
        trades += own.trades.len();
    }
    assert!(trades > 50, "the grid must trade: {trades} trades");
    // 4 symbols x 5 distinct windows (3, 5, 10, 20, 40), each computed once.
    assert_eq!(shared.len(), 4 * 5);
    // The column is the streaming SMA after each of the symbol's bars, NaN without one.
    let key = IndicatorKey::Sma {
        symbol: "S1".into(),
        window: 3,
    };
    let col = shared.get(&key).unwrap();
    let close = m.close(1);
    let (t, _) = close
        .iter()
        .enumerate()
        .skip(10)
        .find(|(t, x)| x.is_finite() && close[t - 3..*t].iter().all(|c| c.is_finite()))
        .unwrap();
    let want = (close[t - 2] + close[t - 1] + close[t]) / 3.0;
    assert!((col[t] - want).abs() < 1e-12, "{} vs {want}", col[t]);
    assert!(close
        .iter()
        .zip(col.iter())
        .all(|(c, v)| !c.is_nan() || v.is_nan()));
    // Past the memory cap nothing is shared and runs compute their own.
    let tight = SharedIndicators::new(&m, 8 * m.n_bars());
    assert!(tight.get(&key).is_some());
    assert!(tight
        .get(&IndicatorKey::Sma {
            symbol: "S2".into(),
            window: 3
        })
        .is_none());
    let own = run(&m, &grid[0], &exec).unwrap();
    assert_eq!(run_shared(&m, &grid[0], &exec, Some(&tight)).unwrap(), own);
}
