//! Fuzzing harness for wasmlite (own workspace; see `fuzz/FINDINGS.md`).
//!
//! * `fuzz-diff`: wasm-smith modules, every export called with generated arguments, wasmlite in
//!   every memory mode / optimisation level compared with wasmi (results, trap kinds, exported
//!   memories and globals after every call).
//! * `fuzz-robust`: arbitrary and mutated bytes into `wasmlite_abi::parse` and
//!   `wasmlite_codegen::compile`: `Ok` or `Err`, never a panic or an abort.
//!
//! Both run their seeds in child processes, so a crash is reported with its seed.

pub mod campaign;
pub mod engines;
pub mod exec;
pub mod gen;
pub mod mutate;
