//! Every engine computes the known-correct answer for every workload (a benchmark that
//! computes different answers is worthless).

use wasmlite_bench::{sizes::*, Engine, Native, Wasmi, WasmliteBounds, WasmliteGuard};

/// CRC-32 (IEEE) of the xorshift32 buffer that `crc_fill(seed)` builds, computed in Rust.
fn reference_crc(seed: u32, n: usize) -> u32 {
    let mut x = if seed == 0 { 1 } else { seed };
    let mut crc = 0xffff_ffffu32;
    for _ in 0..n {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        crc ^= (x as u8) as u32;
        for _ in 0..8 {
            crc = (crc >> 1) ^ (0xedb8_8320 & (crc & 1).wrapping_neg());
        }
    }
    !crc
}

/// The matmul checksum computed in Rust with the same operation order.
fn reference_matmul(n: usize) -> f64 {
    let a = |i: usize, j: usize| ((i * 7 + j * 3) % 17) as f64 * 0.5 - 4.0;
    let b = |i: usize, j: usize| ((i * 5 + j * 11) % 13) as f64 * 0.25 + 1.0;
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
    c.iter().fold(0.0, |t, v| t + v)
}

#[test]
fn all_engines_compute_the_reference_results() {
    let engines: Vec<Box<dyn Engine>> = vec![
        Box::new(Native),
        Box::new(WasmliteGuard::new().expect("instantiate wasmlite (guard)")),
        Box::new(WasmliteBounds::new().expect("instantiate wasmlite (bounds checks)")),
        Box::new(Wasmi::new().expect("instantiate wasmi")),
    ];
    let crc = reference_crc(CRC_SEED, CRC_N as usize);
    let mm = reference_matmul(MAT_N as usize);
    for mut e in engines {
        let name = e.name();
        e.empty().unwrap_or_else(|err| panic!("{name}: empty: {err}"));
        assert_eq!(e.fib(20).expect("fib"), 6765, "{name}");
        assert_eq!(e.fib(FIB_N).expect("fib"), 832_040, "{name}");
        assert_eq!(e.sieve(100).expect("sieve"), 25, "{name}");
        assert_eq!(e.sieve(SIEVE_N).expect("sieve"), 78_498, "{name}");
        assert_eq!(e.sieve(SIEVE_N + 1).expect("sieve"), 0, "{name}: out-of-range bound is rejected");
        assert_eq!(e.matmul(MAT_N).expect("matmul").to_bits(), mm.to_bits(), "{name}");
        e.crc_fill(CRC_SEED).expect("crc_fill");
        assert_eq!(e.crc32(CRC_N).expect("crc32"), crc, "{name}");
        assert_eq!(e.crc32(0).expect("crc32"), 0, "{name}: crc32 of nothing");
    }
}
