// exit(argv[1]) from a nested call; argv[2] == "trap" executes unreachable instead.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void leave(int code) {
    printf("leaving with %d\n", code);
    exit(code);
}

int main(int argc, char **argv) {
    if (argc > 2 && strcmp(argv[2], "trap") == 0) __builtin_trap();
    leave(argc > 1 ? atoi(argv[1]) : 0);
    puts("not reached");
    return 99;
}
