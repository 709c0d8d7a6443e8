// Reads stdin line by line, prints each line upper-cased with its number, then the byte
// count. Also waits with poll() on stdin (argv[1] = timeout in ms, default 1000) and sleeps
// (poll_oneoff on clocks).
#include <ctype.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static long long now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(int argc, char **argv) {
    long long t0 = now_ns();
    usleep(20000); // 20 ms
    long long slept = now_ns() - t0;
    printf("slept_enough=%d\n", slept >= 20000000LL);

    struct pollfd p = {.fd = 0, .events = POLLIN};
    int r = poll(&p, 1, argc > 1 ? atoi(argv[1]) : 1000);
    printf("poll=%d revents_in=%d\n", r, (p.revents & POLLIN) != 0);
    fflush(stdout);

    char line[256];
    long total = 0;
    int n = 0;
    while (fgets(line, sizeof line, stdin)) {
        total += strlen(line);
        for (char *c = line; *c; c++) *c = toupper((unsigned char)*c);
        printf("%d: %s", ++n, line);
    }
    printf("bytes=%ld eof=%d\n", total, feof(stdin));

    struct timespec rt;
    clock_gettime(CLOCK_REALTIME, &rt);
    printf("realtime_after_2020=%d\n", rt.tv_sec > 1577836800);
    return 0;
}
