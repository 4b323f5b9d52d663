//! A strategy written in Rust that gets the whole `rotor` command line: `run` with the full
//! report and every output file, `sweep` over its own keys, `walkforward`, `events`.
//!
//! The three steps (README, "Write your own strategy"):
//! 1. the `[strategy]` table as a serde type implementing `rotor_strategies::CustomKind`, and
//!    the logic as a `rotor_engine::Strategy` (buy_the_dip.rs);
//! 2. register the kind: `Registry::builtin().register::<BuyTheDipConfig>()`;
//! 3. hand the registry to the CLI: `rotor_cli::main_with(registry)`.
//!
//! ```text
//! cargo run --release --example custom_strategy -- run examples/custom_strategy/buy_the_dip.toml
//! cargo run --release --example custom_strategy -- sweep examples/custom_strategy/buy_the_dip.toml \
//!     --grid strategy.drop=0.01..0.04:0.005 --grid strategy.hold=3,5,10
//! ```

mod buy_the_dip;

use std::process::ExitCode;

use rotor_strategies::Registry;

use crate::buy_the_dip::BuyTheDipConfig;

// Out of memory is one `error:` line and exit code 1, as in the `rotor` binary.
rotor_cli::exit_on_oom!();

fn main() -> ExitCode {
    match Registry::builtin().register::<BuyTheDipConfig>() {
        Ok(registry) => rotor_cli::main_with(registry),
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(1)
        }
    }
}
