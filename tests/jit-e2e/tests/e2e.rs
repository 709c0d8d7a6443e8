//! End-to-end tests: wat → wasmlite-codegen → wasmlite-jit → wasmlite-rt.

use wasmlite_jit_e2e::load;
use wasmlite_rt::*;

const BASIC: &str = r#"
(module
  (import "env" "log" (func $log (param i32) (result i32)))
  (memory (export "mem") 1 3)
  (global $g (mut i32) (i32.const 5))
  (table 2 funcref)
  (elem (i32.const 0) $add $div)
  (type $bin (func (param i32 i32) (result i32)))
  (data (i32.const 16) "hello")
  (func $add (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add)
  (func $div (export "div") (param i32 i32) (result i32) local.get 0 local.get 1 i32.div_s)
  (func (export "indirect") (param i32 i32 i32) (result i32)
    local.get 0 local.get 1 local.get 2 call_indirect (type $bin))
  (func (export "load") (param i32) (result i32) local.get 0 i32.load)
  (func (export "grow") (param i32) (result i32) local.get 0 memory.grow)
  (func (export "call_log") (param i32) (result i32) local.get 0 call $log)
  (func (export "fill") (param i32 i32 i32) local.get 0 local.get 1 local.get 2 memory.fill)
  (func (export "get_g") (result i32) global.get $g)
  (func $rec (export "rec") (param i32) (result i32) local.get 0 i32.const 1 i32.add call $rec)
  (func (export "spin") (loop $l br $l))
  (func (export "unreach") unreachable)
)"#;

fn log_fn() -> Extern {
    Extern::Func(Func::new(FuncType { params: vec![ValType::I32].into(), results: vec![ValType::I32].into() }, |caller, args, res| {
        let x = args[0].i32().unwrap();
        if x < 0 {
            return Err(Trap::host("negative log"));
        }
        let m = caller.memory()?;
        let b = m.read(16, 5)?;
        res[0] = Val::I32(x + b[0] as i32);
        Ok(())
    }))
}

fn run_basic(explicit: bool) {
    let module = load(BASIC, explicit);
    assert_eq!(module.explicit_bounds_checks(), explicit);
    let store = Store::new();
    let mut inst = Instance::new(&store, &module, &[log_fn()], ()).expect("instantiate");
    assert_eq!(inst.call_export("add", &[Val::I32(2), Val::I32(40)]).unwrap(), vec![Val::I32(42)]);
    let t = inst.call_export("div", &[Val::I32(1), Val::I32(0)]).unwrap_err();
    assert_eq!(t.kind(), TrapKind::IntegerDivideByZero, "{t}");
    assert_eq!(t.to_string(), "wasm trap: integer divide by zero (in wasm function `div`, #2)");
    let t = inst.call_export("div", &[Val::I32(i32::MIN), Val::I32(-1)]).unwrap_err();
    assert_eq!(t.kind(), TrapKind::IntegerOverflow);
    assert_eq!(inst.call_export("indirect", &[Val::I32(3), Val::I32(4), Val::I32(1)]).unwrap(), vec![Val::I32(0)]);
    assert_eq!(inst.call_export("indirect", &[Val::I32(3), Val::I32(4), Val::I32(0)]).unwrap(), vec![Val::I32(7)]);
    assert_eq!(inst.call_export("indirect", &[Val::I32(3), Val::I32(4), Val::I32(2)]).unwrap_err().kind(), TrapKind::TableOutOfBounds);
    assert_eq!(inst.call_export("load", &[Val::I32(16)]).unwrap(), vec![Val::I32(i32::from_le_bytes(*b"hell"))]);
    let t = inst.call_export("load", &[Val::I32(65534)]).unwrap_err();
    assert_eq!(t.kind(), TrapKind::MemoryOutOfBounds, "{t}");
    assert_eq!(t.func_name(), Some("load"), "{t}");
    assert_eq!(inst.call_export("grow", &[Val::I32(1)]).unwrap(), vec![Val::I32(1)]);
    assert_eq!(inst.call_export("load", &[Val::I32(65534)]).unwrap(), vec![Val::I32(0)]);
    assert_eq!(inst.call_export("grow", &[Val::I32(5)]).unwrap(), vec![Val::I32(-1)]);
    assert_eq!(inst.call_export("call_log", &[Val::I32(1)]).unwrap(), vec![Val::I32(1 + b'h' as i32)]);
    let t = inst.call_export("call_log", &[Val::I32(-1)]).unwrap_err();
    assert_eq!(t.kind(), TrapKind::Host);
    assert_eq!(t.message(), Some("negative log"));
    inst.call_export("fill", &[Val::I32(100), Val::I32(7), Val::I32(3)]).unwrap();
    assert_eq!(&inst.memory(0).data()[100..104], &[7, 7, 7, 0]);
    assert_eq!(inst.call_export("fill", &[Val::I32(131070), Val::I32(7), Val::I32(3)]).unwrap_err().kind(), TrapKind::MemoryOutOfBounds);
    assert_eq!(inst.call_export("get_g", &[]).unwrap(), vec![Val::I32(5)]);
    let t = inst.call_export("rec", &[Val::I32(0)]).unwrap_err();
    assert_eq!(t.kind(), TrapKind::StackOverflow, "{t}");
    let t = inst.call_export("unreach", &[]).unwrap_err();
    assert_eq!(t.kind(), TrapKind::Unreachable);
    // interrupt from another thread
    let h = inst.interrupt_handle();
    let th = std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_millis(50));
        h.interrupt();
    });
    let t = inst.call_export("spin", &[]).unwrap_err();
    th.join().unwrap();
    assert_eq!(t.kind(), TrapKind::Interrupted);
    // still usable after every trap
    assert_eq!(inst.call_export("add", &[Val::I32(1), Val::I32(1)]).unwrap(), vec![Val::I32(2)]);
    let r: i32 = inst.call_typed(1, (7i32, 8i32)).unwrap();
    assert_eq!(r, 15);
}

#[test]
fn basic_guard_pages() {
    run_basic(false);
}

#[test]
fn basic_explicit_bounds_checks() {
    run_basic(true);
}

const PROVIDER: &str = r#"
(module
  (memory (export "mem") 1)
  (table (export "tab") 2 funcref)
  (global (export "gm") (mut i32) (i32.const 10))
  (func $sq (export "sq") (param i32) (result i32) local.get 0 local.get 0 i32.mul)
  (elem (i32.const 1) $sq)
  (func (export "store") (param i32 i32) local.get 0 local.get 1 i32.store)
)"#;

const CONSUMER: &str = r#"
(module
  (import "p" "sq" (func $sq (param i32) (result i32)))
  (import "p" "mem" (memory 1))
  (import "p" "tab" (table 2 funcref))
  (import "p" "gm" (global $gm (mut i32)))
  (import "h" "cb" (func $cb (param i32) (result i32)))
  (type $t (func (param i32) (result i32)))
  (func (export "use_all") (param i32) (result i32)
    local.get 0 call $sq
    i32.const 1 call_indirect (type $t)
    global.get $gm i32.add)
  (func (export "bump") global.get $gm i32.const 1 i32.add global.set $gm)
  (func (export "peek") (param i32) (result i32) local.get 0 i32.load)
  (func (export "via_host") (param i32) (result i32) local.get 0 call $cb)
  (func (export "div0") (param i32) (result i32) local.get 0 i32.const 0 i32.div_u)
)"#;

#[test]
fn cross_instance_linking_and_reentrancy() {
    for explicit in [false, true] {
        let store = Store::new();
        let p = load(PROVIDER, explicit);
        let mut pi = Instance::new(&store, &p, &[], ()).unwrap();
        let c = load(CONSUMER, explicit);
        let exports = |n: &str| pi.export(n).unwrap();
        // A host callback that re-enters wasm: calls the provider's exported `sq`, and
        // propagates traps from a nested call.
        let sq = match exports("sq") {
            Extern::Func(f) => f,
            _ => unreachable!(),
        };
        let div0: std::rc::Rc<std::cell::RefCell<Option<Func>>> = Default::default();
        let div0c = div0.clone();
        let cb = Func::new(FuncType { params: vec![ValType::I32].into(), results: vec![ValType::I32].into() }, move |_c, args, res| {
            if args[0] == Val::I32(99) {
                let f = div0c.borrow().clone().unwrap();
                f.call(&[Val::I32(1)])?;
            }
            let r = sq.call(args)?;
            res[0] = r[0];
            Ok(())
        });
        let imports = [exports("sq"), exports("mem"), exports("tab"), exports("gm"), Extern::Func(cb)];
        let mut ci = Instance::new(&store, &c, &imports, ()).unwrap();
        if let Some(Extern::Func(f)) = ci.export("div0") {
            *div0.borrow_mut() = Some(f);
        }
        // sq(3)=9, sq(9)=81, + 10
        assert_eq!(ci.call_export("use_all", &[Val::I32(3)]).unwrap(), vec![Val::I32(91)]);
        ci.call_export("bump", &[]).unwrap();
        let Extern::Global(g) = pi.export("gm").unwrap() else { panic!() };
        assert_eq!(g.get(), Val::I32(11));
        pi.call_export("store", &[Val::I32(8), Val::I32(1234)]).unwrap();
        assert_eq!(ci.call_export("peek", &[Val::I32(8)]).unwrap(), vec![Val::I32(1234)]);
        assert_eq!(ci.call_export("via_host", &[Val::I32(7)]).unwrap(), vec![Val::I32(49)]);
        let t = ci.call_export("via_host", &[Val::I32(99)]).unwrap_err();
        assert_eq!(t.kind(), TrapKind::IntegerDivideByZero, "{t}");
        // store state is clean afterwards
        assert_eq!(ci.call_export("via_host", &[Val::I32(5)]).unwrap(), vec![Val::I32(25)]);
        let t = ci.call_export("peek", &[Val::I32(70000)]).unwrap_err();
        assert_eq!(t.kind(), TrapKind::MemoryOutOfBounds);
    }
}

/// The trap boundary after nested calls: a host function called from wasm calls back into
/// the same store (one call traps, one returns), swallows the trap and returns; the outer wasm
/// code then faults (guard page or bounds check) or overflows its stack, which must land in
/// the outer call's entry (the runtime restores the outer jump buffer after each nested call).
#[test]
fn traps_after_nested_calls_reach_the_outer_entry() {
    const SRC: &str = r#"(module
      (import "env" "cb" (func $cb (param i32)))
      (memory 1)
      (func (export "inner") (param i32) (result i32) (i32.div_u (i32.const 100) (local.get 0)))
      (func (export "outer") (param i32) (result i32) (call $cb (local.get 0)) (i32.load (local.get 0)))
      (func $rec (param i32) (result i32) (i32.add (call $rec (local.get 0)) (i32.const 1)))
      (func (export "outer_rec") (param i32) (result i32) (call $cb (local.get 0)) (call $rec (local.get 0))))"#;
    for explicit in [false, true] {
        let store = Store::new();
        let m = load(SRC, explicit);
        let inner: std::rc::Rc<std::cell::RefCell<Option<Func>>> = Default::default();
        let inner_c = inner.clone();
        let seen: std::rc::Rc<std::cell::RefCell<Vec<String>>> = Default::default();
        let seen_c = seen.clone();
        let cb = Func::new(FuncType { params: vec![ValType::I32].into(), results: vec![].into() }, move |_c, _args, _res| {
            let f = inner_c.borrow().clone().unwrap();
            let t = f.call(&[Val::I32(0)]).unwrap_err();
            seen_c.borrow_mut().push(format!("{:?}", t.kind()));
            let r = f.call(&[Val::I32(4)])?;
            seen_c.borrow_mut().push(format!("{r:?}"));
            Ok(())
        });
        let mut inst = Instance::new(&store, &m, &[Extern::Func(cb)], ()).unwrap();
        let Some(Extern::Func(f)) = inst.export("inner") else { panic!("no inner") };
        *inner.borrow_mut() = Some(f);
        for round in 0..3 {
            assert_eq!(inst.call_export("outer", &[Val::I32(8)]).unwrap(), vec![Val::I32(0)], "explicit={explicit}");
            let t = inst.call_export("outer", &[Val::I32(70000)]).unwrap_err();
            assert_eq!(t.kind(), TrapKind::MemoryOutOfBounds, "explicit={explicit} round {round}: {t}");
            let t = inst.call_export("outer_rec", &[Val::I32(1)]).unwrap_err();
            assert_eq!(t.kind(), TrapKind::StackOverflow, "explicit={explicit} round {round}: {t}");
            assert_eq!(inst.call_export("inner", &[Val::I32(5)]).unwrap(), vec![Val::I32(20)]);
        }
        assert_eq!(seen.borrow().len(), 18, "{:?}", seen.borrow());
        assert!(seen.borrow().chunks(2).all(|p| p[0] == "IntegerDivideByZero" && p[1] == "[I32(25)]"), "{:?}", seen.borrow());
    }
}

#[test]
fn typed_host_value_and_panics() {
    let m = load(
        r#"(module (import "env" "add" (func $a (param i32) (result i32)))
             (func (export "f") (param i32) (result i32) local.get 0 call $a))"#,
        false,
    );
    fn add(h: &mut Vec<i32>, _c: &mut Caller<'_>, x: i32) -> Result<i32, Trap> {
        if x == 13 {
            panic!("unlucky {x}");
        }
        h.push(x);
        Ok(h.iter().sum())
    }
    let store = Store::new();
    let mut inst = Instance::new(&store, &m, &[Extern::Func(Func::wrap(add))], Vec::<i32>::new()).unwrap();
    assert_eq!(inst.call_typed::<i32, i32>(1, 5).unwrap(), 5);
    assert_eq!(inst.call_typed::<i32, i32>(1, 6).unwrap(), 11);
    assert_eq!(*inst.host(), vec![5, 6]);
    let t = inst.call_typed::<i32, i32>(1, 13).unwrap_err();
    assert_eq!(t.kind(), TrapKind::Host);
    assert_eq!(t.message(), Some("host function panicked: unlucky 13"));
    assert_eq!(inst.call_typed::<i32, i32>(1, 1).unwrap(), 12);
}

#[test]
fn heap_memory_moves_on_grow() {
    // Explicit-bounds-check code with an imported heap memory: growing may move the memory and
    // the code must reload base/length after memory.grow.
    let m = load(
        r#"(module (import "env" "mem" (memory 1))
             (func (export "grow_and_touch") (param i32) (result i32)
               local.get 0 memory.grow drop
               i32.const 100 i32.const 7 i32.store
               (i32.store (i32.sub (i32.mul (memory.size) (i32.const 65536)) (i32.const 4)) (i32.const 9))
               (i32.load (i32.sub (i32.mul (memory.size) (i32.const 65536)) (i32.const 4))))
             (func (export "load") (param i32) (result i32) local.get 0 i32.load))"#,
        true,
    );
    let mem = SharedMemory::new(Memory::new_heap(MemoryType { min: 1, max: None, memory64: false, shared: false, page_size_log2: 16 }).unwrap());
    assert!(!mem.borrow().is_guarded());
    let store = Store::new();
    let mut inst = Instance::new(&store, &m, &[Extern::Memory(mem.clone())], ()).unwrap();
    let mut bases = std::collections::HashSet::new();
    for _ in 0..20 {
        assert_eq!(inst.call_export("grow_and_touch", &[Val::I32(3)]).unwrap(), vec![Val::I32(9)]);
        bases.insert(mem.borrow().data().as_ptr() as usize);
    }
    assert_eq!(mem.borrow().size_pages(), 61);
    assert_eq!(inst.call_export("load", &[Val::I32(100)]).unwrap(), vec![Val::I32(7)]);
    assert_eq!(inst.call_export("load", &[Val::I32(61 * 65536 - 3)]).unwrap_err().kind(), TrapKind::MemoryOutOfBounds);
    eprintln!("distinct heap bases seen: {}", bases.len());
    // A module without explicit checks refuses the heap memory.
    let g = load(r#"(module (import "env" "mem" (memory 1)))"#, false);
    match Instance::new(&store, &g, &[Extern::Memory(mem)], ()) {
        Err(Error::Instantiation(e)) => assert!(e.message().contains("guard-page"), "{e}"),
        _ => panic!("expected an instantiation error"),
    }
}

/// Typed host functions of register signatures (at most 4 numeric parameters, at most one
/// numeric result) are called through `VMFuncRef::host`: every value type in every register
/// position, NaN payloads and negative numbers arrive bit-exact; an `Err(Trap)` keeps its kind,
/// a panic is a Host trap, and the host value is free again afterwards.
#[test]
fn register_host_calls() {
    let m = load(
        r#"(module
             (import "env" "i32" (func $i32 (param i32 i32) (result i32)))
             (import "env" "i64" (func $i64 (param i64) (result i64)))
             (import "env" "f32" (func $f32 (param f32 f32 f32) (result f32)))
             (import "env" "mix" (func $mix (param f64 i32 i64 f32) (result f64)))
             (import "env" "none" (func $none))
             (import "env" "fail" (func $fail (param i32) (result i32)))
             (import "env" "boom" (func $boom (param i64)))
             (func (export "i32") (param i32 i32) (result i32) local.get 0 local.get 1 call $i32)
             (func (export "i64") (param i64) (result i64) local.get 0 call $i64)
             (func (export "f32") (param f32 f32 f32) (result f32) local.get 0 local.get 1 local.get 2 call $f32)
             (func (export "mix") (param f64 i32 i64 f32) (result f64)
               local.get 0 local.get 1 local.get 2 local.get 3 call $mix)
             (func (export "none") call $none call $none)
             (func (export "fail") (param i32) (result i32) local.get 0 call $fail)
             (func (export "boom") (param i64) local.get 0 call $boom))"#,
        false,
    );
    type Log = Vec<u64>;
    let i32f = |h: &mut Log, _: &mut Caller<'_>, (a, b): (i32, i32)| -> Result<i32, Trap> {
        h.extend([a as u32 as u64, b as u32 as u64]);
        Ok(a.wrapping_sub(b))
    };
    let i64f = |h: &mut Log, _: &mut Caller<'_>, x: i64| -> Result<i64, Trap> {
        h.push(x as u64);
        Ok(!x)
    };
    // Returns its second argument: a NaN payload comes back unchanged.
    let f32f = |h: &mut Log, _: &mut Caller<'_>, (a, b, c): (f32, f32, f32)| -> Result<f32, Trap> {
        h.extend([a.to_bits() as u64, b.to_bits() as u64, c.to_bits() as u64]);
        Ok(b)
    };
    let mixf = |h: &mut Log, _: &mut Caller<'_>, (a, b, c, d): (f64, i32, i64, f32)| -> Result<f64, Trap> {
        h.extend([a.to_bits(), b as u32 as u64, c as u64, d.to_bits() as u64]);
        Ok(f64::from_bits(a.to_bits() ^ 1))
    };
    let nonef = |h: &mut Log, _: &mut Caller<'_>, (): ()| -> Result<(), Trap> {
        h.push(7);
        Ok(())
    };
    let failf = |_: &mut Log, _: &mut Caller<'_>, x: i32| -> Result<i32, Trap> {
        if x < 0 {
            Err(Trap::with_message(TrapKind::IntegerOverflow, "negative"))
        } else {
            Ok(x + 1)
        }
    };
    let boomf = |_: &mut Log, _: &mut Caller<'_>, x: i64| -> Result<(), Trap> {
        if x == -1 {
            panic!("boom {x}");
        }
        Ok(())
    };
    let imports = [
        Extern::Func(Func::wrap(i32f)),
        Extern::Func(Func::wrap(i64f)),
        Extern::Func(Func::wrap(f32f)),
        Extern::Func(Func::wrap(mixf)),
        Extern::Func(Func::wrap(nonef)),
        Extern::Func(Func::wrap(failf)),
        Extern::Func(Func::wrap(boomf)),
    ];
    let store = Store::new();
    let mut inst = Instance::new(&store, &m, &imports, Log::new()).unwrap();
    let mut call = |name: &str, args: &[Val]| inst.call_export(name, args);

    assert_eq!(call("i32", &[Val::I32(-5), Val::I32(i32::MAX)]).unwrap(), vec![Val::I32((-5i32).wrapping_sub(i32::MAX))]);
    assert_eq!(call("i32", &[Val::I32(i32::MIN), Val::I32(1)]).unwrap(), vec![Val::I32(i32::MAX)]);
    assert_eq!(call("i64", &[Val::I64(-2)]).unwrap(), vec![Val::I64(1)]);
    assert_eq!(call("i64", &[Val::I64(i64::MIN)]).unwrap(), vec![Val::I64(i64::MAX)]);
    // Signalling and quiet NaNs with payloads, a negative zero, a negative number.
    let (snan, qnan) = (0x7f80_0001u32, 0xffc1_2345u32);
    let r = call("f32", &[Val::F32(0x8000_0000), Val::F32(snan), Val::F32((-1.5f32).to_bits())]).unwrap();
    assert_eq!(r, vec![Val::F32(snan)]);
    assert_eq!(call("f32", &[Val::F32(0), Val::F32(qnan), Val::F32(0)]).unwrap(), vec![Val::F32(qnan)]);
    let nan64 = 0xfff0_0000_0000_0002u64;
    let r = call("mix", &[Val::F64(nan64), Val::I32(-3), Val::I64(-4), Val::F32(snan)]).unwrap();
    assert_eq!(r, vec![Val::F64(nan64 ^ 1)]);
    let r = call("mix", &[Val::F64((-0.25f64).to_bits()), Val::I32(1), Val::I64(2), Val::F32(3.0f32.to_bits())]).unwrap();
    assert_eq!(r, vec![Val::F64((-0.25f64).to_bits() ^ 1)]);
    call("none", &[]).unwrap();
    let expected: Log = vec![
        (-5i32) as u32 as u64,
        i32::MAX as u64,
        i32::MIN as u32 as u64,
        1,
        (-2i64) as u64,
        i64::MIN as u64,
        0x8000_0000,
        snan as u64,
        (-1.5f32).to_bits() as u64,
        0,
        qnan as u64,
        0,
        nan64,
        (-3i32) as u32 as u64,
        (-4i64) as u64,
        snan as u64,
        (-0.25f64).to_bits(),
        1,
        2,
        3.0f32.to_bits() as u64,
        7,
        7,
    ];
    assert_eq!(*inst.host(), expected);

    let mut call = |name: &str, args: &[Val]| inst.call_export(name, args);
    assert_eq!(call("fail", &[Val::I32(41)]).unwrap(), vec![Val::I32(42)]);
    let t = call("fail", &[Val::I32(-1)]).unwrap_err();
    assert_eq!(t.kind(), TrapKind::IntegerOverflow, "{t}");
    assert_eq!(t.message(), Some("negative"));
    let t = call("boom", &[Val::I64(-1)]).unwrap_err();
    assert_eq!(t.kind(), TrapKind::Host, "{t}");
    assert_eq!(t.message(), Some("host function panicked: boom -1"));
    // The host value was released on every path.
    call("boom", &[Val::I64(0)]).unwrap();
    assert_eq!(call("fail", &[Val::I32(0)]).unwrap(), vec![Val::I32(1)]);
    assert_eq!(inst.host().len(), expected.len());
}
