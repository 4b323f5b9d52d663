//! A stable 64-bit FNV-1a hash: the identity of a sweep (config, grid, data) in checkpoint
//! headers, and the checksum of each checkpoint record. Invariant: the value depends only on
//! the bytes fed, never on the platform, the Rust version or a random seed (unlike `std`'s
//! `DefaultHasher`).

/// FNV-1a, 64 bit.
#[derive(Debug, Clone, Copy)]
pub struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv {
    /// Feeds bytes.
    pub fn bytes(&mut self, b: &[u8]) -> &mut Self {
        for &x in b {
            self.0 ^= u64::from(x);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
        self
    }

    /// Feeds a length-prefixed string (so "ab"+"c" differs from "a"+"bc").
    pub fn str(&mut self, s: &str) -> &mut Self {
        self.u64(s.len() as u64).bytes(s.as_bytes())
    }

    /// Feeds a u64, little endian.
    pub fn u64(&mut self, v: u64) -> &mut Self {
        self.bytes(&v.to_le_bytes())
    }

    /// Feeds an f64's bits.
    pub fn f64(&mut self, v: f64) -> &mut Self {
        self.u64(v.to_bits())
    }

    /// The hash.
    pub fn finish(&self) -> u64 {
        self.0
    }
}

/// FNV-1a of a byte slice.
pub fn fnv(b: &[u8]) -> u64 {
    Fnv::default().bytes(b).finish()
}

/// Fingerprint of a market's data: symbols, timeline, every OHLCV value and the event feed's
/// timestamps and headlines. Two sweeps share a checkpoint only when this matches.
pub fn market_fingerprint(m: &rotor_data::Market) -> u64 {
    let mut h = Fnv::default();
    h.u64(m.n_bars() as u64);
    for &t in m.timestamps() {
        h.u64(t as u64);
    }
    for (s, name) in m.symbols().iter().enumerate() {
        h.str(name);
        for col in [m.open(s), m.high(s), m.low(s), m.close(s), m.volume(s)] {
            for &x in col {
                h.f64(x);
            }
        }
    }
    for e in m.events() {
        h.u64(e.timestamp as u64).str(&e.headline);
    }
    h.finish()
}

#[cfg(test)]
mod tests {
    #[test]
    fn known_vector() {
        // FNV-1a 64 of "a" (reference value from the FNV spec's test suite).
        assert_eq!(super::fnv(b"a"), 0xaf63_dc4c_8601_ec8c);
    }
}
