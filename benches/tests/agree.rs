//! Every engine computes the same result for every kernel, call and instantiation, and the
//! results that are easy to compute independently match Rust references (a benchmark that
//! computes different answers is worthless).

use wasmlite_bench::*;

/// The 1 MiB input that `init(seed)` builds (xorshift32 bytes).
fn input(seed: i32) -> Vec<u8> {
    let mut x = if seed == 0 { 1u32 } else { seed as u32 };
    (0..1 << 20)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            x as u8
        })
        .collect()
}

fn reference_crc(data: &[u8]) -> i64 {
    let mut crc = 0xffff_ffffu32;
    for &b in data {
        crc ^= b as u32;
        for _ in 0..8 {
            crc = (crc >> 1) ^ (0xedb8_8320 & (crc & 1).wrapping_neg());
        }
    }
    !crc as i64
}

fn reference_sha256(data: &[u8]) -> i64 {
    use sha2::Digest;
    let d = sha2::Sha256::digest(data);
    i64::from_be_bytes(d[..8].try_into().expect("32-byte digest"))
}

/// `matmul` (i-j-k f64) with the same operation order.
fn reference_matmul(n: usize) -> i64 {
    let a = |i: usize, j: usize| ((i * 7 + j * 3) % 17) as f64 * 0.5 - 4.0;
    let b = |i: usize, j: usize| ((i * 5 + j * 11) % 13) as f64 * 0.25 + 1.0;
    let mut total = 0.0f64;
    let mut c = vec![0.0f64; n * n];
    for i in 0..n {
        for j in 0..n {
            let mut s = 0.0;
            for k in 0..n {
                s += a(i, k) * b(k, j);
            }
            c[i * n + j] = s;
        }
    }
    for v in c {
        total += v;
    }
    total.to_bits() as i64
}

fn reference_mm_i32(n: usize) -> i64 {
    let a = |i: usize, j: usize| ((i * 7 + j * 3) % 17) as i32 - 8;
    let b = |i: usize, j: usize| ((i * 5 + j * 11) % 13) as i32 - 6;
    let mut c = vec![0i32; n * n];
    for i in 0..n {
        for k in 0..n {
            for j in 0..n {
                c[i * n + j] = c[i * n + j].wrapping_add(a(i, k).wrapping_mul(b(k, j)));
            }
        }
    }
    c.iter().fold(0u64, |h, &v| h.wrapping_mul(31).wrapping_add(v as u32 as u64)) as i64
}

/// PolyBench gemm with the C code's operation order.
fn reference_gemm(n: usize) -> i64 {
    let (alpha, beta) = (1.5f64, 1.2f64);
    let nf = n as f64;
    let a: Vec<f64> = (0..n * n).map(|x| ((x / n) * (x % n + 1) % n) as f64 / nf).collect();
    let b: Vec<f64> = (0..n * n).map(|x| ((x / n) * (x % n + 2) % n) as f64 / nf).collect();
    let mut c: Vec<f64> = (0..n * n).map(|x| (((x / n) * (x % n) + 1) % n) as f64 / nf).collect();
    for i in 0..n {
        for j in 0..n {
            c[i * n + j] *= beta;
        }
        for k in 0..n {
            for j in 0..n {
                c[i * n + j] += alpha * a[i * n + k] * b[k * n + j];
            }
        }
    }
    c.iter().fold(0.0f64, |s, v| s + v).to_bits() as i64
}

fn reference_floyd(n: usize) -> i64 {
    let mut p = vec![0i32; n * n];
    for i in 0..n {
        for j in 0..n {
            p[i * n + j] = (i * j % 7 + 1) as i32;
            if (i + j) % 13 == 0 || (i + j) % 7 == 0 || (i + j) % 11 == 0 {
                p[i * n + j] = 999;
            }
        }
    }
    for k in 0..n {
        for i in 0..n {
            for j in 0..n {
                p[i * n + j] = p[i * n + j].min(p[i * n + k] + p[k * n + j]);
            }
        }
    }
    p.iter().fold(0u64, |h, &v| h.wrapping_mul(31).wrapping_add(v as u32 as u64)) as i64
}

#[test]
fn all_engines_agree_on_every_kernel_and_match_the_references() {
    let mut engines = all_engines().expect("instantiate every engine");
    let data = input(SEED);
    let init: Vec<i64> = engines.iter_mut().map(|e| e.init(SEED).expect("init")).collect();
    assert!(init[0] > 0 && init[0] < 1 << 20, "the LZ4 input compresses: {}", init[0]);
    assert!(init.iter().all(|&r| r == init[0]), "lz4_init: {init:?}");

    let references: Vec<(Func, i32, i64)> = vec![
        (Func::Fib, 20, 6765),
        (Func::Fib, 30, 832_040),
        (Func::Sieve, 100, 25),
        (Func::Sieve, 1_000_000, 78_498),
        (Func::Sieve, 1_000_001, 0), // out-of-range bound is rejected
        (Func::Matmul, 128, reference_matmul(128)),
        (Func::Crc32, 1 << 20, reference_crc(&data)),
        (Func::Crc32, 0, 0),
        (Func::Sha256, 1 << 20, reference_sha256(&data)),
        (Func::Sha256, 1000, reference_sha256(&data[..1000])), // two padding blocks
        (Func::Sha256, 0, reference_sha256(&[])),
        (Func::MmI32, 200, reference_mm_i32(200)),
        (Func::Gemm, 200, reference_gemm(200)),
        (Func::FloydWarshall, 200, reference_floyd(200)),
        (Func::Lz4Decompress, 2, 1 << 20), // round trip reproduces the input exactly
    ];
    for e in engines.iter_mut() {
        for &(f, n, want) in &references {
            let got = e.run(f, n).unwrap_or_else(|err| panic!("{}: {f:?}({n}): {err}", e.name()));
            assert_eq!(got, want, "{}: {f:?}({n})", e.name());
        }
    }

    // Every kernel at its benchmark size and at a smaller one: identical on every engine.
    for k in KERNELS {
        for n in [k.n, (k.n / 2).max(1)] {
            let r: Vec<i64> = engines
                .iter_mut()
                .map(|e| e.run(k.func, n).unwrap_or_else(|err| panic!("{}: {}({n}): {err}", e.name(), k.export)))
                .collect();
            for (e, v) in engines.iter().zip(&r) {
                assert_eq!(*v, r[0], "{}({n}): {} returned {v:#x}, native {:#x}", k.export, e.name(), r[0]);
            }
        }
    }

    // Calls.
    for e in engines.iter_mut() {
        let name = e.name();
        e.empty_calls(3).unwrap_or_else(|err| panic!("{name}: empty: {err}"));
        assert_eq!(e.inc_calls(1000).expect("inc"), 1000, "{name}");
        assert_eq!(e.call_host(1000).expect("call_host"), 1000, "{name}");
        assert_eq!(e.call_host(0).expect("call_host"), 0, "{name}");
    }
}

#[test]
fn every_engine_instantiates_the_one_page_module() {
    for mut i in all_instantiators().expect("compile inst.wat") {
        for _ in 0..3 {
            assert_eq!(i.instantiate().expect("instantiate"), 0, "{}", i.name());
        }
    }
}
