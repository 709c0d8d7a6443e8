/* Minimal freestanding <assert.h> for the wasm32 build: assertions compiled out (NDEBUG). */
#ifndef BENCH_ASSERT_H
#define BENCH_ASSERT_H
#ifndef assert
#define assert(e) ((void)0)
#endif
#endif
