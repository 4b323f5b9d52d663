//! Ctrl-C during a sweep: the first sets a flag (the sweep stops between sets and saves what
//! completed), the second leaves at once (completed sets are already durable).

use std::sync::atomic::{AtomicBool, Ordering};

/// Set by the SIGINT handler.
static CANCEL: AtomicBool = AtomicBool::new(false);

#[cfg(unix)]
extern "C" fn on_sigint(_: i32) {
    if CANCEL.swap(true, Ordering::SeqCst) {
        // SAFETY: _exit is async-signal-safe.
        unsafe { libc_exit(130) }
    }
}

#[cfg(unix)]
extern "C" {
    #[link_name = "signal"]
    fn libc_signal(signum: i32, handler: usize) -> usize;
    #[link_name = "_exit"]
    fn libc_exit(code: i32) -> !;
}

/// Installs the Ctrl-C handler and returns the flag it sets.
pub fn cancel_on_ctrl_c() -> &'static AtomicBool {
    #[cfg(unix)]
    {
        // SAFETY: the handler only touches an atomic and calls _exit.
        unsafe {
            libc_signal(2, on_sigint as extern "C" fn(i32) as usize);
        }
    }
    &CANCEL
}
