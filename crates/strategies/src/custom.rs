//! Strategy kinds written outside rotor: a user's type is its own `[strategy]` table (serde) and
//! knows how to bind itself to a market. Registered in a [`crate::Registry`], such a kind gets
//! what a built-in kind gets: `--set`, sweeps over its keys, warm-up, the report and every
//! output file.
//!
//! Invariant: a [`CustomConfig`] only exists for a table that deserialized into its kind's type,
//! so validating, building and serializing it back never meets an unknown key.

use std::fmt;
use std::sync::Arc;

use rotor_data::Market;
use rotor_engine::{Context, Event, Fill, Strategy};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::error::StrategyError;

/// A strategy kind defined outside rotor. The type is the `[strategy]` table of its configs
/// (without `kind`), so `#[serde(deny_unknown_fields, default)]` on it gives the same key
/// checks and defaults as the built-in kinds.
pub trait CustomKind: Serialize + DeserializeOwned + fmt::Debug + Send + Sync + 'static {
    /// The `kind` string of its configs, e.g. `"buy_the_dip"`.
    const KIND: &'static str;
    /// The strategy bound to a market's symbol indices.
    type Built: Strategy + 'static;

    /// Every symbol it trades or reads, in config order: the market is loaded with these.
    fn symbols(&self) -> Vec<String>;

    /// Checks the parameters; the error names the key (`StrategyError::invalid("strategy.drop",
    /// ...)`). A sweep skips a parameter set that fails here. Default: always valid.
    fn validate(&self) -> Result<(), StrategyError> {
        Ok(())
    }

    /// Bars of history it needs before its first decision (the decision bar included): that
    /// many bars before `data.start` are loaded and never traded. Default: none.
    fn warmup_bars(&self) -> usize {
        0
    }

    /// Binds the parameters to `market` (resolve symbols with `market.symbol_index`).
    fn build(&self, market: &Market) -> Result<Self::Built, StrategyError>;
}

/// What [`CustomConfig`] needs of a [`CustomKind`], object-safe.
trait ErasedKind: fmt::Debug + Send + Sync {
    fn kind(&self) -> &'static str;
    fn symbols(&self) -> Vec<String>;
    fn validate(&self) -> Result<(), StrategyError>;
    fn warmup_bars(&self) -> usize;
    fn build(&self, market: &Market) -> Result<Box<dyn Strategy>, StrategyError>;
    fn to_value(&self) -> Result<toml::Value, String>;
}

impl<T: CustomKind> ErasedKind for T {
    fn kind(&self) -> &'static str {
        T::KIND
    }
    fn symbols(&self) -> Vec<String> {
        CustomKind::symbols(self)
    }
    fn validate(&self) -> Result<(), StrategyError> {
        CustomKind::validate(self)
    }
    fn warmup_bars(&self) -> usize {
        CustomKind::warmup_bars(self)
    }
    fn build(&self, market: &Market) -> Result<Box<dyn Strategy>, StrategyError> {
        Ok(Box::new(CustomKind::build(self, market)?))
    }
    fn to_value(&self) -> Result<toml::Value, String> {
        toml::Value::try_from(self).map_err(|e| e.to_string())
    }
}

/// The parameters of a user kind, as parsed from a `[strategy]` table (cheap to clone).
#[derive(Clone)]
pub struct CustomConfig(Arc<dyn ErasedKind>);

impl CustomConfig {
    /// Deserializes `table` (the `[strategy]` table without `kind`) as kind `T`; the error is
    /// serde's message (`unknown field ...`, `invalid type ...`).
    pub fn parse<T: CustomKind>(table: toml::Table) -> Result<Self, String> {
        T::deserialize(toml::Value::Table(table))
            .map(|c| CustomConfig(Arc::new(c)))
            .map_err(|e| e.message().to_string())
    }

    /// Its `kind` string.
    pub fn kind(&self) -> &'static str {
        self.0.kind()
    }

    /// See [`CustomKind::symbols`].
    pub fn symbols(&self) -> Vec<String> {
        self.0.symbols()
    }

    /// See [`CustomKind::validate`].
    pub fn validate(&self) -> Result<(), StrategyError> {
        self.0.validate()
    }

    /// See [`CustomKind::warmup_bars`].
    pub fn warmup_bars(&self) -> usize {
        self.0.warmup_bars()
    }

    /// See [`CustomKind::build`].
    pub fn build(&self, market: &Market) -> Result<CustomBuilt, StrategyError> {
        Ok(CustomBuilt {
            kind: self.kind(),
            strategy: self.0.build(market)?,
        })
    }

    /// The `[strategy]` table it came from, `kind` included, defaults filled in.
    pub fn to_table(&self) -> Result<toml::Table, String> {
        let mut table = match self.0.to_value()? {
            toml::Value::Table(t) => t,
            other => {
                return Err(format!(
                    "`{}` serialized as {}",
                    self.kind(),
                    other.type_str()
                ))
            }
        };
        table.insert("kind".into(), toml::Value::String(self.kind().into()));
        Ok(table)
    }
}

impl fmt::Debug for CustomConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// Equal when of the same kind with the same table.
impl PartialEq for CustomConfig {
    fn eq(&self, other: &Self) -> bool {
        self.kind() == other.kind() && self.to_table().ok() == other.to_table().ok()
    }
}

/// A user kind bound to a market.
pub struct CustomBuilt {
    kind: &'static str,
    strategy: Box<dyn Strategy>,
}

impl fmt::Debug for CustomBuilt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CustomBuilt({})", self.kind)
    }
}

impl Strategy for CustomBuilt {
    fn on_bar(&mut self, ctx: &mut Context<'_>) {
        self.strategy.on_bar(ctx);
    }

    fn on_news(&mut self, ctx: &mut Context<'_>, event: &Event) {
        self.strategy.on_news(ctx, event);
    }

    fn on_start(&mut self, ctx: &mut Context<'_>) {
        self.strategy.on_start(ctx);
    }

    fn on_fill(&mut self, ctx: &mut Context<'_>, fill: &Fill) {
        self.strategy.on_fill(ctx, fill);
    }
}
