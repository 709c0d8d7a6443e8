//! Name mangling: wasm names → Rust identifiers.

use std::collections::HashSet;

/// Strict and reserved Rust keywords (all editions) that cannot be plain identifiers.
const KEYWORDS: &[&str] = &[
    "as", "break", "const", "continue", "crate", "else", "enum", "extern", "false", "fn", "for", "if",
    "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return", "self", "Self",
    "static", "struct", "super", "trait", "true", "type", "unsafe", "use", "where", "while", "async",
    "await", "dyn", "abstract", "become", "box", "do", "final", "macro", "override", "priv", "typeof",
    "unsized", "virtual", "yield", "try", "gen",
];

/// snake_case a wasm name: camelCase words are split (`addTwo` → `add_two`, `HTTPServer` →
/// `http_server`), everything is lowercased, every character that is not an ASCII letter or
/// digit becomes `_`. The result is always a valid, non-keyword Rust identifier: a leading
/// digit gets a `_` prefix, an empty name becomes `_`, keywords get a trailing `_` (and a lone
/// `_` becomes `__`).
pub fn snake_case(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let mut out = String::with_capacity(name.len() + 4);
    for (i, &c) in chars.iter().enumerate() {
        if c.is_ascii_uppercase() {
            let prev = if i > 0 { Some(chars[i - 1]) } else { None };
            let next = chars.get(i + 1).copied();
            let boundary = match prev {
                Some(p) if p.is_ascii_lowercase() || p.is_ascii_digit() => true,
                Some(p) if p.is_ascii_uppercase() => next.is_some_and(|n| n.is_ascii_lowercase()),
                _ => false,
            };
            if boundary && !out.ends_with('_') {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else if c.is_ascii_alphanumeric() {
            out.push(c);
        } else {
            out.push('_');
        }
    }
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, '_');
    }
    if out == "_" || KEYWORDS.contains(&out.as_str()) {
        out.push('_');
    }
    out
}

/// Allocates unique identifiers within one namespace.
#[derive(Default)]
pub struct Namer {
    used: HashSet<String>,
}

impl Namer {
    /// A namer where `reserved` names are already taken.
    pub fn with_reserved(reserved: &[&str]) -> Namer {
        Namer { used: reserved.iter().map(|s| s.to_string()).collect() }
    }

    /// Claim `base` (or `base_2`, `base_3`, ... on collision) such that every name produced by
    /// `derived(candidate)` is free too; all of them are then marked used. Returns the chosen
    /// base.
    pub fn claim(&mut self, base: &str, derived: impl Fn(&str) -> Vec<String>) -> String {
        let mut n = 1usize;
        loop {
            let candidate = if n == 1 { base.to_string() } else { format!("{base}_{n}") };
            let all = derived(&candidate);
            if all.iter().all(|s| !self.used.contains(s)) {
                self.used.extend(all);
                return candidate;
            }
            n += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snake() {
        assert_eq!(snake_case("add"), "add");
        assert_eq!(snake_case("addTwo"), "add_two");
        assert_eq!(snake_case("HTTPServer"), "http_server");
        assert_eq!(snake_case("getX2Pos"), "get_x2_pos");
        assert_eq!(snake_case("my-plugin.v2"), "my_plugin_v2");
        assert_eq!(snake_case("__heap_base"), "__heap_base");
        assert_eq!(snake_case("type"), "type_");
        assert_eq!(snake_case("Self"), "self_");
        assert_eq!(snake_case("0day"), "_0day");
        assert_eq!(snake_case(""), "__");
        assert_eq!(snake_case("_"), "__");
        assert_eq!(snake_case("π"), "__");
        assert_eq!(snake_case("snake_Case"), "snake_case");
    }

    #[test]
    fn namer_collisions() {
        let mut n = Namer::with_reserved(&["new"]);
        assert_eq!(n.claim("new", |b| vec![b.to_string()]), "new_2");
        assert_eq!(n.claim("mem", |b| vec![b.to_string(), format!("{b}_mut")]), "mem");
        assert_eq!(n.claim("mem_mut", |b| vec![b.to_string()]), "mem_mut_2");
        assert_eq!(n.claim("mem", |b| vec![b.to_string()]), "mem_2");
    }
}
