//! Scratch files for the fuzz targets: the loaders take paths, so each input is written to a
//! file in a per-process temporary folder (reused across inputs, removed by nobody: it lives in
//! the system temp dir and is tiny).

#![allow(dead_code)] // each target uses a subset

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// This process's scratch folder (created once).
pub fn scratch() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let d = std::env::temp_dir().join(format!("rotor-fuzz-{}", std::process::id()));
        std::fs::create_dir_all(&d).expect("create scratch folder");
        d
    })
}

/// Writes `bytes` to `name` inside the scratch folder and returns the path.
pub fn write(name: &str, bytes: &[u8]) -> PathBuf {
    let p = scratch().join(name);
    std::fs::write(&p, bytes).expect("write fuzz input");
    p
}

/// An empty sub-folder `name` of the scratch folder (emptied first).
pub fn empty_dir(name: &str) -> PathBuf {
    let p = scratch().join(name);
    let _ = std::fs::remove_dir_all(&p);
    std::fs::create_dir_all(&p).expect("create scratch sub-folder");
    p
}
