//! A [`StrategyConfig`] written back as its `[strategy]` table: a built-in kind exactly as serde
//! derives it (`kind` first, then the fields in declaration order), a user kind through its own
//! type.

use serde::ser::Error as _;
use serde::{Serialize, Serializer};

use super::{
    BuyAndHoldConfig, FormulaConfig, NewsEventConfig, RotationConfig, SectorRotationConfig,
    SmaCrossConfig, StrategyConfig,
};

/// The built-in variants, borrowed, with the derived internally tagged layout.
#[derive(Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum Builtin<'a> {
    Rotation(&'a RotationConfig),
    BuyAndHold(&'a BuyAndHoldConfig),
    SmaCross(&'a SmaCrossConfig),
    NewsEvent(&'a NewsEventConfig),
    SectorRotation(&'a SectorRotationConfig),
    Formula(&'a FormulaConfig),
}

impl Serialize for StrategyConfig {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let builtin = match self {
            StrategyConfig::Rotation(c) => Builtin::Rotation(c),
            StrategyConfig::BuyAndHold(c) => Builtin::BuyAndHold(c),
            StrategyConfig::SmaCross(c) => Builtin::SmaCross(c),
            StrategyConfig::NewsEvent(c) => Builtin::NewsEvent(c),
            StrategyConfig::SectorRotation(c) => Builtin::SectorRotation(c),
            StrategyConfig::Formula(c) => Builtin::Formula(c),
            StrategyConfig::Custom(c) => {
                return c.to_table().map_err(S::Error::custom)?.serialize(s);
            }
        };
        builtin.serialize(s)
    }
}
