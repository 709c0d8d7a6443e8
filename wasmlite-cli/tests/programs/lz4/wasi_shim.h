/* Forced-included into LZ4's programs/ when building for wasm32-wasi: wasi-libc has no
 * chown/chmod (WASI preview 1 has no owners or permission bits); lz4 only uses them to copy
 * a source file's attributes to its output, so they are no-ops that succeed. */
#include <sys/types.h>
static inline int chown(const char *p, uid_t u, gid_t g) { (void)p; (void)u; (void)g; return 0; }
static inline int chmod(const char *p, mode_t m) { (void)p; (void)m; return 0; }
