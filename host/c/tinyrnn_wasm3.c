/*
 * The C layer's backend on wasm3 (github.com/wasm3/wasm3): an interpreter that compiles the
 * module's code at open, reads the module's bytes in place, and takes its memory from malloc.
 * Besides wasm3.h it sets two fields of wasm3's own runtime struct (m3_env.h), the memory's byte
 * and page limits, for tinyrnn_options.max_memory_bytes.
 * Link with the .c files of wasm3's source/ (its libm3.a); examples/mcu/build.sh shows how.
 */
#include "tinyrnn_backend.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wasm3.h"
#include "m3_env.h" /* struct M3Runtime: its memory's page limit, which wasm3 has no call for */

#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 33))
#include <malloc.h>
#define HEAP_KNOWN 1
/* glibc's bytes in use (small blocks and mmapped ones). wasm3 allocates with calloc and realloc:
   at open, its environment, runtime, stack, module and compiled code; later only linear memory,
   when the module grows it. So its own heap is what open took, linear memory left out, measured
   then, before the host allocates anything else. */
static int64_t heap_in_use(void) {
    struct mallinfo2 m = mallinfo2();
    return (int64_t)m.uordblks + (int64_t)m.hblkhd;
}
#else
#define HEAP_KNOWN 0
#endif

struct tinyrnn_backend {
    IM3Environment env;
    IM3Runtime runtime;
    IM3Function fn[TINYRNN_FN_COUNT];
    int64_t heap_at_open; /* what wasm3 took at open, linear memory left out; -1: unknown */
};

const char *tinyrnn_backend_name(void) { return "wasm3"; }

static const char *type_name(M3ValueType t) {
    switch (t) {
    case c_m3Type_none: return "nothing";
    case c_m3Type_i32: return "i32";
    case c_m3Type_i64: return "i64";
    case c_m3Type_f32: return "f32";
    case c_m3Type_f64: return "f64";
    default: return "another type";
    }
}

/* Whether export `fn` is what tinyrnn.h declares; else the reason in `why`. */
static int check_export(IM3Function f, int fn, char *why, size_t why_bytes) {
    const int want = tinyrnn_export_result(fn);
    const uint32_t args = m3_GetArgCount(f), rets = m3_GetRetCount(f);
    uint32_t i;
    if (args != tinyrnn_export_args[fn]) {
        snprintf(why, why_bytes, "not a tinyrnn module: export %s takes %lu arguments, not %u", tinyrnn_export_names[fn], (unsigned long)args, tinyrnn_export_args[fn]);
        return -1;
    }
    for (i = 0; i < args; i++) {
        if (m3_GetArgType(f, i) != c_m3Type_i32) {
            snprintf(why, why_bytes, "not a tinyrnn module: argument %lu of export %s is %s, not i32", (unsigned long)i, tinyrnn_export_names[fn], type_name(m3_GetArgType(f, i)));
            return -1;
        }
    }
    if (rets != (want == TINYRNN_RESULT_NONE ? 0u : 1u) ||
        (rets == 1 && m3_GetRetType(f, 0) != (want == TINYRNN_RESULT_F64 ? c_m3Type_f64 : c_m3Type_i32))) {
        snprintf(why, why_bytes, "not a tinyrnn module: export %s returns %s, not %s", tinyrnn_export_names[fn],
                 rets == 0 ? "nothing" : rets > 1 ? "several values" : type_name(m3_GetRetType(f, 0)),
                 want == TINYRNN_RESULT_NONE ? "nothing" : want == TINYRNN_RESULT_F64 ? "f64" : "i32");
        return -1;
    }
    return 0;
}

int tinyrnn_backend_open(tinyrnn *rt, const uint8_t *wasm, uint32_t wasm_bytes, const tinyrnn_options *options, char *why, size_t why_bytes) {
    struct tinyrnn_backend *b;
    IM3Module module = NULL;
    uint32_t linear = 0;
    int64_t before = 0;
    M3Result r;
    int i;
    b = (struct tinyrnn_backend *)calloc(1, sizeof *b);
    if (!b) {
        snprintf(why, why_bytes, "wasm3: out of memory (%lu bytes)", (unsigned long)sizeof *b);
        return -1;
    }
    b->heap_at_open = -1;
#if HEAP_KNOWN
    before = heap_in_use();
#endif
    rt->backend = b;
    if (!(b->env = m3_NewEnvironment())) {
        snprintf(why, why_bytes, "wasm3: m3_NewEnvironment failed (out of memory)");
        goto failed;
    }
    if (!(b->runtime = m3_NewRuntime(b->env, options->stack_bytes, NULL))) {
        snprintf(why, why_bytes, "wasm3: m3_NewRuntime failed (a stack of %lu bytes: out of memory)", (unsigned long)options->stack_bytes);
        goto failed;
    }
    if ((r = m3_ParseModule(b->env, &module, wasm, wasm_bytes))) {
        snprintf(why, why_bytes, "wasm3 cannot parse the module: %s", r);
        goto failed;
    }
    if ((r = m3_LoadModule(b->runtime, module))) {
        m3_FreeModule(module); /* not the runtime's until loaded */
        snprintf(why, why_bytes, "wasm3 cannot load the module: %s", r);
        goto failed;
    }
    if (options->max_memory_bytes) {
        /* what wasm3 does with a module's declared maximum (InitMemory), with ours */
        const uint32_t pages = (uint32_t)(((uint64_t)options->max_memory_bytes + 0xffff) >> 16);
        if ((uint64_t)b->runtime->memory.numPages << 16 > options->max_memory_bytes) {
            snprintf(why, why_bytes, "wasm3: the module starts with %lu pages of memory (%lu bytes), over the limit of %lu bytes",
                     (unsigned long)b->runtime->memory.numPages, (unsigned long)b->runtime->memory.numPages << 16, (unsigned long)options->max_memory_bytes);
            goto failed;
        }
        if (pages < b->runtime->memory.maxPages) b->runtime->memory.maxPages = pages;
        b->runtime->memoryLimit = options->max_memory_bytes; /* a last page is allocated only up to it */
    }
    /* compile every function now, so that no call compiles (and allocates) later */
    if ((r = m3_CompileModule(module))) {
        snprintf(why, why_bytes, "wasm3 cannot compile the module: %s (wasm3 has no SIMD: give it build/tinyrnn.mvp.wasm)", r);
        goto failed;
    }
    for (i = 0; i < TINYRNN_FN_COUNT; i++) {
        if ((r = m3_FindFunction(&b->fn[i], b->runtime, tinyrnn_export_names[i]))) {
            snprintf(why, why_bytes, "not a tinyrnn module: export %s is missing (wasm3: %s)", tinyrnn_export_names[i], r);
            goto failed;
        }
        if (check_export(b->fn[i], i, why, why_bytes) < 0) goto failed;
    }
    if (!m3_GetMemory(b->runtime, &linear, 0)) {
        snprintf(why, why_bytes, "not a tinyrnn module: it has no memory");
        goto failed;
    }
#if HEAP_KNOWN
    b->heap_at_open = heap_in_use() - before - linear;
#endif
    (void)before;
    return 0;
failed:
    tinyrnn_backend_close(rt);
    return -1;
}

void tinyrnn_backend_close(tinyrnn *rt) {
    struct tinyrnn_backend *b = rt->backend;
    if (!b) return;
    if (b->runtime) m3_FreeRuntime(b->runtime); /* and the module loaded into it */
    if (b->env) m3_FreeEnvironment(b->env);
    free(b);
    rt->backend = NULL;
}

int tinyrnn_backend_call(tinyrnn *rt, int fn, const int32_t *args, int32_t *i32, double *f64) {
    struct tinyrnn_backend *b = rt->backend;
    const void *argp[TINYRNN_MAX_ARGS];
    const void *retp[1];
    const int result = tinyrnn_export_result(fn);
    int32_t ri = 0;
    double rf = 0;
    M3Result r;
    int i;
    for (i = 0; i < tinyrnn_export_args[fn]; i++) argp[i] = &args[i];
    r = m3_Call(b->fn[fn], tinyrnn_export_args[fn], argp);
    if (!r && result != TINYRNN_RESULT_NONE) {
        retp[0] = result == TINYRNN_RESULT_F64 ? (const void *)&rf : (const void *)&ri;
        r = m3_GetResults(b->fn[fn], 1, retp);
    }
    if (r) {
        M3ErrorInfo info;
        m3_GetErrorInfo(b->runtime, &info);
        if (info.message && info.message[0] && strcmp(info.message, r) != 0)
            snprintf(rt->trap, sizeof rt->trap, "wasm3 in %s: %s (%s)", tinyrnn_export_names[fn], r, info.message);
        else
            snprintf(rt->trap, sizeof rt->trap, "wasm3 in %s: %s", tinyrnn_export_names[fn], r);
        m3_ResetErrorInfo(b->runtime);
        return -1;
    }
    if (i32) *i32 = ri;
    if (f64) *f64 = rf;
    return 0;
}

uint8_t *tinyrnn_backend_memory(tinyrnn *rt, uint32_t *bytes) {
    return m3_GetMemory(rt->backend->runtime, bytes, 0);
}

void tinyrnn_backend_memory_info(tinyrnn *rt, tinyrnn_memory_info *info) {
    struct tinyrnn_backend *b = rt->backend;
    uint32_t bytes = 0;
    m3_GetMemory(b->runtime, &bytes, 0);
    info->linear_bytes = bytes; /* up to memoryLimit */
    info->linear_pages = b->runtime->memory.numPages;
    info->heap_total_bytes = -1;
    info->heap_used_bytes = b->heap_at_open; /* all of it taken at open (compiled code, stack, module) */
    info->heap_peak_bytes = -1;              /* malloc keeps no high-water mark */
}
