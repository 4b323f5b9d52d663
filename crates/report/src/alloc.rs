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
