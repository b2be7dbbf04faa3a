/*
 * calibrate.c: does the clock m4.c gives tinyrnn-c count instructions? Built and run by
 * examples/mcu/m4.sh calibrate: under -icount shift=0 a loop of a known instruction count,
 * timed with clock_gettime(CLOCK_MONOTONIC) as tinyrnn-c times itself, should read as that many
 * nanoseconds (to within the timer's 40 ns tick and the few instructions of the reads).
 */
#include <stdio.h>

#include "clock.h"

static long long ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

int main(void) {
    static const unsigned long loops[] = { 1000000UL, 10000000UL };
    unsigned i;
    for (i = 0; i < sizeof loops / sizeof *loops; i++) {
        unsigned long n = loops[i];
        long long t0, t1;
        t0 = ns();
        /* 4 instructions an iteration: nop, nop, subs, bne */
        __asm__ volatile("1: nop\n nop\n subs %0, %0, #1\n bne 1b\n" : "+r"(n) : : "cc");
        t1 = ns();
        printf("calibrate: a loop of %lu instructions took %lu ns of virtual time\n", 4 * loops[i], (unsigned long)(t1 - t0));
    }
    return 0;
}
