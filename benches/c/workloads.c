/* Benchmark workloads. Compiled twice by build.rs:
 *   - to wasm32 by clang-19 (`--target=wasm32 -O2 -nostdlib -Wl,--no-entry -Wl,--export-all`),
 *     then ahead of time by wasmlite (and interpreted by wasmi);
 *   - natively by clang-19 -O2 through the `cc` crate, where every function gets the prefix
 *     `bench_native_` so that nothing clashes with libc.
 * Each workload is an exported function returning a checksum so that the three engines can be
 * compared for equality. Freestanding: no libc. */
typedef unsigned char u8;
typedef unsigned int u32;
typedef int i32;
typedef unsigned long size_t;

#ifdef __wasm__
#define F(name) name
/* clang may emit calls to these; there is no libc on wasm32. */
void *memset(void *dst, int c, size_t n) {
    u8 *d = (u8 *)dst;
    while (n--) *d++ = (u8)c;
    return dst;
}
void *memcpy(void *dst, const void *src, size_t n) {
    u8 *d = (u8 *)dst;
    const u8 *s = (const u8 *)src;
    while (n--) *d++ = *s++;
    return dst;
}
#else
#define F(name) bench_native_##name
#endif

/* Host -> guest entry cost. */
void F(empty)(void) {}

/* Recursive Fibonacci (call-heavy). */
i32 F(fib)(i32 n) { return n < 2 ? n : F(fib)(n - 1) + F(fib)(n - 2); }

/* Sieve of Eratosthenes over [0, n]; returns the number of primes (n <= SIEVE_MAX). */
#define SIEVE_MAX 1000000
static u8 composite[SIEVE_MAX + 1];
i32 F(sieve)(i32 n) {
    if (n < 2 || n > SIEVE_MAX) return 0;
    for (i32 i = 0; i <= n; i++) composite[i] = 0;
    i32 count = 0;
    for (i32 i = 2; i <= n; i++) {
        if (composite[i]) continue;
        count++;
        for (i32 j = i + i; j <= n; j += i) composite[j] = 1;
    }
    return count;
}

/* n x n f64 matrix multiply (n <= MAT_MAX); returns the sum of the product's elements. */
#define MAT_MAX 128
static double ma[MAT_MAX * MAT_MAX], mb[MAT_MAX * MAT_MAX], mc[MAT_MAX * MAT_MAX];
double F(matmul)(i32 n) {
    if (n < 1 || n > MAT_MAX) return 0.0;
    for (i32 i = 0; i < n; i++)
        for (i32 j = 0; j < n; j++) {
            ma[i * n + j] = (double)((i * 7 + j * 3) % 17) * 0.5 - 4.0;
            mb[i * n + j] = (double)((i * 5 + j * 11) % 13) * 0.25 + 1.0;
        }
    for (i32 i = 0; i < n; i++)
        for (i32 j = 0; j < n; j++) {
            double s = 0.0;
            for (i32 k = 0; k < n; k++) s += ma[i * n + k] * mb[k * n + j];
            mc[i * n + j] = s;
        }
    double total = 0.0;
    for (i32 i = 0; i < n * n; i++) total += mc[i];
    return total;
}

/* CRC-32 (IEEE, table driven) over a buffer filled by crc_fill. */
#define CRC_MAX (1 << 20)
static u8 crc_buf[CRC_MAX];
static u32 crc_table[256];

/* Fill the buffer with xorshift32 bytes from `seed` and build the table; returns 0. */
i32 F(crc_fill)(u32 seed) {
    u32 x = seed ? seed : 1u;
    for (u32 i = 0; i < CRC_MAX; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        crc_buf[i] = (u8)x;
    }
    for (u32 i = 0; i < 256; i++) {
        u32 c = i;
        for (int k = 0; k < 8; k++) c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1u)));
        crc_table[i] = c;
    }
    return 0;
}

/* CRC-32 of the first n bytes of the buffer (n <= CRC_MAX). */
u32 F(crc32)(u32 n) {
    if (n > CRC_MAX) n = CRC_MAX;
    u32 crc = 0xffffffffu;
    for (u32 i = 0; i < n; i++) crc = crc_table[(crc ^ crc_buf[i]) & 0xffu] ^ (crc >> 8);
    return ~crc;
}
