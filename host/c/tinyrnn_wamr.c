/*
 * The C layer's backend on WAMR, the WebAssembly Micro Runtime: its fast interpreter, and with
 * WAMR_BUILD_AOT its AOT loader too, so that the same code runs a module.wasm or the module.aot
 * wamrc compiled from it (wasm_runtime_load tells them apart by their first bytes; exports, their
 * types and linear memory are reached the same way). Every allocation of the runtime comes from
 * one pool (tinyrnn_options.pool), so its high-water mark is what a device must set aside for it;
 * the module's bytes are copied into it (an .aot file is some 3.4 times the .wasm). Linear memory,
 * and an .aot's machine code, come from the platform's os_mmap (on Linux, mapped pages apart
 * from the pool; WAMR's ports to RTOSes allocate them from the same heap).
 * Bounds: a runtime built with WAMR_DISABLE_HW_BOUND_CHECK=1 (as on a microcontroller) checks
 * them in software in the interpreter, and an .aot must be compiled with wamrc --bounds-checks=1
 * (an .aot file does not say how it was compiled: one compiled without runs unchecked). Built
 * with hardware bounds checks (64-bit Linux), WAMR reserves 8 GiB of address space per instance
 * and installs its own SIGSEGV handler; a thread other than the one that opened the first
 * instance must then call wasm_runtime_init_thread_env() before calling into it.
 * WAMR's runtime is one per process: the first tinyrnn_open initialises it with its pool, the
 * last tinyrnn_close tears it down. Link with libiwasm.a; examples/mcu/build.sh shows how.
 */
#include "tinyrnn_backend.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wasm_export.h"

struct tinyrnn_backend {
    uint8_t *copy;                 /* the module's bytes: WAMR may write to them, and reads them until unload */
    wasm_module_t module;
    wasm_module_inst_t instance;
    wasm_exec_env_t exec;
    wasm_function_inst_t fn[TINYRNN_FN_COUNT];
};

static int users;          /* open instances: the runtime lives while there are any */
static void *owned_pool;   /* the pool, when it was malloc'd here */

const char *tinyrnn_backend_name(void) { return "wamr"; }

static const char *kind_name(wasm_valkind_t k) {
    switch (k) {
    case WASM_I32: return "i32";
    case WASM_I64: return "i64";
    case WASM_F32: return "f32";
    case WASM_F64: return "f64";
    default: return "another type";
    }
}

/* Whether export `fn` is what tinyrnn.h declares; else the reason in `why`. */
static int check_export(struct tinyrnn_backend *b, int fn, char *why, size_t why_bytes) {
    wasm_function_inst_t f = b->fn[fn];
    const int want = tinyrnn_export_result(fn);
    const uint32_t args = wasm_func_get_param_count(f, b->instance), rets = wasm_func_get_result_count(f, b->instance);
    wasm_valkind_t kinds[TINYRNN_MAX_ARGS + 1], ret[2];
    uint32_t i;
    if (args != tinyrnn_export_args[fn]) {
        snprintf(why, why_bytes, "not a tinyrnn module: export %s takes %lu arguments, not %u", tinyrnn_export_names[fn], (unsigned long)args, tinyrnn_export_args[fn]);
        return -1;
    }
    wasm_func_get_param_types(f, b->instance, kinds);
    for (i = 0; i < args; i++) {
        if (kinds[i] != WASM_I32) {
            snprintf(why, why_bytes, "not a tinyrnn module: argument %lu of export %s is %s, not i32", (unsigned long)i, tinyrnn_export_names[fn], kind_name(kinds[i]));
            return -1;
        }
    }
    if (rets > 1) {
        snprintf(why, why_bytes, "not a tinyrnn module: export %s returns several values", tinyrnn_export_names[fn]);
        return -1;
    }
    if (rets == 1) wasm_func_get_result_types(f, b->instance, ret);
    if (rets != (want == TINYRNN_RESULT_NONE ? 0u : 1u) || (rets == 1 && ret[0] != (want == TINYRNN_RESULT_F64 ? WASM_F64 : WASM_I32))) {
        snprintf(why, why_bytes, "not a tinyrnn module: export %s returns %s, not %s", tinyrnn_export_names[fn],
                 rets == 0 ? "nothing" : kind_name(ret[0]), want == TINYRNN_RESULT_NONE ? "nothing" : want == TINYRNN_RESULT_F64 ? "f64" : "i32");
        return -1;
    }
    return 0;
}

static int init_runtime(const tinyrnn_options *options, char *why, size_t why_bytes) {
    RuntimeInitArgs init;
    void *pool = options->pool;
    if (users++ > 0) return 0;
    if (!pool && !(pool = owned_pool = malloc(options->pool_bytes))) {
        snprintf(why, why_bytes, "WAMR: out of memory for its pool (%lu bytes)", (unsigned long)options->pool_bytes);
        users--;
        return -1;
    }
    memset(&init, 0, sizeof init);
    init.mem_alloc_type = Alloc_With_Pool;
    init.mem_alloc_option.pool.heap_buf = pool;
    init.mem_alloc_option.pool.heap_size = options->pool_bytes;
    /* running_mode stays 0, the runtime's default: its interpreter (no JIT is built), or none in
       an AOT-only build (WAMR_BUILD_INTERP=0), whose wasm_runtime_full_init refuses Mode_Interp */
    if (!wasm_runtime_full_init(&init)) {
        snprintf(why, why_bytes, "WAMR: wasm_runtime_full_init failed (a pool of %lu bytes: too small?)", (unsigned long)options->pool_bytes);
        free(owned_pool);
        owned_pool = NULL;
        users--;
        return -1;
    }
    /* its warnings go to stdout, which is a host's to use: errors only */
    wasm_runtime_set_log_level(WASM_LOG_LEVEL_ERROR);
    return 0;
}

static void release_runtime(void) {
    if (--users > 0) return;
    wasm_runtime_destroy();
    free(owned_pool);
    owned_pool = NULL;
}

int tinyrnn_backend_open(tinyrnn *rt, const uint8_t *wasm, uint32_t wasm_bytes, const tinyrnn_options *options, char *why, size_t why_bytes) {
    struct tinyrnn_backend *b;
    InstantiationArgs inst;
    char error[128];
    int i;
    if (init_runtime(options, why, why_bytes) < 0) return -1;
    b = (struct tinyrnn_backend *)calloc(1, sizeof *b);
    if (!b) {
        snprintf(why, why_bytes, "WAMR: out of memory (%lu bytes)", (unsigned long)sizeof *b);
        release_runtime();
        return -1;
    }
    rt->backend = b;
    if (!(b->copy = (uint8_t *)wasm_runtime_malloc(wasm_bytes))) {
        snprintf(why, why_bytes, "WAMR: its pool has no room for the module's %lu bytes", (unsigned long)wasm_bytes);
        goto failed;
    }
    memcpy(b->copy, wasm, wasm_bytes);
    error[0] = '\0';
    if (!(b->module = wasm_runtime_load(b->copy, wasm_bytes, error, sizeof error))) {
        snprintf(why, why_bytes, "WAMR cannot load the module: %s", error);
        goto failed;
    }
    memset(&inst, 0, sizeof inst);
    inst.default_stack_size = options->stack_bytes;
    inst.host_managed_heap_size = 0; /* the module has its own allocator (memAlloc) */
    inst.max_memory_pages = (uint32_t)(((uint64_t)options->max_memory_bytes + 0xffff) >> 16); /* whole pages */
    if (!(b->instance = wasm_runtime_instantiate_ex(b->module, &inst, error, sizeof error))) {
        snprintf(why, why_bytes, "WAMR cannot instantiate the module: %s", error);
        goto failed;
    }
    if (!(b->exec = wasm_runtime_create_exec_env(b->instance, options->stack_bytes))) {
        snprintf(why, why_bytes, "WAMR: wasm_runtime_create_exec_env failed (a stack of %lu bytes)", (unsigned long)options->stack_bytes);
        goto failed;
    }
    for (i = 0; i < TINYRNN_FN_COUNT; i++) {
        if (!(b->fn[i] = wasm_runtime_lookup_function(b->instance, tinyrnn_export_names[i]))) {
            snprintf(why, why_bytes, "not a tinyrnn module: export %s is missing", tinyrnn_export_names[i]);
            goto failed;
        }
        if (check_export(b, i, why, why_bytes) < 0) goto failed;
    }
    if (!wasm_runtime_get_default_memory(b->instance)) {
        snprintf(why, why_bytes, "not a tinyrnn module: it has no memory");
        goto failed;
    }
    return 0;
failed:
    tinyrnn_backend_close(rt);
    return -1;
}

void tinyrnn_backend_close(tinyrnn *rt) {
    struct tinyrnn_backend *b = rt->backend;
    if (!b) return;
    if (b->exec) wasm_runtime_destroy_exec_env(b->exec);
    if (b->instance) wasm_runtime_deinstantiate(b->instance);
    if (b->module) wasm_runtime_unload(b->module);
    if (b->copy) wasm_runtime_free(b->copy);
    free(b);
    rt->backend = NULL;
    release_runtime();
}

int tinyrnn_backend_call(tinyrnn *rt, int fn, const int32_t *args, int32_t *i32, double *f64) {
    struct tinyrnn_backend *b = rt->backend;
    uint32_t cells[TINYRNN_MAX_ARGS > 2 ? TINYRNN_MAX_ARGS : 2];
    const int n = tinyrnn_export_args[fn];
    int i;
    for (i = 0; i < n; i++) cells[i] = (uint32_t)args[i];
    if (!wasm_runtime_call_wasm(b->exec, b->fn[fn], (uint32_t)n, cells)) {
        const char *e = wasm_runtime_get_exception(b->instance);
        snprintf(rt->trap, sizeof rt->trap, "WAMR in %s: %s", tinyrnn_export_names[fn], e ? e : "failed");
        wasm_runtime_clear_exception(b->instance);
        return -1;
    }
    /* results replace the arguments, from cell 0 (an f64 takes two) */
    if (i32 && tinyrnn_export_result(fn) == TINYRNN_RESULT_I32) *i32 = (int32_t)cells[0];
    if (f64 && tinyrnn_export_result(fn) == TINYRNN_RESULT_F64) memcpy(f64, cells, sizeof *f64);
    return 0;
}

uint8_t *tinyrnn_backend_memory(tinyrnn *rt, uint32_t *bytes) {
    wasm_memory_inst_t m = wasm_runtime_get_default_memory(rt->backend->instance);
    if (bytes) *bytes = (uint32_t)(wasm_memory_get_cur_page_count(m) * wasm_memory_get_bytes_per_page(m));
    return (uint8_t *)wasm_memory_get_base_address(m);
}

void tinyrnn_backend_memory_info(tinyrnn *rt, tinyrnn_memory_info *info) {
    mem_alloc_info_t pool;
    uint32_t bytes = 0;
    tinyrnn_backend_memory(rt, &bytes);
    info->linear_bytes = bytes;
    info->linear_pages = bytes >> 16;
    if (wasm_runtime_get_mem_alloc_info(&pool)) {
        info->heap_total_bytes = pool.total_size;
        info->heap_used_bytes = (int64_t)pool.total_size - pool.total_free_size;
        info->heap_peak_bytes = pool.highmark_size;
    } else {
        info->heap_total_bytes = info->heap_used_bytes = info->heap_peak_bytes = -1;
    }
}
