//! The signal handler claims only wasm's own faults: a bad pointer dereferenced by host code —
//! in `main` or in a host function called from wasm, even at an address inside a wasm memory's
//! guard reservation — stays a crash (SIGSEGV), it never becomes a wasm trap. Each crash runs
//! in a child process (this test binary re-executed with one test selected).

use std::os::unix::process::ExitStatusExt;
use std::process::Command;

use wasmlite_rt::{Caller, Trap, TrapKind};
use wasmlite_tests::faults::{Imports, Instance};

/// Environment variable selecting the crash scenario in the child.
const CHILD: &str = "WASMLITE_FAULTS_CHILD";

struct Host;

impl Imports for Host {
    /// Reads the i32 at `addr` (absolute when `addr >= 0`; memory base + `-addr` otherwise).
    fn env_poke(&mut self, caller: &mut Caller<'_>, addr: i64) -> Result<i32, Trap> {
        let p = if addr >= 0 {
            addr as usize
        } else {
            caller.memory()?.data().as_ptr() as usize + addr.unsigned_abs() as usize
        };
        // SAFETY: deliberately unchecked — the point of these tests is a host bug; the crash
        // scenarios only run in a child process.
        Ok(unsafe { std::ptr::read_volatile(p as *const i32) })
    }
}

/// Re-run this binary with only `test` selected and `CHILD=scenario`; returns the status.
fn run_child(test: &str, scenario: &str) -> std::process::ExitStatus {
    let out = Command::new(std::env::current_exe().unwrap())
        .args([test, "--exact", "--nocapture", "--test-threads=1"])
        .env(CHILD, scenario)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(!stdout.contains("CHILD SURVIVED"), "the fault did not crash the child:\n{stdout}");
    out.status
}

fn assert_segv(status: std::process::ExitStatus, what: &str) {
    assert_eq!(status.signal(), Some(libc_sigsegv()), "{what}: expected death by SIGSEGV, got {status:?}");
}

fn libc_sigsegv() -> i32 {
    11
}

/// 5 GiB past the memory base: inside the guard-page reservation, never accessible.
const IN_GUARD: i64 = -(5 << 30);

#[test]
fn wasm_faults_are_traps_host_faults_are_not() {
    let mut p = Instance::new(Host).unwrap();
    // Wasm's own out-of-bounds access (guard page): a trap, and the instance stays usable.
    assert_eq!(p.load(65536).unwrap_err().kind(), TrapKind::MemoryOutOfBounds);
    assert_eq!(p.load(-4).unwrap_err().kind(), TrapKind::MemoryOutOfBounds);
    p.memory_mut().data_mut()[8..12].copy_from_slice(&7i32.to_le_bytes());
    assert_eq!(p.call_poke(-8).unwrap(), 7, "host reads wasm memory through a good pointer");
    let x = 1234i32;
    assert_eq!(p.call_poke(&x as *const i32 as i64).unwrap(), 1234);
}

#[test]
fn host_fault_called_from_wasm_is_a_crash() {
    match std::env::var(CHILD).as_deref() {
        Ok("null") => {
            let mut p = Instance::new(Host).unwrap();
            let r = p.call_poke(8);
            println!("CHILD SURVIVED: {r:?}");
        }
        Ok("guard") => {
            let mut p = Instance::new(Host).unwrap();
            let r = p.call_poke(IN_GUARD);
            println!("CHILD SURVIVED: {r:?}");
        }
        Ok(_) => {}
        Err(_) => {
            assert_segv(run_child("host_fault_called_from_wasm_is_a_crash", "null"), "host null deref under wasm");
            assert_segv(run_child("host_fault_called_from_wasm_is_a_crash", "guard"), "host deref of a guard page under wasm");
        }
    }
}

#[test]
fn host_fault_outside_wasm_is_a_crash() {
    match std::env::var(CHILD).as_deref() {
        Ok("main") => {
            let mut p = Instance::new(Host).unwrap();
            assert_eq!(p.load(65536).unwrap_err().kind(), TrapKind::MemoryOutOfBounds, "handler installed");
            let base = p.memory().data().as_ptr() as usize;
            // SAFETY: deliberate host bug (child process only): a guard page, no wasm running.
            let v = unsafe { std::ptr::read_volatile((base + (5 << 30)) as *const i32) };
            println!("CHILD SURVIVED: {v}");
        }
        Ok(_) => {}
        Err(_) => assert_segv(run_child("host_fault_outside_wasm_is_a_crash", "main"), "host deref of a guard page in main"),
    }
}

/// A wasm frame larger than what is left of a thread's stack: the prologue check passes (the
/// frame starts above the limit) and the frame reaches the stack guard. Stack probes make the
/// first touched page the guard, and the handler turns that fault into a `StackOverflow` trap.
#[test]
fn big_frame_reaching_the_stack_guard_is_a_stack_overflow() {
    use wasmlite_tests::big_frame::Instance as Big;
    let mut p = Big::new(()).unwrap();
    p.memory_mut().data_mut()[0] = 7;
    // Enough stack: runs normally.
    assert_eq!(p.big(0).unwrap(), 7);
    // 200 KiB of stack (more than the 128 KiB host reserve), a 256 KiB frame: a stack
    // overflow trap, not a crash.
    let r = std::thread::Builder::new()
        .stack_size(200 << 10)
        .spawn(|| {
            let mut p = Big::new(()).unwrap();
            let e = p.big(0).unwrap_err();
            // Usable again afterwards (on this small stack, still overflowing).
            let again = p.big(0).unwrap_err();
            (e.kind(), again.kind())
        })
        .unwrap()
        .join()
        .unwrap();
    assert_eq!(r, (TrapKind::StackOverflow, TrapKind::StackOverflow));
}
