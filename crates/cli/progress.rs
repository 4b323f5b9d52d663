//! rotor-app's notes and progress on stderr: notes as lines (hidden with `--quiet`), a
//! progress bar (done/total, runs/s, ETA) only when stderr is a terminal and not `--quiet`.

use std::io::IsTerminal;
use std::sync::Mutex;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rotor_app::Reporter;

/// The CLI's [`Reporter`].
pub struct Stderr {
    quiet: bool,
    bar: Mutex<Option<ProgressBar>>,
}

impl Stderr {
    /// Notes and progress on stderr, none of either when `quiet`.
    pub fn new(quiet: bool) -> Self {
        Stderr {
            quiet,
            bar: Mutex::new(None),
        }
    }

    fn with_bar(&self, f: impl FnOnce(&ProgressBar)) {
        if let Ok(bar) = self.bar.lock() {
            if let Some(pb) = bar.as_ref() {
                f(pb);
            }
        }
    }
}

impl Reporter for Stderr {
    fn note(&self, line: &str) {
        if !self.quiet {
            self.alert(line);
        }
    }

    fn alert(&self, line: &str) {
        let mut shown = false;
        self.with_bar(|pb| {
            pb.suspend(|| eprintln!("{line}"));
            shown = true;
        });
        if !shown {
            eprintln!("{line}");
        }
    }

    fn start(&self, what: &str, total: u64) {
        let pb = ProgressBar::new(total);
        if self.quiet || !std::io::stderr().is_terminal() {
            pb.set_draw_target(ProgressDrawTarget::hidden());
        } else {
            pb.set_draw_target(ProgressDrawTarget::stderr());
            if let Ok(style) = ProgressStyle::with_template(&format!(
                "{what} {{bar:40}} {{pos}}/{{len}} {{per_sec}} ETA {{eta}}"
            )) {
                pb.set_style(style);
            }
        }
        if let Ok(mut bar) = self.bar.lock() {
            *bar = Some(pb);
        }
    }

    fn set_position(&self, done: u64) {
        self.with_bar(|pb| pb.set_position(done));
    }

    fn advance(&self) {
        self.with_bar(|pb| pb.inc(1));
    }

    fn finish(&self) {
        if let Ok(mut bar) = self.bar.lock() {
            if let Some(pb) = bar.take() {
                pb.finish_and_clear();
            }
        }
    }
}
