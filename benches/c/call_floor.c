/* The floor of a host -> wasm call (x86-64 SysV), for `src/bin/call_floor.rs`: hand-written
 * entries doing only what a trap boundary must, next to a native indirect call.
 *
 * `bench_floor_setjmp(vm)`: a setjmp-style boundary, as wasmlite's array entries: save the six
 * callee-saved registers (a longjmp back restores them), write the jump buffer (frame, resume
 * address, stack pointer) and publish it in vm[0], check the interrupt flag (vm[3]) and the
 * stack limit (vm[2]), run an empty body, restore the registers. The caller clears vm[0].
 *
 * `bench_floor_unwind(vm)`: the same checks without saving registers or a jump buffer: what an
 * entry costs when traps unwind through unwind tables instead (no work before a trap).
 *
 * `bench_floor_empty()`: an empty function (the native indirect call). */
#if defined(__x86_64__) && defined(__ELF__)
__asm__(
    ".text\n"
    ".globl bench_floor_empty\n"
    ".type bench_floor_empty,@function\n"
    "bench_floor_empty:\n"
    "  ret\n"
    ".size bench_floor_empty, .-bench_floor_empty\n"

    ".globl bench_floor_setjmp\n"
    ".type bench_floor_setjmp,@function\n"
    "bench_floor_setjmp:\n"
    "  push %rbp\n"
    "  mov %rsp, %rbp\n"
    "  push %r15\n"
    "  push %r14\n"
    "  push %r13\n"
    "  push %r12\n"
    "  push %rbx\n"
    "  sub $0x28, %rsp\n"
    "  mov %rbp, (%rsp)\n"
    "  lea 1f(%rip), %rax\n"
    "  mov %rax, 8(%rsp)\n"
    "  mov %rsp, 16(%rsp)\n"
    "  mov %rsp, (%rdi)\n"
    "  cmpl $0, 0x18(%rdi)\n"
    "  jne 1f\n"
    "  cmp %rsp, 0x10(%rdi)\n"
    "  ja 1f\n"
    "  xor %eax, %eax\n"
    "1:\n"
    "  add $0x28, %rsp\n"
    "  pop %rbx\n"
    "  pop %r12\n"
    "  pop %r13\n"
    "  pop %r14\n"
    "  pop %r15\n"
    "  pop %rbp\n"
    "  ret\n"
    ".size bench_floor_setjmp, .-bench_floor_setjmp\n"

    ".globl bench_floor_unwind\n"
    ".type bench_floor_unwind,@function\n"
    "bench_floor_unwind:\n"
    "  mov $1, %eax\n"
    "  cmpl $0, 0x18(%rdi)\n"
    "  jne 2f\n"
    "  cmp %rsp, 0x10(%rdi)\n"
    "  ja 2f\n"
    "  xor %eax, %eax\n"
    "2:\n"
    "  ret\n"
    ".size bench_floor_unwind, .-bench_floor_unwind\n");
#define HAVE_FLOOR 1
#else
#define HAVE_FLOOR 0
#endif

/* Whether this target has the entries above. */
int bench_floor_available(void) { return HAVE_FLOOR; }
