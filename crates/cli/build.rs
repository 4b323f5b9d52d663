//! Records the version `rotor --version` prints: the package's, plus the commit it is built
//! from when the source is a git checkout. A source tarball has no git: the version is the
//! package's alone, and the build does not fail.

use std::path::Path;
use std::process::Command;

fn git(args: &[&str]) -> Option<String> {
    let out = Command::new("git")
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .ok()?;
    let text = String::from_utf8(out.stdout).ok()?;
    out.status.success().then(|| text.trim().to_string())
}

fn main() {
    let version = env!("CARGO_PKG_VERSION");
    println!("cargo:rerun-if-changed=build.rs");
    let commit = git(&["rev-parse", "--short=9", "HEAD"]).filter(|c| !c.is_empty());
    match commit {
        Some(commit) => {
            // Rebuild when HEAD moves: its file, the branch it points at, the packed refs.
            for path in ["HEAD", "packed-refs"] {
                if let Some(p) = git(&["rev-parse", "--git-path", path]) {
                    rerun_if_exists(&p);
                }
            }
            if let Some(branch) = git(&["symbolic-ref", "-q", "HEAD"]) {
                if let Some(p) = git(&["rev-parse", "--git-path", &branch]) {
                    rerun_if_exists(&p);
                }
            }
            println!("cargo:rustc-env=ROTOR_VERSION={version} ({commit})");
        }
        None => println!("cargo:rustc-env=ROTOR_VERSION={version}"),
    }
}

fn rerun_if_exists(path: &str) {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    if p.exists() {
        println!("cargo:rerun-if-changed={}", p.display());
    }
}
