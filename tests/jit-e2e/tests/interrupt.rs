//! Interrupting running wasm code from another thread, with polling code and with
//! signal-interrupted code (`wasmlite_codegen::Interrupts`), in both memory modes, compiled
//! eagerly and lazily (`wasmlite_jit::compile_module_lazy`: every function is first entered
//! through the lazy stub resolver).

use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use wasmlite_codegen::{Config, Interrupts};
use wasmlite_jit_e2e::load_with_config;
use wasmlite_rt::*;

const SRC: &str = r#"
(module
  (import "env" "tick" (func $tick))
  (import "env" "nap" (func $nap))
  (memory 1)
  ;; No call, no memory access: a bare infinite loop.
  (func (export "spin") (loop $l (br $l)))
  ;; Loads, arithmetic and stores, no call.
  (func (export "spin_mem") (result i32) (local $i i32) (local $s i32)
    (loop $l
      (local.set $s (i32.add (local.get $s) (i32.load (i32.and (local.get $i) (i32.const 0xfffc)))))
      (i32.store (i32.and (local.get $s) (i32.const 0xfffc)) (local.get $i))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br $l))
    (local.get $s))
  ;; Nearly all of its time is spent in the host function.
  (func (export "spin_host") (loop $l (call $tick) (br $l)))
  ;; A builtin in the loop.
  (func (export "spin_fill") (loop $l (memory.fill (i32.const 0) (i32.const 1) (i32.const 4096)) (br $l)))
  ;; One host call that sleeps, no loop.
  (func (export "nap_once") (result i32) (call $nap) (i32.const 7))
  (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
)"#;

struct Setup {
    inst: Instance,
    napped: Arc<AtomicBool>,
    ticks: Arc<AtomicU32>,
}

fn setup(explicit: bool, interrupts: Interrupts) -> Setup {
    setup_mode(explicit, interrupts, false)
}

fn setup_mode(explicit: bool, interrupts: Interrupts, lazy: bool) -> Setup {
    let cfg = Config { explicit_bounds_checks: explicit, interrupts, ..Default::default() };
    let module = if lazy {
        wasmlite_jit::compile_module_lazy(&wat::parse_str(SRC).expect("wat"), "e2e_lazy", &cfg).expect("lazy compile")
    } else {
        load_with_config(SRC, &cfg)
    };
    let polls = match interrupts {
        Interrupts::Poll => true,
        Interrupts::Signal => false,
        Interrupts::Auto => !abi::target::interrupt_signals_supported(&wasmlite_codegen::host_triple()),
    };
    assert_eq!(module.interrupt_polling(), polls);
    let ticks = Arc::new(AtomicU32::new(0));
    let t2 = ticks.clone();
    let tick = Func::new(FuncType { params: vec![].into(), results: vec![].into() }, move |_, _, _| {
        // ~20 µs of host work per call.
        let t = Instant::now();
        while t.elapsed() < Duration::from_micros(20) {
            std::hint::spin_loop();
        }
        t2.fetch_add(1, Ordering::SeqCst);
        Ok(())
    });
    let napped = Arc::new(AtomicBool::new(false));
    let n2 = napped.clone();
    let nap = Func::new(FuncType { params: vec![].into(), results: vec![].into() }, move |_, _, _| {
        std::thread::sleep(Duration::from_millis(100));
        n2.store(true, Ordering::SeqCst);
        Ok(())
    });
    let store = Store::new();
    let inst = Instance::new(&store, &module, &[Extern::Func(tick), Extern::Func(nap)], ()).expect("instantiate");
    Setup { inst, napped, ticks }
}

/// Call `name` and interrupt it from another thread after `delay`.
fn interrupted(s: &mut Setup, name: &str, delay: Duration) -> Result<Vec<Val>, Trap> {
    interrupted_when(s, name, delay, || true)
}

/// Call `name`; another thread waits until `ready()` (e.g. the call has reached the host at
/// least once, however late the scheduler runs it), then `delay`, then interrupts.
fn interrupted_when(s: &mut Setup, name: &str, delay: Duration, ready: impl Fn() -> bool + Send + 'static) -> Result<Vec<Val>, Trap> {
    let h = s.inst.interrupt_handle();
    let th = std::thread::spawn(move || {
        let t = Instant::now();
        while !ready() && t.elapsed() < Duration::from_secs(5) {
            std::thread::yield_now();
        }
        std::thread::sleep(delay);
        h.interrupt();
    });
    let start = Instant::now();
    let r = s.inst.call_export(name, &[]);
    th.join().unwrap();
    assert!(start.elapsed() < Duration::from_secs(10), "{name}: took {:?}", start.elapsed());
    r
}

fn check(explicit: bool, interrupts: Interrupts) {
    check_mode(explicit, interrupts, false)
}

fn check_mode(explicit: bool, interrupts: Interrupts, lazy: bool) {
    let mut s = setup_mode(explicit, interrupts, lazy);
    if lazy {
        // Compile `nap_once` now: its timing below assumes the call reaches the host function
        // at once, not after a first-call compilation.
        assert_eq!(s.inst.call_export("nap_once", &[]).unwrap(), vec![Val::I32(7)]);
        s.napped.store(false, Ordering::SeqCst);
    }
    for name in ["spin", "spin_mem", "spin_fill"] {
        for delay in [1, 20] {
            let t = interrupted(&mut s, name, Duration::from_millis(delay)).unwrap_err();
            assert_eq!(t.kind(), TrapKind::Interrupted, "{name}: {t}");
            // The request is consumed: the instance runs normally again.
            assert_eq!(s.inst.call_export("add", &[Val::I32(2), Val::I32(3)]).unwrap(), vec![Val::I32(5)]);
        }
    }
    // The trap names the interrupted function.
    let t = interrupted(&mut s, "spin_mem", Duration::from_millis(5)).unwrap_err();
    assert!(t.to_string().contains("spin_mem"), "{t}");

    // Mostly in host code: never lost (repeated, the signal often finds the host function).
    for k in 0..20 {
        let before = s.ticks.load(Ordering::SeqCst);
        let ticks = s.ticks.clone();
        let started = move || ticks.load(Ordering::SeqCst) > before;
        let t = interrupted_when(&mut s, "spin_host", Duration::from_micros(300 + 137 * k), started).unwrap_err();
        assert_eq!(t.kind(), TrapKind::Interrupted, "{t}");
        assert!(s.ticks.load(Ordering::SeqCst) > before);
    }

    // Requested while a host function sleeps: the host function is not cut short, and the
    // request is delivered when control is back in wasm code (signal mode: right after the
    // host function returns; polling code: at the next function entry).
    let r = interrupted(&mut s, "nap_once", Duration::from_millis(20));
    assert!(s.napped.swap(false, Ordering::SeqCst), "host function completed");
    match r {
        Err(t) => assert_eq!(t.kind(), TrapKind::Interrupted),
        Ok(v) => {
            assert_eq!(v, vec![Val::I32(7)]);
            assert!(s.inst.module().interrupt_polling(), "signal mode checks after the host call");
            let t = s.inst.call_export("add", &[Val::I32(1), Val::I32(1)]).unwrap_err();
            assert_eq!(t.kind(), TrapKind::Interrupted);
        }
    }

    // Requested while nothing runs: the next call traps, the one after runs.
    s.inst.interrupt_handle().interrupt();
    assert_eq!(s.inst.call_export("add", &[Val::I32(1), Val::I32(1)]).unwrap_err().kind(), TrapKind::Interrupted);
    assert_eq!(s.inst.call_export("add", &[Val::I32(1), Val::I32(1)]).unwrap(), vec![Val::I32(2)]);
}

#[test]
fn signal_guard_pages() {
    check(false, Interrupts::Signal);
}

#[test]
fn signal_explicit_bounds() {
    check(true, Interrupts::Signal);
}

#[test]
fn poll_guard_pages() {
    check(false, Interrupts::Poll);
}

#[test]
fn poll_explicit_bounds() {
    check(true, Interrupts::Poll);
}

#[test]
fn lazy_signal_guard_pages() {
    check_mode(false, Interrupts::Signal, true);
}

#[test]
fn lazy_poll_explicit_bounds() {
    check_mode(true, Interrupts::Poll, true);
}

#[test]
fn default_is_signal_on_x86_64_linux() {
    let s = setup(false, Interrupts::Auto);
    assert_eq!(s.inst.module().interrupt_polling(), !cfg!(all(target_arch = "x86_64", target_os = "linux")));
}

/// The interrupt signal sent to a thread that is running host code (here: a host function
/// called from wasm) is ignored by the handler: the process survives and host code continues.
#[cfg(all(target_arch = "x86_64", target_os = "linux"))]
#[test]
fn stray_interrupt_signal_in_host_code_is_harmless() {
    let mut s = setup(false, Interrupts::Signal);
    // Installs the handler (first call) without leaving a request behind.
    assert_eq!(s.inst.call_export("add", &[Val::I32(1), Val::I32(2)]).unwrap(), vec![Val::I32(3)]);
    let sig = interrupt_signal().expect("signal");
    // SAFETY: raising a signal in this thread; wasmlite's handler is installed.
    unsafe {
        assert_eq!(libc_raise(sig), 0);
    }
    assert_eq!(s.inst.call_export("add", &[Val::I32(1), Val::I32(2)]).unwrap(), vec![Val::I32(3)]);
    let _ = &mut s;
}

#[cfg(all(target_arch = "x86_64", target_os = "linux"))]
extern "C" {
    #[link_name = "raise"]
    fn libc_raise(sig: i32) -> i32;
}

/// A lazy module's first wasm-to-wasm call of a function enters the stub resolver (host
/// code): when an interrupt is pending there, the call traps as the callee's entry would.
/// The interrupt signal is blocked on this thread, so nothing but the resolver's check can
/// deliver the request (a pending signal is harmless once unblocked: see above).
#[cfg(all(target_arch = "x86_64", target_os = "linux"))]
#[test]
fn lazy_first_call_delivers_a_pending_interrupt() {
    let src = r#"(module
      (import "env" "started" (func $started))
      (memory 1)
      (func $inner (result i32) (i32.const 42))
      ;; Tell the host, spin ~0.3 s (no call, no poll; the store keeps the loop), then call
      ;; $inner for the first time.
      (func (export "outer") (param $n i32) (result i32)
        (call $started)
        (loop $l
          (i32.store (i32.const 0) (local.get $n))
          (local.set $n (i32.sub (local.get $n) (i32.const 1)))
          (br_if $l (local.get $n)))
        (call $inner)))"#;
    let started = Arc::new(AtomicBool::new(false));
    // A fresh lazy module (nothing compiled yet), instantiated with `started` as the import.
    let fresh = || {
        let cfg = Config { interrupts: Interrupts::Signal, ..Default::default() };
        let module = wasmlite_jit::compile_module_lazy(&wat::parse_str(src).unwrap(), "e2e_lazy_first", &cfg).unwrap();
        assert!(!module.interrupt_polling());
        let flag = started.clone();
        let f = Func::new(FuncType { params: vec![].into(), results: vec![].into() }, move |_, _, _| {
            flag.store(true, Ordering::SeqCst);
            Ok(())
        });
        Instance::new(&Store::new(), &module, &[Extern::Func(f)], ()).unwrap()
    };
    let mut inst = fresh();
    // Iterations for ~0.3 s, measured on this module (whose first run also compiles `inner`);
    // the real test runs on a fresh module, where `inner` is still uncompiled.
    assert_eq!(inst.call_export("outer", &[Val::I32(1)]).unwrap(), vec![Val::I32(42)]);
    let t = Instant::now();
    assert_eq!(inst.call_export("outer", &[Val::I32(10_000_000)]).unwrap(), vec![Val::I32(42)]);
    let per_iter = t.elapsed().as_secs_f64() / 10_000_000.0;
    let n = ((0.3 / per_iter.max(1e-10)) as i64).clamp(1_000_000, i32::MAX as i64) as i32;

    let mut inst = fresh();
    started.store(false, Ordering::SeqCst);
    let h = inst.interrupt_handle();
    let sig = interrupt_signal().expect("signal");
    let block = |how: i32| {
        // SAFETY: plain signal-mask calls on this thread with a properly initialised set.
        unsafe {
            let mut set: libc::sigset_t = std::mem::zeroed();
            libc::sigemptyset(&mut set);
            libc::sigaddset(&mut set, sig);
            assert_eq!(libc::pthread_sigmask(how, &set, std::ptr::null_mut()), 0);
        }
    };
    block(libc::SIG_BLOCK);
    let ready = started.clone();
    let th = std::thread::spawn(move || {
        while !ready.load(Ordering::SeqCst) {
            std::thread::yield_now();
        }
        h.interrupt();
    });
    let t = Instant::now();
    let r = inst.call_export("outer", &[Val::I32(n)]);
    th.join().unwrap();
    assert!(t.elapsed() > Duration::from_millis(100), "the loop ran ({:?})", t.elapsed());
    block(libc::SIG_UNBLOCK);
    assert_eq!(r.unwrap_err().kind(), TrapKind::Interrupted);
    assert_eq!(inst.call_export("outer", &[Val::I32(1)]).unwrap(), vec![Val::I32(42)], "request consumed");
}
