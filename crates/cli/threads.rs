//! `--threads N`: more worker threads than a small multiple of the cores only adds scheduling
//! and memory (each thread has its own stack and scratch), and thousands of them stall the
//! machine. N is capped at [`PER_CORE`] x the cores, with a warning; results never depend on it.

/// Largest number of worker threads per core.
pub const PER_CORE: usize = 4;

/// `requested` capped at [`PER_CORE`] x the available cores (a warning on stderr unless
/// `quiet`); `None` (one thread per core) unchanged.
pub fn cap(requested: Option<usize>, quiet: bool) -> Option<usize> {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let n = requested?;
    let max = PER_CORE * cores;
    if n > max {
        if !quiet {
            eprintln!(
                "warning: --threads {n} is more than {PER_CORE} x the {cores} cores: using {max}"
            );
        }
        return Some(max);
    }
    Some(n)
}
