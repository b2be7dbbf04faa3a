/*
 * m4.c: the board support that runs tinyrnn-c (examples/mcu/tinyrnn-c.c), unchanged, on QEMU's
 * mps2-an386 (a Cortex-M4F), built by examples/mcu/m4.sh. Nothing here is tinyrnn's own code:
 *
 *   - the vector table and the reset handler: the FPU on, .data copied from flash, .bss zeroed,
 *     the stack painted (for its high-water mark), a timer started, the command line fetched by
 *     semihosting (QEMU's -semihosting-config arg=...), then main(argc, argv) and exit(status);
 *     stdio and fopen go to the host by semihosting (newlib's librdimon)
 *   - clock_gettime(CLOCK_MONOTONIC), which tinyrnn-c times itself with: CMSDK APB timer 0 at
 *     25 MHz. Under `qemu-system-arm -icount shift=0` virtual time advances 1 ns per instruction,
 *     so a nanosecond here is an instruction (to within a tick, 40 ns)
 *   - _sbrk: the heap from the end of .bss up to the stack's reserve, its high-water mark kept
 *   - the figures, on stderr at exit (lines starting "m4:"), measured through the linker and
 *     objcopy, so that neither the C layer nor the runtime is edited:
 *       · `-Wl,--wrap=tinyrnn_backend_call`: instructions per call into the module, by export;
 *         with `--max-push 160` each pipelinePush is one 10 ms hop (frontend, model, detector)
 *       · the C layer's and the runtime's objects have calloc/malloc/realloc/free renamed to
 *         m4_rt_* (objcopy --redefine-sym): the runtime's own heap (wasm3's code pages, stack,
 *         module, linear memory; WAMR's pool) is counted apart from tinyrnn-c's file buffers;
 *         WAMR's pool's own high-water mark is the C layer's (tinyrnn_memory)
 *
 * C99 with GNU inline assembly (arm-none-eabi-gcc).
 */
#include <errno.h>
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "tinyrnn_backend.h"


int main(int argc, char **argv);
void initialise_monitor_handles(void);
void __libc_init_array(void);

extern uint32_t __data_start, __data_end, __data_load, __bss_start__, __bss_end__;
extern uint32_t __stack_top, __stack_limit, __heap_end, end;

/* ---- semihosting ---------------------------------------------------------------------------- */

static int semihost(int op, void *arg) {
    register int r0 __asm__("r0") = op;
    register void *r1 __asm__("r1") = arg;
    __asm__ volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
    return r0;
}
#define SYS_WRITE0 0x04
#define SYS_GET_CMDLINE 0x15

/* ---- the timer: CMSDK APB timer 0, counting down at 25 MHz (40 ns a tick) ------------------- */

#define TIMER0_CTRL (*(volatile uint32_t *)0x40000000u)
#define TIMER0_VALUE (*(volatile uint32_t *)0x40000004u)
#define TIMER0_RELOAD (*(volatile uint32_t *)0x40000008u)
#define NS_PER_TICK 40u

static uint32_t timer_last;
static uint64_t timer_high; /* ticks before timer_last, across wraps (read at least every 171 s) */

static void timer_start(void) {
    TIMER0_CTRL = 0;
    TIMER0_RELOAD = 0xffffffffu;
    TIMER0_VALUE = 0xffffffffu;
    TIMER0_CTRL = 1; /* enable, no interrupt */
    timer_last = 0;
    timer_high = 0;
}

static uint64_t ticks(void) {
    const uint32_t now = 0xffffffffu - TIMER0_VALUE;
    if (now < timer_last) timer_high += (uint64_t)1 << 32;
    timer_last = now;
    return timer_high + now;
}

/* Nanoseconds of virtual time since reset: instructions, under -icount shift=0. */
static uint64_t now_ns(void) { return ticks() * NS_PER_TICK; }

int clock_gettime(clockid_t clock_id, struct timespec *tp) {
    uint64_t ns;
    if (clock_id != CLOCK_MONOTONIC || !tp) { errno = EINVAL; return -1; }
    ns = now_ns();
    tp->tv_sec = (time_t)(ns / 1000000000u);
    tp->tv_nsec = (long)(ns % 1000000000u);
    return 0;
}

/* ---- the heap ------------------------------------------------------------------------------- */

static char *heap_top = (char *)&end, *heap_peak = (char *)&end;

void *_sbrk(ptrdiff_t incr) {
    char *old = heap_top;
    if (incr > 0 && (size_t)incr > (size_t)((char *)&__heap_end - heap_top)) { errno = ENOMEM; return (void *)-1; }
    heap_top += incr;
    if (heap_top > heap_peak) heap_peak = heap_top;
    return old;
}

/* The runtime's own allocations (wasm3 and the C layer; see above), by usable size. */
static size_t rt_now, rt_peak;
static void rt_count(size_t before, size_t after) {
    rt_now = rt_now - before + after;
    if (rt_now > rt_peak) rt_peak = rt_now;
}
void *m4_rt_malloc(size_t n) { void *p = malloc(n); if (p) rt_count(0, malloc_usable_size(p)); return p; }
void *m4_rt_calloc(size_t n, size_t k) { void *p = calloc(n, k); if (p) rt_count(0, malloc_usable_size(p)); return p; }
void m4_rt_free(void *p) { if (p) rt_count(malloc_usable_size(p), 0); free(p); }
void *m4_rt_realloc(void *p, size_t n) {
    const size_t before = p ? malloc_usable_size(p) : 0;
    void *q = realloc(p, n);
    if (q) rt_count(before, malloc_usable_size(q));
    else if (n == 0) rt_count(before, 0);
    return q;
}

/* The stack, painted at reset: its deepest word touched so far. */
#define PAINT 0xa5a5a5a5u
static uint32_t *deepest_touched(void) {
    uint32_t *p = &__stack_limit;
    while (p < &__stack_top && *p == PAINT) p++;
    return p;
}

#ifdef M4_TINYRNN /* tinyrnn-c's hooks; without it, m4.c alone (calibrate.c) */
/* ---- instructions per call into the module --------------------------------------------------- */

typedef struct { uint32_t calls; uint64_t sum, max, min; } stat;
static stat by_export[TINYRNN_FN_COUNT];
static stat hops;              /* pipelinePush calls that ran exactly one 10 ms step */
static uint64_t pushed;        /* samples pushed so far (16 kHz input; window 480, hop 160) */
static uint64_t open_ns;       /* in tinyrnn_backend_open: wasm3 parsing and compiling the module */
static uint32_t opens;
static size_t open_heap, open_linear; /* after the first open: the runtime's heap, linear memory in it */

static void stat_add(stat *s, uint64_t x) {
    if (s->calls == 0 || x < s->min) s->min = x;
    if (x > s->max) s->max = x;
    s->sum += x;
    s->calls++;
}

static uint64_t steps_after(uint64_t samples) { return samples < 480 ? 0 : (samples - 480) / 160 + 1; }

/* ---- the stack the runtime takes ------------------------------------------------------------
 * The stack is painted at reset. After a call into the runtime (wasm3 compiling the module at
 * open; the first calls of each export), the deepest word it touched below its entry is found and
 * that part painted again: the most any such call took, apart from the frames of its caller. */

static uint32_t rt_stack_peak;
#define RT_STACK_PEAK rt_stack_peak

static void stack_after_call(uint32_t *entry) {
    uint32_t *deep = deepest_touched(), *sp;
    __asm__ volatile("mov %0, sp" : "=r"(sp));
    if (deep < entry) {
        const uint32_t used = (uint32_t)((char *)entry - (char *)deep);
        if (used > rt_stack_peak) rt_stack_peak = used;
        while (deep < sp - 32) *deep++ = PAINT; /* below this function's frame: free again */
    }
}

/* WAMR's pool, which every allocation of WAMR's comes from (linear memory included): its
   high-water mark, as the C layer reports it (wasm3 has no pool: -1) */
static int64_t pool_peak = -1, pool_total = -1;
static void pool_after_call(tinyrnn *rt) {
    tinyrnn_memory_info m;
    if (tinyrnn_memory(rt, &m) < 0 || m.heap_total_bytes < 0) return;
    if (m.heap_peak_bytes > pool_peak) pool_peak = m.heap_peak_bytes;
    pool_total = m.heap_total_bytes;
}

int __real_tinyrnn_backend_call(tinyrnn *rt, int fn, const int32_t *args, int32_t *i32, double *f64);
int __wrap_tinyrnn_backend_call(tinyrnn *rt, int fn, const int32_t *args, int32_t *i32, double *f64) {
    uint32_t *entry = (uint32_t *)__builtin_frame_address(0);
    const uint64_t t0 = now_ns();
    const int r = __real_tinyrnn_backend_call(rt, fn, args, i32, f64);
    const uint64_t dt = now_ns() - t0;
    if (fn >= 0 && fn < TINYRNN_FN_COUNT) stat_add(&by_export[fn], dt);
    if (fn == TINYRNN_FN_pipelinePush && args[3] == TINYRNN_SAMPLE_I16) {
        const uint64_t before = steps_after(pushed);
        pushed += (uint32_t)args[2];
        if (steps_after(pushed) - before == 1) stat_add(&hops, dt);
    }
    /* each export's first calls only: a scan costs ~0.4 M instructions, and later calls of the
       same export go no deeper (tinyrnn-c's own timings would otherwise include the scans) */
    if (fn < 0 || fn >= TINYRNN_FN_COUNT || by_export[fn].calls <= 3) {
        stack_after_call(entry);
        pool_after_call(rt);
    }
    return r;
}

int __real_tinyrnn_backend_open(tinyrnn *rt, const uint8_t *wasm, uint32_t wasm_bytes, const tinyrnn_options *options, char *why, size_t why_bytes);
int __wrap_tinyrnn_backend_open(tinyrnn *rt, const uint8_t *wasm, uint32_t wasm_bytes, const tinyrnn_options *options, char *why, size_t why_bytes) {
    uint32_t *entry = (uint32_t *)__builtin_frame_address(0);
    const uint64_t t0 = now_ns();
    const int r = __real_tinyrnn_backend_open(rt, wasm, wasm_bytes, options, why, why_bytes);
    open_ns += now_ns() - t0;
    opens++;
    if (r == 0 && opens == 1) {
        uint32_t bytes = 0;
        tinyrnn_backend_memory(rt, &bytes);
        open_heap = rt_now;
        open_linear = bytes;
    }
    stack_after_call(entry);
    return r;
}

#else
#define RT_STACK_PEAK 0
#endif /* M4_TINYRNN */

/* ---- the report ----------------------------------------------------------------------------- */

/* A u64 in decimal (newlib-nano's printf has no %llu). */
static const char *fmt_u64(uint64_t x, char *buf) {
    char *p = buf + 20;
    *p = '\0';
    do *--p = (char)('0' + x % 10); while (x /= 10);
    return p;
}

static void report(void) {
    const uint32_t data = (uint32_t)((char *)&__data_end - (char *)&__data_start);
    const uint32_t bss = (uint32_t)((char *)&__bss_end__ - (char *)&__bss_start__);
    char a[21];
    fflush(stdout);
#ifdef M4_TINYRNN
    {
    const stat *push = &by_export[TINYRNN_FN_pipelinePush];
    char b[21], c[21];
    if (hops.calls)
        fprintf(stderr, "m4: instructions per 10 ms hop (a pipelinePush of 160 samples running one step): mean %s, max %s, min %s over %lu hops\n",
                fmt_u64(hops.sum / hops.calls, a), fmt_u64(hops.max, b), fmt_u64(hops.min, c), (unsigned long)hops.calls);
    if (push->calls)
        fprintf(stderr, "m4: instructions in pipelinePush: %s in %lu calls\n", fmt_u64(push->sum, a), (unsigned long)push->calls);
    if (opens) fprintf(stderr, "m4: opening the module (the runtime loading it; wasm3 compiles it too): %s instructions; then the runtime's heap %lu bytes, linear memory (%lu) included\n",
                       fmt_u64(open_ns / opens, a), (unsigned long)open_heap, (unsigned long)open_linear);
    if (pool_total >= 0)
        fprintf(stderr, "m4: %s's pool: %lu bytes at most in use, of %lu (tinyrnn_options.pool_bytes)\n", tinyrnn_runtime_name(),
                (unsigned long)pool_peak, (unsigned long)pool_total);
    }
#endif
    fprintf(stderr, "m4: RAM: .data %lu + .bss %lu bytes static; heap high-water %lu bytes, the runtime's own (wasm3 with linear memory, or WAMR's whole pool; and the C layer) %lu at most; "
            "stack: %lu bytes at most in the runtime's calls, %lu in all\n",
            (unsigned long)data, (unsigned long)bss, (unsigned long)(heap_peak - (char *)&end), (unsigned long)rt_peak,
            (unsigned long)RT_STACK_PEAK, (unsigned long)((char *)&__stack_top - (char *)deepest_touched()));
    fprintf(stderr, "m4: %s instructions in all\n", fmt_u64(now_ns(), a));
}

/* ---- reset ---------------------------------------------------------------------------------- */

static char cmdline[1024];
static char *args[64];

void _init(void) {}
void _fini(void) {}

__attribute__((noreturn, used)) void m4_start(void) {
    uint32_t *p;
    int argc = 0;
    char *s;
    struct { char *buf; int len; } cmd = { cmdline, (int)sizeof cmdline - 1 };
    for (p = &__data_start; p < &__data_end; p++) *p = (&__data_load)[p - &__data_start];
    for (p = &__bss_start__; p < &__bss_end__;) *p++ = 0;
    {   /* paint the stack below this frame */
        volatile uint32_t *q = &__stack_limit, *here = (volatile uint32_t *)__builtin_frame_address(0) - 64;
        while (q < here) *q++ = PAINT;
    }
    timer_start();
    initialise_monitor_handles();
    if (semihost(SYS_GET_CMDLINE, &cmd) == 0) {
        cmdline[sizeof cmdline - 1] = '\0';
        for (s = cmdline; *s && argc < (int)(sizeof args / sizeof *args) - 1;) {
            while (*s == ' ') *s++ = '\0';
            if (!*s) break;
            args[argc++] = s;
            while (*s && *s != ' ') s++;
        }
    }
    if (argc == 0) args[argc++] = (char *)"tinyrnn-c";
    args[argc] = NULL;
    __libc_init_array();
    atexit(report);
    exit(main(argc, args));
}

__attribute__((noreturn)) static void fault(void) {
    semihost(SYS_WRITE0, (void *)"m4: hard fault\n");
    _exit(70);
}

/* The FPU (CP10, CP11) is enabled before any C runs: hard-float code may use it anywhere. */
__attribute__((naked, noreturn)) void Reset_Handler(void) {
    __asm__ volatile(
        "ldr r0, =0xE000ED88\n"      /* SCB->CPACR */
        "ldr r1, [r0]\n"
        "orr r1, r1, #(0xF << 20)\n" /* CP10, CP11: full access */
        "str r1, [r0]\n"
        "dsb\n"
        "isb\n"
        "ldr r0, =__stack_top\n"
        "mov sp, r0\n"
        "b m4_start\n"
        ".ltorg\n");
}

static void default_handler(void) { fault(); }

__attribute__((section(".vectors"), used)) static void (*const vectors[16 + 32])(void) = {
    (void (*)(void))(uintptr_t)&__stack_top, Reset_Handler, default_handler /* NMI */, default_handler /* HardFault */,
    default_handler, default_handler, default_handler, /* MemManage, BusFault, UsageFault */
};
