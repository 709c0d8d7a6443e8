/* Minimal freestanding <string.h> for the wasm32 build (implemented in c/libc.c). */
#ifndef BENCH_STRING_H
#define BENCH_STRING_H
#include <stddef.h>
void *memcpy(void *restrict dst, const void *restrict src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
#endif
