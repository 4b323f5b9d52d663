//! The `--out DIR` folder of every command that writes one (run, sweep, sweep merge, a shard,
//! walkforward, events; data import and data synth without the marker): its checks, its lock
//! and its marker.
//!
//! Invariants (README, "--out"):
//! - a folder that holds anything but rotor's own files is refused unless `--force`, and a
//!   refusal touches nothing (the earlier marker stays);
//! - one command at a time: an advisory lock (`.rotor-lock`, holding the holder's pid) is taken
//!   before anything is checked or written, and a second command is refused naming the holder;
//! - the marker `.rotor-output` is removed right before the first write and written last, so a
//!   folder never looks complete while it is not;
//! - a finished folder holds exactly the files of the command that finished it: rotor's files of
//!   an earlier command (known by name, in a folder that was rotor's) and temp files of a killed
//!   run are removed before the marker is written; other files are never touched.

use std::fs::{File, OpenOptions};
use std::io::Write as _;
use std::path::{Path, PathBuf};

use rotor_data::table::write_atomic;
use rotor_sweep::checkpoint;

use crate::error::{bad, AppError, Result};
use crate::reporter::Reporter;

/// The marker of a complete rotor output folder.
pub const MARKER: &str = ".rotor-output";

/// The lock file: its advisory lock is held while a command writes the folder.
pub const LOCK: &str = ".rotor-lock";

/// The outputs of `rotor run`.
pub const RUN_FILES: &[&str] = &[
    "report.txt",
    "stats.json",
    "equity.parquet",
    "fills.parquet",
    "trades.parquet",
    "config.toml",
];

/// The outputs of `rotor events --out`.
pub const EVENTS_FILES: &[&str] = &[
    "event_study.txt",
    "event_study.parquet",
    "event_study.csv",
    "event_cars.parquet",
    "event_cars.csv",
];

/// With [`RUN_FILES`] and [`EVENTS_FILES`]: every file any rotor command writes into an `--out`
/// folder.
const OTHER_ROTOR_FILES: &[&str] = &[
    "event_pnl.parquet",
    "event_fills.parquet",
    "walkforward.parquet",
    "sweep.parquet",
    "sweep.txt",
    "sweep.checkpoint",
    "curves.parquet",
    rotor_sweep::shard::MANIFEST,
    MARKER,
    LOCK,
];

/// The outputs of `rotor walkforward`.
pub const WALKFORWARD_FILES: &[&str] = &[
    "report.txt",
    "stats.json",
    "walkforward.parquet",
    "equity.parquet",
    "config.toml",
];

/// The outputs of one shard of a sweep.
pub const SHARD_FILES: &[&str] = &[
    "sweep.checkpoint",
    rotor_sweep::shard::MANIFEST,
    "config.toml",
];

/// The outputs of a sweep or a merge (`curves.parquet` only with `--keep-curves`).
pub fn sweep_files(keep_curves: bool) -> Vec<&'static str> {
    let mut v = vec![
        "sweep.parquet",
        "sweep.txt",
        "sweep.checkpoint",
        "config.toml",
    ];
    if keep_curves {
        v.push("curves.parquet");
    }
    v
}

/// A temp file of an atomic write (`.NAME.tmp-PID`): the name it was going to replace.
fn temp_target(name: &str) -> Option<&str> {
    name.strip_prefix('.')
        .and_then(|n| n.rsplit_once(".tmp-"))
        .filter(|(_, pid)| !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit()))
        .map(|(base, _)| base)
}

/// True for the name of a file rotor writes.
fn is_rotor_name(name: &str) -> bool {
    RUN_FILES.contains(&name) || EVENTS_FILES.contains(&name) || OTHER_ROTOR_FILES.contains(&name)
}

/// True for a file rotor writes (or a temp file of one).
pub fn is_rotor_file(name: &str) -> bool {
    is_rotor_name(temp_target(name).unwrap_or(name))
}

/// A locked, checked output folder. Dropping it without [`OutDir::finish`] (an error, Ctrl-C)
/// releases the lock and removes the folder again if this command created it and wrote nothing.
pub struct OutDir {
    path: PathBuf,
    lock: Option<File>,
    created: bool,
    /// The folder was rotor's (new, empty, marked, or holding only rotor's files): stale rotor
    /// files may be removed from it.
    ours: bool,
    finished: bool,
}

impl OutDir {
    /// Checks that `path` may be written, creating it if needed, and locks it. With `resume`
    /// the folder must hold a sweep checkpoint; without it, an unfinished sweep or a folder
    /// holding other files is refused unless `force`. Nothing in the folder is changed.
    /// A file system without locks is a note to `reporter`, not a refusal.
    pub fn open(path: &Path, force: bool, resume: bool, reporter: &dyn Reporter) -> Result<OutDir> {
        let shown = path.display();
        let mut dir = OutDir::locked(path, reporter)?;
        let names: Vec<String> = std::fs::read_dir(path)
            .map_err(|e| bad(format!("{shown}: cannot read the --out folder: {e}")))?
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n != LOCK)
            .collect();
        let marked = path.join(MARKER).exists();
        let checkpoint = path.join(checkpoint::FILE).exists();
        dir.ours = marked || names.iter().all(|n| is_rotor_file(n));
        if resume {
            if !checkpoint {
                return Err(bad(format!(
                    "{shown}: nothing to resume (no {} in the folder)",
                    checkpoint::FILE
                )));
            }
        } else if checkpoint && !marked && !force {
            return Err(bad(format!(
                "{shown}: holds an unfinished sweep; use --resume to continue it or --force to start over"
            )));
        } else if !dir.ours && !force {
            return Err(bad(format!(
                "{shown}: --out folder is not empty and is not an earlier rotor output (use --force to write into it anyway)"
            )));
        }
        Ok(dir)
    }

    /// The folder of `rotor data import` or `rotor data synth`: the same checks and lock as
    /// [`OutDir::open`], but no marker and nothing ever removed (the folder is an input of other
    /// commands and holds the user's data; the loaders skip the hidden lock file). End with
    /// [`OutDir::done`].
    pub fn open_data(path: &Path, reporter: &dyn Reporter) -> Result<OutDir> {
        let mut dir = OutDir::locked(path, reporter)?;
        dir.ours = false;
        Ok(dir)
    }

    /// Checks `path` (not a dangling link, a folder if it exists), creates it if needed and
    /// takes its lock.
    fn locked(path: &Path, reporter: &dyn Reporter) -> Result<OutDir> {
        let shown = path.display();
        refuse_dangling_link(path)?;
        let created = match std::fs::symlink_metadata(path) {
            Ok(_) if !path.is_dir() => {
                return Err(bad(format!("{shown}: --out exists and is not a folder")));
            }
            Ok(_) => false,
            Err(_) => {
                std::fs::create_dir_all(path)
                    .map_err(|e| bad(format!("{shown}: cannot create the --out folder: {e}")))?;
                true
            }
        };
        let mut dir = OutDir {
            path: path.to_path_buf(),
            lock: None,
            created,
            ours: true,
            finished: false,
        };
        dir.lock = Some(lock(path, reporter)?);
        Ok(dir)
    }

    /// A data command wrote its files: releases the lock (no marker).
    pub fn done(mut self) {
        self.finished = true;
        self.release();
    }

    /// The folder.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Call right before the first write: drops an earlier marker so an interrupted rewrite
    /// never looks complete.
    pub fn begin(&self) -> Result<()> {
        let marker = self.path.join(MARKER);
        match std::fs::remove_file(&marker) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(bad(format!("{}: cannot remove: {e}", marker.display()))),
        }
    }

    /// The command wrote `files`: removes every other rotor file (an earlier command's outputs,
    /// temp files of a killed run), writes the marker (saying `what`) last and releases the lock.
    pub fn finish(&mut self, files: &[&str], what: &str) -> Result<()> {
        debug_assert!(
            files.iter().all(|f| is_rotor_name(f)),
            "every output file must be listed as a rotor file: {files:?}"
        );
        let entries = std::fs::read_dir(&self.path)
            .map_err(|e| bad(format!("{}: cannot read: {e}", self.path.display())))?;
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if name == LOCK || name == MARKER || files.contains(&name.as_str()) {
                continue;
            }
            let stale = match temp_target(&name) {
                Some(base) => is_rotor_name(base),
                None => self.ours && is_rotor_file(&name),
            };
            if stale && e.file_type().is_ok_and(|t| t.is_file()) {
                std::fs::remove_file(e.path())
                    .map_err(|err| bad(format!("{}: cannot remove: {err}", e.path().display())))?;
            }
        }
        write_atomic(&self.path.join(MARKER), format!("{what}\n").as_bytes()).map_err(bad)?;
        self.finished = true;
        self.release();
        Ok(())
    }

    /// Removes the lock file (while still holding its lock) and releases the lock.
    fn release(&mut self) {
        if let Some(f) = self.lock.take() {
            let _ = std::fs::remove_file(self.path.join(LOCK));
            drop(f);
        }
    }
}

impl Drop for OutDir {
    fn drop(&mut self) {
        self.release();
        if self.created && !self.finished {
            // Only succeeds when nothing was written: a refused command leaves no empty folder.
            let _ = std::fs::remove_dir(&self.path);
        }
    }
}

/// A `--out` that is a symbolic link to nothing is refused saying so (creating it would fail with
/// a bare "File exists").
fn refuse_dangling_link(path: &Path) -> Result<()> {
    let dangling =
        std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) && !path.exists();
    if dangling {
        let target = std::fs::read_link(path)
            .map(|t| t.display().to_string())
            .unwrap_or_else(|_| "?".into());
        return Err(bad(format!(
            "{}: --out is a symbolic link to `{target}`, which does not exist (create that folder, or give another --out)",
            path.display()
        )));
    }
    Ok(())
}

/// Takes the advisory lock of `dir` (`.rotor-lock`, created if needed, holding our pid). The
/// holder removes the file before releasing the lock, so after locking, the file at the path
/// must still be the one locked; otherwise another command finished meanwhile: try again.
fn lock(dir: &Path, reporter: &dyn Reporter) -> Result<File> {
    let path = dir.join(LOCK);
    let unwritable = |e: std::io::Error| {
        bad(format!(
            "{}: cannot write into the --out folder: {e}",
            dir.display()
        ))
    };
    for _ in 0..100 {
        let mut f = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(unwritable)?;
        match f.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                let holder = std::fs::read_to_string(&path).unwrap_or_default();
                let holder = holder.trim();
                let holder = if holder.is_empty() {
                    "another rotor process".to_string()
                } else {
                    holder.to_string()
                };
                return Err(bad(format!(
                    "{}: --out is in use by {holder} (lock {}); wait for it to finish or give another --out",
                    dir.display(),
                    path.display()
                )));
            }
            Err(std::fs::TryLockError::Error(e)) => {
                // A file system without locks: go on unlocked rather than refuse to run.
                reporter.alert(&format!(
                    "warning: {}: cannot lock ({e}); make sure no other rotor command writes this folder",
                    path.display()
                ));
            }
        }
        if !same_file(&f, &path) {
            continue;
        }
        f.set_len(0).map_err(unwritable)?;
        f.write_all(format!("rotor pid {}\n", std::process::id()).as_bytes())
            .map_err(unwritable)?;
        return Ok(f);
    }
    Err(AppError::Internal(format!(
        "{}: could not take the lock",
        path.display()
    )))
}

#[cfg(unix)]
fn same_file(f: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (f.metadata(), std::fs::metadata(path)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_file(_: &File, path: &Path) -> bool {
    path.exists()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rotor_files_and_their_temp_files_are_known_by_name() {
        assert!(is_rotor_file("sweep.parquet"));
        assert!(is_rotor_file(".stats.json.tmp-123"));
        assert!(is_rotor_file(".rotor-lock"));
        assert!(!is_rotor_file("notes.md"));
        assert!(!is_rotor_file(".notes.md.tmp-1"));
        assert!(!is_rotor_file(".stats.json.tmp-x"));
        assert_eq!(
            temp_target(".curves.parquet.tmp-99"),
            Some("curves.parquet")
        );
    }
}
