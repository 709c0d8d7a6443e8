// File and directory operations inside the preopened directory /data.
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <wasi/api.h>

static const char *ename(int e) {
    switch (e) {
    case 0: return "OK";
    case ENOENT: return "ENOENT";
    case EEXIST: return "EEXIST";
    case ENOTEMPTY: return "ENOTEMPTY";
    case EBADF: return "EBADF";
    case EISDIR: return "EISDIR";
    case ENOTDIR: return "ENOTDIR";
    default: return "OTHER";
    }
}

#define CHECK(c) do { if (!(c)) { printf("FAIL line %d: %s (errno %d)\n", __LINE__, #c, errno); return 1; } } while (0)

static int cmp(const void *a, const void *b) { return strcmp(*(char **)a, *(char **)b); }

int main(void) {
    char buf[64];
    CHECK(mkdir("/data/dir", 0755) == 0);
    errno = 0;
    printf("mkdir again: %s\n", mkdir("/data/dir", 0755) == 0 ? "OK" : ename(errno));

    int fd = open("/data/dir/a.txt", O_CREAT | O_RDWR | O_TRUNC, 0644);
    CHECK(fd >= 0);
    CHECK(write(fd, "hello world\n", 12) == 12);
    CHECK(lseek(fd, 6, SEEK_SET) == 6);
    CHECK(read(fd, buf, 5) == 5);
    buf[5] = 0;
    printf("read at 6: %s\n", buf);
    printf("tell: %ld\n", (long)lseek(fd, 0, SEEK_CUR));
    struct stat st;
    CHECK(fstat(fd, &st) == 0);
    printf("size: %lld regular: %d\n", (long long)st.st_size, S_ISREG(st.st_mode));
    CHECK(pwrite(fd, "HELLO", 5, 0) == 5);
    memset(buf, 0, sizeof buf);
    CHECK(pread(fd, buf, 11, 0) == 11);
    printf("pread: %s\n", buf);
    CHECK(ftruncate(fd, 5) == 0);
    CHECK(fsync(fd) == 0);
    CHECK(close(fd) == 0);
    errno = 0;
    printf("close again: %s\n", close(fd) == 0 ? "OK" : ename(errno));

    fd = open("/data/dir/a.txt", O_WRONLY | O_APPEND);
    CHECK(fd >= 0);
    CHECK(write(fd, "++", 2) == 2);
    close(fd);

    CHECK(rename("/data/dir/a.txt", "/data/dir/b.txt") == 0);
    errno = 0;
    printf("stat a.txt: %s\n", stat("/data/dir/a.txt", &st) == 0 ? "OK" : ename(errno));
    CHECK(stat("/data/dir/b.txt", &st) == 0);
    printf("b.txt size: %lld\n", (long long)st.st_size);

    CHECK(symlink("b.txt", "/data/dir/link") == 0);
    ssize_t n = readlink("/data/dir/link", buf, sizeof buf - 1);
    CHECK(n >= 0);
    buf[n] = 0;
    printf("readlink: %s\n", buf);
    CHECK(lstat("/data/dir/link", &st) == 0);
    printf("lstat link is symlink: %d\n", S_ISLNK(st.st_mode));
    FILE *f = fopen("/data/dir/link", "r");
    CHECK(f != NULL);
    memset(buf, 0, sizeof buf);
    CHECK(fgets(buf, sizeof buf, f) != NULL);
    fclose(f);
    printf("through link: %s\n", buf);

    f = fopen("/data/dir/c.txt", "w");
    CHECK(f != NULL);
    fputs("c", f);
    fclose(f);
    CHECK(mkdir("/data/dir/sub", 0755) == 0);

    DIR *d = opendir("/data/dir");
    CHECK(d != NULL);
    char *names[16];
    int count = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL && count < 16) {
        char *s = malloc(strlen(e->d_name) + 3);
        sprintf(s, "%s%s", e->d_name, e->d_type == DT_DIR ? "/" : e->d_type == DT_LNK ? "@" : "");
        names[count++] = s;
    }
    closedir(d);
    qsort(names, count, sizeof names[0], cmp);
    printf("readdir:");
    for (int i = 0; i < count; i++) printf(" %s", names[i]);
    printf("\n");

    errno = 0;
    printf("rmdir non-empty: %s\n", rmdir("/data/dir") == 0 ? "OK" : ename(errno));
    errno = 0;
    printf("open missing: %s\n", open("/data/nope.txt", O_RDONLY) >= 0 ? "OK" : ename(errno));
    errno = 0;
    printf("unlink dir: %s\n", unlink("/data/dir/sub") == 0 ? "OK" : ename(errno));
    CHECK(unlink("/data/dir/c.txt") == 0);
    CHECK(unlink("/data/dir/link") == 0);
    CHECK(rmdir("/data/dir/sub") == 0);

    // A read-only descriptor cannot write, and says so.
    int ro = open("/data/dir/b.txt", O_RDONLY);
    CHECK(ro >= 0);
    errno = 0;
    printf("write to read-only: %s\n", write(ro, "x", 1) >= 0 ? "OK" : ename(errno));
    printf("read-only mode: %d\n", (fcntl(ro, F_GETFL) & O_ACCMODE) == O_RDONLY);
    close(ro);

    // fd_renumber: fd b now refers to what a referred to; a is closed.
    int a = open("/data/dir/b.txt", O_RDONLY);
    int b = open("/data/out.txt", O_CREAT | O_WRONLY, 0644);
    CHECK(a >= 0 && b >= 0);
    CHECK(__wasi_fd_renumber(a, b) == 0);
    memset(buf, 0, sizeof buf);
    CHECK(read(b, buf, sizeof buf - 1) == 7);
    printf("renumbered read: %s\n", buf);
    errno = 0;
    printf("old fd read: %s\n", read(a, buf, 1) >= 0 ? "OK" : ename(errno));
    close(b);

    unsigned char rnd[16] = {0};
    CHECK(getentropy(rnd, sizeof rnd) == 0);
    int nonzero = 0;
    for (int i = 0; i < 16; i++) nonzero |= rnd[i];
    printf("random nonzero: %d\n", nonzero != 0);

    f = fopen("/data/out.txt", "w");
    CHECK(f != NULL);
    fprintf(f, "written by wasm\n");
    fclose(f);
    puts("done");
    return 0;
}
