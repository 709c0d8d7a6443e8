//! Counting the assertions of a script up front (the parent uses the count to report the
//! not-yet-reported assertions of a crashed child as failures).

use wast::WastDirective;

/// A parse buffer for a script. Confusing unicode (bidi overrides etc.) is allowed: the
/// testsuite's `names.wast` uses it on purpose.
pub fn parse_buffer(text: &str) -> Result<wast::parser::ParseBuffer<'_>, wast::Error> {
    let mut lexer = wast::lexer::Lexer::new(text);
    lexer.allow_confusing_unicode(true);
    wast::parser::ParseBuffer::new_with_lexer(lexer)
}

/// Whether a directive counts as one assertion: every `assert_*` and every top-level
/// `invoke` (a `thread` block counts its own directives, see [`count_directives`]).
pub fn is_assertion(d: &WastDirective<'_>) -> bool {
    use WastDirective::*;
    match d {
        Module(_) | ModuleDefinition(_) | ModuleInstance { .. } | Register { .. } | Wait { .. } | Thread(_) => false,
        Invoke(_)
        | AssertMalformed { .. }
        | AssertInvalid { .. }
        | AssertInvalidCustom { .. }
        | AssertTrap { .. }
        | AssertReturn { .. }
        | AssertExhaustion { .. }
        | AssertUnlinkable { .. }
        | AssertException { .. }
        | AssertSuspension { .. }
        | AssertMalformedCustom { .. } => true,
    }
}

/// Number of assertions among `directives`, including those inside `thread` blocks.
pub fn count_directives(directives: &[WastDirective<'_>]) -> usize {
    directives
        .iter()
        .map(|d| match d {
            WastDirective::Thread(t) => count_directives(&t.directives),
            d => is_assertion(d) as usize,
        })
        .sum()
}

/// Number of assertions in a script's text. A script that does not parse counts as one
/// assertion (the child reports the parse error as one failure).
pub fn count_assertions(text: &str) -> usize {
    let Ok(buf) = parse_buffer(text) else { return 1 };
    match wast::parser::parse::<wast::Wast<'_>>(&buf) {
        Ok(w) => count_directives(&w.directives),
        Err(_) => 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_assertions_and_invokes_only() {
        let text = r#"
            (module $m (func (export "f") (result i32) i32.const 1))
            (register "m" $m)
            (invoke "f")
            (assert_return (invoke "f") (i32.const 1))
            (assert_trap (invoke "f") "unreachable")
            (assert_invalid (module (func (result i32))) "type mismatch")
            (assert_malformed (module quote "(func") "unexpected end")
            (module binary "\00asm\01\00\00\00")
            (assert_exhaustion (invoke "f") "call stack exhausted")
        "#;
        assert_eq!(count_assertions(text), 6);
    }

    #[test]
    fn thread_blocks_count_their_assertions() {
        let text = r#"
            (module $m (memory (export "m") 1 1 shared))
            (thread $t (shared (module $m)) (register "m" $m) (invoke "f") (assert_return (invoke "f")))
            (wait $t)
            (invoke "g")
        "#;
        assert_eq!(count_assertions(text), 3);
    }

    #[test]
    fn unparsable_script_counts_one() {
        assert_eq!(count_assertions("(assert_return"), 1);
        assert_eq!(count_assertions("(frobnicate)"), 1);
    }
}
