//! Robustness: byte-mutated modules either compile or give a `CompileError`; never a crash.

use wasmlite_codegen::{compile, Config};

const SRC: &str = r#"(module
  (import "env" "f" (func $f (param i32) (result i32)))
  (memory 1) (table 2 funcref) (global $g (mut i64) (i64.const 1))
  (func $a (param i32 i64) (result i64)
    (block (result i64)
      (loop
        (br_if 1 (i64.const 3) (i32.eqz (local.get 0)))
        (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
        (drop (call $f (i32.load (local.get 0))))
        (br 0))
      (i64.const 4)))
  (func (result f32) (f32.div (f32.const 1) (f32.convert_i64_s (global.get $g))))
  (func (param i32) (result i32) (call_indirect (param i32) (result i32) (local.get 0) (i32.const 1)))
  (elem (i32.const 0) $a))"#;

#[test]
fn mutated_modules_never_crash() {
    let base = wat::parse_str(SRC).unwrap();
    let config = Config { opt_level: 1, ..Config::default() };
    assert!(compile(&base, "m", &config).is_ok());
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let (mut ok, mut err) = (0, 0);
    for _ in 0..400 {
        let mut m = base.clone();
        for _ in 0..1 + next() % 3 {
            let i = 8 + (next() as usize) % (m.len() - 8);
            m[i] = next() as u8;
        }
        match compile(&m, "m", &config) {
            Ok(obj) => {
                assert_eq!(&obj[..4], b"\x7fELF");
                ok += 1
            }
            Err(e) => {
                assert!(!e.message.contains("verifier"), "{e}");
                assert!(!e.message.contains("internal"), "{e}");
                err += 1
            }
        }
    }
    eprintln!("mutations: {ok} compiled, {err} rejected");
    assert!(err > 0);
}
