//! Out of memory is an internal error like any other: one `error:` line and exit code 1, not
//! Rust's abort (exit 134, "memory allocation of N bytes failed" and no `error:` prefix).
//!
//! A binary installs the allocator with [`exit_on_oom!`](crate::exit_on_oom) (the `rotor`
//! binary and examples/custom_strategy both do): the system allocator, which on a null pointer
//! calls [`allocation_failed`]. That writes the error line with one `write(2)` (no allocation:
//! the message is built on the stack) and ends the process with `_exit(1)`, except inside
//! rotor-data's fallible reservations ([`rotor_data::fallible::reserving`]: the market's
//! columns), which get the null and report an error naming the file. Nothing half-written
//! looks complete afterwards: every output file is written to a temp file and renamed, and the
//! `--out` marker is written last (out_dir.rs), so the folder is simply unfinished; its temp
//! and lock files are removed by the next command that finishes it.
//!
//! The allocator is a macro, not a type of this crate, because implementing `GlobalAlloc`
//! takes `unsafe`, which no library crate of the workspace may contain: the macro's few
//! forwarding lines compile in the binary that invokes it.

/// Defines the binary's `#[global_allocator]`: the system allocator, with a clean exit when
/// memory runs out ([`allocation_failed`](crate::oom::allocation_failed)). Invoke it once, at
/// the root of a binary crate that runs [`main_with`](crate::main_with):
///
/// ```ignore
/// rotor_cli::exit_on_oom!();
/// ```
///
/// It expands to an `unsafe impl GlobalAlloc` (every method forwards to `std::alloc::System`),
/// so the invoking crate must allow unsafe code.
#[macro_export]
macro_rules! exit_on_oom {
    () => {
        /// The system allocator, with rotor's clean exit when memory runs out.
        struct ExitOnOom;

        // SAFETY: every method forwards to `System` with the same arguments; the only addition
        // is the call made when `System` returned null, which allocates nothing and either
        // returns (a fallible reservation gets the null) or never returns.
        unsafe impl ::std::alloc::GlobalAlloc for ExitOnOom {
            unsafe fn alloc(&self, layout: ::std::alloc::Layout) -> *mut u8 {
                // SAFETY: forwarded as is (the caller upholds `GlobalAlloc::alloc`'s contract).
                let p = unsafe { ::std::alloc::GlobalAlloc::alloc(&::std::alloc::System, layout) };
                if p.is_null() {
                    $crate::oom::allocation_failed(layout.size());
                }
                p
            }

            unsafe fn dealloc(&self, ptr: *mut u8, layout: ::std::alloc::Layout) {
                // SAFETY: forwarded as is.
                unsafe { ::std::alloc::GlobalAlloc::dealloc(&::std::alloc::System, ptr, layout) }
            }

            unsafe fn alloc_zeroed(&self, layout: ::std::alloc::Layout) -> *mut u8 {
                // SAFETY: forwarded as is.
                let p = unsafe {
                    ::std::alloc::GlobalAlloc::alloc_zeroed(&::std::alloc::System, layout)
                };
                if p.is_null() {
                    $crate::oom::allocation_failed(layout.size());
                }
                p
            }

            unsafe fn realloc(
                &self,
                ptr: *mut u8,
                layout: ::std::alloc::Layout,
                new_size: usize,
            ) -> *mut u8 {
                // SAFETY: forwarded as is.
                let p = unsafe {
                    ::std::alloc::GlobalAlloc::realloc(&::std::alloc::System, ptr, layout, new_size)
                };
                if p.is_null() {
                    $crate::oom::allocation_failed(new_size);
                }
                p
            }
        }

        #[global_allocator]
        static ALLOCATOR: ExitOnOom = ExitOnOom;
    };
}

/// What the allocator of [`exit_on_oom!`](crate::exit_on_oom) does when an allocation of
/// `size` bytes failed: inside a fallible reservation of rotor-data it returns (the caller
/// gets the null and reports an error naming the file); anywhere else it writes
/// `error: out of memory ...` to stderr and exits with code 1, allocating nothing.
pub fn allocation_failed(size: usize) {
    if !rotor_data::fallible::reserving() {
        out_of_memory(size);
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
    {
        // One write(2) straight to fd 2 (no lock, no buffer), then _exit(2): both allocate
        // nothing, and _exit runs no at-exit code that might.
        let _ = rustix::io::write(std::io::stderr(), &buf[..n]);
        signal_hook::low_level::exit(1)
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
