//! Where a command's notes and progress go. The CLI shows them on stderr (a progress bar when
//! stderr is a terminal, nothing with `--quiet`); a program using the library may drop them.

/// Receives a command's notes and progress; every method defaults to doing nothing.
pub trait Reporter: Sync {
    /// A line for the user that `--quiet` hides (a warning, "wrote DIR", a summary).
    fn note(&self, line: &str) {
        let _ = line;
    }

    /// A line shown even with `--quiet` (what an interrupted sweep saved).
    fn alert(&self, line: &str) {
        let _ = line;
    }

    /// A long step of `total` units begins; `what` names it (`sweep`, `walk-forward windows`).
    fn start(&self, what: &str, total: u64) {
        let _ = (what, total);
    }

    /// `done` units of the current step are finished.
    fn set_position(&self, done: u64) {
        let _ = done;
    }

    /// One more unit of the current step is finished.
    fn advance(&self) {}

    /// The current step ended.
    fn finish(&self) {}
}

/// A [`Reporter`] that drops everything.
#[derive(Debug, Clone, Copy, Default)]
pub struct Quiet;

impl Reporter for Quiet {}
