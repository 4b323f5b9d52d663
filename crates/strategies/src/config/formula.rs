//! `kind = "formula"`: a universe, named parameters and expressions, and the weights formula.

use std::cell::RefCell;
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::rotation::positive;
use super::{check_basket, dedup_push, Rebalance};
use crate::error::StrategyError;
use crate::formula::compile::{compile, is_identifier, is_reserved, Scope};
use crate::formula::Program;

/// `kind = "formula"`: raw target weights per universe member from the `weights` expression,
/// scaled to `gross_exposure`, optionally long-only and volatility-targeted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct FormulaConfig {
    /// Symbols it may hold, in the order that breaks `top`/`bottom` ties. Required.
    pub universe: Vec<String>,
    /// Raw target weight of each member at a decision bar. Required.
    pub weights: String,
    /// Decision calendar (the rotation's rule). Default `weekly`.
    pub rebalance: Rebalance,
    /// Weights are scaled so that `sum |w| = gross_exposure`. Default `1.0`.
    pub gross_exposure: f64,
    /// Negative weights become 0 before scaling. Default `false`.
    pub long_only: bool,
    /// Annualized volatility target: the gross is scaled by `vol_target / realized vol` of the
    /// target portfolio over `vol_window` bars, capped by `max_leverage`. Default none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vol_target: Option<f64>,
    /// Bars of daily returns in the realized volatility. Default `60`.
    pub vol_window: usize,
    /// Cap on `sum |w|` after volatility targeting. Default `1.0`.
    pub max_leverage: f64,
    /// Numbers usable by name in the expressions (sweepable). Default empty.
    pub params: BTreeMap<String, f64>,
    /// Named expressions usable in the others and in `weights`. Default empty.
    pub define: BTreeMap<String, String>,
}

impl Default for FormulaConfig {
    fn default() -> Self {
        FormulaConfig {
            universe: Vec::new(),
            weights: String::new(),
            rebalance: Rebalance::Weekly,
            gross_exposure: 1.0,
            long_only: false,
            vol_target: None,
            vol_window: 60,
            max_leverage: 1.0,
            params: BTreeMap::new(),
            define: BTreeMap::new(),
        }
    }
}

impl FormulaConfig {
    /// Compiles the weights (and every define) with `symbol` resolving `field@SYMBOL`.
    pub fn program(
        &self,
        symbol: &dyn Fn(&str) -> Option<usize>,
    ) -> Result<Program, StrategyError> {
        let scope = Scope {
            params: &self.params,
            define: &self.define,
            symbol,
        };
        compile("strategy.weights", &self.weights, &scope).map_err(|e| StrategyError::Invalid {
            key: e.key.clone(),
            message: e.to_string(),
        })
    }

    /// Symbols named as `field@SYMBOL` anywhere in the expressions (read, not traded), in
    /// order of first appearance; empty when the expressions do not compile.
    pub fn referenced_symbols(&self) -> Vec<String> {
        let seen = RefCell::new(Vec::<String>::new());
        let record = |s: &str| {
            let mut v = seen.borrow_mut();
            dedup_push(&mut v, [s]);
            Some(0)
        };
        match self.program(&record) {
            Ok(_) => seen.into_inner(),
            Err(_) => Vec::new(),
        }
    }

    /// Whether an expression reads `volume` (so the loader must decode that column).
    pub fn reads_volume(&self) -> bool {
        use crate::formula::compile::Node;
        use crate::formula::Field;
        self.program(&|_| Some(0)).is_ok_and(|p| {
            p.nodes
                .iter()
                .any(|n| matches!(n, Node::Field(Field::Volume, _)))
        })
    }

    /// Bars of history needed before `data.start` for the first weight to be defined: the
    /// expressions' longest window chain, plus `vol_window` with a volatility target.
    pub fn warmup_bars(&self) -> Result<usize, StrategyError> {
        let p = self.program(&|_| Some(0))?;
        Ok(p.warmup + self.vol_target.map_or(0, |_| self.vol_window))
    }

    pub(crate) fn validate(&self) -> Result<(), StrategyError> {
        check_basket("strategy.universe", &self.universe)?;
        if self.weights.trim().is_empty() {
            return Err(StrategyError::invalid(
                "strategy.weights",
                "strategy.weights must be given: an expression such as \"top(pct_change(close, 126), 3)\"",
            ));
        }
        for (table, names) in [
            ("params", self.params.keys().collect::<Vec<_>>()),
            ("define", self.define.keys().collect()),
        ] {
            for name in names {
                let key = format!("strategy.{table}.{name}");
                if !is_identifier(name) {
                    return Err(StrategyError::invalid(
                        &key,
                        format!("{key}: `{name}` is not a name (letters, digits and `_`, not starting with a digit)"),
                    ));
                }
                if is_reserved(name) {
                    return Err(StrategyError::invalid(
                        &key,
                        format!(
                            "{key}: `{name}` is a field, function or keyword; choose another name"
                        ),
                    ));
                }
            }
        }
        for (name, v) in &self.params {
            if !v.is_finite() {
                let key = format!("strategy.params.{name}");
                return Err(StrategyError::invalid(
                    &key,
                    format!("{key} ({v}) must be a finite number"),
                ));
            }
            if self.define.contains_key(name) {
                return Err(StrategyError::invalid(
                    format!("strategy.define.{name}"),
                    format!("`{name}` is both in strategy.params and strategy.define"),
                ));
            }
        }
        positive("strategy.gross_exposure", self.gross_exposure)?;
        positive("strategy.max_leverage", self.max_leverage)?;
        if let Some(v) = self.vol_target {
            positive("strategy.vol_target", v)?;
        }
        if self.vol_window < 2 {
            return Err(StrategyError::invalid(
                "strategy.vol_window",
                format!(
                    "strategy.vol_window ({}) must be at least 2",
                    self.vol_window
                ),
            ));
        }
        let program = self.program(&|_| Some(0))?;
        if let Some(unused) = self
            .params
            .keys()
            .find(|p| !program.params_used.contains(p))
        {
            let key = format!("strategy.params.{unused}");
            return Err(StrategyError::invalid(
                &key,
                format!("{key} is not used by any expression (a typo?)"),
            ));
        }
        Ok(())
    }
}
