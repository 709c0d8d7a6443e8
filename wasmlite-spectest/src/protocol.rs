//! The line protocol between the parent and a `--single` child.
//!
//! The child writes one line per outcome to stdout (flushed immediately, so the parent knows
//! how far a child got before it crashed). Every protocol line starts with [`MARK`]; any other
//! output is ignored by the parent.

use std::fmt;

/// Prefix of every protocol line.
pub const MARK: &str = "@@wasmlite-spectest";

/// Kind of an outcome.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// An assertion (or top-level invoke) passed.
    Pass,
    /// An assertion (or top-level invoke) failed.
    Fail,
    /// An assertion could not be run (unsupported command).
    Skip,
    /// A `module` command failed to compile or instantiate (an extra failure, not counted up
    /// front).
    ModuleFail,
}

impl Outcome {
    fn word(self) -> &'static str {
        match self {
            Outcome::Pass => "pass",
            Outcome::Fail => "fail",
            Outcome::Skip => "skip",
            Outcome::ModuleFail => "modfail",
        }
    }
    fn from_word(w: &str) -> Option<Outcome> {
        Some(match w {
            "pass" => Outcome::Pass,
            "fail" => Outcome::Fail,
            "skip" => Outcome::Skip,
            "modfail" => Outcome::ModuleFail,
            _ => return None,
        })
    }
    /// Whether the outcome belongs to an assertion counted up front.
    #[cfg(test)]
    pub fn is_assertion(self) -> bool {
        !matches!(self, Outcome::ModuleFail)
    }
}

/// One protocol event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    /// The outcome of one command at `line:col` (1-based), with a reason for failures/skips.
    Outcome { outcome: Outcome, line: usize, col: usize, reason: String },
    /// The child finished the file normally.
    Done,
}

/// Make a reason fit on one line.
fn one_line(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

impl fmt::Display for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Event::Outcome { outcome, line, col, reason } => {
                write!(f, "{MARK} {} {line}:{col}", outcome.word())?;
                if !reason.is_empty() {
                    write!(f, " {}", one_line(reason))?;
                }
                Ok(())
            }
            Event::Done => write!(f, "{MARK} done"),
        }
    }
}

impl Event {
    /// Parse a protocol line; `None` for any other output.
    pub fn parse(line: &str) -> Option<Event> {
        let rest = line.strip_prefix(MARK)?.strip_prefix(' ')?;
        if rest.trim_end() == "done" {
            return Some(Event::Done);
        }
        let (word, rest) = rest.split_once(' ')?;
        let outcome = Outcome::from_word(word)?;
        let (pos, reason) = match rest.split_once(' ') {
            Some((p, r)) => (p, r.trim_end().to_string()),
            None => (rest.trim_end(), String::new()),
        };
        let (l, c) = pos.split_once(':')?;
        Some(Event::Outcome { outcome, line: l.parse().ok()?, col: c.parse().ok()?, reason })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roundtrip() {
        for e in [
            Event::Done,
            Event::Outcome { outcome: Outcome::Pass, line: 3, col: 1, reason: String::new() },
            Event::Outcome { outcome: Outcome::Fail, line: 10, col: 2, reason: "expected i32 1, got i32 2".into() },
            Event::Outcome { outcome: Outcome::ModuleFail, line: 1, col: 1, reason: "x".into() },
            Event::Outcome { outcome: Outcome::Skip, line: 7, col: 9, reason: "unsupported".into() },
        ] {
            assert_eq!(Event::parse(&e.to_string()), Some(e));
        }
    }

    #[test]
    fn multi_line_reasons_are_flattened_and_noise_ignored() {
        let e = Event::Outcome { outcome: Outcome::Fail, line: 1, col: 1, reason: "a\nb".into() };
        assert_eq!(e.to_string(), format!("{MARK} fail 1:1 a\\nb"));
        assert_eq!(Event::parse("spectest.print_i32(1)"), None);
        assert_eq!(Event::parse(&format!("{MARK} bogus 1:1")), None);
    }
}
