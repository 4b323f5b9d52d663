//! The report's per-bar vectors reserved fallibly on `rotor run` (see
//! [`rotor_report::alloc`]): running out of memory there is one error saying what was being
//! allocated and how much (exit code 1), like the engine's curves, not the global allocator's
//! generic line.

use rotor_engine::EngineError;
use rotor_report::alloc::Reserve;
use rotor_strategies::StrategyError;

use crate::error::AppError;

/// [`rotor_data::fallible::try_reserve_exact`]: a failed reservation is an
/// [`EngineError::OutOfMemory`] (as [`AppError::Run`], the same message as the run's buffers).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Fallibly;

impl Reserve for Fallibly {
    type Error = AppError;

    fn reserve<T>(&self, v: &mut Vec<T>, extra: usize, what: &'static str) -> Result<(), AppError> {
        rotor_data::fallible::try_reserve_exact(v, extra).map_err(|_| {
            let bytes = extra.saturating_mul(std::mem::size_of::<T>());
            let oom = EngineError::OutOfMemory { what, bytes };
            AppError::Run(Box::new(StrategyError::Engine(oom)))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_report_vector_too_big_is_an_out_of_memory_error_saying_what_and_how_much() {
        let mut v: Vec<f64> = Vec::new();
        let err = Fallibly
            .reserve(&mut v, usize::MAX / 16, "the report's per-bar returns")
            .unwrap_err();
        assert!(matches!(&err, AppError::Run(e) if e.is_out_of_memory()));
        assert_eq!(
            err.to_string(),
            "out of memory: the report's per-bar returns need 9223372036.85 GB; give rotor more \
             memory (ulimit -v, the container's limit), or run fewer symbols or a shorter date \
             range"
        );
        Fallibly.reserve(&mut v, 10, "x").unwrap();
        assert!(v.capacity() >= 10);
    }
}
