//! `wasmlite repl`.
use std::process::ExitCode;
pub fn main(_a: crate::ReplArgs) -> Result<ExitCode, String> { Err("todo".into()) }
