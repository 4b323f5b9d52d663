//! The `rotor` binary: the command line of rotor-cli with the built-in strategy kinds.

use std::process::ExitCode;

#[global_allocator]
static ALLOCATOR: rotor_cli::oom::ExitOnOom = rotor_cli::oom::ExitOnOom;

fn main() -> ExitCode {
    rotor_cli::main_with(rotor_cli::Registry::builtin())
}
