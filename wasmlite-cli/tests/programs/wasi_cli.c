// Driven by wasmlite-cli/tests/cli.rs through `wasmlite run`: args, environment, a
// preopened directory (read and write), stdin → stdout, exit code.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv) {
  printf("argc=%d", argc);
  for (int i = 1; i < argc; i++) printf(" [%s]", argv[i]);
  printf("\n");
  const char *g = getenv("GREETING");
  printf("GREETING=%s\n", g ? g : "(unset)");
  FILE *in = fopen("data/in.txt", "r");
  if (!in) { printf("no data/in.txt\n"); return 3; }
  char line[128] = {0};
  if (!fgets(line, sizeof line, in)) return 4;
  fclose(in);
  printf("in.txt: %s", line);
  FILE *out = fopen("data/out.txt", "w");
  if (!out) return 5;
  fprintf(out, "written by wasm\n");
  fclose(out);
  if (fopen("../escape.txt", "w") || fopen("/etc/passwd", "r")) { printf("sandbox escape!\n"); return 6; }
  char buf[256];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, stdin)) > 0) {
    for (size_t i = 0; i < n; i++) buf[i] = (buf[i] >= 'a' && buf[i] <= 'z') ? buf[i] - 32 : buf[i];
    fwrite(buf, 1, n, stdout);
  }
  return argc > 1 ? atoi(argv[argc - 1]) : 0;
}
