//! The simulation setup ([`SimulationConfig`]): starting cash ([`PortfolioConfig`]), the cost
//! model ([`CostsConfig`]) and the fill rules ([`FillConfig`]). Deserialized from the
//! `[portfolio]`, `[costs]` and `[execution]` tables of a strategy config; unknown keys are
//! errors and every key has a default (README "Execution model" documents each one).
//!
//! Invariant: a config that passed [`SimulationConfig::validate`] yields finite prices and cash
//! flows for any finite market (rates are finite and non-negative, commission and slippage are
//! below 100%, caps are positive).

use serde::{Deserialize, Serialize};

use crate::error::EngineError;
use crate::latency::{parse_duration, DURATION_REQUIREMENT};

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

/// How the price moves against an order when it fills.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SlippageModel {
    /// `costs.slippage_bps` on every fill.
    #[default]
    Fixed,
    /// `costs.half_spread_bps` plus square-root market impact
    /// `costs.impact_k * sigma * sqrt(quantity / ADV)`, sigma and ADV over the 20 bars before
    /// the fill bar.
    SqrtImpact,
}

/// `[costs]`: trading and financing costs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CostsConfig {
    /// Commission on the absolute notional of every fill (after slippage), bps. Default `0`.
    pub commission_bps: f64,
    /// Commission per share traded, in currency. Default `0`.
    pub commission_per_share: f64,
    /// Minimum commission per fill, in currency (applies to every fill, partial fills
    /// included). Default `0`.
    pub commission_min: f64,
    /// `fixed` or `sqrt_impact`. Default `fixed`.
    pub slippage_model: SlippageModel,
    /// Fixed model: buys pay `price * (1 + bps/1e4)`, sells receive `price * (1 - bps/1e4)`.
    /// Default `0`.
    pub slippage_bps: f64,
    /// Square-root model: half the bid-ask spread, bps. Default `1`.
    pub half_spread_bps: f64,
    /// Square-root model: impact coefficient `k` (order 1 in the empirical literature).
    /// Default `1`.
    pub impact_k: f64,
    /// Annual borrow fee on short market value, accrued at every close as
    /// `|short value at that close| * bps/1e4 / periods_per_year`. Default `0`.
    pub borrow_bps: f64,
    /// Annual interest rate on the cash balance (e.g. `0.04`), accrued at every close as
    /// `cash * rate / periods_per_year` (negative cash pays it). Default `0`.
    pub cash_interest_rate: f64,
}

impl Default for CostsConfig {
    fn default() -> Self {
        CostsConfig {
            commission_bps: 0.0,
            commission_per_share: 0.0,
            commission_min: 0.0,
            slippage_model: SlippageModel::Fixed,
            slippage_bps: 0.0,
            half_spread_bps: 1.0,
            impact_k: 1.0,
            borrow_bps: 0.0,
            cash_interest_rate: 0.0,
        }
    }
}

/// What happens to the part of an order the volume cap did not let fill.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Remainder {
    /// It keeps working at the next opportunity (next open, or next close for market-on-close).
    #[default]
    Keep,
    /// It is cancelled (recorded in `RunResult::rejections`).
    Cancel,
}

/// What an order that would breach a leverage or exposure cap becomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OnBreach {
    /// Scaled down to the largest size within the caps (recorded when scaled).
    #[default]
    Scale,
    /// Rejected whole (recorded).
    Reject,
}

/// What happens to a position in a symbol whose bars stop while the timeline goes on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Delisting {
    /// Closed at its last close before the next bar's open, without costs (a fill flagged
    /// `delisted`).
    #[default]
    Close,
    /// Held at its last close to the end of the run.
    Hold,
}

/// `[execution]`: the fill rules, how orders become fills.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct FillConfig {
    /// Allow fractional shares in target-weight orders. Default `false` (whole shares).
    pub fractional: bool,
    /// Largest fraction of a bar's volume that orders in that symbol may trade in that bar;
    /// `0` disables the cap. Bars with unknown volume are not capped. Default `0.1`.
    pub volume_cap: f64,
    /// `keep` or `cancel` the part the volume cap held back. Default `keep`.
    pub remainder: Remainder,
    /// Scale open/high/low/close by `adj_close / close` (and volume by the inverse) where the
    /// data has `adj_close`. Default `false`.
    pub adjust: bool,
    /// `close` or `hold` positions in symbols whose bars stop. Default `close`.
    pub delisting: Delisting,
    /// Largest gross exposure (Σ |position value|) as a multiple of equity after a fill;
    /// absent = no cap.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_gross_leverage: Option<f64>,
    /// Largest |net exposure| (Σ position value) as a multiple of equity after a fill;
    /// absent = no cap.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_net_exposure: Option<f64>,
    /// `scale` or `reject` an order that would breach a cap. Default `scale`.
    pub on_breach: OnBreach,
    /// Reaction time to news, a duration (`"250ms"`, `"5s"`, `"1m"`): an event published at
    /// `T` is acted on at the first price printed at or after `T + latency`, and always
    /// strictly after `T` ([`crate::latency`]). Absent = 0.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub latency: Option<String>,
    /// Reaction time of orders sent from `on_bar`: when set, such an order fills only at prices
    /// printed at or after the bar's close plus this duration, and strictly after that close.
    /// Absent = the next-open convention (the next bar's open, whatever its instant).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub order_latency: Option<String>,
}

impl FillConfig {
    /// `latency` in nanoseconds (0 when absent or invalid: validate first).
    pub fn latency_ns(&self) -> i64 {
        self.latency
            .as_deref()
            .and_then(parse_duration)
            .unwrap_or(0)
    }

    /// `order_latency` in nanoseconds, `None` when absent (or invalid: validate first).
    pub fn order_latency_ns(&self) -> Option<i64> {
        self.order_latency.as_deref().and_then(parse_duration)
    }
}

impl Default for FillConfig {
    fn default() -> Self {
        FillConfig {
            fractional: false,
            volume_cap: 0.1,
            remainder: Remainder::Keep,
            adjust: false,
            delisting: Delisting::Close,
            max_gross_leverage: None,
            max_net_exposure: None,
            on_breach: OnBreach::Scale,
            latency: None,
            order_latency: None,
        }
    }
}

/// The whole simulation setup, independent of the strategy: the account, the cost model and
/// the fill rules (the `[portfolio]`, `[costs]` and `[execution]` tables).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SimulationConfig {
    /// Starting account.
    pub portfolio: PortfolioConfig,
    /// Cost model.
    pub costs: CostsConfig,
    /// Fill rules (the `[execution]` table).
    pub execution: FillConfig,
}

/// Largest `portfolio.cash` (a quadrillion): beyond it, sums of positions approach overflow.
pub const MAX_CASH: f64 = 1e15;

/// Largest `costs.cash_interest_rate` (annual fraction: 1000%).
pub const MAX_INTEREST_RATE: f64 = 10.0;

/// Largest `costs.borrow_bps` (1000% a year).
pub const MAX_BORROW_BPS: f64 = 100_000.0;

fn invalid(key: &'static str, value: f64, requirement: &'static str) -> EngineError {
    EngineError::InvalidConfig {
        key,
        value,
        requirement,
    }
}

impl SimulationConfig {
    /// True when fills read bar volumes: the volume cap (`execution.volume_cap > 0`) or the
    /// square-root impact model (ADV). Otherwise a run need not load volumes at all.
    pub fn reads_volume(&self) -> bool {
        self.execution.volume_cap > 0.0
            || matches!(self.costs.slippage_model, SlippageModel::SqrtImpact)
    }

    /// Checks ranges, naming the key of the first bad value: `portfolio.cash` finite, > 0 and
    /// at most 1e15; every cost finite and >= 0, commissions in money at most 1e15; commission
    /// and slippage bps below 10 000
    /// (100%); `costs.borrow_bps` at most 100 000 (1000% a year); `costs.cash_interest_rate` in
    /// (-1, 10]; `execution.volume_cap` finite and >= 0; caps finite and > 0. The upper bounds
    /// keep every account value far from f64 overflow.
    pub fn validate(&self) -> Result<(), EngineError> {
        let cash = self.portfolio.cash;
        if !(cash.is_finite() && cash > 0.0) {
            return Err(invalid(
                "portfolio.cash",
                cash,
                "must be a finite number greater than 0",
            ));
        }
        if cash > MAX_CASH {
            return Err(invalid("portfolio.cash", cash, "must be at most 1e15"));
        }
        let c = &self.costs;
        for (key, value, capped) in [
            ("costs.commission_bps", c.commission_bps, true),
            ("costs.commission_per_share", c.commission_per_share, false),
            ("costs.commission_min", c.commission_min, false),
            ("costs.slippage_bps", c.slippage_bps, true),
            ("costs.half_spread_bps", c.half_spread_bps, true),
            ("costs.impact_k", c.impact_k, false),
            ("costs.borrow_bps", c.borrow_bps, false),
        ] {
            if !(value.is_finite() && value >= 0.0) {
                return Err(invalid(key, value, "must be a finite number >= 0"));
            }
            if capped && value >= 10_000.0 {
                return Err(invalid(key, value, "must be below 10000 (100%)"));
            }
        }
        let r = c.cash_interest_rate;
        if !(r.is_finite() && r > -1.0 && r <= MAX_INTEREST_RATE) {
            return Err(invalid(
                "costs.cash_interest_rate",
                r,
                "must be an annual rate above -1 and at most 10 (1000%)",
            ));
        }
        // A commission is money, like the cash: 1e300 a fill gave a final equity of -2e300.
        for (key, value) in [
            ("costs.commission_min", c.commission_min),
            ("costs.commission_per_share", c.commission_per_share),
        ] {
            if value > MAX_CASH {
                return Err(invalid(key, value, "must be at most 1e15"));
            }
        }
        if c.borrow_bps > MAX_BORROW_BPS {
            return Err(invalid(
                "costs.borrow_bps",
                c.borrow_bps,
                "must be at most 100000 (1000% a year)",
            ));
        }
        let e = &self.execution;
        if !(e.volume_cap.is_finite() && e.volume_cap >= 0.0) {
            return Err(invalid(
                "execution.volume_cap",
                e.volume_cap,
                "must be a finite fraction >= 0 (0 = no cap)",
            ));
        }
        for (key, value) in [
            ("execution.max_gross_leverage", e.max_gross_leverage),
            ("execution.max_net_exposure", e.max_net_exposure),
        ] {
            if let Some(v) = value {
                if !(v.is_finite() && v > 0.0) {
                    return Err(invalid(key, v, "must be a finite number greater than 0"));
                }
            }
        }
        for (key, value) in [
            ("execution.latency", &e.latency),
            ("execution.order_latency", &e.order_latency),
        ] {
            if let Some(text) = value {
                if parse_duration(text).is_none() {
                    return Err(EngineError::InvalidDuration {
                        key,
                        value: text.clone(),
                        requirement: DURATION_REQUIREMENT,
                    });
                }
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
        let e = SimulationConfig::default();
        assert_eq!(e.portfolio.cash, 1_000_000.0);
        let c = &e.costs;
        assert_eq!(
            (
                c.commission_bps,
                c.commission_per_share,
                c.commission_min,
                c.slippage_bps,
                c.half_spread_bps,
                c.impact_k,
                c.borrow_bps,
                c.cash_interest_rate
            ),
            (0.0, 0.0, 0.0, 0.0, 1.0, 1.0, 0.0, 0.0)
        );
        assert_eq!(c.slippage_model, SlippageModel::Fixed);
        let x = &e.execution;
        assert!(!x.fractional && !x.adjust);
        assert_eq!(x.volume_cap, 0.1);
        assert_eq!(x.remainder, Remainder::Keep);
        assert_eq!(x.delisting, Delisting::Close);
        assert_eq!((x.max_gross_leverage, x.max_net_exposure), (None, None));
        assert_eq!(x.on_breach, OnBreach::Scale);
        assert!(e.validate().is_ok());
    }

    #[test]
    fn parses_toml_tables_with_defaults_and_rejects_unknown_keys() {
        let e: SimulationConfig =
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
        let e: SimulationConfig = toml::from_str("").unwrap();
        assert_eq!(e, SimulationConfig::default());
        let e: SimulationConfig = toml::from_str(
            "[costs]\nslippage_model = \"sqrt_impact\"\ncommission_min = 1\n\
             [execution]\nfractional = true\nvolume_cap = 0.05\nremainder = \"cancel\"\n\
             adjust = true\ndelisting = \"hold\"\nmax_gross_leverage = 2\n\
             max_net_exposure = 1\non_breach = \"reject\"\n",
        )
        .unwrap();
        assert_eq!(e.costs.slippage_model, SlippageModel::SqrtImpact);
        assert_eq!(e.costs.commission_min, 1.0);
        assert_eq!(
            e.execution,
            FillConfig {
                fractional: true,
                volume_cap: 0.05,
                remainder: Remainder::Cancel,
                adjust: true,
                delisting: Delisting::Hold,
                max_gross_leverage: Some(2.0),
                max_net_exposure: Some(1.0),
                on_breach: OnBreach::Reject,
                latency: None,
                order_latency: None,
            }
        );
        // Round trip through the resolved form.
        let back: SimulationConfig = toml::from_str(&toml::to_string(&e).unwrap()).unwrap();
        assert_eq!(back, e);
        let err = toml::from_str::<SimulationConfig>("[costs]\ncomission_bps = 1\n").unwrap_err();
        assert!(
            err.to_string().contains("unknown field `comission_bps`"),
            "{err}"
        );
        let err = toml::from_str::<SimulationConfig>("[portfolio]\ncash = 1\nleverage = 2\n")
            .unwrap_err();
        assert!(
            err.to_string().contains("unknown field `leverage`"),
            "{err}"
        );
        let err = toml::from_str::<SimulationConfig>("[execution]\nvolume_capp = 1\n").unwrap_err();
        assert!(err.to_string().contains("volume_capp"), "{err}");
        let err =
            toml::from_str::<SimulationConfig>("[execution]\ndelisting = \"drop\"\n").unwrap_err();
        assert!(err.to_string().contains("drop"), "{err}");
    }

    #[test]
    fn validate_names_the_key() {
        let mut e = SimulationConfig::default();
        e.portfolio.cash = 0.0;
        let msg = e.validate().unwrap_err().to_string();
        assert_eq!(
            msg,
            "portfolio.cash (0) must be a finite number greater than 0"
        );

        let mut e = SimulationConfig::default();
        e.costs.slippage_bps = -1.0;
        assert!(e
            .validate()
            .unwrap_err()
            .to_string()
            .starts_with("costs.slippage_bps (-1)"));

        let mut e = SimulationConfig::default();
        e.costs.borrow_bps = f64::NAN;
        assert!(e
            .validate()
            .unwrap_err()
            .to_string()
            .starts_with("costs.borrow_bps"));

        let mut e = SimulationConfig::default();
        e.costs.commission_bps = 10_000.0;
        assert!(e
            .validate()
            .unwrap_err()
            .to_string()
            .contains("commission_bps"));
        e.costs.commission_bps = 5.0;
        e.costs.borrow_bps = 20_000.0;
        assert!(e.validate().is_ok());

        let bad = |f: &dyn Fn(&mut SimulationConfig), key: &str| {
            let mut e = SimulationConfig::default();
            f(&mut e);
            let msg = e.validate().unwrap_err().to_string();
            assert!(msg.starts_with(key), "{msg}");
        };
        bad(
            &|e| e.costs.commission_per_share = -0.01,
            "costs.commission_per_share",
        );
        bad(
            &|e| e.costs.commission_min = f64::NAN,
            "costs.commission_min",
        );
        bad(&|e| e.costs.half_spread_bps = 1e4, "costs.half_spread_bps");
        bad(&|e| e.costs.impact_k = -1.0, "costs.impact_k");
        bad(
            &|e| e.costs.cash_interest_rate = -1.0,
            "costs.cash_interest_rate",
        );
        bad(&|e| e.execution.volume_cap = -0.1, "execution.volume_cap");
        bad(
            &|e| e.execution.max_gross_leverage = Some(0.0),
            "execution.max_gross_leverage",
        );
        bad(
            &|e| e.execution.max_net_exposure = Some(f64::INFINITY),
            "execution.max_net_exposure",
        );
        bad(
            &|e| e.execution.latency = Some("5x".into()),
            "execution.latency (\"5x\") must be a duration",
        );
        bad(
            &|e| e.execution.order_latency = Some("-1s".into()),
            "execution.order_latency (\"-1s\")",
        );
    }

    #[test]
    fn latencies_parse_from_toml_and_stay_out_of_the_resolved_config_when_absent() {
        let e: SimulationConfig =
            toml::from_str("[execution]\nlatency = \"5s\"\norder_latency = \"250ms\"\n").unwrap();
        assert_eq!(e.execution.latency_ns(), 5_000_000_000);
        assert_eq!(e.execution.order_latency_ns(), Some(250_000_000));
        assert!(e.validate().is_ok());
        let d = SimulationConfig::default();
        assert_eq!(
            (d.execution.latency_ns(), d.execution.order_latency_ns()),
            (0, None)
        );
        let text = toml::to_string(&d).unwrap();
        assert!(!text.contains("latency"), "{text}");
    }
}
