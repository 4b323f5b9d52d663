//! Fill and trade timestamps are the instants their prices printed.

use super::support::{market, oc, Probe};
use crate::{run, SimulationConfig};

const HOUR: i64 = 3_600_000_000_000;

#[test]
fn fills_are_stamped_when_their_price_printed() {
    // A trades on bars 0..=4; B stops after bar 2 (delisted before bar 3's open).
    let m = market(
        &[
            (
                "A",
                vec![
                    oc(10.0, 10.0),
                    oc(10.0, 11.0),
                    oc(11.0, 12.0),
                    Some((12.0, 12.5, 9.0, 10.0)),
                    oc(10.0, 10.0),
                ],
            ),
            (
                "B",
                vec![oc(5.0, 5.0), oc(5.0, 5.0), oc(5.0, 6.0), None, None],
            ),
        ],
        vec![],
    );
    let mut s = Probe::new(
        |ctx| match ctx.bar() {
            Some(0) => {
                ctx.market_order(0, 10.0); // bar 1's open
                ctx.market_order(1, 10.0); // bar 1's open, then delisted
            }
            Some(1) => {
                ctx.market_on_close(0, 5.0); // bar 2's close
                ctx.stop_order(0, -15.0, 9.5); // bar 3 trades through 9.5 inside its range
            }
            _ => {}
        },
        |_, _| {},
    );
    let r = run(&m, &SimulationConfig::default(), &mut s);
    let ts = m.timestamps();
    let open = |t: usize| ts[t] - 6 * HOUR - HOUR / 2;
    let got: Vec<(usize, usize, i64)> = r
        .fills
        .iter()
        .map(|f| (f.bar, f.symbol, f.timestamp))
        .collect();
    assert_eq!(
        got,
        vec![
            (1, 0, open(1)),
            (1, 1, open(1)),
            (2, 0, ts[2]),
            // Delisted before bar 3's open at B's last close (bar 2).
            (3, 1, ts[2]),
            // The stop fills at 9.5 inside bar 3's range: known by its close.
            (3, 0, ts[3]),
        ]
    );
    assert_eq!(r.fills[4].base_price, 9.5);
    let trades: Vec<(usize, i64, i64)> = r
        .trades
        .iter()
        .map(|t| (t.symbol, t.entry_timestamp, t.exit_timestamp))
        .collect();
    assert_eq!(trades, vec![(1, open(1), ts[2]), (0, open(1), ts[3])]);
}
