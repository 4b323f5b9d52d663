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

/// Fingerprint of a market's data: everything a strategy, the fills or the report can read.
/// Symbols, timeline, session opens, the daily flag, every OHLCV value, `adj_close` and the
/// close-only flags, and every field of every event (timestamp, headline, tags, sentiment,
/// symbols). Two sweeps share a checkpoint (and shards merge) only when this matches.
pub fn market_fingerprint(m: &rotor_data::Market) -> u64 {
    let mut h = Fnv::default();
    h.str("market-2").u64(m.n_bars() as u64);
    h.u64(u64::from(m.is_daily()));
    for (t, &ts) in m.timestamps().iter().enumerate() {
        h.u64(ts as u64).u64(m.session_open(t) as u64);
    }
    for (s, name) in m.symbols().iter().enumerate() {
        h.str(name).u64(u64::from(m.is_close_only(s)));
        for col in [m.open(s), m.high(s), m.low(s), m.close(s), m.volume(s)] {
            for &x in col {
                h.f64(x);
            }
        }
        match m.adj_close(s) {
            Some(adj) => {
                h.str("adj_close");
                for &x in adj {
                    h.f64(x);
                }
            }
            None => {
                h.str("no adj_close");
            }
        }
    }
    h.u64(m.events().len() as u64);
    for e in m.events() {
        event_fingerprint(&mut h, e);
    }
    h.finish()
}

/// Feeds every field of one event (each list length-prefixed, an absent sentiment distinct from
/// any value).
fn event_fingerprint(h: &mut Fnv, e: &rotor_data::Event) {
    h.u64(e.timestamp as u64).str(&e.headline);
    h.u64(e.tags.len() as u64);
    for t in &e.tags {
        h.str(t);
    }
    match e.sentiment {
        Some(v) => h.u64(1).f64(v),
        None => h.u64(0),
    };
    h.u64(e.symbols.len() as u64);
    for s in &e.symbols {
        h.str(s);
    }
}

/// A sweep's identity and its parts. `sweep` is what a checkpoint header holds; the parts let a
/// mismatch say what changed (the config, the grid or the data).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Identity {
    /// Hash of everything below plus the options that change the records (`--pbo-sets`,
    /// `--keep-curves`) and the metric layout.
    pub sweep: u64,
    /// Hash of the resolved base config table (`--set` applied, `[sweep]` removed).
    pub config: u64,
    /// Hash of the axes, their values and the `--random` selection.
    pub grid: u64,
    /// [`market_fingerprint`] of the shared market.
    pub data: u64,
}

impl Identity {
    /// The identity of a sweep of `sets` over `base` and `market`, fed in a fixed order. A
    /// checkpoint written before the data fingerprint covered every event field is refused as
    /// "data changed" (rerun it): it may mix two feeds.
    pub fn compute(
        base: &toml::Table,
        sets: &crate::grid::ParamSets,
        market: &rotor_data::Market,
        pbo_sets: usize,
        keep_curves: bool,
    ) -> Identity {
        let base_text = toml::to_string(base).unwrap_or_default();
        let data = market_fingerprint(market);
        let mut h = Fnv::default();
        h.str("rotor-sweep-1")
            .str(&base_text)
            .u64(data)
            .u64(pbo_sets as u64)
            .u64(u64::from(keep_curves));
        sets.identity(&mut h);
        for c in crate::trial::metric_columns() {
            h.str(c);
        }
        let mut g = Fnv::default();
        sets.identity(&mut g);
        Identity {
            sweep: h.finish(),
            config: Fnv::default().str(&base_text).finish(),
            grid: g.finish(),
            data,
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn known_vector() {
        // FNV-1a 64 of "a" (reference value from the FNV spec's test suite).
        assert_eq!(super::fnv(b"a"), 0xaf63_dc4c_8601_ec8c);
    }
}
