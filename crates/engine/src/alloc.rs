//! How a run allocates its big buffers (the per-bar curves of [`crate::RunResult`], the
//! adjusted columns of [`crate::Prices`]): infallibly ([`Grow`], out of memory is the global
//! allocator's business) or fallibly ([`Fallibly`], out of memory is an
//! [`EngineError::OutOfMemory`] saying what was being allocated and how much).
//!
//! Only these reservations are made here; the loop itself appends fills, trades and
//! rejections only (never per bar).

use std::convert::Infallible;

use crate::EngineError;

/// A way to reserve room in a vector.
pub(crate) trait Reserve {
    /// What a failed reservation gives.
    type Error;

    /// Room for exactly `extra` more items in `v`; on failure, `what` and `bytes` (the whole
    /// allocation it is part of) describe it.
    fn reserve<T>(
        &self,
        v: &mut Vec<T>,
        extra: usize,
        what: &'static str,
        bytes: usize,
    ) -> Result<(), Self::Error>;
}

/// `Vec::reserve_exact`: never fails (running out of memory ends the process).
pub(crate) struct Grow;

impl Reserve for Grow {
    type Error = Infallible;

    fn reserve<T>(
        &self,
        v: &mut Vec<T>,
        extra: usize,
        _: &'static str,
        _: usize,
    ) -> Result<(), Infallible> {
        v.reserve_exact(extra);
        Ok(())
    }
}

/// A fallible reservation ([`rotor_data::fallible::try_reserve_exact`]).
pub(crate) struct Fallibly;

impl Reserve for Fallibly {
    type Error = EngineError;

    fn reserve<T>(
        &self,
        v: &mut Vec<T>,
        extra: usize,
        what: &'static str,
        bytes: usize,
    ) -> Result<(), EngineError> {
        rotor_data::fallible::try_reserve_exact(v, extra)
            .map_err(|_| EngineError::OutOfMemory { what, bytes })
    }
}

/// The value of a result that cannot fail.
pub(crate) fn never_fails<T>(r: Result<T, Infallible>) -> T {
    match r {
        Ok(v) => v,
        Err(never) => match never {},
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reservation_too_big_is_an_out_of_memory_error_saying_what_and_how_much() {
        let mut v: Vec<f64> = Vec::new();
        let err = Fallibly
            .reserve(
                &mut v,
                usize::MAX / 16,
                "the run's per-bar curves",
                7_000_000_000,
            )
            .unwrap_err();
        assert!(err.is_out_of_memory());
        assert_eq!(
            err.to_string(),
            "out of memory: the run's per-bar curves need 7.00 GB; give rotor more memory \
             (ulimit -v, the container's limit), or run fewer symbols or a shorter date range"
        );
        Fallibly.reserve(&mut v, 10, "x", 80).unwrap();
        assert!(v.capacity() >= 10);
        assert!(!rotor_data::fallible::reserving());
    }
}
