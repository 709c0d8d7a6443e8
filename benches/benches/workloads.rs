//! Criterion benchmarks: every kernel and call on every engine (`cargo bench`). The engines
//! run one after another here; `src/bin/report.rs` interleaves them (steadier under load).

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use wasmlite_bench::{all_engines, KERNELS, SEED};

fn bench(c: &mut Criterion) {
    let mut engines = all_engines().expect("instantiate every engine");
    for e in engines.iter_mut() {
        e.init(SEED).expect("init");
    }
    let mut g = c.benchmark_group("empty_call");
    for e in engines.iter_mut() {
        g.bench_function(e.name(), |b| b.iter(|| e.empty_calls(1).expect("empty")));
    }
    g.finish();
    let mut g = c.benchmark_group("call_host");
    for e in engines.iter_mut() {
        g.bench_function(e.name(), |b| b.iter(|| e.call_host(black_box(1)).expect("call_host")));
    }
    g.finish();
    for k in KERNELS {
        let mut g = c.benchmark_group(k.export);
        g.sample_size(10);
        for e in engines.iter_mut() {
            g.bench_function(e.name(), |b| b.iter(|| e.run(k.func, black_box(k.n)).expect("kernel")));
        }
        g.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
