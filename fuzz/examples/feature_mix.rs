//! How many generated differential modules need each post-2.0 feature:
//! `cargo run --example feature_mix -- FIRST_SEED COUNT`. A module needs a feature when it
//! does not validate with every other feature wasmlite implements.

use wasmlite_codegen::WasmFeatures as F;

fn main() {
    let args: Vec<u64> = std::env::args().skip(1).filter_map(|a| a.parse().ok()).collect();
    let (first, count) = (args.first().copied().unwrap_or(0), args.get(1).copied().unwrap_or(1000));
    let all = wasmlite_abi::parse::supported_features();
    let features = [
        ("tail-call", F::TAIL_CALL),
        ("extended-const", F::EXTENDED_CONST),
        ("multi-memory", F::MULTI_MEMORY),
        ("memory64", F::MEMORY64),
        ("custom-page-sizes", F::CUSTOM_PAGE_SIZES),
        ("wide-arithmetic", F::WIDE_ARITHMETIC),
        ("relaxed-simd", F::RELAXED_SIMD),
    ];
    let mut needs = vec![0u64; features.len()];
    let (mut any, mut generated) = (0u64, 0u64);
    for seed in first..first + count {
        let Ok(m) = wasmlite_fuzz::gen::diff_module(seed, 1000) else { continue };
        generated += 1;
        let mut beyond = false;
        for (i, (_, f)) in features.iter().enumerate() {
            if wasmparser::Validator::new_with_features(all - *f).validate_all(&m).is_err() {
                needs[i] += 1;
                beyond = true;
            }
        }
        any += u64::from(beyond);
    }
    println!("{generated} modules (seeds {first}..{}), {any} need a post-2.0 feature", first + count);
    for ((name, _), n) in features.iter().zip(needs) {
        println!("  {name:18} {n:6} ({:.1} %)", 100.0 * n as f64 / generated.max(1) as f64);
    }
}
