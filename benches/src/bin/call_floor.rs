//! The floor of a host → wasm call: how close to a native indirect call a call with a
//! setjmp-style trap boundary can get on this machine, next to wasmlite's real call.
//!
//! `call_floor [CALLS]` times, alternately, batches of CALLS (default 10 000 000) calls of
//! * `native`: an empty function through a function pointer (the calls goal's baseline);
//! * `setjmp floor`: `c/call_floor.c`'s `bench_floor_setjmp`, an entry doing only what a
//!   setjmp-style trap boundary must (save the callee-saved registers, write and publish the
//!   jump buffer, check the interrupt flag and the stack limit), with an empty body;
//! * `unwind floor`: `bench_floor_unwind`, the same checks without the registers and jump
//!   buffer (an entry of a design whose traps unwind through unwind tables);
//! * `wasmlite guard`: the `empty()` export through the `include_wasm!` binding;
//!
//! and prints the minimum time per call of 15 batches of each, and its ratio to `native`.

use std::hint::black_box;
use std::time::Instant;

use wasmlite_bench::{engine, BenchResult};

unsafe extern "C" {
    fn bench_floor_available() -> i32;
    fn bench_floor_empty();
    fn bench_floor_setjmp(vm: *mut usize) -> u32;
    fn bench_floor_unwind(vm: *mut usize) -> u32;
}

/// A stand-in VMStore: [0] the published jump buffer, [2] the stack limit, [3] the interrupt
/// flag (the offsets the entries read).
fn fake_vm() -> [usize; 4] {
    [0, 0, 1, 0]
}

fn main() -> BenchResult<()> {
    let calls: u32 = match std::env::args().nth(1) {
        Some(s) => s.parse().map_err(|e| format!("CALLS: {e}"))?,
        None => 10_000_000,
    };
    // SAFETY: a C function without parameters or side effects.
    if unsafe { bench_floor_available() } == 0 {
        return Err("the hand-written entries exist for x86-64 ELF only".into());
    }
    let mut wl = engine("guard")?;
    let native = black_box(bench_floor_empty as unsafe extern "C" fn());
    let setjmp = black_box(bench_floor_setjmp as unsafe extern "C" fn(*mut usize) -> u32);
    let unwind = black_box(bench_floor_unwind as unsafe extern "C" fn(*mut usize) -> u32);
    let mut vm = fake_vm();
    let vmp = vm.as_mut_ptr();
    let names = ["native", "setjmp floor", "unwind floor", "wasmlite guard"];
    let mut best = [f64::INFINITY; 4];
    for _ in 0..15 {
        for (k, b) in best.iter_mut().enumerate() {
            let t = Instant::now();
            match k {
                0 => {
                    for _ in 0..calls {
                        // SAFETY: an empty function.
                        unsafe { native() };
                    }
                }
                1 | 2 => {
                    let f = if k == 1 { setjmp } else { unwind };
                    let mut failed = 0;
                    for _ in 0..calls {
                        // SAFETY: vmp points to four words; the entries read/write only those.
                        failed |= unsafe { f(vmp) };
                        // SAFETY: as above (the caller unpublishes the jump buffer).
                        unsafe { *vmp = 0 };
                    }
                    if failed != 0 {
                        return Err("a floor entry reported a trap".into());
                    }
                }
                _ => wl.empty_calls(calls)?,
            }
            *b = b.min(t.elapsed().as_secs_f64() * 1e9 / calls as f64);
        }
    }
    black_box(&mut vm);
    println!("{:<16} {:>8} {:>10}", "call", "ns/call", "vs native");
    for (n, b) in names.iter().zip(best) {
        println!("{n:<16} {b:>8.2} {:>9.2}x", b / best[0]);
    }
    Ok(())
}
