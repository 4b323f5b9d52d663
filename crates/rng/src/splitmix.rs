//! SplitMix64 (Steele, Lea & Flood 2014; the reference code of Vigna's `splitmix64.c`).

/// The golden-ratio increment of SplitMix64's state (2^64 / phi, odd).
const GAMMA: u64 = 0x9E37_79B9_7F4A_7C15;

/// SplitMix64: a 64-bit state advanced by a fixed odd increment and mixed on output.
#[derive(Debug, Clone)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    /// A generator with the given seed (its initial state).
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    /// The generator of stream `index` of `seed`: seeded with `seed ^ (index * 0x9E3779B97F4A7C15)`
    /// (wrapping). Work item `index` drawing from its own stream gets the same numbers whichever
    /// thread runs it and in whatever order (the bootstrap's resample k uses stream k).
    pub fn for_stream(seed: u64, index: u64) -> Self {
        Self(seed ^ index.wrapping_mul(GAMMA))
    }

    /// Next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(GAMMA);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1): the top 53 bits times 2^-53.
    pub fn next_f64(&mut self) -> f64 {
        crate::unit_f64(self.next_u64())
    }

    /// Uniform integer in [0, n) by Lemire's multiply-shift (0 when n == 0).
    pub fn below(&mut self, n: u64) -> u64 {
        crate::below_u64(self.next_u64(), n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reference_values() {
        // First outputs of splitmix64 seeded with 0 (Vigna's reference implementation).
        let mut g = SplitMix64::new(0);
        assert_eq!(g.next_u64(), 0xE220_A839_7B1D_CDAF);
        assert_eq!(g.next_u64(), 0x6E78_9E6A_A1B9_65F4);
        assert_eq!(g.next_u64(), 0x06C4_5D18_8009_454F);
    }

    #[test]
    fn streams_and_conversions() {
        // Stream 0 is the seed itself; other streams differ from the first draw.
        assert_eq!(
            SplitMix64::for_stream(9, 0).next_u64(),
            SplitMix64::new(9).next_u64()
        );
        let first = |k| SplitMix64::for_stream(9, k).next_u64();
        assert!((1..100).all(|k| first(k) != first(0)));
        let mut g = SplitMix64::new(1);
        for _ in 0..1000 {
            let u = g.next_f64();
            assert!((0.0..1.0).contains(&u));
            assert!(g.below(7) < 7);
        }
        assert_eq!(g.below(0), 0);
        // The largest draw maps just below 1 and below n.
        assert_eq!(crate::unit_f64(u64::MAX), 1.0 - 2f64.powi(-53));
        assert_eq!(crate::below_u64(u64::MAX, 10), 9);
    }
}
