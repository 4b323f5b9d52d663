//! xoshiro256** (Blackman & Vigna 2018) seeded through SplitMix64, with normal and Student-t
//! draws.
//!
//! Invariant: the sequence depends only on the seed and the stream id, never on the platform,
//! the thread or a hash map's iteration order. Normal draws use the Marsaglia polar method (only
//! `ln` and `sqrt`), Student-t draws are built from normals, so no trigonometry is involved.

use crate::SplitMix64;

/// xoshiro256** generator with a cached spare normal draw.
#[derive(Debug, Clone)]
pub struct Xoshiro256 {
    s: [u64; 4],
    spare: Option<f64>,
}

impl Xoshiro256 {
    /// A generator for `seed` and an independent `stream` (one stream per purpose, so adding a
    /// draw in one part of the model does not reshuffle every other part).
    pub fn new(seed: u64, stream: u64) -> Self {
        let mix = SplitMix64::new(stream.wrapping_mul(0xD134_2543_DE82_EF95)).next_u64();
        let mut sm = SplitMix64::new(seed ^ mix);
        let mut s = [0u64; 4];
        for v in &mut s {
            *v = sm.next_u64();
        }
        if s == [0; 4] {
            s[0] = 1;
        }
        Xoshiro256 { s, spare: None }
    }

    /// Next raw 64-bit value.
    pub fn next_u64(&mut self) -> u64 {
        let result = self.s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = self.s[1] << 17;
        self.s[2] ^= self.s[0];
        self.s[3] ^= self.s[1];
        self.s[1] ^= self.s[2];
        self.s[0] ^= self.s[3];
        self.s[2] ^= t;
        self.s[3] = self.s[3].rotate_left(45);
        result
    }

    /// Uniform in [0, 1), 53 bits of precision.
    pub fn next_f64(&mut self) -> f64 {
        crate::unit_f64(self.next_u64())
    }

    /// Uniform in [lo, hi).
    pub fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.next_f64()
    }

    /// Uniform integer in [0, n) (n > 0; 0 when n == 0).
    pub fn below(&mut self, n: u64) -> u64 {
        crate::below_u64(self.next_u64(), n)
    }

    /// Standard normal draw (Marsaglia polar method).
    pub fn normal(&mut self) -> f64 {
        if let Some(z) = self.spare.take() {
            return z;
        }
        loop {
            let u = 2.0 * self.next_f64() - 1.0;
            let v = 2.0 * self.next_f64() - 1.0;
            let s = u * u + v * v;
            if s > 0.0 && s < 1.0 {
                let m = (-2.0 * s.ln() / s).sqrt();
                self.spare = Some(v * m);
                return u * m;
            }
        }
    }

    /// Student-t draw with integer `df` (>= 3) degrees of freedom, scaled to unit variance.
    pub fn student_t(&mut self, df: u32) -> f64 {
        let df = df.max(3);
        let z = self.normal();
        let mut chi2 = 0.0;
        for _ in 0..df {
            let x = self.normal();
            chi2 += x * x;
        }
        let nu = df as f64;
        z / (chi2 / nu).sqrt() * ((nu - 2.0) / nu).sqrt()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_are_reproducible_and_distinct() {
        let a: Vec<u64> = (0..5).map(|_| Xoshiro256::new(7, 1).next_u64()).collect();
        assert!(a.windows(2).all(|w| w[0] == w[1]));
        let mut x = Xoshiro256::new(7, 1);
        let mut y = Xoshiro256::new(7, 2);
        assert_ne!(x.next_u64(), y.next_u64());
    }

    #[test]
    fn moments_are_about_right() {
        let mut r = Xoshiro256::new(2026, 0);
        let n = 200_000;
        let (mut s1, mut s2, mut t2) = (0.0, 0.0, 0.0);
        for _ in 0..n {
            let z = r.normal();
            s1 += z;
            s2 += z * z;
            let t = r.student_t(5);
            t2 += t * t;
        }
        let n = n as f64;
        assert!((s1 / n).abs() < 0.01);
        assert!((s2 / n - 1.0).abs() < 0.02);
        assert!((t2 / n - 1.0).abs() < 0.05);
        let u = r.next_f64();
        assert!((0.0..1.0).contains(&u));
        assert!(r.below(10) < 10);
    }
}
