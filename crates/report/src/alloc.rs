//! How the report reserves its per-bar vectors (the returns, the finite returns, the bootstrap's
//! prefix sums, the benchmark's returns): through a [`Reserve`] the caller chooses. The report
//! knows no allocator and no error type: [`Grow`] never fails (running out of memory is the
//! global allocator's business), and a binary whose allocator ends the process when memory runs
//! out passes one that lets the reservation fail and says what and how much (rotor-app's).

use std::convert::Infallible;

/// A way to reserve room in a vector.
pub trait Reserve {
    /// What a failed reservation gives.
    type Error;

    /// Room for exactly `extra` more items in `v`; `what` names the vector for the error.
    fn reserve<T>(
        &self,
        v: &mut Vec<T>,
        extra: usize,
        what: &'static str,
    ) -> Result<(), Self::Error>;

    /// An empty vector with room for exactly `n` items.
    fn with_capacity<T>(&self, n: usize, what: &'static str) -> Result<Vec<T>, Self::Error> {
        let mut v = Vec::new();
        self.reserve(&mut v, n, what)?;
        Ok(v)
    }
}

/// `Vec::reserve_exact`: never fails.
#[derive(Debug, Clone, Copy, Default)]
pub struct Grow;

impl Reserve for Grow {
    type Error = Infallible;

    fn reserve<T>(&self, v: &mut Vec<T>, extra: usize, _: &'static str) -> Result<(), Infallible> {
        v.reserve_exact(extra);
        Ok(())
    }
}

/// The value of a result that cannot fail.
pub fn never_fails<T>(r: Result<T, Infallible>) -> T {
    match r {
        Ok(v) => v,
        Err(never) => match never {},
    }
}

/// A [`Reserve`] that refuses any reservation of more than its bytes, saying what and how
/// much, like a caller's fallible one under a memory limit.
#[cfg(test)]
pub(crate) struct Capped(pub usize);

#[cfg(test)]
impl Reserve for Capped {
    type Error = String;

    fn reserve<T>(&self, v: &mut Vec<T>, extra: usize, what: &'static str) -> Result<(), String> {
        let bytes = extra.saturating_mul(std::mem::size_of::<T>());
        if bytes > self.0 {
            return Err(format!("{what} need {bytes} bytes"));
        }
        v.reserve_exact(extra);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::{Benchmark, RunSummary};
    use crate::stats::{compute_stats_in, compute_stats_with, Intervals};

    fn run(n: usize) -> RunSummary {
        let equity: Vec<f64> = (0..n).map(|t| 100.0 + (t as f64 * 0.7).sin()).collect();
        RunSummary {
            timestamps: (0..n as i64).map(|t| t * 86_400_000_000_000).collect(),
            long_exposure: equity.clone(),
            short_exposure: vec![0.0; n],
            initial_equity: 100.0,
            periods_per_year: 252.0,
            benchmark: Some(Benchmark {
                name: "B".into(),
                // One price more than bars (cut to the run's length): 8008 bytes of returns.
                prices: equity.iter().chain([&1.0]).map(|e| e * 2.0).collect(),
                base: None,
            }),
            equity,
            ..RunSummary::default()
        }
    }

    #[test]
    fn the_report_vectors_go_through_the_callers_reservation_and_name_themselves() {
        let r = run(1000);
        let err = compute_stats_in(&r, Intervals::Bootstrap, &Capped(7_999)).unwrap_err();
        assert_eq!(err, "the report's per-bar returns need 8000 bytes");
        let err = compute_stats_in(&r, Intervals::Bootstrap, &Capped(8_000)).unwrap_err();
        assert_eq!(err, "the report's bootstrap prefix sums need 32032 bytes");
        let err = compute_stats_in(&r, Intervals::Skip, &Capped(8_000)).unwrap_err();
        assert_eq!(err, "the report's benchmark returns need 8008 bytes");
        // Enough: the same statistics, bit for bit, as the infallible path.
        let fallible = compute_stats_in(&r, Intervals::Bootstrap, &Capped(40_000)).unwrap();
        let infallible = compute_stats_with(&r, Intervals::Bootstrap);
        assert_eq!(fallible.to_json(), infallible.to_json());
        assert_eq!(fallible.periods, 1000);
    }
}
