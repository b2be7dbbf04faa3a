/*
 * A bare-metal platform for WAMR (no OS, one thread): what core/shared/platform/<os>/ gives a
 * port, for examples/mcu/m4.sh's WAMR build (mps2-an386, newlib). Threads, locks and condition
 * variables are single-threaded stubs; memory comes from newlib's malloc or, for what WAMR maps
 * (linear memory, with bounds checked in software), from WAMR's own pool.
 */
#ifndef _PLATFORM_INTERNAL_H
#define _PLATFORM_INTERNAL_H

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef BH_PLATFORM_TINYRNN_M4
#define BH_PLATFORM_TINYRNN_M4
#endif

#define BH_APPLET_PRESERVED_STACK_SIZE (2 * 1024)
#define BH_THREAD_DEFAULT_PRIORITY 0

typedef int korp_thread;
typedef int korp_tid;
typedef int korp_mutex;
typedef int korp_cond;
typedef int korp_sem;
typedef struct { int dummy; } korp_rwlock;

#define os_printf printf
#define os_vprintf vprintf

typedef int os_file_handle;
typedef void *os_dir_stream;
typedef int os_raw_file_handle;
typedef int os_poll_file_handle;
typedef unsigned int os_nfds_t;
typedef int os_timespec;

static inline os_file_handle os_get_invalid_handle(void) { return -1; }
static inline int os_getpagesize(void) { return 4096; }

#endif
