// Tries to leave the preopened directory /data (fd 3) through `..`, absolute paths and
// symlinks, with raw WASI calls and through libc. argv[1] = absolute host path of the secret.
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <wasi/api.h>

#define PRE 3

static void try_open(const char *label, const char *path, __wasi_lookupflags_t flags) {
    __wasi_fd_t fd;
    __wasi_errno_t e = __wasi_path_open(PRE, flags, path, 0, __WASI_RIGHTS_FD_READ, 0, 0, &fd);
    if (e == 0) {
        char buf[64] = {0};
        __wasi_iovec_t iov = {(uint8_t *)buf, sizeof buf - 1};
        __wasi_size_t n = 0;
        if (__wasi_fd_read(fd, &iov, 1, &n) != 0) buf[0] = 0;
        printf("%s: OPENED %s\n", label, buf);
        if (__wasi_fd_close(fd) != 0) puts("close failed");
    } else {
        printf("%s: refused %d\n", label, e);
    }
}

int main(int argc, char **argv) {
    const char *secret = argc > 1 ? argv[1] : "/etc/passwd";
    try_open("dotdot", "../secret.txt", 0);
    try_open("deep dotdot", "sub/../../secret.txt", __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW);
    try_open("absolute", secret, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW);
    try_open("symlink relative", "escape", __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW);
    try_open("symlink absolute", "abs", __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW);
    try_open("symlink nofollow", "escape", 0);
    try_open("inside dotdot", "sub/../ok.txt", __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW);

    __wasi_filestat_t st;
    printf("stat dotdot: %d\n", __wasi_path_filestat_get(PRE, 0, "../secret.txt", &st));
    printf("rename out: %d\n", __wasi_path_rename(PRE, "ok.txt", PRE, "../moved.txt"));
    printf("mkdir out: %d\n", __wasi_path_create_directory(PRE, "../newdir"));
    printf("unlink out: %d\n", __wasi_path_unlink_file(PRE, "../secret.txt"));
    printf("symlink to absolute: %d\n", __wasi_path_symlink("/etc/passwd", PRE, "mylink"));

    errno = 0;
    FILE *f = fopen("/data/../secret.txt", "r");
    printf("libc dotdot: %s\n", f ? "OPENED" : "refused");
    f = fopen("/data/escape", "r");
    printf("libc symlink: %s\n", f ? "OPENED" : "refused");
    f = fopen(secret, "r");
    printf("libc absolute: %s\n", f ? "OPENED" : "refused");
    return 0;
}
