//! wasmlite example: an incremental session (the library behind `wasmlite repl`), driven
//! from code. Each definition compiles only its own code; later definitions link against
//! earlier ones by `$name`; memory and globals persist across definitions and traps.

use wasmlite_jit::repl::{format_values, trap_message, ReplError, Session};

fn show(session: &mut Session, input: &str) {
    let out = match session.eval(input) {
        Ok(o) => format_values(o.values()),
        Err(ReplError::Trap(t)) => format!("trap: {}", trap_message(&t)),
        Err(e) => format!("error: {e}"),
    };
    println!("> {}", input.split_whitespace().collect::<Vec<_>>().join(" "));
    if !out.is_empty() {
        println!("{out}");
    }
}

fn main() -> Result<(), ReplError> {
    let mut s = Session::new()?;
    // Definitions: a memory, a counter, a helper, and an exported function using all three.
    show(&mut s, "(memory $mem 1)");
    show(&mut s, "(global $calls (mut i32) (i32.const 0))");
    show(&mut s, "(func $sq (param i32) (result i32) local.get 0 local.get 0 i32.mul)");
    show(
        &mut s,
        r#"(func (export "store_sq") (param $addr i32) (param $x i32)
             global.get $calls i32.const 1 i32.add global.set $calls
             local.get $addr local.get $x call $sq i32.store)"#,
    );
    show(&mut s, r#"(func (export "load") (param i32) (result i32) local.get 0 i32.load)"#);
    show(&mut s, r#"(func (export "calls") (result i32) global.get $calls)"#);

    // Commands: calls, a trap, and state that survives it.
    show(&mut s, r#"(invoke "store_sq" (i32.const 8) (i32.const 12))"#);
    show(&mut s, r#"(invoke "load" (i32.const 8))"#);
    show(&mut s, r#"(invoke "store_sq" (i32.const 70000) (i32.const 1))"#);
    show(&mut s, r#"(invoke "calls")"#);
    show(&mut s, r#"(invoke "load" (i32.const 8))"#);

    // An invalid definition is rejected and changes nothing.
    show(&mut s, r#"(func (export "load") (result i32) i64.const 1)"#);
    show(&mut s, r#"(assert_return (invoke "load" (i32.const 8)) (i32.const 144))"#);
    Ok(())
}
