//! `--set key=value` overrides applied to the parsed TOML before it becomes a typed config. The
//! logic lives in rotor-sweep (every sweep parameter set is a list of such assignments); this
//! module keeps the CLI's name for it.

pub use rotor_sweep::overrides::apply;
