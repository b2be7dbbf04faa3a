/*
 * What tinyrnn.c needs from a WebAssembly runtime, and each of tinyrnn_wasm3.c and
 * tinyrnn_wamr.c gives: instantiate the module, call an export by number with i32 arguments,
 * and reach linear memory. Internal to the C layer: a host includes tinyrnn.h only.
 */
#ifndef TINYRNN_BACKEND_H
#define TINYRNN_BACKEND_H

#include "tinyrnn.h"

/* The exports by number, in TINYRNN_EXPORTS' order: TINYRNN_FN_memAlloc, ... */
enum {
#define TINYRNN_FN_ENUM(name, args) TINYRNN_FN_##name,
    TINYRNN_EXPORTS(TINYRNN_FN_ENUM)
#undef TINYRNN_FN_ENUM
    TINYRNN_FN_COUNT
};

/* Every export's name, argument count (all i32) and result: tinyrnn_open refuses a module whose
 * exports differ in any of them. */
enum { TINYRNN_RESULT_NONE, TINYRNN_RESULT_I32, TINYRNN_RESULT_F64 };
extern const char *const tinyrnn_export_names[TINYRNN_FN_COUNT];
extern const uint8_t tinyrnn_export_args[TINYRNN_FN_COUNT];
int tinyrnn_export_result(int fn); /* TINYRNN_RESULT_I32 for all but memFree (none) and pipelineSteps (f64) */

#define TINYRNN_MAX_ARGS 7
#define TINYRNN_ERROR_BYTES 384
#define TINYRNN_TRAP_BYTES 192

struct tinyrnn_backend; /* the runtime's objects: defined by each backend */

struct tinyrnn {
    struct tinyrnn_backend *backend;
    int32_t detail;                    /* errorDetail() of the last failure */
    uint32_t memory_limit;             /* tinyrnn_options.max_memory_bytes, as memLimit holds it */
    char error[TINYRNN_ERROR_BYTES];   /* the last failure in words */
    char trap[TINYRNN_TRAP_BYTES];     /* the runtime's words for its last failed call */
};

/* Instantiate `wasm` into rt->backend and look up every export, checking its signature.
 * 0, or -1 with the reason in `why`. */
int tinyrnn_backend_open(tinyrnn *rt, const uint8_t *wasm, uint32_t wasm_bytes, const tinyrnn_options *options, char *why, size_t why_bytes);
void tinyrnn_backend_close(tinyrnn *rt);
const char *tinyrnn_backend_name(void);
/* Call export `fn` with its arguments. Its result goes to *i32 (TINYRNN_RESULT_I32) or *f64
 * (TINYRNN_RESULT_F64); either may be NULL when unwanted. 0, or -1 on a trap with
 * rt->trap = "<runtime> in <export>: <the runtime's message>". Allocates nothing. */
int tinyrnn_backend_call(tinyrnn *rt, int fn, const int32_t *args, int32_t *i32, double *f64);
/* Linear memory's base and size now: both change when memory grows (in memAlloc), so fetch
 * them after any call that may allocate. */
uint8_t *tinyrnn_backend_memory(tinyrnn *rt, uint32_t *bytes);
void tinyrnn_backend_memory_info(tinyrnn *rt, tinyrnn_memory_info *info);

#endif /* TINYRNN_BACKEND_H */
