//! Exception handling end to end: wat → codegen (invoke + landing pads) → ORC JIT (its
//! `.eh_frame` registered) → runtime (personality routine, libgcc unwinder).

use wasmlite_jit_e2e::load;
use wasmlite_rt::*;

const M: &str = r#"
(module
  (import "host" "call" (func $host_call (param i32) (result i32)))
  (import "host" "tag" (tag $htag (param i32)))
  (tag $e (export "e") (param i32 i64))
  (tag $other (export "other"))
  (memory 1)
  (func $thrower (export "throw") (param i32 i64) (local.get 0) (local.get 1) (throw $e))
  (func (export "catch") (param i32) (result i32)
    (block $h (result i32 i64)
      (try_table (catch $e $h) (call $thrower (local.get 0) (i64.const 7)))
      (return (i32.const -1)))
    (drop))
  (func $rec (param i32)
    (if (i32.eqz (local.get 0)) (then (call $thrower (i32.const 99) (i64.const 0)) (return)))
    (call $rec (i32.sub (local.get 0) (i32.const 1))))
  (func (export "deep") (param i32) (result i32)
    (block $h (result i32 i64)
      (try_table (catch $e $h) (call $rec (local.get 0)))
      (return (i32.const -1)))
    (drop))
  ;; Traps are not exceptions: catch_all never sees them.
  (func (export "trap_in_try") (param i32) (result i32)
    (block $h
      (try_table (catch_all $h)
        (drop (i32.div_u (i32.const 1) (local.get 0)))
        (drop (i32.load (i32.const 70000))))
      (return (i32.const 0)))
    (i32.const 1))
  ;; A host function that throws, caught by wasm.
  (func (export "catch_host") (param i32) (result i32)
    (block $h (result i32)
      (try_table (catch $htag $h) (return (call $host_call (local.get 0))))
      (unreachable)))
  ;; A tail call leaves the try block: the exception reaches the caller.
  (func (export "tail_in_try")
    (block $h (result i32 i64)
      (try_table (catch $e $h) (return_call $thrower (i32.const 5) (i64.const 6)))
      (unreachable))
    (drop) (drop))
  (func (export "catch_ref") (result exnref)
    (block $h (result exnref)
      (try_table (catch_all_ref $h) (call $thrower (i32.const 3) (i64.const 4)))
      (unreachable)))
  (func (export "rethrow") (param exnref) (throw_ref (local.get 0)))
  (func (export "loop") (param i32) (result i32) (local $n i32)
    (loop $l
      (block $h
        (try_table (catch_all $h) (call $thrower (local.get $n) (i64.const 0)))
        (unreachable))
      (local.set $n (i32.add (local.get $n) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $n) (local.get 0))))
    (local.get $n))
)"#;

struct Setup {
    inst: Instance,
    host_tag: Tag,
}

/// The host function: `x < 0` throws the host tag with `-x`, `x == 0` calls back into wasm
/// (`throw` of `$e`, which the host propagates), otherwise returns `x`.
fn setup(explicit: bool) -> Setup {
    let module = load(M, explicit);
    let store = Store::new();
    let host_tag = Tag::new(vec![ValType::I32]);
    let t = host_tag.clone();
    let callback: std::rc::Rc<std::cell::RefCell<Option<Func>>> = Default::default();
    let cb = callback.clone();
    let call = Func::new(FuncType { params: vec![ValType::I32].into(), results: vec![ValType::I32].into() }, move |caller, args, res| {
        let x = args[0].i32().unwrap_or(0);
        if x < 0 {
            return Err(Trap::throw(Exception::new(&t, vec![Val::I32(-x)])?));
        }
        if x == 0 {
            let _ = caller;
            let f = cb.borrow().clone().ok_or_else(|| Trap::host("no callback"))?;
            f.call(&[Val::I32(11), Val::I64(12)])?;
        }
        res[0] = Val::I32(x);
        Ok(())
    });
    let inst = Instance::new(&store, &module, &[Extern::Func(call), Extern::Tag(host_tag.clone())], ()).expect("instantiate");
    let Some(Extern::Func(f)) = inst.export("throw") else { panic!("no export `throw`") };
    *callback.borrow_mut() = Some(f);
    Setup { inst, host_tag }
}

fn exported_tag(inst: &Instance, name: &str) -> Tag {
    match inst.export(name) {
        Some(Extern::Tag(t)) => t,
        other => panic!("no tag export {name}: {other:?}"),
    }
}

fn both_modes(f: impl Fn(bool)) {
    f(false);
    f(true);
}

#[test]
fn uncaught_exception_is_a_trap_with_tag_and_payload() {
    both_modes(|explicit| {
        let mut s = setup(explicit);
        let t = s.inst.call_export("throw", &[Val::I32(-3), Val::I64(1 << 40)]).unwrap_err();
        assert_eq!(t.kind(), TrapKind::UncaughtException, "{t}");
        let e = t.exception().expect("exception");
        assert_eq!(*e.tag(), exported_tag(&s.inst, "e"));
        assert_ne!(*e.tag(), exported_tag(&s.inst, "other"));
        assert_eq!(e.payload(), &[Val::I32(-3), Val::I64(1 << 40)]);
        assert_eq!(e.tag().ty().params, vec![ValType::I32, ValType::I64]);
        // The instance stays usable.
        assert_eq!(s.inst.call_export("catch", &[Val::I32(8)]).unwrap(), vec![Val::I32(8)]);
    });
}

#[test]
fn caught_in_wasm_and_through_many_frames() {
    both_modes(|explicit| {
        let mut s = setup(explicit);
        for k in [0, 1, -5, i32::MAX] {
            assert_eq!(s.inst.call_export("catch", &[Val::I32(k)]).unwrap(), vec![Val::I32(k)]);
        }
        assert_eq!(s.inst.call_export("deep", &[Val::I32(2000)]).unwrap(), vec![Val::I32(99)]);
        assert_eq!(s.inst.call_export("loop", &[Val::I32(10_000)]).unwrap(), vec![Val::I32(10_000)]);
    });
}

#[test]
fn traps_are_not_caught_by_catch_all() {
    both_modes(|explicit| {
        let mut s = setup(explicit);
        let t = s.inst.call_export("trap_in_try", &[Val::I32(0)]).unwrap_err();
        assert_eq!(t.kind(), TrapKind::IntegerDivideByZero);
        let t = s.inst.call_export("trap_in_try", &[Val::I32(1)]).unwrap_err();
        assert_eq!(t.kind(), TrapKind::MemoryOutOfBounds);
        // Exceptions still work after traps (the trap boundary was restored).
        assert_eq!(s.inst.call_export("catch", &[Val::I32(4)]).unwrap(), vec![Val::I32(4)]);
    });
}

#[test]
fn host_functions_throw_and_propagate() {
    both_modes(|explicit| {
        let mut s = setup(explicit);
        // Thrown by the host with an imported tag, caught by wasm.
        assert_eq!(s.inst.call_export("catch_host", &[Val::I32(-42)]).unwrap(), vec![Val::I32(42)]);
        assert_eq!(s.inst.call_export("catch_host", &[Val::I32(5)]).unwrap(), vec![Val::I32(5)]);
        // Wasm → host → wasm throws $e: the host propagates it, the outer try does not
        // catch $e (it catches the host tag), so it leaves wasm with its payload.
        let t = s.inst.call_export("catch_host", &[Val::I32(0)]).unwrap_err();
        assert_eq!(t.kind(), TrapKind::UncaughtException);
        let e = t.exception().unwrap();
        assert_eq!(*e.tag(), exported_tag(&s.inst, "e"));
        assert_eq!(e.payload(), &[Val::I32(11), Val::I64(12)]);
        // A host exception of a tag nobody catches comes back unchanged.
        let other = Tag::new(vec![ValType::I32]);
        assert_ne!(other, s.host_tag, "tags are nominal: same type, different tag");
        let bad = Exception::new(&s.host_tag, vec![Val::I64(1)]);
        assert!(bad.is_err(), "payload type is checked");
    });
}

#[test]
fn tail_call_leaves_try_and_exnref_roundtrip() {
    both_modes(|explicit| {
        let mut s = setup(explicit);
        let t = s.inst.call_export("tail_in_try", &[]).unwrap_err();
        assert_eq!(t.kind(), TrapKind::UncaughtException);
        assert_eq!(t.exception().unwrap().payload(), &[Val::I32(5), Val::I64(6)]);
        let r = s.inst.call_export("catch_ref", &[]).unwrap();
        assert!(matches!(r[0], Val::ExnRef(Some(_))), "{r:?}");
        // The exnref goes back into wasm and is rethrown with its payload.
        let t = s.inst.call_export("rethrow", &r).unwrap_err();
        assert_eq!(t.exception().unwrap().payload(), &[Val::I32(3), Val::I64(4)]);
        let t = s.inst.call_export("rethrow", &[Val::ExnRef(None)]).unwrap_err();
        assert_eq!(t.kind(), TrapKind::NullReference);
        // An exnref of another store is refused.
        let mut s2 = setup(explicit);
        let t = s2.inst.call_export("rethrow", &r).unwrap_err();
        assert_eq!(t.kind(), TrapKind::Host);
    });
}

#[test]
fn imported_tags_are_the_same_tag() {
    let a = load(r#"(module (tag $t (export "t") (param i32))
        (func (export "throw") (param i32) (throw $t (local.get 0))))"#, false);
    let b = load(r#"(module (import "a" "t" (tag $t (param i32))) (import "a" "throw" (func $throw (param i32)))
        (tag $local (param i32))
        (func (export "catch") (param i32) (result i32)
          (block $h (result i32) (try_table (catch $local $h) (catch $t $h) (call $throw (local.get 0))) (i32.const -1))))"#, false);
    let store = Store::new();
    let ia = Instance::new(&store, &a, &[], ()).unwrap();
    let imports = vec![ia.export("t").unwrap(), ia.export("throw").unwrap()];
    let mut ib = Instance::new(&store, &b, &imports, ()).unwrap();
    assert_eq!(ib.call_export("catch", &[Val::I32(17)]).unwrap(), vec![Val::I32(17)]);
    // A tag of another type cannot satisfy the import.
    let wrong = Tag::new(vec![ValType::I64]);
    let e = Instance::new(&store, &b, &[Extern::Tag(wrong), ia.export("throw").unwrap()], ()).unwrap_err();
    assert!(e.to_string().contains("incompatible tag type"), "{e}");
}

#[test]
fn exceptions_can_be_switched_off() {
    let wasm = wat::parse_str("(module (tag) (func (throw 0)))").unwrap();
    let mut cfg = wasmlite_codegen::Config::default();
    cfg.wasm_features.remove(wasmlite_codegen::WasmFeatures::EXCEPTIONS);
    let e = wasmlite_codegen::compile(&wasm, "noexn", &cfg).unwrap_err();
    assert!(e.to_string().contains("exception"), "{e}");
}

/// A module compiled without exception handling has no unwind tables: an exception thrown
/// through its frames cannot be caught on the other side, it ends the call as an
/// `UncaughtException` trap (the unwinder's search fails, `throw` reports it as a trap).
#[test]
fn frames_without_exception_handling_end_the_call_as_a_trap() {
    let a = load(r#"(module (tag $t (export "t") (param i32))
        (func (export "throw") (param i32) (throw $t (local.get 0))))"#, false);
    let mut cfg = wasmlite_codegen::Config::default();
    cfg.wasm_features.remove(wasmlite_codegen::WasmFeatures::EXCEPTIONS);
    let b = wasmlite_jit_e2e::load_with_config(
        r#"(module (import "a" "throw" (func $throw (param i32)))
            (func (export "g") (call $throw (i32.const 5))))"#,
        &cfg,
    );
    let store = Store::new();
    let ia = Instance::new(&store, &a, &[], ()).unwrap();
    let mut ib = Instance::new(&store, &b, &[ia.export("throw").unwrap()], ()).unwrap();
    for _ in 0..3 {
        let t = ib.call_export("g", &[]).unwrap_err();
        assert_eq!(t.kind(), TrapKind::UncaughtException, "{t}");
        assert_eq!(t.exception().unwrap().payload(), &[Val::I32(5)]);
    }
}

/// An `exnref` ties a global to its store like a funcref does: a global holding one cannot
/// be linked into another store (its exception would be raised there).
#[test]
fn exnref_globals_belong_to_their_store() {
    let mut s = setup(false);
    let r = s.inst.call_export("catch_ref", &[]).unwrap();
    let g = Global::new(GlobalType { ty: ValType::EXNREF, mutable: true }, r[0]).unwrap();
    let g = SharedGlobal::new(g);
    let m = load(r#"(module (global $g (import "h" "g") (mut exnref)) (func (export "f") (throw_ref (global.get $g))))"#, false);
    // Linked into its own store, the exception is thrown again.
    let mut same = Instance::new(s.inst.store(), &m, &[Extern::Global(g.clone())], ()).unwrap();
    let t = same.call_export("f", &[]).unwrap_err();
    assert_eq!(t.exception().unwrap().payload(), &[Val::I32(3), Val::I64(4)]);
    // Another store refuses it.
    let e = Instance::new(&Store::new(), &m, &[Extern::Global(g)], ()).unwrap_err();
    assert!(e.to_string().contains("different store"), "{e}");
}
