//! Criterion benchmarks: every workload on every engine (`cargo bench`).

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use wasmlite_bench::{sizes::*, Engine, Native, Wasmi, WasmliteBounds, WasmliteGuard};

fn engines() -> Vec<Box<dyn Engine>> {
    vec![
        Box::new(Native),
        Box::new(WasmliteGuard::new().expect("instantiate wasmlite (guard)")),
        Box::new(WasmliteBounds::new().expect("instantiate wasmlite (bounds checks)")),
        Box::new(Wasmi::new().expect("instantiate wasmi")),
    ]
}

fn bench(c: &mut Criterion) {
    let mut engines = engines();
    for e in engines.iter_mut() {
        e.crc_fill(CRC_SEED).expect("crc_fill");
    }
    let mut g = c.benchmark_group("empty_call");
    for e in engines.iter_mut() {
        g.bench_function(e.name(), |b| b.iter(|| e.empty().expect("empty")));
    }
    g.finish();
    let mut g = c.benchmark_group("fib30");
    g.sample_size(10);
    for e in engines.iter_mut() {
        g.bench_function(e.name(), |b| b.iter(|| e.fib(black_box(FIB_N)).expect("fib")));
    }
    g.finish();
    let mut g = c.benchmark_group("sieve_1e6");
    g.sample_size(10);
    for e in engines.iter_mut() {
        g.bench_function(e.name(), |b| b.iter(|| e.sieve(black_box(SIEVE_N)).expect("sieve")));
    }
    g.finish();
    let mut g = c.benchmark_group("matmul_128_f64");
    g.sample_size(10);
    for e in engines.iter_mut() {
        g.bench_function(e.name(), |b| b.iter(|| e.matmul(black_box(MAT_N)).expect("matmul")));
    }
    g.finish();
    let mut g = c.benchmark_group("crc32_1MiB");
    g.sample_size(10);
    for e in engines.iter_mut() {
        g.bench_function(e.name(), |b| b.iter(|| e.crc32(black_box(CRC_N)).expect("crc32")));
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
