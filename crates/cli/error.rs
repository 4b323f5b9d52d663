//! Bad input versus internal failure: the binary's only error distinction. A [`BadInput`]
//! anywhere in an error chain means exit code 2.

use std::fmt;

/// A user mistake (config, data, arguments): exit code 2, message already names the file.
#[derive(Debug)]
pub struct BadInput(pub String);

impl fmt::Display for BadInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for BadInput {}

/// Wraps any displayable error as bad input.
pub fn bad(err: impl fmt::Display) -> anyhow::Error {
    anyhow::Error::new(BadInput(err.to_string()))
}
