//! Test modules, compiled by `build.rs` with `wasmlite-build` and bound with `include_wasm!`
//! exactly like a user crate. The integration tests in `tests/` exercise them.

wasmlite_rt::include_wasm!("wasm/numeric.wat");
wasmlite_rt::include_wasm!("wasm/control.wat");
wasmlite_rt::include_wasm!("wasm/memory.wat");
wasmlite_rt::include_wasm!("wasm/tables.wat");
wasmlite_rt::include_wasm!("wasm/traps.wat");
wasmlite_rt::include_wasm!("wasm/globals.wat");
wasmlite_rt::include_wasm!("wasm/host.wat");
wasmlite_rt::include_wasm!("wasm/simd.wat");
wasmlite_rt::include_wasm!("wasm/faults.wat");
// Copies of memory.wat / traps.wat compiled with explicit bounds checks.
wasmlite_rt::include_wasm!("$OUT_DIR/memory_checked.wat");
wasmlite_rt::include_wasm!("$OUT_DIR/traps_checked.wat");
// numeric.wat compiled with opt_level(0).
wasmlite_rt::include_wasm!("$OUT_DIR/numeric_o0.wat");
