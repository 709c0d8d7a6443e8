// A WASI command for the include_wasm! test: args, env, a file in /data, the clock, exit code.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int main(int argc, char **argv) {
    printf("hello from %s, %d args\n", argv[0], argc);
    const char *who = getenv("WHO");
    printf("WHO=%s\n", who ? who : "(unset)");
    FILE *f = fopen("/data/note.txt", "w");
    if (!f) { perror("fopen"); return 1; }
    fprintf(f, "note for %s\n", who ? who : "nobody");
    fclose(f);
    f = fopen("/data/note.txt", "r");
    char buf[64] = {0};
    if (!f || !fgets(buf, sizeof buf, f)) { perror("read back"); return 1; }
    fclose(f);
    printf("read back: %s", buf);
    printf("time: %lld\n", (long long)time(NULL));
    return argc > 1 ? atoi(argv[1]) : 0;
}
