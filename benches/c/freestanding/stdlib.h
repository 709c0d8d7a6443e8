/* Minimal freestanding <stdlib.h> for the wasm32 build of the vendored C (declarations only:
 * nothing the benchmarks call allocates). */
#ifndef BENCH_STDLIB_H
#define BENCH_STDLIB_H
#include <stddef.h>
void *malloc(size_t size);
void *calloc(size_t n, size_t size);
void free(void *p);
#endif
