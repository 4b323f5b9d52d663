//! Out of memory is an internal error like any other: one `error:` line and exit code 1, not
//! Rust's abort (exit 134, "memory allocation of N bytes failed" and no `error:` prefix).
//!
//! The binary's global allocator is the system allocator; when it returns null, this writes
//! the error line with one `write(2)` (no allocation: the message is built on the stack) and
//! ends the process with `_exit(1)`, except inside rotor-data's fallible reservations
//! ([`rotor_data::fallible::reserving`]: the market's columns), which get the null and report
//! an error naming the file. Nothing half-written looks complete afterwards: every
//! output file is written to a temp file and renamed, and the `--out` marker is written last
//! (out_dir.rs), so the folder is simply unfinished; its temp and lock files are removed by the
//! next command that finishes it.

use std::alloc::{GlobalAlloc, Layout, System};

/// The system allocator, with a clean exit when memory runs out.
pub struct ExitOnOom;

// SAFETY: every method forwards to `System` with the same arguments; the only addition is the
// exit path taken when `System` returned null, which never returns.
unsafe impl GlobalAlloc for ExitOnOom {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded as is (the caller upholds `GlobalAlloc::alloc`'s contract).
        let p = unsafe { System.alloc(layout) };
        if p.is_null() && !rotor_data::fallible::reserving() {
            out_of_memory(layout.size());
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded as is.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded as is.
        let p = unsafe { System.alloc_zeroed(layout) };
        if p.is_null() && !rotor_data::fallible::reserving() {
            out_of_memory(layout.size());
        }
        p
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: forwarded as is.
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if p.is_null() && !rotor_data::fallible::reserving() {
            out_of_memory(new_size);
        }
        p
    }
}

/// Writes `error: out of memory ...` to stderr and exits with code 1, allocating nothing.
fn out_of_memory(size: usize) -> ! {
    let mut buf = [0u8; 160];
    let mut n = 0;
    let mut scratch = [0u8; 20];
    for part in [
        &b"error: out of memory (allocating "[..],
        digits(size, &mut scratch),
        &b" bytes failed): give rotor more memory (ulimit -v, the container's limit) or a smaller market, grid or --keep-curves\n"[..],
    ] {
        let take = part.len().min(buf.len() - n);
        buf[n..n + take].copy_from_slice(&part[..take]);
        n += take;
    }
    #[cfg(unix)]
    // SAFETY: `buf[..n]` is initialized; write(2) and _exit(2) are async-signal-safe and need
    // no allocation.
    unsafe {
        libc::write(2, buf.as_ptr().cast(), n);
        libc::_exit(1)
    }
    #[cfg(not(unix))]
    std::process::abort()
}

/// The decimal digits of `v`, in `scratch`.
fn digits(mut v: usize, scratch: &mut [u8; 20]) -> &[u8] {
    let mut i = scratch.len();
    loop {
        i -= 1;
        scratch[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    &scratch[i..]
}

#[cfg(test)]
mod tests {
    #[test]
    fn digits_without_allocation() {
        assert_eq!(super::digits(0, &mut [0; 20]), b"0");
        assert_eq!(super::digits(1234567, &mut [0; 20]), b"1234567");
        assert_eq!(
            super::digits(usize::MAX, &mut [0; 20]),
            usize::MAX.to_string().as_bytes()
        );
    }
}
