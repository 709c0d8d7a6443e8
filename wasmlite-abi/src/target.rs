//! Which targets wasmlite supports, and where guard-page memories work. The one predicate the
//! build (`wasmlite-build`), the code generator and the runtime use.
//!
//! Traps leave wasm frames by unwinding, or, for runtimes without an unwinder (`no_std`), with
//! `llvm.eh.sjlj.setjmp`/`longjmp`, which LLVM 19 lowers correctly only on x86-64 (on AArch64
//! both lower to nothing, so a trap would fall through).
//! Guard-page memories additionally need the runtime's SIGSEGV/SIGBUS handler, implemented for
//! x86-64 Linux.

use alloc::format;
use alloc::string::String;

/// The architecture component of a target triple (`x86_64-unknown-linux-gnu` → `x86_64`).
fn arch(triple: &str) -> &str {
    triple.split('-').next().unwrap_or("")
}

/// `Ok` if wasmlite can generate working code (traps included) for `triple`; otherwise the
/// reason, naming the target.
pub fn check_target(triple: &str) -> Result<(), String> {
    if arch(triple) == "x86_64" && !triple.ends_with("gnux32") {
        Ok(())
    } else {
        Err(format!(
            "target `{triple}` is not supported: wasmlite traps (llvm.eh.sjlj) only work on x86_64 \
             (guard-page memories on x86_64 Linux)"
        ))
    }
}

/// Whether guard-page memories (no bounds checks in the code; out-of-bounds accesses fault and
/// the runtime's signal handler turns the fault into a trap) work on `triple`.
pub fn guard_pages_supported(triple: &str) -> bool {
    check_target(triple).is_ok() && triple.contains("-linux")
}

/// Whether the runtime can interrupt running wasm code on `triple` by a signal (x86-64 Linux
/// with the runtime's `std` feature: `tgkill` + a handler that raises the trap at a wasm pc), so generated code needs no interrupt poll in its loops. Elsewhere code is
/// compiled with polling (`FLAG_INTERRUPT_POLLING`).
pub fn interrupt_signals_supported(triple: &str) -> bool {
    guard_pages_supported(triple)
}

/// Whether import stubs generated for `triple` call typed host functions with the register
/// convention ([`crate::HostRegFn`]): everywhere but Windows, whose x64 convention returns the
/// 16-byte [`crate::HostRet`] through memory.
pub fn host_reg_calls_supported(triple: &str) -> bool {
    check_target(triple).is_ok() && !triple.contains("-windows")
}

/// [`guard_pages_supported`] for the target this crate is compiled for (the runtime's host).
/// The runtime also needs its `std` feature (mmap, the signal handler).
pub const HOST_GUARD_PAGES: bool = cfg!(all(target_arch = "x86_64", target_os = "linux", target_pointer_width = "64"));

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn supported_targets() {
        assert!(check_target("x86_64-unknown-linux-gnu").is_ok());
        assert!(check_target("x86_64-unknown-linux-musl").is_ok());
        assert!(check_target("x86_64-unknown-none").is_ok());
        for t in ["aarch64-unknown-linux-gnu", "aarch64-apple-darwin", "riscv64gc-unknown-linux-gnu", "powerpc64le-unknown-linux-gnu", "i686-unknown-linux-gnu", "x86_64-unknown-linux-gnux32", "wasm32-unknown-unknown"] {
            let e = check_target(t).unwrap_err();
            assert!(e.contains(&format!("`{t}`")), "{e}");
        }
    }

    #[test]
    fn guard_page_targets() {
        assert!(guard_pages_supported("x86_64-unknown-linux-gnu"));
        assert!(guard_pages_supported("x86_64-unknown-linux-musl"));
        assert!(!guard_pages_supported("x86_64-apple-darwin"));
        assert!(!guard_pages_supported("x86_64-pc-windows-msvc"));
        assert!(!guard_pages_supported("x86_64-unknown-none"));
        assert!(!guard_pages_supported("aarch64-unknown-linux-gnu"));
        assert!(!guard_pages_supported("riscv64gc-unknown-linux-gnu"));
        assert!(!guard_pages_supported("x86_64-unknown-linux-gnux32"));
        assert!(interrupt_signals_supported("x86_64-unknown-linux-gnu"));
        assert!(host_reg_calls_supported("x86_64-unknown-linux-gnu"));
        assert!(host_reg_calls_supported("x86_64-unknown-none"));
        assert!(!host_reg_calls_supported("x86_64-pc-windows-msvc"));
        assert!(!interrupt_signals_supported("x86_64-unknown-none"));
        assert!(!interrupt_signals_supported("x86_64-apple-darwin"));
        #[cfg(all(target_arch = "x86_64", target_os = "linux"))]
        const { assert!(HOST_GUARD_PAGES) };
    }
}
