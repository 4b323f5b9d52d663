//! rotor-rng: the one place the workspace draws pseudo-random numbers.
//!
//! Two small, fully specified generators, so every seeded output (synthetic markets, `--random`
//! sweep grids, bootstrap intervals, benchmark data, property tests) depends only on its seed,
//! never on a crate's version, the platform, the thread count or a hash map's order:
//!
//! - [`SplitMix64`]: one `u64` of state; the bootstrap resamples, `--random` grids, benchmark
//!   data and the tests' random markets. [`SplitMix64::for_stream`] derives independent streams
//!   from `(seed, index)`, so parallel work draws the same numbers on any number of threads.
//! - [`Xoshiro256`]: xoshiro256** seeded through SplitMix64, with normal and Student-t draws;
//!   the synthetic market of `rotor data synth`.
//!
//! Conversions are shared: a uniform `f64` is the top 53 bits times 2^-53, a uniform integer
//! below `n` is Lemire's multiply-shift. The crate depends on nothing, so any crate may use it
//! (rotor-report included, which otherwise depends on no rotor crate).

mod splitmix;
mod xoshiro;

pub use splitmix::SplitMix64;
pub use xoshiro::Xoshiro256;

/// Uniform in [0, 1) from 64 random bits: the top 53 bits times 2^-53.
fn unit_f64(bits: u64) -> f64 {
    (bits >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// Uniform integer in [0, n) from 64 random bits by Lemire's multiply-shift (0 when n == 0; the
/// bias is below n / 2^64).
fn below_u64(bits: u64, n: u64) -> u64 {
    ((bits as u128 * n as u128) >> 64) as u64
}
