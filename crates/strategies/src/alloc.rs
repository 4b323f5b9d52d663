//! How a strategy reserves its big buffers (a formula's columns, one value per bar and
//! universe member): infallibly, like [`rotor_engine::run`] (running out of memory is the
//! global allocator's business), or fallibly, like [`rotor_engine::try_run`] (an
//! [`EngineError::OutOfMemory`] saying what was being allocated and how much, before the first
//! bar). Buffers bounded by the number of symbols or a config's small lists stay plain `Vec`s.

use rotor_engine::EngineError;

use crate::error::StrategyError;

/// How the buffers of one build are reserved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Alloc {
    /// `Vec::reserve_exact`: never fails (the global allocator handles running out).
    Grow,
    /// [`rotor_data::fallible::try_reserve_exact`]: running out is an error.
    Fallibly,
}

impl Alloc {
    /// `Fallibly` when `fallible`, else `Grow`.
    pub(crate) fn new(fallible: bool) -> Self {
        if fallible {
            Alloc::Fallibly
        } else {
            Alloc::Grow
        }
    }

    /// An empty vector with room for exactly `n` items; `what` names it in the error.
    pub(crate) fn with_capacity<T>(
        self,
        n: usize,
        what: &'static str,
    ) -> Result<Vec<T>, StrategyError> {
        let mut v = Vec::new();
        match self {
            Alloc::Grow => v.reserve_exact(n),
            Alloc::Fallibly => {
                rotor_data::fallible::try_reserve_exact(&mut v, n).map_err(|_| {
                    EngineError::OutOfMemory {
                        what,
                        bytes: n.saturating_mul(std::mem::size_of::<T>()),
                    }
                })?
            }
        }
        Ok(v)
    }

    /// A vector of `n` copies of `value`.
    pub(crate) fn filled<T: Clone>(
        self,
        n: usize,
        value: T,
        what: &'static str,
    ) -> Result<Vec<T>, StrategyError> {
        let mut v = self.with_capacity(n, what)?;
        v.resize(n, value);
        Ok(v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_strategy_buffer_too_big_is_an_out_of_memory_error_saying_what_and_how_much() {
        let what = "the formula strategy's columns (strategy.weights)";
        let err = Alloc::Fallibly
            .filled(usize::MAX / 16, 0.0f64, what)
            .unwrap_err();
        assert!(err.is_out_of_memory());
        assert_eq!(
            err.to_string(),
            "out of memory: the formula strategy's columns (strategy.weights) need \
             9223372036.85 GB; give rotor more memory (ulimit -v, the container's limit), or \
             run fewer symbols or a shorter date range"
        );
        assert!(!rotor_data::fallible::reserving());
        assert_eq!(
            Alloc::Fallibly.filled(3, 1.5f64, what).unwrap(),
            vec![1.5; 3]
        );
        assert_eq!(Alloc::Grow.filled(2, 0u8, what).unwrap(), vec![0, 0]);
        assert!(Alloc::new(true) == Alloc::Fallibly && Alloc::new(false) == Alloc::Grow);
    }
}
