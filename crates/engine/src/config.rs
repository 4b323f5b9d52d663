//! Execution settings: starting cash and costs. Deserialized from the `[portfolio]` and
//! `[costs]` tables of a strategy config; unknown keys are errors and every key has a default.
//!
//! Invariant: a config that passed [`ExecutionConfig::validate`] yields finite prices and cash
//! flows for any finite market (bps are finite, non-negative, and commission and slippage are
//! below 100%).

use serde::{Deserialize, Serialize};

use crate::error::EngineError;

/// `[portfolio]`: the account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PortfolioConfig {
    /// Starting cash. Default `1_000_000`.
    pub cash: f64,
}

impl Default for PortfolioConfig {
    fn default() -> Self {
        PortfolioConfig { cash: 1_000_000.0 }
    }
}

/// `[costs]`: trading and financing costs, all in basis points (1 bp = 0.01%).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CostsConfig {
    /// Commission on the absolute notional of every fill (after slippage). Default `0`.
    pub commission_bps: f64,
    /// Price slippage against the trader: buys pay `open * (1 + bps/1e4)`, sells receive
    /// `open * (1 - bps/1e4)`. Default `0`.
    pub slippage_bps: f64,
    /// Annual borrow fee on short market value, accrued at every close as
    /// `|short value at that close| * bps/1e4 / periods_per_year`. Default `0`.
    pub borrow_bps: f64,
}

/// Everything about how orders become fills and money, independent of the strategy.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ExecutionConfig {
    /// Starting account.
    pub portfolio: PortfolioConfig,
    /// Cost model.
    pub costs: CostsConfig,
}

impl ExecutionConfig {
    /// Checks ranges: `portfolio.cash` finite and > 0; every bps finite and >= 0;
    /// `costs.commission_bps` and `costs.slippage_bps` below 10 000 (100%), since at 100% a
    /// sale would yield nothing and target-weight sizing would divide by zero.
    pub fn validate(&self) -> Result<(), EngineError> {
        let cash = self.portfolio.cash;
        if !(cash.is_finite() && cash > 0.0) {
            return Err(EngineError::InvalidConfig {
                key: "portfolio.cash",
                value: cash,
                requirement: "must be a finite number greater than 0",
            });
        }
        let c = &self.costs;
        for (key, value, capped) in [
            ("costs.commission_bps", c.commission_bps, true),
            ("costs.slippage_bps", c.slippage_bps, true),
            ("costs.borrow_bps", c.borrow_bps, false),
        ] {
            if !(value.is_finite() && value >= 0.0) {
                return Err(EngineError::InvalidConfig {
                    key,
                    value,
                    requirement: "must be a finite number >= 0",
                });
            }
            if capped && value >= 10_000.0 {
                return Err(EngineError::InvalidConfig {
                    key,
                    value,
                    requirement: "must be below 10000 (100%)",
                });
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_documented_values() {
        let e = ExecutionConfig::default();
        assert_eq!(e.portfolio.cash, 1_000_000.0);
        assert_eq!(
            e.costs,
            CostsConfig {
                commission_bps: 0.0,
                slippage_bps: 0.0,
                borrow_bps: 0.0
            }
        );
        assert!(e.validate().is_ok());
    }

    #[test]
    fn parses_toml_tables_with_defaults_and_rejects_unknown_keys() {
        let e: ExecutionConfig =
            toml::from_str("[portfolio]\ncash = 5_000\n[costs]\nslippage_bps = 2.0\n").unwrap();
        assert_eq!(e.portfolio.cash, 5000.0);
        assert_eq!(
            (
                e.costs.commission_bps,
                e.costs.slippage_bps,
                e.costs.borrow_bps
            ),
            (0.0, 2.0, 0.0)
        );
        let e: ExecutionConfig = toml::from_str("").unwrap();
        assert_eq!(e, ExecutionConfig::default());
        let err = toml::from_str::<ExecutionConfig>("[costs]\ncomission_bps = 1\n").unwrap_err();
        assert!(
            err.to_string().contains("unknown field `comission_bps`"),
            "{err}"
        );
        let err =
            toml::from_str::<ExecutionConfig>("[portfolio]\ncash = 1\nleverage = 2\n").unwrap_err();
        assert!(
            err.to_string().contains("unknown field `leverage`"),
            "{err}"
        );
    }

    #[test]
    fn validate_names_the_key() {
        let mut e = ExecutionConfig::default();
        e.portfolio.cash = 0.0;
        let msg = e.validate().unwrap_err().to_string();
        assert_eq!(
            msg,
            "portfolio.cash (0) must be a finite number greater than 0"
        );

        let mut e = ExecutionConfig::default();
        e.costs.slippage_bps = -1.0;
        assert!(e
            .validate()
            .unwrap_err()
            .to_string()
            .starts_with("costs.slippage_bps (-1)"));

        let mut e = ExecutionConfig::default();
        e.costs.borrow_bps = f64::NAN;
        assert!(e
            .validate()
            .unwrap_err()
            .to_string()
            .starts_with("costs.borrow_bps"));

        let mut e = ExecutionConfig::default();
        e.costs.commission_bps = 10_000.0;
        assert!(e
            .validate()
            .unwrap_err()
            .to_string()
            .contains("commission_bps"));
        e.costs.commission_bps = 5.0;
        e.costs.borrow_bps = 20_000.0;
        assert!(e.validate().is_ok());
    }
}
