//! Strategy config: rotor-app's config loader: TOML text -> Config -> validate(), with the
//! did-you-mean hint and `--set` overrides. Input layout: the config text, then optionally a
//! 0xFF byte and `--set` assignments separated by 0xFF.
#![no_main]

mod common;

use rotor_app::{config, Registry};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut parts = data.split(|&b| b == 0xFF);
    let text = parts.next().unwrap_or_default();
    let sets: Vec<String> = parts
        .map(|p| String::from_utf8_lossy(p).into_owned())
        .collect();
    let path = common::write("c.toml", text);
    if let Ok(loaded) = config::load(&path, &sets, &Registry::builtin()) {
        // The resolved config (what `--out` writes as config.toml) must serialize.
        let _ = loaded.resolved_toml();
        let _ = loaded.config.strategy.symbols();
    }
});
