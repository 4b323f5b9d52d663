//! The fixed universe of the sample market: single names with their factor loadings, and the
//! ETFs/baskets built from them.
//!
//! Invariant: the universe does not depend on the seed (only the paths do); every basket member
//! is a single name of [`stocks`]; tickers are unique; order is fixed (no map iteration).

/// Number of factors: market, size (small minus big), tech, defense, energy, housing.
pub const N_FACTORS: usize = 6;
/// Factor names, in loading order.
pub const FACTOR_NAMES: [&str; N_FACTORS] =
    ["market", "size", "tech", "defense", "energy", "housing"];
/// Index of the market factor.
pub const MARKET: usize = 0;
/// Index of the size (small minus big) factor.
pub const SIZE: usize = 1;
/// Index of the tech factor.
pub const TECH: usize = 2;
/// Index of the defense factor.
pub const DEFENSE: usize = 3;
/// Index of the energy factor.
pub const ENERGY: usize = 4;
/// Index of the housing factor.
pub const HOUSING: usize = 5;

/// One single name.
#[derive(Debug, Clone, PartialEq)]
pub struct Stock {
    /// Ticker.
    pub ticker: String,
    /// Loadings on [`FACTOR_NAMES`] (the first is the market beta).
    pub loadings: [f64; N_FACTORS],
    /// Long-run idiosyncratic volatility, annualized.
    pub idio_vol: f64,
    /// Price before the first session.
    pub start_price: f64,
    /// Shares outstanding, millions (for cap weights).
    pub shares_m: f64,
    /// Typical daily volume, shares.
    pub adv: f64,
    /// True for large caps (members of SPY/RSP).
    pub large: bool,
}

/// How a basket weights its members, re-set from the previous close each session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Weighting {
    /// Weight proportional to market cap (shares outstanding x price): a buy-and-hold index.
    Cap,
    /// Equal weights, reset at the first session of each quarter, drifting in between.
    Equal,
    /// Weight proportional to price (Dow style).
    Price,
}

/// An ETF built from single names.
#[derive(Debug, Clone, PartialEq)]
pub struct Basket {
    /// Ticker.
    pub ticker: String,
    /// Member tickers.
    pub members: Vec<String>,
    /// Weighting scheme.
    pub weighting: Weighting,
    /// Level before the first session.
    pub start_price: f64,
    /// Typical daily volume, shares.
    pub adv: f64,
}

/// Factor loadings in [`Stock::loadings`] order: market, size, tech, defense, energy, housing.
type Loadings = [f64; N_FACTORS];

fn stock(
    ticker: String,
    loadings: Loadings,
    idio_vol: f64,
    start_price: f64,
    shares_m: f64,
    large: bool,
) -> Stock {
    let turnover = if large { 0.008 } else { 0.012 };
    Stock {
        ticker,
        loadings,
        idio_vol,
        start_price,
        shares_m,
        adv: (shares_m * 1e6 * turnover).round(),
        large,
    }
}

/// The single names, in output order: the generated families, the named stocks, then the
/// homebuilders.
pub fn stocks() -> Vec<Stock> {
    let mut v = tech();
    v.extend(small_caps());
    v.extend(financials_health_industrials());
    v.extend(
        NAMED
            .iter()
            .map(|&(ticker, loadings, idio_vol, price, shares_m, large)| {
                stock(ticker.into(), loadings, idio_vol, price, shares_m, large)
            }),
    );
    v.extend(homebuilders());
    v
}

/// TK01..TK20: large-cap tech.
fn tech() -> Vec<Stock> {
    (1..=20u32)
        .map(|i| {
            let f = i as f64;
            let loadings = [
                1.05 + 0.03 * (i % 6) as f64,
                -0.20,
                0.80 + 0.05 * (i % 7) as f64,
                0.0,
                0.0,
                0.0,
            ];
            let vol = 0.22 + 0.01 * (i % 5) as f64;
            let price = 15.0 + ((i * 29) % 120) as f64;
            stock(format!("TK{i:02}"), loadings, vol, price, 6000.0 / f, true)
        })
        .collect()
}

/// SC01..SC20: small caps, a few with some tech, energy or housing exposure.
fn small_caps() -> Vec<Stock> {
    (1..=20u32)
        .map(|i| {
            let loadings = [
                1.15 + 0.03 * (i % 5) as f64,
                1.00 + 0.05 * (i % 4) as f64,
                if i % 5 == 0 { 0.30 } else { 0.0 },
                0.0,
                if i % 7 == 0 { 0.30 } else { 0.0 },
                if i % 6 == 0 { 0.20 } else { 0.0 },
            ];
            let vol = 0.35 + 0.01 * (i % 6) as f64;
            let price = 8.0 + ((i * 7) % 35) as f64;
            let shares_m = 60.0 + 10.0 * (i % 5) as f64;
            stock(format!("SC{i:02}"), loadings, vol, price, shares_m, false)
        })
        .collect()
}

/// FN01..FN04, HC01..HC03, IN01..IN03: large caps of three sectors.
fn financials_health_industrials() -> Vec<Stock> {
    let fin = (1..=4u32).map(|i| {
        let p = 30.0 + 15.0 * i as f64;
        let loadings = [1.15, -0.10, 0.0, 0.0, 0.0, 0.05];
        stock(
            format!("FN{i:02}"),
            loadings,
            0.22,
            p,
            2500.0 / i as f64,
            true,
        )
    });
    let health = (1..=3u32).map(|i| {
        let p = 40.0 + 20.0 * i as f64;
        let loadings = [0.75, -0.10, 0.0, 0.0, 0.0, 0.0];
        stock(
            format!("HC{i:02}"),
            loadings,
            0.20,
            p,
            2000.0 / i as f64,
            true,
        )
    });
    let industrials = (1..=3u32).map(|i| {
        let p = 50.0 + 25.0 * i as f64;
        let loadings = [1.00, -0.05, 0.0, 0.20, 0.0, 0.10];
        stock(
            format!("IN{i:02}"),
            loadings,
            0.20,
            p,
            1200.0 / i as f64,
            true,
        )
    });
    fin.chain(health).chain(industrials).collect()
}

/// The named stocks: (ticker, loadings, idiosyncratic vol, start price, shares (millions),
/// large cap).
const NAMED: [(&str, Loadings, f64, f64, f64, bool); 9] = [
    (
        "LMT",
        [0.70, -0.10, 0.0, 1.00, 0.0, 0.0],
        0.18,
        80.0,
        360.0,
        true,
    ),
    (
        "NOC",
        [0.70, -0.10, 0.0, 1.00, 0.0, 0.0],
        0.19,
        55.0,
        290.0,
        true,
    ),
    (
        "KTOS",
        [1.20, 0.60, 0.20, 1.50, 0.0, 0.0],
        0.40,
        12.0,
        100.0,
        false,
    ),
    (
        "DF01",
        [0.75, -0.10, 0.0, 1.00, 0.0, 0.0],
        0.18,
        60.0,
        500.0,
        true,
    ),
    (
        "DF02",
        [1.10, 0.50, 0.10, 1.30, 0.0, 0.0],
        0.32,
        25.0,
        80.0,
        false,
    ),
    (
        "DF03",
        [1.10, 0.50, 0.10, 1.30, 0.0, 0.0],
        0.32,
        18.0,
        60.0,
        false,
    ),
    (
        "XOM",
        [0.85, -0.10, 0.0, 0.0, 1.00, 0.0],
        0.15,
        68.0,
        4500.0,
        true,
    ),
    (
        "COP",
        [1.00, -0.05, 0.0, 0.0, 1.30, 0.0],
        0.20,
        50.0,
        1400.0,
        true,
    ),
    (
        "INVH",
        [0.90, 0.10, 0.0, 0.0, 0.0, 0.80],
        0.22,
        20.0,
        600.0,
        true,
    ),
];

/// HB01..HB05: homebuilders, the first two large caps.
fn homebuilders() -> Vec<Stock> {
    (1..=5u32)
        .map(|i| {
            let large = i <= 2;
            let loadings = [1.20, if large { 0.0 } else { 0.30 }, 0.0, 0.0, 0.0, 1.20];
            let price = 15.0 + 6.0 * i as f64;
            let shares_m = [350.0, 300.0, 150.0, 100.0, 80.0][(i - 1) as usize];
            stock(format!("HB{i:02}"), loadings, 0.28, price, shares_m, large)
        })
        .collect()
}

/// Tickers of the defense names that policy events move.
pub const DEFENSE_NAMES: [&str; 6] = ["LMT", "NOC", "KTOS", "DF01", "DF02", "DF03"];
/// Tickers of the housing names that housing events move.
pub const HOUSING_NAMES: [&str; 6] = ["INVH", "HB01", "HB02", "HB03", "HB04", "HB05"];
/// Tickers of the oil majors.
pub const ENERGY_NAMES: [&str; 2] = ["XOM", "COP"];

fn names(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

/// The baskets (ETFs), in output order.
pub fn baskets(stocks: &[Stock]) -> Vec<Basket> {
    let large: Vec<String> = stocks
        .iter()
        .filter(|s| s.large)
        .map(|s| s.ticker.clone())
        .collect();
    let tech: Vec<String> = stocks
        .iter()
        .filter(|s| s.ticker.starts_with("TK"))
        .map(|s| s.ticker.clone())
        .chain(names(&["HC01", "IN01"]))
        .collect();
    let small: Vec<String> = stocks
        .iter()
        .filter(|s| s.ticker.starts_with("SC"))
        .map(|s| s.ticker.clone())
        .collect();
    let dow = names(&[
        "TK01", "TK02", "TK03", "TK05", "FN01", "FN02", "HC01", "HC02", "IN01", "IN02", "IN03",
        "XOM",
    ]);
    let b = |t: &str, members: Vec<String>, weighting, start_price, adv| Basket {
        ticker: t.into(),
        members,
        weighting,
        start_price,
        adv,
    };
    vec![
        b("SPY", large.clone(), Weighting::Cap, 110.0, 150e6),
        b("RSP", large, Weighting::Equal, 40.0, 3e6),
        b("QQQ", tech, Weighting::Cap, 46.0, 60e6),
        b("IWM", small, Weighting::Equal, 63.0, 40e6),
        b("DIA", dow, Weighting::Price, 105.0, 5e6),
        b("ITA", names(&DEFENSE_NAMES), Weighting::Cap, 55.0, 5e5),
        b("XAR", names(&DEFENSE_NAMES), Weighting::Equal, 45.0, 1e5),
        b(
            "ITB",
            names(&["HB01", "HB02", "HB03", "HB04", "HB05"]),
            Weighting::Cap,
            13.0,
            3e6,
        ),
        b(
            "XHB",
            names(&["HB01", "HB02", "HB03", "HB04", "HB05", "INVH", "IN03"]),
            Weighting::Equal,
            16.0,
            4e6,
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tickers_unique_and_members_known() {
        let s = stocks();
        let b = baskets(&s);
        let mut all: Vec<&str> = s
            .iter()
            .map(|x| x.ticker.as_str())
            .chain(b.iter().map(|x| x.ticker.as_str()))
            .collect();
        let n = all.len();
        all.sort_unstable();
        all.dedup();
        assert_eq!(all.len(), n);
        for basket in &b {
            assert!(!basket.members.is_empty());
            for m in &basket.members {
                assert!(s.iter().any(|x| &x.ticker == m), "{m} in {}", basket.ticker);
            }
        }
        assert!(s.iter().filter(|x| x.large).count() >= 30);
    }
}
