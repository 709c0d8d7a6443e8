//! Runtime soundness (issue 7): exact call_indirect type identity, one borrow discipline for
//! memories/tables, no second `&mut H` on re-entry, stores outlive what points into them, no
//! linking across stores. Each test shows the formerly unsound pattern now being rejected
//! (trap or error) — the type-level fixes are `compile_fail` doctests in wasmlite-rt.

use std::cell::RefCell;
use std::rc::Rc;

use wasmlite_jit_e2e::load;
use wasmlite_rt::*;

const PARAMS: [&str; 8] = ["", "i32", "i64", "f32", "f64", "i32 i32", "i64 i32", "i32 i64"];
const RESULTS: [&str; 4] = ["", "i32", "i64", "f64"];

fn zero(t: &str) -> String {
    format!("({t}.const 0)")
}

/// A module with 32 distinct function types (plus type 32, a structural duplicate of type 5),
/// one function per type at the same table index, and `call{k}(i)` doing
/// `call_indirect (type k)` on table element `i`.
fn many_types_module() -> String {
    let mut types = Vec::new();
    for p in PARAMS {
        for r in RESULTS {
            types.push((p, r));
        }
    }
    types.push(types[5]);
    let mut w = String::from("(module\n");
    for (k, (p, r)) in types.iter().enumerate() {
        w += &format!("  (type $t{k} (func (param {p}) (result {r})))\n");
    }
    w += &format!("  (table {} funcref)\n", types.len());
    let names: Vec<String> = (0..types.len()).map(|k| format!("$f{k}")).collect();
    w += &format!("  (elem (i32.const 0) {})\n", names.join(" "));
    for (k, (_, r)) in types.iter().enumerate() {
        let body: Vec<String> = r.split_whitespace().map(zero).collect();
        w += &format!("  (func $f{k} (type $t{k}) {})\n", body.join(" "));
    }
    for (k, (p, r)) in types.iter().enumerate() {
        let args: Vec<String> = p.split_whitespace().map(zero).collect();
        let drops = "(drop)".repeat(r.split_whitespace().count());
        w += &format!(
            "  (func (export \"call{k}\") (param $i i32) {} (local.get $i) (call_indirect (type $t{k})) {drops})\n",
            args.join(" ")
        );
    }
    w + ")"
}

#[test]
fn call_indirect_matches_exactly_the_equal_types() {
    let src = many_types_module();
    for explicit in [false, true] {
        let m = load(&src, explicit);
        let mut inst = Instance::new(&Store::new(), &m, &[], ()).unwrap();
        let n = 33;
        let mut ok = 0;
        for k in 0..n {
            for i in 0..n {
                let r = inst.call_export(&format!("call{k}"), &[Val::I32(i)]);
                // Types 5 and 32 are structurally equal: they match each other.
                let same = |a: i32| if a == 32 { 5 } else { a };
                if same(k) == same(i) {
                    assert!(r.is_ok(), "call{k}({i}): {r:?}");
                    ok += 1;
                } else {
                    let t = r.unwrap_err();
                    assert_eq!(t.kind(), TrapKind::BadSignature, "call{k}({i}): {t}");
                }
            }
        }
        assert_eq!(ok, 31 + 4, "each type matches itself; 5 and 32 match each other");
    }
}

#[test]
fn call_indirect_across_modules_uses_canonical_ids() {
    // The provider's types are declared in a different order than the caller's: type indices
    // differ, canonical ids agree.
    let provider = load(
        r#"(module
             (type (func (param i64) (result i64)))
             (type (func (param i32) (result i32)))
             (table (export "t") 2 funcref)
             (func $a (type 1) (i32.add (local.get 0) (i32.const 1)))
             (func $b (type 0) (i64.add (local.get 0) (i64.const 2)))
             (elem (i32.const 0) $a $b))"#,
        false,
    );
    let caller = load(
        r#"(module
             (type $i (func (param i32) (result i32)))
             (type $l (func (param i64) (result i64)))
             (import "p" "t" (table 2 funcref))
             (func (export "ci") (param i32 i32) (result i32) (call_indirect (type $i) (local.get 0) (local.get 1)))
             (func (export "cl") (param i64 i32) (result i64) (call_indirect (type $l) (local.get 0) (local.get 1))))"#,
        false,
    );
    let store = Store::new();
    let p = Instance::new(&store, &provider, &[], ()).unwrap();
    let mut c = Instance::new(&store, &caller, &[p.export("t").unwrap()], ()).unwrap();
    assert_eq!(c.call_export("ci", &[Val::I32(41), Val::I32(0)]).unwrap(), vec![Val::I32(42)]);
    assert_eq!(c.call_export("cl", &[Val::I64(40), Val::I32(1)]).unwrap(), vec![Val::I64(42)]);
    assert_eq!(c.call_export("ci", &[Val::I32(1), Val::I32(1)]).unwrap_err().kind(), TrapKind::BadSignature);
    assert_eq!(c.call_export("cl", &[Val::I64(1), Val::I32(0)]).unwrap_err().kind(), TrapKind::BadSignature);
}

const MEM: &str = r#"(module
  (import "env" "cb" (func $cb))
  (memory (export "mem") 1)
  (table (export "tab") 1 funcref)
  (func (export "store") (param i32 i32) (i32.store (local.get 0) (local.get 1)))
  (func (export "grow") (result i32) (memory.grow (i32.const 1)))
  (func (export "call_cb") (call $cb)))"#;

fn exported_func<H>(i: &Instance<H>, name: &str) -> Func {
    match i.export(name) {
        Some(Extern::Func(f)) => f,
        other => panic!("{name}: {other:?}"),
    }
}

#[test]
fn wasm_does_not_run_while_a_memory_or_table_is_borrowed() {
    let m = load(MEM, false);
    // The callback (1) re-enters wasm while holding `caller.memory()`, (2) leaks a borrow of
    // the memory past its return, depending on the mode.
    let mode = Rc::new(RefCell::new(0));
    let reenter: Rc<RefCell<Option<Func>>> = Default::default();
    let mem_handle: Rc<RefCell<Option<SharedMemory>>> = Default::default();
    let (mode2, reenter2, mem2) = (mode.clone(), reenter.clone(), mem_handle.clone());
    let cb = Func::new(FuncType::default(), move |caller, _, _| {
        match *mode2.borrow() {
            1 => {
                let mut mem = caller.memory()?;
                mem.data_mut()[0] = 1;
                // Wasm would write this memory while `mem` (a `&mut [u8]` view) is alive.
                let f = reenter2.borrow().clone().unwrap();
                f.call(&[Val::I32(0), Val::I32(7)])?;
                mem.data_mut()[0] = 2;
            }
            2 => {
                let m = mem2.borrow().clone().unwrap();
                let leaked: &'static SharedMemory = Box::leak(Box::new(m));
                std::mem::forget(leaked.borrow_mut());
            }
            _ => {}
        }
        Ok(())
    });
    let store = Store::new();
    let mut inst = Instance::new(&store, &m, &[Extern::Func(cb)], ()).unwrap();
    *reenter.borrow_mut() = Some(exported_func(&inst, "store"));
    let Some(Extern::Memory(shared)) = inst.export("mem") else { panic!() };
    *mem_handle.borrow_mut() = Some(shared.clone());

    // A borrow held by the embedder: calling wasm through an exported Func is a trap.
    let store_f = exported_func(&inst, "store");
    {
        let guard = inst.memory(0);
        let t = store_f.call(&[Val::I32(0), Val::I32(5)]).unwrap_err();
        assert_eq!(t.kind(), TrapKind::Host);
        assert!(t.message().unwrap().contains("memory of this store is still borrowed"), "{t}");
        assert_eq!(guard.data()[0], 0, "wasm did not write while the guard lived");
    }
    let Some(Extern::Table(tab)) = inst.export("tab") else { panic!() };
    {
        let _t = tab.borrow();
        let t = store_f.call(&[Val::I32(0), Val::I32(5)]).unwrap_err();
        assert!(t.message().unwrap().contains("table of this store is still borrowed"), "{t}");
    }
    store_f.call(&[Val::I32(0), Val::I32(5)]).unwrap();
    assert_eq!(inst.memory(0).data()[0], 5);

    // (1) Host function re-enters wasm while holding `caller.memory()`.
    *mode.borrow_mut() = 1;
    let t = inst.call_export("call_cb", &[]).unwrap_err();
    assert_eq!(t.kind(), TrapKind::Host);
    assert!(t.message().unwrap().contains("still borrowed"), "{t}");
    assert_eq!(inst.memory(0).data()[0], 1, "the nested wasm store did not run");

    // (2) Host function returns into wasm with a leaked borrow: trap, and the store refuses
    // to run wasm from then on (the borrow never ends) instead of aliasing it.
    *mode.borrow_mut() = 2;
    let t = inst.call_export("call_cb", &[]).unwrap_err();
    assert!(t.message().unwrap().contains("still borrowed"), "{t}");
    *mode.borrow_mut() = 0;
    assert!(inst.call_export("grow", &[]).is_err());
    assert!(shared.try_borrow().is_err());
}

/// The return-path borrow check when a *typed* host function (`Func::wrap`, its own
/// monomorphic entry) returns into wasm: a borrow it leaked is a `Host` trap (and a second
/// call is refused too), while a borrow it took and released is fine.
#[test]
fn typed_host_function_returning_with_a_leaked_borrow_is_a_trap() {
    let m = load(MEM, false);
    let leak = Rc::new(RefCell::new(false));
    let mem_handle: Rc<RefCell<Option<SharedMemory>>> = Default::default();
    let (leak2, mem2) = (leak.clone(), mem_handle.clone());
    let cb = Func::wrap(move |count: &mut u32, caller: &mut Caller<'_>, ()| -> Result<(), Trap> {
        *count += 1;
        // A borrow taken and dropped inside the call.
        caller.memory()?.data_mut()[8] = *count as u8;
        if *leak2.borrow() {
            let m = mem2.borrow().clone().unwrap();
            let leaked: &'static SharedMemory = Box::leak(Box::new(m));
            std::mem::forget(leaked.borrow_mut());
        }
        Ok(())
    });
    let store = Store::new();
    let mut inst = Instance::new(&store, &m, &[Extern::Func(cb)], 0u32).unwrap();
    let Some(Extern::Memory(shared)) = inst.export("mem") else { panic!() };
    *mem_handle.borrow_mut() = Some(shared);
    for _ in 0..3 {
        inst.call_typed::<(), ()>(3, ()).unwrap();
    }
    assert_eq!((*inst.host(), inst.memory(0).data()[8]), (3, 3));
    *leak.borrow_mut() = true;
    let t = inst.call_typed::<(), ()>(3, ()).unwrap_err();
    assert_eq!(t.kind(), TrapKind::Host);
    assert!(t.message().unwrap().contains("memory of this store is still borrowed"), "{t}");
    let t = inst.call_typed::<(), ()>(3, ()).unwrap_err();
    assert!(t.message().unwrap().contains("still borrowed"), "{t}");
}

/// The borrow check on the call path is O(1) (a store skips the scan while no borrow was
/// taken since it last found none): a borrow of one store's memory must still stop that
/// store after another store on the same thread was checked, and after its own earlier
/// clean checks.
#[test]
fn borrow_check_is_per_store_across_stores_of_one_thread() {
    let m = load(MEM, false);
    let noop = || Extern::Func(Func::new(FuncType::default(), |_, _, _| Ok(())));
    let (s1, s2) = (Store::new(), Store::new());
    let mut i1 = Instance::new(&s1, &m, &[noop()], ()).unwrap();
    let mut i2 = Instance::new(&s2, &m, &[noop()], ()).unwrap();
    let (f1, f2) = (exported_func(&i1, "store"), exported_func(&i2, "store"));
    // Both stores checked clean at the current epoch.
    f1.call(&[Val::I32(0), Val::I32(1)]).unwrap();
    f2.call(&[Val::I32(0), Val::I32(2)]).unwrap();
    let Some(Extern::Memory(mem2)) = i2.export("mem") else { panic!() };
    for round in 0..3 {
        let guard = mem2.borrow();
        // Store 1 has nothing borrowed: it runs (and records the new epoch as clean).
        f1.call(&[Val::I32(4), Val::I32(round)]).unwrap();
        f1.call(&[Val::I32(4), Val::I32(round)]).unwrap();
        // Store 2's memory is borrowed: every call is refused, also through the typed path.
        for _ in 0..2 {
            let t = f2.call(&[Val::I32(0), Val::I32(9)]).unwrap_err();
            assert!(t.message().unwrap().contains("memory of this store is still borrowed"), "{t}");
            let t = i2.call_typed::<(i32, i32), ()>(1, (0, 9)).unwrap_err();
            assert!(t.message().unwrap().contains("memory of this store is still borrowed"), "{t}");
        }
        assert_eq!(guard.data()[0], 2, "store 2 did not write while the guard lived");
        drop(guard);
        f2.call(&[Val::I32(0), Val::I32(2)]).unwrap();
    }
    // A table borrow the same way, and a borrow through a `SharedMemory` handle.
    let Some(Extern::Table(tab)) = i1.export("tab") else { panic!() };
    let Some(Extern::Memory(mem1)) = i1.export("mem") else { panic!() };
    {
        let _t = tab.borrow();
        f2.call(&[Val::I32(0), Val::I32(2)]).unwrap();
        assert!(f1.call(&[Val::I32(0), Val::I32(1)]).is_err());
    }
    {
        let _m = mem1.borrow();
        f2.call(&[Val::I32(0), Val::I32(2)]).unwrap();
        assert!(i1.call_typed::<(i32, i32), ()>(1, (0, 1)).is_err());
    }
    i1.call_typed::<(i32, i32), ()>(1, (0, 1)).unwrap();
    assert_eq!((i1.memory_mut(0).data()[0], i2.memory_mut(0).data()[0]), (1, 2));
}

#[test]
fn caller_memory_conflict_is_a_trap() {
    let m = load(MEM, false);
    let held: Rc<RefCell<Option<SharedMemory>>> = Default::default();
    let h2 = held.clone();
    let cb = Func::new(FuncType::default(), move |caller, _, _| {
        let m = h2.borrow().clone().unwrap();
        let _outer = m.borrow();
        // The same memory through the caller while `_outer` is alive.
        let e = caller.memory().unwrap_err();
        assert_eq!(e.message(), Some("memory 0 of the caller is already borrowed"));
        Err(e)
    });
    let mut inst = Instance::new(&Store::new(), &m, &[Extern::Func(cb)], ()).unwrap();
    let Some(Extern::Memory(shared)) = inst.export("mem") else { panic!() };
    *held.borrow_mut() = Some(shared);
    let t = inst.call_export("call_cb", &[]).unwrap_err();
    assert_eq!(t.message(), Some("memory 0 of the caller is already borrowed"));
}

struct Reentrant {
    calls: u32,
    again: Option<Func>,
}

fn reenter(h: &mut Reentrant, _c: &mut Caller<'_>, depth: i32) -> Result<i32, Trap> {
    h.calls += 1;
    if depth > 0 {
        // Re-enter wasm, which calls this typed host function again: the inner call must not
        // get a second `&mut Reentrant`.
        let f = h.again.clone().unwrap();
        let r = f.call(&[Val::I32(depth - 1)])?;
        return Ok(r[0].i32().unwrap() + 1);
    }
    Ok(0)
}

#[test]
fn typed_host_reentry_gets_no_second_mut_borrow() {
    let m = load(
        r#"(module (import "env" "h" (func $h (param i32) (result i32)))
             (func (export "f") (param i32) (result i32) (call $h (local.get 0))))"#,
        false,
    );
    let mut inst =
        Instance::new(&Store::new(), &m, &[Extern::Func(Func::wrap(reenter))], Reentrant { calls: 0, again: None }).unwrap();
    let f = exported_func(&inst, "f");
    inst.host_mut().again = Some(f);
    assert_eq!(inst.call_typed::<i32, i32>(1, 0).unwrap(), 0);
    let t = inst.call_typed::<i32, i32>(1, 1).unwrap_err();
    assert_eq!(t.kind(), TrapKind::Host);
    assert!(t.message().unwrap().contains("is already borrowed"), "{t}");
    assert!(t.message().unwrap().contains("Reentrant"), "{t}");
    assert_eq!(inst.host().calls, 2, "the inner call never ran");
    // The instance stays usable.
    assert_eq!(inst.call_typed::<i32, i32>(1, 0).unwrap(), 0);
}

const PROVIDER: &str = r#"(module
  (table (export "tab") 1 funcref)
  (memory (export "mem") 1)
  (global (export "g") (mut funcref) (ref.null func))
  (func $seven (export "seven") (result i32) (i32.const 7))
  (elem (i32.const 0) $seven))"#;

const USER: &str = r#"(module
  (import "p" "tab" (table 1 funcref))
  (type $r (func (result i32)))
  (func (export "call0") (result i32) (call_indirect (type $r) (i32.const 0))))"#;

#[test]
fn dropping_the_store_keeps_what_tables_point_into() {
    let u = load(USER, false);
    let mut user = {
        let store = Store::new();
        let provider = Instance::new(&store, &load(PROVIDER, false), &[], ()).unwrap();
        let user = Instance::new(&store, &u, &[provider.export("tab").unwrap()], ()).unwrap();
        drop(provider);
        drop(store);
        user
    };
    // The provider's VMContext (the table element points into it) is still alive.
    for _ in 0..3 {
        let junk: Vec<Vec<u8>> = (0..64).map(|i| vec![0xa5; 64 + i]).collect();
        assert_eq!(user.call_export("call0", &[]).unwrap(), vec![Val::I32(7)]);
        drop(junk);
    }
}

#[test]
fn linking_across_stores_is_an_error() {
    let s1 = Store::new();
    let provider = Instance::new(&s1, &load(PROVIDER, false), &[], ()).unwrap();
    let u = load(USER, false);
    let s2 = Store::new();
    let err = |r: Result<Instance, Error>| match r {
        Err(Error::Instantiation(e)) => e.message().to_string(),
        other => panic!("expected an instantiation error, got {other:?}"),
    };
    // Table of store 1 into store 2.
    let e = err(Instance::new(&s2, &u, &[provider.export("tab").unwrap()], ()));
    assert_eq!(e, "import `p`.`tab`: the table belongs to a different store");
    // Function, memory and global of store 1 into store 2.
    let m = load(
        r#"(module (import "p" "seven" (func (result i32))) (import "p" "mem" (memory 1))
             (import "p" "g" (global (mut funcref))))"#,
        false,
    );
    let imports = [provider.export("seven").unwrap(), provider.export("mem").unwrap(), provider.export("g").unwrap()];
    assert_eq!(err(Instance::new(&s2, &m, &imports, ())), "import `p`.`seven`: the function belongs to a different store");
    let host_fn = Extern::Func(Func::new(FuncType { params: vec![].into(), results: vec![ValType::I32].into() }, |_, _, r| {
        r[0] = Val::I32(1);
        Ok(())
    }));
    let imports2 = [host_fn.clone(), provider.export("mem").unwrap(), provider.export("g").unwrap()];
    assert_eq!(err(Instance::new(&s2, &m, &imports2, ())), "import `p`.`mem`: the memory belongs to a different store");
    let fresh_mem = Extern::Memory(SharedMemory::new(Memory::new(MemoryType { min: 1, max: None, memory64: false, shared: false, page_size_log2: 16 }).unwrap()));
    let imports3 = [host_fn.clone(), fresh_mem.clone(), provider.export("g").unwrap()];
    assert_eq!(err(Instance::new(&s2, &m, &imports3, ())), "import `p`.`g`: the global belongs to a different store");
    // Host objects not yet linked join the first store that uses them.
    let g = Extern::Global(SharedGlobal::new(Global::new(GlobalType { ty: ValType::FuncRef, mutable: true }, Val::FuncRef(None)).unwrap()));
    Instance::new(&s2, &m, &[host_fn.clone(), fresh_mem.clone(), g.clone()], ()).unwrap();
    assert_eq!(err(Instance::new(&s1, &m, &[host_fn, fresh_mem, g], ())), "import `p`.`mem`: the memory belongs to a different store");

    // A funcref of store 1 cannot reach store 2's tables, globals or functions.
    let seven = exported_func(&provider, "seven").funcref().unwrap();
    let tab2 = SharedTable::new(Table::new(TableType { elem: ValType::FuncRef, min: 1, max: None, table64: false }, Val::FuncRef(None)).unwrap());
    let user2 = Instance::new(&s2, &u, &[Extern::Table(tab2.clone())], ()).unwrap();
    let t = tab2.borrow_mut().set(0, Val::FuncRef(Some(seven))).unwrap_err();
    assert_eq!(t.message(), Some("a function reference of a different store cannot be stored here"));
    let takes_ref = load(r#"(module (func (export "id") (param funcref) (result funcref) (local.get 0)))"#, false);
    let mut i2 = Instance::new(&s2, &takes_ref, &[], ()).unwrap();
    let t = i2.call_export("id", &[Val::FuncRef(Some(seven))]).unwrap_err();
    assert_eq!(t.message(), Some("a function reference of a different store was passed to this store"));
    let t = i2.call_typed::<Option<FuncRef>, Option<FuncRef>>(0, Some(seven)).unwrap_err();
    assert_eq!(t.kind(), TrapKind::Host);
    // Within its own store the funcref works everywhere.
    let mut i1 = Instance::new(&s1, &takes_ref, &[], ()).unwrap();
    assert_eq!(i1.call_typed::<Option<FuncRef>, Option<FuncRef>>(0, Some(seven)).unwrap(), Some(seven));
    let Some(Extern::Global(g1)) = provider.export("g") else { panic!() };
    g1.set(Val::FuncRef(Some(seven))).unwrap();
    drop(user2);
}
