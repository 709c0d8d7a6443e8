//! The folded text form of the legacy exception instructions
//! (`(try bt (do ...) (catch $e ...) (catch_all ...))`, `(try bt (do ...) (delegate $l))`),
//! used by `proposals/exception-handling/legacy/*.wast`, is no longer parsed by the `wast`
//! crate, which still parses the flat form (`try bt ... catch $e ... end`). [`unfold_try`]
//! rewrites the former into the latter in place: only the parentheses of the `try`, `do`,
//! `catch`, `catch_all` and `delegate` groups change (a `try`'s closing parenthesis becomes
//! `end` unless it delegates), so line numbers stay the same. Strings and comments are
//! left alone.

/// What an open parenthesis started.
#[derive(Clone, Copy, PartialEq)]
enum Group {
    /// A folded legacy `try`; `true` once it has a `delegate` clause.
    Try(bool),
    /// A `do`/`catch`/`catch_all` clause of a `try`.
    Clause,
    /// A `delegate` clause.
    Delegate,
    /// Anything else.
    Other,
}

fn keyword_at(b: &[u8], i: usize) -> Option<&'static str> {
    // Longest first (`catch_all` before `catch`).
    for kw in ["try", "do", "catch_all", "catch", "delegate"] {
        if b[i..].starts_with(kw.as_bytes()) {
            let next = b.get(i + kw.len()).copied();
            if next.is_none_or(|c| c.is_ascii_whitespace() || c == b'(' || c == b')') {
                return Some(kw);
            }
        }
    }
    None
}

/// The text with every folded legacy `try` unfolded; `None` if there is none.
pub fn unfold_try(text: &str) -> Option<String> {
    let b = text.as_bytes();
    let mut stack: Vec<Group> = Vec::new();
    // (byte index, length, replacement), in increasing order.
    let mut edits: Vec<(usize, usize, &'static str)> = Vec::new();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'"' => {
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
            }
            b';' if b.get(i + 1) == Some(&b';') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'(' if b.get(i + 1) == Some(&b';') => {
                let mut depth = 0usize;
                while i < b.len() {
                    if b[i..].starts_with(b"(;") {
                        depth += 1;
                        i += 2;
                    } else if b[i..].starts_with(b";)") {
                        depth -= 1;
                        i += 2;
                        if depth == 0 {
                            break;
                        }
                    } else {
                        i += 1;
                    }
                }
            }
            b'(' => {
                let in_try = matches!(stack.last(), Some(Group::Try(_)));
                let kw = keyword_at(b, i + 1);
                let g = match kw {
                    Some("try") => Group::Try(false),
                    Some("do" | "catch" | "catch_all") if in_try => Group::Clause,
                    Some("delegate") if in_try => Group::Delegate,
                    _ => Group::Other,
                };
                if kw == Some("do") && g == Group::Clause {
                    // `do` has no flat form: the body follows `try bt` directly.
                    edits.push((i, 3, "   "));
                } else if g != Group::Other {
                    edits.push((i, 1, " "));
                }
                stack.push(g);
                i += 1;
            }
            b')' => {
                match stack.pop() {
                    Some(Group::Try(delegated)) => edits.push((i, 1, if delegated { " " } else { " end" })),
                    Some(Group::Clause) => edits.push((i, 1, " ")),
                    Some(Group::Delegate) => {
                        edits.push((i, 1, " "));
                        if let Some(Group::Try(d)) = stack.last_mut() {
                            *d = true;
                        }
                    }
                    _ => {}
                }
                i += 1;
            }
            _ => i += 1,
        }
    }
    if edits.is_empty() {
        return None;
    }
    let mut out = String::with_capacity(text.len() + 4 * edits.len());
    let mut last = 0;
    for (at, len, rep) in edits {
        out.push_str(&text[last..at]);
        out.push_str(rep);
        last = at + len;
    }
    out.push_str(&text[last..]);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::unfold_try;

    #[test]
    fn unfolds_try_catch_and_delegate() {
        let t = "(func (try (result i32) (do (i32.const 1)) (catch $e (i32.const 2)) (catch_all (i32.const 3))))";
        assert_eq!(
            unfold_try(t).unwrap(),
            "(func  try (result i32)     (i32.const 1)   catch $e (i32.const 2)   catch_all (i32.const 3)  end)"
        );
        let t = "(try $t (do (try (do (nop)) (delegate $t))) (catch_all))";
        let u = unfold_try(t).unwrap();
        assert_eq!(u.split_whitespace().collect::<Vec<_>>(), [
            "try", "$t", "try", "(nop)", "delegate", "$t", "catch_all", "end"
        ]);
    }

    #[test]
    fn leaves_other_text_alone() {
        assert_eq!(unfold_try("(module (func (try_table (catch $e 0) (nop))))"), None);
        assert_eq!(unfold_try(";; (try (do))\n(module \"(try\")"), None);
        assert_eq!(unfold_try("(; (try (do)) ;) (func (block (catch)))"), None);
    }
}
