//! The `rotor` binary: the command line of rotor-cli with the built-in strategy kinds.

use std::process::ExitCode;

// Out of memory is one `error:` line and exit code 1 (rotor_cli::oom).
rotor_cli::exit_on_oom!();

fn main() -> ExitCode {
    rotor_cli::main_with(rotor_cli::Registry::builtin())
}
