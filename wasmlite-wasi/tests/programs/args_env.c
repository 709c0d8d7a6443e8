// Prints its arguments and selected environment variables; exits with argc.
#include <stdio.h>
#include <stdlib.h>

extern char **environ;

int main(int argc, char **argv) {
    printf("argc=%d\n", argc);
    for (int i = 0; i < argc; i++) printf("argv[%d]=%s\n", i, argv[i]);
    const char *g = getenv("GREETING");
    printf("GREETING=%s\n", g ? g : "(unset)");
    const char *m = getenv("MISSING");
    printf("MISSING=%s\n", m ? m : "(unset)");
    int n = 0;
    for (char **e = environ; *e; e++) n++;
    printf("environ=%d\n", n);
    fprintf(stderr, "to stderr\n");
    return argc;
}
