//! A module compiled in several partitions (`Config::threads`, one object per partition, linked
//! in one JITDylib) behaves exactly like the same module compiled as one object: results,
//! calls between partitions (direct, indirect, tail, through import stubs), traps raised in
//! any partition, guard-page faults and stack overflows in code outside the first object, and
//! the function named by a trap.

use wasmlite_codegen::Config;
use wasmlite_rt::{Extern, Func, FuncType, Instance, Store, Val, ValType};

/// Fifteen defined functions, so that four partitions hold three or four each; every export's work crosses
/// partitions.
const WAT: &str = r#"(module
  (import "env" "twice" (func $twice (param i32) (result i32)))
  (type $ii (func (param i32) (result i32)))
  (memory 1)
  (table funcref (elem $sq $inc $fib))
  (global $g (mut i32) (i32.const 0))
  (func $sq (type $ii) local.get 0 local.get 0 i32.mul)
  (func $inc (type $ii) global.get $g i32.const 1 i32.add global.set $g local.get 0 i32.const 1 i32.add)
  (func $fib (type $ii)
    local.get 0 i32.const 2 i32.lt_u
    if (result i32) local.get 0
    else local.get 0 i32.const 1 i32.sub call $fib local.get 0 i32.const 2 i32.sub call $fib2 i32.add end)
  (func $sum_to (param i32 i32) (result i32)
    local.get 0 i32.eqz if (result i32) local.get 1
    else local.get 0 i32.const 1 i32.sub local.get 1 local.get 0 i32.add return_call $sum_to end)
  (func $load_at (param i32) (result i32) local.get 0 i32.load)
  (func $div (param i32 i32) (result i32) local.get 0 local.get 1 i32.div_s)
  (func $deep (param i32) (result i32) local.get 0 i32.const 1 i32.add call $deep)
  (func $fib2 (type $ii)
    local.get 0 i32.const 2 i32.lt_u
    if (result i32) local.get 0
    else local.get 0 i32.const 1 i32.sub call $fib local.get 0 i32.const 2 i32.sub call $fib i32.add end)
  (func (export "fib") (param i32) (result i32) local.get 0 call $fib)
  (func (export "table") (param i32 i32) (result i32) local.get 1 local.get 0 call_indirect (type $ii))
  (func (export "host") (param i32) (result i32) local.get 0 call $twice call $sq)
  (func (export "mix") (param i32) (result i32 i64)
    (i32.store (i32.const 16) (call $sum_to (local.get 0) (i32.const 0)))
    (i32.add (call $load_at (i32.const 16)) (global.get $g))
    (i64.extend_i32_u (call $inc (local.get 0))))
  (func (export "oob") (param i32) (result i32) local.get 0 call $load_at)
  (func (export "div") (param i32 i32) (result i32) local.get 0 local.get 1 call $div)
  (func (export "deep") (result i32) i32.const 0 call $deep)
)"#;

fn instance(threads: usize, explicit: bool, opt_level: u8) -> Instance<()> {
    let wasm = wat::parse_str(WAT).unwrap();
    let config = Config { threads, explicit_bounds_checks: explicit, opt_level, ..Config::default() };
    let module = wasmlite_jit::compile_module(&wasm, &format!("parts{threads}_{explicit}_{opt_level}"), &config).unwrap();
    let twice = Func::new(FuncType { params: vec![ValType::I32].into(), results: vec![ValType::I32].into() }, |_, args, res| {
        res[0] = Val::I32(args[0].i32().unwrap_or(0) * 2);
        Ok(())
    });
    Instance::new(&Store::new(), &module, &[Extern::Func(twice)], ()).unwrap()
}

/// Every call of the scenario, as text (values or trap kind and function). `pc_named`: whether
/// to include the function of traps found by the faulting pc (guard-page faults): with
/// inlining (O2) that is the function the code was inlined into, which depends on what the
/// partitioning let LLVM inline.
fn run(inst: &mut Instance<()>, pc_named: bool) -> Vec<String> {
    let calls: Vec<(&str, Vec<Val>)> = vec![
        ("fib", vec![Val::I32(20)]),
        ("table", vec![Val::I32(0), Val::I32(9)]),
        ("table", vec![Val::I32(1), Val::I32(9)]),
        ("table", vec![Val::I32(2), Val::I32(15)]),
        ("table", vec![Val::I32(3), Val::I32(1)]),
        ("host", vec![Val::I32(7)]),
        ("mix", vec![Val::I32(100_000)]),
        ("mix", vec![Val::I32(3)]),
        ("oob", vec![Val::I32(8)]),
        ("oob", vec![Val::I32(65_534)]),
        ("oob", vec![Val::I32(-4)]),
        ("div", vec![Val::I32(-7), Val::I32(2)]),
        ("div", vec![Val::I32(1), Val::I32(0)]),
        ("div", vec![Val::I32(i32::MIN), Val::I32(-1)]),
        ("deep", vec![]),
        ("fib", vec![Val::I32(10)]),
    ];
    calls
        .into_iter()
        .map(|(name, args)| match inst.call_export(name, &args) {
            Ok(v) => format!("{name} = {v:?}"),
            Err(t) if !pc_named && t.kind() == wasmlite_rt::TrapKind::MemoryOutOfBounds => format!("{name} traps {:?}", t.kind()),
            Err(t) => format!("{name} traps {:?} in {:?} {:?}", t.kind(), t.func_index(), t.func_name()),
        })
        .collect()
}

#[test]
fn partitions_give_the_same_results_as_one_object() {
    for (explicit, opt) in [(false, 0), (false, 2), (true, 0), (true, 2)] {
        // Explicit checks name the function in the trap call itself; so does everything at O0.
        let pc_named = explicit || opt == 0;
        let one = run(&mut instance(1, explicit, opt), pc_named);
        // The expected behaviour, independent of the partitioning.
        assert_eq!(one[0], "fib = [I32(6765)]");
        assert_eq!(one[1], "table = [I32(81)]");
        assert_eq!(one[3], "table = [I32(610)]");
        assert!(one[4].starts_with("table traps"), "{}", one[4]);
        assert_eq!(one[5], "host = [I32(196)]");
        // sum 1..=100000 wraps to 705082704; `$inc` ran once before (table[1]).
        assert_eq!(one[6], "mix = [I32(705082705), I64(100001)]");
        // Out-of-bounds loads, divisions by zero and stack overflows are raised in `$load_at`
        // (function 5), `$div` (6) and `$deep` (7), each named from the name section.
        if pc_named {
            assert_eq!(one[9], "oob traps MemoryOutOfBounds in Some(5) Some(\"load_at\")");
        } else {
            assert_eq!(one[9], "oob traps MemoryOutOfBounds");
        }
        assert_eq!(one[10], one[9]);
        assert_eq!(one[12], "div traps IntegerDivideByZero in Some(6) Some(\"div\")");
        assert_eq!(one[13], "div traps IntegerOverflow in Some(6) Some(\"div\")");
        assert_eq!(one[14], "deep traps StackOverflow in Some(7) Some(\"deep\")");
        assert_eq!(one[15], "fib = [I32(55)]", "usable after the traps");
        for threads in [2, 4] {
            let many = run(&mut instance(threads, explicit, opt), pc_named);
            assert_eq!(many, one, "{threads} partitions, explicit bounds checks: {explicit}, O{opt}");
        }
    }
}

/// A guard-page fault in code outside the first object is recognised (pc in a registered
/// range) and named by the pc: `$load_at` cannot be inlined into the export (it is in another
/// partition), so the trap names it.
#[test]
fn guard_page_fault_in_a_later_partition_is_named() {
    let mut inst = instance(15, false, 2);
    let r = run(&mut inst, true);
    assert_eq!(r[9], "oob traps MemoryOutOfBounds in Some(5) Some(\"load_at\")");
    assert_eq!(r[14], "deep traps StackOverflow in Some(7) Some(\"deep\")");
}

#[test]
fn objects_per_partition_and_code_ranges() {
    let wasm = wat::parse_str(WAT).unwrap();
    let prefix = wasmlite_abi::symbol_prefix("ranges", &wasm);
    let config = |threads| Config { threads, ..Config::default() };
    let one = wasmlite_codegen::compile_objects(&wasm, &prefix, &config(1)).unwrap();
    assert_eq!(one.len(), 1);
    assert_eq!(one[0], wasmlite_codegen::compile(&wasm, &prefix, &config(4)).unwrap(), "compile is one object");
    let four = wasmlite_codegen::compile_objects(&wasm, &prefix, &config(4)).unwrap();
    assert_eq!(four.len(), 4);
    assert_eq!(four, wasmlite_codegen::compile_objects(&wasm, &prefix, &config(4)).unwrap(), "deterministic");
    let has = |o: &[u8], s: &str| o.windows(s.len()).any(|w| w == s.as_bytes());
    let desc = wasmlite_abi::descriptor_symbol(&prefix);
    assert!(has(&four[0], &desc) && four[1..].iter().all(|o| !has(o, &desc)), "the descriptor is in the first object");
    // More partitions than functions: one per function.
    assert_eq!(wasmlite_codegen::compile_objects(&wasm, &prefix, &config(64)).unwrap().len(), 15);

    let mut jit = wasmlite_jit::Jit::new().unwrap();
    let d = jit.load_objects(&four, &prefix).unwrap();
    // SAFETY: the descriptor and its ranges live as long as `jit`.
    let ranges = unsafe { (*d).code_ranges() }.to_vec();
    assert_eq!(ranges.len(), 4);
    // SAFETY: as above: the module is valid while `jit` lives, and dropped before it.
    let module = unsafe { wasmlite_rt::Module::from_descriptor(d) }.unwrap();
    for r in &ranges {
        let key = wasmlite_abi::registry::CODE.lookup(r.start as usize).map(|e| e.key);
        assert_eq!(key, Some(d as usize), "every object's code is registered");
    }
    drop(module);
    drop(jit);
    for r in ranges {
        assert_eq!(wasmlite_abi::registry::CODE.lookup(r.start as usize), None, "and unregistered with the JIT");
    }
}
