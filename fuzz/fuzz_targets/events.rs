//! Event feed: the same bytes as a CSV feed and as a JSON-lines feed (the two text formats a
//! user hand-edits). Every accepted event must satisfy the loader's invariant.
#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;
use rotor_data::events_io::load_events;

fuzz_target!(|data: &[u8]| {
    for name in ["ev.csv", "ev.jsonl"] {
        let path = common::write(name, data);
        if let Ok(events) = load_events(&path) {
            for w in events.windows(2) {
                assert!(w[0].timestamp <= w[1].timestamp, "feed not sorted");
            }
            for e in &events {
                assert!(!e.headline.trim().is_empty(), "empty headline accepted");
                if let Some(s) = e.sentiment {
                    assert!((-1.0..=1.0).contains(&s), "sentiment {s} accepted");
                }
            }
        }
    }
});
