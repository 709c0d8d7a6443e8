//! Child mode (`--single <file>`): run one script in this process.

use std::io::Write;
use std::path::Path;

use crate::cli::Options;
use crate::protocol::{Event, Outcome};

/// Run one script, writing protocol lines to stdout. Returns the exit code.
pub fn run_single(path: &Path, _opts: &Options) -> i32 {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let _ = writeln!(
        out,
        "{}",
        Event::Outcome { outcome: Outcome::Fail, line: 1, col: 1, reason: format!("{}: engine not available", path.display()) }
    );
    let _ = writeln!(out, "{}", Event::Done);
    0
}
