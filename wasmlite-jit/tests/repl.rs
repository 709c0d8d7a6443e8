//! The incremental REPL session: definitions link by `$name`, state persists across
//! additions and traps, failures leave the session unchanged.

use wasmlite_jit::repl::{format_values, ReplError, Session};

fn out(s: &mut Session, cmd: &str) -> String {
    match s.eval(cmd) {
        Ok(o) => format_values(o.values()),
        Err(ReplError::Trap(t)) => format!("trap: {}", wasmlite_jit::repl::trap_message(&t)),
        Err(e) => format!("error: {e}"),
    }
}

#[test]
fn definitions_link_by_name_and_state_persists() {
    let mut s = Session::new().unwrap();
    assert_eq!(out(&mut s, "(memory $m 1)"), "");
    assert_eq!(out(&mut s, "(global $count (mut i32) (i32.const 0))"), "");
    assert_eq!(out(&mut s, "(func $sq (param i32) (result i32) local.get 0 local.get 0 i32.mul)"), "");
    assert_eq!(
        out(&mut s, r#"(func (export "f") (param i32) (result i32)
              global.get $count i32.const 1 i32.add global.set $count
              i32.const 16 local.get 0 call $sq i32.store
              i32.const 16 i32.load)"#),
        ""
    );
    assert_eq!(out(&mut s, r#"(invoke "f" (i32.const 7))"#), "(i32.const 49)");
    assert_eq!(out(&mut s, r#"(func (export "count") (result i32) global.get $count)"#), "");
    assert_eq!(out(&mut s, r#"(invoke "count")"#), "(i32.const 1)");
    // Memory written by one definition is read by a later one.
    assert_eq!(out(&mut s, r#"(func (export "peek") (param i32) (result i32) local.get 0 i32.load)"#), "");
    assert_eq!(out(&mut s, r#"(invoke "peek" (i32.const 16))"#), "(i32.const 49)");
    // A trap leaves state as it was.
    assert_eq!(out(&mut s, r#"(func (export "div") (param i32 i32) (result i32) local.get 0 local.get 1 i32.div_s)"#), "");
    assert_eq!(out(&mut s, r#"(invoke "div" (i32.const 1) (i32.const 0))"#), "trap: integer divide by zero");
    assert_eq!(out(&mut s, r#"(invoke "peek" (i32.const 16))"#), "(i32.const 49)");
    assert_eq!(out(&mut s, r#"(invoke "peek" (i32.const 65536))"#), "trap: out of bounds memory access");
    // Data segments write the session's memory.
    assert_eq!(out(&mut s, r#"(data (i32.const 32) "\2a\00\00\00")"#), "");
    assert_eq!(out(&mut s, r#"(invoke "peek" (i32.const 32))"#), "(i32.const 42)");
    // Exported globals, assertions.
    assert_eq!(out(&mut s, r#"(global $k (export "k") i64 (i64.const -3))"#), "");
    assert_eq!(out(&mut s, r#"(get "k")"#), "(i64.const -3)");
    assert_eq!(out(&mut s, r#"(assert_return (invoke "f" (i32.const 3)) (i32.const 9))"#), "");
    assert!(out(&mut s, r#"(assert_return (invoke "f" (i32.const 3)) (i32.const 10))"#).starts_with("error: "));
    assert_eq!(out(&mut s, r#"(assert_trap (invoke "div" (i32.const 1) (i32.const 0)) "integer divide by zero")"#), "");
}

#[test]
fn failures_leave_the_session_unchanged() {
    let mut s = Session::new().unwrap();
    assert_eq!(out(&mut s, r#"(func $one (export "one") (result i32) i32.const 1)"#), "");
    let n = s.num_definitions();
    // Type error, unknown name, syntax error.
    assert!(out(&mut s, r#"(func $one (export "one") (result i32) i64.const 1)"#).starts_with("error: "));
    assert!(out(&mut s, r#"(func (export "x") (result i32) call $missing)"#).starts_with("error: "));
    assert!(out(&mut s, r#"(func (export "x") (result i32) i32.const)"#).starts_with("error: "));
    assert!(out(&mut s, r#"(invoke "nope")"#).starts_with("error: "));
    assert_eq!(s.num_definitions(), n);
    assert_eq!(out(&mut s, r#"(invoke "one")"#), "(i32.const 1)");
    // Redefinition replaces the name and the export.
    assert_eq!(out(&mut s, r#"(func $one (export "one") (result i32) i32.const 2)"#), "");
    assert_eq!(out(&mut s, r#"(invoke "one")"#), "(i32.const 2)");
}

#[test]
fn tables_types_imports_and_modules() {
    let mut s = Session::new().unwrap();
    assert_eq!(out(&mut s, "(type $bin (func (param i32 i32) (result i32)))"), "");
    assert_eq!(out(&mut s, "(table $t 4 funcref)"), "");
    assert_eq!(out(&mut s, "(func $add (type $bin) local.get 0 local.get 1 i32.add)"), "");
    assert_eq!(out(&mut s, "(func $sub (type $bin) local.get 0 local.get 1 i32.sub)"), "");
    assert_eq!(out(&mut s, "(elem (i32.const 0) $add $sub)"), "");
    assert_eq!(
        out(&mut s, r#"(func (export "apply") (param i32 i32 i32) (result i32) local.get 1 local.get 2 local.get 0 call_indirect (type $bin))"#),
        ""
    );
    assert_eq!(out(&mut s, r#"(invoke "apply" (i32.const 1) (i32.const 10) (i32.const 3))"#), "(i32.const 7)");
    assert_eq!(out(&mut s, r#"(invoke "apply" (i32.const 3) (i32.const 10) (i32.const 3))"#), "trap: uninitialized element");
    assert_eq!(out(&mut s, r#"(import "spectest" "global_i32" (global $sg i32))"#), "");
    assert_eq!(out(&mut s, r#"(func (export "sg") (result i32) global.get $sg)"#), "");
    assert_eq!(out(&mut s, r#"(invoke "sg")"#), "(i32.const 666)");
    // A whole module starts a fresh session; its $names resolve afterwards.
    assert_eq!(
        out(&mut s, r#"(module (func $dbl (param i32) (result i32) local.get 0 i32.const 2 i32.mul) (memory $mem 1))"#),
        ""
    );
    assert!(out(&mut s, r#"(invoke "sg")"#).starts_with("error: "));
    assert_eq!(out(&mut s, r#"(func (export "q") (result i32) i32.const 21 call $dbl)"#), "");
    assert_eq!(out(&mut s, r#"(invoke "q")"#), "(i32.const 42)");
    assert_eq!(out(&mut s, r#"(register "m")"#), "");
    assert_eq!(out(&mut s, r#"(import "m" "q" (func $q (result i32)))"#), "");
    assert_eq!(out(&mut s, r#"(func (export "q2") (result i32) call $q call $q i32.add)"#), "");
    assert_eq!(out(&mut s, r#"(invoke "q2")"#), "(i32.const 84)");
}

#[test]
fn tags_are_session_items() {
    let mut s = Session::new().unwrap();
    assert_eq!(out(&mut s, "(tag $e (param i32))"), "");
    assert_eq!(out(&mut s, r#"(func $t (export "t") (param i32) (throw $e (local.get 0)))"#), "");
    // A later definition catches the tag of an earlier one, thrown by a third.
    assert_eq!(
        out(&mut s, r#"(func (export "c") (param i32) (result i32)
              (block $h (result i32) (try_table (catch $e $h) (call $t (local.get 0))) (i32.const -1)))"#),
        ""
    );
    assert_eq!(out(&mut s, r#"(invoke "c" (i32.const 7))"#), "(i32.const 7)");
    assert_eq!(out(&mut s, r#"(invoke "t" (i32.const 3))"#), "trap: uncaught exception");
    assert_eq!(out(&mut s, r#"(assert_exception (invoke "t" (i32.const 1)))"#), "");
    assert_eq!(out(&mut s, r#"(assert_exception (invoke "c" (i32.const 1)))"#), "error: assertion failed: expected an exception, got [(i32.const 1)]");
    // Another tag of the same type is another identity: not caught by `catch $e`.
    assert_eq!(out(&mut s, "(tag $other (param i32))"), "");
    assert_eq!(
        out(&mut s, r#"(func (export "o") (result i32)
              (block $h (result i32) (try_table (catch $e $h) (throw $other (i32.const 1))) (i32.const -1)))"#),
        ""
    );
    assert_eq!(out(&mut s, r#"(invoke "o")"#), "trap: uncaught exception");
    // A tag of a loaded module is nameable; registered, it is importable by name.
    assert_eq!(out(&mut s, r#"(module (tag $x (export "x") (param f32)) (func $f (export "f") (throw $x (f32.const 1.5))))"#), "");
    assert_eq!(
        out(&mut s, r#"(func (export "g") (result f32) (block $h (result f32) (try_table (catch $x $h) (call $f)) (f32.const 0)))"#),
        ""
    );
    assert_eq!(out(&mut s, r#"(invoke "g")"#), "(f32.const 1.5)");
    assert_eq!(out(&mut s, r#"(register "m")"#), "");
    assert_eq!(out(&mut s, r#"(import "m" "x" (tag $y (param f32)))"#), "");
    assert_eq!(
        out(&mut s, r#"(func (export "h") (result f32) (block $h (result f32) (try_table (catch $y $h) (call $f)) (f32.const 0)))"#),
        ""
    );
    assert_eq!(out(&mut s, r#"(invoke "h")"#), "(f32.const 1.5)");
}
