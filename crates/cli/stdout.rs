//! Results on stdout. A closed stdout (`rotor ... | head -1`) is not an error and never stops a
//! command: what is left to print is dropped and the files the command writes are all written.
//! (SIGPIPE stays ignored, as Rust sets it up, so a closed pipe is an error value, not a kill.)

use std::io::Write as _;

/// Prints `text` to stdout as is; a closed pipe drops it quietly, any other failure is an error.
pub fn print(text: &str) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(anyhow::anyhow!("writing to stdout: {e}")),
    }
}

/// Prints `text` and a newline unless it already ends with one.
pub fn print_line(text: &str) -> anyhow::Result<()> {
    print(text)?;
    if !text.ends_with('\n') {
        print("\n")?;
    }
    Ok(())
}
