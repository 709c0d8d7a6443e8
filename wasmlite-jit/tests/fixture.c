/* A hand-written object shaped like a wasmlite module: one exported descriptor symbol,
   everything else internal. Exercises GOT/PLT relocations to libm/libc. */
#include <stddef.h>
#include <stdint.h>
double fmod(double, double);
void *memcpy(void *, const void *, size_t);

static void code_start(void) {}
static double call_fmod(double a, double b) { return fmod(a, b); }
static void *call_memcpy(void *d, const void *s, size_t n) { return memcpy(d, s, n); }
static void code_end(void) {}
static const unsigned char info[3] = {1, 2, 3};
static void *const funcs[2] = {(void *)call_fmod, (void *)call_memcpy};
static const void *const code_ranges[2] = {(void *)code_start, (void *)code_end};

struct desc {
    uint32_t abi_version, flags;
    const unsigned char *info; size_t info_len;
    void *const *funcs; size_t num_funcs;
    const void *import_stubs; size_t num_import_stubs;
    void *raise_trap; void *enter; void *sjlj_entry; const void *const *code_ranges; size_t num_code_ranges;
};

const struct desc PREFIX_descriptor = {
    1, 0, info, 3, funcs, 1, NULL, 0, (void *)0, (void *)0, (void *)0, code_ranges, 1,
};
