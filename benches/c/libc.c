/* The three libc functions clang emits calls to, for the wasm32 modules (there is no libc on
 * wasm32 and no bulk-memory instructions in clang-19's default wasm32 CPU). Word at a time,
 * like a small libc. Natively the programs use the system libc instead. */
typedef unsigned char u8;
typedef unsigned int u32;
typedef unsigned long size_t;
typedef u32 __attribute__((may_alias)) u32a;

void *memset(void *dst, int c, size_t n) {
    u8 *d = (u8 *)dst;
    u32 w = (u8)c * 0x01010101u;
    while (n && ((size_t)d & 3)) { *d++ = (u8)c; n--; }
    for (; n >= 4; n -= 4, d += 4) *(u32a *)d = w;
    while (n--) *d++ = (u8)c;
    return dst;
}
void *memcpy(void *restrict dst, const void *restrict src, size_t n) {
    u8 *d = (u8 *)dst;
    const u8 *s = (const u8 *)src;
    if ((((size_t)d ^ (size_t)s) & 3) == 0) {
        while (n && ((size_t)d & 3)) { *d++ = *s++; n--; }
        for (; n >= 4; n -= 4, d += 4, s += 4) *(u32a *)d = *(const u32a *)s;
    }
    while (n--) *d++ = *s++;
    return dst;
}
void *memmove(void *dst, const void *src, size_t n) {
    u8 *d = (u8 *)dst;
    const u8 *s = (const u8 *)src;
    if (d <= s || d >= s + n) return memcpy(dst, src, n);
    while (n--) d[n] = s[n];
    return dst;
}
