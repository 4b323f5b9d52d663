//! The command line as a library: `--version` with the commit, shell completions.

use std::process::Command;

use super::{root, run, stdout};

#[test]
fn version_names_the_commit_it_was_built_from() {
    let o = run(&["--version"]);
    assert_eq!(o.status.code(), Some(0));
    let shown = stdout(&o);
    let want = format!("rotor {}", env!("CARGO_PKG_VERSION"));
    assert!(shown.starts_with(&want), "{shown}");
    // Built from a git checkout (CI and every clone): the commit follows. A source tarball has
    // no git and prints the version alone.
    let git = Command::new("git")
        .args(["rev-parse", "--short=9", "HEAD"])
        .current_dir(root())
        .output()
        .ok()
        .filter(|g| g.status.success());
    if let Some(g) = git {
        let commit = String::from_utf8_lossy(&g.stdout).trim().to_string();
        assert_eq!(shown.trim(), format!("{want} ({commit})"));
    }
}

#[test]
fn completions_for_bash_zsh_and_fish() {
    for (shell, marker) in [
        ("bash", "complete -F"),
        ("zsh", "#compdef rotor"),
        ("fish", "complete -c rotor"),
    ] {
        let o = run(&["completions", shell]);
        assert_eq!(o.status.code(), Some(0), "{shell}");
        let script = stdout(&o);
        assert!(script.contains(marker), "{shell}: {script}");
        // Every command and a flattened grid flag are completed.
        for word in ["walkforward", "events", "grid", "rank-by"] {
            assert!(script.contains(word), "{shell} misses {word}");
        }
    }
    let o = run(&["completions", "powershel"]);
    assert_eq!(o.status.code(), Some(2));
}
