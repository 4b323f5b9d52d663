//! A strategy written by a user, run on the shipped sample data without touching the engine.
//!
//! Run it with `cargo run --release --example custom_strategy`.
//!
//! The two things to know are documented on the engine's types:
//! - `rotor_engine::Strategy` (crates/engine/src/strategy.rs): `on_bar` after every close, and
//!   optionally `on_news` for each event of the feed and `on_fill` after each fill; the order
//!   in which the loop calls them is the timing rule (DESIGN §3);
//! - `rotor_engine::Context` (crates/engine/src/context.rs): history up to the current bar and
//!   never after (`close`, `open`, `timestamps`, ...), the account (`position`, `equity`, `cash`)
//!   and order entry (`market_order`, `target_weight`), whose orders fill at a later open.
//!
//! This one buys SPY after a session that closed more than 2% down ("buy the dip"), puts 100% of
//! equity in it at the next open, and sells at the open five sessions later.

use std::path::Path;

use rotor_data::load::{load_market, LoadOptions};
use rotor_engine::{Context, ExecutionConfig, Strategy};

/// Buy after a big down day, hold `hold` sessions.
struct BuyTheDip {
    symbol: usize,
    drop: f64,
    hold: usize,
    /// Bar at whose close the position is to be closed, while one is held or pending.
    exit_at: Option<usize>,
}

impl Strategy for BuyTheDip {
    fn on_bar(&mut self, ctx: &mut Context<'_>) {
        let t = ctx.bar().expect("on_bar always has a bar");
        if let Some(exit) = self.exit_at {
            if t >= exit {
                ctx.target_weight(self.symbol, 0.0); // fills at the next open
                self.exit_at = None;
            }
            return;
        }
        let close = ctx.close(self.symbol); // closes up to and including bar t, never after
        if t >= 1 && close[t] / close[t - 1] - 1.0 < -self.drop {
            ctx.target_weight(self.symbol, 1.0); // all in at the next open
                                                 // Entered at the open of t + 1; out at the open of t + 1 + hold.
            self.exit_at = Some(t + self.hold);
        }
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let opts = LoadOptions {
        start: rotor_data::time::parse_date("2012-01-01"),
        end: None,
        symbols: Some(vec!["SPY".to_string()]),
    };
    let loaded = load_market(&root.join("data/bars"), None, &opts)?;
    let market = loaded.market;
    let spy = market
        .symbol_index("SPY")
        .ok_or("SPY is not in the sample data")?;

    let mut exec = ExecutionConfig::default();
    exec.costs.commission_bps = 0.5;
    exec.costs.slippage_bps = 2.0;
    let mut strategy = BuyTheDip {
        symbol: spy,
        drop: 0.02,
        hold: 5,
        exit_at: None,
    };
    let result = rotor_engine::run(&market, &exec, &mut strategy);

    let closes = market.close(spy);
    let buy_and_hold = closes[closes.len() - 1] / closes[0] - 1.0;
    let wins = result.trades.iter().filter(|t| t.pnl > 0.0).count();
    println!("buy the dip on SPY ({} sessions)", market.n_bars());
    println!("  trades        {}", result.trades.len());
    println!("  winners       {wins}");
    println!(
        "  total return  {:+.2}%",
        (result.final_equity() / result.initial_cash - 1.0) * 100.0
    );
    println!("  SPY held      {:+.2}%", buy_and_hold * 100.0);
    println!(
        "  costs         {:.0} commission, {:.0} slippage",
        result.commission_paid, result.slippage_paid
    );
    Ok(())
}
