//! End-to-end: wasm → wasmlite-codegen object → JIT → call the entry points by hand (with a
//! hand-made VMContext, no runtime).

use std::ffi::c_void;

use wasmlite_abi::{ModuleDescriptor, ModuleInfo, VMStore, ValRaw, VmLayout};
use wasmlite_jit::{Jit, JitError};

/// A zeroed, 16-aligned VMContext for `info` whose store pointer is `store`.
struct FakeVmctx {
    buf: Vec<u128>,
}

impl FakeVmctx {
    fn new(info: &ModuleInfo, store: *mut VMStore) -> FakeVmctx {
        let layout = VmLayout::for_module(info);
        let mut buf = vec![0u128; (layout.size as usize).div_ceil(16).max(2)];
        // SAFETY: offset 0 of the VMContext is the store pointer (abi::VMCTX_STORE).
        unsafe { *(buf.as_mut_ptr() as *mut *mut VMStore) = store };
        FakeVmctx { buf }
    }
    fn ptr(&mut self) -> *mut c_void {
        self.buf.as_mut_ptr() as *mut c_void
    }
}

fn new_store() -> Box<VMStore> {
    Box::new(VMStore {
        jmp_buf: std::ptr::null_mut(),
        trap_code: 0,
        trap_func: 0,
        stack_limit: 0,
        interrupt: 0,
        _pad: 0,
        exception: std::ptr::null_mut(),
    })
}

fn info(d: &ModuleDescriptor) -> ModuleInfo {
    // SAFETY: the descriptor's info points to info_len bytes of the loaded object.
    let bytes = unsafe { std::slice::from_raw_parts(d.info, d.info_len) };
    ModuleInfo::decode(bytes).expect("info decodes")
}

/// Call defined function `i` through its array entry with the given slots, under the module's
/// setjmp boundary (the fake VMContext has no builtins for the unwinding one), as a runtime
/// without an unwinder does: the previous jump buffer is restored afterwards.
fn call_array(d: &ModuleDescriptor, vmctx: *mut c_void, i: usize, values: &mut [ValRaw]) -> u32 {
    assert!(i < d.num_funcs);
    // SAFETY: `funcs` has `num_funcs` entries; the array ABI takes (vmctx, caller, values);
    // offset 0 of the VMContext is its store (abi::VMCTX_STORE), live for the call.
    unsafe {
        let entry = &*d.funcs.add(i);
        let store = *(vmctx as *const *mut VMStore);
        let prev = (*store).jmp_buf;
        let code = (d.sjlj_entry)(store, entry.array, vmctx, values.as_mut_ptr());
        (*store).jmp_buf = prev;
        code
    }
}

const WAT: &str = r#"(module
  (func (export "answer") (result i32) i32.const 42)
  (func (export "nearest") (param f64) (result f64) local.get 0 f64.nearest)
  (func (export "fdiv") (param f64 f64) (result f64) local.get 0 local.get 1 f64.div)
  (func (export "trap") unreachable)
  (func (export "div") (param i32 i32) (result i32) local.get 0 local.get 1 i32.div_u))"#;

#[test]
fn compiles_loads_and_runs() {
    let wasm = wat::parse_str(WAT).unwrap();
    let mut jit = Jit::new().unwrap();
    let desc = jit.load_wasm(&wasm, "e2e", &wasmlite_codegen::Config::default()).unwrap();
    // SAFETY: the descriptor lives as long as `jit`.
    let d = unsafe { &*desc };
    assert_eq!(d.abi_version, wasmlite_abi::ABI_VERSION);
    assert_eq!(d.num_funcs, 5);
    assert_eq!(d.num_code_ranges, 1, "a small module is one object");
    // SAFETY: the descriptor's ranges are valid while `jit` lives.
    let r = unsafe { d.code_ranges() }[0];
    assert!(r.start < r.end);
    let info = info(d);
    assert_eq!(info.export("answer").map(|e| e.index), Some(0));

    let mut store = new_store();
    let mut vmctx = FakeVmctx::new(&info, &mut *store);
    let mut v = [ValRaw::default(); 2];
    assert_eq!(call_array(d, vmctx.ptr(), 0, &mut v), 0);
    assert_eq!(v[0].get_i32(), 42);

    // f64.nearest may lower to a libm call (roundeven) resolved from the process.
    for (x, want) in [(2.5f64, 2.0f64), (3.5, 4.0), (-0.5, -0.0)] {
        let mut v = [ValRaw::f64(x.to_bits())];
        assert_eq!(call_array(d, vmctx.ptr(), 1, &mut v), 0);
        assert_eq!(f64::from_bits(v[0].get_f64()).to_bits(), want.to_bits(), "nearest({x})");
    }

    // Traps longjmp back to the setjmp entry and come out as codes.
    assert_eq!(call_array(d, vmctx.ptr(), 3, &mut v), wasmlite_abi::trap::UNREACHABLE);
    let mut v = [ValRaw::i32(7), ValRaw::i32(0)];
    assert_eq!(call_array(d, vmctx.ptr(), 4, &mut v), wasmlite_abi::trap::INTEGER_DIVIDE_BY_ZERO);
    // The entry is reusable after a trap.
    let mut v = [ValRaw::i32(7), ValRaw::i32(2)];
    assert_eq!(call_array(d, vmctx.ptr(), 4, &mut v), 0);
    assert_eq!(v[0].get_i32(), 3);
    // The caller restores the previous jump buffer (none).
    assert!(store.jmp_buf.is_null());
}

#[test]
fn same_module_twice_gets_distinct_prefixes() {
    let wasm = wat::parse_str(WAT).unwrap();
    let mut jit = Jit::new().unwrap();
    let p0 = jit.unique_prefix("twice", &wasm);
    let a = jit.load_wasm(&wasm, "twice", &Default::default()).unwrap();
    let p1 = jit.unique_prefix("twice", &wasm);
    let b = jit.load_wasm(&wasm, "twice", &Default::default()).unwrap();
    assert_ne!(a, b);
    assert_ne!(p0, p1);
    assert_eq!(p1, format!("{p0}_1"));
    assert_eq!(jit.num_modules(), 2);
}

#[test]
fn invalid_wasm_is_a_compile_error() {
    let mut jit = Jit::new().unwrap();
    let wasm = wat::parse_str("(module (func (result i32)))").unwrap();
    match jit.load_wasm(&wasm, "bad", &Default::default()) {
        Err(JitError::Compile(e)) => assert!(!e.message.is_empty()),
        other => panic!("expected a compile error, got {other:?}"),
    }
    assert!(matches!(jit.load_wasm(b"\0asm", "bad2", &Default::default()), Err(JitError::Compile(_))));
}

#[test]
fn objects_can_be_dumped_for_debugging() {
    let dir = std::env::temp_dir().join(format!("wasmlite-jit-dump-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::env::set_var("WASMLITE_JIT_DUMP_DIR", &dir);
    let wasm = wat::parse_str("(module (func (export \"f\")))").unwrap();
    let mut jit = Jit::new().unwrap();
    let prefix = jit.unique_prefix("dumped", &wasm);
    jit.load_wasm(&wasm, "dumped", &Default::default()).unwrap();
    std::env::remove_var("WASMLITE_JIT_DUMP_DIR");
    let obj = std::fs::read(dir.join(format!("{prefix}.o"))).unwrap();
    assert!(obj.starts_with(b"\x7fELF"));
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Every piece of a module's code — defined functions, array entries, import stubs and
/// `raise_trap` — lies in one of its code ranges (one `[code_start, code_end)` per object),
/// which the signal handler recognises, whether the module is one object or several.
#[test]
fn all_code_inside_registered_range() {
    let mut jit = Jit::new().unwrap();
    let wasm = wat::parse_str(
        r#"(module
          (import "env" "h" (func $h (param i32) (result i32)))
          (memory 1)
          (func (export "load") (param i32) (result i32) local.get 0 i32.load)
          (func (export "div") (param i32 i32) (result i32) local.get 0 local.get 1 i32.div_s)
          (func (export "call") (param i32) (result i32) local.get 0 call $h))"#,
    )
    .unwrap();
    for (opt, threads) in [(0, 1), (2, 1), (0, 3), (2, 3)] {
        let config = wasmlite_codegen::Config { opt_level: opt, threads, ..Default::default() };
        let d = jit.load_wasm(&wasm, &format!("range{opt}_{threads}"), &config).unwrap();
        // SAFETY: the descriptor is valid while `jit` lives.
        let d = unsafe { &*d };
        // SAFETY: as above.
        let ranges = unsafe { d.code_ranges() };
        assert_eq!(ranges.len(), threads, "one range per object");
        for (k, r) in ranges.iter().enumerate() {
            assert!(r.start < r.end, "range {k} is not empty");
            for q in &ranges[k + 1..] {
                assert!(r.end <= q.start || q.end <= r.start, "ranges do not overlap");
            }
        }
        let inside = |p: usize, what: &str| {
            let n = ranges.iter().filter(|r| r.start as usize <= p && p < r.end as usize).count();
            assert_eq!(n, 1, "O{opt}, {threads} objects: {what} {p:#x} outside {ranges:?}");
        };
        inside(d.raise_trap as usize, "raise_trap");
        for i in 0..d.num_funcs {
            // SAFETY: `funcs` has `num_funcs` entries.
            let e = unsafe { &*d.funcs.add(i) };
            inside(e.native as usize, "function");
            inside(e.array as usize, "array entry");
        }
        for i in 0..d.num_import_stubs {
            // SAFETY: `import_stubs` has `num_import_stubs` entries.
            inside(unsafe { *d.import_stubs.add(i) } as usize, "import stub");
        }
    }
}

/// Dropping the JIT (which frees the code) removes its modules from the code registry.
#[test]
fn drop_unregisters_code() {
    let mut jit = Jit::new().unwrap();
    let wasm = wat::parse_str("(module (func (export \"f\")))").unwrap();
    let d = jit.load_wasm(&wasm, "unreg", &wasmlite_codegen::Config::default()).unwrap();
    // SAFETY: `d` is a valid descriptor whose code lives until `jit` is dropped (below, which
    // unregisters it).
    unsafe { wasmlite_abi::registry::register_code(d) };
    // SAFETY: as above.
    let start = unsafe { (*d).code_ranges() }[0].start as usize;
    assert_eq!(wasmlite_abi::registry::CODE.lookup(start).map(|e| e.key), Some(d as usize));
    drop(jit);
    assert_eq!(wasmlite_abi::registry::CODE.get(d as usize), None);
    assert_eq!(wasmlite_abi::registry::CODE.lookup(start), None);
}
