//! The sweep checkpoint: an append-only binary file of completed parameter sets.
//!
//! Layout (little endian): a header `ROTORSWEEP1\n`, u64 identity (hash of config, grid and
//! data), u64 number of sets, u32 number of metric columns; then one frame per completed set:
//! u32 payload length, payload, u64 FNV-1a of the payload. Payload: u64 set index, u8 tag; tag 0
//! (ran): u32 m, m x f64 metrics (NaN = undefined), u8 + [u32 n, n x f32] returns, u8 + [u32 n,
//! n x f64] equity; tag 1 (invalid): u32 n, n bytes of UTF-8 reason.
//!
//! Invariants: frames are appended in completion order by one writer thread, each batch written
//! (`write`) within milliseconds of its first frame, so a killed process loses only the sets in
//! flight (written data is the kernel's); the file is `fsync`ed at most every [`SYNC_EVERY`] and at the end, so
//! a machine crash loses at most that much more. A torn or corrupt tail is detected by length
//! and checksum and cut off on resume. Order in the file carries no meaning: outputs are
//! assembled by set index.

use std::collections::BTreeMap;
use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError, Sender};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::error::SweepError;
use crate::hash::fnv;
use crate::trial::Outcome;

/// File name of the checkpoint inside the output folder.
pub const FILE: &str = "sweep.checkpoint";
const MAGIC: &[u8; 12] = b"ROTORSWEEP1\n";
const HEADER_LEN: usize = 12 + 8 + 8 + 4;
/// Longest time written frames wait for their `fsync`. A sync per batch cost a sync every few
/// sets of a fast sweep (hundreds per second, kernel time comparable to the statistics).
pub const SYNC_EVERY: Duration = Duration::from_millis(250);
/// How long the writer lets finished frames gather before writing them (a set finished this
/// long ago is still "in flight" for a killed process).
const COLLECT: Duration = Duration::from_millis(5);

/// What a checkpoint must match to be resumed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header {
    /// Hash of the resolved base config, the grid and the market data.
    pub identity: u64,
    /// Number of parameter sets.
    pub n_sets: u64,
    /// Number of metric columns.
    pub n_metrics: u32,
}

impl Header {
    fn bytes(&self) -> Vec<u8> {
        let mut b = MAGIC.to_vec();
        b.extend_from_slice(&self.identity.to_le_bytes());
        b.extend_from_slice(&self.n_sets.to_le_bytes());
        b.extend_from_slice(&self.n_metrics.to_le_bytes());
        b
    }
}

/// One frame (length, payload, checksum) for set `set`.
pub fn encode(set: usize, o: &Outcome) -> Vec<u8> {
    let payload = match o {
        Outcome::Done {
            metrics,
            returns,
            equity,
        } => {
            let r = returns.as_ref().map_or(0, |v| 4 + 4 * v.len());
            let e = equity.as_ref().map_or(0, |v| 4 + 8 * v.len());
            8 + 1 + 4 + 8 * metrics.len() + 1 + r + 1 + e
        }
        Outcome::Invalid(reason) => 8 + 1 + 4 + reason.len(),
    };
    // The frame is built in place: length, payload, checksum.
    let mut f = Vec::with_capacity(4 + payload + 8);
    f.extend_from_slice(&[0; 4]);
    let p = &mut f;
    p.extend_from_slice(&(set as u64).to_le_bytes());
    match o {
        Outcome::Done {
            metrics,
            returns,
            equity,
        } => {
            p.push(0);
            p.extend_from_slice(&(metrics.len() as u32).to_le_bytes());
            for m in metrics {
                p.extend_from_slice(&m.to_le_bytes());
            }
            match returns {
                Some(r) => {
                    p.push(1);
                    p.extend_from_slice(&(r.len() as u32).to_le_bytes());
                    for x in r {
                        p.extend_from_slice(&x.to_le_bytes());
                    }
                }
                None => p.push(0),
            }
            match equity {
                Some(e) => {
                    p.push(1);
                    p.extend_from_slice(&(e.len() as u32).to_le_bytes());
                    for x in e {
                        p.extend_from_slice(&x.to_le_bytes());
                    }
                }
                None => p.push(0),
            }
        }
        Outcome::Invalid(reason) => {
            p.push(1);
            p.extend_from_slice(&(reason.len() as u32).to_le_bytes());
            p.extend_from_slice(reason.as_bytes());
        }
    }
    let n = f.len() - 4;
    f[..4].copy_from_slice(&(n as u32).to_le_bytes());
    let sum = fnv(&f[4..]);
    f.extend_from_slice(&sum.to_le_bytes());
    f
}

struct Cursor<'a>(&'a [u8]);

impl<'a> Cursor<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        if self.0.len() < n {
            return None;
        }
        let (a, b) = self.0.split_at(n);
        self.0 = b;
        Some(a)
    }
    fn u8(&mut self) -> Option<u8> {
        self.take(1).map(|b| b[0])
    }
    fn u32(&mut self) -> Option<u32> {
        self.take(4)
            .map(|b| u32::from_le_bytes(b.try_into().unwrap_or_default()))
    }
    fn u64(&mut self) -> Option<u64> {
        self.take(8)
            .map(|b| u64::from_le_bytes(b.try_into().unwrap_or_default()))
    }
}

fn decode(p: &[u8]) -> Option<(usize, Outcome)> {
    let mut c = Cursor(p);
    let set = c.u64()? as usize;
    let o = match c.u8()? {
        0 => {
            let m = c.u32()? as usize;
            let metrics = (0..m)
                .map(|_| c.u64().map(f64::from_bits))
                .collect::<Option<Vec<_>>>()?;
            let returns = match c.u8()? {
                1 => {
                    let n = c.u32()? as usize;
                    let b = c.take(n.checked_mul(4)?)?;
                    Some(
                        b.chunks_exact(4)
                            .map(|x| f32::from_le_bytes(x.try_into().unwrap_or_default()))
                            .collect(),
                    )
                }
                _ => None,
            };
            let equity = match c.u8()? {
                1 => {
                    let n = c.u32()? as usize;
                    let b = c.take(n.checked_mul(8)?)?;
                    Some(
                        b.chunks_exact(8)
                            .map(|x| f64::from_le_bytes(x.try_into().unwrap_or_default()))
                            .collect(),
                    )
                }
                _ => None,
            };
            Outcome::Done {
                metrics,
                returns,
                equity,
            }
        }
        1 => {
            let n = c.u32()? as usize;
            Outcome::Invalid(String::from_utf8_lossy(c.take(n)?).into_owned())
        }
        _ => return None,
    };
    Some((set, o))
}

/// The completed sets of a checkpoint, and the length of its intact prefix.
#[derive(Debug, Default)]
pub struct Contents {
    /// Completed sets by index (the first frame wins if a set appears twice).
    pub done: BTreeMap<usize, Outcome>,
    /// Bytes of header plus intact frames; anything after is a torn write.
    pub valid_len: u64,
}

/// Reads a checkpoint and checks that it belongs to the sweep described by `expected`. Frames
/// are streamed (the file is never held in memory whole).
pub fn read(path: &Path, expected: &Header) -> Result<Contents, SweepError> {
    let file = File::open(path)
        .map_err(|e| SweepError::io(path, format!("cannot read checkpoint: {e}")))?;
    let mut r = std::io::BufReader::with_capacity(1 << 16, file);
    let mismatch = |why: &str| SweepError::Checkpoint {
        path: path.to_path_buf(),
        reason: format!("cannot resume: {why} (use --force without --resume to start over)"),
    };
    let mut head = [0u8; HEADER_LEN];
    if r.read_exact(&mut head).is_err() || &head[..12] != MAGIC {
        return Err(mismatch("not a rotor sweep checkpoint"));
    }
    if head[..] != expected.bytes()[..] {
        return Err(mismatch(
            "it belongs to a different sweep (the config, the grid or the data changed)",
        ));
    }
    let mut out = Contents {
        valid_len: HEADER_LEN as u64,
        ..Default::default()
    };
    let mut payload = Vec::new();
    loop {
        let mut len = [0u8; 4];
        if r.read_exact(&mut len).is_err() {
            break;
        }
        let len = u32::from_le_bytes(len) as usize;
        if len > 1 << 28 {
            break; // corrupt length: treat as a torn tail
        }
        payload.resize(len, 0);
        let mut sum = [0u8; 8];
        if r.read_exact(&mut payload).is_err() || r.read_exact(&mut sum).is_err() {
            break;
        }
        if u64::from_le_bytes(sum) != fnv(&payload) {
            break;
        }
        let Some((set, o)) = decode(&payload) else {
            break;
        };
        if set as u64 >= expected.n_sets {
            break;
        }
        out.done.entry(set).or_insert(o);
        out.valid_len += 4 + len as u64 + 8;
    }
    Ok(out)
}

/// Number of intact frames in a checkpoint, whatever sweep it belongs to (for progress checks
/// and tests); 0 when the file is missing or not a checkpoint.
pub fn count(path: &Path) -> usize {
    let Ok(bytes) = std::fs::read(path) else {
        return 0;
    };
    if bytes.len() < HEADER_LEN || &bytes[..12] != MAGIC {
        return 0;
    }
    let mut c = Cursor(&bytes[HEADER_LEN..]);
    let mut n = 0;
    while let Some(len) = c.u32() {
        let (Some(p), Some(sum)) = (c.take(len as usize), c.u64()) else {
            break;
        };
        if sum != fnv(p) {
            break;
        }
        n += 1;
    }
    n
}

/// Appends frames from many threads through one writer thread that batches, writes and syncs
/// (see [`SYNC_EVERY`]).
pub struct Writer {
    tx: Option<Sender<Vec<u8>>>,
    handle: Option<JoinHandle<std::io::Result<()>>>,
    failed: Arc<AtomicBool>,
    synced: Arc<AtomicUsize>,
    path: PathBuf,
}

/// The writer thread: writes each batch of queued frames at once and syncs the file when
/// [`SYNC_EVERY`] has passed since the last sync (also while idle) and when the queue closes.
/// `synced` counts the frames synced so far.
fn write_loop(f: &mut File, rx: &Receiver<Vec<u8>>, synced: &AtomicUsize) -> std::io::Result<()> {
    let mut unsynced = 0;
    let mut last_sync = Instant::now();
    let mut buf = Vec::new();
    loop {
        let wait = SYNC_EVERY.saturating_sub(last_sync.elapsed());
        let open = match rx.recv_timeout(wait) {
            Ok(first) => {
                buf.clear();
                buf.extend_from_slice(&first);
                unsynced += 1;
                // Let the frames finishing meanwhile queue up: one write for them all, and no
                // wake-up of this thread per frame.
                std::thread::sleep(COLLECT);
                while let Ok(more) = rx.try_recv() {
                    buf.extend_from_slice(&more);
                    unsynced += 1;
                }
                f.write_all(&buf)?;
                true
            }
            Err(RecvTimeoutError::Timeout) => true,
            Err(RecvTimeoutError::Disconnected) => false,
        };
        if !open || last_sync.elapsed() >= SYNC_EVERY {
            if unsynced > 0 {
                f.sync_data()?;
                synced.fetch_add(unsynced, Ordering::Release);
                unsynced = 0;
            }
            last_sync = Instant::now();
        }
        if !open {
            return Ok(());
        }
    }
}

impl Writer {
    /// Starts a new checkpoint at `path` (replacing any), header written and synced.
    pub fn create(path: &Path, header: &Header) -> Result<Writer, SweepError> {
        let mut f = File::create(path).map_err(|e| SweepError::io(path, e))?;
        f.write_all(&header.bytes())
            .and_then(|_| f.sync_all())
            .map_err(|e| SweepError::io(path, e))?;
        if let Some(dir) = path.parent() {
            // make the new file's directory entry durable too
            let _ = File::open(dir).and_then(|d| d.sync_all());
        }
        Ok(Self::start(f, path))
    }

    /// Reopens an existing checkpoint, cutting off a torn tail at `valid_len`.
    pub fn append(path: &Path, valid_len: u64) -> Result<Writer, SweepError> {
        let mut f = OpenOptions::new()
            .write(true)
            .open(path)
            .map_err(|e| SweepError::io(path, e))?;
        f.set_len(valid_len)
            .and_then(|_| f.seek(SeekFrom::End(0)).map(|_| ()))
            .and_then(|_| f.sync_all())
            .map_err(|e| SweepError::io(path, e))?;
        Ok(Self::start(f, path))
    }

    fn start(mut f: File, path: &Path) -> Writer {
        let (tx, rx) = channel::<Vec<u8>>();
        let failed = Arc::new(AtomicBool::new(false));
        let synced = Arc::new(AtomicUsize::new(0));
        let (fl, sy) = (failed.clone(), synced.clone());
        let handle = std::thread::spawn(move || -> std::io::Result<()> {
            let result = write_loop(&mut f, &rx, &sy);
            if result.is_err() {
                fl.store(true, Ordering::Release);
            }
            result
        });
        Writer {
            tx: Some(tx),
            handle: Some(handle),
            failed,
            synced,
            path: path.to_path_buf(),
        }
    }

    /// Queues one frame (see [`encode`]).
    pub fn send(&self, frame: Vec<u8>) {
        if let Some(tx) = &self.tx {
            let _ = tx.send(frame);
        }
    }

    /// True once a write or fsync failed (the sweep should stop).
    pub fn failed(&self) -> bool {
        self.failed.load(Ordering::Acquire)
    }

    /// Frames written and synced so far.
    pub fn synced(&self) -> usize {
        self.synced.load(Ordering::Acquire)
    }

    /// Flushes everything queued and stops the writer thread.
    pub fn finish(mut self) -> Result<(), SweepError> {
        self.tx.take();
        match self.handle.take().map(|h| h.join()) {
            Some(Ok(Ok(()))) | None => Ok(()),
            Some(Ok(Err(e))) => Err(SweepError::io(&self.path, e)),
            Some(Err(_)) => Err(SweepError::io(&self.path, "checkpoint writer panicked")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_torn_tail() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join(FILE);
        let h = Header {
            identity: 42,
            n_sets: 10,
            n_metrics: 2,
        };
        let w = Writer::create(&p, &h).unwrap();
        let a = Outcome::Done {
            metrics: vec![1.5, f64::NAN],
            returns: Some(vec![0.25, -0.5]),
            equity: None,
        };
        w.send(encode(3, &a));
        w.send(encode(1, &Outcome::Invalid("fast >= slow".into())));
        w.finish().unwrap();
        // torn tail: half a frame
        let frame = encode(7, &a);
        let mut f = OpenOptions::new().append(true).open(&p).unwrap();
        f.write_all(&frame[..frame.len() / 2]).unwrap();
        drop(f);
        let c = read(&p, &h).unwrap();
        assert_eq!(c.done.len(), 2);
        assert_eq!(c.done[&1], Outcome::Invalid("fast >= slow".into()));
        match &c.done[&3] {
            Outcome::Done {
                metrics, returns, ..
            } => {
                assert_eq!(metrics[0], 1.5);
                assert!(metrics[1].is_nan());
                assert_eq!(returns.as_deref(), Some(&[0.25f32, -0.5][..]));
            }
            o => panic!("{o:?}"),
        }
        let w = Writer::append(&p, c.valid_len).unwrap();
        w.send(encode(7, &a));
        w.finish().unwrap();
        assert_eq!(read(&p, &h).unwrap().done.len(), 3);
        let other = Header { identity: 43, ..h };
        assert!(read(&p, &other)
            .unwrap_err()
            .to_string()
            .contains("different sweep"));
    }
}
