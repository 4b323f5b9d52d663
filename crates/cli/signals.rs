//! Ctrl-C during a sweep: the first sets a flag (the sweep stops between sets and saves what
//! completed), the second leaves at once with exit code 130 (completed sets are already
//! durable). The handlers are signal-hook's: no unsafe code here.

use std::sync::atomic::AtomicBool;

/// Set by the SIGINT handler.
static CANCEL: AtomicBool = AtomicBool::new(false);

/// Installs the Ctrl-C handler (once per process) and returns the flag it sets. The shutdown is
/// registered before the flag, so it fires only once the flag is already set: on the second
/// Ctrl-C. Registering twice would make the first Ctrl-C exit, hence the `Once`.
pub fn cancel_on_ctrl_c() -> &'static AtomicBool {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        use signal_hook::{consts::SIGINT, flag};
        let installed = flag::register_conditional_shutdown(SIGINT, 130, &CANCEL)
            .and_then(|_| flag::register(SIGINT, &CANCEL));
        if let Err(e) = installed {
            eprintln!(
                "warning: cannot handle Ctrl-C ({e}): it would end the sweep at once (completed sets are kept)"
            );
        }
    });
    &CANCEL
}
