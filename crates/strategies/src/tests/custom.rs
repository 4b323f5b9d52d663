//! A user kind through the registry: parsed, validated, serialized back and run like a
//! built-in kind; the built-in kinds' messages unchanged.

use rotor_engine::{Context, SimulationConfig, Strategy};
use serde::{Deserialize, Serialize};

use super::support::{from_closes, market};
use crate::{CustomKind, Registry, StrategyError};
use rotor_engine::Market;

/// Holds `symbol` at `weight` from the first bar on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
struct Hold {
    symbol: String,
    weight: f64,
}

impl Default for Hold {
    fn default() -> Self {
        Hold {
            symbol: String::new(),
            weight: 1.0,
        }
    }
}

struct Holding(usize, f64);

impl Strategy for Holding {
    fn on_bar(&mut self, ctx: &mut Context<'_>) {
        ctx.target_weight(self.0, self.1);
    }
}

impl CustomKind for Hold {
    const KIND: &'static str = "hold";
    type Built = Holding;
    fn symbols(&self) -> Vec<String> {
        vec![self.symbol.clone()]
    }
    fn validate(&self) -> Result<(), StrategyError> {
        if self.weight > 1.0 {
            return Err(StrategyError::invalid("strategy.weight", "too heavy"));
        }
        Ok(())
    }
    fn warmup_bars(&self) -> usize {
        7
    }
    fn build(&self, market: &Market) -> Result<Holding, StrategyError> {
        let s = market
            .symbol_index(&self.symbol)
            .ok_or(StrategyError::UnknownSymbol {
                key: "strategy.symbol".into(),
                symbol: self.symbol.clone(),
            })?;
        Ok(Holding(s, self.weight))
    }
}

fn table(text: &str) -> toml::Table {
    text.parse().unwrap()
}

#[test]
fn a_user_kind_parses_validates_and_serializes_back() {
    let reg = Registry::builtin().register::<Hold>().unwrap();
    assert!(reg.is_custom("hold") && !reg.is_custom("rotation"));
    assert_eq!(reg.kinds().last(), Some(&"hold"));
    let c = reg
        .parse(&table("kind = \"hold\"\nsymbol = \"A\"\n"))
        .unwrap();
    assert_eq!(c.kind_name(), "hold");
    assert_eq!(c.symbols(), vec!["A"]);
    assert_eq!(c.warmup_bars(), 7);
    c.validate().unwrap();
    // Defaults filled in, `kind` written back: the resolved config reloads to the same value.
    let text = toml::to_string(&c).unwrap();
    assert_eq!(text, "kind = \"hold\"\nsymbol = \"A\"\nweight = 1.0\n");
    assert_eq!(reg.parse(&table(&text)).unwrap(), c);
    let heavy = reg.parse(&table("kind = \"hold\"\nsymbol = \"A\"\nweight = 2\n"));
    assert_eq!(
        heavy.unwrap().validate().unwrap_err().to_string(),
        "too heavy"
    );
    let typo = reg
        .parse(&table("kind = \"hold\"\nsymbl = \"A\"\n"))
        .unwrap_err();
    assert_eq!(typo, "unknown field `symbl`, expected `symbol` or `weight`");
}

#[test]
fn built_in_kinds_keep_their_messages_and_unknown_kinds_list_user_kinds() {
    let reg = Registry::builtin().register::<Hold>().unwrap();
    let builtin = Registry::builtin();
    let unknown = table("kind = \"momentum\"\n");
    let serde_says = "unknown variant `momentum`, expected one of `rotation`, `buy_and_hold`, \
                      `sma_cross`, `news_event`, `sector_rotation`, `formula`";
    assert_eq!(builtin.parse(&unknown).unwrap_err(), serde_says);
    assert_eq!(
        reg.parse(&unknown).unwrap_err(),
        format!("{serde_says}, `hold`")
    );
    // Other unknown variants are not about kinds.
    let hourly = table("kind = \"sma_cross\"\nsymbol = \"A\"\nrebalance = 1\n");
    assert_eq!(
        reg.parse(&hourly).unwrap_err(),
        builtin.parse(&hourly).unwrap_err()
    );
    let sma = table("kind = \"sma_cross\"\nsymbol = \"A\"\n");
    assert_eq!(reg.parse(&sma).unwrap(), builtin.parse(&sma).unwrap());
    assert!(Registry::builtin()
        .register::<Hold>()
        .unwrap()
        .register::<Hold>()
        .is_err());
}

#[test]
fn a_user_kind_runs_like_a_built_in_one() {
    let reg = Registry::builtin().register::<Hold>().unwrap();
    let m = market(&[("A".into(), from_closes(&[10.0, 11.0, 12.0, 12.0]))]);
    let c = reg
        .parse(&table("kind = \"hold\"\nsymbol = \"A\"\nweight = 0.5\n"))
        .unwrap();
    let r = crate::run(&m, &c, &SimulationConfig::default()).unwrap();
    // Half the equity (1,000,000 by default) bought at the second bar's open (10, the first
    // close), then re-weighted each bar; the equity is cash plus the shares at the last close.
    assert_eq!((r.fills[0].price, r.fills[0].quantity), (10.0, 50_000.0));
    let shares: f64 = r.fills.iter().map(|f| f.quantity).sum();
    let cash = r.cash[r.cash.len() - 1];
    assert!((r.final_equity() - (cash + shares * 12.0)).abs() < 1e-6);
    let missing = reg
        .parse(&table("kind = \"hold\"\nsymbol = \"Z\"\n"))
        .unwrap();
    let e = crate::run(&m, &missing, &SimulationConfig::default()).unwrap_err();
    assert_eq!(
        e.to_string(),
        "strategy.symbol: unknown symbol `Z` (not in the market data)"
    );
}
