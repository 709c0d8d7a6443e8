/* The real program: LZ4 1.10.0 (lz4.c, lz4hc.c) and xxHash (xxhash.c) exactly as the
 * crates.io crate `lz4-sys` 1.11.1+lz4-1.10.0 vendors them (build.rs finds its sources and
 * passes their directory with -I). Built in LZ4's freestanding mode (no libc, no heap:
 * states live in static buffers), to wasm32 and natively with the same flags.
 * wasm32: memcpy/memmove/memset come from workloads.c's word-at-a-time versions (linked into
 * this module too); natively they are libc's.
 * Every entry point is `long long name(int n)`, like workloads.c. */
#define LZ4_FREESTANDING 1
#define LZ4_memcpy(d, s, n) __builtin_memcpy((d), (s), (n))
#define LZ4_memmove(d, s, n) __builtin_memmove((d), (s), (n))
#define LZ4_memset(p, v, n) __builtin_memset((p), (v), (n))
#include "lz4.c"
#include "lz4hc.c"

/* xxHash as a private (static) API: only what is used is compiled. Its includes of
 * <stdlib.h>/<string.h>/<assert.h> resolve to c/freestanding/ on wasm32. */
#define XXH_PRIVATE_API
#include "xxhash.h"

#ifdef __wasm__
#define F(name) name
#else
#define F(name) bench_native_##name
#endif

typedef unsigned int u32;
typedef unsigned long long u64;

#define LZ_MAX (1 << 20)
static char lz_src[LZ_MAX];
static char lz_dst[LZ4_COMPRESSBOUND(LZ_MAX)];
static char lz_out[LZ_MAX];
static char lz_tmp[LZ4_COMPRESSBOUND(LZ_MAX)]; /* run_lz4_compress / run_lz4hc_compress output */
static int lz_packed; /* size of lz_dst as compressed by run_lz4_init */
static LZ4_stream_t lz_state;
static LZ4_streamHC_t lz_state_hc;

static u32 next(u32 *s) {
    u32 x = *s;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return *s = x;
}

/* Fold a buffer into 64 bits (cheap next to the work measured; detects any difference). */
static u64 fold(const char *p, int n) {
    u64 h = (u64)n;
    for (int i = 0; i < n; i++) h = (h ^ (unsigned char)p[i]) * 0x100000001b3ull;
    return h;
}

/* Text-like input: words from a small vocabulary with numbers and punctuation, then a
 * stretch of pseudo-random bytes (incompressible), from `seed`. Then compresses the whole
 * input with LZ4 HC level 9 (for run_lz4_decompress: HC output does not depend on the word
 * size, so every engine decompresses the same stream). Returns the compressed size, or a
 * negative error. */
long long F(run_lz4_init)(int seed) {
    static const char *const words[] = {"the ", "wasm ", "module ", "compiles ", "to ", "native ", "code ",
                                        "and ", "runs ", "inside ", "a ", "sandbox ", "with ", "guard ",
                                        "pages ", "or ", "bounds ", "checks", ". ", ", ", "\n", "LLVM ",
                                        "function ", "memory ", "table "};
    u32 s = (u32)seed | 1u;
    int n = 0;
    while (n < LZ_MAX * 7 / 8) {
        u32 r = next(&s);
        if ((r & 15) == 0) {
            u32 v = r >> 8;
            do { lz_src[n++] = (char)('0' + v % 10); v /= 10; } while (v && n < LZ_MAX);
            lz_src[n++] = ' ';
        } else {
            const char *w = words[(r >> 4) % (sizeof words / sizeof words[0])];
            while (*w && n < LZ_MAX) lz_src[n++] = *w++;
        }
    }
    while (n < LZ_MAX) lz_src[n++] = (char)next(&s);
    lz_packed = LZ4_compress_HC_extStateHC(&lz_state_hc, lz_src, lz_dst, LZ_MAX, (int)sizeof lz_dst, 9);
    return lz_packed > 0 ? lz_packed : -1;
}

/* LZ4 round trip: compress the first n bytes (fast mode, acceleration 1), decompress them
 * again and compare. Returns a hash of the decompressed bytes, or a negative error.
 * (LZ4's fast mode hashes 5 bytes on 64-bit targets and 4 on 32-bit ones, so the native and
 * the wasm32 compressed streams differ; the round trip's result does not.) */
long long F(run_lz4_compress)(int n) {
    if (n < 0 || n > LZ_MAX) return -1;
    int c = LZ4_compress_fast_extState(&lz_state, lz_src, lz_tmp, n, (int)sizeof lz_tmp, 1);
    if (c <= 0) return -2;
    int d = LZ4_decompress_safe(lz_tmp, lz_out, c, LZ_MAX);
    if (d != n) return -3;
    for (int i = 0; i < n; i++)
        if (lz_out[i] != lz_src[i]) return -4;
    return (long long)(fold(lz_out, n) >> 1);
}

/* LZ4 HC (level `level`) compression of the first 256 KiB; returns size and a hash of the
 * compressed bytes. */
long long F(run_lz4hc_compress)(int level) {
    const int len = 256 << 10;
    int c = LZ4_compress_HC_extStateHC(&lz_state_hc, lz_src, lz_tmp, len, (int)sizeof lz_tmp, level);
    if (c <= 0) return -2;
    return (long long)(fold(lz_tmp, c) ^ ((u64)c << 40));
}

/* Decompress the block that run_lz4_init compressed (lz_dst), n times; returns -1 unless
 * the output is exactly the input, else the decompressed size. */
long long F(run_lz4_decompress)(int n) {
    if (lz_packed <= 0) return -2;
    int d = 0;
    for (int r = 0; r < n; r++) {
        d = LZ4_decompress_safe(lz_dst, lz_out, lz_packed, LZ_MAX);
        if (d != LZ_MAX) return -1;
    }
    for (int i = 0; i < LZ_MAX; i++)
        if (lz_out[i] != lz_src[i]) return -1;
    return d;
}

/* XXH64 and XXH32 of the first n bytes of the input, 16 times (seed = round). */
long long F(run_xxh64)(int n) {
    u64 h = 0;
    for (int r = 0; r < 16; r++) h ^= XXH64(lz_src, n < 0 || n > LZ_MAX ? 0 : (size_t)n, (u64)r);
    return (long long)h;
}
long long F(run_xxh32)(int n) {
    u32 h = 0;
    for (int r = 0; r < 16; r++) h ^= XXH32(lz_src, n < 0 || n > LZ_MAX ? 0 : (size_t)n, (u32)r);
    return h;
}
