/*
 * clock.h: what newlib's <time.h> leaves out on arm-none-eabi (no _POSIX_TIMERS): the
 * clock_gettime(CLOCK_MONOTONIC) tinyrnn-c times itself with. examples/mcu/m4.sh force-includes
 * it (-include) into tinyrnn-c.c, which stays as it is; m4.c implements it on a timer.
 */
#ifndef TINYRNN_M4_CLOCK_H
#define TINYRNN_M4_CLOCK_H

#include <sys/types.h>
#include <time.h>

#ifndef CLOCK_MONOTONIC
#define CLOCK_MONOTONIC ((clockid_t)4)
int clock_gettime(clockid_t clock_id, struct timespec *tp);
#endif

#endif
