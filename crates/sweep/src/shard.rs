//! Sharding a sweep over machines: `--shard I/N` runs the sets whose index `i` has
//! `i % N == I`, and `rotor sweep merge` unions the shards' records into one sweep.
//!
//! Round robin rather than contiguous blocks: neighbouring sets differ only in the fastest axis,
//! so a slow region of the grid (long lookbacks, daily rebalancing) is spread over every shard
//! instead of landing on one.
//!
//! Invariants: the slice depends only on (I, N, number of sets), never on the machine or the
//! thread count, and the N slices partition `0..n`. A shard's checkpoint header holds the sweep's
//! identity mixed with (I, N) ([`Shard::header_identity`]), so it resumes only as the same shard
//! of the same sweep. Its manifest ([`MANIFEST`]) says which shard it is, the identity's parts
//! (so a mismatch can name what differs) and the inputs that rebuild the sweep, so a merge needs
//! nothing but the shard folders.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::SweepError;
use crate::hash::{Fnv, Identity};

/// File name of the shard manifest inside a shard's output folder.
pub const MANIFEST: &str = "sweep.shard";

/// Shard `index` of `count` (`0 <= index < count`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// I, counted from 0.
    pub index: usize,
    /// N, at least 1.
    pub count: usize,
}

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

impl Shard {
    /// Parses `I/N`.
    pub fn parse(spec: &str) -> Result<Shard, SweepError> {
        let err = |reason: &str| SweepError::BadShard {
            spec: spec.to_string(),
            reason: reason.to_string(),
        };
        let (i, n) = spec
            .split_once('/')
            .ok_or_else(|| err("expected I/N, e.g. --shard 0/4 (shard I of N, counted from 0)"))?;
        let num = |s: &str| s.trim().parse::<usize>().ok();
        let (Some(index), Some(count)) = (num(i), num(n)) else {
            return Err(err(
                "expected I/N with whole numbers, e.g. --shard 0/4 (shard I of N, counted from 0)",
            ));
        };
        if count == 0 {
            return Err(err("the shard count N must be at least 1"));
        }
        if index >= count {
            return Err(err(&format!(
                "the shard index must be below the count: shards are numbered 0..{} (0 <= I < N)",
                count - 1
            )));
        }
        Ok(Shard { index, count })
    }

    /// True when set `i` belongs to this shard.
    pub fn contains(&self, i: usize) -> bool {
        i % self.count.max(1) == self.index
    }

    /// This shard's set indices among `n` sets, ascending.
    pub fn indices(&self, n: usize) -> impl Iterator<Item = usize> {
        (self.index..n).step_by(self.count.max(1))
    }

    /// Number of this shard's sets among `n`.
    pub fn len(&self, n: usize) -> usize {
        n.saturating_sub(self.index).div_ceil(self.count.max(1))
    }

    /// The identity written into this shard's checkpoint header: the sweep's, mixed with (I, N).
    pub fn header_identity(&self, sweep: u64) -> u64 {
        Fnv::default()
            .u64(sweep)
            .str("shard")
            .u64(self.index as u64)
            .u64(self.count as u64)
            .finish()
    }
}

/// What rebuilds the sweep at merge time: the command line of `rotor sweep` (paths absolute).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Inputs {
    /// The config file, absolute.
    pub config: PathBuf,
    /// `--set` values, in order.
    #[serde(default)]
    pub set: Vec<String>,
    /// `--grid` values, in order (empty: the config's `[sweep]` table).
    #[serde(default)]
    pub grid: Vec<String>,
    /// `--random N`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub random: Option<u64>,
    /// `--seed`.
    pub seed: u64,
    /// `--pbo-sets`.
    pub pbo_sets: usize,
    /// `--keep-curves`.
    pub keep_curves: bool,
    /// `--rank-by` (the merge's default).
    pub rank_by: String,
    /// `--top` (the merge's default).
    pub top: usize,
    /// `--pbo-blocks` (the merge's default).
    pub pbo_blocks: usize,
}

/// The manifest of one shard folder (TOML).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// I.
    pub shard: usize,
    /// N.
    pub shards: usize,
    /// Number of parameter sets of the whole sweep.
    pub sets: u64,
    /// The sweep's identity, hex.
    pub identity: String,
    /// Hash of the resolved base config, hex.
    pub config_hash: String,
    /// Hash of the grid, hex.
    pub grid_hash: String,
    /// Fingerprint of the market data, hex.
    pub data_hash: String,
    /// How to rebuild the sweep.
    pub inputs: Inputs,
}

fn hex(v: u64) -> String {
    format!("{v:016x}")
}

impl Manifest {
    /// The manifest of `shard` of the sweep `id` of `sets` sets.
    pub fn new(shard: Shard, id: &Identity, sets: u64, inputs: Inputs) -> Manifest {
        Manifest {
            shard: shard.index,
            shards: shard.count,
            sets,
            identity: hex(id.sweep),
            config_hash: hex(id.config),
            grid_hash: hex(id.grid),
            data_hash: hex(id.data),
            inputs,
        }
    }

    /// Which shard this is.
    pub fn shard(&self) -> Shard {
        Shard {
            index: self.shard,
            count: self.shards,
        }
    }

    /// The identity it records (validated by [`Manifest::read`]).
    pub fn identity(&self) -> Identity {
        let p = |s: &str| u64::from_str_radix(s, 16).unwrap_or(0);
        Identity {
            sweep: p(&self.identity),
            config: p(&self.config_hash),
            grid: p(&self.grid_hash),
            data: p(&self.data_hash),
        }
    }

    /// What differs between this shard's sweep and the sweep `id` of `sets` sets, if anything.
    pub fn differs_from(&self, id: &Identity, sets: u64) -> Option<&'static str> {
        let mine = self.identity();
        if mine.config != id.config {
            Some("the config (or its --set values)")
        } else if mine.grid != id.grid || self.sets != sets {
            Some("the grid (--grid, --random, --seed)")
        } else if mine.data != id.data {
            Some("the data")
        } else if mine.sweep != id.sweep {
            Some("the options (--pbo-sets, --keep-curves)")
        } else {
            None
        }
    }

    /// Writes `dir/sweep.shard` atomically.
    pub fn write(&self, dir: &Path) -> Result<(), SweepError> {
        let path = dir.join(MANIFEST);
        let body = toml::to_string(self).map_err(|e| SweepError::io(&path, e))?;
        let text = format!(
            "# A shard of a rotor sweep: merge all {} shards with `rotor sweep merge DIR... --out DIR`.\n{body}",
            self.shards
        );
        rotor_data::table::write_atomic(&path, text.as_bytes()).map_err(|e| SweepError::Io {
            path: path.clone(),
            reason: e.to_string(),
        })
    }

    /// Reads `dir/sweep.shard`; `Ok(None)` when the folder has none.
    pub fn read(dir: &Path) -> Result<Option<Manifest>, SweepError> {
        let path = dir.join(MANIFEST);
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(SweepError::io(&path, format!("cannot read: {e}"))),
        };
        let bad = |reason: String| SweepError::Shard {
            path: path.clone(),
            reason: format!("not a valid shard manifest: {reason}"),
        };
        let m: Manifest = toml::from_str(&text).map_err(|e| bad(e.message().to_string()))?;
        if m.shards == 0 || m.shard >= m.shards {
            return Err(bad(format!(
                "shard {}/{} is out of range",
                m.shard, m.shards
            )));
        }
        for h in [&m.identity, &m.config_hash, &m.grid_hash, &m.data_hash] {
            if u64::from_str_radix(h, 16).is_err() {
                return Err(bad(format!("`{h}` is not a hex hash")));
            }
        }
        Ok(Some(m))
    }
}

/// Checks that `found` (folder, manifest) is exactly the N shards of one sweep: same shard
/// count and identity, no shard twice, none missing. Returns positions into `found`, by shard.
pub fn check(found: &[(PathBuf, Manifest)]) -> Result<Vec<usize>, SweepError> {
    let Some((d0, m0)) = found.first() else {
        return Err(SweepError::Shard {
            path: PathBuf::from("merge"),
            reason: "no shard folders given".into(),
        });
    };
    let mut by_shard: BTreeMap<usize, usize> = BTreeMap::new();
    for (k, (d, m)) in found.iter().enumerate() {
        if m.shards != m0.shards {
            return Err(SweepError::Shard {
                path: d.clone(),
                reason: format!(
                    "shard {} does not fit with shard {} in {}: the shard counts differ",
                    m.shard(),
                    m0.shard(),
                    d0.display()
                ),
            });
        }
        if let Some(what) = m.differs_from(&m0.identity(), m0.sets) {
            return Err(SweepError::Shard {
                path: d.clone(),
                reason: format!(
                    "shard {} belongs to a different sweep than {} (shard {}): {what} differs",
                    m.shard(),
                    d0.display(),
                    m0.shard()
                ),
            });
        }
        if let Some(&other) = by_shard.get(&m.shard) {
            return Err(SweepError::Shard {
                path: d.clone(),
                reason: format!(
                    "shard {} is given twice (also {}): keep one",
                    m.shard(),
                    found[other].0.display()
                ),
            });
        }
        by_shard.insert(m.shard, k);
    }
    // Only the first few are listed: N may be far above the shards given (a 0/99999999999
    // shard listed every missing one, for minutes and gigabytes).
    let present = by_shard.range(..m0.shards).count();
    let missing: Vec<usize> = (0..m0.shards)
        .filter(|i| !by_shard.contains_key(i))
        .take(crate::error::MISSING_LISTED)
        .collect();
    if !missing.is_empty() {
        let mut dirs: Vec<String> = found
            .iter()
            .take(4)
            .map(|(d, _)| d.display().to_string())
            .collect();
        if found.len() > 4 {
            dirs.push(format!("... {} folders", found.len()));
        }
        return Err(SweepError::MissingShards {
            missing,
            total: m0.shards - present,
            count: m0.shards,
            dirs: dirs.join(", "),
        });
    }
    Ok(by_shard.into_values().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slices_partition_the_sets() {
        for n in [0, 1, 7, 40] {
            for count in [1, 2, 3, 8, 50] {
                let mut seen = vec![0u8; n];
                for index in 0..count {
                    let s = Shard { index, count };
                    let idx: Vec<usize> = s.indices(n).collect();
                    assert_eq!(idx.len(), s.len(n));
                    assert!(idx.iter().all(|&i| s.contains(i)));
                    for i in idx {
                        seen[i] += 1;
                    }
                }
                assert!(seen.iter().all(|&c| c == 1), "n {n} count {count}");
            }
        }
        let s = Shard::parse("1/3").unwrap();
        assert_eq!(s.indices(8).collect::<Vec<_>>(), vec![1, 4, 7]);
        assert_ne!(
            s.header_identity(9),
            Shard::parse("2/3").unwrap().header_identity(9)
        );
    }

    #[test]
    fn bad_shards() {
        for (spec, why) in [
            ("0/0", "at least 1"),
            ("3/2", "below the count"),
            ("2/2", "below the count"),
            ("x", "expected I/N"),
            ("1/b", "whole numbers"),
            ("-1/3", "whole numbers"),
        ] {
            let e = Shard::parse(spec).unwrap_err().to_string();
            assert!(e.contains(spec) && e.contains(why), "{spec}: {e}");
        }
        assert_eq!(
            Shard::parse(" 0 / 1 ").unwrap(),
            Shard { index: 0, count: 1 }
        );
    }

    fn manifest(shard: usize, shards: usize, config: u64) -> Manifest {
        let id = Identity {
            sweep: 1 + config,
            config,
            grid: 2,
            data: 3,
        };
        let inputs = Inputs {
            config: "/c.toml".into(),
            set: vec![],
            grid: vec!["strategy.lookback=1,2".into()],
            random: None,
            seed: 0,
            pbo_sets: 2000,
            keep_curves: false,
            rank_by: "sharpe".into(),
            top: 10,
            pbo_blocks: 16,
        };
        Manifest::new(
            Shard {
                index: shard,
                count: shards,
            },
            &id,
            8,
            inputs,
        )
    }

    #[test]
    fn manifest_round_trip_and_merge_checks() {
        let dir = tempfile::tempdir().unwrap();
        let m = manifest(1, 4, 7);
        assert_eq!(Manifest::read(dir.path()).unwrap(), None);
        m.write(dir.path()).unwrap();
        assert_eq!(Manifest::read(dir.path()).unwrap(), Some(m.clone()));

        let f = |s: usize, n: usize, c: u64| (PathBuf::from(format!("d{s}")), manifest(s, n, c));
        let all = vec![f(2, 3, 7), f(0, 3, 7), f(1, 3, 7)];
        assert_eq!(check(&all).unwrap(), vec![1, 2, 0]);
        let e = check(&[
            f(0, 8, 7),
            f(1, 8, 7),
            f(3, 8, 7),
            f(4, 8, 7),
            f(6, 8, 7),
            f(7, 8, 7),
        ])
        .unwrap_err()
        .to_string();
        assert!(
            e.starts_with("missing shards 2, 5 of 8 (merging d0, d1"),
            "{e}"
        );
        let e = check(&[f(0, 2, 7), f(0, 2, 7)]).unwrap_err().to_string();
        assert!(e.contains("given twice"), "{e}");
        // One shard of 99,999,999,999: the message lists 20 and counts the rest, at once (it
        // listed every missing shard, for minutes and gigabytes).
        let e = check(&[f(1, 99_999_999_999, 7)]).unwrap_err().to_string();
        assert!(
            e.starts_with("missing shards 0, 2, 3,")
                && e.contains(", 20, ... (99999999998 in all) of 99999999999 (merging d1)"),
            "{e}"
        );
        let e = check(&[f(0, 2, 7), f(1, 2, 8)]).unwrap_err().to_string();
        assert!(e.starts_with("d1: ") && e.contains("the config"), "{e}");
        let e = check(&[f(0, 2, 7), f(1, 3, 7)]).unwrap_err().to_string();
        assert!(e.contains("shard counts differ"), "{e}");
    }
}
